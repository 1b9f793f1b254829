"""Rules for personal data: emails, IPv4/IPv6 addresses, Luhn-valid card numbers, phone numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from fivewhys.redact import _checks as ck

if TYPE_CHECKING:
    from fivewhys.redact._rules import Span

# user@host:path is an SSH/SCP target (git@github.com:acme/api.git), not an email address
# not after "//": ssh://git@host/repo names an account on a host, no mailbox; and not a host cut short
# (git@gitlab.example.com:… must not end at gitlab.example)
EMAIL = r"(?<![\w.%+\-])(?<!//)[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,24}|xn--[a-z0-9\-]{2,30})(?![\w\-]|\.[A-Za-z0-9]|:[\w~/.])"
IPV4 = r"(?<![\w.])(?P<s>(?:\d{1,3}\.){3}\d{1,3})(?![\w]|\.\d)"
IPV6 = r"(?<![\w:.])(?P<s>[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?:%[\w.]+)?)(?![\w:]|\.\d)"
# Cards as printed: unbroken, or in groups of four or more (4-4-4-4, Amex 4-6-5), a short last group;
# a run that goes on with -<letter> is a UUID whose first groups happen to be digits
CARD = r"(?<![\w.\-/])(?<!\d[ \-])(?P<s>\d{4,19}(?:[ \-]\d{4,19}){0,24}(?:[ \-]\d{3})?)(?![\w.]|[ \-]\d|-\w)"
_DIGIT_GROUP = re.compile(r"\d+")
_CARD_CONTEXT = re.compile(r"(?i)(card|pan|cc|credit|visa|amex|mastercard)\w*[\"']?\s*[:=]\s*[\"']?$")
PHONE = (
    r"(?<![\w+\-.:/#])(?P<s>\+\d{1,3}(?:[ .\-]?\(?\d{1,4}\)?){1,5}[ .\-]?\d{2,5}"
    r"|\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}"
    r"|\d{3}[.\-]\d{3}[.\-]\d{4}"
    r"|0\d{1,2}-\d{3,4}-\d{4}|0\d-\d{7})(?![\w\-]|\.\d)"
)
# Named by a word before it (tel:+1-202-…), a number may also be written nationally: unbroken,
# (425) 882 9090, 020 7946 0958. The word's letters are bounded and never given back (what follows
# them starts with no letter): on phonephonephone… each start would otherwise scan the whole run.
PHONE_CONTEXT = (
    r"(?i)(?:phone|mobile|cell|tel|sms|call|whatsapp|number|contact)[a-z]{0,24}+(?:_?(?:number|num|no))?\.?"
    r"(?:[ \t]+(?:is|number|no\.?)){0,2}[ \t]*[:=]?[ \t]*"
    r"(?P<s>\+?1?[3-9]\d{9,10}|\+\d{1,3}(?:[ .\-]?\d{1,4}){2,5}|\(?[2-9]\d{2}\)?[ .\-]\d{3}[ .\-]\d{4}"
    r"|0\d{1,4}[ \-]\d{3,4}(?:[ \-]?\d{3,4})?)(?!\d)"
)


def _card_spans(m: re.Match[str]) -> Iterator[Span]:
    """Every card in a run of digit groups (a log line may list several numbers in a row)."""
    value, base = m.group("s"), m.start("s")
    groups = [g.span() for g in _DIGIT_GROUP.finditer(value)]
    i = 0
    while i < len(groups):
        for j in range(len(groups) - 1, i - 1, -1):  # the longest card first
            start, end = groups[i][0], groups[j][1]
            if ck.card_ok(value[start:end]) and not _field_number(m.string, base + start, value[start:end]):
                yield base + start, base + end, "CARD"
                i = j
                break
        i += 1


def _field_number(text: str, start: int, value: str) -> bool:
    """A plain run of digits as the value of a named field (bytes_sent=..., order_number=...) is
    that field's value; only card-like keys make it a card."""
    before = text[max(0, start - 40, text.rfind("\n", 0, start) + 1):start]
    return value.isdigit() and bool(re.search(r"[\w\"'][\"']?\s*[:=]\s*[\"']?$", before)) and not _CARD_CONTEXT.search(before)


_VERSION_WORD = re.compile(r"(?i)\b(?:version|ver|release|build|firmware)[ \t:=]{0,3}$")


def _ipv4_spans(m: re.Match[str]) -> Iterator[Span]:
    """A dotted quad is an address unless a version word names it (``version 1.2.3.4``)."""
    start = m.start("s")
    before = m.string[max(0, m.string.rfind("\n", 0, start) + 1, start - 12):start]
    if ck.ipv4_ok(m.group("s")) and not _VERSION_WORD.search(before):
        yield start, m.end("s"), "IP"


def _phone_ok(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return 7 <= digits <= 15


def _national_phone_ok(value: str) -> bool:
    """Without a country code a number needs 9+ digits: fewer are counts, codes and ids."""
    return 9 <= sum(c.isdigit() for c in value) <= 15
