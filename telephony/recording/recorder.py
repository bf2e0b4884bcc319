"""The pjsua2 side of one call's recording: recorders in the bridge, fed by the call's two legs.

Mixed: both legs transmit into one AudioMediaRecorder, which writes the bridge's mix of what it
receives (one mono WAV). Stereo: each leg has its own mono recorder; the parts are interleaved
after the call. Runs on the engine thread only; the recorders are kept here (strong references)
until `close`, which drops them: pjmedia then removes their ports and closes the files (writing
the WAV header sizes) on a later loop turn.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pjsua2 as pj

from telephony.recording import files

log = logging.getLogger(__name__)


class CallRecorder:
    """The recorders of one recording of one call."""

    def __init__(self, call: Any, path: Path, mode: str) -> None:
        self.call = call
        self.path = path
        self.mode = mode
        self.recorders: list[tuple[pj.AudioMediaRecorder, list[Any]]] = []

    @property
    def paths(self) -> list[Path]:
        """The files pjsua2 writes (the final file, or the two stereo parts)."""
        return [self.path] if self.mode == "mixed" else list(files.part_paths(self.path))

    def open(self) -> None:
        """Create the recorders and connect the legs; raise pj.Error or OSError when that fails."""
        a_med, b_med = self.call.a.media(), self.call.b.media()
        if a_med is None or b_med is None:
            raise OSError("a leg of the call has no audio yet")
        try:
            if self.mode == "mixed":
                self._add(self.path, [a_med, b_med])
            else:
                caller, callee = files.part_paths(self.path)
                self._add(caller, [a_med])
                self._add(callee, [b_med])
        except (pj.Error, OSError):
            self.close(disconnect=True)
            raise

    def _add(self, path: Path, sources: list[Any]) -> None:
        recorder = pj.AudioMediaRecorder()
        recorder.createRecorder(str(path))
        self.recorders.append((recorder, sources))
        for med in sources:
            med.startTransmit(recorder)

    def close(self, disconnect: bool) -> None:
        """Drop the recorders; `disconnect` first stops the legs' streams (they are still up)."""
        recorders, self.recorders = self.recorders, []
        if disconnect:
            meds = [self.call.a.media(), self.call.b.media()]
            for recorder, _sources in recorders:
                for med in meds:
                    if med is None:
                        continue
                    try:
                        med.stopTransmit(recorder)
                    except pj.Error:
                        pass  # that stream was not feeding this recorder, or is gone
        del recorders  # the last references: the bridge removes the ports and the files close
