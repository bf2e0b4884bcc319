"""RAUC's real install into file slots with the box's system.conf, custom backend and slot chooser.

A "boot" here is what the box does at power-on: the initramfs chooser script picks a slot from
bootstate.env (taking a try), then RAUC's service starts knowing which slot booted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from firmware import bootstate, update
from tests.firmware.rauc_support import (
    RaucBox,
    label,
    make_bundle,
    make_keys,
    needs_rauc,
    needs_root,
    read_file,
    sha256,
)

pytestmark = [needs_rauc, needs_root]

BOARD = "qemu-amd64"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory):
    return make_keys(tmp_path_factory.mktemp("keys"), "PBX Box test")


@pytest.fixture
def box(tmp_path: Path, keys):
    box = RaucBox(tmp_path / "box", BOARD, keys.ca_cert)
    yield box
    box.stop()


def _install(box: RaucBox, bundle: Path) -> list[tuple[int, str]]:
    steps: list[tuple[int, str]] = []
    rauc = update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env)
    info = update.install(bundle, rauc, lambda p, s: steps.append((p, s)))
    assert info.version == "2.0"
    return steps


def test_given_slot_a_booted_when_a_bundle_installs_then_slot_b_holds_it_and_boots_next_with_three_tries(
    box: RaucBox, keys, tmp_path: Path
) -> None:
    assert box.power_on() == "A"
    data_before, a_before = sha256(box.data), sha256(box.slots["A"])
    good = make_bundle(tmp_path, keys, BOARD, "2.0", {"VERSION": "2.0\n"})

    steps = _install(box, good)

    assert steps[0] == (0, "signature and board checked") and steps[-1][0] == 100
    assert [p for p, _ in steps] == sorted(p for p, _ in steps)  # progress only goes forward
    assert read_file(box.slots["B"], "VERSION") == "2.0\n"
    assert label(box.slots["B"]) == "rootfsB"  # the post-install handler renamed the copied image
    assert sha256(box.slots["A"]) == a_before  # the running slot is not touched
    assert sha256(box.data) == data_before  # nor the data partition
    state = bootstate.load(box.bootstate)
    assert (state.order, state.ok["B"], state.tries["B"]) == (["B", "A"], 1, 3)
    status = update.status(update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env))
    assert status["booted"] == "A" and status["boot_primary"] == "rootfs.1"


def test_given_the_new_slot_when_health_passes_then_mark_good_keeps_it(
    box: RaucBox, keys, tmp_path: Path
) -> None:
    box.power_on()
    _install(box, make_bundle(tmp_path, keys, BOARD, "2.0", {"VERSION": "2.0\n"}))
    assert box.power_on() == "B"
    rauc = update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env)
    assert update.mark_good(rauc, [lambda: None], deadline_s=5)
    assert bootstate.load(box.bootstate).tries["B"] == 3
    for _ in range(4):  # every later boot stays on B (mark-good after each)
        assert box.power_on() == "B"
        assert box.rauc("status", "mark-good").returncode == 0


def test_given_the_new_slot_never_healthy_then_after_its_tries_the_old_slot_boots_again(
    box: RaucBox, keys, tmp_path: Path
) -> None:
    box.power_on()
    _install(box, make_bundle(tmp_path, keys, BOARD, "2.0", {"VERSION": "2.0\n"}))
    rauc = update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env)
    booted = []
    for _ in range(3):
        booted.append(box.power_on())
        rauc = update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env)
        # the health gate: a check keeps failing, so the slot is not marked good (watchdog reboots)
        assert not update.mark_good(
            rauc, [lambda: "pbx-core: control API /status refused"], deadline_s=0.2, interval_s=0.05
        )
    assert booted == ["B", "B", "B"]
    assert box.power_on() == "A"  # rolled back by the chooser alone
    rauc = update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env)
    assert update.mark_good(rauc, [lambda: None], deadline_s=5)
    status = update.status(rauc)
    assert status["booted"] == "A"
    slots = {name: s for item in status["slots"] for name, s in item.items()}
    assert slots["rootfs.1"]["boot_status"] == "bad" and slots["rootfs.0"]["boot_status"] == "good"
    assert [box.power_on() for _ in range(2)] == ["A", "A"]


@pytest.mark.parametrize("kind", ["tampered", "foreign", "wrong_board"])
def test_refused_bundles_write_nothing(box: RaucBox, keys, tmp_path: Path, kind: str) -> None:
    box.power_on()
    if kind == "foreign":
        bad = make_bundle(tmp_path, make_keys(tmp_path / "other", "Someone Else"), BOARD, "2.0", {"V": "x\n"})
    elif kind == "wrong_board":
        bad = make_bundle(tmp_path, keys, "rpi4-pbx", "2.0", {"V": "x\n"})
    else:
        good = make_bundle(tmp_path, keys, BOARD, "2.0", {"V": "x\n"})
        data = bytearray(good.read_bytes())
        data[len(data) // 3] ^= 0xFF
        bad = tmp_path / "tampered.raucb"
        bad.write_bytes(bytes(data))
    before = {p: sha256(p) for p in (*box.slots.values(), box.data)}
    state_before = box.bootstate.read_text()
    rauc = update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env)
    with pytest.raises(update.UpdateRefused) as err:
        update.install(bad, rauc)
    assert (
        err.value.reason
        == {"tampered": "tampered", "foreign": "untrusted", "wrong_board": "wrong_board"}[kind]
    )
    assert {p: sha256(p) for p in before} == before
    assert box.bootstate.read_text() == state_before
    assert "installing" not in box.service_log()  # RAUC was never asked
