"""The corpus test split replays from its committed live recordings: every article answered,
every document schema-valid, every span the article's own characters. Offline."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from extract.articles import load_article
from extract.evaluation.evaluate import evaluate
from extract.pipeline import run_batch
from extract.schemas import validation_errors
from extract.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TEST_SPLIT = ROOT / "corpus" / "test"


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus-test")
    settings = Settings.from_env(
        strategy="staged",
        mode="gbnf",
        cassette="replay",
        recordings=ROOT / "recordings",
        base_url="http://127.0.0.1:8080/v1",
    )
    manifest = asyncio.run(run_batch([TEST_SPLIT], out, settings))
    assert {a.status for a in manifest.articles.values()} == {"ok"}, manifest.articles
    return out


def test_every_test_article_replays_into_a_valid_grounded_document(replayed: Path) -> None:
    for path in sorted(TEST_SPLIT.glob("*.txt")):
        document = json.loads((replayed / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert validation_errors(document, "result") == []
        text = load_article(path).text
        published = load_article(path).published
        assert document["published"] == (published.isoformat() if published else None)
        for kind, records in document["extraction"].items():
            for record in records:
                start, end = record["span"]
                assert text[start:end] == record["evidence"], (path.stem, kind)


def test_the_replay_is_scored_per_language(replayed: Path) -> None:
    report = evaluate(replayed, ROOT / "golden" / "corpus" / "test")
    assert report.articles == 21 and report.missing_from_run == []
    assert set(report.per_language) == {"de", "en", "es", "fr", "it"}
