"""pbxctl sim: drive the simulated board through pbx-core's POST /sim/<verb> (lift a handset, ring a line).

Each command is one request; the core answers 4xx with the reason when the board is not a
simulator or the port is wrong, and pbxctl prints that reason in one line.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from telephony.cli import pbxctl
from telephony.control.client import ControlClient

DIGITS_RE = re.compile(r"^[0-9*#A-Da-d]{1,64}$")
NUMBER_RE = re.compile(r"^\+?[0-9]{1,32}$")


def _sim(cli: pbxctl.Cli, verb: str, body: dict[str, Any]) -> Any:
    return unwrap(ControlClient(cli.cfg.control_url).post(f"/sim/{verb}", body))


def unwrap(answer: Any) -> Any:
    """Return the verb's result: pbx-core answers {"ok": true, "result": ...}; a bare value also goes."""
    if isinstance(answer, dict) and "result" in answer:
        return answer["result"]
    return answer


def call_id(answer: Any) -> Any:
    """Return the carrier call id from an e1_call result: {"call": id}, or the id itself."""
    if isinstance(answer, dict):
        return answer.get("call", answer.get("id"))
    return answer if isinstance(answer, int | str) and not isinstance(answer, bool) else None


def _done(cli: pbxctl.Cli, verb: str, target: object) -> int:
    cli.say(cli.t("cli.sim.done", verb=verb, target=target))
    return pbxctl.EXIT_OK


def _digits(text: str) -> str:
    if not DIGITS_RE.match(text):
        raise argparse.ArgumentTypeError(f"must be 1 to 64 of 0-9 * # A-D, not {text!r}")
    return text


def _number(text: str) -> str:
    if not NUMBER_RE.match(text):
        raise argparse.ArgumentTypeError(f"must be digits, optionally starting with +, not {text!r}")
    return text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be a number of seconds from 0 to 3600, not {text!r}")
    return value


def _cause(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 127:
        raise argparse.ArgumentTypeError(f"must be a Q.850 cause from 1 to 127, not {text!r}")
    return value


def cmd_hook(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    _sim(cli, args.verb, {"port": args.port})
    return _done(cli, args.verb, args.port)


def cmd_dial(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    _sim(cli, "dial", {"port": args.port, "digits": args.digits, "pulse": args.pulse})
    return _done(cli, "dial", f"{args.port} {args.digits}")


def cmd_ring(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    _sim(cli, "ring", {"port": args.port, "cid_number": args.cid, "cid_name": args.name})
    return _done(cli, "ring", args.port)


def cmd_e1_call(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    body = {"calling": args.calling, "called": args.called}
    if args.display:
        body["display"] = args.display
    answer = _sim(cli, "e1_call", body)
    call = call_id(answer)
    if call is None:
        raise pbxctl.CommandFailed(cli.t("cli.sim.no_call"))
    cli.say(str(call))
    return pbxctl.EXIT_OK


def cmd_e1_hangup(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    _sim(cli, "e1_hangup", {"call": args.call, "cause": args.cause})
    return _done(cli, "e1 hangup", args.call)


def cmd_e1_call_verb(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    """answer / alert / busy CALL: what the called party does with a call the box placed."""
    _sim(cli, f"e1_{args.e1_verb}", {"call": args.call})
    return _done(cli, f"e1 {args.e1_verb}", args.call)


def cmd_e1_mode(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"mode": args.mode}
    if args.number is not None:
        body["number"] = args.number
    _sim(cli, "e1_answer_mode", body)
    return _done(cli, "e1 mode", f"{args.mode} {args.number or '*'}")


def _display(text: str) -> str:
    if not text.isascii() or not text.isprintable() or len(text) > 80:
        raise argparse.ArgumentTypeError(f"must be up to 80 printable ASCII characters, not {text!r}")
    return text


def cmd_e1_los(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    _sim(cli, "e1_los", {"on": args.state == "on"})
    return _done(cli, "e1 los", args.state)


def cmd_play(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    path = Path(args.file).resolve()
    if not path.is_file():
        raise pbxctl.CommandFailed(cli.t("cli.sim.no_file", path=path))
    _sim(cli, "play", {"port": args.port, "file": str(path)})
    return _done(cli, "play", args.port)


def cmd_record(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    path = Path(args.file).resolve()
    _sim(cli, "record", {"port": args.port, "file": str(path), "seconds": args.seconds})
    return _done(cli, "record", path)


def cmd_events(cli: pbxctl.Cli, args: argparse.Namespace) -> int:
    events = pbxctl._dicts(_sim(cli, "events", {"port": args.port}))
    if args.json:
        pbxctl._print_json(cli, events)
    elif not events:
        cli.say(cli.t("cli.sim.no_events", port=args.port))
    for event in [] if args.json else events:
        rest = " ".join(f"{k}={v}" for k, v in event.items() if k != "event")
        cli.say(f"{event.get('event', '?')} {rest}".rstrip())
    return pbxctl.EXIT_OK


def register(top: Any, command: Any) -> None:
    """Add `sim` and its verbs to the top-level subparsers."""
    sim = command(top, "sim", "drive the simulated board: handsets, PSTN lines, the E1 carrier")
    verbs = sim.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, text in (
        ("offhook", "lift the handset on an FXS port"),
        ("onhook", "hang up the handset on an FXS port"),
        ("flash", "hook-flash on an FXS port"),
    ):
        hook = command(verbs, verb, text)
        hook.add_argument("port", metavar="PORT", help="fxs1, fxs2 ...")
        hook.set_defaults(func=cmd_hook)
    dial = command(verbs, "dial", "dial digits on an FXS handset (DTMF, or pulse)")
    dial.add_argument("port", metavar="PORT")
    dial.add_argument("digits", metavar="DIGITS", type=_digits)
    dial.add_argument("--pulse", action="store_true", help="dial pulses instead of DTMF")
    dial.set_defaults(func=cmd_dial)
    ring = command(verbs, "ring", "ring an FXO line from the PSTN side with a caller ID")
    ring.add_argument("port", metavar="PORT", help="fxo1, fxo2 ...")
    ring.add_argument("--cid", required=True, type=_number, metavar="NUMBER", help="caller ID number")
    ring.add_argument("--name", default="", help="caller ID name")
    ring.set_defaults(func=cmd_ring)

    e1 = command(verbs, "e1", "the simulated E1 carrier")
    e1_sub = e1.add_subparsers(dest="e1_verb", required=True, metavar="ACTION")
    call = command(e1_sub, "call", "place a call from the carrier into the box; prints the call id")
    call.add_argument("--from", dest="calling", required=True, type=_number, metavar="NUMBER")
    call.add_argument("--to", dest="called", required=True, type=_number, metavar="NUMBER")
    call.add_argument("--display", default="", type=_display, metavar="NAME", help="caller name (Display IE)")
    call.set_defaults(func=cmd_e1_call)
    mode = command(e1_sub, "mode", "what the carrier does with calls the box places out")
    mode.add_argument(
        "mode",
        choices=("proceeding", "alert", "answer", "busy"),
        help="proceeding: wait (default); alert: ring until answer/busy/hangup; answer: at once; busy: cause 17",
    )
    mode.add_argument("--number", type=_number, metavar="NUMBER", help="only for calls to this number")
    mode.set_defaults(func=cmd_e1_mode)
    for verb, text in (
        ("alert", "the called party rings: ALERTING on a call the box placed"),
        ("answer", "the called party answers a call (CONNECT)"),
        ("busy", "the called party is busy: DISCONNECT cause 17"),
    ):
        action = command(e1_sub, verb, text)
        action.add_argument("call", metavar="CALL", type=int, help="call id from `sim e1 call` or events")
        action.set_defaults(func=cmd_e1_call_verb)
    hangup = command(e1_sub, "hangup", "clear a carrier call")
    hangup.add_argument("call", metavar="CALL", type=int, help="call id from `sim e1 call` or events")
    hangup.add_argument("--cause", type=_cause, default=16, help="Q.850 cause (default 16, normal)")
    hangup.set_defaults(func=cmd_e1_hangup)
    los = command(e1_sub, "los", "pull (on) or plug back (off) the E1 cable")
    los.add_argument("state", choices=("on", "off"))
    los.set_defaults(func=cmd_e1_los)

    play = command(verbs, "play", "play a WAV file into a port (what the far end says)")
    play.add_argument("port", metavar="PORT")
    play.add_argument("file", metavar="FILE.wav")
    play.set_defaults(func=cmd_play)
    record = command(verbs, "record", "record what comes out of a port into a WAV file")
    record.add_argument("port", metavar="PORT")
    record.add_argument("file", metavar="FILE.wav")
    record.add_argument("--seconds", required=True, type=_seconds, metavar="N")
    record.set_defaults(func=cmd_record)
    events = command(verbs, "events", "what the far end of a port saw: ringing, caller ID, tones, answer")
    events.add_argument("port", metavar="PORT")
    events.add_argument("--json", action="store_true", help="print JSON")
    events.set_defaults(func=cmd_events)
