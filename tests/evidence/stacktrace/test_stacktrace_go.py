"""Go panics and goroutine dumps."""

from __future__ import annotations

from fivewhys.evidence.stacktrace import extract

PANIC = """\
panic: runtime error: invalid memory address or nil pointer dereference [recovered]
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]

goroutine 7 [running]:
github.com/acme/svc/store.(*DB).Get(0x0, {0xc0000a4000, 0x5})
\t/build/store/db.go:88 +0x2c
main.handler(...)
\t/build/cmd/main.go:20
created by net/http.(*Server).Serve in goroutine 1
\t/usr/local/go/src/net/http/server.go:3086 +0x5cb

goroutine 1 [IO wait]:
internal/poll.runtime_pollWait(0x7f, 0x72)
\t/usr/local/go/src/runtime/netpoll.go:343 +0x85
"""


def test_panic_frames_and_extra_goroutines() -> None:
    trace = extract(PANIC)
    exc = trace.exceptions[0]
    assert exc.type == "panic" and exc.message.startswith("runtime error: invalid memory address")
    assert exc.thread == "goroutine 7 [running]"
    assert [(f.function, f.file, f.line) for f in exc.frames] == [
        ("github.com/acme/svc/store.(*DB).Get", "/build/store/db.go", 88),
        ("main.handler", "/build/cmd/main.go", 20),
    ]
    assert [s.label for s in trace.extra_stacks] == ["goroutine 1 [IO wait]"]
    assert trace.extra_stacks[0].frames[0].in_app is False


def test_syslog_prefixed_fatal_error() -> None:
    body = "fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\nmain.main()\n\t/src/app/main.go:9 +0x2d\n"
    text = "".join(f"Jun  3 04:11:09 node-3 app[42]: {line}\n" for line in body.splitlines())
    exc = extract(text).exceptions[0]
    assert (exc.type, exc.message) == ("fatal error", "all goroutines are asleep - deadlock!")
    assert exc.frames[0].file == "/src/app/main.go"


def test_panic_during_a_recovered_panic_is_two_exceptions() -> None:
    text = (
        "panic: first failure [recovered]\n\tpanic: second failure\n\ngoroutine 1 [running]:\n"
        "main.main.func1()\n\t/app/main.go:8 +0x45\nmain.main()\n\t/app/main.go:11 +0x4e\nexit status 2\n"
    )
    first, second = extract(text).exceptions
    assert (first.message, first.frames) == ("first failure [recovered]", [])
    assert (second.type, second.message, second.thread) == ("panic", "second failure", "goroutine 1 [running]")
    assert [(f.function, f.line) for f in second.frames] == [("main.main.func1", 8), ("main.main", 11)]
    assert second.caused_by == 0 and first.relation == "context"


def test_runtime_throw_with_go_1_23_goroutine_header() -> None:
    text = (
        "fatal error: concurrent map writes\n\n"
        "goroutine 18 gp=0xc000007a40 m=3 mp=0xc000080008 [running]:\n"
        "runtime.throw({0x4b2c1d?, 0x0?})\n\t/usr/local/go/src/runtime/panic.go:1067 +0x48 fp=0xc00004af50 sp=0xc00004af20 pc=0x46cc48\n"
        "main.writer(0xc000076180)\n\t/build/cmd/app/main.go:15 +0x4a fp=0xc00004afc8 sp=0xc00004afa8 pc=0x48f0aa\n"
        "created by main.main in goroutine 1\n\t/build/cmd/app/main.go:22 +0x65\n\n"
        "goroutine 1 gp=0xc0000061c0 m=nil [sleep]:\n"
        "main.main()\n\t/build/cmd/app/main.go:25 +0x85 fp=0xc000068f50 sp=0xc000068f18 pc=0x48f165\n"
    )
    trace = extract(text)
    [exc] = trace.exceptions
    assert (exc.type, exc.message, exc.thread) == ("fatal error", "concurrent map writes", "goroutine 18 [running]")
    assert [(f.function, f.line) for f in exc.frames] == [("runtime.throw", 1067), ("main.writer", 15)]
    assert [(s.label, [f.line for f in s.frames]) for s in trace.extra_stacks] == [("goroutine 1 [sleep]", [25])]


def test_signal_in_cgo_code_is_named_by_the_signal() -> None:
    text = (
        "SIGSEGV: segmentation violation\nPC=0x7f1e2c3d4e5f m=0 sigcode=1 addr=0x0\nsignal arrived during cgo execution\n\n"
        "goroutine 1 [syscall]:\n"
        "runtime.cgocall(0x48f0a0, 0xc000067f50)\n\t/usr/local/go/src/runtime/cgocall.go:157 +0x4b\n"
        "main._Cfunc_crash()\n\t_cgo_gotypes.go:39 +0x45\n"
        "main.main()\n\t/build/cmd/app/main.go:12 +0x17\n\n"
        "rax    0x0\nrip    0x7f1e2c3d4e5f\n"
    )
    [exc] = extract(text).exceptions
    assert (exc.type, exc.message, exc.thread) == ("SIGSEGV", "segmentation violation", "goroutine 1 [syscall]")
    assert [f.function for f in exc.frames] == ["runtime.cgocall", "main._Cfunc_crash", "main.main"]


def test_sigquit_dump_is_not_an_exception() -> None:
    text = "SIGQUIT: quit\nPC=0x46a1c1 m=0 sigcode=0\n\ngoroutine 1 [select]:\nmain.main()\n\t/build/main.go:9 +0x22\n"
    trace = extract(text)
    assert trace.exceptions == [] and [s.label for s in trace.extra_stacks] == ["goroutine 1 [select]"]


def test_go_frames_keep_their_argument_words_and_a_nil_receiver_is_named() -> None:
    from fivewhys.evidence.stacktrace import extract
    from fivewhys.evidence.stacktrace.go import nil_receiver

    trace = extract("panic: runtime error: invalid memory address or nil pointer dereference\n"
                    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b1c]\n\n"
                    "goroutine 1 [running]:\n"
                    "main.(*Server).handle(0x0, {0x5c3f20, 0xc000012345})\n\t/app/server.go:42 +0x1c\n"
                    "main.(*Pool).get(0xc000010000, 0x3)\n\t/app/pool.go:9 +0x2f\n"
                    "main.main()\n\t/app/main.go:17 +0x85\n")
    frames = trace.exceptions[0].frames
    assert [f.arguments for f in frames] == ["0x0, {0x5c3f20, 0xc000012345}", "0xc000010000, 0x3", None]
    assert [nil_receiver(f) for f in frames] == ["Server", None, None]  # a live receiver, a plain function
