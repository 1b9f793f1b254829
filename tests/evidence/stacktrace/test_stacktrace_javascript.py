"""JavaScript: V8/Node frames, Error.cause, Firefox/Safari, JSON-escaped stacks."""

from __future__ import annotations

import json

from fivewhys.evidence.stacktrace import extract

NODE = """\
TypeError: Cannot read properties of undefined (reading 'id')
    at getUser (/app/src/users.js:14:22)
    at async Promise.all (index 0)
    at new Session (/app/src/session.js:3:9)
    at Object.<anonymous> (/app/node_modules/express/lib/router.js:10:2)
    at /app/src/main.js:5:1
    at eval (eval at run (/app/src/run.js:2:3), <anonymous>:1:7)
    at Array.forEach (native)
"""


def test_v8_frames() -> None:
    exc = extract(NODE).exceptions[0]
    assert (exc.type, exc.message) == ("TypeError", "Cannot read properties of undefined (reading 'id')")
    got = [(f.function, f.file, f.line, f.column) for f in exc.frames]
    assert got == [
        ("getUser", "/app/src/users.js", 14, 22),
        ("async Promise.all", None, None, None),
        ("new Session", "/app/src/session.js", 3, 9),
        ("Object.<anonymous>", "/app/node_modules/express/lib/router.js", 10, 2),
        (None, "/app/src/main.js", 5, 1),
        ("eval", "/app/src/run.js", 2, 3),  # eval frames point at the script that called eval
        ("Array.forEach", "native", None, None),  # pseudo-locations kept as printed
    ]
    assert exc.frames[5].eval_location == "<anonymous>:1:7"
    assert exc.frames[3].in_app is False and exc.frames[0].in_app is True


def test_error_cause_chain() -> None:
    text = "Error: outer\n    at a (/x/a.js:1:1) {\n  [cause]: RangeError: inner\n      at b (/x/b.js:2:2)\n}\n"
    excs = extract(text).exceptions
    assert [e.type for e in excs] == ["Error", "RangeError"]
    assert excs[0].caused_by == 1 and excs[1].frames[0].file == "/x/b.js"


def test_firefox_and_safari() -> None:
    text = 'render@https://cdn.example/app.min.js:1:2048\nobj["@x"]@https://cdn.example/@v/app.js:3:4\n@https://cdn.example/app.js:9:1\n'
    frames = extract(text).exceptions[0].frames
    assert [(f.function, f.file, f.line) for f in frames] == [
        ("render", "https://cdn.example/app.min.js", 1),
        ('obj["@x"]', "https://cdn.example/@v/app.js", 3),
        (None, "https://cdn.example/app.js", 9),
    ]


def test_json_escaped_stack_in_pino_line() -> None:
    line = json.dumps({"level": 50, "err": {"type": "Error", "message": "boom", "stack": "Error: boom\n    at f (/srv/f.js:1:2)"}})
    exc = extract("noise\n" + line + "\n").exceptions[0]
    assert (exc.type, exc.frames[0].file, exc.start_line) == ("Error", "/srv/f.js", 2)


def test_prose_is_not_a_trace() -> None:
    assert extract("Meet me at noon (ok?) or email bob@example.com about it.\n").exceptions == []


def test_safari_frames_without_location_above_the_first_at_frame() -> None:
    text = "inner\nouter\nrun@https://cdn.example.com/app.js:40:7\nglobal code@https://cdn.example.com/app.js:90:3\n"
    frames = extract(text).exceptions[0].frames
    assert [(f.function, f.file, f.line) for f in frames] == [
        ("inner", None, None), ("outer", None, None),
        ("run", "https://cdn.example.com/app.js", 40), ("global code", "https://cdn.example.com/app.js", 90)]


def test_ie_eval_code_keeps_its_name_and_has_no_file() -> None:
    text = "TypeError: x is undefined\n   at eval code (eval code:3:7)\n   at load (https://example.com/l.js:8:2)\n"
    frame = extract(text).exceptions[0].frames[0]
    assert (frame.function, frame.file, frame.line, frame.column) == ("eval code", None, 3, 7)


def test_anonymous_async_frame_keeps_the_file_clean() -> None:
    text = "Error: connect ECONNREFUSED\n    at async Pool.connect (/app/node_modules/pg-pool/index.js:45:11)\n    at async /app/src/routes.ts:30:5 {\n  code: 'ECONNREFUSED'\n}\n"
    frames = extract(text).exceptions[0].frames
    assert [(f.function, f.file, f.line) for f in frames] == [
        ("async Pool.connect", "/app/node_modules/pg-pool/index.js", 45), (None, "/app/src/routes.ts", 30)]


def test_aggregate_error_members_printed_by_node() -> None:
    text = (
        "AggregateError: All promises were rejected\n    at async main (/app/index.mjs:5:3) {\n  [errors]: [\n"
        "    Error: first\n        at /app/index.mjs:2:29\n        at ModuleJob.run (node:internal/modules/esm/module_job:218:25),\n"
        "    Error: second\n        at /app/index.mjs:3:29\n  ]\n}\n"
    )
    excs = extract(text).exceptions
    assert [(e.type, e.message, e.member_of) for e in excs] == [
        ("AggregateError", "All promises were rejected", None), ("Error", "first", 0), ("Error", "second", 0)]
    assert excs[1].relation == "aggregate_member"
    assert [(f.file, f.line) for f in excs[1].frames] == [("/app/index.mjs", 2), ("node:internal/modules/esm/module_job", 218)]


def test_node_uncaught_error_with_nested_causes_and_properties() -> None:
    # Node 16.14+ prints Error.cause inside the inspected error's braces, nested one level per cause
    text = """\
/app/src/server.js:42
    throw new Error('request failed', { cause: err });
    ^

Error: request failed
    at handle (/app/src/server.js:42:11) {
  [cause]: TypeError: bad config
      at load (/app/lib/config.js:3:9) {
    [cause]: Error: connect ECONNREFUSED 127.0.0.1:5432
        at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {
      errno: -111,
      code: 'ECONNREFUSED'
    }
  }
}

Node.js v20.11.0
"""
    excs = extract(text).exceptions
    assert [(e.type, e.message, e.caused_by, e.relation) for e in excs] == [
        ("Error", "request failed", 1, None),
        ("TypeError", "bad config", 2, "cause"),
        ("Error", "connect ECONNREFUSED 127.0.0.1:5432", None, "cause"),
    ]
    assert [[f.line for f in e.frames] for e in excs] == [[42], [3], [1555]]
