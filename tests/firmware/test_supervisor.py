"""supervisord's config is rendered from one table of programs."""

import configparser
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from firmware.supervisor import Program, process_reports, render_supervisord, write_supervisord
from telephony import boxconfig
from tests.support.box import wait_until


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


def test_logs_go_where_pbx_log_dir_says_capped_by_pbx_log_file_mb(tmp_path):
    """The image keeps program logs in RAM (/var/log is a 32 MiB tmpfs): 1 MB a file, 3 files a program."""
    cfg = boxconfig.load(
        {
            "PBX_DATA_DIR": str(tmp_path / "data"),
            "PBX_LOG_DIR": str(tmp_path / "ram" / "pbx"),
            "PBX_LOG_FILE_MB": "1",
        }
    )
    path = write_supervisord(cfg)
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(path.read_text())
    assert (tmp_path / "ram" / "pbx").is_dir()
    assert parser["supervisord"]["logfile"] == str(tmp_path / "ram" / "pbx" / "supervisord.log")
    assert parser["supervisord"]["logfile_maxbytes"] == "1MB"
    programs = [name for name in parser.sections() if name.startswith("program:")]
    assert {"program:pbx-core", "program:kamailio", "program:webadmin"} <= set(programs)
    for name in programs:
        assert parser[name]["stdout_logfile"].startswith(str(tmp_path / "ram" / "pbx") + "/")
        assert (parser[name]["stdout_logfile_maxbytes"], parser[name]["stdout_logfile_backups"]) == (
            "1MB",
            "2",
        )
    assert not (tmp_path / "data" / "log").exists()


def test_a_process_failing_at_start_is_retried_with_growing_backoff_then_reported_fatal_with_its_log(
    tmp_path,
):

    cfg = boxconfig.load({"PBX_DATA_DIR": str(tmp_path)})
    cfg.log_dir.mkdir(parents=True)
    crasher = Program("crasher", ["/bin/sh", "-c", "echo boom from crasher; exit 3"], 10, startretries=3)
    steady = Program("steady", ["/bin/sleep", "600"], 20)
    conf = write_supervisord(cfg, render_supervisord(cfg, [crasher, steady]))
    supervisord = Path(sys.executable).parent / "supervisord"
    proc = subprocess.Popen([str(supervisord), "-n", "-c", str(conf)], stdout=subprocess.DEVNULL)
    try:

        def states() -> dict[str, str]:
            try:
                return {r.name: r.state for r in process_reports(cfg, timeout=2)}
            except OSError:
                return {}

        wait_until(lambda: states().get("crasher") == "FATAL", 30, "supervisord to give up on crasher")
        log = (cfg.log_dir / "supervisord.log").read_text()
        assert "gave up: crasher entered FATAL state, too many start retries too quickly" in log
        stamps = re.findall(r"^(\S+ \S+),\d+ INFO spawned: 'crasher'", log, re.M)
        assert len(stamps) == 4  # the first start and three retries
        times = [dt.datetime.strptime(s, "%Y-%m-%d %H:%M:%S") for s in stamps]
        gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
        assert gaps[-1] >= gaps[0] + 1, gaps  # supervisord waits one second longer each retry
        report = {r.name: r for r in process_reports(cfg)}
        assert report["crasher"].tail.splitlines()[-1] == "boom from crasher"
        assert report["steady"].running and report["steady"].tail == ""
    finally:
        proc.terminate()
        proc.wait(20)
