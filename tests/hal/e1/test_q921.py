"""Q.921 LAPD: frame codec against known captures, malformed frames, and every data-link transition."""

from __future__ import annotations

import pytest

from hal.isdn import q921
from hal.isdn.errors import FrameError, InvalidTransition
from hal.isdn.q921 import Frame
from hal.isdn.q921_link import DataLink, LinkConfig
from hal.isdn.timers import FakeClock

# From a public decode of a BRI D-channel trace (TEI 70): user SABME and the network's UA.
BRI_SABME = bytes.fromhex("008d7f")
BRI_UA = bytes.fromhex("008d73")
# An I frame carrying a PRI SETUP (public decode "simple ISDN call", linkbit.com): user side, TEI 0,
# N(S)=1 N(R)=1, call reference 0x0032, channel 5 exclusive.
PRI_SETUP_I = bytes.fromhex(
    "00 01 02 02 08 02 00 32 05 04 03 80 90 a3 18 03 a9 83 85 1e 02 81 88 6c 09 21 80 32 32 32 32 32 30 35"
    " 70 08 a1 31 31 31 31 31 30 35 a1"
)


def test_q921_decodes_a_captured_sabme_and_ua():
    sabme, ua = q921.decode(BRI_SABME), q921.decode(BRI_UA)
    assert (sabme.kind, sabme.sapi, sabme.tei, sabme.cr, sabme.pf) == (q921.SABME, 0, 70, 0, True)
    assert (ua.kind, ua.tei, ua.cr, ua.pf) == (q921.UA, 70, 0, True)
    assert q921.is_command(sabme, sender_is_network=False)  # user command: C/R 0
    assert not q921.is_command(ua, sender_is_network=True)  # network response: C/R 0
    assert q921.encode(sabme) == BRI_SABME and q921.encode(ua) == BRI_UA


def test_q921_decodes_a_captured_i_frame_carrying_setup():
    f = q921.decode(PRI_SETUP_I)
    assert (f.kind, f.ns, f.nr, f.pf, f.tei, f.sapi) == (q921.I, 1, 1, False, 0, 0)
    assert f.info[:5] == bytes.fromhex("0802003205")
    assert q921.encode(f) == PRI_SETUP_I


@pytest.mark.parametrize(
    "frame",
    [
        Frame(q921.I, cr=1, ns=127, nr=64, pf=True, info=b"\x08\x02\x00\x01\x05"),
        Frame(q921.RR, cr=0, nr=5, pf=True),
        Frame(q921.RNR, cr=1, nr=127),
        Frame(q921.REJ, cr=0, nr=0, pf=True),
        Frame(q921.SABME, cr=1, pf=True),
        Frame(q921.UA, cr=0, pf=True),
        Frame(q921.DISC, cr=1, pf=True),
        Frame(q921.DM, cr=0, pf=False),
        Frame(q921.FRMR, cr=0, info=b"\x01\x02\x03\x04\x05"),
        Frame(q921.UI, cr=1, info=b"hello", sapi=63, tei=127),
    ],
    ids=str,
)
def test_q921_round_trips_every_frame_type(frame):
    assert q921.decode(q921.encode(frame)) == frame


def test_q921_known_control_octets():
    assert q921.encode(Frame(q921.SABME, cr=1, pf=True)) == bytes.fromhex("02017f")
    assert q921.encode(Frame(q921.UA, cr=0, pf=True)) == bytes.fromhex("000173")
    assert q921.encode(Frame(q921.RR, cr=0, nr=1, pf=True)) == bytes.fromhex("00010103")
    assert q921.encode(Frame(q921.I, cr=1, ns=1, nr=1)) == bytes.fromhex("02010202")


def test_q921_fcs_matches_the_crc16_x25_check_value():
    assert q921.fcs16(b"123456789") == 0x906E
    raw = q921.add_fcs(BRI_SABME)
    assert q921.strip_fcs(raw) == BRI_SABME
    with pytest.raises(FrameError, match="FCS"):
        q921.strip_fcs(raw[:-1] + bytes((raw[-1] ^ 1,)))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x00\x01", "too short"),
        (b"\x01\x01\x7f", "EA=1"),
        (b"\x00\x00\x7f", "EA=0"),
        (b"\x00\x01\x0d\x00", "undefined supervisory"),
        (b"\x00\x01\x01\x02\xff", "must be 4"),
        (b"\x00\x01\x7fxx", "information field"),
        (b"\x00\x01\xff", "undefined unnumbered"),
        (b"\x00\x01\x00", "second control octet"),
        (b"\x00\x01\x00\x00" + bytes(261), "N201"),
    ],
)
def test_q921_rejects_malformed_frames_with_a_reason(raw, reason):
    with pytest.raises(FrameError, match=reason):
        q921.decode(raw)


# --- the data link ----------------------------------------------------------------------------------
class Upper:
    def __init__(self) -> None:
        self.log: list[tuple[str, object]] = []

    def dl_established(self, confirm: bool) -> None:
        self.log.append(("established", confirm))

    def dl_released(self) -> None:
        self.log.append(("released", None))

    def dl_data(self, info: bytes) -> None:
        self.log.append(("data", info))


class Rig:
    """A user-side link; `peer(...)` feeds frames as the network would send them."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        self.sent: list[Frame] = []
        self.upper = Upper()
        self.link = DataLink(
            LinkConfig(network=False), lambda b: self.sent.append(q921.decode(b)), self.upper, self.clock
        )

    def peer(self, kind: str, command: bool = True, **kw: object) -> None:
        self.link.receive(q921.encode(Frame(kind, q921.cr_bit(command, True), **kw)))  # type: ignore[arg-type]

    def take(self) -> list[tuple[str, bool]]:
        out = [(f.kind, f.pf) for f in self.sent]
        self.sent.clear()
        return out

    def expire(self, timer: str) -> None:
        self.clock.advance({"T200": 1.0, "T203": 10.0}[timer] + 0.01)
        self.link.poll()

    @property
    def number(self) -> int:
        return self.link.state.number

    def established(self) -> Rig:
        self.link.establish()
        self.peer(q921.UA, command=False, pf=True)
        self.sent.clear()
        self.upper.log.clear()
        return self


def test_given_tei_assigned_when_establish_then_sabme_and_awaiting_establishment():
    r = Rig()
    r.link.establish()
    assert r.number == 5 and r.take() == [(q921.SABME, True)]
    assert r.link.timers.running("T200")


def test_given_awaiting_establishment_when_ua_then_established_and_confirmed():
    r = Rig()
    r.link.establish()
    r.peer(q921.UA, command=False, pf=True)
    assert r.number == 7 and r.upper.log == [("established", True)]
    assert r.link.timers.running("T203") and not r.link.timers.running("T200")


def test_given_awaiting_establishment_when_t200_expires_n200_times_then_released():
    r = Rig()
    r.link.establish()
    for _ in range(3):
        r.expire("T200")
        assert r.number == 5
    assert r.take() == [(q921.SABME, True)] * 4
    r.expire("T200")
    assert r.number == 4 and r.upper.log == [("released", None)]


def test_given_awaiting_establishment_when_dm_then_released():
    r = Rig()
    r.link.establish()
    r.peer(q921.DM, command=False, pf=True)
    assert r.number == 4 and r.upper.log == [("released", None)]


def test_given_awaiting_establishment_when_sabme_collides_then_ua_and_wait_for_ours():
    r = Rig()
    r.link.establish()
    r.take()
    r.peer(q921.SABME, pf=True)
    assert r.number == 5 and r.take() == [(q921.UA, True)]
    r.peer(q921.DISC, pf=True)
    assert r.number == 5 and r.take() == [(q921.DM, True)]


def test_given_tei_assigned_when_peer_sends_sabme_then_ua_and_established_indication():
    r = Rig()
    r.peer(q921.SABME, pf=True)
    assert r.number == 7 and r.take() == [(q921.UA, True)] and r.upper.log == [("established", False)]


@pytest.mark.parametrize(
    ("kind", "kw", "answer", "state"),
    [
        (q921.DISC, {"pf": True}, [(q921.DM, True)], 4),
        (q921.I, {"pf": True, "info": b"x"}, [(q921.DM, True)], 4),
        (q921.RR, {"pf": True}, [(q921.DM, True)], 4),
        (q921.RR, {"pf": False}, [], 4),
    ],
)
def test_given_tei_assigned_when_peer_sends_frames_then_dm_or_nothing(kind, kw, answer, state):
    r = Rig()
    r.peer(kind, **kw)
    assert r.take() == answer and r.number == state


def test_given_tei_assigned_when_unsolicited_dm_then_establish():
    r = Rig()
    r.peer(q921.DM, command=False, pf=False)
    assert r.number == 5 and r.take() == [(q921.SABME, True)]


def test_given_established_when_i_frame_in_sequence_then_delivered_and_acknowledged():
    r = Rig().established()
    r.peer(q921.I, ns=0, nr=0, info=b"msg")
    assert r.upper.log == [("data", b"msg")]
    assert [(f.kind, f.nr) for f in r.sent] == [(q921.RR, 1)] and r.link.vr == 1


def test_given_established_when_i_frame_out_of_sequence_then_one_rej():
    r = Rig().established()
    r.peer(q921.I, ns=1, nr=0, info=b"x")
    r.peer(q921.I, ns=2, nr=0, info=b"y")
    assert r.take() == [(q921.REJ, False)] and r.upper.log == []


def test_given_established_when_data_then_i_frames_inside_window_k():
    r = Rig().established()
    for n in range(9):
        r.link.send_data(bytes([n]))
    assert [f.ns for f in r.sent] == list(range(7)) and r.link.timers.running("T200")
    r.sent.clear()
    r.peer(q921.RR, command=False, nr=7)
    assert [f.ns for f in r.sent] == [7, 8]
    r.peer(q921.RR, command=False, nr=9)
    assert not r.link.timers.running("T200") and r.link.timers.running("T203")


def test_given_established_when_rej_then_retransmit_from_nr():
    r = Rig().established()
    r.link.send_data(b"a")
    r.link.send_data(b"b")
    r.sent.clear()
    r.peer(q921.REJ, command=False, nr=0)
    assert [(f.ns, f.info) for f in r.sent] == [(0, b"a"), (1, b"b")]


def test_given_established_when_rnr_then_hold_frames_until_rr():
    r = Rig().established()
    r.peer(q921.RNR, command=False, nr=0)
    r.link.send_data(b"a")
    assert r.sent == [] and r.link.peer_busy
    r.peer(q921.RR, command=False, nr=0)
    assert [f.info for f in r.sent] == [b"a"]


def test_given_established_when_rr_poll_then_rr_final():
    r = Rig().established()
    r.peer(q921.RR, command=True, pf=True, nr=0)
    assert [(f.kind, f.pf, f.cr) for f in r.sent] == [(q921.RR, True, 1)]  # user response: C/R 1


def test_given_established_when_idle_t203_then_enquiry_and_timer_recovery():
    r = Rig().established()
    r.expire("T203")
    assert r.number == 8 and [(f.kind, f.pf, f.cr) for f in r.sent] == [(q921.RR, True, 0)]
    r.peer(q921.RR, command=False, pf=True, nr=0)
    assert r.number == 7


def test_given_timer_recovery_when_no_answer_n200_times_then_reestablish():
    r = Rig().established()
    r.expire("T203")
    for _ in range(3):
        r.expire("T200")
        assert r.number == 8
    r.expire("T200")
    assert r.number == 5 and r.sent[-1].kind == q921.SABME


def test_given_unacknowledged_i_frame_when_t200_then_recovery_retransmits():
    r = Rig().established()
    r.link.send_data(b"lost")
    r.sent.clear()
    r.expire("T200")
    assert r.number == 8 and r.take() == [(q921.RR, True)]
    r.link.send_data(b"queued")
    assert r.sent == []  # no new I frames during timer recovery
    r.peer(q921.RR, command=False, pf=True, nr=0)
    assert r.number == 7 and [(f.ns, f.info) for f in r.sent] == [(0, b"lost"), (1, b"queued")]


def test_given_established_when_disc_then_ua_and_released():
    r = Rig().established()
    r.peer(q921.DISC, pf=True)
    assert r.number == 4 and r.take() == [(q921.UA, True)] and r.upper.log == [("released", None)]


def test_given_established_when_release_then_disc_and_awaiting_release():
    r = Rig().established()
    r.link.release()
    assert r.number == 6 and r.take() == [(q921.DISC, True)]
    r.peer(q921.SABME, pf=True)
    assert r.take() == [(q921.DM, True)]
    r.peer(q921.UA, command=False, pf=True)
    assert r.number == 4 and r.upper.log == [("released", None)]


def test_given_awaiting_release_when_no_answer_then_released_after_n200():
    r = Rig().established()
    r.link.release()
    for _ in range(4):
        r.expire("T200")
    assert r.number == 4 and r.upper.log == [("released", None)]


@pytest.mark.parametrize(
    ("kind", "kw"),
    [(q921.FRMR, {"info": b"\x00\x00\x00\x00\x01"}), (q921.DM, {"pf": False})],
)
def test_given_established_when_frmr_or_unsolicited_dm_then_reestablish(kind, kw):
    r = Rig().established()
    r.peer(kind, command=False, **kw)
    assert r.number == 5 and r.sent[-1].kind == q921.SABME


def test_given_established_when_nr_invalid_then_reestablish():
    r = Rig().established()
    r.peer(q921.RR, command=False, nr=5)
    assert r.number == 5


def test_given_established_when_peer_resets_with_sabme_then_variables_reset():
    r = Rig().established()
    r.link.send_data(b"a")
    r.peer(q921.SABME, pf=True)
    assert r.number == 7 and (r.link.vs, r.link.va, r.link.vr) == (0, 0, 0)
    assert ("established", False) in r.upper.log


def test_given_established_when_layer1_goes_then_released():
    r = Rig().established()
    r.link.ph_deactivate()
    assert r.number == 4 and r.upper.log == [("released", None)] and r.link.timers.names() == []


def test_ui_frames_are_delivered_in_any_state():
    r = Rig()
    r.peer(q921.UI, info=b"unit")
    assert r.upper.log == [("data", b"unit")]


@pytest.mark.parametrize(
    "raw",
    [
        b"\x02",
        b"\x03\x01\x7f",
        b"\x02\x01\xff",
        b"\x02\x01\x01\x01\x01",
        b"\x00\x01\x7f",
        b"\x02\x05\x7f",
        b"\xfe\x01\x03",
    ],
    ids=["short", "ea", "control", "s-with-info", "sabme-as-response", "other-tei", "other-sapi"],
)
def test_malformed_or_foreign_frames_are_discarded_and_the_link_stays_up(raw):
    r = Rig().established()
    r.link.receive(raw)
    assert r.number == 7 and r.link.discarded == 1 and r.sent == []


def test_impossible_local_events_raise_invalid_transition():
    r = Rig()
    with pytest.raises(InvalidTransition):
        r.link.send_data(b"x")  # no link
    with pytest.raises(InvalidTransition):
        r.link._dispatch("t203")
    r.link.establish()
    with pytest.raises(InvalidTransition):
        r.link._dispatch("t203")  # T203 never runs while awaiting establishment
