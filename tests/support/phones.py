"""Real SIP phones for tests: pjsua2 accounts in the test process that register, call and answer.

One pjsua2 Endpoint per process (pjsua is a singleton); tests pump it with `host.wait(...)`, which
runs libHandleEvents until a condition holds or a deadline passes. No fixed sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pjsua2 as pj

from tests.support import audio


class PhoneCall(pj.Call):
    """A call on a test phone; records states and, once media is up, plays/records as asked."""

    def __init__(self, phone: Phone, call_id: int = pj.PJSUA_INVALID_ID, invite: str = "") -> None:
        super().__init__(phone, call_id)
        self.phone = phone
        self.invite = invite
        self.states: list[int] = []
        self.codes: list[int] = []
        self.media_active = False
        self.player: pj.AudioMediaPlayer | None = None
        self.recorder: pj.AudioMediaRecorder | None = None
        self.record_path: Path | None = None
        self.play_path: Path | None = None

    @property
    def state(self) -> int:
        return self.states[-1] if self.states else -1

    @property
    def disconnected(self) -> bool:
        return pj.PJSIP_INV_STATE_DISCONNECTED in self.states

    @property
    def confirmed(self) -> bool:
        return pj.PJSIP_INV_STATE_CONFIRMED in self.states

    @property
    def last_code(self) -> int:
        return self.codes[-1] if self.codes else 0

    def onCallState(self, prm: pj.OnCallStateParam) -> None:  # noqa: N802 - pjsua2 API
        info = self.getInfo()
        self.states.append(info.state)
        self.codes.append(info.lastStatusCode)
        if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._stop_media()

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:  # noqa: N802 - pjsua2 API
        info = self.getInfo()
        for i, media in enumerate(info.media):
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.media_active = True
                # Connect on every media update: a 183 -> 200 or re-INVITE may replace the stream.
                med = self.getAudioMedia(i)
                if self.play_path and self.player is None:
                    self.player = pj.AudioMediaPlayer()
                    self.player.createPlayer(str(self.play_path), 0)
                if self.player is not None:
                    self.player.startTransmit(med)
                if self.record_path and self.recorder is None:
                    self.recorder = pj.AudioMediaRecorder()
                    self.recorder.createRecorder(str(self.record_path))
                if self.recorder is not None:
                    med.startTransmit(self.recorder)

    def _stop_media(self) -> None:
        self.player = None
        self.recorder = None  # deleting the recorder finalises the WAV header

    def hangup_now(self, code: int = 0) -> None:
        prm = pj.CallOpParam(True)
        if code:
            prm.statusCode = code
        self.hangup(prm)

    def answer_with(self, code: int) -> None:
        prm = pj.CallOpParam(True)
        prm.statusCode = code
        self.answer(prm)

    def recorded_seconds(self) -> float:
        if not self.record_path or not self.record_path.exists():
            return 0.0
        return max(0, self.record_path.stat().st_size - 44) / (2 * audio.RATE)


class Phone(pj.Account):
    """A registered extension. `answer_code` decides what incoming calls get (0: leave ringing)."""

    def __init__(self, host: PhoneHost, number: str) -> None:
        super().__init__()
        self.host = host
        self.number = number
        self.reg_codes: list[int] = []
        self.incoming: list[PhoneCall] = []
        self.calls: list[PhoneCall] = []
        self.answer_code = 200
        self.play_path: Path | None = None
        self.port_range = 20
        self.record_dir: Path | None = None

    def onRegState(self, prm: pj.OnRegStateParam) -> None:  # noqa: N802 - pjsua2 API
        self.reg_codes.append(prm.code)

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:  # noqa: N802 - pjsua2 API
        call = PhoneCall(self, prm.callId, prm.rdata.wholeMsg)
        self._arm(call, f"in{len(self.incoming)}")
        self.incoming.append(call)
        call.answer_with(180)  # a phone rings first; answer_code 0 leaves it ringing
        if self.answer_code:
            call.answer_with(self.answer_code)

    def _arm(self, call: PhoneCall, tag: str) -> None:
        call.play_path = self.play_path
        if self.record_dir:
            call.record_path = self.record_dir / f"{self.number}-{tag}.wav"

    @property
    def registered(self) -> bool:
        return bool(self.reg_codes) and self.reg_codes[-1] == 200

    def call(self, number: str) -> PhoneCall:
        call = PhoneCall(self)
        self._arm(call, f"out{len(self.calls)}")
        prm = pj.CallOpParam(True)
        prm.opt.audioCount = 1
        prm.opt.videoCount = 0
        call.makeCall(f"sip:{number}@{self.host.box}", prm)
        self.calls.append(call)
        return call


class PhoneHost:
    """The test process's pjsua2 endpoint; makes phones and pumps events."""

    def __init__(self, rtp_port: int = 40000) -> None:
        self.ep = pj.Endpoint()
        self.ep.libCreate()
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.uaConfig.maxCalls = 64
        cfg.medConfig.clockRate = 8000
        cfg.medConfig.sndClockRate = 8000
        cfg.medConfig.ecTailLen = 0
        cfg.logConfig.level = 1
        cfg.logConfig.consoleLevel = 1
        self.ep.libInit(cfg)
        self.ep.audDevManager().setNullDev()
        tcfg = pj.TransportConfig()
        tcfg.port = 0
        tcfg.boundAddress = "127.0.0.1"
        self.ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        self.ep.libStart()
        self.rtp_port = rtp_port
        self.box = ""
        self.phones: list[Phone] = []
        self.retired: list[Phone] = []

    def pump(self, ms: int = 10) -> None:
        self.ep.libHandleEvents(ms)

    def wait(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            self.pump(10)

    def phone(self, box: str, number: str, secret: str, register: bool = True, port_range: int = 20) -> Phone:
        """Create a phone for extension `number` at the box's SIP address `host:port`.

        `port_range` RTP ports (two per call) start after the previous phone's."""
        self.box = box
        phone = Phone(self, number)
        phone.port_range = port_range
        acfg = pj.AccountConfig()
        acfg.idUri = f"sip:{number}@{box}"
        acfg.regConfig.registrarUri = f"sip:{box}" if register else ""
        acfg.regConfig.registerOnAdd = register
        acfg.regConfig.timeoutSec = 300
        acfg.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", number, 0, secret))
        acfg.mediaConfig.transportConfig.port = self.rtp_port + sum(p.port_range for p in self.phones)
        acfg.mediaConfig.transportConfig.portRange = port_range
        acfg.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
        phone.create(acfg)
        self.phones.append(phone)
        return phone

    def drop_phones(self) -> None:
        """Hang up every call and remove every account (between tests)."""
        self.ep.hangupAllCalls()
        self.wait(
            lambda: all(c.disconnected for p in self.phones for c in p.calls + p.incoming), 10, "hangup"
        )
        # Unregister and wait for the answer: the next test's phone reuses the same contact, so a
        # late un-REGISTER would remove the new registration.
        pending = []
        for phone in self.phones:
            if phone.registered:
                pending.append((phone, len(phone.reg_codes)))
                phone.setRegistration(False)
        self.wait(lambda: all(len(p.reg_codes) > n for p, n in pending), 10, "un-REGISTER answers")
        for phone in self.phones:
            try:
                phone.shutdown()
            except pj.Error:
                pass
        # Keep the objects: pjsua reuses account ids, and a collected Phone's C++ destructor
        # would delete whichever new account got its old id.
        self.retired.extend(self.phones)
        self.phones.clear()

    def close(self) -> None:
        self.drop_phones()
        self.ep.libDestroy()
