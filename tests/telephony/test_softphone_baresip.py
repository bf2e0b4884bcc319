"""An independent softphone (baresip, Debian) registers to the box and calls another one through it."""

from __future__ import annotations

import array
import glob
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support import audio
from tests.support.box import free_port, wait_until

SECRETS = {"2101": "SoftPhoneA77", "2102": "SoftPhoneB88"}


def port_pair() -> int:
    """Return a port free for UDP and TCP whose next port is free too: baresip binds TLS on port + 1."""
    for _ in range(50):
        port = free_port(also_udp=True)
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            with socket.socket(socket.AF_INET, kind) as sock:
                try:
                    sock.bind(("127.0.0.1", port + 1))
                except OSError:
                    break
        else:
            return port
    raise RuntimeError("no free port pair")


def baresip_config(home: Path, number: str, box_sip: str, freq: int) -> None:
    port = port_pair()
    home.mkdir()
    (home / "config").write_text(
        "\n".join(
            [
                "poll_method epoll",
                f"sip_listen 127.0.0.1:{port}",
                "audio_player fakeaudio",
                f"audio_source ausine,{freq}",
                "audio_alert fakeaudio",
                "ausrc_srate 48000",
                "auplay_srate 48000",
                "ausrc_channels 2",
                "auplay_channels 2",
                "module_path /usr/lib/baresip/modules",
                "module stdio.so",
                "module g711.so",
                "module ausine.so",
                "module sndfile.so",  # dumps what the phone hears to a WAV in snd_path
                "module_app account.so",
                "module_app menu.so",
                f"snd_path {home}",
                "",
            ]
        )
    )
    (home / "accounts").write_text(
        f"<sip:{number}@{box_sip}>;auth_pass={SECRETS[number]};regint=600;answermode=auto\n"
    )


def heard(home: Path) -> array.array:
    files = glob.glob(str(home / "dump-*-dec.wav"))
    if not files:
        return array.array("h")
    return audio.read_pcm(Path(files[0]))


@pytest.mark.skipif(shutil.which("baresip") is None, reason="make setup installs baresip-core")
def test_baresip_phones_register_call_and_hear_each_other(box, tmp_path):
    for number, secret in SECRETS.items():
        box.add_extension(number, secret, f"Soft {number}")
    a_home, b_home = tmp_path / "a", tmp_path / "b"
    baresip_config(a_home, "2101", box.sip, 1000)
    baresip_config(b_home, "2102", box.sip, 600)
    b = subprocess.Popen(["baresip", "-f", str(b_home)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    a = None
    try:

        def b_registered() -> bool:
            regs = box.control.status().get("registrations", [])
            return "2102" in {r["aor"] for r in regs}

        try:
            wait_until(b_registered, 30, "baresip 2102 to register")
        except AssertionError as err:
            b.terminate()
            raise AssertionError(
                f"baresip 2102 did not register; it said:\n{b.communicate(timeout=10)[0].decode()}"
            ) from err
        a = subprocess.Popen(
            ["baresip", "-f", str(a_home), "-e", "/dial 2102"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        # 2 s of audio each way (8 kHz 16-bit: 32 kB) arriving in the phones' dumps.
        wait_until(
            lambda: len(heard(a_home)) > 24000 and len(heard(b_home)) > 24000, 20, "audio at both phones"
        )
        a_heard, b_heard = heard(a_home)[-8000:], heard(b_home)[-8000:]
        assert audio.rms(a_heard) > 1000 and audio.rms(b_heard) > 1000
        assert audio.dominant(a_heard, [600, 1000]) == 600
        assert audio.dominant(b_heard, [600, 1000]) == 1000
    finally:
        for proc in (a, b):
            if proc is not None:
                proc.terminate()
                proc.wait(10)
