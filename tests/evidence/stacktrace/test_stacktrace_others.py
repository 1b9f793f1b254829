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


def _san(frames: str, tail: str = "") -> str:
    return "==7==ERROR: AddressSanitizer: SEGV on unknown address 0x0 (pc 0x1 bp 0x2 sp 0x3 T0)\n" + frames + "SUMMARY: AddressSanitizer: SEGV\n" + tail


def test_sanitizer_unknown_module_frame_has_no_function() -> None:
    frame = extract(_san("    #0 0x4f1 in crash /src/x.cc:3:1\n    #1 0x7fee0840  (<unknown module>)\n")).exceptions[0].frames[1]
    assert (frame.function, frame.file, frame.module) == (None, None, "<unknown module>")


def test_sanitizer_unknown_location_and_bare_module_are_split_from_the_function() -> None:
    frames = extract(_san("    #0 0x4d50 in calloc ??:?\n    #1 0x4d51 in realloc_hook _asan_rtl_\n    #2 0x4d52 in start_thread ??:0:0\n")).exceptions[0].frames
    assert [(f.function, f.file) for f in frames] == [("calloc", None), ("realloc_hook", "_asan_rtl_"), ("start_thread", None)]


def test_sanitizer_names_with_spaces_are_not_split_inside_the_parameter_list() -> None:
    frames = extract(_san("    #0 0x10 in operator delete[](void*)\n    #1 0x11 in Run(void () block_pointer)\n")).exceptions[0].frames
    assert [(f.function, f.file) for f in frames] == [("operator delete[](void*)", None), ("Run(void () block_pointer)", None)]


def test_sanitizer_discriminator_suffix_is_dropped() -> None:
    frame = extract(_san("    #0 0x10 in Parse /src/p.cc:88 (discriminator 3)\n")).exceptions[0].frames[0]
    assert (frame.function, frame.file, frame.line) == ("Parse", "/src/p.cc", 88)


def test_sanitizer_frame_hard_wrapped_across_two_lines_is_joined() -> None:
    long_name = "ns::Holder<ns::Widget, ns::Traits<ns::Widget> >::Build(ns::Options const&, ns::Budget*, ns::Ledger<int>*, bool)"
    first = f"    #0 0xe09240 in {long_name} src/holder.h:163:11"
    text = _san(first[:90] + "\n" + first[90:] + "\n    #1 0xe09241 in main src/main.cc:4:2\n")
    frames = extract(text).exceptions[0].frames
    assert [(f.function, f.file, f.line) for f in frames] == [(long_name, "src/holder.h", 163), ("main", "src/main.cc", 4)]


def test_android_thread_creation_stack_after_summary_is_an_extra_stack() -> None:
    tail = "Thread T3 (Binder:1_2) created by T0 here:\n    #0 0x20 in pthread_create\n    #1 0x21 in spawn /src/t.cc:9:3\n"
    trace = extract(_san("    #0 0x4f1 in crash /src/x.cc:3:1\n", tail))
    assert len(trace.exceptions) == 1
    assert [(s.label, [f.function for f in s.frames]) for s in trace.extra_stacks] == [
        ("Thread T3 (Binder:1_2) created by T0 here", ["pthread_create", "spawn"])]


def test_two_ubsan_reports_are_two_exceptions() -> None:
    text = (
        "src/a.cc:5:1: runtime error: load of misaligned address 0x1\n    #0 0x1 in f src/a.cc:5:1\n\n"
        "src/b.cc:9:2: runtime error: signed integer overflow\n    #0 0x2 in g src/b.cc:9:2\n"
    )
    excs = extract(text).exceptions
    assert [(e.message, [f.function for f in e.frames]) for e in excs] == [
        ("load of misaligned address 0x1", ["f"]), ("signed integer overflow", ["g"])]


def test_gdb_template_name_with_parentheses_is_kept_whole() -> None:
    text = (
        "Program received signal SIGSEGV, Segmentation fault.\n"
        "#0  0x0849 in Store<(Mode)1> (cx=0x9, obj=(Obj * const) 0xf6 [object Array]) at /src/store.cpp:20\n"
        "#1  0x0850 in main (argc=1) at /src/main.cpp:3\n"
    )
    frames = extract(text).exceptions[0].frames
    assert [(f.function, f.file, f.line) for f in frames] == [("Store<(Mode)1>", "/src/store.cpp", 20), ("main", "/src/main.cpp", 3)]


def test_dotnet_frames_with_unnamed_parameter_types_stay_in_the_trace() -> None:
    from fivewhys.evidence.stacktrace import extract

    text = ("System.InvalidOperationException: The ConnectionString property has not been initialized.\n"
            "   at Shop.Data.Store.Open() in /src/Shop/Data/Store.cs:line 15\n"
            "   at lambda_method12(Closure, Object, Object[])\n"
            "   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute()\n")
    trace = extract(text)
    assert len(trace.exceptions) == 1
    assert [f.function for f in trace.exceptions[0].frames][-2:] == [
        "lambda_method12", "Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.Execute"]


def test_php8_type_error_message_is_what_get_message_returns() -> None:
    # Exception::__toString appends " and defined" to a TypeError holding ", called in ", so that
    # "in /b.php:7" reads as the definition site; getMessage() (Sentry, Monolog) has no suffix
    text = (
        "PHP Fatal error:  Uncaught TypeError: f(): Argument #1 ($x) must be of type int, string given, "
        "called in /a.php on line 3 and defined in /b.php:7\nStack trace:\n#0 /a.php(3): f('x')\n#1 {main}\n"
        "  thrown in /b.php on line 7\n"
    )
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("TypeError", "f(): Argument #1 ($x) must be of type int, string given, called in /a.php on line 3")
    assert [(f.file, f.line, f.function) for f in exc.frames] == [("/a.php", 3, "f")]


def test_php_messages_that_only_mention_and_defined_are_kept() -> None:
    text = "PHP Fatal error:  Uncaught RuntimeException: x and defined in /b.php:7\nStack trace:\n#0 {main}\n"
    assert extract(text).exceptions[0].message == "x and defined"


def test_asan_stack_address_frame_is_an_extra_stack_labelled_by_its_line() -> None:
    text = (
        "==4242==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x7ffd4b1c2a48 at pc 0x4f1a2b bp 0x7ffd sp 0x7ffd\n"
        "WRITE of size 4 at 0x7ffd4b1c2a48 thread T0\n"
        "    #0 0x4f1a2a in fill /src/app/buf.c:8:10\n    #1 0x4f1b3c in main /src/app/buf.c:14:3\n\n"
        "Address 0x7ffd4b1c2a48 is located in stack of thread T0 at offset 72 in frame\n"
        "    #0 0x4f1a4f in main /src/app/buf.c:12\n\n"
        "  This frame has 1 object(s):\n    [32, 72) 'a' (line 13) <== Memory access at offset 72 overflows this variable\n"
        "SUMMARY: AddressSanitizer: stack-buffer-overflow /src/app/buf.c:8:10 in fill\n"
    )
    trace = extract(text)
    assert [f.function for f in trace.exceptions[0].frames] == ["fill", "main"]
    assert [(s.label, [(f.function, f.line) for f in s.frames]) for s in trace.extra_stacks] == [
        ("Address 0x7ffd4b1c2a48 is located in stack of thread T0 at offset 72 in frame", [("main", 12)])
    ]


def test_msan_origin_stack_without_a_colon_is_labelled_too() -> None:
    text = (
        "==7==WARNING: MemorySanitizer: use-of-uninitialized-value\n    #0 0x4a in use /src/m.c:9:3\n\n"
        "  Uninitialized value was created by a heap allocation\n    #0 0x41 in malloc\n    #1 0x4b in make /src/m.c:3:10\n"
        "SUMMARY: MemorySanitizer: use-of-uninitialized-value /src/m.c:9:3 in use\n"
    )
    [stack] = extract(text).extra_stacks
    assert stack.label == "Uninitialized value was created by a heap allocation"
    assert [f.function for f in stack.frames] == ["malloc", "make"]
