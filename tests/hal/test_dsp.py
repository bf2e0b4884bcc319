"""Signalling DSP: the FSK modem (Bell 202, V.23), caller-ID framing, DTMF codec and tone frames."""

from __future__ import annotations

import array

import pytest

from hal.analog import callerid, dsp, fsk
from hal.analog.dtmf import DtmfDetector, dtmf_samples
from hal.analog.tones import TonePlayer, tone_frames
from hal.country import CALLER_ID_STANDARDS, COUNTRIES
from hal.ports import FRAME_BYTES, CallerIdInfo
from tests.hal.conftest import wait_until

MESSAGE = callerid.encode_call("13800138000", "Zhang San", "01021530")


def decoded(samples: array.array) -> callerid.CallerIdMessage | None:
    return callerid.decode_burst(samples)


def test_dsp_uart_bits_frame_each_byte_lsb_first():
    assert fsk.uart_bits(b"\x01\x80") == [0, 1, 0, 0, 0, 0, 0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]


def test_dsp_mdmf_message_layout_and_checksum():
    assert MESSAGE[0] == 0x80 and MESSAGE[1] == len(MESSAGE) - 3
    assert MESSAGE[2:12] == b"\x01\x080102" + b"1530"
    assert sum(MESSAGE) & 0xFF == 0
    msg = callerid.parse(b"\x55\x55" + MESSAGE + b"\xff")  # leading seizure garbage, trailing noise
    assert (msg.number, msg.name, msg.when) == ("13800138000", "Zhang San", "01021530")


def test_dsp_corrupted_message_is_rejected():
    bad = bytearray(MESSAGE)
    bad[15] ^= 0x01
    assert callerid.parse(bytes(bad)) is None


def test_dsp_sdmf_private_and_mwi_messages():
    sdmf = callerid.parse(callerid.encode_call("P", fmt="sdmf", when="12312359"))
    assert sdmf.number == "" and sdmf.number_absent == "P" and sdmf.message_type == 0x04
    withheld = callerid.parse(callerid.encode_call("", "", "01010000"))
    assert withheld.number_absent == "O"
    assert callerid.parse(callerid.encode_mwi(True)).mwi is True
    assert callerid.parse(callerid.encode_mwi(False)).mwi is False


@pytest.mark.parametrize("mod", [fsk.BELL202, fsk.V23], ids=lambda m: m.name)
def test_dsp_fsk_round_trip_clean(mod):
    msg = decoded(fsk.fsk_burst(MESSAGE, mod))
    assert msg is not None and msg.modulation == mod.name
    assert (msg.number, msg.name) == ("13800138000", "Zhang San")


@pytest.mark.parametrize(("mod", "snr_db"), [(fsk.BELL202, 20), (fsk.V23, 20), (fsk.BELL202, 12)])
def test_dsp_fsk_decodes_through_white_noise(mod, snr_db):
    burst = fsk.fsk_burst(MESSAGE, mod)
    ok = 0
    for seed in range(5):
        msg = decoded(dsp.add_noise(burst, snr_db, seed=seed))
        ok += msg is not None and msg.number == "13800138000" and msg.modulation == mod.name
    assert ok >= 4, f"{ok}/5 bursts decoded at {snr_db} dB"


def test_dsp_fsk_with_silence_around_and_a_level_drop():
    burst = fsk.fsk_burst(MESSAGE, fsk.BELL202, level=1500)
    padded = array.array("h", bytes(2 * 1234)) + burst + array.array("h", bytes(2 * 800))
    assert decoded(dsp.add_noise(padded, 25)).number == "13800138000"


def test_dsp_noise_alone_decodes_to_nothing():
    noise = dsp.add_noise(array.array("h", [3000, -3000] * 4000), 0, seed=9)
    assert decoded(noise) is None


@pytest.mark.parametrize("standard", ["yd1277-fsk", "bell202", "etsi-v23", "bell202-sdmf", "yd1277-dtmf"])
def test_dsp_caller_id_receiver_takes_line_frames(standard):
    frames = callerid.caller_id_frames(
        CallerIdInfo("13800138000", "Zhang San"), CALLER_ID_STANDARDS[standard]
    )
    assert all(len(f) == FRAME_BYTES for f in frames)
    rx = callerid.CallerIdReceiver()
    got = [m for f in frames for m in [rx.feed(f)] if m]
    # then silence, until the FSK decode (on the DSP thread) comes back
    got = got or wait_until(lambda: rx.feed(bytes(FRAME_BYTES)), 5, "the caller-ID message", interval=0.005)
    got = got if isinstance(got, list) else [got]
    assert got and got[0].number == "13800138000"
    assert got[0].name == ("" if standard in ("bell202-sdmf", "yd1277-dtmf") else "Zhang San")


def test_dsp_dtmf_caller_id_strings():
    assert callerid.dtmf_cid_digits("0755-1234") == "A07551234C"
    assert callerid.dtmf_cid_digits("P") == "B10C"
    assert callerid.parse_dtmf("A07551234C").number == "07551234"
    assert callerid.parse_dtmf("B10C").number_absent == "P"
    assert callerid.parse_dtmf("A123") is None


@pytest.mark.parametrize("snr_db", [30, 15, 8])
def test_dsp_dtmf_detects_every_key_through_noise(snr_db):
    keys = "0123456789*#ABCD"
    offset = array.array("h", bytes(2 * 37))  # tones not aligned to frames
    pcm = dsp.add_noise(offset + dtmf_samples(keys, 70, 70), snr_db, seed=4)
    assert DtmfDetector().scan(pcm) == keys


def test_dsp_dtmf_ignores_noise_and_single_tones():
    noise = dsp.add_noise(array.array("h", [2000, -2000] * 20000), 0, seed=5)
    assert DtmfDetector().scan(noise) == ""
    assert DtmfDetector().scan(dsp.sine((697.0,), 8000, 8000)) == ""
    assert DtmfDetector().scan(dsp.sine((450.0,), 8000, 8000)) == ""


def test_dsp_dtmf_repeated_digit_needs_a_gap():
    assert DtmfDetector().scan(dtmf_samples("55", 80, 80)) == "55"
    assert DtmfDetector().scan(dsp.sine((770.0, 1336.0), 5000, 4000)) == "5"  # one long press


def test_dsp_tone_frames_are_whole_cadence_cycles():
    cn = COUNTRIES["cn"]
    assert len(tone_frames(cn.tone("dial"))) == 1  # 450 Hz: 9 whole cycles per 20 ms frame
    busy = tone_frames(cn.tone("busy"))
    assert len(busy) == 35  # 350 + 350 ms
    on = dsp.samples(b"".join(busy[:17]))
    assert dsp.dominant_frequencies(on, peaks=1) == [pytest.approx(450, abs=2)]
    assert dsp.rms(dsp.samples(busy[20])) == 0
    us_dial = dsp.samples(b"".join(tone_frames(COUNTRIES["us"].tone("dial")) * 10))
    assert sorted(dsp.dominant_frequencies(us_dial)) == [pytest.approx(350, abs=3), pytest.approx(440, abs=3)]
    player = TonePlayer("busy", cn.tone("busy"))
    assert [player.next_frame() for _ in range(36)][35] == busy[0]
