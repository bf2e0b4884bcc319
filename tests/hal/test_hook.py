"""The hook detector on synthetic timestamps: debounce, flash window, pulse counting, on-hook."""

from __future__ import annotations

from hal.analog.hook import HookDetector
from hal.events import Digit, Flash, OffHook, OnHook


class Line:
    def __init__(self) -> None:
        self.events: list = []
        self.hook = HookDetector("fxs1", self.events.append)
        self.t = 100.0

    def hold(self, seconds: float, offhook: bool | None = None) -> None:
        """Change the loop (if given) now, then let `seconds` pass in 20 ms ticks."""
        if offhook is not None:
            self.hook.feed(self.t, offhook)
        end = self.t + seconds
        while self.t < end - 1e-9:
            self.t = round(self.t + 0.02, 6)
            self.hook.tick(self.t)

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]


def test_hook_offhook_after_debounce_and_onhook_after_flash_window():
    line = Line()
    line.hold(0.02, True)
    assert line.kinds() == []
    line.hold(0.04)
    assert line.kinds() == ["OffHook"]
    line.hold(0.6, False)
    assert line.kinds() == ["OffHook"]
    line.hold(0.2)
    assert line.kinds() == ["OffHook", "OnHook"]


def test_hook_bounce_is_ignored():
    line = Line()
    line.hold(0.5, True)
    line.hook.feed(line.t + 0.001, False)
    line.hook.feed(line.t + 0.011, True)
    line.hold(1.0)
    assert line.kinds() == ["OffHook"]


def test_hook_flash_window():
    line = Line()
    line.hold(0.5, True)
    line.hold(0.3, False)
    line.hold(0.5, True)
    assert isinstance(line.events[-1], Flash)


def test_hook_pulses_count_into_digits_with_interdigit_pause():
    line = Line()
    line.hold(0.5, True)
    for digit in (3, 10, 1):
        for _ in range(digit):
            line.hold(0.06, False)
            line.hold(0.04, True)
        line.hold(0.7)
    got = [(e.digit, e.mode) for e in line.events if isinstance(e, Digit)]
    assert got == [("3", "pulse"), ("0", "pulse"), ("1", "pulse")]
    assert not [e for e in line.events if isinstance(e, Flash | OnHook)]
    assert isinstance(line.events[0], OffHook)


def test_hook_transitions_between_ticks_are_not_lost():
    line = Line()
    line.hold(0.5, True)
    start = line.t
    for i in range(2):  # two pulses fed at once, as an interrupt thread would, before the next tick
        line.hook.feed(start + i * 0.1, False)
        line.hook.feed(start + i * 0.1 + 0.06, True)
    line.t = start + 0.2
    line.hold(0.5)
    assert [e.digit for e in line.events if isinstance(e, Digit)] == ["2"]
