"""The ranked answer: one suspicious location per distinct function, best first."""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field


class SuspectLocation(BaseModel):
    """A place a fix may go, with how strongly the evidence points at it and why."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    file: str | None = None
    """Repository-relative path when a repo mapped it, else the path derived from the trace."""
    class_name: str | None = Field(default=None, serialization_alias="class",
                                   validation_alias=AliasChoices("class_name", "class"))
    """Class (JVM/.NET binary name, Go receiver type, Python/JS class) when the trace names one."""
    function: str | None = None
    """The method or function name, without its class."""
    line: int | None = None
    """The line the trace printed for this frame (the first occurrence when a method recurs)."""
    score: float = 0.0
    """0..1, relative: higher is more suspicious."""
    reason: str = ""
    """One line on why this location ranks where it does."""

    def to_json(self) -> dict[str, object]:
        """The CLI/scorer shape: ``{file, class, function, line, score, reason}``."""
        return self.model_dump(by_alias=True)
