"""What part each frame plays: runtime, test, exception plumbing, or application code.

Without a repository the application is inferred from the trace itself: the namespace of the test
class (a test lives next to the code it tests) and the namespace most frames share once runtime and
test-runner frames are set aside. A frame outside both is "other" (a third-party library): kept,
but ranked after the application's own frames.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from enum import Enum

from ..stacktrace import is_in_app
from ._sites import Site

# Runtimes, test runners and build tools: never where an application's fix goes.
_RUNTIME = re.compile(
    r"^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|dalvik|android|androidx|org\.junit|junit"
    r"|org\.testng|org\.hamcrest|org\.assertj|org\.easymock|org\.gradle|org\.eclipse\.jdt|com\.intellij"
    r"|org\.apache\.(?:tools|maven)|net\.bytebuddy|org\.objenesis|org\.spockframework"
    r"|System|Microsoft|NUnit|Xunit|runtime|reflect|testing|internal|syscall)(?:\.|$)"
)
_TEST_CLASS = re.compile(r"(?:^Test|Tests?$|TestCase$|TestBase$|TestUtils?$|Spec$|IT$|_Test|Test_)")
_TEST_PATH = re.compile(r"(?:^|[/\\])(?:tests?|__tests__|spec|testing)[/\\]|(?:^|[/\\])test_[^/\\]+\.py$"
                        r"|_test\.(?:py|go)$|\.(?:test|spec)\.[cm]?[jt]sx?$|Tests?\.(?:java|kt|cs)$")
_TEST_PACKAGE = re.compile(r"(?:^|\.)(?:test|tests|testing|testutil|testutils)(?:\.|$)")

# Exception plumbing: frames that build, wrap, validate or rethrow, but never decide anything.
_PLUMBING_CLASS = re.compile(r"(?:Exception|Error|Throwable|Failure|Fault)$|^(?:Validate|Preconditions|Assert"
                             r"|Asserts|Assertions|Objects|Verify|Checks?|Guard|Contracts?|Require)$|Reporter$")
_PLUMBING_METHOD = re.compile(
    r"^_?(?:report|throw|raise|fail|panic|die|abort)(?:[A-Z_]|$)"
    r"|(?:Exception|Error|Failure)$"
    r"|^_?(?:re)?wrap(?:And|With|As)?(?:Throw|Rethrow|Path|Exception|Error|Problem|[A-Z]\w*Problem)"
    r"|^_?(?:check(?:Argument|State|NotNull|ElementIndex|PositionIndex|Index|FromToIndex|Range|Bounds)"
    r"|requireNonNull\w*|require|notNull|notEmpty|notBlank|noNullElements|validIndex|isTrue|validState"
    r"|inclusiveBetween|exclusiveBetween|verify\w*Bounds|ensure\w*|assert\w*)$"
    r"|^handle(?:Unknown|Unexpected|Missing|Weird|Bad|Invalid|Unresolved)\w*$"
    r"|^(?:increment|inc)\w*(?:Count|Counter|Evaluations?|Iterations?)\w*$"
    r"|^access\$\d+$|^new[A-Z]\w*(?:Exception|Error)$"
)
APP_SHARE = 0.75
"""Share of non-runtime frames a namespace must cover to be taken for the application's."""
_CHECKER_CLASS = re.compile(r"(?:Checker|Validator|Verifier)$")


class Role(str, Enum):
    """A frame's part in the failure."""

    APP = "app"
    OTHER = "other"
    """Not runtime, not recognisably the application: a third-party library."""
    PLUMBING = "plumbing"
    TEST = "test"
    RUNTIME = "runtime"


def is_runtime(site: Site, language: str | None) -> bool:
    """Runtime, standard library, test runner or build tool."""
    if language in ("jvm", "dotnet", "go"):
        return bool(_RUNTIME.match(site.package or (site.class_name or "")))
    file = site.file or ""
    # No file, or a pseudo-file (``<anonymous>``, ``native``): engine built-ins such as Array.map.
    return not file or file.startswith("<") or file == "native" or not is_in_app(site.frame, language)


def is_test(site: Site) -> bool:
    """Test code: test classes, test files, test packages."""
    if site.class_name and _TEST_CLASS.search(site.outer_class):
        return True
    if site.file and _TEST_PATH.search(site.file):
        return True
    return bool(_TEST_PACKAGE.search(site.package))


def is_plumbing(site: Site) -> bool:
    """Builds, wraps, validates or rethrows an exception: the failure is decided elsewhere."""
    if _PLUMBING_CLASS.search(site.simple_class) or _PLUMBING_METHOD.search(site.function):
        return True
    # A checker's entry point only reports what its caller handed it.
    return bool(_CHECKER_CLASS.search(site.simple_class)) and site.function in ("check", "verify", "validate")


def root_of(package: str) -> str:
    """The project-level namespace: three components of a reverse-domain name, else two."""
    parts = [p for p in package.split(".") if p]
    return ".".join(parts[:3])


class AppModel:
    """Decides which frames are the application's, from explicit prefixes or from the trace."""

    def __init__(self, sites: Iterable[tuple[Site, str | None]], app_prefixes: list[str] | None = None) -> None:
        self.prefixes = [p.strip().rstrip(".") for p in (app_prefixes or []) if p.strip()]
        self.test_roots: set[str] = set()
        self.app_roots: set[str] = set()
        if not self.prefixes:
            self._infer(list(sites))

    def role(self, site: Site, language: str | None) -> Role:
        """The frame's role; explicit prefixes win over every heuristic but the test one."""
        if self.prefixes:
            if not self._matches_prefix(site):
                return Role.RUNTIME if is_runtime(site, language) else Role.OTHER
        elif is_runtime(site, language):
            return Role.RUNTIME
        if is_test(site) or self._in_test_only_root(site):
            return Role.TEST
        if is_plumbing(site):
            return Role.PLUMBING
        if self.prefixes or not self.app_roots or self._in_app_roots(site):
            return Role.APP
        return Role.OTHER

    def _infer(self, sites: list[tuple[Site, str | None]]) -> None:
        counts: Counter[str] = Counter()
        for site, language in sites:
            if not site.package or is_runtime(site, language):
                continue
            if is_test(site):
                self.test_roots.add(root_of(site.package))
                continue
            parts = site.package.split(".")
            for n in range(2, len(parts) + 1):
                counts[".".join(parts[:n])] += 1
        total = sum(n for p, n in counts.items() if p.count(".") == 1)
        # The longest namespace that most non-runtime frames share is the application's;
        # failing that, the test's own project namespace, if any frame lives in it.
        shared = [p for p, n in counts.items() if n >= APP_SHARE * total]
        if shared:
            self.app_roots = {max(shared, key=lambda p: (p.count("."), counts[p]))}
        else:
            self.app_roots = {r for r in self.test_roots if counts[r]}

    def _in_app_roots(self, site: Site) -> bool:
        return any(site.package == r or site.package.startswith(r + ".") for r in self.app_roots)

    def _in_test_only_root(self, site: Site) -> bool:
        # Tests kept in their own namespace (``org.acmeusage`` next to ``org.acme``): helpers there are tests.
        return bool(self.app_roots) and root_of(site.package) in self.test_roots and not self._in_app_roots(site)

    def _matches_prefix(self, site: Site) -> bool:
        """A namespace prefix (``com.acme``) or a path prefix (``src/app``, ``/srv/app``)."""
        names = [site.package, site.class_name or ""]
        file = (site.file or "").replace("\\", "/")
        return any(n == p or n.startswith(p + ".") for n in names for p in self.prefixes) or any(
            "/" in p and (file.startswith(p) or f"/{p.strip('/')}/" in file) for p in self.prefixes)

