"""App vs library frames when no repository is at hand: well-known library locations per ecosystem.

The extract step refines this with the repo (a frame whose file maps into it is app code); this
module is the fallback and the default ``extract`` uses. A project's own patterns
(``app_paths``/``library_paths`` in its config) decide before either: ``user_verdict``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from .model import Frame, ParsedTrace

_LIBRARY_PATH = re.compile(
    r"(?:^|[/\\])(?:site-packages|dist-packages|node_modules|bower_components|vendor|gems|\.gem"
    r"|\.cargo[/\\]registry|rustc[/\\][0-9a-f]{6,}|pkg[/\\]mod|GOROOT|jdk|\.m2|\.gradle|bundle)(?:[/\\]|$)"
    r"|^/usr/(?:local/)?lib/|^/usr/include/|^/usr/local/go/|^/usr/lib/go|/go/src/(?:runtime|net|internal|sync|reflect|syscall|os|fmt|encoding|testing)/"
    r"|^<frozen |^<embedded stdlib>|^<internal:|^internal/|^node:|^\[native code\]$|^/lib/|^/lib64/"
    r"|lib/python\d(?:\.\d+)?/|/rustlib/|^/rustc/|/libstd/|/libcore/|/compiler-rt/|/libsanitizer/"
    r"|^(?:\.\./)*\.?/?(?:sysdeps|nptl|csu)/"
    r"|^(?:runtime|sync|net|reflect|syscall|testing|internal|encoding|fmt|os)/[\w/]*\.(?:go|s)$",
    re.I,
)
_LIBRARY_FUNCTION = re.compile(
    r"^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.junit|junit|org\.apache|org\.springframework"
    r"|org\.eclipse|org\.gradle|dalvik|android|androidx|com\.android\.internal|okhttp3|io\.netty|reactor\.core)\."
    r"|^(?:System|Microsoft|Newtonsoft|NUnit|Xunit)\."
    r"|^(?:runtime|reflect|sync|testing|net/http|internal/\w+|syscall)\.(?!main\.)"
    r"|^(?:std|core|alloc|tokio|futures)::|^__rust_|^rust_begin_unwind|^__libc_|^__sanitizer|^__asan|^__interceptor"
    r"|^fuzzer::|^_start$|^start_thread$|^clone3?$|^__GI_|^__pthread_kill|^__restore_rt$"
)

_GEM = re.compile(r"^[\w.-]+ \([\w.]+\)$")  # Rails backtraces: "actionpack (7.1.3) lib/..."


def is_in_app(frame: Frame, language: str | None) -> bool:
    """Whether ``frame`` is application code, judged from well-known library locations.

    Args:
        frame: The frame (its file and function are looked at).
        language: The trace's language, used where paths alone are ambiguous (JVM has no paths).

    Returns:
        False for library/runtime frames (site-packages, node_modules, ``java.*``, GOROOT, gems,
        ``vendor/``, ``<frozen ...>``, ``/usr/lib``...), True otherwise.
    """
    file = frame.file or ""
    if file and _LIBRARY_PATH.search(file):
        return False
    function = frame.function or ""
    if function and _LIBRARY_FUNCTION.search(function):
        return False
    if frame.module and _GEM.match(frame.module):
        return False
    if language == "jvm" and frame.module and frame.module.split("@")[0].startswith(("java.", "jdk.")):
        return False
    return True


def user_verdict(frame: Frame, app: Sequence[re.Pattern[str]], library: Sequence[re.Pattern[str]]) -> bool | None:
    """The project's own say on a frame: False if its file or function matches a library pattern,
    True if it matches an app pattern, None when the project's patterns say nothing.

    Args:
        frame: The frame; its file (also its repo path, when mapped) and function are matched.
        app: Compiled ``app_paths`` regexes (searched, not anchored unless they say ``^``).
        library: Compiled ``library_paths`` regexes; they win over ``app``.
    """
    texts = [t for t in (frame.repo_path, frame.file, frame.function) if t]
    if any(p.search(t) for p in library for t in texts):
        return False
    if any(p.search(t) for p in app for t in texts):
        return True
    return None


@cache
def compile_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Compiled ``app_paths``/``library_paths`` (Settings has already refused invalid ones)."""
    return tuple(re.compile(p) for p in patterns)


def apply_project_patterns(trace: ParsedTrace, app_paths: Sequence[str], library_paths: Sequence[str]) -> ParsedTrace:
    """The trace with ``in_app`` set by the project's patterns on every frame they speak about."""
    app, library = compile_patterns(tuple(app_paths)), compile_patterns(tuple(library_paths))
    if not (app or library):
        return trace
    for frames in [e.frames for e in trace.exceptions] + [s.frames for s in trace.extra_stacks]:
        for i, frame in enumerate(frames):
            verdict = user_verdict(frame, app, library)
            if verdict is not None:
                frames[i] = frame.model_copy(update={"in_app": verdict})
    return trace
