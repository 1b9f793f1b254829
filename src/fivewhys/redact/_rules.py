"""The rule table: named patterns, each with the group to replace and the check that confirms it.

Rules are data. A rule finds candidate spans with one compiled regex; an optional check (from
``_checks``) or span function decides what, if anything, in the match is sensitive. Earlier rules
win when spans overlap, so the table is ordered from the most specific (a documented token prefix)
to the most generic (a secret-looking value next to a secret-looking key, then personal data).

Token formats below are the vendors' documented prefixes and lengths; no rule is keyed to a
sample value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from fivewhys.redact import _checks as ck
from fivewhys.redact._gate import Gate

Span = tuple[int, int, str]
"""(start, end, label) of one value to replace."""

SpanFn = Callable[[re.Match[str]], Iterator[Span]]


Mode = Literal["at", "key", "line", "whole"]


@dataclass(frozen=True)
class Rule:
    """One named pattern.

    Attributes:
        label: the placeholder type: ``aws-access-key`` gives ``<SECRET:aws-access-key#1>``;
            an upper-case label is personal data and gives ``<EMAIL#1>``.
        pattern: the regex source; the named group ``s`` (else the whole match) is replaced.
        check: confirms a match (gets the text of group ``s``); None accepts every match.
        spans: replaces the default "group s" logic for rules that yield several values
            (cookies) or choose the label from the match (key = value).
        flags: regex flags.
        triggers: literals one of which occurs in every match (see ``_gate``).
        icase: the triggers are matched ignoring ASCII case.
        mode: ``at`` (every match starts at a trigger), ``key`` (a match starts at the identifier
            holding the trigger, or one character before it: a quote, ``<``, ``$``), ``line``
            (matches lie on a trigger's line, or up to ``after`` lines below it) or ``whole`` (run
            on the whole text once triggered).
        after: for ``line`` rules, how many lines below a trigger a match may reach.
        gate: finds trigger positions for a pattern without a usable literal (digits, addresses).
        near: a lookaround-free regex (Hyperscan syntax, ASCII classes, ``(?i)`` in front to
            ignore case) that every match contains; the lines it covers are all the rule sees
            (see ``_lines``). Derived from ``pattern`` for the documented prefixes.
        first: for ``key`` rules, the characters a match can start with ("" for any): the other
            places around a key are skipped without calling the regex.
    """

    label: str
    pattern: str
    check: Callable[[str], bool] | None = None
    spans: SpanFn | None = None
    flags: int = 0
    triggers: tuple[str, ...] = ()
    icase: bool = False
    mode: Mode = "line"
    after: int = 0
    gate: Gate | None = None
    near: str = ""
    first: str = ""
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern, self.flags))

    def find(self, text: str) -> Iterator[Span]:
        """Yield the spans this rule redacts anywhere in ``text``."""
        for m in self.regex.finditer(text):
            yield from self.spans_of(m)

    def spans_of(self, m: re.Match[str]) -> Iterator[Span]:
        """The spans one match redacts."""
        if self.spans is not None:
            yield from self.spans(m)
            return
        group = "s" if "s" in self.regex.groupindex else 0
        value = m.group(group)
        if value and (self.check is None or self.check(value)):
            yield m.start(group), m.end(group), self.label


def _not_mask(value: str) -> bool:
    """A prefixed token made of one repeated filler (``ghp_xxxx…``) is documentation, not a key."""
    body = value.split("_", 1)[-1] if "_" in value[:12] else value
    return not (ck.is_placeholder(body) or ck.entropy(body) < 2.5 or re.search(r"(.)\1{7,}", body))


_FILLER = re.compile(r"([A-Za-z*#])\1{5,}")
_ALPHABET = re.compile("|".join("abcdefghijklmnopqrstuvwxyz"[i:i + 4] for i in range(23)), re.I)


def _slack_ok(value: str) -> bool:
    """Slack tokens are ``xox?-`` then numeric ids (any digits, ``1111111`` included) and a random
    part that holds a digit; made-up ones use words, fillers or the alphabet (``xoxb-abcd-…``)."""
    body = value.split("-", 1)[-1]
    last = body.rsplit("-", 1)[-1]
    return (any(c.isdigit() for c in last) and not _FILLER.search(body)
            and not _ALPHABET.search(body) and not ck.is_placeholder(last))


_BEDROCK_HOST = "YmVkcm9jay5hbWF6b25hd3MuY29t"  # base64("bedrock.amazonaws.com")


def _bedrock_short_ok(value: str) -> bool:
    """A short-lived Bedrock key is the base64 of a presigned bedrock.amazonaws.com URL."""
    return value.removeprefix("bedrock-api-key-").startswith(_BEDROCK_HOST) and _not_mask(value)


def _random_not_words(value: str) -> bool:
    """For short, common prefixes (``hf_``, ``xoxb-``) a body of words is an identifier."""
    return _not_mask(value) and not ck.is_wordy(value.split("_", 1)[-1].split("-", 1)[-1])


def _random(value: str) -> bool:
    return ck.looks_random(value) and _not_mask(value)


# --------------------------------------------------------------------------- documented prefixes
# (label, pattern); every token is checked with _not_mask so doc fillers ("xxxx") stay.
_B = r"(?<![A-Za-z0-9_\-])"  # token start: not inside a longer word
_E = r"(?![A-Za-z0-9_\-])"  # token end
PREFIXED: list[tuple[str, tuple[str, ...], str] | tuple[str, tuple[str, ...], str, Mode]] = [
    ("aws-access-key", ('AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'APKA', 'A3T'), _B + r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|A3T[A-Z0-9])[A-Z0-9]{16}" + _E),
    ("aws-bedrock-key", ('ABSK',), _B + r"ABSK[A-Za-z0-9+/]{60,}={0,2}"),
    ("aws-bedrock-key", ('bedrock-api-key-',), r"bedrock-api-key-[A-Za-z0-9+/]{20,}={0,2}"),
    ("github-token", ('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'), _B + r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}" + _E),
    ("github-token", ('github_pat_',), _B + r"github_pat_[A-Za-z0-9_]{40,}"),
    # GitLab's documented lengths: trigger tokens 40, incoming-mail 25, agent 50+, OAuth secrets 64
    ("gitlab-token", ('glpat-', 'gldt-', 'glrt-', 'glcbt-', 'glsoat-', 'glffct-', 'glft-', 'glrtr-', 'glwt-'), _B + r"gl(?:pat|dt|rt|cbt|soat|ffct|ft|rtr|wt)-[A-Za-z0-9_\-.]{20,}"),
    ("gitlab-token", ('glptt-',), _B + r"glptt-[A-Za-z0-9_\-]{40}" + _E),
    ("gitlab-token", ('glimt-',), _B + r"glimt-[A-Za-z0-9_\-]{25}" + _E),
    ("gitlab-token", ('glagent-',), _B + r"glagent-[A-Za-z0-9_\-]{50,}"),
    ("gitlab-token", ('gloas-',), _B + r"gloas-[A-Za-z0-9_\-]{64}" + _E),
    ("gitlab-token", ('GR1348941',), _B + r"GR1348941[A-Za-z0-9_\-]{20,}"),
    # possessive, then "ends on a letter or digit": a token cut by a mask (-####) is an example
    ("slack-token", ('xox',), _B + r"xox[abposre]-(?:[0-9]+-)?[A-Za-z0-9\-]{10,}+(?<=[A-Za-z0-9])(?![#*])"),
    ("slack-token", ('xoxe.',), _B + r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{20,}"),
    ("slack-webhook", ('hooks.slack.com/',), r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9+/_\-]{20,})"),
    ("stripe-key", ('sk_', 'rk_'), _B + r"(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,}"),
    ("stripe-key", ('whsec_',), _B + r"whsec_[A-Za-z0-9+/]{20,}"),
    ("twilio-key", ('SK',), _B + r"SK[0-9a-fA-F]{32}" + _E),
    ("sendgrid-key", ('SG.',), _B + r"SG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}"),
    # sk-ant-api03- / sk-ant-admin01-: 93 characters, then "AA"
    ("anthropic-key", ('sk-ant-',), _B + r"sk-ant-[a-z]+\d\d-[A-Za-z0-9_\-]{93}AA" + _E),
    # every current OpenAI key holds "T3BlbkFJ", base64 of "OpenAI"
    ("openai-key", ('sk-',), _B + r"sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}"),
    ("openai-key", ('sk-',), _B + r"sk-[A-Za-z0-9]{48}" + _E),
    ("huggingface-token", ('hf_',), _B + r"hf_[A-Za-z0-9]{30,}" + _E),
    ("huggingface-token", ('api_org_',), _B + r"api_org_[A-Za-z0-9]{30,}" + _E),
    ("llm-api-key", ('pplx-', 'pplx_', 'gsk-', 'gsk_', 'xai-', 'xai_'), _B + r"(?:pplx|gsk|xai)[-_][A-Za-z0-9]{40,}"),
    ("llm-api-key", ('r8_',), _B + r"r8_[A-Za-z0-9]{37}" + _E),
    ("gcp-api-key", ('AIza',), _B + r"AIza[A-Za-z0-9_\-]{35}" + _E),
    ("azure-client-secret", ('Q~',), _B + r"[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}" + r"(?![A-Za-z0-9_~.\-])", "line"),
    ("jwt", ('ey',), _B + r"ey[A-Za-z0-9_\-]{10,}\.ey[A-Za-z0-9_/\\\-]{10,}(?:\.[A-Za-z0-9_/\\+\-]+={0,2})?"),
    ("npm-token", ('npm_',), _B + r"npm_[A-Za-z0-9]{36}" + _E),
    ("pypi-token", ('pypi-AgE',), _B + r"pypi-AgE[A-Za-z0-9_\-]{50,}"),
    ("digitalocean-token", ('dop_v1_', 'dor_v1_', 'doo_v1_'), _B + r"do[opr]_v1_[a-f0-9]{64}" + _E),
    ("shopify-token", ('shpat_', 'shpca_', 'shppa_', 'shpss_'), _B + r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}" + _E),
    ("vault-token", ('hvs.', 'hvb.', 'hvr.'), _B + r"hv[sbr]\.[A-Za-z0-9_\-]{20,}"),
    ("doppler-token", ('dp.',), _B + r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}"),
    # org tokens: sntrys_, a base64 JSON payload, "_", a 43-character secret
    ("sentry-token", ('sntrys_',), _B + r"sntrys_eyJ[A-Za-z0-9+/=]{40,}_[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/])"),
    ("sentry-token", ('sntryu_',), _B + r"sntryu_[a-f0-9]{64}" + _E),
    ("grafana-token", ('glc_', 'glsa_'), _B + r"gl(?:c|sa)_[A-Za-z0-9+/=_]{32,}"),
    ("databricks-token", ('dapi',), _B + r"dapi[a-f0-9]{32}(?:-\d)?" + _E),
    ("atlassian-token", ('ATATT3',), _B + r"ATATT3[A-Za-z0-9_\-=]{100,}"),
    ("linear-key", ('lin_api_',), _B + r"lin_api_[A-Za-z0-9]{40}" + _E),
    ("newrelic-key", ('NRAK-', 'NRJS-', 'NRII-', 'NRRA-'), _B + r"NR(?:AK|JS|II|RA)-[A-Za-z0-9]{19,32}" + _E),
    ("postman-key", ('PMAK-',), _B + r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}" + _E),
    ("pulumi-token", ('pul-',), _B + r"pul-[a-f0-9]{40}" + _E),
    ("prefect-token", ('pnu_',), _B + r"pnu_[A-Za-z0-9]{36}" + _E),
    ("mailgun-key", ('key-',), _B + r"key-[a-f0-9]{32}" + _E),
    ("mailchimp-key", ('-us',), _B + r"[a-f0-9]{32}-us\d{1,2}" + _E, "line"),
    ("artifactory-key", ('AKCp',), _B + r"AKCp[A-Za-z0-9]{69}" + _E),
    ("openshift-token", ('sha256~',), _B + r"sha256~[A-Za-z0-9_\-]{43}" + _E),
    ("telegram-token", (':AA',), _B + r"\d{8,10}:AA[A-Za-z0-9_\-]{33}" + _E, "line"),
    ("heroku-key", ('HRKU-',), _B + r"HRKU-[A-Za-z0-9_\-]{40,}"),
    ("onepassword-key", ('A3-',), _B + r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}" + _E),
    ("onepassword-token", ('ops_eyJ',), _B + r"ops_eyJ[A-Za-z0-9+/=]{100,}"),
    ("easypost-token", ('EZAK', 'EZTK'), _B + r"EZ[AT]K[A-Za-z0-9]{54}" + _E),
    ("notion-token", ('ntn_',), _B + r"ntn_\d{11}[A-Za-z0-9]{35}" + _E),
    ("facebook-token", ('EAA',), _B + r"EAA[A-Za-z0-9]{100,}" + _E),
    ("facebook-token", ('|', '%7C'), _B + r"\d{15,16}(?:\||%7C)[A-Za-z0-9_\-]{27}" + _E, "line"),
    ("flyio-token", ('fo1_', 'fm1', 'fm2'), _B + r"(?:fo1_[A-Za-z0-9_\-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3})"),
    ("plaid-token", ('access-',), _B + r"access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" + _E),
    ("teams-webhook", ('webhook.office.com/',), r"webhook\.office\.com/webhookb2/(?P<s>[A-Za-z0-9\-]+@[A-Za-z0-9\-]+/IncomingWebhook/[A-Za-z0-9]+/[A-Za-z0-9\-]+)"),
    ("sourcegraph-token", ('sgp_',), _B + r"sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}" + _E),
    ("square-token", ('sq0atp-', 'sq0csp-'), _B + r"sq0(?:atp|csp)-[A-Za-z0-9_\\\-]{22,60}"),
    ("shippo-token", ('shippo_',), _B + r"shippo_(?:live|test)_[a-fA-F0-9]{40}" + _E),
    ("planetscale-token", ('pscale_',), _B + r"pscale_(?:tkn|oauth|pw)_[A-Za-z0-9=._\-]{32,64}"),
    ("yandex-token", ('t1.', 'YC', 'AQVN'), _B + r"(?:t1\.[A-Za-z0-9_\-]+=*\.[A-Za-z0-9_\-]{86}=*|YC[A-Za-z0-9_\-]{38}|AQVN[A-Za-z0-9_\-]{35,38})" + _E),
    ("dynatrace-token", ('dt0c01.',), _B + r"dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}" + _E),
    ("flutterwave-key", ('FLWPUBK_TEST-', 'FLWSECK_TEST-'), _B + r"FLW(?:PUBK|SECK)_TEST-[a-hA-H0-9]{12,32}(?:-X)?" + _E),
    ("telegram-token", (':A',), _B + r"\d{5,16}:A[A-Za-z0-9_\-]{34}" + _E, "line"),
    ("adobe-secret", ('p8e-',), _B + r"p8e-[A-Za-z0-9]{32}" + _E),
    ("cloudflare-key", ('v1.0-',), _B + r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}" + _E),
    ("intra42-secret", ('s-s4t2',), _B + r"s-s4t2(?:ud|af)-[a-f0-9]{64}" + _E),
    # app-only bearer tokens: 22 "A"s, then URL-encoded base64
    ("twitter-token", ("A" * 22,), _B + r"A{22}[A-Za-z0-9%]{80,100}" + _E),
    ("age-secret-key", ('AGE-SECRET-KEY-1',), _B + r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}" + _E),
]


def _twitter_ok(value: str) -> bool:
    """The part after the run of "A"s is the random one."""
    return _random(value.lstrip("A"))


_WORDY_PREFIXES = frozenset({"huggingface-token"})
_CHECKS: dict[str, Callable[[str], bool]] = {"slack-token": _slack_ok, "twitter-token": _twitter_ok}

# --------------------------------------------------------------------------- private keys
_PEM_HEAD = r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
PEM_FULL = _PEM_HEAD + r"(?P<s>(?:(?!-----)[\s\S]){12,20000}?)-----END[ A-Z0-9]*PRIVATE KEY"
# A key cut off by a log line limit: redact up to a blank line or the end of the text.
PEM_CUT = _PEM_HEAD + r"(?P<s>(?:(?!-----)[^\n]|\n(?![ \t]*\n)){12,8000})"


def _pem_body(value: str) -> bool:
    return len(re.sub(r"\s|\\n|\\r", "", value)) >= 12


# --------------------------------------------------------------------------- credentials in commands/URLs
URL_CREDS = (
    r"(?i)\b[a-z][a-z0-9+.\-]{1,20}://"
    r"(?P<s>[^\s:/?#@\"'<>\[\]]*:[^\s/?#\"'<>]+)@(?=[A-Za-z0-9\[_])"
)
CURL_USER = r"(?:\s-u|--user)[ \t]+(?P<q>[\"']?)(?P<s>[^\s\"':]*:[^\s\"']*|[^\s\"':]+:)(?P=q)"


def _userinfo_ok(value: str) -> bool:
    """user:password is a credential unless either half is a placeholder or the pair is a demo."""
    user, _, password = value.partition(":")
    secret = password or user
    variable = user.startswith("$") or password.startswith("$") or re.search(r"[<>\[\]{}]", value)
    if variable or ck.is_placeholder(secret) or re.fullmatch(r"(.)\1*", secret):
        return False
    return ck.has_alnum(secret) and not (user == password and len(secret) < 8)


# --------------------------------------------------------------------------- headers
HEADER = (
    r"(?i)(?<![\w-])(?P<h>(?:proxy-)?authorization|x-[a-z\-]*(?:api-?key|token|secret|auth)[a-z\-]*|api-?key)"
    r"\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?[ \t]*"
    r"(?:(?P<scheme>bearer|basic|token|bot|digest|negotiate|ntlm|apikey|key|sso-key|ssws|oauth)[ \t]+)?"
    r"(?!(?i:bearer|basic|token|digest)\b)(?P<s>[^\s\"'\\,;]{4,})"
)
COOKIE = r"(?i)(?<![\w-])(?P<h>set-cookie|cookie)\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?(?P<v>[^\n\"'\\]+)"
_COOKIE_PAIR = re.compile(r"(?:^|;)\s*([^=;\s]+)=([^;]*)")
_COOKIE_ATTRS = frozenset("path domain expires max-age samesite secure httponly priority version comment".split())


def _header_spans(m: re.Match[str]) -> Iterator[Span]:
    value = m.group("s")
    if ck.key_strength(m.group("h")) != ck.DENIED and ck.plausible_secret(value, ck.STRONG):
        yield m.start("s"), m.end("s"), "auth-header"


def _cookie_spans(m: re.Match[str]) -> Iterator[Span]:
    """Every cookie value in a Cookie header, the first one in Set-Cookie (the rest are attributes)."""
    base = m.start("v")
    first_only = m.group("h").lower() == "set-cookie"
    for pm in _COOKIE_PAIR.finditer(m.group("v")):
        name, value = pm.group(1), pm.group(2).strip()
        if name.lower() in _COOKIE_ATTRS:
            continue
        if len(value) >= 8 and not ck.is_placeholder(value):
            start = base + pm.start(2) + (len(pm.group(2)) - len(pm.group(2).lstrip()))
            yield start, start + len(value), "cookie"
        if first_only:
            return


# --------------------------------------------------------------------------- key = value
# possessive: a key is never re-tried at shorter lengths (that backtracking cost 100x in speed)
_KEY = r"(?<![\w.\-@=$])\$?(?P<key>-{0,2}+[A-Za-z0-9_][\w.\-]{0,80}+)"
# Go/C declarations put a type between the name and the "=": var fooToken string = "..."
_TYPE = r"(?:[ \t]+(?:string|String|str|char|bytes|\[\]byte)\b)?"
_SEP = (
    r"(?P<kq>\\?[\"'])?(?:\[\d*\])?" + _TYPE + r"[ \t]*"
    r"(?P<sep>:::=|::=|:=|=>|\?=|\.=|\+=|!==?|===?|=|:(?!:)|\((?=\s*[\"'`])|(?<=[\w\"'])(?=[ \t]+[\"'`]))[ \t]*@?"
)
# The value is a lookahead so that a rejected pair (url=...) does not hide a key inside its value.
_VALUE = r"(?=(?P<q>\\?[\"'`])(?P<qv>[^\n]{1,400}?)(?P=q)|(?P<bv>(?:[^\s\"'`,;\\&]|&(?!\w+=)|,(?![ \t]*\w[\w.\-]*[=:])){1,400}))"
ASSIGN = _KEY + _SEP + _VALUE
REVERSED = r"(?P<q>[\"'`])(?P<qv>[^\"'`\n]{1,400})(?P=q)[ \t]*(?:===?|!==?)[ \t]*(?P<key>[A-Za-z_][\w.]{0,80})"
XML_KV = r"(?i)\b(?:key|name)=\"(?P<key>[^\"]{1,80})\"\s+value=\"(?P<qv>[^\"]{1,400})\""
KEY_COMMA = r"(?P<kq>[\"'])(?P<key>[A-Za-z_][\w.\-]{0,80})(?P=kq)[ \t]*,[ \t]*(?P<q>[\"'])(?P<qv>[^\"'\n]{1,400})(?P=q)"
K8S_ENV = (
    r"\bname:[ \t]*[\"']?(?P<key>[\w.\-]{1,80})[\"']?[ \t]*\r?\n[ \t]*value:[ \t]*"
    r"(?:(?P<q>[\"'])(?P<qv>[^\n]{1,400}?)(?P=q)|(?P<bv>[^\s\"']{1,400}))"
)
XML_ELEMENT = r"<(?P<key>[A-Za-z_][\w.\-]{0,80})>\s*(?P<qv>[^<>\s]{4,400})\s*</(?P=key)>"
K8S_DATA = r"(?m)^(?P<ind>[ \t]*)(?:data|stringData):[ \t]*\n(?P<block>(?:(?P=ind)[ \t]+[^\n]*(?:\n|$))+)"
_K8S_VALUE = re.compile(r"^[ \t]+[\w.\-]+:[ \t]*['\"]?([^\s'\"#]{4,})", re.M)
# Bundler reads host credentials from BUNDLE_<HOST> variables (BUNDLE_GEMS__EXAMPLE__COM=user:pass)
BUNDLER = r"\bBUNDLE_[A-Z0-9_]*__[A-Z0-9_]+[\"']?[ \t]*[:=][ \t]*[\"']?(?P<s>[^\s\"':]+:[^\s\"']+)"
CLI_FLAG = r"(?<!\S)--?(?P<key>[A-Za-z][\w\-]{0,40})[ \t]+(?P<bv>[^\s\"'`-][^\s\"'`]{3,400})"
AZURE_SAS = r"[?&]sig=(?P<s>[A-Za-z0-9%+/=]{20,})"
_LINE_START = re.compile(r"[ \t]*(?:export[ \t]+|-[ \t]+|#[ \t]*)?")
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
    if sep == ":" and m.string[m.end("sep"):m.end("sep") + 1] not in (" ", "\t") and ck.is_group_id(key):
        return
    name = "qv" if groups.get("qv") is not None else "bv"
    start, end = m.span(name)
    shape = ck.vendor_shape(key)
    if strength == ck.NEUTRAL and end - start < 24 and shape is None:  # the common case in logs
        return
    if name == "bv":
        end = start + len(_trim(m.group(name)))
        if _code_expression(m, sep, end):
            return
        if strength == ck.STRONG and sep in (":", "=") and not groups.get("kq"):
            end = _to_end_of_config_line(m, end)
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


def _code_expression(m: re.Match[str], sep: str | None, end: int) -> bool:
    """A bare (unquoted) value in code syntax is an expression, not a literal: the right side of
    ``=>`` (Perl, PHP, Ruby hashes) or of a spaced `` = `` statement ended by ``;`` (C family)."""
    if sep == "=>":
        return True
    if sep != "=" or m.string[m.start("sep") - 1:m.start("sep")] not in (" ", "\t"):
        return False
    return _STATEMENT_END.match(m.string, end) is not None


def _names_itself(key: str, value: str) -> bool:
    """``PASSWORD_FIELD = "password-field"``: a constant holding its own name, not a secret."""
    k, v = (re.sub(r"[^a-z0-9]", "", x.lower()) for x in (key, value))
    return len(v) >= 8 and v in k


def _to_end_of_config_line(m: re.Match[str], end: int) -> int:
    """A bare value of a key that starts a config line (YAML, ini) runs to the end of the line."""
    text, key_start = m.string, m.start("key")
    line_start = text.rfind("\n", 0, key_start) + 1
    if key_start - line_start > 40 or not _LINE_START.fullmatch(text, line_start, key_start):
        return end
    eol = text.find("\n", end)
    rest = text[end:len(text) if eol < 0 else eol].rstrip(" \t\r,;\"'`")
    # only plain words follow (a passphrase), not further key=value pairs
    return end + len(rest) if rest and not re.search(r"[=:;&]", rest) else end


def _cli_spans(m: re.Match[str]) -> Iterator[Span]:
    if ck.key_strength(m.group("key")) == ck.STRONG:
        yield from _kv_spans(m)


def _k8s_secret_spans(m: re.Match[str]) -> Iterator[Span]:
    """Every value under ``data:``/``stringData:`` of a Kubernetes Secret manifest."""
    if not re.search(r"(?im)^\s*kind:\s*['\"]?secret\b", m.string):
        return
    for vm in _K8S_VALUE.finditer(m.group("block")):
        value = vm.group(1)
        if not ck.is_placeholder(value):
            yield m.start("block") + vm.start(1), m.start("block") + vm.end(1), "k8s-secret"


# --------------------------------------------------------------------------- personal data
EMAIL = r"(?<![\w.%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,24}|xn--[a-z0-9\-]{2,30})(?![\w\-])"
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
PHONE_CONTEXT = r"(?i)(?:phone|mobile|cell|tel|sms|call|whatsapp|number|contact)\w*(?:[ \t]+(?:is|number|no\.?))?[ \t]*[:=]?[ \t]*(?P<s>\+?1?[3-9]\d{9,10})(?!\d)"


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


def _phone_ok(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return 7 <= digits <= 15


# --------------------------------------------------------------------------- gates and triggers
# Patterns with no literal of their own: a cheap scan finds where they may match (see _gate).
_IPV4_GATE = re.compile(r"\.\d{1,3}\.\d{1,3}\.\d")
# a valid IPv6 address has "::" or all eight groups
_IPV6_GATE = re.compile(r":(?=:|[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:)")
_DISCORD_GATE = re.compile(r"\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27}")
# Digits become "0" and separators "-": every card (printed in groups of 4+ or unbroken) and every
# phone number below then holds one of _DIGIT_MARKS.
_DIGIT_CLASSES = bytes.maketrans(b"0123456789 .-", b"0000000000---")
_DIGIT_MARKS = (b"000-0000", b"0-0000000", b"00000000", b"+0")
DISCORD = _B + r"[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}" + _E
# Words a secret-like key holds (lower case): every key that key_strength() calls STRONG or WEAK
# contains one, except the rare bare "pat" and "sid", left out because "path" and "inside" are
# everywhere in logs; and the vendor names a config may use alone as a key (``cloudflare: …``).
KEY_TRIGGERS = ("pass", "pw", "secret", "token", "key", "cred", "auth", "access", "sig", "session", "login", "hmac",
                "cookie", "bundle_", *ck.BARE_VENDOR_KEYS)


def _regex_gate(regex: re.Pattern[str]) -> Gate:
    def gate(text: str) -> Iterator[int]:
        return (m.start() for m in regex.finditer(text))
    return gate


def _digit_gate(text: str) -> Iterator[int]:
    classes = text.encode("latin-1", "replace").translate(_DIGIT_CLASSES)
    for mark in _DIGIT_MARKS:
        pos = classes.find(mark)
        while pos >= 0:
            yield pos
            eol = classes.find(b"\n", pos)
            pos = -1 if eol < 0 else classes.find(mark, eol)


# --------------------------------------------------------------------------- near patterns (see _lines)
_KW = "(?:" + "|".join(KEY_TRIGGERS) + ")"
_DIGITS_NEAR = (
    r"\b\d{4}(?:[ \-]?\d){9}"  # a card: 13+ digits in groups of 4+ (a run may start at any group)
    r"|\+\d(?:[ .\-()]{0,3}\d){6}|\(\d{3}\)[ .\-]?\d{3}[ .\-]\d{4}|\b\d{3}[.\-]\d{3}[.\-]\d{4}"
    r"|\b0\d{1,2}-\d{3,4}-\d{4}|\b0\d-\d{7}"
)
_NEAR = {
    "pem": r"-----BEGIN[ A-Z0-9]*PRIVATE KEY",
    "url": r"(?i)[a-z][a-z0-9+.\-]{1,20}://[^\s:/?#@\"'<>\[\]]*:[^\s/?#\"'<>]+@[a-z0-9\[_]",
    "curl": r"(?:\s-u|--user)[ \t]",
    "header": r"(?i)(?:authorization|x-[a-z\-]*(?:api-?key|token|secret|auth)|api-?key)\\?[\"']?[ \t]*[:=]",
    "cookie": r"(?i)cookie\\?[\"']?[ \t]*[:=]",
    "sas": r"[?&]sig=[A-Za-z0-9%+/=]{20}",
    "bundler": r"BUNDLE_[A-Z0-9_]*__",
    "k8s-data": r"(?:data|stringData):[ \t]*\n",
    "xml-kv": r"(?i)(?:key|name)=\"[^\"]+\"\s+value=\"",
    "xml-element": r"(?i)<[\w.\-]*" + _KW + r"[\w.\-]*>\s*[^<>\s]{4}[^<>\s]*\s*</",
    "k8s-env": r"name:[ \t]*[\"']?[\w.\-]{1,80}[\"']?[ \t]*\r?\n[ \t]*value:",
    "key-comma": r"(?i)[\"'][\w.\-]*" + _KW + r"[\w.\-]*[\"'][ \t]*,[ \t]*[\"']",
    "reversed": r"[\"'`][ \t]*(?:===?|!==?)",
    "assign": (
        r"(?i)" + _KW + r"[\w.\-]*(?:\\?[\"'])?(?:\[\d*\])?(?:[ \t]+(?:string|str|char|bytes|\[\]byte))?[ \t]*"
        r"(?:[:=(]|[?.+!]=|[ \t][\"'`])"
    ),
    "cli": r"(?i)-[\w\-]*" + _KW + r"[\w\-]*[ \t]+[^\s\"'`\-][^\s\"'`]{3}",
    "email": r"[A-Za-z0-9._%+\-]@[A-Za-z0-9][A-Za-z0-9.\-]*\.(?:[A-Za-z]{2}|xn--)",
    "ipv6": r":(?::|[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:)",
    "ipv4": r"\d\.\d{1,3}\.\d{1,3}\.\d",
    "digits": _DIGITS_NEAR,
    "phone-context": (
        r"(?i)(?:phone|mobile|cell|tel|sms|call|whatsapp|number|contact)\w*(?:[ \t]+(?:is|number|no\.?))?"
        r"[ \t]*[:=]?[ \t]*\+?1?[3-9]\d{9}"
    ),
}


_ASSIGN_FIRST = "$-_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _build_rules() -> list[Rule]:
    from fivewhys.redact._lines import necessary

    kv: dict[str, Any] = {"triggers": KEY_TRIGGERS, "icase": True, "mode": "key"}
    rules = [
        Rule("private-key", PEM_FULL, _pem_body, triggers=("-----BEGIN",), mode="whole", near=_NEAR["pem"]),
        Rule("private-key", PEM_CUT, _pem_body, triggers=("-----BEGIN",), mode="whole", near=_NEAR["pem"]),
    ]
    for label, triggers, pattern, *mode in PREFIXED:
        check = _CHECKS.get(label) or (_random_not_words if label in _WORDY_PREFIXES else _not_mask)
        if triggers == ("bedrock-api-key-",):
            check = _bedrock_short_ok
        elif label == "anthropic-key":
            check = ck.has_alnum  # the exact length and the "AA" end are the evidence
        rules.append(Rule(label, pattern, check, triggers=triggers, mode=mode[0] if mode else "at", near=necessary(pattern)))
    rules += [
        Rule("discord-token", DISCORD, _not_mask, gate=_regex_gate(_DISCORD_GATE), near=necessary(DISCORD)),
        Rule("url-credentials", URL_CREDS, _userinfo_ok, triggers=("@",), near=_NEAR["url"]),
        Rule("basic-auth", CURL_USER, _userinfo_ok, triggers=("-u", "--user"), near=_NEAR["curl"]),
        Rule("auth-header", HEADER, spans=_header_spans, **kv, first="aApPxX", near=_NEAR["header"]),
        Rule("cookie", COOKIE, spans=_cookie_spans, **kv, first="cCsS\u017f", near=_NEAR["cookie"]),
        Rule("azure-sas", AZURE_SAS, ck.looks_random, **kv, first="?&", near=_NEAR["sas"]),
        Rule("bundler-credentials", BUNDLER, _userinfo_ok, **kv, first="B", near=_NEAR["bundler"]),
        Rule("k8s-secret", K8S_DATA, spans=_k8s_secret_spans, triggers=("data:",), icase=True, mode="whole",
             near=_NEAR["k8s-data"]),
        Rule("key", XML_KV, spans=_kv_spans, triggers=('value="',), icase=True, near=_NEAR["xml-kv"]),
        Rule("key", XML_ELEMENT, spans=_kv_spans, **kv, first="<", near=_NEAR["xml-element"]),
        Rule("key", K8S_ENV, spans=_kv_spans, triggers=("name:",), icase=True, after=1, near=_NEAR["k8s-env"]),
        Rule("key", KEY_COMMA, spans=_kv_spans, **kv, first="\"'", near=_NEAR["key-comma"]),
        Rule("key", REVERSED, spans=_kv_spans, triggers=("==", "!="), near=_NEAR["reversed"]),
        Rule("key", ASSIGN, spans=_kv_spans, **kv, first=_ASSIGN_FIRST, near=_NEAR["assign"]),
        Rule("key", CLI_FLAG, spans=_cli_spans, **kv, first="-", near=_NEAR["cli"]),
        Rule("EMAIL", EMAIL, triggers=("@",), near=_NEAR["email"]),
        # before IPv4: ::ffff:192.0.2.1 is one address
        Rule("IP", IPV6, ck.ipv6_ok, gate=_regex_gate(_IPV6_GATE), near=_NEAR["ipv6"]),
        Rule("IP", IPV4, ck.ipv4_ok, gate=_regex_gate(_IPV4_GATE), near=_NEAR["ipv4"]),
        Rule("CARD", CARD, spans=_card_spans, gate=_digit_gate, near=_NEAR["digits"]),
        Rule("PHONE", PHONE, _phone_ok, gate=_digit_gate, near=_NEAR["digits"]),
        Rule("PHONE", PHONE_CONTEXT, gate=_digit_gate, near=_NEAR["phone-context"]),
    ]
    return rules


@cache
def rules() -> tuple[Rule, ...]:
    """The compiled rule table, built once on first use (importing this module compiles nothing)."""
    return tuple(_build_rules())
