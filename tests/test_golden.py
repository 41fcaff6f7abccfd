"""The golden files (seeds, corpus, second labels): schema-valid, grounded character for
character, one per article, no duplicates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extract.articles import split_front_matter
from extract.models import RECORD_TYPES, GoldenDocument
from extract.schemas import validation_errors

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = ROOT / "golden"

CORPUS = ROOT / "corpus"
SECOND = ROOT / "bench" / "iaa" / "second"

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
CORPUS_FILES = sorted(CORPUS.glob("*/*.txt"))
GOLDEN_FILES = sorted(
    [*GOLDEN.glob("*.json"), *GOLDEN.glob("corpus/*/*.json"), *SECOND.glob("*.json")]
)


def _article_path(golden: Path) -> Path:
    """The article a golden file labels: seeds/<id>.txt, or corpus/<split>/<id>.txt."""
    if golden.parent == GOLDEN:
        return SEEDS / f"{golden.stem}.txt"
    if golden.parent.parent == GOLDEN / "corpus":
        return CORPUS / golden.parent.name / f"{golden.stem}.txt"
    (found,) = CORPUS.glob(f"*/{golden.stem}.txt")
    return found


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def _article(golden: Path) -> str:
    return split_front_matter(_article_path(golden).read_text(encoding="utf-8"))[1]


def test_there_are_seeds_and_golden_files() -> None:
    assert SEED_IDS, "no seed articles found"
    assert GOLDEN_FILES, "no golden files found"


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_every_seed_has_a_golden_file(article_id: str) -> None:
    assert (GOLDEN / f"{article_id}.json").is_file()


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_corpus_article_has_a_golden_file(path: Path) -> None:
    assert (GOLDEN / "corpus" / path.parent.name / f"{path.stem}.json").is_file()


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_file_names_its_article(path: Path) -> None:
    document = _load(path)
    assert document["article_id"] == path.stem
    assert _article_path(path).is_file()


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_dates_match_the_front_matter(path: Path) -> None:
    meta, _ = split_front_matter(_article_path(path).read_text(encoding="utf-8"))
    assert _load(path).get("published") == meta.get("published")


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_file_is_schema_valid(path: Path) -> None:
    document = _load(path)
    assert validation_errors(document, "golden") == []
    GoldenDocument.model_validate(document)


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_span_is_the_evidence(path: Path) -> None:
    document = _load(path)
    article = _article(path)
    for kind in RECORD_TYPES:
        for n, record in enumerate(document.get(kind, [])):
            start, end = record["span"]
            assert 0 <= start < end <= len(article), f"{kind}[{n}] span out of range"
            assert article[start:end] == record["evidence"], f"{kind}[{n}] evidence != article span"
            if kind == "quotes":
                assert record["text"] == record["evidence"], f"quotes[{n}] text != evidence"
                assert article[start:end] == record["text"], f"quotes[{n}] text != article span"


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_quotes_exclude_their_marks(path: Path) -> None:
    document = _load(path)
    for n, quote in enumerate(document.get("quotes", [])):
        text = quote["text"]
        assert text == text.strip(), f"quotes[{n}] has surrounding whitespace"
        # a mark at either end is the quote's own, unless it closes or opens a nested quote
        # whose other mark is inside the text ("… chiedeva: "Sei sicuro…?"")
        marks = '«»"“”„'
        assert text[0] not in marks or text.count(text[0]) > 1, f"quotes[{n}] keeps its marks"
        nested = (
            text[-1] in '"'
            and text.count('"') % 2 == 0
            or text[-1] in "”“»«"
            and any(o in text[:-1] for o in "“„«»")
        )
        assert text[-1] not in marks or nested, f"quotes[{n}] keeps its marks"


def _identity(kind: str, record: dict[str, Any]) -> str:
    """What makes two records of one type the same: a quote is its speaker and place; any other
    record is its fields, wherever its evidence sits."""
    if kind == "quotes":
        key: dict[str, Any] = {"speaker": record["speaker"], "span": record["span"]}
    else:
        key = {k: v for k, v in record.items() if k not in ("evidence", "span")}
    return json.dumps(key, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_duplicate_records(path: Path) -> None:
    document = _load(path)
    for kind in RECORD_TYPES:
        seen = [_identity(kind, r) for r in document.get(kind, [])]
        duplicates = {r for r in seen if seen.count(r) > 1}
        assert not duplicates, f"duplicate {kind}: {sorted(duplicates)}"
