"""Ruby, .NET, Rust, PHP and native (sanitizer, gdb) formats."""

from __future__ import annotations

from fivewhys.evidence.stacktrace import extract


def test_ruby_uncaught_with_from_lines() -> None:
    text = "app/models/user.rb:12:in 'User#save': validation failed (ActiveRecord::RecordInvalid)\n\tfrom /gems/activerecord-7.1.3/lib/base.rb:5:in `block in run'\n"
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("ActiveRecord::RecordInvalid", "validation failed")
    assert [(f.file, f.line, f.function) for f in exc.frames] == [
        ("app/models/user.rb", 12, "User#save"), ("/gems/activerecord-7.1.3/lib/base.rb", 5, "block in run")]


def test_dotnet_inner_exceptions() -> None:
    text = (
        "System.InvalidOperationException: load failed ---> System.IO.FileNotFoundException: missing.json\r\n"
        "   at Acme.Config.Read(String path) in /src/Acme/Config.cs:line 14\r\n"
        "   --- End of inner exception stack trace ---\r\n"
        "   at Acme.Program.Main(String[] args) in /src/Acme/Program.cs:line 7\r\n"
    )
    excs = extract(text).exceptions
    assert [e.type for e in excs] == ["System.InvalidOperationException", "System.IO.FileNotFoundException"]
    assert excs[0].caused_by == 1 and excs[1].relation == "inner"
    assert excs[1].frames[0].file == "/src/Acme/Config.cs" and excs[1].frames[0].line == 14
    assert excs[0].frames[0].function == "Acme.Program.Main"


def test_rust_new_format_with_backtrace() -> None:
    text = (
        "thread 'main' panicked at src/parse.rs:10:5:\nindex out of bounds\nstack backtrace:\n"
        "   0: rust_begin_unwind\n             at /rustc/abc/library/std/src/panicking.rs:645:5\n"
        "   1: demo::parse::h0123456789abcdef\n             at ./src/parse.rs:10:5\n"
    )
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message, exc.thread) == ("panic", "index out of bounds", "main")
    assert [(f.function, f.line) for f in exc.frames] == [("rust_begin_unwind", 645), ("demo::parse", 10)]


def test_php_uncaught_with_previous() -> None:
    text = (
        "PHP Fatal error:  Uncaught InvalidArgumentException: bad id in /var/www/src/Repo.php:20\n"
        "Stack trace:\n#0 /var/www/src/Ctrl.php(8): App\\Repo->find('x')\n#1 [internal function]: App\\Ctrl->show()\n#2 {main}\n"
        "Next RuntimeException: lookup failed in /var/www/src/Ctrl.php:9\nStack trace:\n#0 /var/www/index.php(3): App\\Ctrl->show()\n#1 {main}\n"
        "  thrown in /var/www/src/Ctrl.php on line 9\n"
    )
    excs = extract(text).exceptions
    assert [e.type for e in excs] == ["InvalidArgumentException", "RuntimeException"]
    assert excs[1].caused_by == 0
    assert [(f.file, f.function) for f in excs[0].frames] == [("/var/www/src/Ctrl.php", "App\\Repo->find"), (None, "App\\Ctrl->show")]


def test_asan_report_with_secondary_stacks() -> None:
    text = (
        "==12==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020 at pc 0x1 bp 0x2 sp 0x3\n"
        "READ of size 4 at 0x6020 thread T0\n"
        "    #0 0x4f1 in use_it /src/a.c:7:3\n    #1 0x4f2 in main /src/a.c:12:5\n\n"
        "freed by thread T0 here:\n    #0 0x4a0 in free (/lib/libasan.so+0x1000)\n    #1 0x4f3 in main /src/a.c:11:3\n"
        "SUMMARY: AddressSanitizer: heap-use-after-free /src/a.c:7:3 in use_it\n"
    )
    trace = extract(text)
    exc = trace.exceptions[0]
    assert exc.type == "AddressSanitizer: heap-use-after-free"
    assert [(f.function, f.file, f.line, f.column) for f in exc.frames] == [
        ("use_it", "/src/a.c", 7, 3), ("main", "/src/a.c", 12, 5)]
    assert trace.extra_stacks[0].label == "freed by thread T0 here"
    assert trace.extra_stacks[0].frames[0].file == "/lib/libasan.so"


def test_gdb_backtrace_takes_signal_as_type() -> None:
    text = "Program received signal SIGSEGV, Segmentation fault.\n#0  0x0000555555555131 in crash (p=0x0) at crash.c:3\n#1  0x000055555555514d in main () at crash.c:8\n"
    exc = extract(text).exceptions[0]
    assert exc.type == "SIGSEGV"
    assert [(f.function, f.file, f.line) for f in exc.frames] == [("crash", "crash.c", 3), ("main", "crash.c", 8)]
