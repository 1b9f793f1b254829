"""Source context: map trace paths onto repository files and read the code around a line.

Deployed paths (``/srv/app/x.py``, ``/app/src/...``, a JVM ``Cart.java`` with its package) are mapped
onto tracked files by the longest common path suffix. Reads stay inside the repository root.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 2 * 1024 * 1024


class RepoIndex:
    """Tracked files of a repository, indexed by file name for suffix matching."""

    def __init__(self, root: Path, files: list[str]) -> None:
        self.root = root.resolve()
        self.files = set(files)
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self.ambiguous: dict[str, list[str]] = {}
        """Printed paths that matched several tracked files equally well (left unmapped), with them."""
        for f in files:
            self._by_name[PurePosixPath(f).name].append(f)

    def map_path(self, printed: str | None, function: str | None = None) -> str | None:
        """The tracked file a printed trace path refers to by the longest path-suffix match, or None
        (no match, or several files match equally well: then ``ambiguous`` records them)."""
        if not printed:
            return None
        path = printed.replace("\\", "/").split("?")[0]
        path = re.sub(r"^(?:file|webpack|https?)://[^/]*", "", path)
        parts = [p for p in PurePosixPath(path).parts if p not in ("/", ".", "..")]
        if not parts:
            return None
        if len(parts) == 1 and function and "." in function:
            # JVM: "Cart.java" with function "com.shop.Cart.total" -> com/shop/Cart.java
            package = function.split(".")[:-2]
            parts = [*package, parts[0]]
        candidates = self._by_name.get(parts[-1], [])
        best: list[str] = []
        best_rank = (0, False)
        for cand in candidates:
            cand_parts = PurePosixPath(cand).parts
            common = _common_suffix(cand_parts, parts)
            # A file name alone is weak: /usr/local/go/src/net/http/server.go is not internal/agent/server.go.
            # Accept it only when the whole repo path matched (a file at the repo root, or a bare name).
            if common < 2 and common < len(cand_parts) and len(parts) > 1:
                continue
            # On equal suffixes, a file matched to the repo root (/srv/checkout/app/cart.py: app/cart.py)
            # beats one whose next folder contradicts the printed path (tests/app/cart.py: tests≠checkout).
            rank = (common, common == len(cand_parts))
            if rank > best_rank:
                best, best_rank = [cand], rank
            elif rank == best_rank:
                best.append(cand)
        if len(best) > 1:
            # /srv/app/settings.py with svc_a/app/settings.py and svc_b/app/settings.py tracked: the
            # trace does not say which; a guess would send the investigation to the wrong service
            self.ambiguous[printed] = sorted(best)
            return None
        return best[0] if best else None

    def read_lines(self, rel: str) -> list[str] | None:
        """The file's lines (no newlines), or None if outside the repo, missing, binary or huge."""
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        try:
            data = path.read_bytes()[:MAX_FILE_BYTES]
        except OSError:
            return None
        if b"\0" in data[:8192]:
            return None
        return data.decode("utf-8", errors="replace").splitlines()


def _common_suffix(a: tuple[str, ...], b: list[str]) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


@dataclass(frozen=True)
class Snippet:
    path: str
    start: int
    end: int
    lines: list[str]

    @property
    def source(self) -> str:
        return f"{self.path}:{self.start}-{self.end}" if self.end != self.start else f"{self.path}:{self.start}"

    def text(self, mark: int | None = None) -> str:
        out = []
        for n, line in enumerate(self.lines, start=self.start):
            arrow = ">" if n == mark else " "
            out.append(f"{arrow}{n:5d} | {line}")
        return "\n".join(out)


def snippet(index: RepoIndex, rel: str, line: int, before: int = 3, after: int = 2) -> Snippet | None:
    """The lines around ``line`` (1-based) of a repository file."""
    lines = index.read_lines(rel)
    if not lines or not 1 <= line <= len(lines):
        return None
    start, end = max(1, line - before), min(len(lines), line + after)
    return Snippet(rel, start, end, lines[start - 1 : end])


_DEF_PATTERNS = {
    "python": r"^\s*(?:async\s+)?def\s+{name}\s*\(",
    "javascript": r"(?:function\s+{name}\s*\(|\b{name}\s*[:=]\s*(?:async\s+)?(?:function|\()|^\s*(?:async\s+)?{name}\s*\([^)]*\)\s*\{{)",
    "go": r"^func\s+(?:\([^)]*\)\s*)?{name}\s*\(",
    "ruby": r"^\s*def\s+(?:self\.)?{name}\b",
    "jvm": r"^\s*(?:(?:public|private|protected|static|final|synchronized|override|suspend|fun)\s+)*[\w<>\[\],.? ]*\b{name}\s*\(",
    "dotnet": r"^\s*(?:(?:public|private|protected|internal|static|async|virtual|override)\s+)+[\w<>\[\],.? ]*\b{name}\s*\(",
    "php": r"function\s+{name}\s*\(",
    "rust": r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+{name}\b",
}


def definition_regex(name: str, language: str | None) -> str:
    """A Perl-style regex (for git grep -P) that finds the definition of function ``name``."""
    pattern = _DEF_PATTERNS.get(language or "", _DEF_PATTERNS["python"])
    return pattern.replace("{name}", re.escape(name)).replace("{{", "{").replace("}}", "}")


def function_span(lines: list[str], def_line: int) -> tuple[int, int]:
    """Start and end (1-based, inclusive) of the function defined at def_line, by indentation/braces."""
    start = def_line
    header = lines[start - 1]
    indent = len(header) - len(header.lstrip())
    depth = header.count("{") - header.count("}")
    end = start
    braces = "{" in header
    for n in range(start + 1, len(lines) + 1):
        text = lines[n - 1]
        if braces:
            depth += text.count("{") - text.count("}")
            end = n
            if depth <= 0:
                break
        else:
            if text.strip() and len(text) - len(text.lstrip()) <= indent:
                break
            end = n if text.strip() else end
    return start, end


def enclosing_function(lines: list[str], line: int, language: str | None) -> tuple[str, int] | None:
    """Name and line of the function that contains ``line`` (closest definition above it)."""
    rx = re.compile(r"(?:def|func|function|fn)\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*\(|([A-Za-z_]\w*)\s*\([^;]*\)\s*(?:throws [\w., ]+)?\{\s*$")
    for n in range(min(line, len(lines)), 0, -1):
        m = rx.search(lines[n - 1])
        if m and (m.group(1) or m.group(2)) not in {"if", "for", "while", "switch", "catch", "return"}:
            return (m.group(1) or m.group(2)), n
    return None
