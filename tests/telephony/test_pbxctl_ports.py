"""pbxctl ports and pbxctl sim, run as a subprocess against a tiny real HTTP server playing pbx-core."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.telephony.test_pbxctl import CliBox, assert_one_line_error

PORTS = [
    {"name": "fxs1", "kind": "fxs", "state": "onhook", "fault": None, "number": "201", "label": "Lobby"},
    {"name": "fxo1", "kind": "fxo", "state": "idle", "fault": "no line voltage", "number": None, "label": ""},
    {"name": "e1", "kind": "e1", "state": "alarm", "alarms": ["LOS", "AIS"], "fault": None},
    {"name": "e1/1", "kind": "e1-channel", "state": "idle"},
]


class SimCore:
    """Answers GET /ports and POST /sim/<verb>; `answers` maps a path to (status, body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, object]] = []
        self.answers: dict[str, tuple[int, object]] = {"/ports": (200, PORTS)}
        core = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: object) -> None:
                pass

            def _answer(self) -> None:
                status, body = core.answers.get(self.path, (200, {"ok": True}))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                core.requests.append(("GET", self.path, None))
                self._answer()

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                core.requests.append(("POST", self.path, body))
                self._answer()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def cli_box(tmp_path) -> CliBox:
    return CliBox(tmp_path / "data")


@pytest.fixture
def core(cli_box):
    sim_core = SimCore()
    cli_box.env["PBX_CONTROL_PORT"] = str(sim_core.port)
    yield sim_core
    sim_core.close()


def test_ports_prints_every_port_with_state_fault_and_alarms(cli_box, core):
    out = cli_box.ok("ports").stdout.splitlines()
    assert out[0].split() == ["PORT", "KIND", "STATE", "NUMBER", "LABEL", "DETAIL"]
    assert out[1].split()[:5] == ["fxs1", "fxs", "onhook", "201", "Lobby"]
    assert "fault: no line voltage" in out[2]
    assert out[3].split()[:3] == ["e1", "e1", "alarm"] and "alarms: LOS,AIS" in out[3]
    assert out[4].split() == ["e1/1", "e1-channel", "idle"]
    assert core.requests == [("GET", "/ports", None)]


def test_ports_json_and_chinese(cli_box, core):
    assert json.loads(cli_box.ok("ports", "--json").stdout) == PORTS
    assert "端口" in cli_box.ok("--lang", "zh-CN", "ports").stdout.splitlines()[0]


def test_ports_with_the_core_down_is_one_line(cli_box):
    assert "unreachable" in assert_one_line_error(cli_box.run("ports"))


@pytest.mark.parametrize(
    ("argv", "path", "body"),
    [
        (["offhook", "fxs1"], "/sim/offhook", {"port": "fxs1"}),
        (["onhook", "fxs1"], "/sim/onhook", {"port": "fxs1"}),
        (["flash", "fxs2"], "/sim/flash", {"port": "fxs2"}),
        (
            ["dial", "fxs1", "0105551234"],
            "/sim/dial",
            {"port": "fxs1", "digits": "0105551234", "pulse": False},
        ),
        (["dial", "fxs1", "12#", "--pulse"], "/sim/dial", {"port": "fxs1", "digits": "12#", "pulse": True}),
        (
            ["ring", "fxo1", "--cid", "13800138000", "--name", "Zhang"],
            "/sim/ring",
            {"port": "fxo1", "cid_number": "13800138000", "cid_name": "Zhang"},
        ),
        (
            ["ring", "fxo2", "--cid", "5551"],
            "/sim/ring",
            {"port": "fxo2", "cid_number": "5551", "cid_name": ""},
        ),
        (["e1", "hangup", "7"], "/sim/e1_hangup", {"call": 7, "cause": 16}),
        (["e1", "hangup", "7", "--cause", "17"], "/sim/e1_hangup", {"call": 7, "cause": 17}),
        (["e1", "los", "on"], "/sim/e1_los", {"on": True}),
        (["e1", "los", "off"], "/sim/e1_los", {"on": False}),
    ],
)
def test_sim_verbs_send_the_exact_request(cli_box, core, argv, path, body):
    cli_box.ok("sim", *argv)
    assert core.requests == [("POST", path, body)]


def test_sim_e1_call_prints_the_call_id(cli_box, core):
    core.answers["/sim/e1_call"] = (200, {"call": 42})
    proc = cli_box.ok("sim", "e1", "call", "--from", "13800138000", "--to", "5550100")
    assert proc.stdout.strip() == "42"
    assert core.requests == [("POST", "/sim/e1_call", {"calling": "13800138000", "called": "5550100"})]
    core.answers["/sim/e1_call"] = (200, {"ok": True, "result": {"call": 43}})  # pbx-core's envelope
    assert cli_box.ok("sim", "e1", "call", "--from", "1", "--to", "2").stdout.strip() == "43"
    core.answers["/sim/e1_call"] = (200, {"ok": True, "result": 44})
    assert cli_box.ok("sim", "e1", "call", "--from", "1", "--to", "2").stdout.strip() == "44"


def test_sim_play_and_record_send_absolute_paths(cli_box, core, tmp_path, monkeypatch):
    wav = tmp_path / "hello.wav"
    wav.write_bytes(b"RIFF")
    cli_box.ok("sim", "play", "fxo1", str(wav))
    proc = cli_box.run("sim", "record", "fxs1", "out.wav", "--seconds", "2.5")
    assert proc.returncode == 0, proc.stderr
    assert core.requests[0] == ("POST", "/sim/play", {"port": "fxo1", "file": str(wav)})
    method, path, body = core.requests[1]
    assert (path, body["port"], body["seconds"]) == ("/sim/record", "fxs1", 2.5)
    assert body["file"].startswith("/") and body["file"].endswith("/out.wav")


def test_sim_play_of_a_missing_file_fails_without_a_request(cli_box, core, tmp_path):
    assert "no such file" in assert_one_line_error(
        cli_box.run("sim", "play", "fxs1", str(tmp_path / "x.wav"))
    )
    assert core.requests == []


def test_sim_events_prints_one_line_per_event(cli_box, core):
    core.answers["/sim/events"] = (
        200,
        [{"event": "ring"}, {"event": "cid", "number": "201", "name": "Lobby"}],
    )
    assert cli_box.ok("sim", "events", "fxo1").stdout.splitlines() == ["ring", "cid number=201 name=Lobby"]
    assert core.requests == [("POST", "/sim/events", {"port": "fxo1"})]
    assert json.loads(cli_box.ok("sim", "events", "fxo1", "--json").stdout)[1]["number"] == "201"
    core.answers["/sim/events"] = (200, {"ok": True, "result": [{"event": "answer"}]})
    assert cli_box.ok("sim", "events", "fxo1").stdout.splitlines() == ["answer"]


def test_sim_refused_by_the_core_is_one_line_with_its_reason(cli_box, core):
    core.answers["/sim/offhook"] = (400, {"error": "the board is not a simulator"})
    line = assert_one_line_error(cli_box.run("sim", "offhook", "fxs1"))
    assert "the board is not a simulator" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["dial", "fxs1", "12x"],
        ["ring", "fxo1"],
        ["ring", "fxo1", "--cid", "abc"],
        ["e1", "hangup", "x"],
        ["e1", "hangup", "1", "--cause", "300"],
        ["e1", "los", "maybe"],
        ["record", "fxs1", "a.wav", "--seconds", "-1"],
        ["nothing"],
    ],
)
def test_sim_usage_errors_are_one_line_exit_2_and_send_nothing(cli_box, core, argv):
    assert_one_line_error(cli_box.run("sim", *argv), 2)
    assert core.requests == []
