"""Audio through a port both ways: a WAV played at the far end arrives at the AudioChannel, and
frames the core writes arrive at the far end's recorder, through the sim PCM bus and the chips."""

from __future__ import annotations

import array
import threading
import time
from pathlib import Path

import pytest

from hal.analog import dsp
from hal.events import OffHook
from tests.hal.conftest import wait_until
from tests.support.audio import dominant, read_pcm, write_tone


class CoreSide:
    """Stand-in for the core's media clock: takes every frame the port delivers, feeds frames to it."""

    def __init__(self, channel, send: list[bytes] | None = None) -> None:
        self.channel = channel
        self.send = list(send or [])
        self.got = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            while self.channel.available():
                self.got += self.channel.read_frame()
            while self.send and self.channel.pending_to_line() < 4:
                self.channel.write_frame(self.send.pop(0))
            time.sleep(0.005)

    def __enter__(self) -> CoreSide:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)


def tone_frames(freq: float, seconds: float) -> list[bytes]:
    return dsp.to_frames(dsp.sine((freq,), 8000, int(8000 * seconds)))


def loud_part(pcm: bytes) -> array.array:
    samples = dsp.samples(pcm[: len(pcm) - len(pcm) % 2])
    frames = [samples[i : i + 160] for i in range(0, len(samples) - 159, 160)]
    return array.array("h", b"".join(f.tobytes() for f in frames if dsp.rms(f) > 1000))


@pytest.mark.parametrize("port", ["fxs1", "fxo1"])
def test_audio_far_end_wav_arrives_at_the_audio_channel(sim, port, tmp_path):
    if port.startswith("fxs"):
        sim.control.offhook(port)
        sim.log.wait(OffHook, port)
    else:
        sim.port(port).seize()
        sim.wait_far(port, "seized")
    wav = write_tone(tmp_path / "in.wav", 1000.0, seconds=1.0)
    with CoreSide(sim.port(port).audio) as core:
        if port.startswith("fxo"):
            sim.control.line(port).answer()  # stop the dial tone: only our WAV on the line
        sim.control.play(port, wav)
        wait_until(lambda: len(loud_part(bytes(core.got))) >= 6000, 5, "the WAV's audio at the core")
    heard = loud_part(bytes(core.got))
    assert dominant(heard, [400, 450, 1000, 1400]) == 1000
    assert dsp.rms(heard) == pytest.approx(12000 / 2**0.5, rel=0.05)


@pytest.mark.parametrize("port", ["fxs2", "fxo2"])
def test_audio_core_frames_arrive_at_the_far_end_recording(sim, port, tmp_path):
    if port.startswith("fxs"):
        sim.control.offhook(port)
        sim.log.wait(OffHook, port)
    else:
        sim.port(port).seize()
        sim.wait_far(port, "seized")
        sim.control.line(port).answer()
    out = tmp_path / "out.wav"
    with CoreSide(sim.port(port).audio, send=tone_frames(1400.0, 3.0)):
        sim.control.record(port, out, seconds=1.0)
    heard = loud_part(Path(out).read_bytes()[44:])
    assert len(heard) >= 4000
    assert dominant(heard, [450, 1000, 1400, 2000]) == 1400
    assert len(read_pcm(out)) == 8000  # one second recorded


def frame(n: int) -> bytes:
    return bytes([n % 256]) * 320


def test_audio_channel_counts_no_loss_while_nobody_reads_and_resumes_on_the_newest_frames():
    from hal.ports import AudioChannel

    ch = AudioChannel(depth=8)
    for n in range(50):  # a port out of any call: the bridge does not read it
        ch.put_from_line(frame(n))
    assert ch.dropped == 0
    assert ch.read_frame() == frame(48)  # back in a call: only the newest two frames are kept
    assert ch.read_frame() == frame(49)
    assert ch.read_frame() == bytes(320) and ch.underruns == 1


def test_audio_channel_counts_frames_pushed_out_while_the_core_is_reading():
    from hal.ports import AudioChannel

    ch = AudioChannel(depth=8)
    ch.put_from_line(frame(0))
    assert ch.read_frame() == frame(0)
    for n in range(1, 10):  # the reader stalls for 9 frames: 1 falls out of the 8-frame queue
        ch.put_from_line(frame(n))
    assert ch.dropped == 1
    assert ch.read_frame() == frame(8)  # and, being a queue-length late, catches up to the newest


def test_audio_channel_to_line_skips_what_the_core_wrote_while_the_line_was_not_taking():
    from hal.ports import AudioChannel

    ch = AudioChannel(depth=8)
    for n in range(20):
        ch.write_frame(frame(n))
    assert ch.dropped == 0
    assert [ch.take_to_line() for _ in range(3)] == [frame(18), frame(19), bytes(320)]
