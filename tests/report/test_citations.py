"""The citation validator: evidence that cannot be verified is dropped, and so are citations of it."""

from __future__ import annotations

from pathlib import Path

from fivewhys.evidence.git import Git
from fivewhys.report.citations import CitationContext, validate_citations
from fivewhys.report.model import Evidence, Hypothesis
from helpers import sample_report as sample


def test_valid_sources_are_kept_and_invalid_ones_dropped_with_warnings(repo_builder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = repo_builder("svc")
    sha = repo.commit({"app/cart.py": "a\nb\nc\n"}, "init", "2026-01-01T00:00:00+00:00")
    log = tmp_path / "app.log"
    log.write_text("one\ntwo\n")
    report = sample().model_copy(update={
        "evidence": [
            Evidence(id="E1", kind="stack_frame", source="app/cart.py:3", excerpt="c"),
            Evidence(id="E2", kind="source", source="app/cart.py:4", excerpt="past the end"),
            Evidence(id="E3", kind="commit", source=f"commit:{sha}", excerpt="init"),
            Evidence(id="E4", kind="commit", source="commit:" + "0" * 40, excerpt="made up"),
            Evidence(id="E5", kind="log", source=f"{log}:2", excerpt="two"),
            Evidence(id="E6", kind="log", source="/etc/passwd:1", excerpt="outside"),
            Evidence(id="E7", kind="stack_frame", source="input:2", excerpt="pasted"),
            Evidence(id="E8", kind="source", source="app/cart.py:1-2", excerpt="range"),
        ],
        "hypotheses": [Hypothesis(id="H1", statement="s", status="open", confidence=0.4, evidence=["E2", "E3"]),
                       Hypothesis(id="H2", statement="t", status="confirmed", confidence=0.9, evidence=["E42"])],
    })
    report.root_cause.evidence = ["E1", "E2", "E4", "E9"]
    ctx = CitationContext(repo=repo.root, cwd=tmp_path, logs=[log], input_text="it broke\n  File x, line 2\n",
                          git=Git(repo.root))
    checked = validate_citations(report, ctx)
    assert [e.id for e in checked.evidence] == ["E1", "E3", "E5", "E7", "E8"]
    assert checked.root_cause.evidence == ["E1"]
    assert checked.hypotheses[0].evidence == ["E3"]
    assert checked.hypotheses[1].status == "open" and checked.hypotheses[1].evidence == []
    text = "\n".join(checked.warnings)
    assert "E2" in text and "has 3 lines" in text
    assert "E4" in text and "not in the repository" in text
    assert "E6" in text and "not in the repository or the logs" in text
    assert "E9" in text
