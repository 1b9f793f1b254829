"""Prompt files: markdown under prompts/ with a front-matter list of the variables they use.

``render("incident", description=..., ...)`` fills ``{{name}}`` slots. A variable the file declares
but the caller omits, one the caller passes but the file does not declare, or a ``{{slot}}`` the file
uses without declaring it, raises ``PromptError`` — a prompt never renders with a hole in it.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from .errors import FivewhysError

_SLOT = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_FRONT = re.compile(r"\A---\nvariables:\s*\[([^\]]*)\]\n---\n", re.S)


class PromptError(FivewhysError):
    """A prompt file and its caller disagree about the variables."""


@cache
def load(name: str) -> tuple[frozenset[str], str]:
    """The declared variables and the body of prompts/<name>.md."""
    text = (resources.files("fivewhys") / "prompts" / f"{name}.md").read_text(encoding="utf-8")
    m = _FRONT.match(text)
    if m is None:
        raise PromptError(f"prompt {name}: missing '---\\nvariables: [...]\\n---' front matter")
    declared = frozenset(v.strip() for v in m.group(1).split(",") if v.strip())
    body = text[m.end():]
    used = set(_SLOT.findall(body))
    if used - declared:
        raise PromptError(f"prompt {name}: uses undeclared variables {sorted(used - declared)}")
    return declared, body


def render(name: str, **values: str) -> str:
    """Fill the prompt's slots; raises PromptError on a missing or unknown variable."""
    declared, body = load(name)
    missing, unknown = declared - values.keys(), values.keys() - declared
    if missing or unknown:
        raise PromptError(f"prompt {name}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    return _SLOT.sub(lambda m: values[m.group(1)], body)
