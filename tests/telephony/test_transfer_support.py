"""Shared pieces of the transfer, hold and call-waiting tests (no tests here).

Phones are the real pjsua2 test phones (tests/support/phones.py); XferCall adds the REFER
status callback so a test sees the NOTIFYs the box sends back to a transferor.
"""

from __future__ import annotations

import array

import pjsua2 as pj

from tests.support import audio
from tests.support.box import wait_until

SECRET = "Secr3tPass9"
# The built-in default music on hold (telephony.callcenter.runtime.moh): an arpeggio of these notes.
MOH_NOTES = (392.0, 493.9, 587.3, 784.0, 440.0, 523.3, 659.3, 329.6)
TONES = {"a": 1000.0, "b": 600.0, "c": 800.0, "d": 1400.0}


def xfer_call_class():
    """A PhoneCall subclass that records onCallTransferStatus (made late: pjsua2 loads first)."""
    from tests.support.phones import PhoneCall

    class _XferCall(PhoneCall):
        def __init__(self, phone, call_id=pj.PJSUA_INVALID_ID, invite=""):
            super().__init__(phone, call_id, invite)
            self.xfer_status: list[tuple[int, bool]] = []

        def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:  # noqa: N802
            self.xfer_status.append((prm.statusCode, prm.finalNotify))
            prm.cont = True

    return _XferCall


def dial(phone, number: str):
    """Like Phone.call, with a call object that sees REFER NOTIFYs."""
    call = xfer_call_class()(phone)
    phone._arm(call, f"out{len(phone.calls)}")
    prm = pj.CallOpParam(True)
    prm.opt.audioCount = 1
    prm.opt.videoCount = 0
    call.makeCall(f"sip:{number}@{phone.host.box}", prm)
    phone.calls.append(call)
    return call


def samples(call) -> array.array:
    return (
        audio.read_pcm(call.record_path)
        if call.record_path and call.record_path.exists()
        else array.array("h")
    )


def heard_next(host, call, seconds: float = 1.0, settle: float = 0.6) -> array.array:
    """Wait for `settle` + `seconds` more of what `call` receives and return the last `seconds`."""
    start = len(samples(call))
    need = start + int((settle + seconds) * audio.RATE)
    host.wait(lambda: len(samples(call)) >= need, settle + seconds + 10, f"{seconds}s more audio on a call")
    got = samples(call)
    return got[need - int(seconds * audio.RATE) : need]


def tone_of(pcm: array.array) -> float:
    """The test tone (or ringback 450 Hz) that dominates `pcm`."""
    return audio.dominant(pcm, [*TONES.values(), 450.0])


def is_music(pcm: array.array) -> bool:
    """Music on hold: loud enough, and its power in the arpeggio's notes, not in a test tone."""
    if audio.rms(pcm) < 300:
        return False
    music = sum(audio.goertzel(pcm, f) for f in MOH_NOTES)
    tones = max(audio.goertzel(pcm, f) for f in TONES.values())
    return music > 4 * tones


def cdr_rows(box, count_before: int, count: int):
    wait_until(lambda: len(box.cdrs()) >= count_before + count, 15, f"{count} new CDR rows")
    return box.cdrs()[-count:]  # the newest: a row of an earlier test's call may still have landed late


def legs_of(cdr) -> dict[str, str]:
    return {leg.role: leg.peer for leg in cdr.legs}


def wait_hearing(host, call, tone: float, timeout: float = 10.0) -> None:
    """Wait until `call` hears `tone` (not music) in a 0.5 s window: right after a transfer, swap or
    resume the core may still be switching the bridge on a busy machine."""
    last: list[float] = []

    def hears() -> bool:
        pcm = heard_next(host, call, seconds=0.5, settle=0.1)
        last.append(tone_of(pcm))
        return last[-1] == tone and not is_music(pcm)

    try:
        host.wait(hears, timeout, f"{tone} Hz to be heard")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; heard {last[-5:]}") from None


def wait_music(host, call, timeout: float = 10.0) -> None:
    """Wait until `call` hears music on hold (a 1 s window of the default class)."""
    host.wait(lambda: is_music(heard_next(host, call, seconds=1.0, settle=0.1)), timeout, "music on hold")


def until_heard(host, send, check, tries: int = 3) -> None:
    """Send a re-INVITE (`send()`) until `check()` (which waits with a deadline) passes.

    pjsua may be locking the codec with its own re-INVITE right after the answer; one crossing it
    gets 491 and a real phone sends it again, so this does too (at most `tries` times)."""
    for attempt in range(tries):
        try:
            send()
        except pj.Error:
            pass  # a re-INVITE is still pending: wait and try again
        try:
            check()
            return
        except AssertionError:
            if attempt == tries - 1:
                raise


def hold(host, call, listener) -> None:
    """Hold `call` from its phone (a=sendonly) until `listener` hears music on hold."""
    until_heard(
        host, lambda: call.setHold(pj.CallOpParam(True)), lambda: wait_music(host, listener, timeout=4)
    )


def resume(host, call, listener, tone: float) -> None:
    """Resume a held `call` until `listener` hears `tone` again."""

    def send() -> None:
        prm = pj.CallOpParam(True)
        prm.opt.flag = pj.PJSUA_CALL_UNHOLD
        call.reinvite(prm)

    until_heard(host, send, lambda: wait_hearing(host, listener, tone, timeout=4))
