"""Read the queue runtime's settings from the box database (queues, agents, members, pause codes).

Queue and agent ids in the engine are their numbers (Queue.number, Agent.number), as the stored
ACD event log and reports name them. A queue whose settings do not validate is left out with an
error in the log; the other queues keep working.
"""

from __future__ import annotations

import logging

from telephony.acd.config import QueueConfig
from telephony.acd.errors import InvalidConfig
from telephony.callcenter import builder
from telephony.callcenter.runtime.options import QueueOptions, Settings
from telephony.models.callcenter import Queue

log = logging.getLogger(__name__)


def from_database() -> Settings:
    queues: list[QueueConfig] = []
    options: dict[str, QueueOptions] = {}
    for queue in Queue.select().order_by(Queue.number):
        try:
            queues.append(builder.queue_config(queue))
        except InvalidConfig as exc:
            log.error("queue %s (%s) left out: %s", queue.number, queue.name, exc)
            continue
        options[queue.number] = QueueOptions(
            queue.number,
            queue.name,
            queue.moh_class,
            announce_position=queue.announce_position,
            announce_estimate=queue.announce_estimate,
            announce_agent_number=queue.announce_agent_number,
            whisper_text=queue.whisper_text,
            callback_key=queue.callback_key if queue.callback_enabled else "",
            survey=queue.survey_enabled,
        )
    return Settings(tuple(queues), tuple(builder.agent_configs()), options, builder.pause_codes())
