"""The built-in knowledge base: every pattern loads, renders, and recognises its own failures only.

The samples are written from the messages the runtimes, drivers and tools document; each must pick its
pattern as the best match (strictly the highest priority among all matching patterns).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from fivewhys.errors import InputError
from fivewhys.reasoners.patterns import Pattern, fill, load_patterns

PATTERNS = load_patterns()
BY_ID = {p.id: p for p in PATTERNS}

# (expected id, exception type or None for a log line, message or log line)
POSITIVE: list[tuple[str, str | None, str]] = [
    ("null-dereference", "AttributeError", "'NoneType' object has no attribute 'total'"),
    ("null-dereference", "TypeError", "Cannot read properties of undefined (reading 'id')"),
    ("null-dereference", "TypeError", "Cannot read property 'error' of undefined"),
    ("null-dereference", "java.lang.NullPointerException", ""),
    ("null-dereference", "java.lang.NullPointerException", 'Cannot invoke "com.shop.Cart.total()" because "cart" is null'),
    ("null-dereference", "System.NullReferenceException", "Object reference not set to an instance of an object."),
    ("null-dereference", None, "ERROR AttributeError: 'NoneType' object has no attribute 'price'"),
    ("ruby-nil-nomethod", "NoMethodError", "undefined method `name' for nil:NilClass"),
    ("ruby-nil-nomethod", "NoMethodError", "undefined method 'email' for nil"),
    ("ruby-nil-nomethod", None, "NoMethodError (undefined method `total' for nil:NilClass):"),
    ("missing-config", "KeyError", "'DATABASE_URL'"),
    ("missing-config", "Error", "Missing required environment variable: STRIPE_API_KEY"),
    ("missing-config", "java.util.NoSuchElementException", "SRCFG00014: The config property quarkus.datasource.jdbc.url is required but it could not be found in any config source"),
    ("missing-config", "com.typesafe.config.ConfigException$Missing", "No configuration setting found for key 'db'"),
    ("missing-config", "java.lang.IllegalArgumentException", "Could not resolve placeholder 'PAYMENTS_URL' in value \"${PAYMENTS_URL}\""),
    ("missing-config", None, "FATAL environment variable REDIS_URL is not set"),
    ("missing-key", "KeyError", "'customer_id'"),
    ("missing-key", "System.Collections.Generic.KeyNotFoundException", "The given key 'sku-42' was not present in the dictionary."),
    ("missing-key", "java.util.NoSuchElementException", "key not found: eu-west-3"),
    ("upstream-timeout", "requests.exceptions.ReadTimeout", "HTTPSConnectionPool(host='api.stripe.com', port=443): Read timed out. (read timeout=10)"),
    ("upstream-timeout", "java.net.SocketTimeoutException", "Read timed out"),
    ("upstream-timeout", "TimeoutError", ""),
    ("upstream-timeout", None, "Error: connect ETIMEDOUT 10.0.4.12:443"),
    ("upstream-timeout", "AxiosError", "timeout of 5000ms exceeded"),
    ("upstream-timeout", None, 'Post "http://payments:8080/charge": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'),
    ("upstream-timeout", None, '2024/05/02 11:27:03 [error] 31#31: *9 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1, upstream: "http://10.0.3.7:8080/api/orders"'),
    ("upstream-timeout", "requests.exceptions.HTTPError", "504 Server Error: Gateway Timeout for url: https://inventory.internal/v1/stock"),
    ("connection-refused", "ConnectionRefusedError", "[Errno 111] Connection refused"),
    ("connection-refused", "Error", "connect ECONNREFUSED 127.0.0.1:5432"),
    ("connection-refused", "java.net.ConnectException", "Connection refused"),
    ("connection-refused", "psycopg2.OperationalError", 'connection to server at "db" (10.0.0.3), port 5432 failed: Connection refused'),
    ("connection-refused", None, 'dial tcp 10.0.0.7:6379: connect: connection refused'),
    ("dns-resolution-failure", "Error", "getaddrinfo ENOTFOUND payments.internal"),
    ("dns-resolution-failure", "java.net.UnknownHostException", "payments.internal"),
    ("dns-resolution-failure", "socket.gaierror", "[Errno -2] Name or service not known"),
    ("dns-resolution-failure", "requests.exceptions.ConnectionError", "HTTPSConnectionPool(host='api.example.com', port=443): Max retries exceeded with url: /v1 (Caused by NameResolutionError(\"<urllib3.connection.HTTPSConnection object>: Failed to resolve 'api.example.com' ([Errno -3] Temporary failure in name resolution)\"))"),
    ("dns-resolution-failure", None, 'Get "http://ledger:9000/health": dial tcp: lookup ledger on 10.96.0.10:53: no such host'),
    ("db-pool-exhausted", "sqlalchemy.exc.TimeoutError", "QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)"),
    ("db-pool-exhausted", "java.sql.SQLTransientConnectionException", "HikariPool-1 - Connection is not available, request timed out after 30000ms."),
    ("db-pool-exhausted", "psycopg2.OperationalError", "FATAL:  sorry, too many clients already"),
    ("db-pool-exhausted", None, "FATAL:  remaining connection slots are reserved for non-replication superuser connections"),
    ("n-plus-one-queries", None, "USE eager loading detected\n  Order => [:customer]\n  Add to your query: .includes([:customer])"),
    ("n-plus-one-queries", None, "Potential n+1 query detected on `Post.author`"),
    ("n-plus-one-queries", None, "Completed 200 OK in 4520ms (Views: 12.3ms | ActiveRecord: 4301.2ms | Allocations: 912345)"),
    ("data-race", "fatal error", "concurrent map writes"),
    ("data-race", "RuntimeError", "dictionary changed size during iteration"),
    ("data-race", "System.InvalidOperationException", "Collection was modified; enumeration operation may not execute."),
    ("data-race", None, "WARNING: DATA RACE"),
    ("concurrent-modification", "java.util.ConcurrentModificationException", ""),
    ("concurrent-modification", "ConcurrentModificationException", "null"),
    ("unique-violation", "sqlalchemy.exc.IntegrityError", "(sqlite3.IntegrityError) UNIQUE constraint failed: users.email"),
    ("unique-violation", "psycopg2.errors.UniqueViolation", 'duplicate key value violates unique constraint "orders_external_id_key"\nDETAIL:  Key (external_id)=(A-1001) already exists.'),
    ("unique-violation", "org.springframework.dao.DataIntegrityViolationException", "could not execute statement; SQL [n/a]; constraint [uk_users_email]"),
    ("unique-violation", None, "SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry 'a@b.com' for key 'users.email_unique'"),
    ("out-of-memory", "MemoryError", ""),
    ("out-of-memory", "java.lang.OutOfMemoryError", "Java heap space"),
    ("out-of-memory", None, "Last State: Terminated  Reason: OOMKilled  Exit Code: 137"),
    ("out-of-memory", None, "Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:4023112kB"),
    ("out-of-memory", None, "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"),
    ("disk-full", "OSError", "[Errno 28] No space left on device: '/var/lib/app/uploads/tmp123'"),
    ("disk-full", "Error", "ENOSPC: no space left on device, write"),
    ("disk-full", None, "write /var/log/app/app.log: no space left on device"),
    ("disk-full", "OSError", "[Errno 122] Disk quota exceeded"),
    ("permission-denied", "PermissionError", "[Errno 13] Permission denied: '/data/export.csv'"),
    ("permission-denied", "Error", "EACCES: permission denied, open '/app/logs/app.log'"),
    ("permission-denied", "java.nio.file.AccessDeniedException", "/var/lib/app/cache"),
    ("permission-denied", None, "open /etc/app/tls.key: permission denied"),
    ("too-many-open-files", "OSError", "[Errno 24] Too many open files: '/tmp/report.csv'"),
    ("too-many-open-files", "Error", "EMFILE: too many open files, open '/srv/app/static/index.html'"),
    ("too-many-open-files", None, "http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 5ms"),
    ("import-mismatch", "ModuleNotFoundError", "No module named 'pydantic_settings'"),
    ("import-mismatch", "ImportError", "cannot import name 'soft_unicode' from 'markupsafe' (/usr/lib/python3/site-packages/markupsafe/__init__.py)"),
    ("import-mismatch", "java.lang.NoSuchMethodError", "'void org.slf4j.Logger.atInfo()'"),
    ("import-mismatch", "java.lang.ClassNotFoundException", "com.fasterxml.jackson.databind.ObjectMapper"),
    ("import-mismatch", "Error", "Cannot find module 'express'\nRequire stack:\n- /app/server.js"),
    ("import-mismatch", "ImportError", "/usr/lib/libpq.so.5: undefined symbol: PQsetSSLKeyPassHook_OpenSSL"),
    ("auth-failure", "requests.exceptions.HTTPError", "401 Client Error: Unauthorized for url: https://api.github.com/user"),
    ("auth-failure", "openai.AuthenticationError", "Error code: 401 - {'error': {'message': 'Incorrect API key provided', 'code': 'invalid_api_key'}}"),
    ("auth-failure", "jwt.exceptions.ExpiredSignatureError", "Signature has expired"),
    ("auth-failure", None, 'WWW-Authenticate: Bearer error="invalid_token", error_description="The access token expired"'),
    ("auth-failure", None, "GET https://graph.example.com/v1/me -> 403 Forbidden"),
    ("clock-skew", "jwt.exceptions.ImmatureSignatureError", "The token is not yet valid (nbf)"),
    ("clock-skew", "NotBeforeError", "jwt not active"),
    ("clock-skew", None, "RequestTimeTooSkewed: The difference between the request time and the current time is too large."),
    ("rate-limited", "requests.exceptions.HTTPError", "429 Client Error: Too Many Requests for url: https://api.openai.com/v1/chat/completions"),
    ("rate-limited", "botocore.exceptions.ClientError", "An error occurred (ThrottlingException) when calling the PutItem operation (reached max retries: 4): Rate exceeded"),
    ("rate-limited", None, "rate limit exceeded for key sk_live_***, retry after 30s"),
    ("upstream-5xx", "requests.exceptions.HTTPError", "503 Server Error: Service Unavailable for url: https://inventory.internal/v1/stock"),
    ("upstream-5xx", "org.springframework.web.client.HttpServerErrorException$BadGateway", "502 Bad Gateway: [no body]"),
    ("upstream-5xx", None, "upstream connect error or disconnect/reset before headers. reset reason: connection failure"),
    ("upstream-5xx", "AxiosError", "Request failed with status code 500"),
    ("go-nil-pointer", "panic", "assignment to entry in nil map"),
    ("go-nil-pointer", "panic", "runtime error: invalid memory address or nil pointer dereference"),
    ("go-nil-pointer", None, "panic: runtime error: invalid memory address or nil pointer dereference"),
    ("sequence-contains-no-elements", "System.InvalidOperationException", "Sequence contains no elements"),
    ("sequence-contains-no-elements", "InvalidOperationException", "Sequence contains no matching element"),
    ("assertion-failure", "AssertionError", "assert 503 == 200"),
    ("assertion-failure", "AssertionError", ""),
    ("assertion-failure", "org.opentest4j.AssertionFailedError", "expected: <200> but was: <503>"),
    ("assertion-failure", "org.junit.ComparisonFailure", 'expected:<[Hello]> but was:<[Goodbye]>'),
    ("assertion-failure", None, "expect(received).toBe(expected) // Object.is equality\n\nExpected: 200\nReceived: 503"),
    ("assertion-failure", None, "--- FAIL: TestCheckoutTotal (0.00s)"),
    ("tls-certificate-error", "requests.exceptions.SSLError", "HTTPSConnectionPool(host='api.partner.com', port=443): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)')))"),
    ("tls-certificate-error", "javax.net.ssl.SSLHandshakeException", "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target"),
    ("tls-certificate-error", None, 'Get "https://registry.internal/v2/": x509: certificate signed by unknown authority'),
    ("json-decode-non-json", "SyntaxError", "Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON"),
    ("json-decode-non-json", "json.decoder.JSONDecodeError", "Expecting value: line 1 column 1 (char 0)"),
    ("json-decode-non-json", None, "failed to decode response: invalid character '<' looking for beginning of value"),
    ("db-deadlock", "psycopg2.errors.DeadlockDetected", "deadlock detected\nDETAIL:  Process 4242 waits for ShareLock on transaction 991; blocked by process 4243."),
    ("db-deadlock", "com.mysql.cj.jdbc.exceptions.MySQLTransactionRollbackException", "Deadlock found when trying to get lock; try restarting transaction"),
    ("stack-overflow", "RecursionError", "maximum recursion depth exceeded while calling a Python object"),
    ("stack-overflow", "java.lang.StackOverflowError", ""),
    ("stack-overflow", "RangeError", "Maximum call stack size exceeded"),
    ("division-by-zero", "ZeroDivisionError", "division by zero"),
    ("division-by-zero", "java.lang.ArithmeticException", "/ by zero"),
    ("division-by-zero", "panic", "runtime error: integer divide by zero"),
    ("index-out-of-range", "IndexError", "list index out of range"),
    ("index-out-of-range", "panic", "runtime error: index out of range [5] with length 3"),
    ("index-out-of-range", "java.lang.ArrayIndexOutOfBoundsException", "Index 3 out of bounds for length 3"),
    ("index-out-of-range", "java.lang.ArrayIndexOutOfBoundsException", "-1"),
    ("schema-not-migrated", "sqlalchemy.exc.OperationalError", "(sqlite3.OperationalError) no such column: users.last_login_at"),
    ("schema-not-migrated", "psycopg2.errors.UndefinedColumn", 'column "discount_code" of relation "orders" does not exist'),
    ("schema-not-migrated", None, 'ERROR:  relation "invoices" does not exist at character 15'),
    ("missing-resource", "elasticsearch.NotFoundError",
     "NotFoundError(404, 'index_not_found_exception', 'no such index [orders-2026]', orders-2026, index_or_alias)"),
    ("missing-resource", None, "s3 upload failed: NoSuchBucket: The specified bucket does not exist (bucket: invoices-eu)"),
    ("missing-resource", None, "consumer error: topic 'payments.v2' does not exist"),
    ("serialization-error", "TypeError", "Object of type datetime is not JSON serializable"),
    ("serialization-error", "TypeError", "Converting circular structure to JSON\n    --> starting at object with constructor 'Object'"),
    ("serialization-error", "com.fasterxml.jackson.databind.exc.InvalidDefinitionException", "No serializer found for class com.shop.Order and no properties discovered to create BeanSerializer"),
]

# Healthy lines and unrelated failures: none of these may match any pattern at all.
NEUTRAL: list[tuple[str | None, str]] = [
    (None, "INFO Started Application in 3.2 seconds (JVM running for 3.9)"),
    (None, "GET /healthz 200 1.2ms"),
    (None, "order 429 shipped to customer 8812"),
    (None, "Listening on http://0.0.0.0:8080"),
    (None, "HikariPool-1 - Start completed."),
    (None, "Connection established to db:5432"),
    (None, "cache miss for key user:42, loading from database"),
    (None, "retrying request to payments in 200ms (attempt 2/3)"),
    (None, "processed 500 records in 1200ms"),
    ("ValueError", "invalid literal for int() with base 10: 'abc'"),
    ("TypeError", "unsupported operand type(s) for +: 'int' and 'str'"),
    ("RuntimeError", "App crashed!"),
    ("Exception", "Something went wrong"),
    ("java.lang.IllegalStateException", "mustNeverBeCalled has been called"),
    ("System.InvalidOperationException", "This is the outer exception"),
    ("NoMethodError", "undefined method `resursivewordload' for #<BooksController:0x007f8dd9a0c738>"),
    ("ReferenceError", "breakDown is not defined"),
    ("ActionController::RoutingError", 'No route matches [GET] "/settings"'),
    ("Error", "Default error"),
    ("Error", ""),
    ("RuntimeError", ""),
    ("panic", "already mutably borrowed: BorrowError"),
    ("panic", "my panic"),
    ("System.ArgumentException", "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."),
]

# Other failures, by the pattern that must NOT claim them as best match.
NOT_BEST: list[tuple[str, str | None, str]] = [
    ("upstream-timeout", "sqlalchemy.exc.TimeoutError", "QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00"),
    ("missing-key", "KeyError", "'DATABASE_URL'"),
    ("null-dereference", "NoMethodError", "undefined method `name' for nil:NilClass"),
    ("null-dereference", "panic", "runtime error: invalid memory address or nil pointer dereference"),
    ("auth-failure", "jwt.exceptions.ImmatureSignatureError", "The token is not yet valid (nbf)"),
    ("upstream-5xx", "requests.exceptions.HTTPError", "504 Server Error: Gateway Timeout for url: https://x.internal/"),
    ("upstream-5xx", "requests.exceptions.HTTPError", "429 Client Error: Too Many Requests for url: https://api.x.com/"),
    ("connection-refused", "requests.exceptions.ConnectionError", "HTTPSConnectionPool(host='x.io', port=443): Max retries exceeded with url: / (Caused by NameResolutionError(\"Failed to resolve 'x.io' ([Errno -2] Name or service not known)\"))"),
    ("permission-denied", "OSError", "[Errno 24] Too many open files"),
    ("data-race", "java.util.ConcurrentModificationException", ""),
]


def _matching(exc_type: str | None, text: str) -> list[Pattern]:
    if exc_type is None:
        return [p for p in PATTERNS if p.match_log(text) is not None]
    return [p for p in PATTERNS if p.match_exception(exc_type, text) is not None]


def _best(exc_type: str | None, text: str) -> str | None:
    found = sorted(_matching(exc_type, text), key=lambda p: -p.priority)
    if not found:
        return None
    assert len(found) == 1 or found[0].priority > found[1].priority, f"tie: {[p.id for p in found]}"
    return found[0].id


def test_every_builtin_file_loads_with_its_id_as_file_name() -> None:
    folder = resources.files("fivewhys.reasoners") / "patterns"
    files = sorted(e.name for e in folder.iterdir() if e.name.endswith(".toml"))
    assert files == sorted(f"{p.id}.toml" for p in PATTERNS)
    assert all(p.source == f"builtin:{p.id}.toml" for p in PATTERNS)


def test_ids_are_unique_and_there_are_enough_patterns() -> None:
    assert len(BY_ID) == len(PATTERNS) >= 21


@pytest.mark.parametrize(("expected", "exc_type", "text"), POSITIVE)
def test_sample_picks_its_pattern_as_best_match(expected: str, exc_type: str | None, text: str) -> None:
    assert _best(exc_type, text) == expected


@pytest.mark.parametrize("pattern_id", sorted(BY_ID))
def test_every_pattern_has_two_positive_samples(pattern_id: str) -> None:
    assert sum(1 for e, _, _ in POSITIVE if e == pattern_id) >= 2


@pytest.mark.parametrize(("exc_type", "text"), NEUTRAL)
def test_healthy_lines_and_unrelated_errors_match_nothing(exc_type: str | None, text: str) -> None:
    assert [p.id for p in _matching(exc_type, text)] == []


@pytest.mark.parametrize(("pattern_id", "exc_type", "text"), NOT_BEST)
def test_more_specific_pattern_wins(pattern_id: str, exc_type: str | None, text: str) -> None:
    assert _best(exc_type, text) not in (None, pattern_id)


@pytest.mark.parametrize(("expected", "exc_type", "text"), POSITIVE)
def test_sample_does_not_match_patterns_of_other_families_above_it(expected: str, exc_type: str | None, text: str) -> None:
    # Each sample of one pattern, read as a healthy-vs-other check for every other pattern: any
    # other match must rank strictly lower.
    others = [p for p in _matching(exc_type, text) if p.id != expected]
    assert all(p.priority < BY_ID[expected].priority for p in others)


_LEFTOVER = re.compile(r"\{[A-Za-z_][\w]*(?:\||\})")


def _templates(p: Pattern) -> list[str]:
    texts = [p.title, p.hypothesis, p.fix_summary, *p.five_whys, *p.fix_steps, *p.testing, *p.prevention, *p.runbook]
    texts += [t for c in p.checks for t in (c.pattern, c.key, c.why) if t]
    texts += [t for m in p.monitoring for t in (m.signal, m.query, m.alert)]
    return texts


@pytest.mark.parametrize("pattern_id", sorted(BY_ID))
def test_templates_render_without_leftover_placeholders(pattern_id: str) -> None:
    for text in _templates(BY_ID[pattern_id]):
        rendered = fill(text, {})
        assert not _LEFTOVER.search(rendered), rendered
        assert "the " + "the " not in rendered.lower()


@pytest.mark.parametrize("pattern_id", sorted(BY_ID))
def test_regexes_compile_and_log_search_patterns_compile_once_filled(pattern_id: str) -> None:
    p = BY_ID[pattern_id]
    for rx in [*p.match.messages, *p.match.logs]:
        re.compile(rx)
    for check in p.checks:
        if check.name == "log_search":
            assert check.pattern, "log_search needs a pattern"
            re.compile(fill(check.pattern, {}))
        if check.name == "config_history":
            assert check.key


@pytest.mark.parametrize("pattern_id", sorted(BY_ID))
def test_pattern_is_complete_enough_for_a_report(pattern_id: str) -> None:
    p = BY_ID[pattern_id]
    assert 3 <= len(p.five_whys) <= 5
    assert p.checks and p.fix_steps and p.testing and p.prevention and p.monitoring and p.runbook
    assert p.match.exception_types or p.match.messages or p.match.logs


def test_named_groups_become_placeholders() -> None:
    groups = BY_ID["missing-config"].match_exception("KeyError", "'DATABASE_URL'")
    assert groups == {"key": "DATABASE_URL"}
    rendered = fill(BY_ID["missing-config"].hypothesis, groups)
    assert "`DATABASE_URL`" in rendered
    pool = BY_ID["db-pool-exhausted"].match_exception("TimeoutError", "QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00")
    assert pool == {"pool_size": "5", "overflow": "10", "timeout": "timeout 30.00"}


def test_user_pattern_with_same_id_replaces_the_builtin(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'id = "missing-config"\ntitle = "Ours"\ntype = "configuration"\nseverity = "low"\n'
        'hypothesis = "h"\nfix_summary = "f"\n[match]\nmessages = ["^OUR_SETTING$"]\n',
        encoding="utf-8",
    )
    patterns = {p.id: p for p in load_patterns([tmp_path])}
    assert len(patterns) == len(PATTERNS)
    assert patterns["missing-config"].title == "Ours"
    assert patterns["missing-config"].source == str(tmp_path / "mine.toml")


@pytest.mark.parametrize(
    "body",
    ['id = "x"\ntitle = \n', 'id = "x"\ntitle = "t"\ntype = "nope"\nseverity = "low"\nhypothesis = "h"\nfix_summary = "f"\n[match]\n'],
)
def test_malformed_user_pattern_is_an_input_error_naming_the_file(tmp_path: Path, body: str) -> None:
    (tmp_path / "broken.toml").write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match="broken.toml"):
        load_patterns([tmp_path])
