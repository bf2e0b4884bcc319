"""Tell a transferor why a transfer did not happen, in the box's prompt language (zh-CN or English).

A number that matches no route, may not be dialed from the transferor's phone, or cannot take a
call now (busy line, no free trunk) is said to the transferor (espeak-ng, cached like every
prompt) while the other party keeps waiting with music; then the two talk again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from telephony.models import Setting
from telephony.prompts import LANGUAGES, Prompts, duration

if TYPE_CHECKING:
    from telephony.calls.legs import CallLeg
    from telephony.engine import Engine

log = logging.getLogger(__name__)

TEXTS = {
    "none": {
        "en": "Transfer failed: the number {digits} does not exist. You are back with your call.",
        "zh-CN": "转接失败：号码 {digits} 不存在。已返回原通话。",
    },
    "denied": {
        "en": "Transfer failed: this phone may not dial {digits}. You are back with your call.",
        "zh-CN": "转接失败：本话机无权拨打 {digits}。已返回原通话。",
    },
    "busy": {
        "en": "Transfer failed: {digits} cannot take a call now. You are back with your call.",
        "zh-CN": "转接失败：{digits} 现在无法接听。已返回原通话。",
    },
}


def language() -> str:
    value = Setting.get_value("prompt_language", "zh-CN")
    return value if value in LANGUAGES else "zh-CN"


def text(reason: str, number: str, lang: str) -> str:
    """The sentence for `reason` ("none", "denied", "busy"), the number said digit by digit."""
    return TEXTS.get(reason, TEXTS["busy"])[lang].format(digits=" ".join(number))


class Notices:
    """Plays refusal sentences to transferors; keeps each player alive until it has finished."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.prompts = Prompts(engine.cfg.media_dir)
        self.players: dict[int, pj.AudioMediaPlayer] = {}

    def tell(self, leg: CallLeg, reason: str, number: str, then: Callable[[], None]) -> None:
        """Say why to `leg`, then run `then` (on the loop) whatever happened to the prompt."""
        lang = language()
        sentence = text(reason, number, lang)
        log.info("%s: %s", leg.peer, text(reason, number, "en"))

        def play(path: Any) -> None:
            med = None if leg.ended else leg.media()
            if path is None or med is None:
                then()
                return
            player = pj.AudioMediaPlayer()
            try:
                player.createPlayer(str(path), pj.PJMEDIA_FILE_NO_LOOP)
                player.startTransmit(med)
            except pj.Error as exc:
                log.warning("refusal prompt to %s not played: %s", leg.peer, exc.info())
                then()
                return
            key = id(player)
            self.players[key] = player

            def done() -> None:
                gone = self.players.pop(key, None)
                if gone is not None and not leg.ended:
                    try:
                        gone.stopTransmit(med)
                    except pj.Error:
                        pass  # the leg's port is gone
                then()

            self.engine.call_later(duration(path) + 0.2, done)

        self.prompts.speak(sentence, lang, self.engine.run_soon, play)

    def close(self) -> None:
        self.players.clear()
        self.prompts.close()
