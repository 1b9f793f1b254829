"""The parsed form of a stack trace, shared by every language parser.

It mirrors the corpus schema of ``shared/datasets/stacktraces`` (see its SOURCES.md): exceptions in
the order the text prints them, frames in printed order, ``caused_by`` pointing from effect to cause.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Frame(BaseModel):
    """One stack frame as printed."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    file: str | None = None
    """The path or URL as printed; None when the trace gives none."""
    line: int | None = None
    column: int | None = None
    function: str | None = None
    """The function as printed minus argument lists (JVM ``pkg.Class.method``, Go ``pkg.(*T).M``)."""
    in_app: bool | None = None
    """True for application code, False for libraries/runtime; None when unknown."""
    module: str | None = None
    """JVM module, gem, image: printed context that is neither file nor function."""
    source_line: str | None = None
    """The source text the trace printed under the frame (Python), if any."""
    repo_path: str | None = None
    """The repository-relative file this frame maps to, filled in by the extract step."""
    arguments: str | None = None
    """Go: the argument words as printed (``0x0, {0x5c3f20, 0xc000012345}``); for a method with a
    pointer receiver (``pkg.(*T).M``) the first word is the receiver."""
    eval_location: str | None = None
    """JS eval frames: the position inside the evaluated code as printed (``<anonymous>:1:5``);
    ``file``/``line``/``column`` hold the eval origin, the code that called ``eval``."""


class ParsedException(BaseModel):
    """One exception (or panic, or sanitizer report) with its frames."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    type: str | None = None
    message: str | None = None
    frames: list[Frame] = Field(default_factory=list)
    caused_by: int | None = None
    """Index (in ``ParsedTrace.exceptions``) of the exception that caused this one."""
    relation: str | None = None
    """On the cause side: cause | context | inner | previous | suppressed | group_member ..."""
    language: str | None = None
    """python | jvm | javascript | go | ruby | dotnet | rust | php | native."""
    frames_omitted: int | None = None
    """Count from "... N more" style lines."""
    inherited_frames: list[Frame] = Field(default_factory=list)
    """The frames a JVM "... N more" line stands for: the last N frames of the enclosing trace
    (the one this exception caused, or suppressed it). Not in ``frames``, which holds only what was
    printed; ``frames + inherited_frames`` is the whole stack."""
    start_line: int | None = None
    """1-based line in the input text where this exception's block starts."""
    suppressed_by: int | None = None
    """Index of the exception that lists this one under ``Suppressed:`` (JVM)."""
    member_of: int | None = None
    """Index of the ExceptionGroup / AggregateError this exception belongs to."""
    thread: str | None = None
    """Thread or goroutine label as printed (``goroutine 1 [running]``, Rust ``main``)."""


class ExtraStack(BaseModel):
    """A stack that belongs to the report but not to an exception (other goroutines, threads)."""

    label: str
    frames: list[Frame] = Field(default_factory=list)


class ParsedTrace(BaseModel):
    """Everything the extractor found in one text."""

    exceptions: list[ParsedException] = Field(default_factory=list)
    extra_stacks: list[ExtraStack] = Field(default_factory=list)

    def root_exception(self) -> ParsedException | None:
        """The innermost cause: the exception nothing else was caused by, following ``caused_by``."""
        if not self.exceptions:
            return None
        # The "headline" exception is one that no other exception names as its cause.
        causes = {e.caused_by for e in self.exceptions if e.caused_by is not None}
        heads = [i for i in range(len(self.exceptions)) if i not in causes]
        typed = [i for i in heads if self.exceptions[i].type]  # a typeless fragment is not the headline
        current = (typed or heads or [len(self.exceptions) - 1])[-1]
        seen: set[int] = set()
        while self.exceptions[current].caused_by is not None and current not in seen:
            seen.add(current)
            nxt = self.exceptions[current].caused_by
            assert nxt is not None
            if not 0 <= nxt < len(self.exceptions):
                break
            current = nxt
        return self.exceptions[current]

    def headline_exception(self) -> ParsedException | None:
        """The exception the user saw: the last one printed that is nobody's cause."""
        if not self.exceptions:
            return None
        causes = {e.caused_by for e in self.exceptions if e.caused_by is not None}
        heads = [e for i, e in enumerate(self.exceptions) if i not in causes]
        typed = [e for e in heads if e.type]
        return (typed or heads or self.exceptions)[-1]
