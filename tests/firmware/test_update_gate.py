"""The health gate before `rauc status mark-good`, and how RAUC's error messages are named."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from firmware import update
from telephony import boxconfig


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fake_rauc(tmp_path: Path, exit_code: int = 0) -> update.Rauc:
    """A `rauc` that records its arguments (the gate decides whether it is called at all)."""
    script = tmp_path / "rauc"
    script.write_text(
        f'#!/bin/sh\necho "$@" >> {tmp_path}/calls\necho "no such slot" >&2\nexit {exit_code}\n'
    )
    script.chmod(0o755)
    return update.Rauc(compatible="qemu-amd64", binary=str(script))


def calls(tmp_path: Path) -> list[str]:
    path = tmp_path / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_mark_good_waits_for_a_check_that_becomes_healthy_then_marks(tmp_path: Path) -> None:
    answers = iter(["pbx-core: starting", "pbx-core: starting", None])
    assert update.mark_good(fake_rauc(tmp_path), [lambda: next(answers)], deadline_s=10, interval_s=0.05)
    assert calls(tmp_path) == ["status mark-good"]


def test_mark_good_leaves_the_slot_unmarked_when_a_check_keeps_failing(tmp_path: Path) -> None:
    assert not update.mark_good(fake_rauc(tmp_path), [lambda: None, lambda: "kamailio: no answer"], 0.3, 0.05)
    assert calls(tmp_path) == []


def test_mark_good_reports_rauc_refusing(tmp_path: Path) -> None:
    with pytest.raises(update.UpdateError, match="rauc status mark-good failed: no such slot"):
        update.mark_good(fake_rauc(tmp_path, exit_code=1), [lambda: None], 1)


def test_box_checks_name_each_service_that_does_not_answer(tmp_path: Path) -> None:
    port = closed_port()
    cfg = boxconfig.load(
        {
            "PBX_HTTP_PORT": str(port),
            "PBX_CONTROL_PORT": str(closed_port()),
            "PBX_SIP_PORT": str(closed_port()),
        },
        data_dir=tmp_path,
    )
    problems = update.wait_healthy(update.box_checks(cfg), deadline_s=0)
    assert [p.split(":")[0] for p in problems] == ["pbx-core", "kamailio", "webadmin"]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Invalid bundle format: Signature size is 0", "unsigned"),
        ("signature verification failed: error:1700009E:CMS routines::verification failure", "tampered"),
        ("signature verification failed: Verify error: self-signed certificate", "untrusted"),
        ("signature verification failed: Verify error: unable to get local issuer certificate", "untrusted"),
        ("Installation error: Compatible mismatch: Expected 'a' but bundle manifest has 'b'", "wrong_board"),
        ("Failed to open bundle: not a squashfs", "not_bundle"),
        (  # the box lacks a tool RAUC runs (the image once lacked squashfs-tools): not the file's fault
            "Failed to extract manifest from bundle: Failed to start unsquashfs: "
            "Failed to execute child process \u201cunsquashfs\u201d (No such file or directory)",
            "failed",
        ),
    ],
)
def test_rauc_messages_are_named(message: str, reason: str) -> None:
    assert update.classify(message) == reason
