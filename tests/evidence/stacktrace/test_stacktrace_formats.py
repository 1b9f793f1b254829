"""Format rules added for the second pass, each with a sample written for it."""

from __future__ import annotations

from fivewhys.evidence.stacktrace import extract


def test_dotnet_chain_header_spanning_lines_is_found_above_the_inner_type() -> None:
    text = (
        "App.DataException: query failed:\nselect * from t\nwhere x = 1 ---> App.DbException: timeout\n"
        "   at App.Db.Run(String sql)\n   --- End of inner exception stack trace ---\n   at App.Repo.Load()\n"
    )
    excs = extract(text).exceptions
    assert [e.type for e in excs] == ["App.DataException", "App.DbException"]
    assert excs[0].message == "query failed:\nselect * from t\nwhere x = 1"
    assert excs[0].caused_by == 1


def test_php_next_without_stack_joins_the_chain() -> None:
    text = (
        "PHP Fatal error:  Uncaught LogicException: inner in /srv/a.php:4\nStack trace:\n#0 /srv/a.php(9): f()\n#1 {main}\n\n"
        "Next RuntimeException: outer in /srv/a.php on line 9\n"
    )
    excs = extract(text).exceptions
    assert [(e.type, e.message) for e in excs] == [("LogicException", "inner"), ("RuntimeException", "outer")]
    assert excs[1].caused_by == 0


def test_rust_old_style_message_with_newlines() -> None:
    text = "thread 'w' panicked at 'check failed\n  got: 1\n want: 2', src/lib.rs:7:3\nstack backtrace:\n   0: app::run\n"
    exc = extract(text).exceptions[0]
    assert exc.message == "check failed\n  got: 1\n want: 2"
    assert [f.function for f in exc.frames] == ["app::run"]


def test_rust_entry_cut_at_end_of_text_is_dropped() -> None:
    text = "thread 'main' panicked at 'x', src/a.rs:1:1\nstack backtrace:\n   0: app::one\n   1: app::tw"
    assert [f.function for f in extract(text).exceptions[0].frames] == ["app::one"]


def test_go_unavailable_stack_and_cut_file_line() -> None:
    text = "panic: boom\n\ngoroutine 9 [running]:\n\tgoroutine running on other thread; stack unavailable\n"
    assert [f.file for f in extract(text).exceptions[0].frames] == ["<unavailable>"]
    cut = "panic: boom\n\ngoroutine 1 [running]:\nmain.a()\n\t/src/a.go:3 +0x1\nmain.b(0x1)\n\t/sr\n"
    assert [(f.function, f.file) for f in extract(cut).exceptions[0].frames] == [("main.a", "/src/a.go"), ("main.b", None)]


def test_go_pc_stack_below_a_logged_panic() -> None:
    text = "E0101 recovered: Panic in worker: runtime error: nil map\nsvc/w.go:10 (0x4a1)\nruntime/asm_amd64.s:1 (0x4a2)\n"
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("panic", "runtime error: nil map")
    assert [(f.file, f.line) for f in exc.frames] == [("svc/w.go", 10), ("runtime/asm_amd64.s", 1)]
    headless = extract("svc/w.go:10 (0x4a1)\nsvc/m.go:2 (0x4a2)\n")
    assert headless.exceptions == [] and len(headless.extra_stacks[0].frames) == 2


def test_ruby_backtrace_with_java_v8_and_oracle_entries() -> None:
    text = (
        "org.jruby.Main.run(Main.java:12)\napp.jobs.block in perform(app/jobs/a.rb:3)\n"
        "render ((execjs):10:2)\nORA-06512: at \"OWN.PKG\", line 5\nORA-06512: at line 1\nstmt.c:9:in oci8lib.so\n"
        "/srv/app/a.rb:4:in `go'\n"
    )
    frames = extract(text).exceptions[0].frames
    assert [(f.file, f.line, f.function) for f in frames] == [
        ("Main.java", 12, "org.jruby.Main.run"), ("app/jobs/a.rb", 3, "app.jobs.block in perform"),
        ("(execjs)", 10, "render"), (None, 5, "OWN.PKG"), (None, 1, None), ("stmt.c", 9, "oci8lib.so"), ("/srv/app/a.rb", 4, "go"),
    ]


def test_sidekiq_error_class_wins_over_worker_class() -> None:
    text = '{"class": "MailWorker", "error_class": "IOError", "error_message": "closed", "error_backtrace": ["a.rb:1:in `x\'", "a.rb:2:in `y\'"]}'
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("IOError", "closed")


def test_v8_untyped_message_eval_origin_and_lost_paren() -> None:
    exc = extract("oops\n    at new Foo (/app/a.js:2:1\n    at /app/b.js:1:2\n").exceptions[0]
    assert (exc.type, exc.message) == (None, "oops")
    assert [(f.file, f.line, f.function) for f in exc.frames] == [("/app/a.js", 2, "new Foo"), ("/app/b.js", 1, None)]
    evald = extract("Error: x\n    at f (eval at g (eval at h (/app/c.js:9:3)), <anonymous>:1:5)\n").exceptions[0]
    assert (evald.frames[0].file, evald.frames[0].line) == ("/app/c.js", 9)
    native = extract("Error\n at Array.map (native)\n").exceptions[0]
    assert native.type == "Error" and native.language == "javascript"


def test_firefox_eval_and_opera_formats() -> None:
    ff = extract("f@http://x/a.js line 7 > eval:1:2\ng@http://x/a.js:9:1\n").exceptions[0]
    assert [(f.file, f.line) for f in ff.frames] == [("http://x/a.js", 7), ("http://x/a.js", 9)]
    opera = extract("  Line 3 of linked script http://x/a.js: In function go\n    go();\n  Line 8 of inline#2 script in http://x/p.html\n    run();\n")
    assert [(f.file, f.line, f.function) for f in opera.exceptions[0].frames] == [("http://x/a.js", 3, "go"), ("http://x/p.html", 8, None)]
    o11 = extract("<anonymous function: run>([arguments not available])@http://x/a.js:4\nf()@http://x/a.js:5\nError created at f()@http://x/a.js:5\n")
    assert [f.function for f in o11.exceptions[0].frames] == ["run", "f"]
