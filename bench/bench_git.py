"""Benchmark the git step of an analysis on a generated repository of 50,000 commits and 5,000 files.

    .venv/bin/python bench/bench_git.py [--dir /tmp/fivewhys-bench-git] [--runs 3] [--no-commit-graph]

The repository is built once with ``git fast-import`` (fixed authors and dates, so it is the same on
every machine) and cached under ``--dir``; later runs reuse it. The timed step is what ``gather``
does with git for a 30-frame trace: repository discovery, blame around every frame, function and
file history, pickaxe for the config key named in the error, the release a log's version marker
names, and the ranking (``_gather_git``, which calls ``rank_suspects``). Each run uses a fresh
``Git`` object, so nothing is cached between runs except by the OS and git itself.

A commit-graph file is written after the build (what ``git gc`` / ``git maintenance`` leave in any
long-lived clone); ``--no-commit-graph`` measures without it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

N_COMMITS = 50_000
N_FILES = 5_000
N_FUNCS = 8
FRAMES = 30
START = datetime(2019, 1, 1, tzinfo=timezone.utc)
STEP = timedelta(hours=1)
VERSION = "3"  # bump when the generator changes, so a stale cache is rebuilt
AUTHORS = ["Alice Moreau", "Bruno Lee", "Chen Wei", "Dana Kowalski", "Erin Park", "Farid Haddad"]


def _path(i: int) -> str:
    return f"svc/pkg{i // 100:02d}/mod{i:04d}.py"


def _source(i: int, versions: list[int]) -> bytes:
    parts = [f'"""Module {i}."""\n\nimport os\n\n']
    for j, v in enumerate(versions):
        parts.append(f"\ndef f{j}(x):\n    a = x + {v}\n    b = helper_{j}(a)\n"
                     f"    if b is None:\n        raise ValueError('f{j}')\n    return b * {v + 1}\n\n")
    return "".join(parts).encode()


def _data(blob: bytes) -> bytes:
    return b"data %d\n" % len(blob) + blob + b"\n"


def _commit(mark: int, when: datetime, author: str, subject: str, files: dict[str, bytes],
            parent: int | None) -> bytes:
    stamp = f"{int(when.timestamp())} +0000"
    email = author.split()[0].lower() + "@example.com"
    head = (f"commit refs/heads/main\nmark :{mark}\nauthor {author} <{email}> {stamp}\n"
            f"committer {author} <{email}> {stamp}\n").encode()
    out = [head, _data(subject.encode())]
    if parent is not None:
        out.append(f"from :{parent}\n".encode())
    for path, blob in files.items():
        out.append(f"M 100644 inline {path}\n".encode() + _data(blob))
    return b"".join(out)


def stream(out: subprocess.Popen[bytes]) -> None:
    """Feed fast-import: one commit adding every file, then one small change per commit."""
    assert out.stdin is not None
    versions = [[0] * N_FUNCS for _ in range(N_FILES)]
    first = {_path(i): _source(i, versions[i]) for i in range(N_FILES)}
    first["pyproject.toml"] = b'[project]\nname = "svc"\nversion = "1.0.0"\n'
    first["config/settings.toml"] = b"PAYMENT_TIMEOUT = 30\n"
    out.stdin.write(_commit(1, START, AUTHORS[0], "Initial import", first, None))
    for k in range(2, N_COMMITS + 1):
        i = (k * 7919) % N_FILES
        j = k % N_FUNCS
        versions[i][j] = k
        files = {_path(i): _source(i, versions[i])}
        subject = f"Tune f{j} in mod{i:04d}"
        if k % 500 == 0:
            files["pyproject.toml"] = f'[project]\nname = "svc"\nversion = "1.{k // 500}.0"\n'.encode()
            subject = f"Release 1.{k // 500}.0"
        if k == N_COMMITS - 40:
            files["config/settings.toml"] = b"PAYMENT_TIMEOUT = 0\n"
            subject = "Lower the payment timeout"
        out.stdin.write(_commit(k, START + STEP * k, AUTHORS[k % len(AUTHORS)], subject, files, k - 1))
        if k % 500 == 0:
            tag_when = int((START + STEP * k).timestamp())
            out.stdin.write(f"tag v1.{k // 500}.0\nfrom :{k}\ntagger Release Bot <rel@example.com> "
                            f"{tag_when} +0000\n".encode() + _data(f"Release 1.{k // 500}.0".encode()))
    out.stdin.close()


def build(repo: Path, commit_graph: bool) -> None:
    """Create the repository (once); cached by a stamp file holding the generator version."""
    stamp = repo / ".git" / "fivewhys-bench"
    if stamp.exists() and stamp.read_text() == VERSION:
        _commit_graph(repo, commit_graph)
        return
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    t0 = time.perf_counter()
    proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env)
    stream(proc)
    if proc.wait() != 0:
        sys.exit("fast-import failed")
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], check=True, env=env)
    stamp.write_text(VERSION)
    print(f"built {N_COMMITS} commits x {N_FILES} files in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    _commit_graph(repo, commit_graph)


def _commit_graph(repo: Path, wanted: bool) -> None:
    graph = repo / ".git" / "objects" / "info" / "commit-graph"
    if wanted and not graph.exists():
        subprocess.run(["git", "-C", str(repo), "commit-graph", "write", "--reachable"], check=True)
    elif not wanted and graph.exists():
        graph.unlink()


def _state(repo: Path):  # type: ignore[no-untyped-def]
    """30 in-app frames (innermost last, as Python prints it; five in recently changed functions) and
    the facts the logs gave: onset, the deploy marker, an error naming a config key."""
    from fivewhys.evidence.stacktrace.model import Frame
    from fivewhys.graph.state import AnalysisState, AppFrame, Facts
    from fivewhys.intake import Incident

    frames = []
    for n in range(FRAMES):
        i, j = (n * 397 + 11) % N_FILES, n % N_FUNCS
        if n % 6 == 0:  # every sixth frame is in a function changed in the last days, as on a real crash path
            k = N_COMMITS - 7 * n - 3
            i, j = (k * 7919) % N_FILES, k % N_FUNCS
        line = 6 + j * 8 + 2  # the `b = helper_j(a)` line of f{j}
        frame = Frame(file=f"/srv/app/{_path(i)}", line=line, function=f"f{j}", in_app=True)
        frames.append(AppFrame(frame=frame, repo_path=_path(i), in_app=True, index=n))
    onset = START + STEP * (N_COMMITS + 2)
    facts = Facts(exception_type="ValueError", message="payment failed: PAYMENT_TIMEOUT must be > 0",
                  language="python", onset=onset, first_seen=onset,
                  deploy_text=f"deployed version v1.{N_COMMITS // 500}.0", deploy_at=onset - timedelta(minutes=30))
    incident = Incident(text="payments fail", repo=repo)
    return AnalysisState(incident=incident, frames=frames, facts=facts)


def run_once(repo: Path) -> tuple[float, int, str]:
    """Time one git step; returns seconds, git calls made and the top suspect's reason."""
    from fivewhys.evidence.git import Git
    from fivewhys.graph.nodes.gather import _gather_git
    from fivewhys.graph.state import EvidenceBook

    state = _state(repo)
    facts = state.facts.model_copy(deep=True)
    t0 = time.perf_counter()
    git = Git(repo)
    _gather_git(state, git, facts, EvidenceBook([]))
    elapsed = time.perf_counter() - t0
    top = facts.suspects[0].reason if facts.suspects else "(no suspect)"
    return elapsed, len(git.calls), top


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/fivewhys-bench-git/repo"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-commit-graph", action="store_true")
    args = parser.parse_args()
    build(args.dir, commit_graph=not args.no_commit_graph)
    times = []
    for _ in range(args.runs):
        elapsed, calls, top = run_once(args.dir)
        times.append(elapsed)
    times.sort()
    graph = "without" if args.no_commit_graph else "with"
    print(f"git step, {FRAMES}-frame trace, {N_COMMITS} commits x {N_FILES} files ({graph} commit-graph): "
          f"median {times[len(times) // 2]:.2f} s, best {times[0]:.2f} s over {args.runs} runs; {calls} git calls")
    print(f"top suspect: {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
