"""The SIP edge: kamailio.cfg rendered by firmware/kamailio.py, run for real, driven by SIPp and raw UDP."""

from __future__ import annotations

import re
import stat
import subprocess
import uuid

import pytest

from firmware.errors import ConfigApplyError, FirmwareError
from firmware.firstboot import first_boot, read_secret
from firmware.kamailio import (
    TEMPLATE,
    EdgeLimits,
    check_config,
    kamailio_command,
    render_kamailio,
    write_kamailio,
)
from telephony import boxconfig
from telephony.edge import KamailioRpc, parse_kamcmd
from telephony.errors import ConfigError, ControlError
from tests.firmware.conftest import (
    LIMITS,
    REALM,
    SECRET,
    Edge,
    SipClient,
    digest_params,
    free_udp_port,
    md5,
    udp_port_bound,
)
from tests.support.box import wait_until

# --- rendering -------------------------------------------------------------------------------------


def _cfg(tmp_path, **overrides) -> boxconfig.BoxConfig:
    values = {"data_dir": tmp_path, "sip_host": "127.0.0.1", "sip_port": 25060, "core_sip_port": 25070}
    return boxconfig.load({}, **{**values, **overrides})


def test_render_fills_every_placeholder_with_box_values(tmp_path):
    cfg = _cfg(tmp_path)
    text = render_kamailio(cfg, "office.example", EdgeLimits(pike_limit=7, ban_time=99))
    assert "@@" not in text
    assert 'www_authorize("office.example", "subscriber")' in text
    assert "<sip:keepalive@office.example>" not in text and '"sip:keepalive@office.example"' in text
    assert f'"sqlite:///{cfg.db_path}"' in text
    assert f'"unix:{cfg.kamailio_ctl}"' in text
    assert "listen=udp:127.0.0.1:25060" in text and "listen=tcp:127.0.0.1:25060" in text
    assert "src_port == 25070" in text
    assert 'modparam("pike", "reqs_density_per_unit", 7)' in text
    assert "autoexpire=99;" in text


def test_render_listens_on_loopback_for_the_core_when_phones_use_another_address(tmp_path):
    text = render_kamailio(_cfg(tmp_path, sip_host="192.0.2.10", sip_advertise="203.0.113.5"), "pbx")
    assert "listen=udp:192.0.2.10:25060 advertise 203.0.113.5:25060" in text
    assert "listen=udp:127.0.0.1:25060\n" in text
    wildcard = render_kamailio(_cfg(tmp_path, sip_host="0.0.0.0"), "pbx")
    assert "\nlisten=" not in wildcard and "\nport=25060\n" in wildcard


@pytest.mark.parametrize("realm", ["", 'pbx"; exit', "a b", "pbx\n", "x" * 80])
def test_render_refuses_a_realm_that_cannot_go_into_the_config(tmp_path, realm):
    with pytest.raises(ConfigError) as info:
        render_kamailio(_cfg(tmp_path), realm)
    assert info.value.key == "sip_realm"


def test_edge_limits_parse_names_the_bad_key():
    assert EdgeLimits.parse({"ban_time": "30"}).ban_time == 30
    with pytest.raises(ConfigError) as info:
        EdgeLimits.parse({"pike_limit": "0"}, source="settings")
    assert info.value.key == "pike_limit" and "settings" in str(info.value)


def test_write_installs_a_checked_config_and_keeps_it_when_the_next_is_rejected(tmp_path):
    cfg = _cfg(tmp_path)
    path = write_kamailio(cfg, "pbx")
    assert path == cfg.run_dir / "kamailio.cfg"
    good = path.read_text()
    broken = tmp_path / "broken.cfg"
    broken.write_text(TEMPLATE.read_text().replace('loadmodule "tm.so"', 'loadmodule "no_such_module.so"'))
    with pytest.raises(ConfigApplyError) as info:
        write_kamailio(cfg, "pbx", template=broken)
    assert isinstance(info.value, FirmwareError) and isinstance(info.value, RuntimeError)
    assert "no_such_module" in str(info.value)
    assert path.read_text() == good
    assert (cfg.run_dir / "kamailio.cfg.rejected").exists()


def _auth_secret_of(text: str) -> str:
    (secret,) = re.findall(r'^modparam\("auth", "secret", "([^"]*)"\)$', text, re.MULTILINE)
    return secret


def test_the_auth_nonce_secret_is_the_boxs_edge_secret_and_kamailio_accepts_it(tmp_path):
    cfg = _cfg(tmp_path)
    first_boot(cfg)
    path = write_kamailio(cfg, "pbx")  # runs `kamailio -c` on it before installing it
    secret = read_secret(cfg, "edge.secret")
    assert _auth_secret_of(path.read_text()) == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the config now holds a secret
    assert secret not in check_config(path)  # kamailio's own output does not show it


def test_two_boxes_get_different_secrets_and_one_box_keeps_its_own(tmp_path):
    one, two = _cfg(tmp_path / "one"), _cfg(tmp_path / "two")  # no first boot: made on first use
    secret_one = _auth_secret_of(render_kamailio(one))
    assert secret_one == read_secret(one, "edge.secret") and len(secret_one) >= 40
    assert stat.S_IMODE((one.data_dir / "keys" / "edge.secret").stat().st_mode) == 0o600
    assert _auth_secret_of(render_kamailio(two)) != secret_one
    assert _auth_secret_of(render_kamailio(one)) == secret_one


@pytest.mark.parametrize("content", ["", 'short"); exit', "x" * 40 + '"\nmodparam("a", "b", 1)'])
def test_an_edge_secret_that_is_not_one_first_boot_made_is_refused_without_showing_it(tmp_path, content):
    cfg = _cfg(tmp_path)
    (cfg.data_dir / "keys").mkdir(parents=True)
    (cfg.data_dir / "keys" / "edge.secret").write_text(content)
    with pytest.raises(ConfigApplyError) as info:
        render_kamailio(cfg)
    assert "edge.secret" in str(info.value)
    assert not content or content not in str(info.value)


def _start_kamailio(edge: Edge) -> None:
    """(Re)render the edge's config and start kamailio on it, as a box restart would."""
    write_kamailio(edge.cfg, REALM, edge.limits)
    with open(edge.log_path, "ab") as log:
        edge.proc = subprocess.Popen(
            kamailio_command(edge.cfg), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    wait_until(lambda: edge.proc.poll() is None and edge.rpc.ping(), 10, "kamailio on its ctl socket")


def test_a_nonce_handed_out_before_a_kamailio_restart_still_verifies_after_it(tmp_path):
    edge = Edge(tmp_path).start()
    client = SipClient("127.0.0.1", edge.cfg.sip_port, "127.0.0.1")
    try:
        ruri, call_id = f"sip:127.0.0.1:{edge.cfg.sip_port}", f"{uuid.uuid4().hex}@test"
        client.send_raw(client.build("REGISTER", ruri, "1001", "1001", call_id, ("Expires: 60",)))
        challenge = client.recv(2.0)
        assert challenge is not None and challenge.status == 401
        params = digest_params(challenge.header("WWW-Authenticate")[0])

        edge.stop()
        _start_kamailio(edge)

        ha1, ha2 = md5(f"1001:{params['realm']}:{SECRET}"), md5(f"REGISTER:{ruri}")
        cnonce, nc = uuid.uuid4().hex[:8], "00000001"
        response = md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}")
        authorization = (
            f'Authorization: Digest username="1001", realm="{params["realm"]}", nonce="{params["nonce"]}", '
            f'uri="{ruri}", response="{response}", algorithm=MD5, cnonce="{cnonce}", nc={nc}, qop=auth'
        )
        client.send_raw(
            client.build("REGISTER", ruri, "1001", "1001", call_id, ("Expires: 60", authorization))
        )
        answer = client.recv(2.0)
        assert answer is not None, edge.log_tail()
        assert answer.status == 200, answer.text + edge.log_tail()
    finally:
        client.close()
        edge.stop()


def test_kamailio_command_runs_in_the_foreground_with_every_file_under_run_dir(tmp_path):
    cfg = _cfg(tmp_path)
    argv = kamailio_command(cfg)
    assert "-DD" in argv and "-E" in argv
    assert argv[argv.index("-f") + 1] == str(cfg.run_dir / "kamailio.cfg")
    for flag in ("-P", "-Y", "-w"):
        assert argv[argv.index(flag) + 1].startswith(str(cfg.run_dir))


def test_parse_kamcmd_keeps_nesting_order_and_repeated_names():
    text = "{\n\tA: {\n\t\tC: {\n\t\t\tX: 1\n\t\t}\n\t\tC: {\n\t\t\tX: a: b\n\t\t}\n\t}\n\tB: [not set]\n}\n"
    (top,) = parse_kamcmd(text)
    assert top == [("A", [("C", [("X", "1")]), ("C", [("X", "a: b")])]), ("B", "[not set]")]


def test_rpc_on_a_dead_socket_raises_control_error_and_ping_is_false(tmp_path):
    rpc = KamailioRpc(tmp_path / "nothing_ctl", timeout=2)
    assert rpc.ping() is False
    with pytest.raises(ControlError):
        rpc.registrations()


# --- registration ----------------------------------------------------------------------------------


def test_register_with_good_secret_gets_200_and_is_listed(edge):
    run = edge.register("1001", 5999)
    assert run.returncode == 0, run.explain()
    wait_until(lambda: edge.registered("1001"), 5, "1001 in ul.dump")
    (reg,) = [r for r in edge.rpc.registrations() if r["contact"] == "sip:1001@127.0.0.1:5999"]
    assert reg["aor"] == "1001"
    assert reg["user_agent"] == "sipp-phone" and 0 < reg["expires"] <= 300


def test_register_over_tcp_gets_200(edge):
    run = edge.register("1004", 5996, "-t", "t1")
    assert run.returncode == 0, run.explain() + "\n" + edge.log_tail()
    assert any(r["contact"] == "sip:1004@127.0.0.1:5996" for r in edge.rpc.registrations())


def test_register_with_bad_secret_gets_403_and_is_not_listed(edge):
    run = edge.register(
        "1003", 5999, secret="Wr0ngPass", scenario="kam_register_refused.xml", local_ip="127.0.0.2"
    )
    assert run.returncode == 0, run.explain()
    assert not edge.registered("1003")
    assert "edge: auth failure for '1003'" in edge.log_tail()


def _without_nonce(challenge: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce="-"', challenge)


def test_known_and_unknown_users_get_the_very_same_challenge_and_refusal(edge, sip_client):
    client = sip_client("127.0.0.3")
    known, _ = client.request("REGISTER", "1001")
    unknown, _ = client.request("REGISTER", "7777")
    assert known is not None and unknown is not None
    assert (known.status, known.reason) == (unknown.status, unknown.reason) == (401, "Unauthorized")
    assert len(known.header("WWW-Authenticate")) == len(unknown.header("WWW-Authenticate")) == 1
    challenge = known.header("WWW-Authenticate")[0]
    assert 'realm="pbx"' in challenge and 'qop="auth"' in challenge
    assert _without_nonce(challenge) == _without_nonce(unknown.header("WWW-Authenticate")[0])
    names = [line.split(":", 1)[0] for line in known.text.split("\r\n\r\n")[0].split("\r\n")[1:]]
    assert names == [line.split(":", 1)[0] for line in unknown.text.split("\r\n\r\n")[0].split("\r\n")[1:]]

    _, wrong_known = client.request("REGISTER", "1001", password="Wr0ngPass")
    _, wrong_unknown = client.request("REGISTER", "7777", password="Wr0ngPass")
    assert wrong_known is not None and wrong_unknown is not None
    assert (wrong_known.status, wrong_known.reason) == (wrong_unknown.status, wrong_unknown.reason)
    assert wrong_known.status == 403


def test_a_phone_may_register_only_its_own_number(edge, sip_client):
    client = sip_client("127.0.0.4")
    _, answer = client.request("REGISTER", "1002", password=SECRET, auth_user="1001")
    assert answer is not None and answer.status == 403
    assert not any(r["aor"] == "1002" and "127.0.0.4" in r["contact"] for r in edge.rpc.registrations())


# --- bans ------------------------------------------------------------------------------------------


def test_given_repeated_auth_failures_then_the_source_is_banned_until_lifted(edge, sip_client):
    attacker = sip_client("127.0.0.66")
    for _ in range(LIMITS.auth_fail_limit - 1):
        _, answer = attacker.request("REGISTER", "1001", password="Guess1234")
        assert answer is not None and answer.status == 403
    _, last = attacker.request("REGISTER", "1001", password="Guess1234", timeout=1.0)
    assert last is None  # the failure that trips the ban gets no answer

    bans = {b["address"]: b for b in edge.rpc.bans()}
    assert bans["127.0.0.66"]["reason"] == "auth-failures"
    assert 0 < bans["127.0.0.66"]["expires"] <= LIMITS.ban_time
    assert attacker.options(timeout=1.0) is None
    assert "edge: banned 127.0.0.66" in edge.log_tail()

    # a good phone on another address keeps working during the ban
    run = edge.register("1001", 5998)
    assert run.returncode == 0, run.explain()

    assert edge.rpc.lift_ban("127.0.0.66") is True
    assert "127.0.0.66" not in {b["address"] for b in edge.rpc.bans()}
    answer = attacker.options()
    assert answer is not None and answer.status == 200
    assert edge.rpc.lift_ban("127.0.0.66") is False


def test_given_a_flood_from_one_address_then_it_is_banned_as_flood(edge, sip_client):
    flooder = sip_client("127.0.0.77")
    for _ in range(LIMITS.pike_limit * 3):
        flooder.send_raw(flooder.build("OPTIONS", edge_uri(edge), "flood", "flood", "flood-call@test"))
    wait_until(lambda: "127.0.0.77" in {b["address"] for b in edge.rpc.bans()}, 5, "the flood ban")
    (ban,) = [b for b in edge.rpc.bans() if b["address"] == "127.0.0.77"]
    assert ban["reason"] == "flood"
    assert edge.rpc.lift_ban("127.0.0.77")


def test_scanner_user_agents_are_banned_at_once(edge, sip_client):
    scanner = sip_client("127.0.0.78")
    scanner.send_raw(
        scanner.build("OPTIONS", edge_uri(edge), "100", "100", "scan@test", ("User-Agent: friendly-scanner",))
    )
    assert scanner.recv(1.0) is None
    wait_until(lambda: "127.0.0.78" in {b["address"] for b in edge.rpc.bans()}, 5, "the scanner ban")


def test_lift_ban_refuses_what_is_not_an_address(edge):
    with pytest.raises(ValueError):
        edge.rpc.lift_ban("ipban 1.2.3.4")


def edge_uri(edge) -> str:
    return f"sip:127.0.0.1:{edge.cfg.sip_port}"


# --- malformed input -------------------------------------------------------------------------------


def test_garbage_and_malformed_requests_are_dropped_or_refused_and_the_edge_keeps_working(edge, sip_client):
    client = sip_client("127.0.0.5")
    host, port = client.local
    junk = [
        b"\x00\xff\xfe garbage \x01\x02" * 20,
        b"NOT SIP AT ALL\r\n\r\n",
        b"",
        # no Via at all: nothing to answer to
        b"REGISTER sip:127.0.0.1 SIP/2.0\r\nFrom: <sip:1001@x>;tag=1\r\nTo: <sip:1001@x>\r\n"
        b"Call-ID: bad1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n",
        # broken Via and CSeq
        b"INVITE sip:1002@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP\r\nFrom: x\r\nTo: y\r\nCall-ID: bad2\r\n"
        b"CSeq: abc\r\nContent-Length: 0\r\n\r\n",
        # a CSeq method that differs from the request's, and a Content-Length that lies
        f"REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP {host}:{port};branch=z9hG4bKbad3\r\n"
        "From: <sip:1001@x>;tag=1\r\nTo: <sip:1001@x>\r\nCall-ID: bad3\r\nCSeq: 1 INVITE\r\n"
        "Max-Forwards: 70\r\nContent-Length: 9999\r\n\r\n".encode(),
    ]
    for data in junk:
        client.send_raw(data)
        answer = client.recv(0.5)
        assert answer is None or answer.status == 400, answer.text
    assert edge.alive(), edge.log_tail()
    assert edge.rpc.ping()
    _, answer = client.request("REGISTER", "1004", password=SECRET)
    assert answer is not None and answer.status == 200, answer and answer.text
    assert "127.0.0.5" not in {b["address"] for b in edge.rpc.bans()}


def test_options_to_the_box_is_answered_as_keepalive(edge, sip_client):
    answer = sip_client().options()
    assert answer is not None and (answer.status, answer.reason) == (200, "Keepalive")


# --- calls -----------------------------------------------------------------------------------------


def _start_uas(edge, port: int):
    uas = edge.sipp("kam_uas_answer.xml", port=port, to_edge=False).start()
    wait_until(
        lambda: udp_port_bound("127.0.0.1", port) or uas.proc.poll() is not None, 5, "SIPp UAS to bind"
    )
    assert uas.proc.poll() is None, uas.explain()
    return uas


def test_given_a_registered_phone_when_it_calls_then_the_core_gets_the_asserted_caller(edge):
    run = edge.register("1001", 5997)
    assert run.returncode == 0, run.explain()
    core = _start_uas(edge, edge.cfg.core_sip_port)
    phone = edge.run_sipp(
        "kam_phone_call.xml", "-s", "1002", "-key", "caller", "1001", "-au", "1001", "-ap", SECRET
    )
    core.wait()
    assert phone.returncode == 0, phone.explain() + "\n" + edge.log_tail()
    assert core.returncode == 0, core.explain()
    (invite,) = core.received("INVITE ")
    assert invite.startswith(f"INVITE sip:1002@127.0.0.1:{edge.cfg.core_sip_port} SIP/2.0")
    head = invite.split("\n\n", 1)[0]
    assert re.findall(r"(?im)^P-Asserted-Identity:\s*(.*)$", head) == ["<sip:1001@pbx>"]
    assert "forged.invalid" not in invite
    assert "Proxy-Authorization" not in invite
    assert f"Record-Route: <sip:127.0.0.1:{edge.cfg.sip_port};lr>" in invite
    # in-dialog requests came back through the edge
    assert core.received("ACK ") and core.received("BYE ")


def test_a_phone_cannot_call_as_another_number(edge, sip_client):
    client = sip_client()
    _, answer = client.request("INVITE", "1003", from_user="1002", password=SECRET, auth_user="1001")
    assert answer is not None and answer.status == 403


def test_an_invite_from_loopback_but_not_the_core_port_is_challenged(edge, sip_client):
    answer, _ = sip_client().request("INVITE", "1002", from_user="1001")
    assert answer is not None and answer.status == 407
    assert 'realm="pbx"' in answer.header("Proxy-Authenticate")[0]


def test_when_the_core_calls_an_unregistered_number_then_it_gets_480(edge):
    assert not edge.registered("1003")
    run = edge.run_sipp("kam_core_call_unavailable.xml", "-s", "1003", port=edge.cfg.core_sip_port)
    assert run.returncode == 0, run.explain() + "\n" + edge.log_tail()


def test_when_the_core_calls_a_registered_phone_then_the_call_reaches_it(edge):
    phone_port = free_udp_port()
    phone = _start_uas(edge, phone_port)
    run = edge.register("1002", phone_port)
    assert run.returncode == 0, run.explain()
    core = edge.run_sipp("kam_core_call.xml", "-s", "1002", port=edge.cfg.core_sip_port)
    phone.wait()
    assert core.returncode == 0, core.explain() + "\n" + edge.log_tail()
    assert phone.returncode == 0, phone.explain()
    (invite,) = phone.received("INVITE ")
    assert invite.startswith(f"INVITE sip:1002@127.0.0.1:{phone_port} SIP/2.0")
    assert f"Record-Route: <sip:127.0.0.1:{edge.cfg.sip_port};lr>" in invite
    assert "P-Asserted-Identity: <sip:1001@pbx>" in invite  # the core's own assertion is kept
    assert phone.received("ACK ") and phone.received("BYE ")
