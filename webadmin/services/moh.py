"""Music on hold for the web admin: the library of one request, and the queue form's class choice.

A queue names its class (Queue.moh_class); the form offers the classes that exist, and a class
typed in by hand must exist too. The check sits here, not in telephony.callcenter.validation,
because only the front end knows the media directory.
"""

from __future__ import annotations

from typing import Any

from telephony.callcenter.errors import InvalidInput
from telephony.callcenter.validation import QueueInput, validate_queue
from telephony.control.client import ControlClient
from telephony.media.moh import MohLibrary
from telephony.models import Queue
from webadmin import context


def library(control: ControlClient | None = None) -> MohLibrary:
    return MohLibrary(context.state().config.media_dir, control)


def class_choices(current: Any) -> list[tuple[str, bool]]:
    """Return (class name, exists) for the queue form: every class, and the queue's own if missing."""
    names = library().names()
    choices = [(name, True) for name in names]
    current = str(current or "").strip()
    if current and current not in names:
        # Kept visible so saving the form does not switch the music silently (a class set by the
        # configuration document or pbxctl without a file plays the default until uploaded).
        choices.append((current, False))
    return choices


def check_queue_class(data: QueueInput, queue: Queue | None) -> None:
    """Raise InvalidInput when the form chose a class that has no music, with the form's other errors.

    The queue's current class is accepted as it is (unchanged, nothing new is claimed); a format
    error the domain finds in the value is shown rather than ours.
    """
    raw = data.settings.get("moh_class")
    if raw is None:
        return
    chosen = str(raw).strip()
    if (queue is not None and chosen == queue.moh_class) or library().exists(chosen):
        return
    errors = {"moh_class": "moh.queue_class"}
    params: dict[str, dict[str, object]] = {"moh_class": {"name": chosen}}
    try:
        validate_queue(data, queue)  # reads only: collects the other fields' errors to show at once
    except InvalidInput as exc:
        errors.update(exc.errors)
        params.update(exc.params)
    raise InvalidInput(errors, params)
