"""pbx-core's entry point: open the DB, start the engine and the control API, run the loop."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

from telephony import boxconfig
from telephony.control.server import ControlServer
from telephony.engine import Engine
from telephony.errors import ConfigError
from telephony.lines.control import sim_routes
from telephony.models import open_database

if TYPE_CHECKING:
    from telephony.conference.service import ConferenceService

log = logging.getLogger("pbx-core")


def build_control(engine: Engine) -> ControlServer:
    """Wire control routes: engine ones run on the loop, kamailio RPC ones in the HTTP thread."""
    from telephony.edge import KamailioRpc

    kam = KamailioRpc(engine.cfg.kamailio_ctl)

    def reload(_args: dict) -> dict:
        engine.reload()
        return {"ok": True}

    def ports(_args: dict) -> list:
        return engine.lines.ports() if engine.lines is not None else []

    engine.handlers.update({"status": lambda args: engine.status(), "reload": reload, "ports": ports})
    board = engine.lines.board if engine.lines is not None else None
    queue_routes: dict = {}
    engine_routes = {"POST /reload": "reload", "GET /_engine_status": "status", "GET /ports": "ports"}
    if engine.queues is not None:
        from telephony.callcenter.runtime import control as acd_control

        engine.handlers.update(acd_control.engine_handlers(engine.queues))
        engine_routes.update(acd_control.ENGINE_ROUTES)
        queue_routes = acd_control.local_routes(engine.queues)
    server = ControlServer(
        engine.cfg.control_port,
        engine.submit,
        engine_routes=engine_routes,
        local_routes={
            **queue_routes,
            **sim_routes(board),
            "GET /ports/frames": lambda args: frame_timing(engine),
            "GET /health": lambda args: {"ok": True},
            "GET /bans": lambda args: kam.bans(),
            "POST /bans/lift": lambda args: {"ok": kam.lift_ban(str(args.get("address", "")))},
            "GET /registrations": lambda args: kam.registrations(),
        },
    )

    def full_status(args: dict) -> dict:
        out = server.call("GET /_engine_status", args)
        try:
            out["registrations"] = kam.registrations()
        except Exception as exc:  # status must answer even when kamailio does not
            out["registrations"] = []
            out["edge_error"] = str(exc)
        return out

    server.local_routes["GET /status"] = full_status
    return server


def raise_priority(nice: int = -10) -> None:
    """Run ahead of the web admin and everything else on the box, as voice must (like Asterisk's -p).

    Needs CAP_SYS_NICE: the image runs the box as user `pbx` with it as an ambient capability
    (pbx-box.service); elsewhere (a `make run` as a user) it logs and goes on.
    """
    try:
        os.nice(nice - os.nice(0))
    except OSError as exc:
        log.info("pbx-core keeps its CPU priority (nice %d): %s", os.nice(0), exc)
    else:
        log.info("pbx-core CPU priority: nice %d", os.nice(0))


def frame_timing(engine: Engine) -> dict:
    """Per bridge port: frame-interval histograms and counters (read without the engine loop)."""
    media = dict(engine.lines.media) if engine.lines is not None else {}
    return {name: port.timing() for name, port in media.items()}


def start_queues(engine: Engine) -> None:
    """Start the call center's queues from the database; a bad queue setting must not stop calls."""
    from telephony.callcenter.runtime.records import RecordWriter
    from telephony.callcenter.runtime.service import QueueRuntime
    from telephony.callcenter.runtime.source import from_database

    runtime = QueueRuntime(engine, from_database, RecordWriter())
    try:
        runtime.load()
    except Exception:  # the rest of the box keeps working without queues; the log says why
        log.exception("queues could not be loaded: running without queues")
        runtime.close()
        return
    engine.queues = runtime
    engine.services += [runtime.features, runtime]
    from telephony.callcenter.runtime import webhooks

    try:
        runtime.webhooks = webhooks.start(runtime.cti)  # its own thread; re-read on every reload
    except Exception:  # calls and queues work without webhooks; the log says why
        log.exception("webhooks could not be started: running without them")


def start_ivr(engine: Engine, server: ControlServer) -> None:
    """Serve active IVR flows (after the queues: a queue's number wins); a failure leaves calls up."""
    from telephony.ivr.runtime import IvrRuntime

    try:
        runtime = IvrRuntime(engine)
    except Exception:  # the rest of the box keeps working without IVRs; the log says why
        log.exception("IVR could not be started: running without it")
        return
    from telephony.ivr.daynight import DayNightCode

    engine.services += [runtime, DayNightCode(runtime)]
    if os.environ.get("PBX_TEST_CLOCK") == "1":  # tests fix the time conditions' clock
        engine.handlers["ivr_clock"] = lambda args: runtime.set_clock(args.get("now"))
        server.engine_routes["POST /ivr/clock"] = "ivr_clock"


def start_conference(engine: Engine, server: ControlServer) -> ConferenceService | None:
    """Serve conference rooms and their control routes; a failure leaves calls up."""
    from telephony.conference.service import ENGINE_ROUTES, ConferenceService

    try:
        service = ConferenceService(engine)
    except Exception:  # the rest of the box keeps working without conferences; the log says why
        log.exception("conferences could not be started: running without them")
        return None
    engine.services.append(service)
    engine.handlers.update(service.engine_handlers())
    server.engine_routes.update(ENGINE_ROUTES)
    return service


def start_voicemail(engine: Engine) -> None:
    """Serve `*97` and no-answer/busy forwarding to mailboxes; a failure leaves calls up."""
    from telephony.voicemail.notify import EmailNotifier
    from telephony.voicemail.service import VoicemailService
    from telephony.voicemail.sipmwi import SipMwiSender

    try:
        service = VoicemailService(
            engine, EmailNotifier(engine.cfg.media_dir), SipMwiSender(engine.cfg.kamailio_ctl)
        )
        service.start()
    except Exception:  # the rest of the box keeps working without voicemail; the log says why
        log.exception("voicemail could not be started: running without it")
        return
    engine.voicemail = service  # calls forward unanswered and busy callers through it
    engine.services.insert(0, service)  # `*97` before the call center's `*9` feature codes


def start_everyday(engine: Engine, server: ControlServer) -> list:
    """Serve park (*3, the lot and slots), pickup (*8, **<n>), intercom (*80<n>), paging and *69."""
    from telephony.paging.service import IntercomService, PagingService
    from telephony.park.service import ENGINE_ROUTES, ParkService
    from telephony.pickup.service import PickupService
    from telephony.recent import CallbackService

    try:
        park, pickup = ParkService(engine), PickupService(engine)
    except Exception:  # the rest of the box keeps working without them; the log says why
        log.exception("park and pickup could not be started: running without them")
        return []
    engine.services += [park, pickup, IntercomService(engine), PagingService(engine), CallbackService(engine)]
    engine.handlers["park_slots"] = park.list_slots
    server.engine_routes.update(ENGINE_ROUTES)
    return [park, pickup]  # closed before libDestroy (music players)


def start_features(engine: Engine) -> None:
    """Serve DND, forwards, follow-me, ring groups, caller lists, speed dials, hot-desk; a failure
    leaves calls up."""
    from telephony.features.service import FeatureService

    try:
        FeatureService(engine).start()
    except Exception:  # the rest of the box keeps working without these features; the log says why
        log.exception("routing features could not be started: running without them")


def board_failure(board: str, exc: BaseException) -> dict[str, str]:
    """What the status reports of a board that could not be started: its name, the reason, when (UTC)."""
    from hal.errors import HalError

    reason = str(exc) if isinstance(exc, HalError) and str(exc) else f"{type(exc).__name__}: {exc}"
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {"board": board, "error": reason, "at": at}


def start_lines(engine: Engine) -> None:
    """Open and start the board the box config names; on failure the core runs SIP-only."""
    from hal.builder import open_board
    from telephony.lines.service import LineService

    board = None
    try:
        board = open_board(engine.cfg.board)
        lines = LineService(engine, board)
        lines.start()
    except Exception as exc:  # a broken board file or module must not keep SIP calls down
        log.exception("board %r could not be started: running SIP-only", engine.cfg.board)
        engine.board_error = board_failure(engine.cfg.board, exc)
        if board is not None:
            with contextlib.suppress(Exception):
                board.stop()
        return
    engine.lines = lines
    log.info("board %s: %d ports", engine.cfg.board, len(board.ports))


def main() -> int:
    try:
        cfg = boxconfig.load()
    except ConfigError as exc:
        print(f"pbx-core: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=cfg.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # pjmedia's clock thread and the HAL's line clock each need the GIL for every 20 ms frame; with
    # the default 5 ms switch interval a busy Python thread (a config reload, a burst of SIP
    # events) holds them off for up to 5 ms per callback. 1 ms keeps frames on time (BENCHMARKS.md).
    sys.setswitchinterval(0.001)
    raise_priority()
    open_database(cfg.db_path)
    engine = Engine(cfg)
    engine.start()
    start_lines(engine)
    start_queues(engine)
    start_voicemail(engine)
    server = build_control(engine)
    start_ivr(engine, server)
    conference = start_conference(engine, server)
    from telephony.calls.transfer import install as start_transfers

    transfers = start_transfers(engine)  # REFER, `##`/`*2`, hook-flash, music on SIP hold
    from telephony.lines.callwaiting import install as start_call_waiting

    start_call_waiting(engine)  # a second call to a talking analog phone waits instead of busy
    start_features(engine)
    everyday = start_everyday(engine, server)
    from telephony.recording.service import install as start_recording

    recording = start_recording(engine, server)  # observer of answered calls, `*1`
    server.start()

    def stop(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        engine.running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        engine.run()
    finally:
        server.stop()
        if conference is not None:
            conference.close()  # its music and tone players must go before libDestroy
        transfers.close()  # music-on-hold and prompt players too
        for service in everyday:
            service.close()
        engine.stop()
        if recording is not None:
            recording.close()  # finishes stereo files being interleaved
    log.info("pbx-core stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
