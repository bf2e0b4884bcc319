"""Board files: the shipped ones load; every kind of mistake is refused naming file, key and reason."""

from __future__ import annotations

import pytest

from hal.board import load_board
from hal.errors import BoardConfigError

BASE = """
[board]
name = "t"
backend = "sim"
country = "cn"

[buses.i2c1]
type = "i2c"
device = 1
pins = [2, 3]

[buses.spi0]
type = "spi"
device = 0
pins = [9, 10, 11]
cs_pins = [8, 7, 6, 12]

[buses.pcm0]
type = "pcm"
device = "sim"
slots = 32

[[slots]]
name = "a"
kind = "fxs"
ports = 2
i2c = "i2c1"
eeprom = { chip = "at24c02", address = 0x50 }
expander = { chip = "mcp23017", address = 0x20 }
spi = "spi0"
chip = "si3215"
chip_selects = [0, 1]
pcm = "pcm0"
pcm_slots = [0, 1]
irq_pin = 17

[[slots]]
name = "b"
kind = "fxo"
ports = 2
i2c = "i2c1"
eeprom = { chip = "at24c02", address = 0x51 }
spi = "spi0"
chip = "si3050"
chip_selects = [2, 3]
pcm = "pcm0"
pcm_slots = [2, 3]
"""


def refused(write_board, text: str) -> BoardConfigError:
    path = write_board(text)
    with pytest.raises(BoardConfigError) as caught:
        load_board(path)
    err = caught.value
    assert err.file == str(path)
    assert str(path) in str(err) and err.key in str(err) and err.reason in str(err)
    return err


def test_board_base_file_is_valid_and_names_ports(write_board):
    spec = load_board(write_board(BASE))
    assert spec.port_names() == ["fxs1", "fxs2", "fxo1", "fxo2"]
    assert spec.slot("b").chip_selects == (2, 3)
    assert spec.slot("a").eeprom.address == 0x50


@pytest.mark.parametrize("name", ["sim", "rpi4-pbx"])
def test_board_shipped_files_load(name):
    spec = load_board(name)
    assert [n for n in spec.port_names() if n.startswith("fxs")] == ["fxs1", "fxs2", "fxs3", "fxs4"]
    assert [n for n in spec.port_names() if n.startswith("fxo")] == ["fxo1", "fxo2", "fxo3", "fxo4"]
    assert "e1" in spec.port_names()
    e1 = next(s for s in spec.slots if s.kind == "e1")
    assert spec.buses[e1.uart].type == "uart"


def test_board_unknown_chip_is_refused(write_board):
    err = refused(write_board, BASE.replace('chip = "si3215"', 'chip = "si3999"'))
    assert err.key == "slots[0].chip" and "unknown chip 'si3999'" in err.reason


def test_board_chip_of_the_wrong_role_is_refused(write_board):
    err = refused(write_board, BASE.replace('chip = "si3215"', 'chip = "si3050"'))
    assert err.key == "slots[0].chip" and "daa" in err.reason


def test_board_unknown_bus_is_refused(write_board):
    err = refused(write_board, BASE.replace('spi = "spi0"\nchip = "si3050"', 'spi = "spi7"\nchip = "si3050"'))
    assert err.key == "slots[1].spi" and "unknown bus 'spi7'" in err.reason


def test_board_bus_of_the_wrong_type_is_refused(write_board):
    err = refused(
        write_board, BASE.replace('pcm = "pcm0"\npcm_slots = [0, 1]', 'pcm = "i2c1"\npcm_slots = [0, 1]')
    )
    assert err.key == "slots[0].pcm" and "is i2c, expected pcm" in err.reason


def test_board_unknown_bus_type_is_refused(write_board):
    err = refused(write_board, BASE.replace('type = "pcm"', 'type = "can"'))
    assert err.key == "buses.pcm0.type" and "unknown bus type 'can'" in err.reason


def test_board_pin_used_twice_is_refused(write_board):
    err = refused(write_board, BASE.replace("irq_pin = 17", "irq_pin = 7"))
    assert err.key == "slots[0].irq_pin"
    assert "GPIO 7 used twice" in err.reason and "buses.spi0.cs_pins[1]" in err.reason


def test_board_i2c_address_clash_is_refused(write_board):
    err = refused(write_board, BASE.replace("address = 0x51", "address = 0x50"))
    assert err.key == "slots[1].eeprom.address"
    assert "0x50 on i2c1 already used by slots[0].eeprom" in err.reason


def test_board_spi_chip_select_clash_is_refused(write_board):
    err = refused(write_board, BASE.replace("chip_selects = [2, 3]", "chip_selects = [1, 3]"))
    assert (
        err.key == "slots[1].chip_selects[0]"
        and "spi0.1 already used by slots[0].chip_selects[1]" in err.reason
    )


def test_board_chip_select_beyond_the_bus_is_refused(write_board):
    err = refused(write_board, BASE.replace("chip_selects = [2, 3]", "chip_selects = [2, 9]"))
    assert err.key == "slots[1].chip_selects[1]" and "out of range" in err.reason


def test_board_pcm_slot_clash_is_refused(write_board):
    err = refused(write_board, BASE.replace("pcm_slots = [2, 3]", "pcm_slots = [1, 3]"))
    assert err.key == "slots[1].pcm_slots[0]" and "PCM slot 1 on pcm0 already used" in err.reason


def test_board_missing_slot_field_is_refused(write_board):
    err = refused(write_board, BASE.replace("irq_pin = 17\n", ""))
    assert err.key == "slots[0].irq_pin" and "missing slot field" in err.reason


def test_board_one_entry_per_port_is_required(write_board):
    err = refused(write_board, BASE.replace("pcm_slots = [2, 3]", "pcm_slots = [2]"))
    assert err.key == "slots[1].pcm_slots" and "one entry per port (2), got 1" in err.reason


def test_board_bad_country_is_refused(write_board):
    err = refused(write_board, BASE.replace('country = "cn"', 'country = "xx"'))
    assert err.key == "board.country" and "unknown country 'xx'" in err.reason


def test_board_unknown_module_kind_is_refused(write_board):
    err = refused(write_board, BASE.replace('kind = "fxo"', 'kind = "bri"'))
    assert err.key == "slots[1].kind" and "unknown module kind 'bri'" in err.reason


def test_board_unknown_key_is_refused(write_board):
    err = refused(write_board, BASE.replace("irq_pin = 17", "irq_pin = 17\nirq_pn = 4"))
    assert err.key == "slots[0].irq_pn" and "unknown key" in err.reason


def test_board_syntax_error_names_the_file(write_board):
    err = refused(write_board, BASE + "\n[[slots]\n")
    assert err.key == "(syntax)"


def test_board_missing_file_is_refused(tmp_path):
    with pytest.raises(BoardConfigError) as caught:
        load_board(tmp_path / "nope.toml")
    assert caught.value.key == "(file)"


def test_board_error_is_also_a_value_error(write_board):
    with pytest.raises(ValueError):
        load_board(write_board(BASE.replace('country = "cn"', 'country = "xx"')))
