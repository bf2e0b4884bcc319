"""The control API server: engine routes go through the loop's queue; errors are told apart."""

from __future__ import annotations

import pytest

from telephony.control.client import ControlClient
from telephony.control.server import ControlServer
from telephony.errors import ControlError
from tests.support.box import free_port


def serve(submit, local_routes, engine_timeout=0.3):
    port = free_port()
    server = ControlServer(
        port, submit, {"GET /engine": "engine"}, local_routes, engine_timeout=engine_timeout
    )
    server.start()
    return server, ControlClient(f"http://127.0.0.1:{port}", timeout=5)


def test_engine_route_is_answered_through_the_submitted_request():
    server, client = serve(lambda request: request.reply.set_result({"echo": request.command}), {})
    try:
        assert client.get("/engine") == {"echo": "engine"}
    finally:
        server.stop()


def test_an_engine_that_never_answers_is_reported_busy():
    server, client = serve(lambda request: None, {})
    try:
        with pytest.raises(ControlError, match="busy"):
            client.get("/engine")
    finally:
        server.stop()


def test_a_local_route_timeout_is_its_own_error_not_busy():
    def slow(_args):
        raise TimeoutError("dialing did not finish")

    server, client = serve(lambda request: None, {"POST /sim/dial": slow})
    try:
        with pytest.raises(ControlError, match="dialing did not finish") as err:
            client.post("/sim/dial", {})
        assert "busy" not in str(err.value)
    finally:
        server.stop()


def test_unknown_route_and_bad_json_get_clear_errors():
    server, client = serve(lambda request: None, {"POST /x": lambda args: args})
    try:
        with pytest.raises(ControlError, match="no such control route"):
            client.get("/nope")
        assert client.post("/x", {"a": 1}) == {"a": 1}
    finally:
        server.stop()
