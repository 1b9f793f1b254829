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


_DELIMS = re.compile(r"([=:,()\[\]{}<>\"';|]+)")
_VARIABLE_TOKEN = re.compile(
    r"[\w.-]+\.[a-zA-Z]{2,}:\d+|\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?|[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
    r"|(?:/[^/\s]*)+/[^/\s]*\d[^\s]*|[a-zA-Z][\w+.-]*://\S+"
)
_HAS_DIGIT = re.compile(r"\d")
_PUNCT = "()[]{},;:.'\"!?"


_DATE_WORDS = frozenset(
    "Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
)


def _mask_piece(piece: str) -> str:
    return WILDCARD if _HAS_DIGIT.search(piece) else piece


def mask_token(token: str) -> str:
    """Mask one whitespace-separated token, keeping the punctuation around its variables.

    `rhost=10.0.0.1` → `rhost=<*>`, `(uid=0)` → `(uid=<*>)`, `host.example.com:443` → `<*>`;
    a piece between delimiters is variable when it holds a digit.
    """
    if _VARIABLE_TOKEN.fullmatch(token.strip("()[]{},;:'\"")):
        stripped = token.strip("()[]{},;:'\"")
        start = token.index(stripped)
        return token[:start] + WILDCARD + token[start + len(stripped):]
    if not _HAS_DIGIT.search(token):
        return WILDCARD if token in _DATE_WORDS else token
    pieces = _DELIMS.split(token)
    masked = "".join(piece if i % 2 else _mask_piece(piece) for i, piece in enumerate(pieces))
    return masked.replace(WILDCARD + WILDCARD, WILDCARD)


class _Cluster:
    __slots__ = ("id", "tokens", "count")

    def __init__(self, cluster_id: int, tokens: list[str]) -> None:
        self.id = cluster_id
        self.tokens = tokens
        self.count = 1


class TemplateMiner:
    """Online template mining: `add` each message, read `templates()` at any time.

    Messages are split on whitespace; each token's digit-bearing pieces are masked (cached per
    distinct token, so the cost is per new token, not per line). Messages with the same token
    count and the same leading word are compared with the templates already seen; a message joins
    the most similar one when at least `similarity` of its constant tokens agree, and the
    positions that differ become `<*>`. Memory grows with the number of templates only.
    """

    def __init__(self, similarity: float = 0.7, max_cache: int = 200_000) -> None:
        self.similarity = similarity
        self._groups: dict[tuple[int, str], list[_Cluster]] = {}
        self._clusters: list[_Cluster] = []
        self._masked: dict[str, str] = {}
        self._max_cache = max_cache

    def _tokens(self, message: str) -> list[str]:
        out: list[str] = []
        cache = self._masked
        for token in message.split():
            masked = cache.get(token)
            if masked is None:
                masked = mask_token(token)
                if len(cache) < self._max_cache:
                    cache[token] = masked
            if masked == WILDCARD and out and out[-1] == WILDCARD:
                continue  # a run of variables is one variable (a date, a size with its unit)
            out.append(masked)
        return out

    def add(self, message: str) -> int:
        """Add one message; return the id of the template it joined (stable for the miner's life)."""
        tokens = self._tokens(message.split("\n", 1)[0])
        first = tokens[0] if tokens else ""
        key = (len(tokens), first if first.isalpha() else "")
        group = self._groups.setdefault(key, [])
        best, best_score = None, -1.0
        for cluster in group:
            score = _similarity(cluster.tokens, tokens)
            if score > best_score:
                best, best_score = cluster, score
        if best is not None and best_score >= self.similarity:
            if best.tokens != tokens:
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
    """Share of the message's constant tokens that the template has at the same place."""
    constant = same = 0
    for a, b in zip(template, tokens):
        if b == WILDCARD:
            continue
        # a differing plain word ("GET"/"POST") says more than differing punctuation-laden tokens
        weight = 2 if b.strip(_PUNCT).isalpha() else 1
        constant += weight
        if a == b:
            same += weight
    if constant == 0:  # an all-variable message only joins an all-variable template
        return 1.0 if all(a == WILDCARD for a in template) else 0.0
    return same / constant
