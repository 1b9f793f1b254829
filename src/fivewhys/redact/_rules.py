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
from fivewhys.redact._assign import (
    ASSIGN,
    AZURE_SAS,
    BUNDLER,
    CLI_FLAG,
    DIRECTIVE,
    K8S_DATA,
    K8S_ENV,
    KEY_COMMA,
    REVERSED,
    XML_ELEMENT,
    XML_KV,
    XML_NAMED,
    YAML_BLOCK,
    _cli_spans,
    _directive_spans,
    _k8s_secret_spans,
    _kv_spans,
)
from fivewhys.redact._personal import (
    CARD,
    EMAIL,
    IPV4,
    IPV6,
    PHONE,
    PHONE_CONTEXT,
    _card_spans,
    _ipv4_spans,
    _national_phone_ok,
    _phone_ok,
)
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
    ("slack-token", ('xapp-',), _B + r"xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+" + _E),  # app-level (Socket Mode) tokens
    ("slack-webhook", ('hooks.slack.com/',), r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9+/_\-]{20,})"),
    ("stripe-key", ('sk_', 'rk_'), _B + r"(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,}"),
    ("stripe-key", ('whsec_',), _B + r"whsec_[A-Za-z0-9+/]{20,}"),
    ("twilio-key", ('SK',), _B + r"SK[0-9a-fA-F]{32}" + _E),
    # the auth token (32 hex) has no prefix; next to its account SID (AC + 32 hex) it is that account's
    ("twilio-key", ('AC',), _B + r"AC[0-9a-f]{32}[\"']?[ \t]*[,:;][ \t]*[\"']?(?P<s>[0-9a-f]{32})" + _E),
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
    ("gcp-oauth-token", ('ya29.',), _B + r"ya29\.[A-Za-z0-9_\-]{30,}"),
    ("gcp-client-secret", ('GOCSPX-',), _B + r"GOCSPX-[A-Za-z0-9_\-]{28}" + _E),
    ("azure-client-secret", ('Q~',), _B + r"[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}" + r"(?![A-Za-z0-9_~.\-])", "line"),
    ("jwt", ('ey',), _B + r"ey[A-Za-z0-9_\-]{10,}\.ey[A-Za-z0-9_/\\\-]{10,}(?:\.[A-Za-z0-9_/\\+\-]+={0,2})?"),
    ("docker-token", ('dckr_pat_', 'dckr_oat_'), _B + r"dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,}"),
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
# Oracle writes user/password: jdbc:oracle:thin:scott/pw@//db:1521/X, sqlplus -s scott/pw@db
ORACLE_USER = (
    r"(?i)(?:jdbc:oracle:[a-z0-9]+:|\bsqlplus[ \t]+(?:-[a-z]+[ \t]+)*)[\w$#.\-]+/(?P<s>[^\s@/\"']+)(?=@|\s|$)"
)
# Clients that take a password as a short flag: mysql as -p glued to it (-pSECRET; a spaced "-p db"
# prompts, then names a database), a registry login, the mongo shell and sshpass as -p and the next
# word, redis-cli as -a and the next word. The flag is looked for in the next 300 characters: every
# client word on a long line would otherwise scan to its end.
CLI_PASSWORD = (
    r"\b(?P<cmd>(?i:mysql|mariadb)[\w\-]*|(?i:docker|podman|nerdctl|buildah|helm|oras)[ \t]+(?:registry[ \t]+)?login"
    r"|mongo(?:sh|dump|restore|import|export)?|redis-cli|sshpass)\b[^\n]{0,300}?[ \t](?P<flag>-[pa])(?P<gap>[ \t]+)?"
    r"(?P<q>[\"']?)(?P<s>[^\s\"'\-][^\s\"']*)(?P=q)"
)
# netrc: machine <host> [login <user>] password <secret>, on one line or several
NETRC = r"\bmachine[ \t]+\S+(?:\s+login[ \t]+\S+)?\s+password[ \t]+(?P<s>\S+)"
# Credentials passed positionally to a client's constructor: HTTPBasicAuth("user", "pw"), auth=("user", "pw")
CODE_CREDENTIALS = (
    r"(?:\b(?:HTTP(?:Basic|Digest|Proxy)Auth|BasicAuth|NetworkCredential|PasswordAuthentication"
    r"|UsernamePasswordCredentials?)|\bauth[ \t]*=[ \t]*)\([ \t]*(?P<uq>[\"'])[^\"'\n]*(?P=uq)[ \t]*,[ \t]*"
    r"(?P<q>[\"'])(?P<s>[^\"'\n]+)(?P=q)"
)
# Go's MySQL DSN: user:password@tcp(host:3306)/db
GO_DSN = r"(?<![\w:/.\-])[\w.\-]+:(?P<s>[^\s@\"'/:]+)@(?:tcp|unix|udp)\("


def _cli_password_spans(m: re.Match[str]) -> Iterator[Span]:
    """The value of the client's own password flag, written the way that client reads it."""
    cmd = m.group("cmd").lower()
    flag, glued = ("-a", False) if cmd == "redis-cli" else ("-p", cmd.startswith(("mysql", "mariadb")))
    if m.group("flag") == flag and (m.group("gap") is None) == glued and _password_ok(m.group("s")):
        yield m.start("s"), m.end("s"), "password"


def _password_ok(value: str) -> bool:
    """A password on its own: what its half of a ``user:password`` pair must be, and a real value."""
    return _userinfo_ok("user:" + value) and ck.plausible_secret(value, ck.STRONG)


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
    # bounded: on a long x-tokentoken… name an open-ended run is re-tried at every split
    r"(?i)(?<![\w-])(?P<h>(?:proxy-)?authorization|x-[a-z\-]{0,40}(?:api-?key|token|secret|auth)[a-z\-]{0,40}+|api-?key)"
    r"\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?[ \t]*"
    r"(?:(?P<scheme>bearer|basic|token|bot|digest|negotiate|ntlm|apikey|key|sso-key|ssws|oauth)(?:[ \t]+|%20|\+))?"
    r"(?!(?i:bearer|basic|token|digest|negotiate|ntlm)\b)(?P<s>[^\s\"'\\,;]{4,})"
)
COOKIE = r"(?i)(?<![\w-])(?P<h>set-cookie|cookie)\\?[\"']?[ \t]*[:=][ \t]*\\?[\"']?(?P<v>[^\n\"'\\]+)"
_COOKIE_PAIR = re.compile(r"(?:^|;)\s*([^=;\s]+)=([^;]*)")
_COOKIE_ATTRS = frozenset("path domain expires max-age samesite secure httponly priority version comment".split())


_AUTH_PARAM = re.compile(r"[A-Za-z_\-]+=")  # Bearer realm="api": a challenge's parameter, no token


def _header_spans(m: re.Match[str]) -> Iterator[Span]:
    value = m.group("s")
    if _AUTH_PARAM.fullmatch(value):
        return
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
    "oracle": r"(?i)(?:jdbc:oracle:[a-z0-9]+:|sqlplus[ \t])[\w$#.\- \t]*/",
    "cli-password": r"(?i)(?:mysql|mariadb|login|mongo|redis-cli|sshpass).*[ \t]-[pa]",
    "code-credentials": r"(?i)(?:auth|credentials?)[ \t]*=?[ \t]*\([ \t]*[\"'][^\"'\n]*[\"'][ \t]*,[ \t]*[\"']",
    "go-dsn": r"@(?:tcp|unix|udp)\(",
    "header": r"(?i)(?:authorization|x-[a-z\-]*(?:api-?key|token|secret|auth)[a-z\-]*|api-?key)\\?[\"']?[ \t]*[:=]",
    "cookie": r"(?i)cookie\\?[\"']?[ \t]*[:=]",
    "sas": r"[?&]sig=[A-Za-z0-9%+/=]{20}",
    "bundler": r"BUNDLE_[A-Z0-9_]*__",
    "k8s-data": r"(?:data|stringData):[ \t]*\n",
    "xml-kv": r"(?i)(?:key|name)=\"[^\"]+\"\s+value=\"",
    "xml-named": r"(?i)(?:key|name)=\"[^\"\n]+\"[^>\n]*>[^<>\s]{4}",
    "xml-element": r"(?i)<[\w.\-]*" + _KW + r"[\w.\-]*>\s*[^<>\s]{4}[^<>\s]*\s*</",
    "k8s-env": r"name:[ \t]*[\"']?[\w.\-]{1,80}[\"']?[ \t]*\r?\n[ \t]*value:",
    "key-comma": r"(?i)[\"'][\w.\-]*" + _KW + r"[\w.\-]*[\"'][ \t]*,[ \t]*[\"']",
    "reversed": r"[\"'`][ \t]*(?:===?|!==?)",
    "assign": (
        r"(?i)" + _KW + r"[\w.\-]*(?:\\?[\"'])?\]?(?:\[\d*\])?(?:[ \t]+(?:string|str|char|bytes|\[\]byte))?[ \t]*"
        r"(?:[:=(]|[?.+!]=|[ \t][\"'`])"
    ),
    "yaml-block": r"(?i)" + _KW + r"[\w.\-]*:[ \t]*[|>][+\-]?\d?[ \t]*\r?\n[ \t]+[^\s#]",
    # only a strong key makes a directive, and every strong key holds one of these
    "directive": (
        r"(?i)(?:^|\n)[ \t]*[\w.\-]*(?:pass|pw|secret|token|key|cred|auth)[\w.\-]*[ \t]+"
        r"[^\s\"'`#;=:]{4}[^\s\"'`#;=:]*[ \t]*(?:\r?\n|$)"
    ),
    "cli": r"(?i)-[\w\-]*" + _KW + r"[\w\-]*[ \t]+[^\s\"'`\-][^\s\"'`]{3}",
    "email": r"[A-Za-z0-9._%+\-]@[A-Za-z0-9][A-Za-z0-9.\-]*\.(?:[A-Za-z]{2}|xn--)",
    "ipv6": r":(?::|[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:)",
    "ipv4": r"\d\.\d{1,3}\.\d{1,3}\.\d",
    "digits": _DIGITS_NEAR,
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
        Rule("url-credentials", ORACLE_USER, _password_ok, triggers=("jdbc:oracle:", "sqlplus"), icase=True, mode="at",
             near=_NEAR["oracle"]),
        Rule("password", CLI_PASSWORD, spans=_cli_password_spans, icase=True,
             triggers=("mysql", "mariadb", "login", "mongo", "redis-cli", "sshpass"), near=_NEAR["cli-password"]),
        Rule("password", NETRC, _password_ok, triggers=("machine",), after=2, near=necessary(NETRC)),
        Rule("basic-auth", CODE_CREDENTIALS, _password_ok, triggers=("auth", "credential"), icase=True,
             near=_NEAR["code-credentials"]),
        Rule("url-credentials", GO_DSN, _password_ok, triggers=("@tcp(", "@unix(", "@udp("), near=_NEAR["go-dsn"]),
        Rule("auth-header", HEADER, spans=_header_spans, **kv, first="aApPxX", near=_NEAR["header"]),
        Rule("cookie", COOKIE, spans=_cookie_spans, **kv, first="cCsS\u017f", near=_NEAR["cookie"]),
        Rule("azure-sas", AZURE_SAS, ck.looks_random, **kv, first="?&", near=_NEAR["sas"]),
        Rule("bundler-credentials", BUNDLER, _userinfo_ok, **kv, first="B", near=_NEAR["bundler"]),
        Rule("k8s-secret", K8S_DATA, spans=_k8s_secret_spans, triggers=("data:",), icase=True, mode="whole",
             near=_NEAR["k8s-data"]),
        Rule("key", XML_KV, spans=_kv_spans, triggers=('value="',), icase=True, near=_NEAR["xml-kv"]),
        Rule("key", XML_NAMED, spans=_kv_spans, triggers=('key="', 'name="'), icase=True, near=_NEAR["xml-named"]),
        Rule("key", XML_ELEMENT, spans=_kv_spans, **kv, first="<", near=_NEAR["xml-element"]),
        Rule("key", K8S_ENV, spans=_kv_spans, triggers=("name:",), icase=True, after=1, near=_NEAR["k8s-env"]),
        Rule("key", KEY_COMMA, spans=_kv_spans, **kv, first="\"'", near=_NEAR["key-comma"]),
        Rule("key", REVERSED, spans=_kv_spans, triggers=("==", "!="), near=_NEAR["reversed"]),
        Rule("key", ASSIGN, spans=_kv_spans, **kv, first=_ASSIGN_FIRST, near=_NEAR["assign"]),
        Rule("key", YAML_BLOCK, spans=_kv_spans, **kv, first=_ASSIGN_FIRST, near=_NEAR["yaml-block"]),
        Rule("key", DIRECTIVE, spans=_directive_spans, **kv, first=_ASSIGN_FIRST, near=_NEAR["directive"]),
        Rule("key", CLI_FLAG, spans=_cli_spans, **kv, first="-", near=_NEAR["cli"]),
        Rule("EMAIL", EMAIL, triggers=("@",), near=_NEAR["email"]),
        # before IPv4: ::ffff:192.0.2.1 is one address
        Rule("IP", IPV6, ck.ipv6_ok, gate=_regex_gate(_IPV6_GATE), near=_NEAR["ipv6"]),
        Rule("IP", IPV4, spans=_ipv4_spans, gate=_regex_gate(_IPV4_GATE), near=_NEAR["ipv4"]),
        Rule("CARD", CARD, spans=_card_spans, gate=_digit_gate, near=_NEAR["digits"]),
        Rule("PHONE", PHONE, _phone_ok, gate=_digit_gate, near=_NEAR["digits"]),
        Rule("PHONE", PHONE_CONTEXT, _national_phone_ok, gate=_digit_gate, near=necessary(PHONE_CONTEXT)),
    ]
    return rules


@cache
def rules() -> tuple[Rule, ...]:
    """The compiled rule table, built once on first use (importing this module compiles nothing)."""
    return tuple(_build_rules())
