"""End to end through the CLI, answered by the committed recordings of the real local model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.schemas import validation_errors
from tests.conftest import RECORDINGS, SEEDS
from tests.test_cli import extract, one_line_error

pytestmark = pytest.mark.skipif(not any(RECORDINGS.glob("*.json")), reason="no recordings yet")


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("out")
    proc = extract("run", "seeds/", "--replay", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc.stdout


def test_seeds_replay_to_four_valid_documents_and_a_manifest(replayed: tuple[Path, str]) -> None:
    out, stdout = replayed
    docs = sorted(out.glob("0*.json"))
    assert [d.stem for d in docs] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for doc in docs:
        data = json.loads(doc.read_text(encoding="utf-8"))
        assert validation_errors(data, "result") == []
        assert data["backend"]["replay"] is True and data["usage"]["completion_tokens"] > 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert validation_errors(manifest, "manifest") == []
    assert {a["status"] for a in manifest["articles"].values()} == {"ok"}
    assert "4 ok, 0 skipped, 0 failed" in stdout


def test_every_record_points_at_its_span_and_quotes_are_verbatim(
    replayed: tuple[Path, str],
) -> None:
    out, _ = replayed
    checked = 0
    for doc in sorted(out.glob("0*.json")):
        data = json.loads(doc.read_text(encoding="utf-8"))
        article = (SEEDS / f"{data['article_id']}.txt").read_text(encoding="utf-8")
        for kind, records in data["extraction"].items():
            for record in records:
                start, end = record["span"]
                assert article[start:end] == record["evidence"]
                if kind == "quotes":
                    assert article[start:end] == record["text"]
                checked += 1
    assert checked > 0


def test_second_run_skips_what_is_done(replayed: tuple[Path, str]) -> None:
    out, _ = replayed
    proc = extract("run", "seeds/", "--replay", "--out", str(out))
    assert proc.returncode == 0 and "0 ok, 4 skipped, 0 failed" in proc.stdout


def test_replay_miss_is_loud_and_makes_no_network_call(tmp_path: Path) -> None:
    # a model never recorded: every request misses; the base URL is unreachable on purpose
    proc = extract(
        "run", str(SEEDS / "000_d76536dfd61977ba.txt"), "--replay", "--model", "never-recorded",
        "--base-url", "http://127.0.0.1:9/v1", "--out", str(tmp_path),
    )  # fmt: skip
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert "never recorded" in line and "000_d76536dfd61977ba" in line
    status = json.loads((tmp_path / "manifest.json").read_text())["articles"]
    assert "never recorded" in status["000_d76536dfd61977ba"]["error"]
