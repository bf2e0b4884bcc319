"""The simulator's HTTP control surface: the same verbs as SimControl, JSON in and out."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from hal.events import Digit, OffHook, RingStart
from hal.sim.http import SimHttpServer


@pytest.fixture
def http(sim):
    server = SimHttpServer(sim.control).start()
    yield server
    server.stop()


def call(server: SimHttpServer, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_http_offhook_and_dial_reach_the_board(sim, http):
    assert call(http, "/sim/offhook", {"port": "fxs1"}) == (200, {"ok": True})
    sim.log.wait(OffHook, "fxs1")
    status, _ = call(http, "/sim/dial", {"port": "fxs1", "digits": "12"})
    assert status == 200
    assert [e.digit for e in sim.log.wait(Digit, "fxs1", count=2)] == ["1", "2"]


def test_http_ring_and_ports_and_events(sim, http):
    assert call(http, "/sim/ring", {"port": "fxo1", "cid": "13800138000"})[0] == 200
    sim.log.wait(RingStart, "fxo1")
    status, body = call(http, "/sim/ports")
    assert status == 200
    rows = {row["name"]: row for row in body["ports"]}
    assert rows["fxo1"]["far_end"]["kind"] == "pstn" and rows["fxs1"]["far_end"]["hook"] == "onhook"
    status, body = call(http, "/sim/events?port=fxo1")
    assert (
        status == 200 and body["events"][0]["type"] == "ring" and body["events"][0]["number"] == "13800138000"
    )


def test_http_errors_are_json(http):
    assert call(http, "/sim/offhook", {"port": "fxs9"})[0] == 404
    assert call(http, "/sim/offhook", {"port": "fxo1"})[0] == 404  # not a phone
    assert call(http, "/sim/offhook", {})[0] == 400
    assert call(http, "/sim/pstn_hangup", {"port": "fxo1", "how": "shout"})[0] == 400
    assert call(http, "/sim/nonsense", {})[0] == 404
    status, body = call(http, "/sim/dial", {"port": "fxs2", "digits": "1"})
    assert status == 400 and "lift the handset" in body["error"]
