"""pbxctl run for real, as a subprocess, against a temp data dir and a real (tiny) control API or none."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from telephony import boxconfig
from telephony.models import (
    Agent,
    CallLeg,
    Cdr,
    DialRule,
    Extension,
    InboundRoute,
    PortSetting,
    TrunkGroup,
    open_database,
    sip_ha1,
)
from tests.support.box import free_port, wait_until

PBXCTL = Path(sys.executable).with_name("pbxctl")


class CliBox:
    """A data directory and environment to run pbxctl in; no core listens on its control port."""

    def __init__(self, data_dir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PBX_")}
        self.env.update(PBX_DATA_DIR=str(data_dir), PBX_CONTROL_PORT=str(free_port()))
        self.data_dir = data_dir

    @property
    def cfg(self) -> boxconfig.BoxConfig:
        return boxconfig.load(self.env)

    def run(self, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PBXCTL), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.env, **env},
            timeout=60,
            check=False,
        )

    def ok(self, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
        proc = self.run(*args, stdin=stdin, **env)
        assert proc.returncode == 0, proc.stderr
        return proc

    def db_dump(self) -> list[str]:
        db = open_database(self.cfg.db_path)
        try:
            return list(db.connection().iterdump())
        finally:
            db.close()


class FakeCore:
    """A stdlib HTTP server in a thread answering /status and /reload like pbx-core's control API."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, object]] = []
        self.status: object = {"uptime": 12.3, "calls": [], "registrations": [], "limits": {}}
        core = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: object) -> None:
                pass

            def _answer(self, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                core.requests.append(("GET", self.path, None))
                self._answer(core.status)

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                core.requests.append(("POST", self.path, body))
                self._answer({"ok": True})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def reloads(self) -> int:
        return sum(1 for method, path, _ in self.requests if (method, path) == ("POST", "/reload"))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def cli_box(tmp_path) -> CliBox:
    return CliBox(tmp_path / "data")


@pytest.fixture
def cli_core(cli_box):
    """A fake pbx-core control API that cli_box's pbxctl talks to."""
    core = FakeCore()
    cli_box.env["PBX_CONTROL_PORT"] = str(core.port)
    yield core
    core.close()


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("pbxctl: ")
    return lines[0]


def test_pbxctl_console_script_is_installed():
    assert PBXCTL.exists()


def test_help_exits_zero(cli_box):
    proc = cli_box.ok("config", "import", "--help")
    assert "DELETED" in proc.stdout and "extensions" in proc.stdout


def test_usage_errors_are_one_line_with_exit_2(cli_box):
    assert_one_line_error(cli_box.run(), 2)
    assert_one_line_error(cli_box.run("extension", "add", "1001"), 2)
    assert_one_line_error(cli_box.run("frobnicate"), 2)
    assert_one_line_error(cli_box.run("cdr", "list", "--limit", "0"), 2)
    assert_one_line_error(cli_box.run("--lang", "fr", "status"), 2)


def test_bad_environment_is_one_line_error(cli_box):
    line = assert_one_line_error(cli_box.run("extension", "list", PBX_CONTROL_PORT="notaport"))
    assert "PBX_CONTROL_PORT" in line


# --- extensions ------------------------------------------------------------------------------------


def test_extension_add_list_delete_reload_the_core(cli_box, cli_core):
    proc = cli_box.ok("extension", "add", "1001", "--name", "Alice", "--secret", "Passw0rd99")
    assert proc.stdout.strip() == "extension 1001 added" and proc.stderr == ""
    assert cli_core.reloads == 1
    cli_box.ok("extension", "add", "1002", "--name", "张三", "--secret", "Passw0rd88", "--disabled")
    listing = cli_box.ok("extension", "list").stdout.splitlines()
    assert listing[0].split() == ["NUMBER", "NAME", "ENABLED", "PERMISSION"]
    assert listing[1].split() == ["1001", "Alice", "yes", "national"]
    assert listing[2].split() == ["1002", "张三", "no", "national"]
    as_json = json.loads(cli_box.ok("extension", "list", "--json").stdout)
    assert as_json == [
        {"number": "1001", "name": "Alice", "enabled": True, "permission": "national"},
        {"number": "1002", "name": "张三", "enabled": False, "permission": "national"},
    ]
    proc = cli_box.ok("extension", "delete", "1001")
    assert proc.stdout.strip() == "extension 1001 deleted" and proc.stderr == ""
    assert cli_core.reloads == 3
    assert [e["number"] for e in json.loads(cli_box.ok("extension", "list", "--json").stdout)] == ["1002"]


def test_extension_add_with_the_core_down_saves_and_warns(cli_box):
    proc = cli_box.ok("extension", "add", "1001", "--secret", "Passw0rd99")
    assert proc.stderr.splitlines() == [
        "pbxctl: warning: pbx-core is not answering; the change is saved and applies when it is back"
    ]
    assert "1001" in cli_box.ok("extension", "list").stdout
    proc = cli_box.ok("extension", "delete", "1001")
    assert len(proc.stderr.splitlines()) == 1 and "warning" in proc.stderr
    assert cli_box.ok("extension", "list").stdout.strip() == "no extensions"


def test_extension_secret_from_stdin_is_hashed_with_the_realm(cli_box, cli_core):
    cli_box.ok("extension", "add", "1001", "--secret", "-", stdin="Passw0rd99\n")
    db = open_database(cli_box.cfg.db_path)
    try:
        assert Extension.get(Extension.number == "1001").ha1 == sip_ha1("1001", "pbx", "Passw0rd99")
    finally:
        db.close()


def test_extension_add_invalid_input_is_one_line_and_saves_nothing(cli_box, cli_core):
    line = assert_one_line_error(cli_box.run("extension", "add", "0123", "--secret", "short"))
    assert line == (
        "pbxctl: NUMBER: must be 2 to 8 digits, not starting with 0; --secret: must be 8 to 64 characters "
        "with letters and digits, and must not contain the extension number"
    )
    cli_box.ok("extension", "add", "1001", "--secret", "Passw0rd99")
    line = assert_one_line_error(cli_box.run("extension", "add", "1001", "--secret", "Passw0rd99"))
    assert line == "pbxctl: NUMBER: extension 1001 already exists"
    assert cli_core.reloads == 1


def test_extension_delete_of_a_missing_number_fails(cli_box):
    line = assert_one_line_error(cli_box.run("extension", "delete", "1009"))
    assert line == "pbxctl: extension 1009 does not exist"


def test_errors_render_in_chinese_by_option_or_environment(cli_box):
    line = assert_one_line_error(cli_box.run("--lang", "zh-CN", "extension", "delete", "1009"))
    assert line == "pbxctl: 分机 1009 不存在"
    line = assert_one_line_error(
        cli_box.run("extension", "add", "01", "--secret", "Passw0rd99", PBX_LANG="zh-CN")
    )
    assert line == "pbxctl: NUMBER: 必须是 2 到 8 位数字，且不能以 0 开头"
    line = assert_one_line_error(cli_box.run("extension", "delete", "1009", "--lang", "zh-CN", PBX_LANG="en"))
    assert line == "pbxctl: 分机 1009 不存在"


def test_chinese_table_output(cli_box):
    cli_box.ok("extension", "add", "1001", "--name", "张三", "--secret", "Passw0rd99")
    listing = cli_box.ok("--lang", "zh-CN", "extension", "list").stdout.splitlines()
    assert listing[0].split() == ["分机号", "名称", "启用", "外呼权限"]
    assert listing[1].split() == ["1001", "张三", "是", "national"]


def test_extension_permission_from_add_and_set_reaches_the_database(cli_box, cli_core):
    cli_box.ok("extension", "add", "1001", "--secret", "Passw0rd99", "--permission", "local")
    assert db_permission(cli_box, "1001") == "local"
    proc = cli_box.ok("extension", "set", "1001", "--permission", "international")
    assert proc.stdout.strip() == "extension 1001 saved" and proc.stderr == ""
    assert db_permission(cli_box, "1001") == "international"
    assert cli_core.reloads == 2
    before = cli_box.db_dump()
    line = assert_one_line_error(cli_box.run("extension", "set", "1001", "--permission", "galactic"))
    assert line == "pbxctl: --permission: must be internal, local, national or international"
    line = assert_one_line_error(
        cli_box.run(
            "--lang", "zh-CN", "extension", "add", "1002", "--secret", "Passw0rd88", "--permission", "x"
        )
    )
    assert line == "pbxctl: --permission: 必须是 internal、local、national 或 international"
    line = assert_one_line_error(cli_box.run("extension", "set", "1009", "--permission", "local"))
    assert line == "pbxctl: extension 1009 does not exist"
    assert_one_line_error(cli_box.run("extension", "set", "1001"), 2)
    assert cli_box.db_dump() == before and cli_core.reloads == 2


def db_permission(cli_box: CliBox, number: str) -> str:
    db = open_database(cli_box.cfg.db_path)
    try:
        return Extension.get(Extension.number == number).permission
    finally:
        db.close()


def test_extension_delete_used_by_a_route_or_port_is_refused_and_changes_nothing(cli_box, cli_core):
    cli_box.ok("extension", "add", "1001", "--secret", "Passw0rd99")
    db = open_database(cli_box.cfg.db_path)
    try:
        InboundRoute.create(trunk="e1", did="8001", destination="1001")
        PortSetting.create(port="fxs2", number="1001")
    finally:
        db.close()
    before, reloads = cli_box.db_dump(), cli_core.reloads
    line = assert_one_line_error(cli_box.run("extension", "delete", "1001"))
    assert line == "pbxctl: extension 1001 is used by inbound route 'e1 DID 8001' and port fxs2"
    line = assert_one_line_error(cli_box.run("--lang", "zh-CN", "extension", "delete", "1001"))
    assert line == "pbxctl: 分机 1001 正被 呼入路由“e1 DID 8001”和端口 fxs2 使用"
    assert cli_box.db_dump() == before and cli_core.reloads == reloads


# --- configuration document ------------------------------------------------------------------------


LINES_DOC = textwrap.dedent(
    """\
    version: 1
    extensions:
      - {number: "1001", name: Alice, secret: Passw0rd11, permission: international}
    ports:
      - {port: fxs1, number: "201", label: Lobby, permission: local}
      - {port: fxo1, label: PSTN 1}
    trunk_groups:
      - {name: pstn, kind: fxo, members: [fxo1, fxo2], hunt: round-robin}
    inbound_routes:
      - {trunk: fxo1, destination: "201"}
      - {trunk: e1, did: "8001", destination: "1001", priority: 10}
    dial_rules:
      - {name: out, prefix: "0", strip: 1, trunk_group: pstn}
    """
)


def test_config_line_tables_import_export_and_reimport_through_pbxctl(cli_box, cli_core, tmp_path):
    path = tmp_path / "lines.yaml"
    path.write_text(LINES_DOC)
    proc = cli_box.ok("config", "import", str(path))
    assert proc.stdout.splitlines() == [
        "extensions: 1 added, 0 changed, 0 deleted, 0 unchanged",
        "ports: 2 added, 0 changed, 0 deleted, 0 unchanged",
        "trunk_groups: 1 added, 0 changed, 0 deleted, 0 unchanged",
        "inbound_routes: 2 added, 0 changed, 0 deleted, 0 unchanged",
        "dial_rules: 1 added, 0 changed, 0 deleted, 0 unchanged",
    ]
    assert cli_core.reloads == 1
    exported = yaml.safe_load(cli_box.ok("config", "export").stdout)
    assert exported["extensions"][0]["permission"] == "international"
    assert exported["ports"][0] == {
        "port": "fxs1",
        "enabled": True,
        "label": "Lobby",
        "number": "201",
        "caller_id_name": "",
        "permission": "local",
    }
    assert exported["trunk_groups"] == [
        {"name": "pstn", "kind": "fxo", "members": ["fxo1", "fxo2"], "hunt": "round-robin"}
    ]
    assert [r["did"] for r in exported["inbound_routes"]] == ["8001", ""]  # priority 10 first
    assert exported["dial_rules"][0]["trunk_group"] == "pstn"
    again = tmp_path / "again.yaml"
    cli_box.ok("config", "export", str(again))
    before = cli_box.db_dump()
    proc = cli_box.ok("config", "import", str(again))
    assert proc.stdout.splitlines() == [
        "settings: 0 added, 0 changed, 0 deleted, 5 unchanged",
        "extensions: 0 added, 0 changed, 0 deleted, 1 unchanged",
        "ports: 0 added, 0 changed, 0 deleted, 2 unchanged",
        "trunk_groups: 0 added, 0 changed, 0 deleted, 1 unchanged",
        "skills: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "pause_codes: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "agents: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "queues: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "ivr_flows: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "conference_rooms: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "inbound_routes: 0 added, 0 changed, 0 deleted, 2 unchanged",
        "dial_rules: 0 added, 0 changed, 0 deleted, 1 unchanged",
        "customers: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "mailboxes: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "speed_dials: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "ring_groups: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "caller_lists: 0 added, 0 changed, 0 deleted, 0 unchanged",
        "call_features: 0 added, 0 changed, 0 deleted, 0 unchanged",
    ]
    assert cli_box.db_dump() == before


def test_config_import_with_a_bad_route_changes_nothing_and_names_its_path(cli_box, cli_core, tmp_path):
    path = tmp_path / "lines.yaml"
    path.write_text(LINES_DOC)
    cli_box.ok("config", "import", str(path))
    before, reloads = cli_box.db_dump(), cli_core.reloads
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        LINES_DOC.replace('destination: "201"', 'destination: "299"').replace("strip: 1", "strip: 2")
    )
    line = assert_one_line_error(cli_box.run("config", "import", str(bad)))
    assert (
        line
        == f"pbxctl: {bad}: inbound_routes[0].destination: no extension, FXS port or queue has this number"
    )
    kept = tmp_path / "kept.yaml"
    kept.write_text("version: 1\ntrunk_groups: []\n")
    line = assert_one_line_error(cli_box.run("--lang", "zh-CN", "config", "import", str(kept)))
    assert line == (
        f"pbxctl: {kept}: trunk_groups: 中继组 pstn 未列出，但仍被 拨号规则“out” 使用"
        "（文档中没有 dial_rules，因此保留）"
    )
    assert cli_box.db_dump() == before and cli_core.reloads == reloads
    db = open_database(cli_box.cfg.db_path)
    try:
        assert (TrunkGroup.select().count(), DialRule.get().strip) == (1, 1)
    finally:
        db.close()


CALLCENTER_DOC = textwrap.dedent(
    """\
    version: 1
    settings: {prompt_language: en, webhook_url: "https://crm.example/hook", webhook_events: "call-*"}
    extensions:
      - {number: "1001", name: Alice, secret: Passw0rd11}
    skills:
      - {name: english, description: English speakers}
    pause_codes:
      - {code: lunch, label_zh: 午餐, label_en: Lunch}
    agents:
      - {number: "8001", name: 张三, pin: "97531", default_extension: "1001", skills: [{skill: english, level: 7}]}
      - {number: "8002", name: Bob, pin: "86420", enabled: false}
    queues:
      - number: "600"
        name: Sales
        strategy: linear
        ring_timeout: 20.5
        no_agents_kind: extension
        no_agents_target: "1001"
        members: [{agent: "8001", penalty: 1}, {agent: "8002", kind: dynamic, position: 2, weight: 2.5}]
        skills: [{skill: english, min_level: 3}]
    inbound_routes:
      - {trunk: e1, did: "8600", destination: "600"}
    customers:
      - {name: 王五, company: ACME, priority: 5, tags: [vip], numbers: ["+86 138 0013 8000"]}
    """
)


def test_config_call_center_round_trip_through_pbxctl(cli_box, cli_core, tmp_path):
    path = tmp_path / "cc.yaml"
    path.write_text(CALLCENTER_DOC)
    proc = cli_box.ok("config", "import", str(path))
    assert proc.stdout.splitlines() == [
        "settings: 3 added, 0 changed, 0 deleted, 2 unchanged",
        "extensions: 1 added, 0 changed, 0 deleted, 0 unchanged",
        "skills: 1 added, 0 changed, 0 deleted, 0 unchanged",
        "pause_codes: 1 added, 0 changed, 0 deleted, 0 unchanged",
        "agents: 2 added, 0 changed, 0 deleted, 0 unchanged",
        "queues: 1 added, 0 changed, 0 deleted, 0 unchanged",
        "inbound_routes: 1 added, 0 changed, 0 deleted, 0 unchanged",
        "customers: 1 added, 0 changed, 0 deleted, 0 unchanged",
    ]
    assert cli_core.reloads == 1
    text = cli_box.ok("config", "export").stdout
    assert "97531" not in text and "86420" not in text and "webhook_secret" not in text
    data = yaml.safe_load(text)
    assert data["settings"]["prompt_language"] == "en" and data["settings"]["webhook_events"] == "call-*"
    assert [sorted(a) for a in data["agents"]] == [
        ["default_extension", "enabled", "name", "number", "pin_hash", "skills"],
        ["enabled", "name", "number", "pin_hash", "skills"],
    ]
    queue = data["queues"][0]
    assert (queue["strategy"], queue["ring_timeout"], queue["retry_delay"]) == ("linear", 20.5, 5)
    assert queue["members"] == [
        {"agent": "8001", "kind": "static", "penalty": 1, "position": 0, "weight": 1},
        {"agent": "8002", "kind": "dynamic", "penalty": 0, "position": 2, "weight": 2.5},
    ]
    assert data["customers"][0]["numbers"] == ["13800138000"]
    db = open_database(cli_box.cfg.db_path)
    try:  # the PIN was hashed on import and logs the agent in
        assert Agent.get(Agent.number == "8001").check_pin("97531")
        assert not Agent.get(Agent.number == "8002").check_pin("97531")
    finally:
        db.close()
    again = tmp_path / "again.yaml"
    cli_box.ok("config", "export", str(again))
    before = cli_box.db_dump()
    proc = cli_box.ok("config", "import", str(again))
    unchanged = {"settings": 5, "extensions": 1, "skills": 1, "pause_codes": 1, "agents": 2, "queues": 1}
    unchanged |= {"inbound_routes": 1, "customers": 1}
    assert proc.stdout.splitlines() == [
        f"{s}: 0 added, 0 changed, 0 deleted, {unchanged.get(s, 0)} unchanged"
        for s in ("settings", "extensions", "ports", "trunk_groups", "skills", "pause_codes", "agents")
        + (
            "queues",
            "ivr_flows",
            "conference_rooms",
            "inbound_routes",
            "dial_rules",
            "customers",
            "mailboxes",
            "speed_dials",
            "ring_groups",
            "caller_lists",
            "call_features",
        )
    ]
    assert cli_box.db_dump() == before
    assert cli_box.ok("config", "export").stdout == again.read_text() == text
    assert cli_core.reloads == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(CALLCENTER_DOC.replace('{agent: "8002", kind', '{agent: "8009", kind'))
    line = assert_one_line_error(cli_box.run("config", "import", str(bad)))
    assert line == f"pbxctl: {bad}: queues[0].members[1].agent: no agent has the number 8009"
    assert cli_box.db_dump() == before and cli_core.reloads == 2


def test_config_export_to_stdout_and_to_a_private_file(cli_box, tmp_path):
    cli_box.ok("extension", "add", "1001", "--name", "Alice", "--secret", "Passw0rd99")
    text = cli_box.ok("config", "export").stdout
    data = yaml.safe_load(text)
    assert data["version"] == 1 and data["settings"] == {
        "sip_realm": "pbx",
        "no_answer_timeout": 30,
        "prompt_language": "zh-CN",
        "webhook_url": "",
        "webhook_events": "",
    }
    assert data["extensions"] == [
        {
            "number": "1001",
            "name": "Alice",
            "enabled": True,
            "ha1": sip_ha1("1001", "pbx", "Passw0rd99"),
            "ha1b": sip_ha1("1001@pbx", "pbx", "Passw0rd99"),
            "permission": "national",
        }
    ]
    empty = (
        "ports",
        "trunk_groups",
        "skills",
        "pause_codes",
        "agents",
        "queues",
        "inbound_routes",
        "dial_rules",
    )
    assert [data[s] for s in (*empty, "customers")] == [[]] * 9
    assert "Passw0rd99" not in text
    out = tmp_path / "box.yaml"
    proc = cli_box.ok("config", "export", str(out))
    assert proc.stdout.strip() == f"configuration exported to {out}"
    assert out.read_text() == text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_config_round_trip_through_pbxctl_reloads_the_core(cli_box, cli_core, tmp_path):
    cli_box.ok("extension", "add", "1001", "--name", "Alice", "--secret", "Passw0rd99")
    cli_box.ok("extension", "add", "1002", "--name", "张三", "--secret", "Passw0rd88", "--disabled")
    path = tmp_path / "box.yaml"
    cli_box.ok("config", "export", str(path))
    before = cli_box.db_dump()
    reloads = cli_core.reloads
    proc = cli_box.ok("config", "import", str(path))
    sections = ("settings", "extensions", "ports", "trunk_groups", "skills", "pause_codes", "agents")
    sections += (
        "queues",
        "ivr_flows",
        "conference_rooms",
        "inbound_routes",
        "dial_rules",
        "customers",
        "mailboxes",
        "speed_dials",
        "ring_groups",
        "caller_lists",
        "call_features",
    )
    unchanged = {"settings": 5, "extensions": 2}
    assert proc.stdout.splitlines() == [
        f"{s}: 0 added, 0 changed, 0 deleted, {unchanged.get(s, 0)} unchanged" for s in sections
    ]
    assert proc.stderr == ""
    assert cli_core.reloads == reloads + 1
    assert cli_box.ok("config", "export").stdout == path.read_text()
    assert cli_box.db_dump() == before  # a box's own export changes nothing when imported


def test_config_import_replaces_extensions_and_warns_when_the_core_is_down(cli_box, tmp_path):
    cli_box.ok("extension", "add", "1001", "--secret", "Passw0rd99")
    path = tmp_path / "new.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            version: 1
            settings: {sip_realm: pbx, no_answer_timeout: 25}
            extensions:
              - {number: "2001", name: Front desk, secret: Passw0rd11}
              - {number: "2002", name: Back office, secret: Passw0rd22, enabled: false}
            """
        )
    )
    proc = cli_box.ok("config", "import", str(path))
    assert "extensions: 2 added, 0 changed, 1 deleted, 0 unchanged" in proc.stdout
    assert proc.stderr.splitlines() == [
        "pbxctl: warning: pbx-core is not answering; the change is saved and applies when it is back"
    ]
    listing = json.loads(cli_box.ok("extension", "list", "--json").stdout)
    assert listing == [
        {"number": "2001", "name": "Front desk", "enabled": True, "permission": "national"},
        {"number": "2002", "name": "Back office", "enabled": False, "permission": "national"},
    ]


def test_config_import_changing_the_realm_warns_to_restart_and_about_kept_hashes(cli_box, cli_core):
    cli_box.ok("extension", "add", "1001", "--secret", "Passw0rd99")
    proc = cli_box.ok(
        "--lang", "zh-CN", "config", "import", "-", stdin="version: 1\nsettings: {sip_realm: corp}\n"
    )
    assert proc.stdout.splitlines() == ["settings：新增 1，修改 0，删除 0，未变 4"]
    warnings = proc.stderr.splitlines()
    assert len(warnings) == 2 and all(w.startswith("pbxctl: 警告: sip_realm ") for w in warnings)
    assert "重启" in warnings[0] and "corp" in warnings[1]


def test_config_import_from_stdin(cli_box, cli_core):
    proc = cli_box.ok(
        "config", "import", "-", stdin='version: 1\nextensions: [{number: "30", secret: Passw0rd11}]\n'
    )
    assert "extensions: 1 added" in proc.stdout and cli_core.reloads == 1


def test_config_import_with_a_bad_third_extension_changes_nothing(cli_box, cli_core, tmp_path):
    cli_box.ok("extension", "add", "1001", "--name", "Alice", "--secret", "Passw0rd99")
    before = cli_box.db_dump()
    reloads = cli_core.reloads
    path = tmp_path / "bad.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            version: 1
            settings: {sip_realm: elsewhere, no_answer_timeout: 60}
            extensions:
              - {number: "2001", secret: Passw0rd11}
              - {number: "2002", secret: Passw0rd22}
              - {number: "20x3", secret: Passw0rd33}
            """
        )
    )
    line = assert_one_line_error(cli_box.run("config", "import", str(path)))
    assert line == f"pbxctl: {path}: extensions[2].number: must be 2 to 8 digits, not starting with 0"
    assert cli_box.db_dump() == before
    assert cli_core.reloads == reloads


def test_config_import_errors_in_chinese(cli_box, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text('version: 1\nextensions:\n  - {number: "1001", ha1: ABC, ha1b: abc}\n')
    line = assert_one_line_error(cli_box.run("--lang", "zh-CN", "config", "import", str(path)))
    assert line == f"pbxctl: {path}: extensions[0].ha1: 必须是 32 位小写十六进制数字"


def test_config_import_malformed_yaml_names_line_and_column(cli_box, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\nsettings:\n  sip_realm: pbx\n no_answer_timeout: 30\n")
    line = assert_one_line_error(cli_box.run("config", "import", str(path)))
    assert line.startswith(f"pbxctl: {path}: YAML error at line 4, column 2: ")


def test_config_import_refuses_a_yaml_bomb(cli_box, tmp_path):
    path = tmp_path / "bomb.yaml"
    lines = ["version: 1", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for c, p in zip("bcdefghi", "abcdefgh", strict=True)]
    path.write_text("\n".join(lines) + "\n")
    line = assert_one_line_error(cli_box.run("config", "import", str(path)))
    assert "aliases" in line


def test_config_import_of_a_missing_file_is_one_line(cli_box, tmp_path):
    line = assert_one_line_error(cli_box.run("config", "import", str(tmp_path / "nope.yaml")))
    assert line == f"pbxctl: {tmp_path / 'nope.yaml'}: No such file or directory"


def test_config_import_dry_run_saves_nothing_and_does_not_reload(cli_box, cli_core, tmp_path):
    cli_box.ok("extension", "add", "1001", "--secret", "Passw0rd99")
    before, reloads = cli_box.db_dump(), cli_core.reloads
    path = tmp_path / "empty.yaml"
    path.write_text("version: 1\nextensions: []\n")
    proc = cli_box.ok("config", "import", "--dry-run", str(path))
    assert "1 deleted" in proc.stdout and "dry run: nothing was changed" in proc.stdout
    assert cli_box.db_dump() == before and cli_core.reloads == reloads


# --- status ----------------------------------------------------------------------------------------


def test_status_with_the_core_down_exits_1_after_printing_processes(cli_box):
    proc = cli_box.run("status")
    line = assert_one_line_error(proc)
    assert line == f"pbxctl: pbx-core is not answering at {cli_box.cfg.control_url}"
    assert proc.stdout.startswith("processes:\n") and "supervisord.conf does not exist" in proc.stdout


def test_status_shows_registrations_and_calls(cli_box, cli_core):
    cli_core.status = {
        "uptime": 3725.4,
        "calls_total": 7,
        "calls": [
            {
                "uniqueid": "u1",
                "caller": "1001",
                "callee": "1002",
                "state": "answered",
                "start": "2024-05-01T10:00",
            }
        ],
        "registrations": [
            {"aor": "1001", "contact": "sip:1001@10.0.0.5:5060", "expires": 3600, "user_agent": "Yealink T46"}
        ],
        "limits": {"max_calls": 480},
    }
    proc = cli_box.ok("status")
    out = proc.stdout
    assert "pbx-core: up 1:02:05; calls: 1 active, 7 since start" in out
    assert "registrations (1):" in out and "sip:1001@10.0.0.5:5060" in out and "Yealink T46" in out
    assert "active calls (1):" in out and "answered" in out
    assert ("GET", "/status", None) in cli_core.requests
    data = json.loads(cli_box.ok("status", "--json").stdout)
    assert data["core"]["calls_total"] == 7 and data["processes"] == []


@pytest.mark.parametrize(
    "status", [{}, {"calls": None, "registrations": "x", "uptime": "soon"}, [1, 2], None]
)
def test_status_copes_with_a_core_answering_odd_json(cli_box, cli_core, status):
    cli_core.status = status
    proc = cli_box.ok("status")
    assert "registrations (0):" in proc.stdout and "active calls (0):" in proc.stdout


def test_status_lists_supervisord_processes(cli_box, cli_core):
    run = cli_box.cfg.run_dir
    run.mkdir(parents=True)
    sock = run / "supervisor.sock"
    conf = run / "supervisord.conf"
    conf.write_text(
        textwrap.dedent(
            f"""\
            [unix_http_server]
            file={sock}

            [supervisord]
            nodaemon=true
            logfile={run / "supervisord.log"}
            pidfile={run / "supervisord.pid"}

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [supervisorctl]
            serverurl=unix://{sock}

            [program:sleeper]
            command={sys.executable} -c "import time; time.sleep(600)"
            startsecs=0

            [program:crasher]
            command={sys.executable} -c "raise SystemExit(3)"
            startsecs=1
            startretries=0
            """
        )
    )
    supervisord = subprocess.Popen([str(PBXCTL.with_name("supervisord")), "-c", str(conf)])
    try:

        def settled() -> bool:
            out = cli_box.run("status").stdout
            return "RUNNING" in out and "FATAL" in out

        wait_until(settled, 30, "supervisord to start sleeper and give up on crasher")
        proc = cli_box.ok("status")
        rows = {line.split()[0]: line.split()[1] for line in proc.stdout.splitlines()[2:4]}
        assert rows == {"crasher": "FATAL", "sleeper": "RUNNING"}
        assert "pbx-core: up" in proc.stdout
    finally:
        supervisord.terminate()
        supervisord.wait(timeout=30)


# --- CDR -------------------------------------------------------------------------------------------


def test_cdr_list_newest_first_with_limit_and_json(cli_box):
    db = open_database(cli_box.cfg.db_path)
    try:
        base = dt.datetime(2024, 5, 1, 10, 0, 0)
        for i in range(25):
            start = base + dt.timedelta(minutes=i)
            cdr = Cdr.create(
                uniqueid=f"call-{i:02d}",
                caller="1001",
                caller_name="Alice" if i % 2 else "",
                callee="1002",
                start=start,
                answer=start + dt.timedelta(seconds=2),
                end=start + dt.timedelta(seconds=32),
                billsec=30,
                duration=32,
                disposition="ANSWERED",
                status_code=200,
                hangup_by="caller",
            )
            CallLeg.create(cdr=cdr, role="caller", peer="1001", start=start, status_code=200)
            CallLeg.create(cdr=cdr, role="callee", peer="1002", start=start, status_code=200)
    finally:
        db.close()
    lines = cli_box.ok("cdr", "list").stdout.splitlines()
    assert lines[0].split()[:3] == ["START", "(UTC)", "CALLER"]
    assert len(lines) == 21
    assert lines[1].startswith("2024-05-01 10:24:00") and "1001 (Alice)" not in lines[1]
    assert lines[2].startswith("2024-05-01 10:23:00") and "1001 (Alice)" in lines[2]
    assert len(cli_box.ok("cdr", "list", "--limit", "3").stdout.splitlines()) == 4
    data = json.loads(cli_box.ok("cdr", "list", "--limit", "2", "--json").stdout)
    assert [c["uniqueid"] for c in data] == ["call-24", "call-23"]
    assert data[0]["start"] == "2024-05-01 10:24:00" and data[0]["billsec"] == 30
    assert [leg["role"] for leg in data[0]["legs"]] == ["caller", "callee"]


def test_cdr_list_of_an_empty_box(cli_box):
    assert cli_box.ok("cdr", "list").stdout.strip() == "no calls recorded"
    assert json.loads(cli_box.ok("cdr", "list", "--json").stdout) == []
