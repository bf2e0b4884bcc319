"""The run-time settings table: defaults, environment overrides, errors that name the variable."""

import pytest

from telephony import boxconfig
from telephony.errors import ConfigError


def test_defaults_match_the_readme():
    cfg = boxconfig.load({})
    assert (cfg.sip_port, cfg.http_port, cfg.data_dir.name) == (5060, 8080, "var")


def test_environment_overrides_and_round_trips_through_environ():
    cfg = boxconfig.load({"PBX_SIP_PORT": "5099", "PBX_DATA_DIR": "/tmp/x"})
    assert cfg.sip_port == 5099 and str(cfg.db_path) == "/tmp/x/db/pbx.sqlite3"
    assert boxconfig.load(cfg.environ()) == cfg


@pytest.mark.parametrize(
    ("env", "value"), [("PBX_SIP_PORT", "70000"), ("PBX_HTTP_PORT", "web"), ("PBX_MAX_CALLS", "0")]
)
def test_bad_value_raises_config_error_naming_the_variable(env, value):
    with pytest.raises(ConfigError, match=env):
        boxconfig.load({env: value})
