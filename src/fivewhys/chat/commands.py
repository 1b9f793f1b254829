"""The slash commands, one function each, and what free text does.

Every command is ``fn(session, args, io) -> str``: it reads or extends the session and returns the text
to show (plain, so a pipe and a terminal get the same words). ``dispatch`` is the one entry point the
input loop calls; it never raises ``FivewhysError`` (the message becomes the reply).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import EngineError, FivewhysError, InputError
from ..report.model import Report
from ..shell_io import write_atomically
from .session import Progress, Session


@dataclass
class ChatIO:
    """What commands may ask of the terminal."""

    progress: Progress
    confirm: Callable[[str], bool]


@dataclass(frozen=True)
class Reply:
    text: str
    quit: bool = False


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str
    run: Callable[[Session, list[str], ChatIO], str]


# ---------------------------------------------------------------- what the analysis found
def frames(s: Session, args: list[str], io: ChatIO) -> str:
    from ..graph.nodes.extract import innermost_first

    state = s.require_state()
    if not state.frames:
        return "No stack trace was found in the text or the logs."
    lines = [f"{state.facts.exception_type or 'error'}: {state.facts.message or ''}  (innermost frame first)"]
    for n, af in enumerate(innermost_first(state.frames, state.facts.language), 1):
        fr = af.frame
        where = f"{af.repo_path or fr.file or '?'}:{fr.line or '?'}"
        code = f"  — {fr.source_line.strip()}" if fr.source_line else ""
        lines.append(f"  #{n:<2} {'app' if af.in_app else 'lib'}  {where} in {fr.function or '?'}{code}")
    return s.shown("\n".join(lines))


def suspects(s: Session, args: list[str], io: ChatIO) -> str:
    report, state = s.report_or_raise(), s.require_state()
    lines = ["Where a fix may go:"] + [f"  {x.score:.2f}  {x.file}:{x.line or '?'} {x.function or ''} — {x.reason}"
                                       for x in report.suspects] or ["  (none ranked)"]
    if state.facts.suspects:
        lines.append("Commits that may have caused it:")
        lines += [f"  {c.score:.2f}  {c.commit.sha[:10]} {c.commit.date[:10]} {c.commit.author}: {c.commit.subject}"
                  f"{f'  [{c.evidence_id}]' if c.evidence_id else ''}" for c in state.facts.suspects[:5]]
    return s.shown("\n".join(lines))


def hypotheses(s: Session, args: list[str], io: ChatIO) -> str:
    report = s.report_or_raise()
    if not report.hypotheses:
        return "No hypotheses were recorded."
    return "\n".join(f"{h.id}  {h.status:<9} {h.confidence:.2f}  {h.statement}"
                     + (f"  [{', '.join(h.evidence)}]" if h.evidence else "") for h in report.hypotheses)


def why(s: Session, args: list[str], io: ChatIO) -> str:
    """One level deeper in the five-whys chain; past its end, Claude (when on) is asked to go further."""
    chain = s.report_or_raise().root_cause.five_whys
    if s.why_shown < len(chain):
        s.why_shown += 1
        s.save()
        return f"Why {s.why_shown} of {len(chain)}: {chain[s.why_shown - 1]}"
    if s.claude is not None:
        last = chain[-1] if chain else s.report_or_raise().root_cause.statement
        return ask(s, f"Go one level deeper than this last 'why', citing evidence ids: {last}", io)
    return "That is the end of the chain. " + _root_cause_lines(s.report_or_raise())


def evidence(s: Session, args: list[str], io: ChatIO) -> str:
    state = s.require_state()
    if not args:
        return s.shown("\n".join(f"{e.id:<4} {e.kind:<11} {e.source}  {e.note}" for e in state.evidence)
                       or "No evidence yet.")
    wanted = args[0].upper() if args[0].upper().startswith("E") else f"E{args[0]}"
    item = next((e for e in state.evidence if e.id == wanted), None)
    if item is None:
        raise InputError(f"no evidence {wanted} (there are E1..E{len(state.evidence)})")
    return s.shown(f"{item.id} · {item.kind} · {item.source}\n{item.note}\n\n{item.excerpt}".replace("\n\n\n", "\n\n"))


# ---------------------------------------------------------------- tools
def logs(s: Session, args: list[str], io: ChatIO) -> str:
    opts, rest = _options(args, {"--since", "--until", "--level"})
    if not rest:
        raise InputError("usage: /logs PATTERN [--since TIME] [--until TIME] [--level ERROR]")
    call: dict[str, object] = {"pattern": " ".join(rest), "max_matches": 10}
    for name in ("since", "until"):
        if f"--{name}" in opts:
            call[name] = _when(s, opts[f"--{name}"], f"--{name}").isoformat()
    if "--level" in opts:
        call["min_level"] = opts["--level"].upper()
    return _tool(s, "search_logs", call)


def timeline(s: Session, args: list[str], io: ChatIO) -> str:
    """The records that mention an id (correlation/trace/request) in time order; without one, the
    warnings and errors around the onset."""
    from datetime import timedelta

    from ..evidence import logs as logmod

    state = s.require_state()
    paths = state.incident.log_paths
    if not paths:
        raise InputError("no log files were given for this incident")
    ident = args[0] if args else (state.incident.identifiers[0] if state.incident.identifiers else None)
    if ident:
        records, what = logmod.timeline(paths, min_level=None, identifiers=[ident], limit=40), f"mentioning {ident}"
    else:
        onset = state.facts.onset
        since = onset - timedelta(minutes=10) if onset else None
        records, what = logmod.timeline(paths, since=since, min_level="WARN", limit=25), "WARN+ from 10 min before onset"
    if not records:
        return f"No records {what}."
    _env, book = s.tool_env()
    lines = [f"{len(records)} records {what}:"]
    if not ident and state.facts.deploy_id:
        lines.insert(0, f"deploy before the onset: [{state.facts.deploy_id}] {state.facts.deploy_at} "
                        f"{state.facts.deploy_text}")
    for r in records:
        eid = book.add("log", r.source, r.raw, note=f"timeline {what}")
        source = next(e.source for e in book.items if e.id == eid)  # the book cites it relative to the cwd
        lines.append(f"  [{eid}] {r.timestamp.isoformat() if r.timestamp else '?':<25} {r.level or '-':<5} "
                     f"{r.message[:160]}  ({source})")
    s.keep_evidence(book)
    return s.shown("\n".join(lines))


def blame(s: Session, args: list[str], io: ChatIO) -> str:
    spec = args[0] if args else _root_cause_place(s)
    path, _, lines = spec.rpartition(":")
    try:
        start, _, end = lines.partition("-")
        first, last = int(start), int(end or start)
    except ValueError:
        raise InputError("usage: /blame FILE:LINE (or FILE:START-END)") from None
    if not end:
        first, last = max(1, first - 2), last + 2
    return _tool(s, "git_blame", {"path": path, "start": first, "end": last})


def commit(s: Session, args: list[str], io: ChatIO) -> str:
    sha = args[0] if args else None
    if sha is None:
        rc = s.report_or_raise().root_cause.commit
        if rc is None:
            raise InputError("usage: /commit SHA (the report names no commit)")
        sha = rc.sha
    return _tool(s, "git_show", {"sha": sha, "max_lines": 80})


def _tool(s: Session, name: str, arguments: dict[str, object]) -> str:
    out = s.tool(name, arguments)
    text = f"$ {out.invocation}\n{out.output}"
    return s.shown(text if out.status == "ok" else f"{text}\n(the tool reported an error)")


# ---------------------------------------------------------------- the session itself
def report(s: Session, args: list[str], io: ChatIO) -> str:
    fmt = "markdown"
    if args and args[0].lower() in ("markdown", "md", "json"):
        fmt, args = args[0].lower(), args[1:]
    target = args[0] if args else None
    text = render(s.report_or_raise(), fmt)
    if target is None:
        return text.rstrip()
    path = Path(target).expanduser()
    path = path if path.is_absolute() else Path(s.inputs.cwd) / path
    write_atomically(path, text)
    return f"wrote {path} ({'json' if fmt == 'json' else 'markdown'}, {len(text.encode())} bytes"\
           f"{', redacted' if s.redact else ', NOT redacted'})"


def render(report_: Report, fmt: str) -> str:
    from ..report.markdown import render_markdown

    return report_.model_dump_json(indent=2) + "\n" if fmt == "json" else render_markdown(report_)


def redact(s: Session, args: list[str], io: ChatIO) -> str:
    if not args or args[0] not in ("on", "off"):
        return f"redaction is {'on' if s.redact else 'off'} (/redact on|off)"
    if args[0] == "off" and s.redact:
        if not io.confirm("Show secrets and personal data unredacted here and in /report files? [y/N] "):
            return "redaction stays on"
    s.redact = args[0] == "on"
    s.save()
    return (f"redaction {'on' if s.redact else 'off'}: "
            f"{'secrets are masked' if s.redact else 'secrets are shown'} in this terminal and in /report files; "
            "what is sent to Claude is always redacted")


def cost(s: Session, args: list[str], io: ChatIO) -> str:
    if s.claude is None:
        note = f" (fallback: {s.fallback})" if s.fallback else ""
        return f"engine offline: no API calls, $0.00{note}"
    u, model = s.claude.usage, s.settings.model
    now = u.cost_usd(model)
    lines = [f"engine claude ({model}): {u.calls} calls, {u.input_tokens} input + {u.cache_write_tokens} cache-write + "
             f"{u.cache_read_tokens} cache-read input tokens, {u.output_tokens} output tokens, ${now:.4f}"]
    if s.cost_before:
        lines.append(f"earlier analyses in this session: ${s.cost_before:.4f}; total ${s.cost_before + now:.4f}")
    if s.fallback:
        lines.append(f"fallback: {s.fallback}")
    return "\n".join(lines)


def rerun(s: Session, args: list[str], io: ChatIO) -> str:
    if s.interrupted and s.state is not None and s.state.report is None:
        return "continued the interrupted analysis\n" + headline(s.finish_interrupted(io.progress))
    return headline(s.analyze(io.progress))


def help_(s: Session, args: list[str], io: ChatIO) -> str:
    width = max(len(c.usage) for c in COMMANDS.values())
    rows = [f"  {c.usage:<{width}}  {c.help}" for c in COMMANDS.values()]
    free = ("Claude answers it and may use every tool" if s.claude is not None else
            "offline, it is matched to the nearest command, or else taken as new evidence and the analysis re-runs")
    return "\n".join(["Commands:", *rows, f"Anything else is a question: {free}.",
                      "Ctrl-C cancels the running step; Ctrl-D or /quit leaves (the session is saved)."])


def quit_(s: Session, args: list[str], io: ChatIO) -> str:
    return f"session {s.id} saved; fivewhys chat --resume {s.id} continues it"


COMMANDS: dict[str, Command] = {c.name: c for c in [
    Command("frames", "/frames", "the failing stack trace, innermost frame first", frames),
    Command("logs", "/logs PATTERN [--since T]", "search the incident's logs (--until T, --level L too)", logs),
    Command("timeline", "/timeline [ID]", "log records for a request/trace id in time order", timeline),
    Command("blame", "/blame FILE:LINE", "who last changed those lines (default: the root-cause line)", blame),
    Command("commit", "/commit [SHA]", "a commit's message and diff (default: the one that introduced it)", commit),
    Command("suspects", "/suspects", "ranked places a fix may go, and suspect commits", suspects),
    Command("hypotheses", "/hypotheses", "every hypothesis and where the investigation left it", hypotheses),
    Command("why", "/why", "one level deeper in the five-whys chain", why),
    Command("evidence", "/evidence [N]", "evidence item N in full (no N: the list)", evidence),
    Command("report", "/report [markdown|json] [FILE]", "the full report, printed or written to FILE", report),
    Command("redact", "/redact on|off", "mask secrets in what is shown and written (off asks first)", redact),
    Command("cost", "/cost", "tokens and dollars spent by the claude engine", cost),
    Command("rerun", "/rerun", "run the analysis again (or finish an interrupted one)", rerun),
    Command("help", "/help", "this list", help_),
    Command("quit", "/quit", "leave (Ctrl-D too); the session is kept", quit_),
]}


# ---------------------------------------------------------------- dispatch
def dispatch(s: Session, line: str, io: ChatIO) -> Reply:
    """Run one input line: a slash command or free text."""
    line = line.strip()
    if not line:
        return Reply("")
    try:
        if line.startswith("/"):
            return _slash(s, line, io)
        return Reply(free_text(s, line, io))
    except FivewhysError as exc:
        return Reply(f"error: {exc}")


def _slash(s: Session, line: str, io: ChatIO) -> Reply:
    try:
        words = shlex.split(line[1:])
    except ValueError as exc:
        raise InputError(f"cannot read that line: {exc}") from None
    name = words[0].lower() if words else ""
    command = COMMANDS.get(name)
    if command is None:
        import difflib

        close = difflib.get_close_matches(name, COMMANDS, n=1)
        hint = f"; did you mean /{close[0]}?" if close else ""
        return Reply(f"unknown command /{name}{hint} (/help lists them)")
    return Reply(command.run(s, words[1:], io), quit=name == "quit")


def free_text(s: Session, text: str, io: ChatIO) -> str:
    """Claude answers; offline, the nearest command runs, or the text becomes new evidence."""
    from .intent import looks_like_evidence, nearest_command

    prefix = ""
    if s.claude is not None:
        try:
            return ask(s, text, io, raise_engine=True)
        except EngineError as exc:
            prefix = f"(the claude engine could not answer: {exc}; answering offline)\n"
    match = None if looks_like_evidence(text) else nearest_command(text)
    if match is not None:
        name, args = match
        shown = " ".join([f"/{name}", *(shlex.quote(a) for a in args)])
        return prefix + f"(offline: read as {shown})\n" + COMMANDS[name].run(s, args, io)
    before = s.report
    after = _rerun_with(s, text, io)
    return prefix + "(offline: no command matches, so this is new evidence; re-ran the analysis with it)\n" \
        + _changes(before, after) + "\n" + headline(after)


def _rerun_with(s: Session, text: str, io: ChatIO) -> Report:
    s.text = f"{s.text}\n{text}" if s.text else text
    return s.analyze(io.progress)


def ask(s: Session, question: str, io: ChatIO, raise_engine: bool = False) -> str:
    try:
        return s.shown(s.ask_claude(question, io.progress))
    except EngineError as exc:
        if raise_engine:
            raise
        return f"the claude engine could not answer: {exc}"


# ---------------------------------------------------------------- what the session prints
def headline(r: Report) -> str:
    """The report's headline and root cause: what the chat shows after each analysis."""
    c = r.classification
    status = "INCONCLUSIVE" if r.inconclusive else f"confidence {r.root_cause.confidence:.0%}"
    lines = [r.title, f"{c.severity} · {c.type} · {c.observability} · {status} · engine {r.engine.name}"]
    if r.engine.fallback_reason:
        lines.append(f"note: {r.engine.fallback_reason}")
    lines.append(_root_cause_lines(r))
    lines.append(f"{len(r.evidence)} evidence items, {len(r.hypotheses)} hypotheses. "
                 "/why walks the five whys, /help lists the commands.")
    return "\n".join(lines)


def _root_cause_lines(r: Report) -> str:
    rc = r.root_cause
    lines = [f"Root cause: {rc.statement}" + (f" [{', '.join(rc.evidence)}]" if rc.evidence else "")]
    if rc.location:
        lines.append(f"Fix goes in: {rc.location.file}:{rc.location.line or '?'}"
                     + (f" ({rc.location.function})" if rc.location.function else ""))
    if rc.surfaced_at:
        lines.append(f"Surfaced at: {rc.surfaced_at.file}:{rc.surfaced_at.line or '?'}")
    if rc.commit:
        lines.append(f"Introduced by: {rc.commit.sha[:10]} {rc.commit.subject} ({rc.commit.author}, {rc.commit.date[:10]})")
    return "\n".join(lines)


def _changes(before: Report | None, after: Report) -> str:
    if before is None:
        return "First report:"
    if before.root_cause.statement == after.root_cause.statement:
        return f"Root cause unchanged; evidence {len(before.evidence)} → {len(after.evidence)} items."
    return f"Root cause changed (was: {before.root_cause.statement})"


def _root_cause_place(s: Session) -> str:
    loc = s.report_or_raise().root_cause.location
    if loc is None or loc.line is None:
        raise InputError("usage: /blame FILE:LINE (the report names no line)")
    return f"{loc.file}:{loc.line}"


def _options(args: list[str], names: set[str]) -> tuple[dict[str, str], list[str]]:
    opts: dict[str, str] = {}
    rest: list[str] = []
    it = iter(args)
    for word in it:
        key, eq, value = word.partition("=")
        if key in names:
            value = value if eq else next(it, "")
            if not value:
                raise InputError(f"{key} needs a value")
            opts[key] = value
        else:
            rest.append(word)
    return opts, rest


def _when(s: Session, value: str, flag: str) -> datetime:
    """ISO time, or HH:MM dated from the incident's own logs (as --since does for analyze)."""
    from ..intake import parse_when
    from ..evidence import logs as logmod

    when = parse_when(value, flag)
    if isinstance(when, datetime):
        return when
    resolved = logmod.resolve_time_of_day(when, s.require_state().incident.log_paths)
    if resolved is None:
        raise InputError(f"{flag} {value}: the logs have no timestamps to date it from")
    return resolved


