"""App vs library frames when no repository is at hand: well-known library locations per ecosystem.

The extract step refines this with the repo (a frame whose file maps into it is app code); this
module is the fallback and the default ``extract`` uses.
"""

from __future__ import annotations

import re

from .model import Frame

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
