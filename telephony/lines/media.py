"""A HAL audio channel as a pjsua2 conference-bridge port.

The callbacks run on pjmedia's clock thread: block copies of whole 20 ms frames only, no
logging, no pjsua2 calls. The AudioChannel's deques are the only thing shared with the line.
"""

from __future__ import annotations

import pjsua2 as pj

from hal.ports import FRAME_BYTES, FRAME_MS, SAMPLE_RATE, AudioChannel


def audio_format() -> pj.MediaFormatAudio:
    """8 kHz mono 16-bit, 20 ms: the HAL's frame, so the bridge never resamples it."""
    fmt = pj.MediaFormatAudio()
    fmt.type = pj.PJMEDIA_TYPE_AUDIO
    fmt.clockRate = SAMPLE_RATE
    fmt.channelCount = 1
    fmt.bitsPerSample = 16
    fmt.frameTimeUsec = FRAME_MS * 1000
    return fmt


class ChannelPort(pj.AudioMediaPort):
    """Bridge port of one HAL port or B-channel; keep a strong reference while the library lives."""

    def __init__(self, name: str, audio: AudioChannel) -> None:
        super().__init__()
        self.name = name
        self.audio = audio
        self.createPort(name, audio_format())

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:  # noqa: N802 - pjsua2 API
        frame.buf = pj.ByteVector(self.audio.read_frame())
        frame.size = FRAME_BYTES
        frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:  # noqa: N802 - pjsua2 API
        if frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO and frame.size == FRAME_BYTES:
            self.audio.write_frame(bytes(frame.buf))
