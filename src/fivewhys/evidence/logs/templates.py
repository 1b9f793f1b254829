"""Message templates: mask the variable parts of a message (`<*>`) and mine templates online.

`mask_token` decides, for one whitespace-separated token, which parts are variables: numbers,
hex, ids with digits (`blk_-42`, `user42`), paths, IPs, UUIDs, URLs, booleans — but not words
that merely contain a digit (`ssh2`, `log4j`, `jk2_init`). `template_of` applies it to one
message. `TemplateMiner` groups a stream of messages: masked messages with the same token count
and first token are clustered by similarity, and each position of a cluster keeps a small count
of the values it has seen. A position whose value never changes is constant; one with a few
values that each recur (`GET`/`POST`, `Started`/`Paused`) names different events, so the
templates split on it; anything else is a variable. One configuration serves every log.
"""

from __future__ import annotations

import re

WILDCARD = "<*>"

_HARD = re.compile(r"([\s,;:=|\"'\[\](){}<>]+)")
"""Delimiters around values: `key=value`, `(uid=0)`, `host:port`, `[a,b]`, quotes."""
_SOFT = re.compile(r"[-_+@#$%&/]")
_WORD_WITH_DIGIT = re.compile(r"[A-Za-z]{2,}\d[A-Za-z]*")
"""Names, not values: ssh2, md5, log4j, utf8, wl0, jk2 (one digit after a word)."""
_WHOLE_VARIABLE = re.compile(
    r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"  # UUID
    r"|[a-zA-Z][\w+.-]*://\S+"  # URL
    r"|(?:[\w-]+\.)*[\w-]*\d[\w-]*(?:\.[\w-]+)*:\d+"  # host-or-ip:port
    r"|(?:[0-9a-fA-F]{1,4}:){3,7}[0-9a-fA-F]{1,4}"  # IPv6 / MAC
)
_VALUE_WORDS = frozenset({"true", "false", "null", "root", "admin"})
_DATE_WORDS = frozenset(
    "Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
)
_UNITS = frozenset(
    "b bytes kb mb gb tb kib mib gib tib ns us µs ms s sec secs second seconds min mins minute"
    " minutes h hr hrs hour hours".split()
)
_PAREN_WILDCARD = "(" + WILDCARD
_QUANTITY_STARTS = frozenset([_PAREN_WILDCARD, *(p + WILDCARD for p in ("<", ">", "<=", ">=", "~"))])
"""Masked tokens that may start a quantity: `(1.16` of `(1.16 KB)`, or a number behind a comparison
(`<1`, `>=5`) which, with a unit after it, is one bounded value."""


def _is_unit(token: str) -> bool:
    """A unit of size or time (`KB`, `ms`, `sec,`): the word after a number that measures it."""
    return token.rstrip(",;.").lower() in _UNITS


_QUOTED = re.compile(r"\"[^\"]{0,200}\"|'[^']{0,200}'")


def _is_value_part(part: str) -> bool:
    """A part of a dotted piece that is a value: it holds a digit and is not a name like ssh2."""
    if not any(c.isdigit() for c in part):
        return False
    return not all(_WORD_WITH_DIGIT.fullmatch(sub) or not any(c.isdigit() for c in sub)
                   for sub in _SOFT.split(part))


def _mask_piece(piece: str) -> str:
    if len(piece) > 1 and (piece[0] == "/" or piece[0] == "\\" or piece[1:3] == ":\\"):
        return WILDCARD  # a path
    if piece.lower() in _VALUE_WORDS:
        return WILDCARD
    if not any(c.isdigit() for c in piece):
        return piece
    parts = [WILDCARD if _is_value_part(p) else p for p in piece.split(".")]
    masked = ".".join(parts)
    while WILDCARD + "." + WILDCARD in masked:
        masked = masked.replace(WILDCARD + "." + WILDCARD, WILDCARD)
    return masked


def mask_token(token: str) -> str:
    """Mask the variables in one whitespace-separated token, keeping the punctuation around them.

    `rhost=10.0.0.1` → `rhost=<*>`, `(uid=0)` → `(uid=<*>)`, `host.example.com:443` → `<*>`,
    `core.2275` → `core.<*>`, `ssh2` → `ssh2`, `/var/log/x` → `<*>`.
    """
    bare = token.strip("()[]{},;:'\".")
    if bare and _WHOLE_VARIABLE.fullmatch(bare):
        start = token.index(bare)
        return token[:start] + WILDCARD + token[start + len(bare):]
    if token in _DATE_WORDS:
        return WILDCARD
    pieces = _HARD.split(token)
    masked = "".join(piece if i % 2 else _mask_piece(piece) for i, piece in enumerate(pieces))
    while WILDCARD + WILDCARD in masked:
        masked = masked.replace(WILDCARD + WILDCARD, WILDCARD)
    return masked


def template_of(message: str) -> str:
    """Mask the variables of one message (its first line): the miner's masking, plus quoted values.

    Args:
        message: one log message (without its timestamp/level prefix).

    Returns:
        The message with each variable replaced by `<*>` and adjacent ones merged, e.g.
        `"user 42 took 350ms from 10.0.0.1"` → `"user <*> took <*> from <*>"`.
    """
    first_line = _QUOTED.sub(WILDCARD, message.split("\n", 1)[0])
    return " ".join(mask_token(token) for token in first_line.split())


_ZERO_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_ASCII_DIGIT = re.compile("[0-9]")
_MAX_SHAPES = 20_000
"""Message shapes cached per miner (bounded: a log whose every message is unique clears it)."""

ENUM_MAX_VALUES = 4
"""A position with at most this many distinct words may name different events ..."""
ENUM_MIN_REPEATS = 8
"""... when the cluster has at least this many messages per distinct word."""
_NAMING_WORDS = frozenset(
    "user user: user= username username: username= host host: hostname account login".split()
)
"""Words after which a log names someone or something: what follows is a value, not an event."""
_OPENERS = "=:([{\"'"
_CLOSERS = ")]},;:\"'"


class _Cluster:
    __slots__ = ("tokens", "count", "values", "affixes")

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = list(tokens)
        """The first message's tokens, `<*>` where later messages differed."""
        self.count = 0
        self.values: list[dict[str, int] | None] = [None] * len(tokens)
        """Per position that varies between words, the count of each word."""
        self.affixes: dict[int, tuple[str, str]] = {}
        """Per variable position, the prefix and suffix all its values share (`user=`, `,`)."""

    def variable(self, position: int) -> bool:
        """Whether a `<*>` position is a plain variable (not an enumeration of event words)."""
        seen = self.values[position]
        if seen is None:
            return True
        return len(seen) > ENUM_MAX_VALUES or self.count < ENUM_MIN_REPEATS * len(seen)

    def names_value(self, position: int) -> bool:
        """Whether the word before a position introduces a name (`for user cyrus`, `host web1`):
        the few users or hosts a log mentions vary like values, however often each recurs."""
        return position > 0 and self.tokens[position - 1].lower() in _NAMING_WORDS

    def observe(self, position: int, mine: str, theirs: str) -> None:
        """Record a message's token where it differs from the cluster's, or the cluster's is `<*>`."""
        seen = self.values[position]
        if self.tokens[position] != WILDCARD:  # the first difference at this position
            self.tokens[position] = WILDCARD
            self.affixes[position] = _affixes(mine, theirs)
            if WILDCARD in mine or WILDCARD in theirs or self.names_value(position):
                return  # a plain variable from the start: no words to count
            seen = self.values[position] = {mine: self.count - 1}
        else:
            prefix, suffix = self.affixes.get(position, ("", ""))
            if not (theirs.startswith(prefix) and theirs.endswith(suffix)):
                self.affixes[position] = _affixes(prefix + WILDCARD + suffix, theirs)
        if seen is not None:
            if WILDCARD in theirs or len(seen) >= 4 * ENUM_MAX_VALUES:
                self.values[position] = None
            else:
                seen[theirs] = seen.get(theirs, 0) + 1


def _affixes(a: str, b: str) -> tuple[str, str]:
    """The common prefix ending in an opener (`key=`) and suffix starting with a closer (`),`)."""
    n = 0
    limit = min(len(a), len(b))
    while n < limit and a[n] == b[n]:
        n += 1
    while n and a[n - 1] not in _OPENERS:
        n -= 1
    m = 0
    while m < limit - n and a[-1 - m] == b[-1 - m]:
        m += 1
    while m and a[-m] not in _CLOSERS:
        m -= 1
    return a[:n], (a[len(a) - m:] if m else "")


class TemplateMiner:
    """Online template mining: `add` each message, read `template`/`templates()` at any time.

    Messages are masked token by token, cached per message and per token by digit shape (digits
    never decide masking, see `_tokens`), so a message recurring with new numbers costs a lookup;
    they are routed by token count and first token to a few clusters; a message joins
    the most similar cluster when at least `similarity` of its constant words agree. Ids name a
    cluster plus the words at its enumerated positions; memory grows with templates, not lines.
    """

    def __init__(self, similarity: float = 0.6, max_cache: int = 200_000) -> None:
        self.similarity = similarity
        self._groups: dict[tuple[int, str], list[_Cluster]] = {}
        self._masked: dict[str, str] = {}
        self._max_cache = max_cache
        self._shapes: dict[bytes, tuple[tuple[str, ...], tuple[tuple[int, int], ...]]] = {}
        """Masked tokens by digit shape of the message (see `_tokens`)."""
        self._token_shapes: dict[bytes, str] = {}
        self._leaves: list[tuple[_Cluster, tuple[str, ...]]] = []
        self._leaf_ids: dict[tuple[int, tuple[str, ...]], int] = {}
        self._counts: list[int] = []

    def _tokens(self, message: str) -> list[str]:
        """The masked tokens of a message, runs of variables merged.

        Masking treats every ASCII digit alike (classes, lengths and positions decide, never which
        digit), so messages equal up to their digits mask alike, except where a digit is kept
        (`ssh2`): those tokens are masked anew. The result is cached by the message with its digits
        zeroed, so a message that recurs with other numbers costs one dict lookup.
        """
        shape = message.encode("utf-8", "surrogatepass").translate(_ZERO_DIGITS)
        known = self._shapes.get(shape)
        if known is not None:
            out, kept = known
            if not kept:
                return list(out)
            raw, masked = message.split(), list(out)
            for position, index in kept:
                masked[position] = self._mask(raw[index])
            return masked
        tokens, kept_digits = self._mask_tokens(message)
        if len(self._shapes) >= _MAX_SHAPES:
            self._shapes.clear()  # unbounded shapes (every message its own): start over, stay bounded
        self._shapes[shape] = (tuple(tokens), kept_digits)
        return tokens

    def _mask(self, token: str) -> str:
        """`mask_token`, cached by token, or by digit shape when the token's digits are all masked
        (ids and counts: a new number costs no masking)."""
        masked = self._masked.get(token)
        if masked is not None:
            return masked
        shape = token.encode("utf-8", "surrogatepass").translate(_ZERO_DIGITS)
        masked = self._token_shapes.get(shape)
        if masked is not None:
            return masked
        masked = mask_token(token)
        if _ASCII_DIGIT.search(token) is None or _ASCII_DIGIT.search(masked) is not None:
            if len(self._masked) < self._max_cache:
                self._masked[token] = masked
        elif len(self._token_shapes) < self._max_cache:
            self._token_shapes[shape] = masked
        return masked

    def _mask_tokens(self, message: str) -> tuple[list[str], tuple[tuple[int, int], ...]]:
        """Masked tokens and (output position, token index) of those that keep an ASCII digit.

        A quantity is one value however it is written: `<1 sec` is `<*>` like `00:02`, and the
        restatement in `1190 bytes (1.16 KB)` belongs to the `1190 bytes` it restates, so both
        spellings of one message give one template.
        """
        out: list[str] = []
        kept: list[tuple[int, int]] = []
        raw = message.split()
        skip = False
        for index, token in enumerate(raw):
            if skip:
                skip = False
                continue
            masked = self._mask(token)
            if masked in _QUANTITY_STARTS:  # rare: look at the next token only here
                following = raw[index + 1] if index + 1 < len(raw) else ""
                if masked != _PAREN_WILDCARD:
                    if _is_unit(following):
                        masked, skip = WILDCARD, True  # `<1 sec`, `>5 ms`: a bound is a value
                elif (len(out) >= 2 and out[-2] == WILDCARD and _is_unit(out[-1])
                      and following.endswith(")") and _is_unit(following[:-1])):
                    skip = True
                    continue  # `(1.16 KB)` after `1190 bytes`: the same value restated
            if masked == WILDCARD:
                if out and out[-1] == WILDCARD:
                    continue  # a run of variables is one variable (a date, a list of hosts)
            elif _ASCII_DIGIT.search(masked) is not None:
                kept.append((len(out), index))
            out.append(masked)
        return out, tuple(kept)

    def add(self, message: str) -> int:
        """Add one message; return the id of its template (stable for the miner's life)."""
        tokens = self._tokens(message.split("\n", 1)[0])
        lead = next((t for t in tokens[:2] if WILDCARD not in t), "")
        group = self._groups.setdefault((len(tokens), lead), [])
        cluster = _best(group, tokens, self.similarity)
        if cluster is None:
            cluster = _Cluster(tokens)
            group.insert(0, cluster)
        return self._join(cluster, tokens)

    def _join(self, cluster: _Cluster, tokens: list[str]) -> int:
        cluster.count += 1
        key: list[str] | None = None
        for i, (mine, theirs) in enumerate(zip(cluster.tokens, tokens)):
            if mine != theirs:
                cluster.observe(i, mine, theirs)
        for i, seen in enumerate(cluster.values):
            if seen is not None and len(seen) <= ENUM_MAX_VALUES:
                key = key or []
                key.append(tokens[i])
        leaf_key = (id(cluster), tuple(key or ()))
        leaf = self._leaf_ids.get(leaf_key)
        if leaf is None:
            leaf = self._leaf_ids[leaf_key] = len(self._leaves)
            self._leaves.append((cluster, tuple(tokens)))
            self._counts.append(0)
        self._counts[leaf] += 1
        return leaf

    def template(self, template_id: int) -> str:
        """The current template of an id (it may gain or lose wildcards as messages arrive)."""
        cluster, example = self._leaves[template_id]
        out = []
        for i, token in enumerate(cluster.tokens):
            if token == WILDCARD:
                if not cluster.variable(i):
                    token = example[i]
                else:
                    prefix, suffix = cluster.affixes.get(i, ("", ""))
                    token = prefix + WILDCARD + suffix
            out.append(token)
        return " ".join(out)

    def templates(self) -> list[tuple[str, int]]:
        """Every template with its message count, most frequent first."""
        counts: dict[str, int] = {}
        for leaf_id, count in enumerate(self._counts):
            template = self.template(leaf_id)
            counts[template] = counts.get(template, 0) + count
        return sorted(counts.items(), key=lambda p: -p[1])


MAX_GROUP = 48
"""Clusters per (length, leading word); past it a message joins its nearest cluster anyway, so
time per message and memory stay bounded on logs whose words are all variables."""


def _best(group: list[_Cluster], tokens: list[str], threshold: float) -> _Cluster | None:
    """The most similar cluster at or above the threshold; clusters are kept most recent first."""
    best, best_index, best_score = None, -1, -1.0
    for index, cluster in enumerate(group):
        score = _similarity(cluster, tokens)
        if score > best_score:
            best, best_index, best_score = cluster, index, score
            if score == 1.0:
                break
    if best is None or (best_score < threshold and len(group) < MAX_GROUP):
        return None
    if best_index > 0:  # recently used clusters are tried first
        group.insert(0, group.pop(best_index))
    return best


def _similarity(cluster: _Cluster, tokens: list[str]) -> float:
    """Share of the message's constant words that the cluster has at the same place.

    A `<*>` position agrees with any word when it is a variable, and only with the words it has
    seen when it holds a few words (so `VM Started` does not absorb `Deleting instance`).
    """
    template, values = cluster.tokens, cluster.values
    constant = same = 0
    for i, (a, b) in enumerate(zip(template, tokens)):
        if b == WILDCARD:
            continue
        constant += 1
        if a == b:
            same += 1
        elif a == WILDCARD:
            seen = values[i]
            if seen is None or b in seen or len(seen) > ENUM_MAX_VALUES:
                same += 1
    if constant == 0:  # an all-variable message only joins an all-variable template
        return 1.0 if all(a == WILDCARD for a in template) else 0.0
    return same / constant
