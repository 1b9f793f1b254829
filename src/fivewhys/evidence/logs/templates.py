"""Message templates: mask the variable parts of a message (`<*>`) and mine templates online.

`template_of` is a pure masker (one message → its template). `TemplateMiner` groups a stream of
messages: messages are masked, split into tokens and routed by token count and leading constant
tokens to a small set of clusters; a message joins the most similar cluster (share of equal
positions) and the positions where they differ become `<*>`. One configuration serves every log.
"""

from __future__ import annotations

import re

WILDCARD = "<*>"

# Order matters: the widest shapes first, so an IP is not masked as four numbers.
_MASKS = [
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",  # UUID
    r"(?:[a-zA-Z][\w+.-]*://)[^\s\"'<>]+",  # URL
    r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b",  # IPv4[:port]
    r"\b(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}\b",  # IPv6 (uncompressed) / MAC
    r"\b0x[0-9a-fA-F]+\b",  # hex literal
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?",  # timestamp
    r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b",  # time of day
    r"\"[^\"]{0,200}\"|'[^']{0,200}'",  # quoted value
    r"(?<![\w<])[-+]?\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?(?:[a-zA-Zµ%]{1,3})?\b",  # number, 12ms, 3.5GB
    r"\b[0-9a-fA-F]*\d[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*\b(?<=\w{6})",  # hex id (has a digit and a-f)
    r"\b[\w.-]*\d[\w.-]*(?=\b)",  # any other word with a digit: blk_123, user42, id-7
]
_MASK_RE = re.compile("|".join(f"(?:{m})" for m in _MASKS))
_PATH_WITH_NUMBER = re.compile(r"(?:/[\w.<>*-]+)*/[\w.-]*\d[\w.-]*(?:/[\w.-]+)*")
_COLLAPSE = re.compile(r"(?:<\*>[\s,:/=_.-]*){2,}(?=\s|$)")


def template_of(message: str) -> str:
    """Mask the variables of a message: numbers, hex, ids, IPs, UUIDs, durations, quoted values.

    Args:
        message: one log message (without its timestamp/level prefix).

    Returns:
        The message with each variable replaced by `<*>` and runs of them collapsed, e.g.
        `"user 42 took 350ms from 10.0.0.1"` → `"user <*> took <*> from <*>"`.
    """
    first_line = message.split("\n", 1)[0]
    masked = _PATH_WITH_NUMBER.sub(WILDCARD, first_line)
    masked = _MASK_RE.sub(WILDCARD, masked)
    return _COLLAPSE.sub(WILDCARD + " ", masked).strip()


class _Cluster:
    __slots__ = ("id", "tokens", "count")

    def __init__(self, cluster_id: int, tokens: list[str]) -> None:
        self.id = cluster_id
        self.tokens = tokens
        self.count = 1


class TemplateMiner:
    """Online template mining: `add` each message, read `templates()` at any time.

    Memory grows with the number of distinct templates, not with the number of messages.
    """

    def __init__(self, similarity: float = 0.5) -> None:
        self.similarity = similarity
        self._groups: dict[tuple[int, str], list[_Cluster]] = {}
        self._clusters: list[_Cluster] = []

    def add(self, message: str) -> int:
        """Add one message; return the id of the template it joined (stable for the miner's life)."""
        tokens = template_of(message).split()
        key = (len(tokens), tokens[0] if tokens and tokens[0] != WILDCARD else "")
        group = self._groups.setdefault(key, [])
        best, best_score = None, -1.0
        for cluster in group:
            score = _similarity(cluster.tokens, tokens)
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score >= self.similarity:
            best.tokens = [a if a == b else WILDCARD for a, b in zip(best.tokens, tokens)]
            best.count += 1
            return best.id
        cluster = _Cluster(len(self._clusters), tokens)
        self._clusters.append(cluster)
        group.append(cluster)
        return cluster.id

    def template(self, template_id: int) -> str:
        """The current template of a cluster (it may gain wildcards as messages join)."""
        return " ".join(self._clusters[template_id].tokens)

    def templates(self) -> list[tuple[str, int]]:
        """Every template with its message count, most frequent first."""
        pairs = [(" ".join(c.tokens), c.count) for c in self._clusters]
        return sorted(pairs, key=lambda p: -p[1])


def _similarity(template: list[str], tokens: list[str]) -> float:
    if not tokens:
        return 1.0
    same = sum(1 for a, b in zip(template, tokens) if a == b or a == WILDCARD)
    return same / len(tokens)
