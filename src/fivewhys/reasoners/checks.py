"""The offline engine's checks: each one tests a hypothesis against the repo, the logs or the facts.

A check returns a ``CheckOutcome`` (a confidence change, the evidence it cited, values for the report
text, and possibly a better location or culprit commit); it never raises for missing inputs — no repo
or no logs simply means "nothing learned".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..evidence import logs
from ..evidence.git import Commit, Git
from ..evidence.logs.model import LogQuery
from ..evidence.source import RepoIndex, definition_regex, enclosing_function, function_span, snippet
from ..graph.nodes.gather import aware
from ..graph.state import AnalysisState, EvidenceBook, HypothesisState, RunContext
from ..report.model import CommitRef, Location
from .patterns import Check, fill


@dataclass
class CheckOutcome:
    delta: float = 0.0
    evidence: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    location: Location | None = None
    commit: CommitRef | None = None


@dataclass
class CheckEnv:
    state: AnalysisState
    ctx: RunContext
    book: EvidenceBook
    hyp: HypothesisState

    @property
    def git(self) -> Git | None:
        return self.ctx.git

    @property
    def index(self) -> RepoIndex | None:
        idx: RepoIndex | None = self.ctx.extra.get("repo_index")
        return idx


def run_check(check: Check, env: CheckEnv) -> CheckOutcome:
    """Dispatch a check by name."""
    return _CHECKS[check.name](check, env)


_ASSIGN = re.compile(r"\b([A-Za-z_]\w*)\s*(?::[^=]+)?=\s*(?:await\s+|new\s+)?(?:[\w.]+\.)?([A-Za-z_]\w*)\s*\(")
_CALL_ON = re.compile(r"\b([A-Za-z_]\w*)\s*\([^()]*\)\s*(?:\.|\[|\?\.)")
_RETURNS_NULL = re.compile(r"\breturn\s+(None|null|nil|undefined)\b|\breturn\s*;")


def value_origin(check: Check, env: CheckEnv) -> CheckOutcome:
    """Follow the bad value back to where it was made, and that place's history.

    Candidates: the functions whose results the failing line uses and, when the value came in as a
    parameter, the caller that passed it (and what the caller called to get it). Among them, the one
    changed most recently before the onset is where the fix likely goes.
    """
    crash, index, git = env.state.facts.crash_location, env.index, env.git
    if crash is None or index is None or git is None or crash.line is None:
        return CheckOutcome()
    lines = index.read_lines(crash.file)
    if not lines or crash.line > len(lines):
        return CheckOutcome()
    onset = aware(env.state.facts.onset)
    chosen = _choose_origin(env, git, index, lines, crash.line, onset)
    if chosen is None:
        return CheckOutcome()
    name, path, def_line, body = chosen
    out = CheckOutcome(values={"origin_function": name, "origin_file": path})
    _locate_in(env, index, out, name, path, def_line, body)
    commit = _recent_change(git, path, name, env)
    if commit is not None:
        out.commit, eid, added = commit
        out.evidence.append(eid)
        out.values.update(commit=out.commit.sha[:10], commit_subject=out.commit.subject)
        if added:
            out.values["change"] = added
        out.delta += 0.15
    return out


Candidate = tuple[str, str, int, list[str]]
"""(function, path, definition line, body lines)"""


RECENT = timedelta(days=30)


def _choose_origin(env: CheckEnv, git: Git, index: RepoIndex, lines: list[str], line: int,
                   onset: datetime | None) -> Candidate | None:
    """The producer the failing line calls, when it changed recently; otherwise, if the value came in as
    a parameter, whichever of the caller and what it called changed last before the onset."""
    language, crash = env.state.facts.language, env.state.facts.crash_location
    producer: Candidate | None = None
    for callee in _producers(lines, line):
        found = _find_definition(git, index, callee, language)
        if found is not None and callee != (crash.function if crash else None):
            producer = (callee, *found)
            break
    if producer is not None and _changed_recently(git, producer, onset):
        return producer
    exclude = {producer[0] if producer else "", (crash.function or "") if crash else ""}
    groups: list[Callable[[], list[Candidate]]] = [
        lambda: _field_assigners(env, git, index, lines[line - 1], exclude),
        lambda: _caller_candidates(env, git, index, exclude) if _uses_parameter(lines, line, language) else [],
    ]
    for group in groups:
        recent = [(c, _last_change(git, c[1], c[0], onset)) for c in group()]
        dated = [(c, when) for c, when in recent if when is not None and _within(when.date, onset)]
        if dated:
            return max(dated, key=lambda r: r[1].date)[0]
    return producer


_MISSING_MEMBER = re.compile(r"undefined method [`'](\w+[?!]?)'|has no attribute '(\w+)'|reading '(\w+)'"
                             r"|Cannot read propert(?:y|ies) '(\w+)'|call(?:ing)? (?:member function |method )?(\w+)\(\) on null")


def _missing_fields(text: str, message: str) -> list[str]:
    """Fields on the failing line that the error says are missing: one indexed there (``r.nodes[id]``:
    the map is nil), or the one whose member the error could not reach (``tracking.eta.strftime``
    with "undefined method `strftime' for nil": ``eta`` is the nil one)."""
    fields = re.findall(r"\b\w+\.(\w+)\s*\[", text)
    m = _MISSING_MEMBER.search(message)
    member = next((g for g in m.groups() if g), None) if m else None
    if member:
        fields += re.findall(rf"\.(\w+)\s*(?:&|\?)?\.{re.escape(member)}\b", text)
    return list(dict.fromkeys(fields))


def _field_assigners(env: CheckEnv, git: Git, index: RepoIndex, text: str, exclude: set[str]) -> list[Candidate]:
    """A missing field is only as good as the code that sets it: the functions that assign it
    (``eta = ...``, ``eta: ...``, ``"eta" => ...``)."""
    out: list[Candidate] = []
    for field_name in _missing_fields(text, env.state.facts.message or ""):
        name = re.escape(field_name)
        assign = rf"(?<![.\w]){name}\s*(?::(?![:=])|=(?![=>]))|[\"']{name}[\"']\s*(?:=>|:)|:{name}\s*=>"
        for path, hit, _ in git.grep(assign, max_hits=10):
            lines = index.read_lines(path)
            found = enclosing_function(lines, hit, env.state.facts.language) if lines else None
            if lines and found and found[0] not in exclude and all(c[0] != found[0] for c in out):
                start, end = function_span(lines, found[1])
                out.append((found[0], path, start, lines[start - 1: end]))
    return out[:5]


def _changed_recently(git: Git, cand: Candidate, onset: datetime | None) -> bool:
    last = _last_change(git, cand[1], cand[0], onset)
    return last is not None and _within(last.date, onset)


def _within(when: datetime, onset: datetime | None) -> bool:
    return onset is None or timedelta(0) <= onset - when <= RECENT


def _uses_parameter(lines: list[str], line: int, language: str | None) -> bool:
    """Does the failing line use one of its function's parameters (a value the caller passed in)?"""
    found = enclosing_function(lines, line, language)
    if found is None:
        return False
    header = " ".join(lines[found[1] - 1: min(len(lines), found[1] + 3)])
    params = header[header.find("(") + 1: header.find(")")] if "(" in header else ""
    names = set(re.findall(r"[A-Za-z_$][\w$]*", params)) - {"self", "this", "cls", "const", "let", "var"}
    used = set(re.findall(r"[A-Za-z_$][\w$]*", lines[line - 1]))
    return bool(names & used)


def _caller_candidates(env: CheckEnv, git: Git, index: RepoIndex, exclude: set[str]) -> list[Candidate]:
    """The caller frame's function, and what the caller called to get the value it passed."""
    from ..graph.nodes.extract import innermost_first

    app = [a for a in innermost_first(env.state.frames, env.state.facts.language) if a.repo_path and a.frame.line]
    if len(app) < 2:
        return []
    caller = app[1]
    lines = index.read_lines(caller.repo_path or "")
    if not lines or (caller.frame.line or 0) > len(lines):
        return []
    out: list[Candidate] = []
    enclosing = enclosing_function(lines, caller.frame.line or 1, env.state.facts.language)
    if enclosing is not None and enclosing[0] not in exclude:
        start, end = function_span(lines, enclosing[1])
        out.append((enclosing[0], caller.repo_path or "", start, lines[start - 1: end]))
    for callee in _producers(lines, caller.frame.line or 1):
        if callee in exclude or any(c[0] == callee for c in out):
            continue
        found = _find_definition(git, index, callee, env.state.facts.language)
        if found is not None:
            out.append((callee, *found))
            break
    return out


def _last_change(git: Git, path: str, function: str, onset: datetime | None) -> Commit | None:
    """The function's latest change before the onset that is not its creation."""
    history = git.log_function(path, function, max_count=5)
    for commit in history:
        if (onset is None or commit.date <= onset) and not (len(commit.parents) == 0 and len(history) > 1):
            return commit
    return None


def _locate_in(env: CheckEnv, index: RepoIndex, out: CheckOutcome, name: str, path: str, def_line: int,
               body: list[str]) -> None:
    """Point at the line that returns the missing value, else at the function producing it."""
    null_at = next((i for i, text in enumerate(body) if _RETURNS_NULL.search(text)), None)
    if null_at is not None:
        ret_line = def_line + null_at
        snip = snippet(index, path, ret_line, before=null_at, after=1)
        out.evidence.append(env.book.add("source", f"{path}:{ret_line}", snip.text(mark=ret_line) if snip else
                                         body[null_at], note=f"{name} can return a missing value here"))
        out.location = Location(file=path, line=ret_line, function=name)
        out.delta += 0.2
        return
    snip = snippet(index, path, def_line, before=0, after=min(len(body) - 1, 12))
    out.evidence.append(env.book.add("source", f"{path}:{def_line}", snip.text(mark=def_line) if snip else
                                     body[0], note=f"{name} produces the value the failing line uses"))
    out.location = Location(file=path, line=def_line, function=name)
    out.delta += 0.1


_NOT_PRODUCERS = {"if", "for", "while", "switch", "return", "print", "len", "str", "int", "float", "list", "dict",
                  "set", "tuple", "bool", "assert", "assertEqual", "assertEquals", "expect", "isinstance", "range"}
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def _producers(lines: list[str], crash_line: int) -> list[str]:
    """Functions whose results the crash line uses, likeliest first: one whose result is dereferenced
    on the line, one assigned to a name the line uses, then any other call on the line."""
    text = lines[crash_line - 1]
    found = [m.group(1) for m in _CALL_ON.finditer(text)]
    names = set(re.findall(r"[A-Za-z_]\w*", text))
    for n in range(crash_line - 1, max(0, crash_line - 40), -1):
        found += [m.group(2) for m in _ASSIGN.finditer(lines[n - 1]) if m.group(1) in names]
        if re.match(r"\s*(?:async\s+)?(?:def|func|function)\b", lines[n - 1]):
            break
    found += [m.group(1) for m in _CALL.finditer(text)]
    return [f for f in dict.fromkeys(found) if f not in _NOT_PRODUCERS]


def _find_definition(git: Git, index: RepoIndex, name: str, language: str | None) -> tuple[str, int, list[str]] | None:
    for path, line, _text in git.grep(definition_regex(name, language), max_hits=5):
        lines = index.read_lines(path)
        if lines:
            start, end = function_span(lines, line)
            return path, start, lines[start - 1 : end]
    return None


def _recent_change(git: Git, path: str, function: str, env: CheckEnv) -> tuple[CommitRef, str, str] | None:
    history = git.log_function(path, function, max_count=10) or git.log([path], max_count=10)
    onset = aware(env.state.facts.onset)
    for commit in history:
        if onset is not None and commit.date > onset:
            continue
        if len(commit.parents) == 0 and len(history) > 1:
            continue  # the function's creation is not the change that broke it
        ref = CommitRef(sha=commit.sha, subject=commit.subject, author=commit.author, date=commit.date.isoformat())
        diff = git.show(commit.sha, [path], max_lines=60)
        eid = env.book.add("commit", f"commit:{commit.sha}", diff.output or commit.subject,
                           note=f"last change to {function} before the onset")
        return ref, eid, _added_line(diff.output)
    return None


def _added_line(diff: str) -> str:
    """The most telling line a diff added: a condition or a return, else the first non-trivial one."""
    added = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    added = [a for a in added if len(a) > 6 and not a.startswith(("#", "//", '"""', "*", "/*"))]
    nulls = [a for a in added if _RETURNS_NULL.search(a)]
    telling = [a for a in added if re.match(r"(if|elif|else if|return|unless|when|case)\b", a)]
    line = (nulls or telling or added or [""])[0]
    return line[:160]


def crash_path_history(check: Check, env: CheckEnv) -> CheckOutcome:
    """The strongest suspect commit on the crash path (gathered by git blame and log)."""
    suspects = [s for s in env.state.facts.suspects if s.score >= 0.4 and s.evidence_id]
    if not suspects:
        return CheckOutcome()
    top = suspects[0]
    return CheckOutcome(delta=0.1, evidence=[top.evidence_id or ""], commit=top.commit,
                        values={"commit": top.commit.sha[:10], "commit_subject": top.commit.subject})


def log_search(check: Check, env: CheckEnv) -> CheckOutcome:
    """Search the logs for the regex that would confirm the hypothesis."""
    paths = env.state.incident.log_paths
    if not paths or not check.pattern:
        return CheckOutcome()
    pattern = fill(check.pattern, {k: re.escape(v) for k, v in env.hyp.values.items()})
    try:
        re.compile(pattern)
    except re.error:
        return CheckOutcome()
    inc = env.state.incident
    since = aware(env.state.facts.onset)
    since = since - timedelta(minutes=30) if since else inc.since
    result = logs.search(paths, LogQuery(pattern=pattern, regex=True, ignore_case=True, since=since,
                                         until=inc.until, max_matches=3))
    if not result.matches:
        return CheckOutcome(delta=-0.05)
    rec = result.matches[0].record
    note = check.why or f"{result.total_matches} log records match /{pattern}/"
    eid = env.book.add("log", rec.source, rec.raw, note=f"{note} ({result.total_matches} matches)")
    return _follow_trace(env, rec.raw, CheckOutcome(delta=0.2, evidence=[eid]))


def _follow_trace(env: CheckEnv, text: str, out: CheckOutcome) -> CheckOutcome:
    """When the confirming record carries its own stack trace (a leak detector's "taken here", the first
    error of a cascade), its innermost application frame is where to look — not the crash frame."""
    from ..evidence import stacktrace

    index, git = env.index, env.git
    exc = stacktrace.extract(text).root_exception() if index is not None else None
    if exc is None or index is None:
        return out
    frames = exc.frames if exc.language != "python" else list(reversed(exc.frames))
    for fr in frames:
        path = index.map_path(fr.file, fr.function)
        if path is None or fr.line is None:
            continue
        function = (fr.function or "").replace("(*", "").replace(")", "").split(".")[-1] or None
        crash = env.state.facts.crash_location
        if crash is not None and (crash.file, crash.line) == (path, fr.line):
            return out  # the same place the failure surfaced: nothing new
        out.location = Location(file=path, line=fr.line, function=function)
        out.values.update(origin_function=function or "", origin_file=path)
        change = _recent_change(git, path, function, env) if git is not None and function else None
        if change is not None:
            out.commit, cited, added = change
            out.evidence.append(cited)
            out.values.update(commit=out.commit.sha[:10], commit_subject=out.commit.subject)
            if added:
                out.values["change"] = added
        return out
    return out


CONFIG_FILES = ["*.json", "*.yaml", "*.yml", "*.toml", "*.ini", "*.cfg", "*.conf", "*.env", ".env*", "*.properties",
                "*.config", "*.xml", "*.tf", "*.tfvars", "Dockerfile", "*.dockerfile"]
_LITERAL = re.compile(r"[\"']([A-Za-z_][\w.:-]{2,60})[\"']|process\.env\.([A-Za-z_]\w*)|\bENV\.fetch\(:(\w+)")


def config_history(check: Check, env: CheckEnv) -> CheckOutcome:
    """Where the config key is read, and the commit that last added or removed it.

    With no key in the error message, the keys are the string literals the code reads around the
    crash line (``GetConnectionString("Orders")``, ``os.environ["DSN"]``) that a config file names or
    once named: a rename in config breaks code that did not change.
    """
    key = fill(check.key or "", env.hyp.values) if check.key else ""
    git, index = env.git, env.index
    if git is None or index is None:
        return CheckOutcome()
    if key.startswith("any:"):
        return _known_settings(env, git, index, key[4:].split("|"))
    near = _config_near_crash(env, git, index, env.state.facts.crash_location)
    if not key or key.startswith("the "):
        return near
    if near.commit is None:  # no crash frame in the repo: start from the code that holds the value
        code = next(((p, n) for p, n, _ in git.grep(re.escape(key), max_hits=5) if p.endswith(_CODE)), None)
        if code is not None:
            near = _config_near_crash(env, git, index, Location(file=code[0], line=code[1]))
    onset = aware(env.state.facts.onset)
    named = next((c for c in git.pickaxe(key, max_count=5) if onset is None or c.date <= onset), None)
    if near.commit is not None and (named is None or near.commit.date > named.date.isoformat()):
        return near  # the config the crashing code reads changed after the value in the error did
    out = CheckOutcome()
    for path, line, text in git.grep(re.escape(key), max_hits=3):
        out.evidence.append(env.book.add("config" if not path.endswith(_CODE) else "source", f"{path}:{line}",
                                         text.strip(), note=f"reads or sets {key}"))
        out.location = out.location or Location(file=path, line=line)
        out.delta += 0.05
    if named is not None:
        out.commit = CommitRef(sha=named.sha, subject=named.subject, author=named.author, date=named.date.isoformat())
        out.evidence.append(env.book.add("commit", f"commit:{named.sha}", named.subject,
                                         note=f"last commit that added or removed {key}"))
        out.values.update(commit=named.sha[:10], commit_subject=named.subject)
        out.delta += 0.15
    return out


_CODE = (".py", ".js", ".ts", ".go", ".java", ".kt", ".rb", ".cs", ".php", ".rs")


def _known_settings(env: CheckEnv, git: Git, index: RepoIndex, names: list[str]) -> CheckOutcome:
    """A pattern's well-known setting names (pool sizes, timeouts): the one whose value changed last
    before the onset, located where it is set now."""
    onset = aware(env.state.facts.onset)
    best: tuple[str, Commit] | None = None
    for name in names:
        for commit in git.word_changes(name, max_count=3):
            if (onset is None or commit.date <= onset) and _within(commit.date, onset):
                if best is None or commit.date > best[1].date:
                    best = (name, commit)
                break
    if best is None:
        return CheckOutcome()
    out = _config_change(env, git, best[0], best[1])
    hit = next(iter(git.grep(rf"\b{re.escape(best[0])}\b", max_hits=1)), None)
    if hit is not None:  # where the setting is today, with the function that sets it
        lines = index.read_lines(hit[0])
        found = enclosing_function(lines, hit[1], env.state.facts.language) if lines else None
        out.location = Location(file=hit[0], line=hit[1], function=found[0] if found else None)
    return out


def _config_near_crash(env: CheckEnv, git: Git, index: RepoIndex, crash: Location | None) -> CheckOutcome:
    lines = index.read_lines(crash.file) if crash and crash.line else None
    if not lines or crash is None or crash.line is None:
        return CheckOutcome()
    onset, at = aware(env.state.facts.onset), crash.line
    # Nearest lines first: the key read on the failing line beats a module name three lines up.
    order = sorted(range(max(1, at - 3), min(len(lines), at + 1) + 1), key=lambda n: abs(n - at))
    keys = [next(g for g in groups if g) for n in order for groups in _LITERAL.findall(lines[n - 1])]
    for key in dict.fromkeys(keys):
        for commit in git.word_changes(key, max_count=3, paths=CONFIG_FILES):
            if onset is not None and commit.date > onset:
                continue
            return _config_change(env, git, key, commit)
    return CheckOutcome()


def _config_change(env: CheckEnv, git: Git, key: str, commit: Commit) -> CheckOutcome:
    """The config commit that added or removed ``key``: cited with its hunk, located at the change."""
    ref = CommitRef(sha=commit.sha, subject=commit.subject, author=commit.author, date=commit.date.isoformat())
    hunks = git.show_hunks(commit.sha, contains=key) or git.show_hunks(commit.sha)
    out = CheckOutcome(commit=ref, delta=0.25, values={"key": key, "commit": commit.sha[:10],
                                                        "commit_subject": commit.subject})
    if hunks:
        h = hunks[0]
        changed = [row[1:].strip() for row in h.lines if row.startswith(("+", "-")) and len(row.strip()) > 1]
        out.values["change"] = " → ".join(changed[:2])[:160]
        out.location = Location(file=h.path, line=h.new_start + _first_added(h.lines))
        diff = "\n".join(h.lines)
    else:
        diff = commit.subject
    note = f"changed the config that the code reads as {key!r} ({', '.join(commit.files[:3])})"
    out.evidence.append(env.book.add("commit", f"commit:{commit.sha}", diff, note=note))
    return out


def _first_added(rows: tuple[str, ...]) -> int:
    """Offset (from the hunk's new start) of its first added line; context lines count, removed ones don't."""
    offset = 0
    for row in rows:
        if row.startswith("+"):
            return offset
        if not row.startswith("-"):
            offset += 1
    return 0


def deploy_before_onset(check: Check, env: CheckEnv) -> CheckOutcome:
    facts = env.state.facts
    if facts.deploy_id is None:
        return CheckOutcome()
    return CheckOutcome(delta=0.1, evidence=[facts.deploy_id], values={"deploy": facts.deploy_text or ""})


def first_error(check: Check, env: CheckEnv) -> CheckOutcome:
    facts = env.state.facts
    if facts.first_error_id is None:
        return CheckOutcome()
    if env.hyp.values.get("cascade") == "yes":
        return CheckOutcome(delta=0.15, evidence=[facts.first_error_id])
    return CheckOutcome(delta=-0.1, evidence=[facts.first_error_id])


def error_rate(check: Check, env: CheckEnv) -> CheckOutcome:
    facts = env.state.facts
    if facts.occurrences <= 1:
        return CheckOutcome()
    return CheckOutcome(delta=0.05, values={"occurrences": str(facts.occurrences)})


_CHECKS: dict[str, Callable[[Check, CheckEnv], CheckOutcome]] = {
    "value_origin": value_origin,
    "crash_path_history": crash_path_history,
    "log_search": log_search,
    "config_history": config_history,
    "deploy_before_onset": deploy_before_onset,
    "first_error": first_error,
    "error_rate": error_rate,
}
