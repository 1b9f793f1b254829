"""Python faulthandler dumps: fatal errors, watchdog timeouts, plain thread dumps."""

from __future__ import annotations

from fivewhys.evidence.stacktrace import extract

SEGFAULT = """\
Fatal Python error: Segmentation fault

Thread 0x00007f2b3c7fe700 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 320 in wait
  File "/srv/app/worker.py", line 40 in run

Current thread 0x00007f2b4a1c3740 (most recent call first):
  File "/srv/app/native.py", line 12 in crash
  File "/srv/app/main.py", line 30 in handle
  File "/srv/app/main.py", line 44 in <module>

Extension modules: numpy.core._multiarray_umath (total: 1)
Segmentation fault (core dumped)
"""


def test_fatal_error_takes_the_current_thread_outermost_first() -> None:
    trace = extract(SEGFAULT)
    [exc] = trace.exceptions
    assert (exc.type, exc.message, exc.language) == ("Fatal Python error", "Segmentation fault", "python")
    assert exc.thread == "Current thread 0x00007f2b4a1c3740"
    # printed most recent call first; stored like a Traceback, innermost last
    assert [(f.file, f.line, f.function) for f in exc.frames] == [
        ("/srv/app/main.py", 44, "<module>"),
        ("/srv/app/main.py", 30, "handle"),
        ("/srv/app/native.py", 12, "crash"),
    ]


def test_other_threads_are_extra_stacks() -> None:
    [stack] = extract(SEGFAULT).extra_stacks
    assert stack.label == "Thread 0x00007f2b3c7fe700"
    assert [(f.line, f.function) for f in stack.frames] == [(40, "run"), (320, "wait")]


def test_timeout_dump_without_a_current_thread_takes_the_first_one() -> None:
    text = (
        "Timeout (0:00:05)!\n"
        'Thread 0x00007f2b4a1c3740 (most recent call first):\n  File "/srv/app/slow.py", line 8 in spin\n'
        '  File "/srv/app/slow.py", line 24 in <module>\n'
        "\n"
        'Thread 0x00007f2b3c7fe700 (most recent call first):\n  File "/srv/app/poll.py", line 3 in poll\n'
    )
    trace = extract(text)
    [exc] = trace.exceptions
    assert (exc.type, exc.message) == ("Timeout", "0:00:05")
    assert [f.function for f in exc.frames] == ["<module>", "spin"]
    assert [s.label for s in trace.extra_stacks] == ["Thread 0x00007f2b3c7fe700"]


def test_unknown_parts_and_depth_marker() -> None:
    text = (
        "Fatal Python error: Aborted\n\n"
        "Stack (most recent call first):\n"
        "  File ???, line ??? in ???\n"
        '  File "/srv/app/a.py", line 2 in f\n'
        "  ...\n"
    )
    exc = extract(text).exceptions[0]
    assert exc.thread == "Stack"
    assert [(f.file, f.line, f.function) for f in exc.frames] == [("/srv/app/a.py", 2, "f"), (None, None, None)]


def test_dump_without_a_fatal_error_is_no_exception() -> None:
    # faulthandler.register(SIGUSR1) / dump_traceback(): a requested dump, nothing failed
    text = 'Current thread 0x00007f2b4a1c3740 (most recent call first):\n  File "/srv/app/loop.py", line 5 in tick\n'
    trace = extract(text)
    assert trace.exceptions == []
    assert [(s.label, [f.function for f in s.frames]) for s in trace.extra_stacks] == [
        ("Current thread 0x00007f2b4a1c3740", ["tick"])
    ]
