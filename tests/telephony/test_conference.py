"""End to end: callers dial a conference room through the running box with real pjsua2 phones.

Each phone plays its own tone; what each phone hears is measured (Goertzel): every participant
hears every other and never itself; a wrong PIN is refused; kick and mute from the control API.
"""

from __future__ import annotations

import pytest

from tests.support import audio

SECRET = "Secr3tPass9"
PIN = "1234"
MODERATOR_PIN = "9999"
ROOM = "7100"
OPEN_ROOM = "7101"
SMALL_ROOM = "7102"
BIG_ROOM = "7103"
RECORDED_ROOM = "7104"
SIPP_LEGS = 58  # with two measuring phones: 60 participants, the minimum
FREQS = {"1001": 600, "1002": 1000, "1003": 1400}


@pytest.fixture(scope="module")
def conf_box(tmp_path_factory):
    from tests.support.box import Box

    box = Box(tmp_path_factory.mktemp("conference"), rtp_port=29800).start()
    for number in FREQS:
        box.add_extension(number, SECRET, f"Phone {number}")
    box.db()
    from telephony.models import ConferenceRoom, Setting

    Setting.set_value("prompt_language", "en")
    room = ConferenceRoom(number=ROOM, name="Team")
    room.set_pin(PIN)
    room.set_moderator_pin(MODERATOR_PIN)
    room.save()
    ConferenceRoom.create(number=OPEN_ROOM, name="Open", music_when_alone=False)
    ConferenceRoom.create(number=SMALL_ROOM, name="Small", max_participants=1)
    ConferenceRoom.create(number=RECORDED_ROOM, name="Recorded", record=True, music_when_alone=False)
    ConferenceRoom.create(number=BIG_ROOM, name="Big", max_participants=60, music_when_alone=False)
    yield box
    box.stop()


@pytest.fixture
def tones(tmp_path):
    return {n: audio.write_tone(tmp_path / f"tone-{f}.wav", f, seconds=60.0) for n, f in FREQS.items()}


@pytest.fixture
def phones(phone_host, conf_box, tmp_path, tones):
    def make(number: str):
        phone = phone_host.phone(conf_box.sip, number, SECRET)
        phone.record_dir = tmp_path
        phone.play_path = tones[number]
        phone_host.wait(lambda: phone.registered, 10, f"{number} registered")
        return phone

    yield make
    phone_host.drop_phones()


def heard(call, phone_host, seconds: float = 1.0):
    start = call.recorded_seconds()
    phone_host.wait(lambda: call.recorded_seconds() > start + seconds, 10, "audio at the phone")
    return audio.read_pcm(call.record_path)[-int(audio.RATE * seconds) :]


def participants(box, room: str = ROOM) -> list[str]:
    rooms = {r["number"]: r for r in box.control.get("/conference/rooms")}
    return [p["caller"] for p in rooms[room]["participants"]]


def join(phone, phone_host, room: str = ROOM, pin: str | None = PIN):
    call = phone.call(room)
    phone_host.wait(lambda: call.confirmed and call.media_active, 10, f"room {room} to answer")
    if pin is not None:
        phone_host.pump(300)
        call.dialDtmf(pin + "#")
    return call


def wait_in_room(box, phone_host, numbers: set[str], room: str = ROOM) -> None:
    phone_host.wait(lambda: set(participants(box, room)) == numbers, 20, f"{sorted(numbers)} in room {room}")


def assert_hears(call, phone_host, own: str, present: list[str], absent: list[str]) -> None:
    samples = heard(call, phone_host, 1.0)
    power = {n: audio.goertzel(samples, FREQS[n]) for n in FREQS}
    for n in present:
        assert power[n] > 0.005, f"{own} does not hear {n}: {power}"
    for n in [own, *absent]:
        assert power[n] < 0.1 * min(power[p] for p in present), f"{own} hears {n}: {power}"


def test_three_phones_join_with_the_pin_and_each_hears_the_other_two_but_not_itself(
    conf_box, phones, phone_host
):
    calls = {}
    for number in FREQS:
        calls[number] = join(phones(number), phone_host)
    wait_in_room(conf_box, phone_host, set(FREQS))
    phone_host.pump(600)  # past the entry tones
    for number, call in calls.items():
        assert_hears(call, phone_host, number, [n for n in FREQS if n != number], [])


def test_wrong_pin_is_refused_and_never_joins(conf_box, phones, phone_host):
    call = join(phones("1001"), phone_host, pin="0000")
    phone_host.pump(500)
    call.dialDtmf("5555#")
    phone_host.pump(500)
    call.dialDtmf("7777#")
    phone_host.wait(lambda: call.disconnected, 40, "the box to hang up after three wrong PINs")
    assert participants(conf_box) == []


def test_kick_ends_that_call_and_the_others_keep_talking(conf_box, phones, phone_host):
    calls = {number: join(phones(number), phone_host) for number in FREQS}
    wait_in_room(conf_box, phone_host, set(FREQS))
    conf_box.control.post("/conference/kick", {"room": ROOM, "participant": "1003"})
    phone_host.wait(lambda: calls["1003"].disconnected, 10, "the kicked call to end")
    wait_in_room(conf_box, phone_host, {"1001", "1002"})
    phone_host.pump(800)  # past the exit tone
    assert_hears(calls["1001"], phone_host, "1001", ["1002"], ["1003"])
    assert_hears(calls["1002"], phone_host, "1002", ["1001"], ["1003"])


def test_mute_stops_that_participants_audio_reaching_the_others(conf_box, phones, phone_host):
    calls = {number: join(phones(number), phone_host) for number in FREQS}
    wait_in_room(conf_box, phone_host, set(FREQS))
    conf_box.control.post("/conference/mute", {"room": ROOM, "participant": "1001"})
    rooms = {r["number"]: r for r in conf_box.control.get("/conference/rooms")}
    assert [p["muted"] for p in rooms[ROOM]["participants"] if p["caller"] == "1001"] == [True]
    phone_host.pump(800)
    assert_hears(calls["1002"], phone_host, "1002", ["1003"], ["1001"])
    assert_hears(calls["1003"], phone_host, "1003", ["1002"], ["1001"])
    assert_hears(calls["1001"], phone_host, "1001", ["1002", "1003"], [])  # a muted one still hears
    conf_box.control.post("/conference/unmute", {"room": ROOM, "participant": "1001"})
    phone_host.pump(800)
    assert_hears(calls["1002"], phone_host, "1002", ["1001", "1003"], [])


def test_room_without_pin_joins_directly(conf_box, phones, phone_host):
    a = join(phones("1001"), phone_host, room=OPEN_ROOM, pin=None)
    b = join(phones("1002"), phone_host, room=OPEN_ROOM, pin=None)
    wait_in_room(conf_box, phone_host, {"1001", "1002"}, OPEN_ROOM)
    phone_host.pump(600)
    assert_hears(a, phone_host, "1001", ["1002"], ["1003"])
    assert_hears(b, phone_host, "1002", ["1001"], ["1003"])


def test_dial_out_rings_a_phone_and_joins_it_to_the_room_on_answer(conf_box, phones, phone_host):
    a = join(phones("1001"), phone_host)
    wait_in_room(conf_box, phone_host, {"1001"})
    invited = phones("1002")
    conf_box.control.post("/conference/dial", {"room": ROOM, "number": "1002"})
    phone_host.wait(
        lambda: invited.incoming and invited.incoming[-1].confirmed, 10, "the invited phone to answer"
    )
    wait_in_room(conf_box, phone_host, {"1001", "1002"})
    phone_host.pump(600)
    assert_hears(a, phone_host, "1001", ["1002"], ["1003"])
    assert_hears(invited.incoming[-1], phone_host, "1002", ["1001"], ["1003"])


def test_moderator_keys_kick_the_last_joined_and_lock_and_star_1_mutes_oneself(conf_box, phones, phone_host):
    moderator = join(phones("1001"), phone_host, pin=MODERATOR_PIN)
    wait_in_room(conf_box, phone_host, {"1001"})
    member = join(phones("1002"), phone_host)
    wait_in_room(conf_box, phone_host, {"1001", "1002"})
    p3 = phones("1003")
    last = join(p3, phone_host)
    wait_in_room(conf_box, phone_host, {"1001", "1002", "1003"})
    rooms = {r["number"]: r for r in conf_box.control.get("/conference/rooms")}
    assert {p["caller"]: p["role"] for p in rooms[ROOM]["participants"]}["1001"] == "moderator"

    member.dialDtmf("*7")  # not a moderator: nothing happens
    member.dialDtmf("*1")
    phone_host.wait(
        lambda: (
            [p["muted"] for p in conf_box.control.get("/conference/rooms")[0]["participants"]]
            == [
                False,
                True,
                False,
            ]
        ),
        10,
        "*1 to mute 1002",
    )
    moderator.dialDtmf("*7")
    phone_host.wait(lambda: last.disconnected, 10, "*7 to kick the last joined")
    wait_in_room(conf_box, phone_host, {"1001", "1002"})

    moderator.dialDtmf("*5")
    phone_host.wait(lambda: conf_box.control.get("/conference/rooms")[0]["locked"], 10, "*5 to lock the room")
    refused = join(p3, phone_host)
    phone_host.wait(lambda: refused.disconnected, 30, "a locked room to refuse the caller")
    assert set(participants(conf_box)) == {"1001", "1002"}


def test_a_full_room_refuses_the_next_caller(conf_box, phones, phone_host):
    join(phones("1001"), phone_host, room=SMALL_ROOM, pin=None)
    wait_in_room(conf_box, phone_host, {"1001"}, SMALL_ROOM)
    second = join(phones("1002"), phone_host, room=SMALL_ROOM, pin=None)
    phone_host.wait(lambda: second.disconnected, 30, "a full room to refuse the caller")
    assert participants(conf_box, SMALL_ROOM) == ["1001"]


def test_sixty_party_room_with_sipp_legs_mixes_audio_and_a_kick_removes_a_leg(conf_box, phones, phone_host):
    import socket
    import subprocess
    from pathlib import Path

    from tests.support.box import free_port

    a = join(phones("1001"), phone_host, room=BIG_ROOM, pin=None)
    b = join(phones("1002"), phone_host, room=BIG_ROOM, pin=None)
    wait_in_room(conf_box, phone_host, {"1001", "1002"}, BIG_ROOM)
    scenario = Path(__file__).resolve().parents[1] / "sipp" / "queue_caller.xml"  # call, hold, BYE
    port = free_port(socket.SOCK_DGRAM)
    sipp = subprocess.Popen(
        ["sipp", conf_box.sip, "-sf", str(scenario), "-i", "127.0.0.1", "-p", str(port), "-s", BIG_ROOM]
        + ["-key", "caller", "1003", "-au", "1003", "-ap", SECRET, "-d", "60000"]
        + ["-m", str(SIPP_LEGS), "-l", str(SIPP_LEGS), "-r", "4"]  # 16 requests/s: under the edge's flood ban
        + ["-timeout", "120s", "-recv_timeout", "20000", "-nostdin", "-trace_err"],
        cwd=conf_box.cfg.data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        phone_host.wait(
            lambda: len(participants(conf_box, BIG_ROOM)) == SIPP_LEGS + 2, 45, "60 participants in the room"
        )
        phone_host.pump(600)
        assert_hears(a, phone_host, "1001", ["1002"], ["1003"])
        assert_hears(b, phone_host, "1002", ["1001"], ["1003"])

        rooms = {r["number"]: r for r in conf_box.control.get("/conference/rooms")}
        leg = next(p["id"] for p in rooms[BIG_ROOM]["participants"] if p["caller"] == "1003")
        conf_box.control.post("/conference/kick", {"room": BIG_ROOM, "participant": leg})
        phone_host.wait(
            lambda: len(participants(conf_box, BIG_ROOM)) == SIPP_LEGS + 1, 10, "the kicked leg to leave"
        )
        rooms = {r["number"]: r for r in conf_box.control.get("/conference/rooms")}
        assert leg not in [p["id"] for p in rooms[BIG_ROOM]["participants"]]
        phone_host.pump(800)
        assert_hears(a, phone_host, "1001", ["1002"], ["1003"])
        assert_hears(b, phone_host, "1002", ["1001"], ["1003"])
    finally:
        sipp.kill()
        sipp.wait()
        rooms = {r["number"]: r for r in conf_box.control.get("/conference/rooms")}
        for p in rooms[BIG_ROOM]["participants"]:  # SIPp's legs stay up after it is killed
            conf_box.control.post("/conference/kick", {"room": BIG_ROOM, "participant": p["id"]})
        phone_host.wait(lambda: not participants(conf_box, BIG_ROOM), 20, "the big room to empty")


def test_a_recorded_room_leaves_a_valid_wav_with_every_voice_mixed(conf_box, phones, phone_host):
    import wave

    from telephony.voicemail.store import wav_closed

    a = join(phones("1001"), phone_host, room=RECORDED_ROOM, pin=None)
    b = join(phones("1002"), phone_host, room=RECORDED_ROOM, pin=None)
    wait_in_room(conf_box, phone_host, {"1001", "1002"}, RECORDED_ROOM)
    phone_host.pump(2000)
    a.hangup_now()
    b.hangup_now()
    phone_host.wait(lambda: a.disconnected and b.disconnected, 10, "both calls to end")
    folder = conf_box.cfg.media_dir / "conference" / RECORDED_ROOM
    phone_host.wait(lambda: not participants(conf_box, RECORDED_ROOM), 10, "the room to empty")
    (path,) = sorted(folder.glob("*.wav"))
    phone_host.wait(lambda: wav_closed(path), 10, "the recorder to close the WAV")
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds > 1.0
    samples = audio.read_pcm(path)[-int(audio.RATE * 1.0) - 4000 : -4000]
    assert audio.goertzel(samples, FREQS["1001"]) > 0.005 and audio.goertzel(samples, FREQS["1002"]) > 0.005
