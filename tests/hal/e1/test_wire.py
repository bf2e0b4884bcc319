"""The line module's UART protocol: stuffing, CRC, resync on garbage, PCM blocks; A-law blocks."""

from __future__ import annotations

import array
import math

import pytest

from hal.e1 import g711, wire


def test_wire_stuffing_round_trips_every_octet():
    data = bytes(range(256)) * 2 + b"\x7d\x5e\x7d\x5d\x7e\x7e\x7d"
    stuffed = wire.stuff(data)
    assert wire.FLAG not in stuffed and wire.unstuff(stuffed) == data


@pytest.mark.parametrize("bad", [b"\x7d", b"\x7d\x00", b"ab\x7d\x7d\x5d"])
def test_wire_unstuff_rejects_bad_escapes(bad):
    with pytest.raises(ValueError):
        wire.unstuff(bad)


def test_wire_frame_layout_and_crc():
    frame = wire.encode(wire.Kind.SIG, b"\x00\x01\x7f")
    # kind 0x01 + SABME; CRC-16/CCITT-FALSE over 01 00 01 7f, big endian; no octet needs stuffing here
    assert frame[0] == frame[-1] == 0x7E and frame[1:5] == b"\x01\x00\x01\x7f"
    assert wire.Decoder().feed(frame) == [(wire.Kind.SIG, b"\x00\x01\x7f")]


def test_wire_crc_is_crc16_ccitt_false():
    import binascii

    assert binascii.crc_hqx(b"123456789", 0xFFFF) == 0x29B1


def test_wire_decoder_reassembles_frames_fed_byte_by_byte():
    stream = wire.encode(wire.Kind.SIG, b"\x7e\x7d" * 10) + wire.encode_status({"LOS", "RAI"})
    dec = wire.Decoder()
    out = [f for b in stream for f in dec.feed(bytes((b,)))]
    assert out[0] == (wire.Kind.SIG, b"\x7e\x7d" * 10)
    assert wire.decode_status(out[1][1]) == {"LOS", "RAI"}
    assert dec.counters.bad_frames == 0


def test_wire_decoder_drops_garbage_and_resyncs_on_the_next_flag():
    good = wire.encode(wire.Kind.SIG, b"abc")
    corrupt = bytearray(wire.encode(wire.Kind.SIG, b"xyz"))
    corrupt[3] ^= 0xFF
    dec = wire.Decoder()
    out = dec.feed(b"noise before sync" + good + b"\x00\xff junk" + bytes(corrupt) + b"\x7e\x7d\x7e" + good)
    assert out == [(wire.Kind.SIG, b"abc")] * 2
    assert dec.counters.bad_frames == 4 and dec.counters.garbage_bytes > 20


def test_wire_decoder_gives_up_on_an_endless_frame():
    dec = wire.Decoder()
    dec.feed(b"\x7e" + b"\x00" * (wire.MAX_FRAME + 1))
    assert dec.counters.bad_frames == 1
    assert dec.feed(wire.encode(wire.Kind.STATUS_REQ)) == [(wire.Kind.STATUS_REQ, b"")]


def test_wire_pcm_blocks_round_trip_with_the_timeslot_mask():
    blocks = {1: b"\x01" * 160, 17: b"\x7e" * 160, 31: b"\xd5" * 160}
    (kind, payload), *_ = wire.Decoder().feed(wire.encode_pcm(blocks))
    assert kind == wire.Kind.PCM and payload[:4] == (1 << 1 | 1 << 17 | 1 << 31).to_bytes(4, "big")
    assert wire.decode_pcm(payload) == blocks


def test_wire_pcm_length_must_match_the_mask():
    with pytest.raises(ValueError):
        wire.decode_pcm((1 << 3).to_bytes(4, "big") + b"\x00" * 159)
    with pytest.raises(ValueError):
        wire.decode_pcm(b"\x00")


def test_g711_alaw_blocks_keep_a_tone():
    tone = array.array("h", (int(8000 * math.sin(2 * math.pi * 1000 * n / 8000)) for n in range(160)))
    alaw = g711.linear_to_alaw(tone.tobytes())
    assert len(alaw) == 160
    back = array.array("h", g711.alaw_to_linear(alaw))
    assert max(abs(a - b) for a, b in zip(tone, back, strict=True)) < 300
    assert max(map(abs, array.array("h", g711.alaw_to_linear(g711.alaw_silence(160))))) <= 8
