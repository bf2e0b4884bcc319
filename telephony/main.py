"""pbx-core's entry point: open the DB, start the engine and the control API, run the loop."""

from __future__ import annotations

import logging
import signal
import sys

from telephony import boxconfig
from telephony.control.server import ControlServer
from telephony.engine import Engine
from telephony.errors import ConfigError
from telephony.models import open_database

log = logging.getLogger("pbx-core")


def build_control(engine: Engine) -> ControlServer:
    """Wire control routes: engine ones run on the loop, kamailio RPC ones in the HTTP thread."""
    from telephony.edge import KamailioRpc

    kam = KamailioRpc(engine.cfg.kamailio_ctl)

    def reload(_args: dict) -> dict:
        engine.reload()
        return {"ok": True}

    engine.handlers.update({"status": lambda args: engine.status(), "reload": reload})
    server = ControlServer(
        engine.cfg.control_port,
        engine.submit,
        engine_routes={"POST /reload": "reload", "GET /_engine_status": "status"},
        local_routes={
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
    open_database(cfg.db_path)
    engine = Engine(cfg)
    engine.start()
    server = build_control(engine)
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
        engine.stop()
    log.info("pbx-core stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
