"""The simulator's control surface: act as the phones, the PSTN and the carrier around a built board.

    control = SimControl(board)
    control.offhook("fxs1"); control.dial("fxs1", "8001")
    control.ring("fxo1", "13800138000", "Zhang San")
    control.events("fxs2")          # what the far end saw: ringing, caller ID, tones, answer, ...

Far ends are found in board.sim_peers by port name: a SimPhone on fxsN, a SimPstnLine on fxoN, and
for E1 spans the carrier object the E1 module put there (hal.sim.carrier.CarrierSim), to which the
e1_* verbs and play/record/events on 'e1' and 'e1/N' delegate. The same verbs are served as JSON
over HTTP by hal.sim.http and by `pbxctl sim ...`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hal.analog import dsp
from hal.builder import Board
from hal.errors import HalError
from hal.sim.listen import read_wav
from hal.sim.phone import SimPhone
from hal.sim.pstn import SimPstnLine

log = logging.getLogger(__name__)


class SimError(HalError, LookupError):
    """The control surface cannot do that on that port (no such port, wrong kind of far end)."""


class SimControl:
    """Python API over a simulated board's far ends; every method names the port it acts on."""

    def __init__(self, board: Board) -> None:
        self.board = board

    # --- lookup ---------------------------------------------------------------------------
    def _peer(self, port: str) -> Any:
        peers = self.board.sim_peers
        if port in peers:
            return peers[port]
        span = port.split("/", 1)[0]
        if "/" in port and span in peers:
            return peers[span]
        if port not in self.board.ports:
            raise SimError(f"no port {port!r} (ports: {', '.join(self.board.ports)})")
        raise SimError(f"port {port!r} has no simulated far end (is the board simulated? is its module in?)")

    def phone(self, port: str) -> SimPhone:
        peer = self._peer(port)
        if not isinstance(peer, SimPhone):
            raise SimError(f"{port} is not an FXS port with a phone")
        return peer

    def line(self, port: str) -> SimPstnLine:
        peer = self._peer(port)
        if not isinstance(peer, SimPstnLine):
            raise SimError(f"{port} is not an FXO port with a PSTN line")
        return peer

    def carrier(self, span: str = "e1") -> Any:
        peer = self._peer(span)
        if isinstance(peer, SimPhone | SimPstnLine):
            raise SimError(f"{span} is not an E1 span")
        return peer

    # --- FXS: the phone -------------------------------------------------------------------
    def offhook(self, port: str) -> None:
        self.phone(port).offhook()

    def onhook(self, port: str) -> None:
        self.phone(port).onhook()

    def flash(self, port: str, ms: int = 300) -> None:
        self.phone(port).flash(ms)

    def dial(self, port: str, digits: str, pulse: bool = False) -> None:
        """Dial on a phone (DTMF or pulse); blocks until the digits are out."""
        self.phone(port).dial(digits, pulse=pulse)

    # --- FXO: the PSTN --------------------------------------------------------------------
    def ring(self, port: str, cid_number: str = "", cid_name: str = "", standard: str | None = None) -> None:
        """The PSTN rings an FXO line with caller ID (the board country's standard unless named)."""
        self.line(port).ring(cid_number, cid_name, standard)

    def pstn_stop_ring(self, port: str) -> None:
        self.line(port).stop_ring()

    def pstn_answer(self, port: str) -> None:
        """The called party answers the call the box placed on this line."""
        self.line(port).answer()

    def pstn_hangup(self, port: str, how: str = "loop") -> None:
        """The far party hangs up: 'loop' (current drop), 'polarity' (reversal) or 'busy' (busy tone)."""
        self.line(port).hangup(how)

    def unplug(self, port: str) -> None:
        """Cut the PSTN line (no battery)."""
        self.line(port).unplug()

    def plug(self, port: str) -> None:
        self.line(port).plug()

    # --- E1: the carrier ------------------------------------------------------------------
    def e1_call(self, calling: str, called: str, span: str = "e1", display: str = "") -> Any:
        """The carrier places a call to the box (with a Display IE naming the caller when `display`
        is given); returns its call id."""
        return self.carrier(span).call(calling, called, display=display)

    def e1_answer_mode(self, mode: str, number: str | None = None, span: str = "e1") -> None:
        """Choose what the carrier does with the calls the box places: 'proceeding' (nothing more, the
        default), 'alert' (ALERTING, then wait for e1_answer/e1_busy/e1_hangup), 'answer' (CONNECT at
        once) or 'busy' (DISCONNECT cause 17); for every call, or only for calls to `number`."""
        self.carrier(span).set_answer_mode(mode, number)

    def e1_alert(self, call: Any, span: str = "e1") -> None:
        """The called party's phone rings: ALERTING on a call the box placed."""
        self.carrier(span).alert(call)

    def e1_answer(self, call: Any, span: str = "e1") -> None:
        self.carrier(span).answer(call)

    def e1_busy(self, call: Any, span: str = "e1") -> None:
        """The called party is busy: DISCONNECT cause 17."""
        self.carrier(span).busy(call)

    def e1_hangup(self, call: Any, cause: int = 16, span: str = "e1") -> None:
        self.carrier(span).hangup(call, cause)

    def e1_los(self, on: bool, span: str = "e1") -> None:
        """Pull (on=True) or plug back the E1 cable."""
        self.carrier(span).los(on)

    # --- audio at the far end -------------------------------------------------------------
    def play(self, port: str, wav_path: str | Path) -> None:
        """Play an 8 kHz mono 16-bit WAV into the port from its far end (mouthpiece, PSTN, carrier)."""
        peer = self._peer(port)
        if not isinstance(peer, SimPhone | SimPstnLine):
            peer.play(port, wav_path)
            return
        peer.play_frames(dsp.to_frames(dsp.samples(read_wav(Path(wav_path)))))

    def record(self, port: str, wav_path: str | Path, seconds: float) -> Path:
        """Record `seconds` of what the far end hears into a WAV; blocks until done."""
        peer = self._peer(port)
        path = Path(wav_path)
        if not isinstance(peer, SimPhone | SimPstnLine):
            return Path(peer.record(port, path, seconds))
        peer.record(path, seconds)
        return path

    # --- what the far ends saw ------------------------------------------------------------
    def events(self, port: str, since: int = 0) -> list[dict[str, Any]]:
        peer = self._peer(port)
        if isinstance(peer, SimPhone | SimPstnLine):
            return peer.events(since)
        return list(peer.events())[since:]

    def clear_events(self, port: str) -> None:
        peer = self._peer(port)
        if isinstance(peer, SimPhone | SimPstnLine):
            peer.clear_events()

    def ports(self) -> list[dict[str, Any]]:
        """Every port with its HAL state and, where simulated, its far end's state."""
        out = []
        for name, port in self.board.ports.items():
            row = port.info()
            peer = self.board.sim_peers.get(name)
            if isinstance(peer, SimPhone):
                row["far_end"] = {"kind": "phone", **peer.state()}
            elif isinstance(peer, SimPstnLine):
                row["far_end"] = {"kind": "pstn", **peer.state_info()}
            elif peer is not None and hasattr(peer, "calls"):
                row["far_end"] = {"kind": "carrier", "calls": peer.calls()}
            out.append(row)
        return out
