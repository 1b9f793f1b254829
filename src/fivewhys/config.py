"""Settings: built once (flag > environment > project config > user config > default) and passed down.

Nothing reads the environment at import time; ``Settings.build()`` does, when a shell asks.
The user config is TOML at ``$FIVEWHYS_CONFIG`` or ``~/.config/fivewhys/config.toml``::

    model = "claude-sonnet-5-5"
    max_iterations = 4
    pattern_dirs = ["~/.config/fivewhys/patterns"]

The project config is ``.fivewhys.toml`` or the ``[tool.fivewhys]`` table of ``pyproject.toml``, in
the folder analysed or one above it (up to the repository root; outside a repository, that folder
only). It describes the project, so it holds only what cannot weaken safety when a repository is
hostile (``PROJECT_KEYS``): app/library path patterns and extra redaction rules, never
``redact = false``, an allow-list, an API key or an endpoint::

    app_paths = ["^services/"]              # regexes: frames whose file or function matches are app code
    library_paths = ["/generated/"]         # ... are library code (checked first)
    redact_patterns = { "internal-token" = "itk_[A-Za-z0-9]{32}" }
    redact_drop_fields = ["user.email"]     # JSON / key=value fields whose values are always replaced

A project's patterns and fields add to the user's. ``redact_allow`` (exact values never redacted)
narrows redaction, so only the user config may set it; a project regex may not nest repetitions.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError, describe_validation

DEFAULT_MODEL = "claude-sonnet-5-5"
"""A current Claude model id from the installed SDK's model list, not on its deprecation list
(tests/test_config.py checks both against the SDK)."""

_ENV = {
    "model": "FIVEWHYS_MODEL",
    "max_iterations": "FIVEWHYS_MAX_ITERATIONS",
    "pattern_dirs": "FIVEWHYS_PATTERN_DIRS",
    "api_key": "ANTHROPIC_API_KEY",
    "base_url": "ANTHROPIC_BASE_URL",
}


class Settings(BaseModel):
    """Everything that changes how an analysis runs."""

    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True, extra="forbid")

    engine: Literal["auto", "offline", "claude"] = "auto"
    """auto: claude when an API key is set, otherwise offline."""
    model: str = DEFAULT_MODEL
    """Claude model id for the claude engine."""
    api_key: str | None = Field(default=None, repr=False)
    """ANTHROPIC_API_KEY; never printed."""
    base_url: str | None = None
    """ANTHROPIC_BASE_URL (gateways, proxies, the local test server)."""
    max_iterations: int = Field(default=4, ge=1, le=50)
    """Rounds of the hypothesize/investigate loop."""
    max_input_tokens: int = Field(default=300_000, ge=1_000)
    """Input tokens (cached or not) one analysis may spend with the claude engine."""
    max_output_tokens: int = Field(default=24_000, ge=500)
    """Output tokens one analysis may spend with the claude engine."""
    max_cost_usd: float = Field(default=1.00, gt=0)
    """Dollars one analysis may spend (priced by reasoners/pricing.py)."""
    deadline_s: float = Field(default=300.0, gt=0)
    """Wall-clock seconds for the claude engine before it hands over to the offline engine."""
    retry_attempts: int = Field(default=4, ge=1, le=10)
    """Attempts per API call for retryable errors (429, 529, 5xx, connection)."""
    retry_base_s: float = Field(default=0.5, ge=0)
    """First backoff step in seconds (doubles each attempt, with jitter)."""
    pattern_dirs: list[Path] = Field(default_factory=list)
    """Extra folders of failure-pattern TOML files (same id replaces a built-in)."""
    redact: bool = True
    """Redact secrets and personal data in everything that leaves the process."""
    repo: Path | None = None
    """The git repository to investigate; None: found from the cwd or the named files."""
    app_paths: list[str] = Field(default_factory=list)
    """Regexes: a frame whose file or function matches one is application code."""
    library_paths: list[str] = Field(default_factory=list)
    """Regexes: a frame whose file or function matches one is library code (wins over app_paths)."""
    redact_patterns: dict[str, str] = Field(default_factory=dict)
    """Extra redaction rules, label -> regex (the whole match, or a group named ``s``, is replaced)."""
    redact_allow: list[str] = Field(default_factory=list)
    """Exact values never redacted (a known test key, a public id)."""
    redact_drop_fields: list[str] = Field(default_factory=list)
    """Field names (``password``, ``user.email``) whose values are always replaced, whatever they look like."""

    @field_validator("app_paths", "library_paths")
    @classmethod
    def _regex_list(cls, value: list[str]) -> list[str]:
        for pattern in value:
            _compile(pattern)
        return value

    @field_validator("redact_patterns")
    @classmethod
    def _regex_map(cls, value: dict[str, str]) -> dict[str, str]:
        for label, pattern in value.items():
            if not re.fullmatch(r"[a-z0-9][a-z0-9\-]{0,40}", label):
                raise ValueError(f"label {label!r}: lower-case letters, digits and '-' only")
            _compile(pattern)
        return value

    @property
    def resolved_engine(self) -> Literal["offline", "claude"]:
        """The engine this run uses."""
        if self.engine == "auto":
            return "claude" if self.api_key else "offline"
        return self.engine

    @classmethod
    def build(
        cls,
        flags: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        config_file: Path | None = None,
        project_dir: Path | None = None,
    ) -> Settings:
        """Merge flag > environment > project config > user config > default; None flags are unset.

        ``project_dir`` is where the project config is looked for (and above it, up to the
        repository root); by default the ``repo`` flag, else the current folder.
        """
        env = os.environ if env is None else env
        flags = flags or {}
        merged: dict[str, Any] = {}
        merged.update(_read_config_file(config_file, env))
        project, where = read_project_config(project_dir or flags.get("repo") or Path.cwd())
        for key, value in project.items():
            if key in _ADDED_UP and key in merged:  # the project adds rules to the user's, never removes them
                mine = merged[key]
                merged[key] = {**value, **mine} if isinstance(mine, dict) and isinstance(value, dict) else (
                    [*mine, *value] if isinstance(mine, list) and isinstance(value, list) else mine)
            else:
                merged[key] = value
        merged.update(_from_env(env))
        merged.update({k: v for k, v in flags.items() if v is not None})
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            first = exc.errors()[0]["loc"][:1]
            origin = f" (set in {where})" if where and first and first[0] in project else ""
            raise ConfigError(f"invalid setting {describe_validation(exc, limit=1)}{origin}") from None


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, var in _ENV.items():
        value = env.get(var)
        if not value:
            continue
        if field == "pattern_dirs":
            out[field] = [Path(p).expanduser() for p in value.split(os.pathsep) if p]
        else:
            out[field] = value
    return out


def _read_config_file(path: Path | None, env: Mapping[str, str]) -> dict[str, Any]:
    if path is None:
        explicit = env.get("FIVEWHYS_CONFIG")
        if explicit:
            path = Path(explicit)
        else:
            home = env.get("HOME")
            if not home:
                return {}
            path = Path(home) / ".config" / "fivewhys" / "config.toml"
            if not path.is_file():
                return {}
    if not path.exists():
        raise ConfigError(f"config file not found: {path}")
    data = _load_toml(path)
    if "pattern_dirs" in data:
        data["pattern_dirs"] = [Path(p).expanduser() for p in data["pattern_dirs"]]
    return data


PROJECT_KEYS = frozenset({"app_paths", "library_paths", "redact_patterns", "redact_drop_fields",
                          "max_iterations", "model"})
"""What a repository's own config may set: nothing that turns redaction off, narrows it
(``redact_allow`` is the user's alone) or sends data elsewhere."""
_ADDED_UP = frozenset({"app_paths", "library_paths", "redact_patterns", "redact_drop_fields"})
"""Keys where the project's entries join the user's instead of replacing them."""


def read_project_config(start: Path) -> tuple[dict[str, Any], Path | None]:
    """The project config found at ``start`` or above it, and its file; ({}, None) when there is none.

    Inside a git repository the search stops at its root; outside one only ``start`` itself is
    read (never a shared parent such as /tmp or /). A ``pyproject.toml`` without a fivewhys table
    is not ours: when it is not valid TOML it is ignored.

    Raises:
        ConfigError: a ``.fivewhys.toml`` or fivewhys table that is not valid, or a key a project
            may not set (the error names the file).
    """
    for folder in _up_to_repo_root(start):
        dotfile, pyproject = folder / ".fivewhys.toml", folder / "pyproject.toml"
        if dotfile.is_file():
            return _project_keys(_load_toml(dotfile), dotfile), dotfile
        if pyproject.is_file():
            try:
                tool = _load_toml(pyproject).get("tool")
            except ConfigError:
                if b"[tool.fivewhys" in pyproject.read_bytes():
                    raise
                continue
            table = tool.get("fivewhys") if isinstance(tool, dict) else None
            if table is not None:
                if not isinstance(table, dict):
                    raise ConfigError(f"{pyproject}: [tool.fivewhys] must be a table")
                return _project_keys(table, pyproject), pyproject
    return {}, None


def _up_to_repo_root(start: Path) -> list[Path]:
    try:
        here = start.expanduser().resolve()
        if here.is_file():
            here = here.parent
    except OSError:
        return []
    chain = []
    for folder in (here, *here.parents):
        chain.append(folder)
        if (folder / ".git").exists():
            return chain
    return [here]  # not in a repository: the start folder only


def _project_keys(data: dict[str, Any], path: Path) -> dict[str, Any]:
    refused = sorted(set(data) - PROJECT_KEYS)
    if refused:
        raise ConfigError(f"{path}: a project config may not set {', '.join(refused)} "
                          f"(allowed: {', '.join(sorted(PROJECT_KEYS))})")
    for key in ("app_paths", "library_paths"):
        for pattern in data.get(key) or []:
            _refuse_nested_repeats(pattern, path)
    patterns = data.get("redact_patterns")
    for pattern in (patterns.values() if isinstance(patterns, dict) else []):
        _refuse_nested_repeats(pattern, path)
    return data


def _refuse_nested_repeats(pattern: Any, path: Path) -> None:
    """A repository's regex runs on your logs: one with a repeat inside a repeat (``(a+)+``) can take
    exponential time on a crafted line, so a project may not use one (the user config may)."""
    if not isinstance(pattern, str):
        return  # the type check in Settings reports it
    try:
        parsed = _sre_parse(pattern)
    except re.error:
        return  # Settings reports the bad regex
    if _nested_repeat(parsed, inside=False):
        raise ConfigError(f"{path}: regex {pattern!r} repeats a repeated group; a project config may not "
                          f"use nested repetition (it can hang on a crafted log line)")


def _sre_parse(pattern: str) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            from re import _parser as parser  # type: ignore[attr-defined]
        except ImportError:  # pragma: no cover - Python < 3.11
            import sre_parse as parser
        return parser.parse(pattern)


def _nested_repeat(items: Any, inside: bool) -> bool:
    for op, arg in items:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            repeats = low != high  # a variable count; a fixed one ({4}) is unambiguous
            if inside and repeats:
                return True
            if _nested_repeat(sub, inside or repeats):
                return True
        elif name == "SUBPATTERN":
            if _nested_repeat(arg[-1], inside):
                return True
        elif name == "BRANCH":
            if any(_nested_repeat(branch, inside) for branch in arg[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _nested_repeat(arg[1], inside):
                return True
    return False


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"config file {path}: cannot read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path}: {exc}") from None


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from None
