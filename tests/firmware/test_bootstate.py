"""The A/B boot state file: parsing, RAUC's custom backend, and the initramfs chooser (run as the shell script)."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import pytest

from firmware import bootstate
from firmware.errors import BootStateError

REPO = Path(__file__).resolve().parents[2]
CHOOSER = REPO / "image-build/stages/40-rauc/overlay/usr/lib/pbx/pbx-slot-choose"


SHELLS = [["sh"]] + ([["busybox", "sh"]] if shutil.which("busybox") else [])  # busybox: the initramfs's


def boot(path: Path, shell: list[str] = SHELLS[0]) -> str:
    """One power-on: the initramfs chooser script picks a slot from the file (and takes a try)."""
    proc = subprocess.run([*shell, str(CHOOSER), str(path)], capture_output=True, text=True, timeout=10)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def backend(path: Path, *args: str, marker: Path | None = None) -> str:
    extra = ["--marker", str(marker)] if marker else []
    assert bootstate.main(["--file", str(path), *extra, *args]) == 0
    return ""


def state(path: Path) -> bootstate.BootState:
    return bootstate.load(path)


def test_bootstate_default_is_slot_a_good_and_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bootstate.env"
    assert bootstate.load(path) == bootstate.BootState.default()
    assert boot(path) == "A"
    monkeypatch.chdir(tmp_path)
    for shell in SHELLS:  # a relative path works too (`.` would search PATH for a bare name)
        assert boot(Path("bootstate.env"), shell) == "A"
    path.write_text(bootstate.BootState.default().render())
    assert boot(path) == "A"
    assert path.read_text() == 'ORDER="A B"\nA_OK=1\nA_TRY=2\nB_OK=0\nB_TRY=0\n'


def test_bootstate_parse_names_the_bad_line_and_value() -> None:
    with pytest.raises(BootStateError, match="line 2: not KEY=value"):
        bootstate.parse('ORDER="A B"\nA_OK 1\n')
    with pytest.raises(BootStateError, match="A_TRY must be a number 0-3, not '9'"):
        bootstate.parse("A_TRY=9\n")
    with pytest.raises(BootStateError, match="ORDER must list slots"):
        bootstate.parse('ORDER="A C"\n')


@pytest.mark.parametrize("shell", SHELLS, ids=" ".join)
def test_bootstate_python_choose_and_shell_chooser_agree_on_every_state(
    tmp_path: Path, shell: list[str]
) -> None:
    path = tmp_path / "bootstate.env"
    for order, a_ok, b_ok, a_try, b_try in itertools.product(
        (["A", "B"], ["B", "A"]), (0, 1), (0, 1), range(4), range(4)
    ):
        st = bootstate.BootState(order=list(order), ok={"A": a_ok, "B": b_ok}, tries={"A": a_try, "B": b_try})
        bootstate.save(path, st)
        expected = bootstate.BootState(order=list(order), ok=dict(st.ok), tries=dict(st.tries))
        picked = bootstate.choose(expected)
        assert boot(path, shell) == picked, st
        assert state(path) == expected, st


def test_bootstate_backend_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, marker = tmp_path / "bootstate.env", tmp_path / "slot"
    marker.write_text("A\n")
    for args, out in (
        (["get-primary"], "A"),
        (["get-state", "B"], "bad"),
        (["set-primary", "B"], ""),
        (["get-primary"], "B"),
        (["get-state", "B"], "good"),
        (["get-current"], "A"),
        (["set-state", "B", "bad"], ""),
        (["get-primary"], "A"),
    ):
        capsys.readouterr()
        backend(path, *args, marker=marker)
        assert capsys.readouterr().out.strip() == out, args
    assert bootstate.main(["--file", str(path), "set-primary", "C"]) == 1
    assert "unknown slot 'C'" in capsys.readouterr().err
    assert bootstate.main(["--file", str(path), "reboot-now"]) == 1
    assert "unknown backend command: reboot-now" in capsys.readouterr().err


def test_given_a_new_slot_when_it_boots_and_mark_good_runs_then_it_stays(tmp_path: Path) -> None:
    path = tmp_path / "bootstate.env"
    assert boot(path) == "A"
    backend(path, "set-primary", "B")  # what RAUC's install does through the custom backend
    assert (state(path).order, state(path).tries["B"]) == (["B", "A"], 3)
    assert boot(path) == "B"
    backend(path, "set-state", "B", "good")  # rauc status mark-good after the health checks passed
    for _ in range(10):
        assert boot(path) == "B"
        backend(path, "set-state", "B", "good")


def test_given_a_new_slot_that_never_becomes_healthy_then_after_three_boots_the_old_slot_boots(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bootstate.env"
    boot(path)
    backend(path, "set-state", "A", "good")
    backend(path, "set-primary", "B")
    assert [boot(path) for _ in range(3)] == ["B", "B", "B"]  # no mark-good: each boot takes a try
    assert state(path).tries["B"] == 0
    assert boot(path) == "A"  # back to the old slot, by the chooser alone
    assert state(path).ok["B"] == 0  # the failed slot is bad now: it never boots again by itself
    backend(path, "set-state", "A", "good")
    assert [boot(path) for _ in range(5)] == ["A"] * 5
    assert bootstate.primary(state(path)) == "A"


def test_given_every_slot_out_of_tries_then_the_last_in_order_boots_again(tmp_path: Path) -> None:
    path = tmp_path / "bootstate.env"
    path.write_text('ORDER="B A"\nA_OK=1\nA_TRY=0\nB_OK=1\nB_TRY=0\n')
    assert boot(path) == "A"
    assert state(path) == bootstate.BootState(order=["B", "A"], ok={"A": 1, "B": 0}, tries={"A": 2, "B": 0})


def test_bootstate_save_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "bootstate.env"
    bootstate.save(path, bootstate.BootState.default())
    assert not (tmp_path / "bootstate.env.tmp").exists()
    assert bootstate.parse(path.read_text()) == bootstate.BootState.default()
