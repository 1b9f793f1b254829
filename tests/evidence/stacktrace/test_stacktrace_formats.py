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


def test_docker_compose_and_heroku_prefixes_are_removed() -> None:
    compose = "".join(f"web-1  | {x}\n" for x in (
        "Traceback (most recent call last):", '  File "/app/main.py", line 3, in <module>', "    main()",
        "ZeroDivisionError: division by zero"))
    exc = extract(compose).exceptions[0]
    assert (exc.type, [f.line for f in exc.frames]) == ("ZeroDivisionError", [3])
    heroku = "".join(f"2024-05-01T10:00:00.000000+00:00 app[web.1]: {x}\n" for x in (
        "Error: boom", "    at f (/app/a.js:1:2)", "    at g (/app/b.js:3:4)"))
    exc = extract(heroku).exceptions[0]
    assert (exc.type, [(f.function, f.file) for f in exc.frames]) == ("Error", [("f", "/app/a.js"), ("g", "/app/b.js")])


def test_a_single_prefixed_line_is_left_alone() -> None:
    text = "2024-05-01 10:00:00 INFO svc:     at home (x.js:1:2)\n2024-05-01 10:00:01 WARN other: ok\n"
    assert extract(text).exceptions == []


def test_ruby_cause_internal_frames_and_elided_levels() -> None:
    text = (
        "/app/lib/loader.rb:10:in 'Loader#load': could not load config (Loader::Error)\n"
        "\tfrom <internal:kernel>:187:in 'Kernel#loop'\n\t ... 3 levels...\n\tfrom /app/bin/run:5:in '<main>'\n"
        "/app/lib/loader.rb:4:in 'File.read': No such file or directory (Errno::ENOENT)\n"
        "\tfrom /app/lib/loader.rb:4:in 'Loader#load'\n"
    )
    outer, cause = extract(text).exceptions
    assert [(f.file, f.function, f.in_app) for f in outer.frames] == [
        ("/app/lib/loader.rb", "Loader#load", True), ("<internal:kernel>", "Kernel#loop", False), ("/app/bin/run", "<main>", True)]
    assert outer.frames_omitted == 3
    assert (cause.type, outer.caused_by, cause.relation) == ("Errno::ENOENT", 1, "cause")


def test_ruby_message_lines_after_the_type_and_error_highlight_snippet() -> None:
    text = (
        "/app/x.rb:2:in `f': first line (RuntimeError)\nsecond line\n\tfrom /app/x.rb:5:in `<main>'\n"
        "/app/y.rb:2:in 'Object#g': undefined method 'upcase' for nil (NoMethodError)\n\n  nil.upcase\n     ^^^^^^^\n"
        "\tfrom /app/y.rb:5:in '<main>'\n"
    )
    multi, highlighted = extract(text).exceptions
    assert (multi.message, len(multi.frames)) == ("first line\nsecond line", 2)
    assert (highlighted.type, highlighted.message, len(highlighted.frames)) == ("NoMethodError", "undefined method 'upcase' for nil", 2)


def test_dotnet_core_inner_exceptions_on_their_own_lines() -> None:
    text = (
        "Unhandled exception. System.InvalidOperationException: Order failed\n"
        " ---> System.Net.Http.HttpRequestException: Connection refused (localhost:5001)\n"
        " ---> System.Net.Sockets.SocketException (111): Connection refused\n"
        "   at System.Net.Sockets.Socket.Connect(EndPoint remoteEP)\n"
        "   --- End of inner exception stack trace ---\n"
        "   at Shop.OrderClient.SubmitAsync(Order order) in /src/Shop/OrderClient.cs:line 42\n"
        "--- End of stack trace from previous location ---\n"
        "   at Shop.Program.Main(String[] args) in /src/Shop/Program.cs:line 12\n"
        "   --- End of inner exception stack trace ---\n"
        "   at Shop.OrderService.Process(Order order) in /src/Shop/OrderService.cs:line 35\n"
    )
    excs = extract(text).exceptions
    assert [(e.type, e.message, e.caused_by) for e in excs] == [
        ("System.InvalidOperationException", "Order failed", 1),
        ("System.Net.Http.HttpRequestException", "Connection refused (localhost:5001)", 2),
        ("System.Net.Sockets.SocketException", "Connection refused", None),
    ]
    assert [[f.line for f in e.frames] for e in excs] == [[35], [42, 12], [None]]


def test_dotnet_aggregate_members_after_the_main_trace() -> None:
    text = (
        "System.AggregateException: One or more errors occurred. (Bad key) (Bad state)\n"
        " ---> System.ArgumentException: Bad key\n   at Shop.Cache.Get(String key) in C:\\src\\Cache.cs:line 19\n"
        "   --- End of inner exception stack trace ---\n   at Shop.Program.Main() in C:\\src\\Program.cs:line 9\n"
        " ---> (Inner Exception #1) System.InvalidOperationException: Bad state\n"
        "   at Shop.Worker.Run() in C:\\src\\Worker.cs:line 7<---\n"
    )
    excs = extract(text).exceptions
    assert [(e.type, e.caused_by, e.member_of) for e in excs] == [
        ("System.AggregateException", 1, None), ("System.ArgumentException", None, None), ("System.InvalidOperationException", None, 0)]
    assert (excs[2].relation, excs[2].frames[0].file, excs[2].frames[0].line) == ("aggregate_member", "C:\\src\\Worker.cs", 7)


def test_php_uncaught_error_without_frames() -> None:
    text = (
        "[01-May-2024 10:00:00 UTC] PHP Fatal error:  Uncaught Error: Call to undefined function foo() in /var/www/index.php:3\n"
        "Stack trace:\n#0 {main}\n  thrown in /var/www/index.php on line 3\n"
    )
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message, exc.frames) == ("Error", "Call to undefined function foo()", [])


def test_php_laravel_log_with_previous_exception() -> None:
    text = (
        '[2024-05-01 10:00:00] production.ERROR: boom {"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: 2002): '
        "Connection refused at /var/www/vendor/Connection.php:813)\n[stacktrace]\n"
        "#0 /var/www/app/Http/UserController.php(20): Illuminate\\\\Database\\\\Connection->select('select')\n#1 {main}\n\n"
        "[previous exception] [object] (PDOException(code: 2002): refused at /var/www/vendor/Connector.php:65)\n[stacktrace]\n"
        "#0 /var/www/vendor/Connector.php(65): PDO->__construct('mysql:host=db')\n#1 {main}\n\"} \n"
    )
    outer, previous = extract(text).exceptions
    assert (outer.type, outer.message) == ("Illuminate\\Database\\QueryException", "Connection refused")
    assert [(f.file, f.line, f.function) for f in outer.frames] == [
        ("/var/www/app/Http/UserController.php", 20, "Illuminate\\Database\\Connection->select")]
    assert (previous.type, outer.caused_by, previous.relation) == ("PDOException", 1, "previous")
    assert [f.function for f in previous.frames] == ["PDO->__construct"]


def test_sanitizer_build_id_suffix_and_gdb_frames_without_location() -> None:
    asan = "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x6\n    #0 0x55 in _start (/home/u/uaf+0x11e4) (BuildId: 5a3f0c8e2b)\n"
    frame = extract(asan).exceptions[0].frames[0]
    assert (frame.function, frame.file) == ("_start", "/home/u/uaf")
    gdb = "Program received signal SIGABRT, Aborted.\n#0  0x00007ffff7c42476 in __GI_raise (sig=sig@entry=6) at ../sysdeps/posix/raise.c:26\n#1  0x0000555555555189 in ?? ()\n#2  0x0000555555555085 in _start ()\n"
    frames = extract(gdb).exceptions[0].frames
    assert [(f.function, f.in_app) for f in frames] == [("__GI_raise", False), ("??", True), ("_start", False)]
