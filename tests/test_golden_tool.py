"""`extract golden`: a hand-written draft becomes a golden file with computed spans. Offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.cli import main
from extract.errors import InputError, SchemaError
from extract.evaluation.golden import dump_golden, ground_draft
from extract.models import GoldenDocument

ARTICLE = (
    "---\ntitle: T\npublished: 2026-03-12\n---\n"
    "„Wir haben eine Einigung“, sagte Jonas Brandt am Montag.\n"
    "„Wir haben eine Einigung“, wiederholte er.\n"
)
BODY = ARTICLE.split("---\n", 2)[2]


def draft(**records: object) -> dict[str, object]:
    return {"article_id": "a", "language": "de", "published": "2026-03-12", **records}


def test_spans_are_computed_from_the_text_after_the_header() -> None:
    quote = {"speaker": "Jonas Brandt", "text": "Wir haben eine Einigung", "language": "de"}
    doc = ground_draft(draft(quotes=[{**quote, "occurrence": 2}]), ARTICLE)
    (q,) = doc.quotes
    assert BODY[q.span[0] : q.span[1]] == q.text == q.evidence == "Wir haben eine Einigung"
    assert q.span[0] > BODY.index("wiederholte") - 40


def test_typography_is_taken_from_the_article() -> None:
    commitment = {"actor": "X", "action": "a", "evidence": '"Wir haben eine Einigung", sagte'}
    doc = ground_draft(draft(commitments=[commitment]), ARTICLE)
    assert doc.commitments[0].evidence == "„Wir haben eine Einigung“, sagte"


def test_ambiguous_and_missing_passages_are_named() -> None:
    quote = {"speaker": "Jonas Brandt", "text": "Wir haben eine Einigung", "language": "de"}
    with pytest.raises(InputError, match=r"quotes\[0\]: occurs 2 times"):
        ground_draft(draft(quotes=[quote]), ARTICLE)
    with pytest.raises(InputError, match=r"quotes\[0\]: not found"):
        ground_draft(draft(quotes=[{**quote, "text": "Keine Einigung"}]), ARTICLE)
    with pytest.raises(SchemaError):
        ground_draft(draft(quotes=[{**quote, "occurrence": 1, "speaker": ""}]), ARTICLE)


def test_cli_writes_the_golden_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    quote = {"speaker": "Jonas Brandt", "text": "Wir haben eine Einigung", "language": "de"}
    (tmp_path / "d.json").write_text(json.dumps(draft(quotes=[{**quote, "occurrence": 1}])))
    main(["golden", str(tmp_path / "d.json"), "--article", str(tmp_path / "a.txt"), "--out",
          str(tmp_path / "g.json")])  # fmt: skip
    written = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert written["quotes"][0]["span"] == [1, 24]
    assert "optional" not in written["quotes"][0]  # defaults left out
    again = dump_golden(GoldenDocument.model_validate(written))
    assert again == (tmp_path / "g.json").read_text(encoding="utf-8")


def test_validate_checks_corpus_golden_spans_after_the_front_matter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = Path(__file__).resolve().parent.parent
    main(["validate", str(root / "golden" / "corpus" / "test" / "de02_uebernahme.json")])
    assert "spans checked against the article in 1 of 1" in capsys.readouterr().out
