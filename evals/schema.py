"""The schema of an eval case (``evals/cases/<NN_slug>/case.toml``) and of its scripted replies.

``python evals/schema.py`` rewrites ``evals/case.schema.json`` (for editors that validate TOML with a
JSON Schema, e.g. taplo/Even Better TOML: ``#:schema ../../case.schema.json``); a test checks it is
current. The expected facts are the truth of the incident as a senior SRE would establish it — never
what an engine happens to answer.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

EVALS = Path(__file__).resolve().parent
CASES = EVALS / "cases"
SCHEMA_FILE = EVALS / "case.schema.json"

Language = Literal["python", "javascript", "typescript", "java", "go", "csharp", "ruby", "rust", "php", "none"]
ErrorType = Literal["runtime", "logic", "integration", "performance", "configuration", "security"]
Severity = Literal["critical", "high", "medium", "low"]
Observability = Literal["deterministic", "intermittent", "environmental", "load-dependent"]
EvidenceKind = Literal["stack_frame", "log", "commit", "source", "test_result", "metric", "config"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class CitedEvidence(_Model):
    """Evidence the root cause must cite: one cited item of this kind whose source (and excerpt) match."""

    kind: EvidenceKind
    """The evidence kind, as in the report."""
    source: str = ""
    """Regular expression searched in the evidence's source (`path:line`, `commit:<sha>`); empty: any."""
    excerpt: str = ""
    """Regular expression searched in the excerpt; empty: any."""
    why: str = ""
    """What this evidence proves (for people reading the case)."""


class Expected(_Model):
    """The truth of the incident."""

    inconclusive: bool = False
    """True when the honest answer is "not enough evidence"; a confident answer then scores wrong."""
    file: str | None = None
    """Repository-relative file where the defect is (where the fix goes), not merely where it surfaced."""
    function: str | None = None
    """Function or method holding the defect (bare name: `get_price`, `findEmail`)."""
    commit: str | None = None
    """Subject of the commit that introduced the defect."""
    type: ErrorType | None = None
    severity: Severity | None = None
    observability: Observability | None = None
    keywords: list[str] = Field(default_factory=list)
    """Case-insensitive regular expressions the root cause (statement or five whys) must all match."""
    evidence: list[CitedEvidence] = Field(default_factory=list)
    """Evidence the root cause must cite."""

    @model_validator(mode="after")
    def _inconclusive_names_no_culprit(self) -> Expected:
        if self.inconclusive and (self.file or self.function or self.commit or self.evidence):
            raise ValueError("an inconclusive case expects no location, commit or cited evidence")
        if not self.inconclusive and self.type is None:
            raise ValueError("a conclusive case must state the expected type")
        return self


class Case(_Model):
    """One incident with a known answer."""

    title: str
    """One line, as it would head the incident ticket."""
    language: Language
    """Main language of the failing service ("none" for a log-only incident)."""
    traits: list[str] = Field(default_factory=list)
    """What the case exercises: callee-culprit, caller-culprit, cascade, log-only, deploy-marker, config, ..."""
    story: str
    """What really happened, in a few sentences (the answer key, for people)."""
    text: str = Field(min_length=1)
    """What the user typed; paths in it are relative to the built fixture folder (the cwd)."""
    expected: Expected


class ScriptedCall(_Model):
    """A tool call of a scripted round."""

    name: str
    input: dict[str, Any] = Field(default_factory=dict)


class ScriptedRound(_Model):
    """One scripted assistant turn: a sentence of reasoning and the tool calls it makes."""

    say: str
    calls: list[ScriptedCall] = Field(min_length=1)


class Scripted(_Model):
    """``scripted.toml``: the replies the scripted local Messages-API server gives for a case.

    Not a model's answers. The rounds are a plausible tool-use investigation; ``report`` is the
    submit_report input, minus ``root_cause.evidence`` (filled with the ids, seen in the
    conversation, whose evidence lines contain one of ``cite``) and ``root_cause.commit``
    (resolved in the fixture repo from ``commit_subject``).
    """

    rounds: list[ScriptedRound] = Field(default_factory=list)
    cite: list[str] = Field(default_factory=list)
    commit_subject: str | None = None
    report: dict[str, Any]


def load_case(folder: Path) -> Case:
    """Read and validate ``folder/case.toml``."""
    return Case.model_validate(tomllib.loads((folder / "case.toml").read_text(encoding="utf-8")))


def load_scripted(folder: Path) -> Scripted | None:
    """Read ``folder/scripted.toml`` when the case has one."""
    path = folder / "scripted.toml"
    if not path.is_file():
        return None
    return Scripted.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))


def case_folders(root: Path = CASES) -> list[Path]:
    """Every case folder, in name order."""
    return sorted(p for p in root.iterdir() if (p / "case.toml").is_file())


def json_schema_text() -> str:
    """The case JSON Schema, as written to ``case.schema.json``."""
    schema = Case.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> int:
    """Rewrite ``case.schema.json``."""
    SCHEMA_FILE.write_text(json_schema_text(), encoding="utf-8")
    print(SCHEMA_FILE, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
