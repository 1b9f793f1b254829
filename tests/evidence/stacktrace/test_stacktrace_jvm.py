"""JVM traces: Caused by, Suppressed, ... N more, modules, lambdas, log prefixes."""

from __future__ import annotations

from fivewhys.evidence.stacktrace import extract

TRACE = """\
Exception in thread "main" java.lang.IllegalStateException: could not start
\tat java.base/java.lang.Thread.run(Thread.java:1583)
\tat com.acme.Main.lambda$start$0(Main.java:21)
\tat com.acme.Main$$Lambda$14/0x0000000800c03000.run(Unknown Source)
\tSuppressed: java.io.IOException: close failed
\t\tat com.acme.Res.close(Res.java:9)
Caused by: java.net.ConnectException: Connection refused
\tat java.base/sun.nio.ch.Net.connect0(Native Method)
\tat com.acme.Db.open(Db.kt:33)
\t... 3 more
"""


def test_types_messages_and_chain() -> None:
    excs = extract(TRACE).exceptions
    assert [e.type for e in excs] == ["java.lang.IllegalStateException", "java.io.IOException", "java.net.ConnectException"]
    assert excs[0].message == "could not start"
    assert excs[0].caused_by == 2 and excs[2].relation == "cause"
    assert excs[1].suppressed_by == 0 and excs[1].relation == "suppressed"
    assert excs[2].frames_omitted == 3


def test_frames_modules_lambdas_native() -> None:
    frames = extract(TRACE).exceptions[0].frames
    assert (frames[0].module, frames[0].function, frames[0].file, frames[0].line) == (
        "java.base", "java.lang.Thread.run", "Thread.java", 1583)
    assert frames[1].function == "com.acme.Main.lambda$start$0"
    assert frames[2].function == "com.acme.Main$$Lambda$14/0x0000000800c03000.run" and frames[2].file is None
    assert [f.in_app for f in frames] == [False, True, True]


def test_kubernetes_prefixed_lines() -> None:
    text = "\n".join("2024-03-05T12:00:00.000000Z " + line for line in TRACE.splitlines())
    excs = extract(text).exceptions
    assert len(excs) == 3 and len(excs[0].frames) == 3


def test_logback_header_on_logger_line() -> None:
    text = "12:00:01.250 [http-1] ERROR c.a.Api - request failed: org.acme.PaymentException: declined\n\tat org.acme.Pay.run(Pay.java:5)\n"
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("org.acme.PaymentException", "declined")


def test_two_traces_back_to_back() -> None:
    text = "a.B: one\n\tat a.B.f(B.java:1)\nc.D: two\n\tat c.D.g(D.java:2)\n"
    assert [e.type for e in extract(text).exceptions] == ["a.B", "c.D"]


def test_n_more_frames_are_inherited_from_the_enclosing_trace() -> None:
    text = (
        "java.lang.RuntimeException: wrap\n\tat com.acme.Svc.run(Svc.java:10)\n\tat com.acme.Main.main(Main.java:5)\n"
        "Caused by: java.io.IOException: disk\n\tat com.acme.Disk.read(Disk.java:3)\n\tat com.acme.Svc.run(Svc.java:8)\n\t... 1 more\n"
    )
    outer, cause = extract(text).exceptions
    assert [f.function for f in cause.frames] == ["com.acme.Disk.read", "com.acme.Svc.run"]  # printed only
    assert [(f.function, f.line) for f in cause.inherited_frames] == [("com.acme.Main.main", 5)]
    assert outer.inherited_frames == []


def test_logger_prefix_on_every_line_is_removed() -> None:
    text = "".join(
        f"2024-05-01 10:00:00,12{k} ERROR [main] com.acme.App: {line}\n"
        for k, line in enumerate(["request failed", "java.lang.IllegalStateException: bad state",
                                  "\tat com.acme.App.run(App.java:10)", "\tat com.acme.App.main(App.java:5)"])
    )
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("java.lang.IllegalStateException", "bad state")
    assert [(f.function, f.line) for f in exc.frames] == [("com.acme.App.run", 10), ("com.acme.App.main", 5)]
    assert exc.start_line == 2


def test_class_loader_prefix_is_neither_module_nor_class() -> None:
    # StackTraceElement.toString: [loader/][module[@version]/]class.method; built-in loaders' names dropped
    text = (
        "java.lang.IllegalStateException: boom\n"
        "\tat app//com.x.Y.m(Y.java:3)\n"
        "\tat com.foo.loader/foo@9.0/com.foo.Main.run(Main.java:101)\n"
        "\tat acme@2.1/org.acme.Lib.test(Lib.java:80)\n"
        "\tat app//com.x.Y$$Lambda/0x0000000800c0c400.run(Unknown Source)\n"
    )
    frames = extract(text).exceptions[0].frames
    assert [(f.module, f.function) for f in frames] == [
        (None, "com.x.Y.m"),
        ("foo@9.0", "com.foo.Main.run"),
        ("acme@2.1", "org.acme.Lib.test"),
        (None, "com.x.Y$$Lambda/0x0000000800c0c400.run"),
    ]
