"""Python tracebacks: chains, carets, SyntaxError, truncation, logging prefixes."""

from __future__ import annotations

import json

from fivewhys.evidence.stacktrace import extract

CHAINED = """\
Traceback (most recent call last):
  File "/srv/app/shop/cart.py", line 12, in total
    return sum(prices[i] for i in ids)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^
KeyError: 'sku-9'

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/srv/app/shop/views.py", line 40, in checkout
    amount = cart.total()
  File "/usr/lib/python3.12/site-packages/flask/app.py", line 880, in dispatch
    return view()
shop.errors.CheckoutError: cart total failed
"""


def test_chain_points_from_effect_to_cause() -> None:
    trace = extract(CHAINED)
    assert [e.type for e in trace.exceptions] == ["KeyError", "shop.errors.CheckoutError"]
    assert trace.exceptions[1].caused_by == 0
    assert trace.exceptions[0].relation == "cause"
    assert trace.root_exception() is trace.exceptions[0]


def test_frames_source_lines_and_in_app() -> None:
    frames = extract(CHAINED).exceptions[1].frames
    assert [(f.file, f.line, f.function) for f in frames] == [
        ("/srv/app/shop/views.py", 40, "checkout"),
        ("/usr/lib/python3.12/site-packages/flask/app.py", 880, "dispatch"),
    ]
    assert frames[0].source_line == "amount = cart.total()"
    assert [f.in_app for f in frames] == [True, False]


def test_caret_lines_are_not_source() -> None:
    assert extract(CHAINED).exceptions[0].frames[0].source_line == "return sum(prices[i] for i in ids)"


def test_context_relation() -> None:
    text = CHAINED.replace("The above exception was the direct cause of the following exception:",
                           "During handling of the above exception, another exception occurred:")
    assert extract(text).exceptions[0].relation == "context"


def test_syntax_error_block() -> None:
    text = 'Traceback (most recent call last):\n  File "/app/run.py", line 3\n    def f(:\n          ^\nSyntaxError: invalid syntax\n'
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("SyntaxError", "invalid syntax")
    assert (exc.frames[0].file, exc.frames[0].line, exc.frames[0].function) == ("/app/run.py", 3, None)


def test_truncated_traceback_has_no_type() -> None:
    exc = extract('Traceback (most recent call last):\n  File "a.py", line 1, in <module>\n    go()\n').exceptions[0]
    assert exc.type is None and len(exc.frames) == 1


def test_logging_prefix_and_frozen_frames() -> None:
    text = (
        "2024-06-01 12:00:00,123 ERROR worker: job failed\n"
        "Traceback (most recent call last):\n"
        '  File "<frozen importlib._bootstrap>", line 1204, in _gcd_import\n'
        '  File "/opt/jobs/run.py", line 8, in main\n'
        "ModuleNotFoundError: No module named 'yaml'\n"
    )
    exc = extract(text).exceptions[0]
    assert exc.type == "ModuleNotFoundError"
    assert [f.in_app for f in exc.frames] == [False, True]
    assert exc.start_line == 2


# The layout of Python's documentation ("Raising and Handling Multiple Unrelated Exceptions").
NESTED_GROUP = """\
  + Exception Group Traceback (most recent call last):
  |   File "/srv/app/jobs.py", line 3, in <module>
  |     raise ExceptionGroup("batch", [OSError(5), ExceptionGroup("retries", [KeyError('k')])])
  | ExceptionGroup: batch (2 sub-exceptions)
  +-+---------------- 1 ----------------
    | OSError: 5
    +---------------- 2 ----------------
    | ExceptionGroup: retries (1 sub-exception)
    +-+---------------- 1 ----------------
      | Traceback (most recent call last):
      |   File "/srv/app/retry.py", line 7, in fetch
      |     raise KeyError('k')
      | KeyError: 'k'
      +------------------------------------
"""


def test_exception_group_tree_members_point_at_their_group() -> None:
    excs = extract(NESTED_GROUP).exceptions
    assert [(e.type, e.member_of) for e in excs] == [("ExceptionGroup", None), ("OSError", 0), ("ExceptionGroup", 0), ("KeyError", 2)]
    assert excs[0].frames[0].file == "/srv/app/jobs.py"
    assert [(f.file, f.line) for f in excs[3].frames] == [("/srv/app/retry.py", 7)]


def test_multi_line_message_keeps_its_indented_lines() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/config.py", line 18, in validate\n'
        "    raise ValueError(\n"
        "ValueError: invalid configuration:\n"
        "  - 'port' must be an integer\n"
        "  - 'host' is required\n"
        "2024-05-01 10:00:01,000 INFO app: shutting down\n"
    )
    exc = extract(text).exceptions[0]
    assert exc.message == "invalid configuration:\n  - 'port' must be an integer\n  - 'host' is required"


def test_message_does_not_swallow_the_next_record_or_trace() -> None:
    text = (
        'Traceback (most recent call last):\n  File "/app/a.py", line 1, in <module>\nKeyError: "{\'id\': 1}"\n'
        "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:3 +0x1d\n"
    )
    excs = extract(text).exceptions
    assert [(e.type, e.message) for e in excs] == [("KeyError", "\"{'id': 1}\""), ("panic", "boom")]


def test_script_syntax_error_has_no_traceback_header() -> None:
    # What `python broken.py` prints when the script itself does not compile.
    text = '  File "/app/broken.py", line 3\n    print("hello"\n         ^\nSyntaxError: \'(\' was never closed\n'
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("SyntaxError", "'(' was never closed")
    assert [(f.file, f.line, f.function) for f in exc.frames] == [("/app/broken.py", 3, None)]


def test_one_stray_file_line_in_prose_is_not_a_trace() -> None:
    assert extract('see File "setup.py", line 4 for details\n').exceptions == []


def test_frame_cut_at_the_end_of_the_text_is_dropped() -> None:
    text = 'Traceback (most recent call last):\n  File "/app/a.py", line 3, in <module>\n    main()\n  File "/app/a.py", line 2, in ma'
    assert [f.function for f in extract(text).exceptions[0].frames] == ["<module>"]


def test_doctest_failure_with_indented_traceback() -> None:
    text = (
        'File "/app/mathx.py", line 12, in mathx.add\nFailed example:\n    add(1, "2")\nException raised:\n'
        "    Traceback (most recent call last):\n"
        '      File "<doctest mathx.add[0]>", line 1, in <module>\n        add(1, "2")\n'
        '      File "/app/mathx.py", line 15, in add\n        return a + b\n               ~~^~~\n'
        "    TypeError: unsupported operand type(s) for +: 'int' and 'str'\n"
        "**********************************************************************\n"
    )
    exc = extract(text).exceptions[0]
    assert exc.type == "TypeError" and exc.message == "unsupported operand type(s) for +: 'int' and 'str'"
    assert [(f.file, f.line) for f in exc.frames] == [("<doctest mathx.add[0]>", 1), ("/app/mathx.py", 15)]


def test_message_lines_inside_a_json_field_run_to_its_closing_quote() -> None:
    # str(exc) == "a\nb": in plain text "b" could be the next record; in a JSON value it cannot
    value = 'Traceback (most recent call last):\n  File "/srv/app/job.py", line 9, in run\nValueError: a\nb\n'
    record = json.dumps({"level": "error", "exc_info": value})
    text = record + "\n" + json.dumps({"level": "info", "msg": "next\nrecord"}) + "\n"
    [exc] = extract(text).exceptions
    assert (exc.type, exc.message) == ("ValueError", "a\nb")


def test_json_field_message_stops_at_a_chain_sentence() -> None:
    value = (
        'Traceback (most recent call last):\n  File "/a.py", line 1, in f\nKeyError: k\nmore\n\n'
        "The above exception was the direct cause of the following exception:\n\n"
        'Traceback (most recent call last):\n  File "/a.py", line 3, in g\nValueError: a\nb'
    )
    excs = extract(json.dumps({"exc_info": value})).exceptions
    assert [(e.type, e.message, e.caused_by) for e in excs] == [("KeyError", "k\nmore", None), ("ValueError", "a\nb", 0)]


def test_unindented_line_after_a_plain_text_exception_is_not_its_message() -> None:
    text = 'Traceback (most recent call last):\n  File "/srv/app/job.py", line 9, in run\nValueError: a\nb\n'
    assert extract(text).exceptions[0].message == "a"
