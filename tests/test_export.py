"""`extract export`: one table per record type, loaded back with csv, json and pyarrow."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extract.errors import ConfigError, InputError
from extract.export import columns, export_run
from extract.models import Conflict, ExtractionResult
from tests.conftest import SEEDS
from tests.test_cli import ROOT, extract, one_line_error
from tests.test_evaluate import agreement, commitment, meeting, quote, result

TEXT = "Anna Berg met Carl Dahl on Tuesday. They signed a pact. « We will build », said Berg."


def _run_dir(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    first = result(
        "a1",
        TEXT,
        meetings=[meeting("Anna Berg", "Carl Dahl", date="2026-03-10", span=(0, 35))],
        agreements=[agreement("Pact", "Norway", "Sweden", span=(36, 55))],
        quotes=[quote("Anna Berg", "We will build", span=(58, 71))],
        commitments=[commitment("Anna Berg", "build", span=(56, 86))],
    )
    conflict = Conflict(field="date", value="2026-03-11", evidence="TEXT", span=(0, 4))
    second = result("a2", TEXT, meetings=[meeting("Carl Dahl", "Anna Berg", span=(0, 35))])
    second.extraction.meetings[0] = second.extraction.meetings[0].model_copy(
        update={"conflicts": [conflict], "topics": ["trade", "ports"]}
    )
    for doc in (first, second):
        doc.title, doc.url, doc.published = "Berg meets Dahl", "https://x.example/1", None
    first.published = dt.date(2026, 3, 11)
    for doc in (first, second):
        (run / f"{doc.article_id}.json").write_text(doc.model_dump_json(indent=2))
    return run


def _documents(run: Path) -> dict[str, ExtractionResult]:
    return {
        p.stem: ExtractionResult.model_validate_json(p.read_text()) for p in run.glob("a*.json")
    }


def _spans(docs: dict[str, ExtractionResult], kind: str) -> list[tuple[str, int, int, str]]:
    return [
        (article_id, r.span[0], r.span[1], r.evidence)
        for article_id, doc in sorted(docs.items())
        for r in getattr(doc.extraction, kind)
    ]


def test_csv_tables_load_back_with_one_row_per_record(tmp_path: Path) -> None:
    run = _run_dir(tmp_path)
    written = export_run(run, fmt="csv", out_dir=tmp_path / "t")
    docs = _documents(run)
    for kind, (path, count) in written.items():
        with path.open(encoding="utf-8", newline="") as handle:
            table = list(csv.DictReader(handle))
        assert list(table[0]) == columns(kind) if table else True
        assert len(table) == count == sum(len(getattr(d.extraction, kind)) for d in docs.values())
        got = [
            (r["article_id"], int(r["span_start"]), int(r["span_end"]), r["evidence"])
            for r in table
        ]
        assert got == _spans(docs, kind)
    with written["meetings"][0].open(encoding="utf-8", newline="") as handle:
        first, second = list(csv.DictReader(handle))
    assert first["participants"] == "Anna Berg; Carl Dahl"
    assert (first["published"], first["date"], first["article_title"]) == (
        "2026-03-11", "2026-03-10", "Berg meets Dahl",
    )  # fmt: skip
    assert second["published"] == "" and second["topics"] == "trade; ports"
    assert json.loads(second["conflicts"])[0]["value"] == "2026-03-11"


def test_jsonl_tables_keep_lists_and_spans(tmp_path: Path) -> None:
    run = _run_dir(tmp_path)
    written = export_run(run, fmt="jsonl", out_dir=tmp_path / "t")
    docs = _documents(run)
    for kind, (path, count) in written.items():
        table = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert len(table) == count
        got = [(r["article_id"], r["span_start"], r["span_end"], r["evidence"]) for r in table]
        assert got == _spans(docs, kind)
    meetings = [json.loads(x) for x in written["meetings"][0].read_text().splitlines()]
    assert meetings[0]["participants"] == ["Anna Berg", "Carl Dahl"]
    assert meetings[1]["conflicts"][0]["span"] == [0, 4]
    agreements = [json.loads(x) for x in written["agreements"][0].read_text().splitlines()]
    assert agreements[0]["title"] == "Pact" and agreements[0]["article_title"] == "Berg meets Dahl"


def test_parquet_tables_load_back_with_pyarrow(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    run = _run_dir(tmp_path)
    written = export_run(run, fmt="parquet", out_dir=tmp_path / "t")
    docs = _documents(run)
    for kind, (path, count) in written.items():
        table = pq.read_table(path)
        assert table.num_rows == count and table.column_names == columns(kind)
        got = [
            (r["article_id"], r["span_start"], r["span_end"], r["evidence"])
            for r in table.to_pylist()
        ]
        assert got == _spans(docs, kind)
    meetings = pq.read_table(written["meetings"][0]).to_pylist()
    assert meetings[0]["date"] == dt.date(2026, 3, 10) and meetings[1]["date"] is None
    assert meetings[1]["conflicts"][0]["span_start"] == 0


def test_parquet_without_pyarrow_is_one_line_and_exit_2(tmp_path: Path) -> None:
    run = _run_dir(tmp_path)
    code = "import sys; sys.modules['pyarrow'] = None; from extract.cli import main; main()"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "EXTRACT_"))}
    proc = subprocess.run(
        [sys.executable, "-c", code, "export", str(run), "--format", "parquet"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "pip install 'extract[parquet]'" in one_line_error(proc)
    assert not (run / "tables").exists()


def test_export_of_an_empty_or_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no result documents"):
        export_run(tmp_path)
    with pytest.raises(InputError, match="no such directory"):
        export_run(tmp_path / "nope")
    with pytest.raises(ConfigError, match="unknown format"):
        export_run(tmp_path, fmt="xlsx")  # type: ignore[arg-type]


def test_export_of_the_replayed_seeds_points_into_the_articles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert extract("run", "seeds/", "--replay", "--out", str(out)).returncode == 0
    proc = extract("export", str(out), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and (out / "tables" / "quotes.csv").is_file()
    checked = 0
    for kind in ("meetings", "agreements", "quotes", "commitments"):
        with (out / "tables" / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                article = (SEEDS / f"{row['article_id']}.txt").read_text(encoding="utf-8")
                assert article[int(row["span_start"]) : int(row["span_end"])] == row["evidence"]
                checked += 1
    assert checked > 0
