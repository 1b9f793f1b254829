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
