"""The simulated phone's mouthpiece queue, driven period by period without a board."""

from __future__ import annotations

import threading
import time

import pytest

from hal.analog.dtmf import dtmf_frames
from hal.ports import SILENCE
from hal.sim.phone import SimPhone

TONE = b"\x10\x27" * 160  # one 20 ms frame of a constant non-zero level


def periods(phone: SimPhone, n: int) -> list[bytes]:
    return [phone.exchange(SILENCE, i * 0.02) for i in range(n)]


class Clock:
    """Call the phone's exchange() every `period` seconds on a thread, like a (slow) line clock."""

    def __init__(self, phone: SimPhone, period: float) -> None:
        self.phone, self.period = phone, period
        self.sent: list[bytes] = []
        self.running = threading.Event()
        self.running.set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        n = 0
        while not self._stop.wait(self.period):
            if self.running.is_set():
                self.sent.append(self.phone.exchange(SILENCE, n * 0.02))
                n += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)


def test_onhook_discards_the_unplayed_mouthpiece_audio():
    phone = SimPhone("fxs1")
    phone.offhook()
    phone.play_frames([TONE] * 50)
    assert periods(phone, 5) == [TONE] * 5
    phone.onhook()
    phone.offhook()
    assert periods(phone, 3) == [SILENCE] * 3  # nothing said before the hang-up comes out now
    phone.play_frames(dtmf_frames("5"))
    assert periods(phone, 1) == dtmf_frames("5")[:1]


def test_dial_after_a_hang_up_with_audio_queued_sends_only_its_digits():
    phone = SimPhone("fxs1")
    phone.offhook()
    phone.play_frames([TONE] * 500)  # 10 s of speech the caller never finished
    periods(phone, 2)
    phone.onhook()
    phone.offhook()
    clock = Clock(phone, 0.002)
    try:
        phone.dial("12", timeout=1.0)
    finally:
        clock.close()
    assert TONE not in clock.sent
    assert clock.sent[: len(dtmf_frames("12"))] == dtmf_frames("12")


def test_dial_on_a_slow_clock_finishes_however_long_it_takes_on_the_wall():
    # 13 DTMF digits behind 1 s of audio are 180 periods: 3.6 s at 20 ms/period, about 2x that here.
    phone = SimPhone("fxs1")
    phone.offhook()
    phone.play_frames([TONE] * 50)
    clock = Clock(phone, 0.04)
    try:
        start = time.monotonic()
        phone.dial("1380013800013", timeout=1.0)  # timeout is "no progress for", not "all done within"
        assert time.monotonic() - start > 1.0
    finally:
        clock.close()
    assert clock.sent[50:] == dtmf_frames("1380013800013")


def test_dial_fails_promptly_when_the_clock_stops():
    phone = SimPhone("fxs1")
    phone.offhook()
    clock = Clock(phone, 0.002)
    clock.running.clear()
    try:
        with pytest.raises(TimeoutError, match="dialing did not finish"):
            phone.dial("123", timeout=0.3)
    finally:
        clock.close()


def test_dial_ends_when_the_handset_is_put_down_mid_dial():
    phone = SimPhone("fxs1")
    phone.offhook()
    clock = Clock(phone, 0.02)
    threading.Timer(0.2, phone.onhook).start()
    try:
        with pytest.raises(RuntimeError, match="handset was put down"):
            phone.dial("1380013800013", timeout=5.0)
    finally:
        clock.close()
    assert not phone._tx
