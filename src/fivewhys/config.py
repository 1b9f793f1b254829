"""Settings: built once (flag > environment > config file > default) and passed down.

Nothing reads the environment at import time; ``Settings.build()`` does, when a shell asks.
The config file is TOML at ``$FIVEWHYS_CONFIG`` or ``~/.config/fivewhys/config.toml``::

    model = "claude-sonnet-5-5"
    max_iterations = 4
    pattern_dirs = ["~/.config/fivewhys/patterns"]
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    ) -> Settings:
        """Merge flag > environment > config file > default; flags that are None are unset."""
        env = os.environ if env is None else env
        merged: dict[str, Any] = {}
        merged.update(_read_config_file(config_file, env))
        merged.update(_from_env(env))
        merged.update({k: v for k, v in (flags or {}).items() if v is not None})
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            raise ConfigError(f"invalid setting {describe_validation(exc, limit=1)}") from None


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
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    if "pattern_dirs" in data:
        data["pattern_dirs"] = [Path(p).expanduser() for p in data["pattern_dirs"]]
    return data
