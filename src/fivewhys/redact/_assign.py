"""Rules for a secret-like key and its value: `password=…`, `token: …`, YAML blocks, XML entries,
k8s Secret data, CLI flags, directives (`requirepass x`). The patterns find a key and a value;
the span functions decide, from the key's strength and the value's look, whether the value goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from fivewhys.redact import _checks as ck

if TYPE_CHECKING:
    from fivewhys.redact._rules import Span

# possessive: a key is never re-tried at shorter lengths (that backtracking cost 100x in speed)
_KEY = r"(?<![\w.\-@=$])\$?(?P<key>-{0,2}+[A-Za-z0-9_][\w.\-]{0,80}+)"
# Go/C declarations put a type between the name and the "=": var fooToken string = "..."
_TYPE = r"(?:[ \t]+(?:string|String|str|char|bytes|\[\]byte)\b)?"
_SEP = (
    r"(?P<kq>\\?[\"'])?\]?(?:\[\d*\])?" + _TYPE + r"[ \t]*"
    r"(?P<sep>:::=|::=|:=|=>|\?=|\.=|\+=|!==?|===?|=|:(?!:)|\((?=\s*[\"'`])|(?<=[\w\"'])(?=[ \t]+[\"'`]))[ \t]*@?"
)
# The value is a lookahead so that a rejected pair (url=...) does not hide a key inside its value.
_VALUE = r"(?=(?P<q>\\?[\"'`])(?P<qv>[^\n]{1,400}?)(?P=q)|(?P<bv>(?:[^\s\"'`,;\\&]|&(?!\w+=)|,(?![ \t]*\w[\w.\-]*[=:])){1,400}))"
ASSIGN = _KEY + _SEP + _VALUE
# token: >-   (a YAML block scalar: the value is the indented line below)
# The value runs to the last character before trailing blanks, possessively: a lazy [^\n]*? tried
# every trailing [ \t]* at each step (quadratic in a long run of spaces).
YAML_BLOCK = (
    _KEY + r"(?P<sep>:)[ \t]*[|>][+\-]?\d?[ \t]*\r?\n[ \t]+"
    r"(?P<qv>[^\s#](?:[ \t]*+(?:[^ \t\r\n]|\r(?!\n)))*+)[ \t]*(?=\r?\n|\Z)"
)
# requirepass Qz8v…: a config line of a key, spaces and one value (redis.conf, keepalived, netrc)
DIRECTIVE = (
    r"(?<![^\n \t])(?P<key>[A-Za-z_][\w.\-]{1,40})[ \t]+(?P<bv>[^\s\"'`#;=:]{4,200})[ \t]*(?=\r?\n|\Z)"
)
REVERSED = r"(?P<q>[\"'`])(?P<qv>[^\"'`\n]{1,400})(?P=q)[ \t]*(?:===?|!==?)[ \t]*(?P<key>[A-Za-z_][\w.]{0,80})"
XML_KV = r"(?i)\b(?:key|name)=\"(?P<key>[^\"]{1,80})\"\s+value=\"(?P<qv>[^\"]{1,400})\""
KEY_COMMA = r"(?P<kq>[\"'])(?P<key>[A-Za-z_][\w.\-]{0,80})(?P=kq)[ \t]*,[ \t]*(?P<q>[\"'])(?P<qv>[^\"'\n]{1,400})(?P=q)"
K8S_ENV = (
    r"\bname:[ \t]*[\"']?(?P<key>[\w.\-]{1,80})[\"']?[ \t]*\r?\n[ \t]*value:[ \t]*"
    r"(?:(?P<q>[\"'])(?P<qv>[^\n]{1,400}?)(?P=q)|(?P<bv>[^\s\"']{1,400}))"
)
# <entry key="db.password">…</entry>, <property name="password">…</property>
XML_NAMED = (
    r"(?i)<(?P<tag>[\w.\-]+)[ \t]+(?:key|name)=\"(?P<key>[^\"]{1,80})\"[^>\n]*>(?P<qv>[^<>\s]{4,400})</(?P=tag)>"
)
XML_ELEMENT = r"<(?P<key>[A-Za-z_][\w.\-]{0,80})>\s*(?P<qv>[^<>\s]{4,400})\s*</(?P=key)>"
K8S_DATA = r"(?m)^(?P<ind>[ \t]*)(?:data|stringData):[ \t]*\n(?P<block>(?:(?P=ind)[ \t]+[^\n]*(?:\n|$))+)"
_K8S_VALUE = re.compile(r"^[ \t]+[\w.\-]+:[ \t]*['\"]?([^\s'\"#]{4,})", re.M)
_KIND_SECRET = re.compile(r"(?im)^\s*kind:\s*['\"]?secret\b")
_DOCUMENT_START = re.compile(r"(?m)^---(?=[ \t\r\n]|$)")  # YAML's document separator (not a PEM's -----)
# Bundler reads host credentials from BUNDLE_<HOST> variables (BUNDLE_GEMS__EXAMPLE__COM=user:pass)
BUNDLER = r"\bBUNDLE_[A-Z0-9_]*__[A-Z0-9_]+[\"']?[ \t]*[:=][ \t]*[\"']?(?P<s>[^\s\"':]+:[^\s\"']+)"
CLI_FLAG = r"(?<!\S)--?(?P<key>[A-Za-z][\w\-]{0,40})[ \t]+(?P<bv>[^\s\"'`-][^\s\"'`]{3,400})"
AZURE_SAS = r"[?&]sig=(?P<s>[A-Za-z0-9%+/=]{20,})"
# What may stand before a key that starts a config line: indentation, a list dash, ``export``, a
# comment mark, and the dotted prefix of a key's last segment (``user.email=``, for ``_options``)
_LINE_START = re.compile(r"[ \t]*(?:export[ \t]+|-[ \t]+|#[ \t]*)?(?:[\w\-]+\.)*")
_COMMENT = re.compile(r"[ \t]#")
_PAIR_MARK = re.compile(r"[=:;&]")
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _label_for(key: str) -> str:
    joined = "".join(ck.key_words(key))
    for word, label in (("pass", "password"), ("pwd", "password"), ("token", "token"), ("secret", "secret"),
                        ("cred", "credential"), ("auth", "token")):
        if word in joined:
            return label
    return "key"


def _trim(value: str) -> str:
    """Drop closing brackets that belong to the surrounding code, not to the value."""
    value = value.rstrip(",")
    while value and value[-1] in _CLOSERS and value.count(value[-1]) > value.count(_CLOSERS[value[-1]]):
        value = value[:-1]
    return value


def _kv_spans(m: re.Match[str]) -> Iterator[Span]:
    """The value of a secret-like key, if it looks like a real value and not a placeholder."""
    key = m.group("key")
    strength = ck.key_strength(key)
    groups = m.groupdict()
    sep = groups.get("sep")
    if strength == ck.DENIED or (sep in ("", "(") and strength != ck.STRONG):
        return
    if sep == ":" and m.string[m.end("sep"):m.end("sep") + 1] not in (" ", "\t") and _glued_segment(m, key):
        return  # arn:aws:…:secret:prod/db, io.jsonwebtoken:jjwt
    name = "qv" if groups.get("qv") is not None else "bv"
    start, end = m.span(name)
    if sep == "(" and _user_argument(m, key, end):
        return
    shape = ck.vendor_shape(key)
    if strength == ck.NEUTRAL and end - start < 24 and shape is None:  # the common case in logs
        return
    if name == "bv":
        end = start + len(_trim(m.group(name)))
        if _code_expression(m, sep, end) or _not_literal(m, key, start, end):
            return
        if strength == ck.STRONG and sep in (":", "=") and not groups.get("kq"):
            end = to_end_of_config_line(m.string, m.start("key"), end)
    value = m.string[start:end]
    if groups.get("q") == "`" and any(c.isspace() for c in value):
        return  # `etcdctl get /x`: a shell command substitution, not a value
    if shape is not None:  # the vendor's documented shape decides, both ways
        secret = ck.vendor_credential(value, shape, strength)
    else:
        secret = ck.plausible_secret(value, strength) and not ck.is_identifier(key, value)
    if secret and not _names_itself(key, value):
        yield start, end, _label_for(key)


_STATEMENT_END = re.compile(r";[ \t]*\r?$", re.M)
_YAML_TAG = re.compile(r"!!?[A-Za-z][\w:]*[ \t]+\S")
_STATUS_WORD = re.compile(r"[a-z]{2,}(?:ed|ing)|reset|invalid|incorrect|wrong")
_NEXT_WORD = re.compile(r"[ \t]+[a-z]{2,}\b(?![=:])")
_NEXT_ARGUMENT = re.compile(r"[\"'`][ \t]*,")
_SECRET_WORDS = ("pass", "pwd", "secret", "token", "key")


def _user_argument(m: re.Match[str], key: str, end: int) -> bool:
    """``HTTPBasicAuth("svc", pw)``, ``login("svc", pw)``: the first of several arguments of a call
    named for authentication is the user; a call named for the secret takes the secret first."""
    joined = "".join(ck.key_words(key))
    return _NEXT_ARGUMENT.match(m.string, end) is not None and not any(w in joined for w in _SECRET_WORDS)


def _glued_segment(m: re.Match[str], key: str) -> bool:
    """``key:value`` with no space is no pair when it is one segment of a colon path
    (``arn:aws:secretsmanager:…:secret:prod/db``) or a Maven coordinate (``io.jsonwebtoken:jjwt``)."""
    return m.string[m.start("key") - 1:m.start("key")] == ":" or ck.is_group_id(key)


def _not_literal(m: re.Match[str], key: str, start: int, end: int) -> bool:
    """A bare value that is no literal: a YAML tag and its argument (``secret: !vault |``,
    ``!Ref DbPassword``), or, after a key for a machine-made secret in the middle of a sentence,
    the sentence's next word (``Invalid token: signature verification failed``). A password can be
    a word, so after a password key only a status word is (``INFO password: updated``)."""
    text = m.string
    if _YAML_TAG.match(text, start):
        return True
    value = text[start:end]
    if not (value.isalpha() and value.islower() and ck.is_wordy(value)):
        return False
    line_start = text.rfind("\n", 0, m.start("key")) + 1
    if _LINE_START.fullmatch(text, line_start, m.start("key")):
        return False
    if _STATUS_WORD.fullmatch(value):  # JWT token: malformed
        return True
    return _label_for(key) != "password" and _NEXT_WORD.match(text, end) is not None


def _code_expression(m: re.Match[str], sep: str | None, end: int) -> bool:
    """A bare (unquoted) value in code syntax is an expression, not a literal: the right side of
    ``=>`` (Perl, PHP, Ruby hashes), a tuple or call (``auth=(user, password)``) or the right side of
    a spaced `` = `` statement ended by ``;`` (C family)."""
    if sep == "=>" or m.string[m.start("bv"):m.start("bv") + 1] == "(":
        return True
    if sep != "=" or m.string[m.start("sep") - 1:m.start("sep")] not in (" ", "\t"):
        return False
    return _STATEMENT_END.match(m.string, end) is not None


def _names_itself(key: str, value: str) -> bool:
    """``PASSWORD_FIELD = "password-field"``: a constant holding its own name, not a secret."""
    k, v = (re.sub(r"[^a-z0-9]", "", x.lower()) for x in (key, value))
    return len(v) >= 8 and v in k


def to_end_of_config_line(text: str, key_start: int, end: int) -> int:
    """Where a bare value ending at ``end`` really ends: a key that starts a config line (YAML, ini,
    .env) takes plain words up to the end of the line (``password: correct horse battery``), but no
    comment after them and nothing when further ``key=value`` pairs follow."""
    line_start = text.rfind("\n", 0, key_start) + 1
    if key_start - line_start > 40 or not _LINE_START.fullmatch(text, line_start, key_start):
        return end
    eol = text.find("\n", end)
    rest = text[end:len(text) if eol < 0 else eol]
    comment = _COMMENT.search(rest)
    rest = rest[:len(rest) if comment is None else comment.start()].rstrip(" \t\r,;\"'`")
    return end + len(rest) if rest and not _PAIR_MARK.search(rest) else end


def _directive_spans(m: re.Match[str]) -> Iterator[Span]:
    """A directive's value is a secret under a strong key, on a line of its own, and not a word
    (``Password incorrect``, ``Token expired.`` are messages)."""
    text, key_start, value = m.string, m.start("key"), m.group("bv").rstrip(".,!?")
    line_start = text.rfind("\n", 0, key_start) + 1
    if text[line_start:key_start].strip(" \t") or (value.isalpha() and ck.is_wordy(value)):
        return
    if ck.key_strength(m.group("key")) == ck.STRONG:
        yield from _kv_spans(m)


def _cli_spans(m: re.Match[str]) -> Iterator[Span]:
    if ck.key_strength(m.group("key")) == ck.STRONG:
        yield from _kv_spans(m)


def _k8s_secret_spans(m: re.Match[str]) -> Iterator[Span]:
    """Every value under ``data:``/``stringData:`` of a Kubernetes Secret manifest: the YAML document
    holding the block (between ``---`` lines) says ``kind: Secret``, before or after it."""
    text, start = m.string, 0
    for start_m in _DOCUMENT_START.finditer(text, 0, m.start()):
        start = start_m.end()
    end_m = _DOCUMENT_START.search(text, m.end())
    if not _KIND_SECRET.search(text, start, len(text) if end_m is None else end_m.start()):
        return
    for vm in _K8S_VALUE.finditer(m.group("block")):
        value = vm.group(1)
        if not ck.is_placeholder(value):
            yield m.start("block") + vm.start(1), m.start("block") + vm.end(1), "k8s-secret"
