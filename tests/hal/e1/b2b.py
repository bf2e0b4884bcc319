"""Two PRI stacks (user and network side) wired back to back in memory, on a fake clock."""

from __future__ import annotations

from typing import Any

from hal.e1.pri import PriSignalling
from hal.e1.signalling import ChannelPool
from hal.isdn import q921, q931
from hal.isdn.timers import FakeClock


class Side:
    """A SignallingUser that records what its stack did."""

    def __init__(self) -> None:
        self.out: list[bytes] = []
        self.events: list[tuple[int, str, dict[str, Any]]] = []
        self.link: list[bool] = []

    def sig_transmit(self, frame: bytes) -> None:
        self.out.append(frame)

    def sig_link(self, up: bool) -> None:
        self.link.append(up)

    def sig_event(self, call_ref: int, event: str, **data: Any) -> None:
        self.events.append((call_ref, event, data))

    def names(self, call_ref: int | None = None) -> list[str]:
        return [e for ref, e, _ in self.events if call_ref is None or ref == call_ref]

    def data(self, event: str) -> dict[str, Any]:
        return next(d for _, e, d in reversed(self.events) if e == event)

    def sent_messages(self) -> list[q931.Message]:
        """Decode the Q.931 messages inside the I frames sent so far (and forget nothing)."""
        out = []
        for raw in self.out:
            f = q921.decode(raw)
            if f.kind == q921.I:
                out.append(q931.decode(f.info))
        return out


class Pair:
    """user <-> network; `pump()` delivers frames until both are quiet."""

    def __init__(
        self,
        user_pool: ChannelPool | None = None,
        net_pool: ChannelPool | None = None,
        *,
        user_options: dict[str, Any] | None = None,
        net_options: dict[str, Any] | None = None,
    ) -> None:
        self.clock = FakeClock()
        self.u, self.n = Side(), Side()
        self.user = PriSignalling(
            self.u, user_pool or ChannelPool(), network=False, clock=self.clock, **(user_options or {})
        )
        self.net = PriSignalling(
            self.n, net_pool or ChannelPool(), network=True, clock=self.clock, **(net_options or {})
        )
        self.wire: list[tuple[str, bytes]] = []  # ("u>n" | "n>u", frame) log

    def pump(self, limit: int = 10000) -> None:
        for _ in range(limit):
            if not (self.u.out or self.n.out):
                return
            if self.u.out:
                frame = self.u.out.pop(0)
                self.wire.append(("u>n", frame))
                self.net.receive(frame)
            if self.n.out:
                frame = self.n.out.pop(0)
                self.wire.append(("n>u", frame))
                self.user.receive(frame)
        raise AssertionError("the two stacks never went quiet")

    def up(self) -> Pair:
        self.user.layer1(True)
        self.net.layer1(True)
        self.pump()
        assert self.user.up and self.net.up
        return self

    def advance(self, seconds: float, step: float = 0.25) -> None:
        """Move the clock in steps, polling both stacks and delivering frames."""
        end = self.clock.now + seconds
        while self.clock.now < end:
            self.clock.advance(min(step, end - self.clock.now))
            self.user.poll()
            self.net.poll()
            self.pump()

    def messages(self, direction: str) -> list[str]:
        """Names of the Q.931 messages that crossed in one direction ('u>n' or 'n>u')."""
        return [m.name for m in self.decoded(direction)]

    def decoded(self, direction: str, since: int = 0) -> list[q931.Message]:
        """The Q.931 messages that crossed in one direction, from wire position `since`."""
        out = []
        for d, raw in self.wire[since:]:
            f = q921.decode(raw)
            if d == direction and f.kind == q921.I:
                out.append(q931.decode(f.info))
        return out

    def layer1(self, up: bool) -> None:
        """The E1 line goes down (both ends lose layer 1, as with LOS) or comes back."""
        self.user.layer1(up)
        self.net.layer1(up)
        self.pump()

    def inject_to_user(self, raw: bytes) -> list[q931.Message]:
        """Send raw Q.931 octets from the network side; return what the user side answered."""
        mark = len(self.wire)
        self.net.link.send_data(raw)
        self.pump()
        out = []
        for d, frame in self.wire[mark:]:
            f = q921.decode(frame)
            if d == "u>n" and f.kind == q921.I:
                out.append(q931.decode(f.info))
        return out
