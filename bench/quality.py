"""Quality of the default run on seeds and corpus, offline, per split, language and record type.

    python bench/quality.py                  # replay the committed recordings, print the tables
    python bench/quality.py --json F         # also write every figure as JSON
    python bench/quality.py --live           # run live against the local server and record

The default is what `extract run` does against the local llama-server: the staged strategy
with the GBNF grammar. Seeds are scored against golden/*.json, the corpus against
golden/corpus/<split>/. Each cell is F1 with (TP/FP/FN); small samples are noisy, so the counts
stay beside every figure.

Stage figures need no model: how much of the golden data the code-side steps can reach at all.
- quote candidates: share of golden quotes whose text is a candidate code offers the model;
- people: share of golden quote speakers (and meeting participants) in the person list;
- sentences: share of golden meeting / agreement / commitment evidence that overlaps a sentence
  code pre-selects for that type.
Seconds and completion tokens per article come from the live run's manifest
(bench/quality/<group>.live.json), written by --live.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from extract.articles import load_article
from extract.evaluation.evaluate import EvaluationReport, Scores, evaluate, load_golden
from extract.models import RECORD_TYPES, GoldenDocument
from extract.pipeline import run_batch
from extract.settings import Settings
from extract.text.candidates import attributed_speaker, find_candidates
from extract.text.grounding import fold
from extract.text.hints import sentences_about
from extract.text.language import detect_language
from extract.text.people import organisations, persons, same_person
from extract.text.sentences import sentences

ROOT = Path(__file__).resolve().parent.parent
GROUPS = {  # name: (article folder, golden folder)
    "seeds": (ROOT / "seeds", ROOT / "golden"),
    "dev": (ROOT / "corpus" / "dev", ROOT / "golden" / "corpus" / "dev"),
    "test": (ROOT / "corpus" / "test", ROOT / "golden" / "corpus" / "test"),
}
LIVE = ROOT / "bench" / "quality"


def run_group(name: str, out: Path, *, live: bool) -> None:
    settings = Settings.from_env(
        strategy="staged",
        mode="gbnf",
        cassette="record" if live else "replay",
        recordings=ROOT / "recordings",
        base_url=None if live else "http://127.0.0.1:8080/v1",
    )
    manifest = asyncio.run(run_batch([GROUPS[name][0]], out, settings, force=True))
    failed = {k: a.error for k, a in manifest.articles.items() if a.status != "ok"}
    if failed:
        print(f"{name}: articles not done: {failed}", file=sys.stderr)
    if live:
        LIVE.mkdir(parents=True, exist_ok=True)
        (LIVE / f"{name}.live.json").write_text(manifest.model_dump_json(indent=2) + "\n")


def _cell(s: Scores) -> str:
    return f"{s.f1:.2f} ({s.tp}/{s.fp}/{s.fn})"


def table(name: str, report: EvaluationReport) -> list[str]:
    rows = [
        f"#### {name}: {report.articles} articles",
        "",
        "| language | articles | meetings | agreements | quotes strict | commitments | micro "
        "| quotes lenient | speaker acc. |",
        "|---|---:|---|---|---|---|---|---|---:|",
    ]
    slices = [*report.per_language.items(), ("all", report)]
    for language, s in slices:
        articles = s.articles if hasattr(s, "articles") and language != "all" else report.articles
        acc = "—" if s.speaker_accuracy is None else f"{s.speaker_accuracy:.2f}"
        cells = " | ".join(_cell(s.per_type[t]) for t in RECORD_TYPES)
        rows.append(
            f"| {language} | {articles} | {cells} | **{_cell(s.micro)}** "
            f"| {_cell(s.quotes_lenient)} | {acc} |"
        )
    return rows


def negatives(report: EvaluationReport, goldens: dict[str, GoldenDocument]) -> str:
    """Records of types the golden file has none of, in articles that hold no meeting,
    agreement or commitment at all."""
    empty = [
        a
        for a, g in goldens.items()
        if a in report.per_article and not (g.meetings or g.agreements or g.commitments)
    ]
    spurious = Counter(
        r.type for a in empty for r in report.per_article[a].spurious if r.type != "quotes"
    )
    found = ", ".join(f"{n} {t}" for t, n in sorted(spurious.items())) or "none"
    return f"Articles with nothing but quotes: {len(empty)}; records predicted in them: {found}."


STAGES = (
    "quotes",
    "speakers",
    "attributed",
    "attributed_right",
    "participants",
    "meetings",
    "agreements",
    "commitments",
)


def stage_figures(folder: Path, golden: dict[str, GoldenDocument]) -> dict[str, tuple[int, int]]:
    """(reached, total) per stage, over the golden articles of ``folder``."""
    tally: Counter[str] = Counter()
    for path in sorted(folder.glob("*.txt")):
        gold = golden.get(path.stem)
        if gold is None:
            continue
        article = load_article(path)
        text = article.text
        language = article.language or detect_language(text)
        people = persons(text, language)
        speakers = [*people, *organisations(text, language)]
        kept = {fold(c.text): c for c in find_candidates(text, language) if c.dropped is None}
        spans = sentences(text, language)
        for q in gold.quotes:
            if q.optional:
                continue
            tally["quotes.n"] += 1
            tally["quotes.ok"] += fold(q.text) in kept
            tally["speakers.n"] += 1
            tally["speakers.ok"] += any(same_person(q.speaker, p) for p in speakers)
            if fold(q.text) in kept:
                said = attributed_speaker(text, kept[fold(q.text)], speakers, language)
                tally["attributed.n"] += 1
                if said is not None:
                    tally["attributed.ok"] += 1
                    tally["attributed_right.n"] += 1
                    tally["attributed_right.ok"] += same_person(q.speaker, said)
        for m in gold.meetings:
            for name in m.participants:
                tally["participants.n"] += 1
                tally["participants.ok"] += any(same_person(name, p) for p in people)
        for kind in ("meetings", "agreements", "commitments"):
            hinted = sentences_about(kind, text, spans, people, language)
            chosen = [spans[n - 1] for n in hinted]
            for record in getattr(gold, kind):
                if getattr(record, "optional", False):
                    continue
                s, e = record.span
                tally[f"{kind}.n"] += 1
                tally[f"{kind}.ok"] += any(a < e and s < b for a, b in chosen)
    return {k: (tally[f"{k}.ok"], tally[f"{k}.n"]) for k in STAGES}


def _share(pair: tuple[int, int]) -> str:
    ok, n = pair
    return f"{ok / n:.2f} ({ok}/{n})" if n else "—"


def cost(name: str) -> str:
    path = LIVE / f"{name}.live.json"
    if not path.exists():
        return "no live run recorded"
    articles = [a for a in json.loads(path.read_text())["articles"].values() if a["status"] == "ok"]
    n = len(articles) or 1
    seconds = sum(a["seconds"] for a in articles) / n
    completion = sum(a["usage"]["completion_tokens"] for a in articles) / n
    calls = sum(a["usage"]["calls"] for a in articles) / n
    rate = sum(a["usage"]["completion_tokens"] for a in articles) / max(
        1e-9, sum(a["seconds"] for a in articles)
    )
    return (
        f"live: {seconds:.1f} s/article, {completion:.0f} completion tokens/article, "
        f"{calls:.1f} calls/article ({rate:.1f} completion tok/s end to end)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--live", action="store_true", help="run live and record (slow)")
    parser.add_argument("--only", choices=sorted(GROUPS), help="one group")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    figures: dict[str, Any] = {}
    lines: list[str] = []
    for name, (folder, golden_dir) in GROUPS.items():
        if args.only and name != args.only:
            continue
        goldens = load_golden(golden_dir) if name != "seeds" else _seed_golden()
        with tempfile.TemporaryDirectory() as tmp:
            run_group(name, Path(tmp), live=args.live)
            report = evaluate(Path(tmp), goldens)
        stages = stage_figures(folder, goldens)
        lines += table(name, report) + ["", negatives(report, goldens), cost(name)]
        labels = {
            "quotes": "quote candidates",
            "speakers": "speakers in the name list",
            "attributed": "quotes attributed by code",
            "attributed_right": "code's attribution right",
            "participants": "participants in person list",
            "meetings": "meeting evidence pre-selected",
            "agreements": "agreement evidence pre-selected",
            "commitments": "commitment evidence pre-selected",
        }
        parts = [f"{label} {_share(stages[key])}" for key, label in labels.items()]
        lines.append("Stages (no model): " + ", ".join(parts) + ".")
        lines.append("")
        figures[name] = {"report": json.loads(report.model_dump_json()), "stages": stages}
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


def _seed_golden() -> dict[str, GoldenDocument]:
    return {
        p.stem: GoldenDocument.model_validate_json(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "golden").glob("*.json"))
    }


if __name__ == "__main__":
    main()
