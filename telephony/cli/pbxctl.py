"""pbxctl: the installer's command line for status, extensions, the configuration document and CDRs.

Exit codes: 0 done; 1 the command failed (one line `pbxctl: <reason>` on stderr); 2 bad usage.
Every message goes through the catalog in telephony.messages (`--lang`, else $PBX_LANG, else en).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import peewee

from telephony import boxconfig
from telephony.boxconfig import BoxConfig
from telephony.configdoc import ConfigDocError, ConfigDocService, describe
from telephony.configdoc.schema import MAX_DOCUMENT_BYTES
from telephony.control.client import ControlClient
from telephony.errors import ConfigError, ControlError, InUse, NotFound, TelephonyError, ValidationError
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.messages import LANGUAGES, render
from telephony.models import CallLeg, Cdr, open_database

log = logging.getLogger("pbxctl")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SUPERVISOR_STATES = {"STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING", "EXITED", "FATAL", "UNKNOWN"}
# Option names the person typed, for ValidationError fields of `extension add`.
FIELD_LABELS = {
    "number": "NUMBER",
    "name": "--name",
    "secret": "--secret",
    "enabled": "--disabled",
    "permission": "--permission",
}


class UsageError(Exception):
    """The command line itself is wrong; reported in one line with exit code 2."""


class CommandFailed(Exception):
    """A failure already rendered for the person; reported in one line with exit code 1."""


class _Parser(argparse.ArgumentParser):
    # argparse prints usage plus a message and exits; pbxctl promises one line and an exit code.
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


class _Control(ControlClient):
    """A ControlClient that remembers a failed reload, which the services log and swallow."""

    failure = ""

    def reload(self, what: str = "all") -> dict[str, Any]:
        try:
            return super().reload(what)
        except ControlError as exc:
            self.failure = str(exc)
            raise


@dataclasses.dataclass
class Cli:
    """What a command needs: the box config, the language, and where to write."""

    cfg: BoxConfig
    lang: str
    out: TextIO
    err: TextIO

    def t(self, key: str, **args: object) -> str:
        return render(key, self.lang, **args)

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        print(f"pbxctl: {self.t('cli.warning')}: {text}", file=self.err)

    def control(self) -> _Control:
        return _Control(self.cfg.control_url)

    def warn_if_not_reloaded(self, control: _Control) -> None:
        if control.failure:
            self.warn(self.t("core.unreachable"))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "") -> None:
        cells = [[self.t(h) for h in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
        widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
        for row in cells:
            padded = [c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)]
            self.say((indent + "  ".join(padded)).rstrip())

    def yes_no(self, value: object) -> str:
        return self.t("cli.yes" if value else "cli.no")


def _width(text: str) -> int:
    """Return the terminal columns of `text`: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value)


def _print_json(cli: Cli, data: object) -> None:
    cli.say(json.dumps(data, ensure_ascii=False, indent=2))


# --- status ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Process:
    """One line of `supervisorctl status`."""

    name: str
    state: str
    uptime: str
    detail: str


def supervisor_processes(conf: Path) -> tuple[list[Process], str]:
    """Run `supervisorctl status`; return the processes and, when it could not tell, the reason."""
    exe = Path(sys.executable).with_name("supervisorctl")
    found = str(exe) if exe.exists() else shutil.which("supervisorctl")
    if found is None:
        return [], "supervisorctl not found"
    try:
        proc = subprocess.run(
            [found, "-c", str(conf), "status"], capture_output=True, text=True, timeout=15, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [], str(exc)
    processes = []
    for line in proc.stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) >= 2 and parts[1] in SUPERVISOR_STATES:
            detail = parts[2].strip() if len(parts) > 2 else ""
            match = re.search(r"uptime (.+)$", detail)
            processes.append(Process(parts[0], parts[1], match.group(1) if match else "", detail))
    if processes:
        return processes, ""
    said = (proc.stdout + proc.stderr).strip().splitlines()
    return [], said[0] if said else f"supervisorctl exited with {proc.returncode}"


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _uptime(seconds: object) -> str:
    try:
        return str(dt.timedelta(seconds=int(float(seconds))))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "?"


def cmd_status(cli: Cli, args: argparse.Namespace) -> int:
    conf = cli.cfg.run_dir / "supervisord.conf"
    processes, problem = supervisor_processes(conf) if conf.exists() else ([], "")
    try:
        core: dict[str, Any] | None = ControlClient(cli.cfg.control_url).status()
        if not isinstance(core, dict):
            core = {}
    except ControlError:
        core = None
    if args.json:
        _print_json(cli, {"processes": [dataclasses.asdict(p) for p in processes], "core": core})
    else:
        _print_status(cli, conf, processes, problem, core)
    if core is None:
        raise CommandFailed(cli.t("cli.status.core_down", url=cli.cfg.control_url))
    return EXIT_OK


def _print_status(
    cli: Cli, conf: Path, processes: list[Process], problem: str, core: dict[str, Any] | None
) -> None:
    cli.say(cli.t("cli.status.processes"))
    if not conf.exists():
        cli.say("  " + cli.t("cli.status.no_supervisor", path=conf))
    elif problem:
        cli.say("  " + cli.t("cli.status.supervisor_error", reason=problem))
    else:
        rows = [(p.name, p.state, p.uptime if p.state == "RUNNING" else p.detail) for p in processes]
        cli.table(("cli.col.process", "cli.col.state", "cli.col.uptime"), rows, indent="  ")
    if core is None:
        return
    calls = _dicts(core.get("calls"))
    regs = _dicts(core.get("registrations"))
    total = core.get("calls_total", "?")
    cli.say(cli.t("cli.status.core", uptime=_uptime(core.get("uptime")), calls=len(calls), total=total))
    if core.get("edge_error"):
        cli.say(cli.t("cli.status.edge_error", reason=core["edge_error"]))
    failed = core.get("board_error")
    if isinstance(failed, dict) and failed.get("error"):
        board, at = failed.get("board", "?"), failed.get("at", "?")
        cli.say(cli.t("cli.status.board_error", board=board, at=at, reason=failed["error"]))
    cli.say(cli.t("cli.status.registrations", count=len(regs)))
    if regs:
        heads = ("cli.col.aor", "cli.col.contact", "cli.col.expires", "cli.col.user_agent")
        cells = [(r.get("aor"), r.get("contact"), r.get("expires"), r.get("user_agent")) for r in regs]
        cli.table(heads, cells, indent="  ")
    cli.say(cli.t("cli.status.calls", count=len(calls)))
    if calls:
        heads = ("cli.col.caller", "cli.col.callee", "cli.col.state", "cli.col.start")
        cli.table(
            heads, [(c.get("caller"), c.get("callee"), c.get("state"), c.get("start")) for c in calls], "  "
        )


# --- extensions ------------------------------------------------------------------------------------


def cmd_extension_add(cli: Cli, args: argparse.Namespace) -> int:
    secret = args.secret
    if secret == "-":  # keeps the secret out of the process list and the shell history
        secret = sys.stdin.readline().rstrip("\r\n")
    control = cli.control()
    data = ExtensionInput(
        number=args.number,
        name=args.name,
        secret=secret,
        enabled=not args.disabled,
        permission=args.permission,
    )
    ext = ExtensionService(control).create(data)
    cli.say(cli.t("cli.extension.added", number=ext.number))
    cli.warn_if_not_reloaded(control)
    return EXIT_OK


def cmd_extension_set(cli: Cli, args: argparse.Namespace) -> int:
    control = cli.control()
    service = ExtensionService(control)
    try:
        ext = service.get(args.number)
    except NotFound:
        raise CommandFailed(cli.t("extension.not_found", number=args.number)) from None
    # Everything not given stays as it is; an empty secret keeps the password.
    data = ExtensionInput(
        number=ext.number, name=ext.name, enabled=bool(ext.enabled), permission=args.permission
    )
    service.update(ext.number, data)
    cli.say(cli.t("cli.extension.saved", number=ext.number))
    cli.warn_if_not_reloaded(control)
    return EXIT_OK


def cmd_extension_list(cli: Cli, args: argparse.Namespace) -> int:
    extensions = ExtensionService().list()
    if args.json:
        _print_json(
            cli,
            [
                {"number": e.number, "name": e.name, "enabled": bool(e.enabled), "permission": e.permission}
                for e in extensions
            ],
        )
    elif not extensions:
        cli.say(cli.t("cli.extension.none"))
    else:
        rows = [(e.number, e.name, cli.yes_no(e.enabled), e.permission) for e in extensions]
        cli.table(("cli.col.number", "cli.col.name", "cli.col.enabled", "cli.col.permission"), rows)
    return EXIT_OK


def cmd_extension_delete(cli: Cli, args: argparse.Namespace) -> int:
    control = cli.control()
    try:
        ExtensionService(control).delete(args.number)
    except NotFound:
        raise CommandFailed(cli.t("extension.not_found", number=args.number)) from None
    # InUse (an inbound route or port uses the number) reaches main(): nothing was deleted.
    cli.say(cli.t("cli.extension.deleted", number=args.number))
    cli.warn_if_not_reloaded(control)
    return EXIT_OK


# --- configuration document ------------------------------------------------------------------------


def cmd_config_export(cli: Cli, args: argparse.Namespace) -> int:
    text = ConfigDocService().export_text()
    if args.file in (None, "-"):
        cli.out.write(text)
        return EXIT_OK
    path = Path(args.file)
    _write_private(path, text)
    cli.say(cli.t("cli.config.exported", path=path))
    return EXIT_OK


def _write_private(path: Path, text: str) -> None:
    """Write the file whole or not at all, readable by its owner only: it holds digest hashes."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def cmd_config_import(cli: Cli, args: argparse.Namespace) -> int:
    if args.file == "-":
        data, source = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1), "<stdin>"
    else:
        with open(args.file, "rb") as f:
            data, source = f.read(MAX_DOCUMENT_BYTES + 1), args.file
    control = None if args.dry_run else cli.control()
    result = ConfigDocService(control).import_bytes(data, source, dry_run=args.dry_run)
    for section, counts in result.counts.items():
        cli.say(cli.t("cli.config.section", section=section, **dataclasses.asdict(counts)))
    if args.dry_run:
        cli.say(cli.t("cli.config.dry_run"))
    for notice in result.notices:
        cli.warn(cli.t(notice.message, **notice.params))
    if result.reload_error:
        cli.warn(cli.t("core.unreachable"))
    return EXIT_OK


# --- CDR -------------------------------------------------------------------------------------------


def cmd_cdr_list(cli: Cli, args: argparse.Namespace) -> int:
    query = Cdr.select().order_by(Cdr.start.desc(), Cdr.id.desc()).limit(args.limit)
    cdrs = peewee.prefetch(query, CallLeg.select().order_by(CallLeg.start, CallLeg.id))
    if args.json:
        _print_json(cli, [_cdr_json(c) for c in cdrs])
    elif not cdrs:
        cli.say(cli.t("cli.cdr.none"))
    else:
        heads = ("cli.col.start", "cli.col.caller", "cli.col.callee", "cli.col.disposition")
        heads += ("cli.col.billsec", "cli.col.duration")
        rows = [
            (
                _iso(c.start),
                f"{c.caller} ({c.caller_name})" if c.caller_name else c.caller,
                c.callee,
                c.disposition,
                c.billsec,
                c.duration,
            )
            for c in cdrs
        ]
        cli.table(heads, rows)
    return EXIT_OK


def _cdr_json(c: Cdr) -> dict[str, Any]:
    legs = [
        {
            "role": leg.role,
            "peer": leg.peer,
            "sip_call_id": leg.sip_call_id,
            "start": _iso(leg.start),
            "answer": _iso(leg.answer),
            "end": _iso(leg.end),
            "status_code": leg.status_code,
        }
        for leg in c.legs
    ]
    return {
        "uniqueid": c.uniqueid,
        "caller": c.caller,
        "caller_name": c.caller_name,
        "callee": c.callee,
        "start": _iso(c.start),
        "answer": _iso(c.answer),
        "end": _iso(c.end),
        "billsec": c.billsec,
        "duration": c.duration,
        "disposition": c.disposition,
        "status_code": c.status_code,
        "hangup_by": c.hangup_by,
        "legs": legs,
    }


# --- command line ----------------------------------------------------------------------------------


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"must be a number from 1 to 100000, not {text!r}")
    return value


IMPORT_HELP = (
    "Apply a configuration document (FILE, or - for stdin) in one transaction: it is validated whole and\n"
    "either applied whole or not at all. The document is the full desired state of every section it\n"
    "contains: extensions, trunk groups, inbound routes, dial rules, skills, pause codes, agents,\n"
    "queues and customers not listed in it are DELETED, ports not listed and keys left out of\n"
    "`settings` or of a queue go back to their defaults. Sections left out of the document are not\n"
    "touched. Each extension needs `secret` (a new password) or `ha1` and `ha1b` (hashes, as\n"
    "exported); each agent `pin` or `pin_hash`. Afterwards pbx-core is asked to reload.\n"
    "Errors name the key path, counting list items from 0: queues[0].members[1].agent.\n"
    "What an item names (a route's destination, a rule's trunk group, a member's agent, a required\n"
    "skill, an overflow target) must be in the document or kept (section left out); removing what a\n"
    "kept section uses is an error.\n\n"
)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser: `pbxctl [--lang L] <command> [<subcommand>] ...`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language of messages")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log details")

    def command(group: Any, name: str, text: str, **kw: Any) -> argparse.ArgumentParser:
        return group.add_parser(
            name, help=text, description=kw.pop("description", text), parents=[common], **kw
        )

    parser = _Parser(prog="pbxctl", description="Manage the PBX box.", parents=[common])
    top = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    status = command(top, "status", "processes, registrations and active calls")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=cmd_status)

    ext = command(top, "extension", "add, change, list and delete extensions")
    ext_sub = ext.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = command(ext_sub, "add", "add an extension and reload pbx-core")
    add.add_argument("number", metavar="NUMBER", help="2 to 8 digits, not starting with 0")
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--secret", required=True, help="SIP password; - reads it from stdin")
    add.add_argument("--disabled", action="store_true", help="create it disabled")
    add.add_argument(
        "--permission",
        default="national",
        metavar="CLASS",
        help="outbound class: internal, local, national (default) or international",
    )
    add.set_defaults(func=cmd_extension_add)
    change = command(ext_sub, "set", "change an extension's outbound permission and reload pbx-core")
    change.add_argument("number", metavar="NUMBER")
    change.add_argument(
        "--permission", required=True, metavar="CLASS", help="internal, local, national or international"
    )
    change.set_defaults(func=cmd_extension_set)
    lst = command(ext_sub, "list", "list extensions")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(func=cmd_extension_list)
    delete = command(
        ext_sub, "delete", "delete an extension and reload pbx-core (refused while a route or port uses it)"
    )
    delete.add_argument("number", metavar="NUMBER")
    delete.set_defaults(func=cmd_extension_delete)

    conf = command(top, "config", "export or import the configuration as one YAML document")
    conf_sub = conf.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = command(conf_sub, "export", "write the configuration document (hashes, never secrets)")
    export.add_argument("file", nargs="?", metavar="FILE", help="file to write (mode 0600); default stdout")
    export.set_defaults(func=cmd_config_export)
    imp = command(
        conf_sub,
        "import",
        "replace the configuration with a document",
        description=IMPORT_HELP + describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("file", metavar="FILE", help="document to import; - reads stdin")
    imp.add_argument("--dry-run", action="store_true", help="validate and count changes, save nothing")
    imp.set_defaults(func=cmd_config_import)

    cdr = command(top, "cdr", "call detail records")
    cdr_sub = cdr.add_subparsers(dest="action", required=True, metavar="ACTION")
    cdr_list = command(cdr_sub, "list", "list calls, newest first")
    cdr_list.add_argument("--limit", type=_limit, default=20, help="how many (default 20)")
    cdr_list.add_argument("--json", action="store_true", help="print JSON")
    cdr_list.set_defaults(func=cmd_cdr_list)

    from telephony.cli import ports, sim  # they import this module for Cli and the exit codes

    ports.register(top, command)
    sim.register(top, command)
    return parser


def _language(args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    if hasattr(args, "lang"):
        return args.lang
    value = environ.get("PBX_LANG", "").strip()
    if not value:
        return "en"
    for lang in LANGUAGES:  # also takes zh_CN, zh-cn.UTF-8, en_US ...
        if value.lower().replace("_", "-").startswith(lang.lower().split("-")[0]):
            return lang
    raise UsageError(render("cli.lang", "en", value=value))


def _validation_text(exc: ValidationError, cli: Cli, number: str) -> str:
    return "; ".join(
        f"{FIELD_LABELS.get(field, field)}: {cli.t(key, number=number)}" for field, key in exc.errors.items()
    )


def _fail(err: TextIO, text: str, code: int = EXIT_FAILED) -> int:
    print(f"pbxctl: {' '.join(text.split())}", file=err)  # one line, whatever the reason contains
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run one pbxctl command; return the exit code."""
    out, err = sys.stdout, sys.stderr
    try:
        args = build_parser().parse_args(argv)
        lang = _language(args, os.environ)
    except UsageError as exc:
        return _fail(err, str(exc), EXIT_USAGE)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.ERROR,
        format="pbxctl: %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("peewee").setLevel(logging.INFO)  # its DEBUG is every SQL statement
    try:
        cfg = boxconfig.load()
    except ConfigError as exc:
        return _fail(err, str(exc))
    cli = Cli(cfg, lang, out, err)
    try:
        db = open_database(cfg.db_path)
        try:
            return args.func(cli, args)
        finally:
            db.close()
    except CommandFailed as exc:
        return _fail(err, str(exc))
    except ConfigDocError as exc:
        return _fail(err, exc.render(lang))
    except InUse as exc:
        return _fail(err, exc.render(lang))
    except ValidationError as exc:
        return _fail(err, _validation_text(exc, cli, getattr(args, "number", "")))
    except TelephonyError as exc:
        return _fail(err, str(exc))
    except BrokenPipeError:
        # The reader (`| head`) went away: stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as exc:
        reason = f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
        return _fail(err, reason)
    except peewee.PeeweeException as exc:
        return _fail(err, cli.t("cli.database", reason=exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one line for the person, the trace with --verbose
        log.debug("unexpected error", exc_info=True)
        return _fail(err, cli.t("cli.internal", reason=repr(exc)))


if __name__ == "__main__":
    sys.exit(main())
