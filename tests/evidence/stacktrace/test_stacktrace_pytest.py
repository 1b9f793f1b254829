"""pytest failure reports: --tb=auto (long first/last entries, short middle ones), --tb=short, chains."""

from __future__ import annotations

from fivewhys.evidence.stacktrace import extract

AUTO = """\
=================================== FAILURES ===================================
__________________________________ test_fetch __________________________________

    def test_fetch():
>       fetch("http://x")

tests/test_shop.py:14: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 
shop/net.py:22: in fetch
    return session.get(url, timeout=1)
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 

self = <requests.adapters.HTTPAdapter object at 0x7f>
request = <PreparedRequest [GET]>

    def send(self, request, **kwargs):
>       raise ConnectionError(err, request=request)
E       requests.exceptions.ConnectionError: Max retries exceeded
E       (caused by timeout)

.venv/lib/python3.12/site-packages/requests/adapters.py:519: ConnectionError
=========================== short test summary info ============================
"""


def test_auto_report_frames_outermost_first_with_def_names() -> None:
    exc = extract(AUTO).exceptions[0]
    assert [(f.file, f.line, f.function) for f in exc.frames] == [
        ("tests/test_shop.py", 14, "test_fetch"),
        ("shop/net.py", 22, "fetch"),
        (".venv/lib/python3.12/site-packages/requests/adapters.py", 519, "send"),
    ]
    assert [f.in_app for f in exc.frames] == [True, True, False]


def test_auto_report_type_is_qualified_from_the_e_lines() -> None:
    exc = extract(AUTO).exceptions[0]
    assert (exc.type, exc.message) == ("requests.exceptions.ConnectionError", "Max retries exceeded\n(caused by timeout)")


def test_short_report() -> None:
    text = (
        "tests/test_calc.py:7: in test_divide\n    assert calc.divide(4, 0) == 2\n"
        "calc.py:3: in divide\n    return a / b\nE   ZeroDivisionError: division by zero\n"
    )
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("ZeroDivisionError", "division by zero")
    assert [(f.file, f.line, f.function) for f in exc.frames] == [("tests/test_calc.py", 7, "test_divide"), ("calc.py", 3, "divide")]


def test_failed_assert_is_an_assertion_error_with_its_explanation() -> None:
    text = (
        "    def test_total():\n>       assert total([1, 2]) == 4\nE       assert 3 == 4\nE        +  where 3 = total([1, 2])\n\n"
        "tests/test_shop.py:9: AssertionError\n"
    )
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("AssertionError", "assert 3 == 4\n +  where 3 = total([1, 2])")
    assert [(f.line, f.function) for f in exc.frames] == [(9, "test_total")]


def test_chained_exceptions_link_effect_to_cause() -> None:
    text = (
        "    def load(path):\n>       return open(path).read()\nE       FileNotFoundError: [Errno 2] No such file\n\n"
        "app/config.py:5: FileNotFoundError\n\n"
        "The above exception was the direct cause of the following exception:\n\n"
        "    def test_load():\n>       raise ConfigError('missing') from e\nE       app.ConfigError: missing\n\n"
        "tests/test_config.py:8: ConfigError\n"
    )
    excs = extract(text).exceptions
    assert [(e.type, e.caused_by) for e in excs] == [("FileNotFoundError", None), ("app.ConfigError", 0)]
    assert excs[0].relation == "cause"


def test_location_like_lines_without_report_context_are_not_a_trace() -> None:
    assert extract("setup.py:12: \nnothing else here\n").exceptions == []
