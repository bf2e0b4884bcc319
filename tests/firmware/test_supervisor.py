"""supervisord's config is rendered from one table of programs."""

import configparser

from firmware.supervisor import Program, render_supervisord
from telephony import boxconfig


def test_every_program_restarts_and_logs_under_the_data_dir(tmp_path):
    cfg = boxconfig.load({"PBX_DATA_DIR": str(tmp_path)})
    progs = [Program("a", ["/bin/a", "--x y"], 10), Program("b", ["/bin/b"], 20)]
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(render_supervisord(cfg, progs))
    assert parser["program:a"]["command"] == '/bin/a "--x y"'
    for name in ("program:a", "program:b"):
        assert parser[name]["autorestart"] == "true"
        assert parser[name]["stdout_logfile"].startswith(str(tmp_path / "log"))
    assert parser["supervisord"]["nodaemon"] == "true"
    assert parser["unix_http_server"]["chmod"] == "0700"
