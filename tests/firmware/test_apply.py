"""Config apply: kamailio and supervisord configs rendered from the database, checked, last good kept."""

from __future__ import annotations

import configparser

import pytest

from firmware.apply import apply_config
from firmware.errors import ConfigApplyError
from firmware.firstboot import first_boot
from firmware.kamailio import TEMPLATE
from firmware.supervisor import write_supervisord
from telephony import boxconfig
from telephony.models import Setting


@pytest.fixture
def cfg(tmp_path):
    cfg = boxconfig.load({}, data_dir=tmp_path, sip_host="127.0.0.1")
    first_boot(cfg)
    return cfg


def test_apply_renders_both_configs_from_the_database(cfg):
    Setting.set_value("sip_realm", "branch7.example")
    Setting.set_value("edge_ban_time", "77")
    result = apply_config(cfg)
    assert result.ok and len(result.installed) == 2
    kam = (cfg.run_dir / "kamailio.cfg").read_text()
    assert "branch7.example" in kam and "77" in kam
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(cfg.run_dir / "supervisord.conf")
    assert {"program:kamailio", "program:pbx-core", "program:webadmin", "program:pbx-watchdog"} <= set(parser)
    assert parser["program:pbx-core"]["startretries"] == "10"


def test_given_a_broken_kamailio_render_when_applied_then_the_old_file_stays_and_the_error_names_why(
    cfg, tmp_path
):
    apply_config(cfg)
    good = (cfg.run_dir / "kamailio.cfg").read_text()
    broken = tmp_path / "broken.cfg"
    broken.write_text(TEMPLATE.read_text().replace("route(REQINIT);", "route(REQINIT) broken here;", 1))
    Setting.set_value("sip_realm", "changed.example")
    with pytest.raises(ConfigApplyError) as info:
        apply_config(cfg, kamailio_template=broken)
    assert "kamailio rejected" in str(info.value) and "syntax error" in str(info.value)
    assert (cfg.run_dir / "kamailio.cfg").read_text() == good
    assert "changed.example" in (cfg.run_dir / "kamailio.cfg.rejected").read_text()
    # not strict (what `make run` does at start): the error is returned, the other config applied
    result = apply_config(cfg, kamailio_template=broken, strict=False)
    assert not result.ok and "kamailio rejected" in result.errors[0]
    assert result.installed == (cfg.run_dir / "supervisord.conf",)


def test_given_a_bad_setting_when_applied_then_the_error_names_the_key_and_nothing_changes(cfg):
    apply_config(cfg)
    good = (cfg.run_dir / "kamailio.cfg").read_text()
    Setting.set_value("edge_pike_limit", "lots")
    with pytest.raises(Exception, match="pike_limit"):
        apply_config(cfg)
    assert (cfg.run_dir / "kamailio.cfg").read_text() == good


def test_a_rejected_supervisord_config_keeps_the_last_good_one(cfg):
    path = write_supervisord(cfg)
    good = path.read_text()
    with pytest.raises(ConfigApplyError, match="'many' in section 'program:kamailio'"):
        write_supervisord(cfg, good.replace("startretries=10", "startretries=many", 1))
    assert path.read_text() == good
    assert (cfg.run_dir / "supervisord.conf.rejected").exists()
