"""Inter-annotator agreement: the second, independent labels against the golden files.

    python bench/iaa.py

`bench/iaa/second/<id>.json` are labels of corpus articles made by a second labeller who never
saw the first labels (golden/corpus/<split>/<id>.json). They are scored with the project's own
scorer, the first labels playing the golden side: a record optional in the first labels is set
aside when the second labeller has it and not missed when not; records the second labeller
marked optional are left out of the second side. The figures are the ceiling against which the
model's figures are read: a type two careful people agree on at F1 0.7 cannot be expected of a
model at 0.9.
"""

from __future__ import annotations

from pathlib import Path

from extract.evaluation.evaluate import evaluate, load_golden
from extract.models import RECORD_TYPES, ArticleExtraction, GoldenDocument

ROOT = Path(__file__).resolve().parent.parent
SECOND = ROOT / "bench" / "iaa" / "second"


def required(doc: GoldenDocument) -> ArticleExtraction:
    """The records the labeller did not mark optional."""
    lists = {k: [r for r in getattr(doc, k) if not r.optional] for k in RECORD_TYPES}
    return ArticleExtraction.model_validate(
        {k: [r.model_dump(exclude={"optional"}) for r in v] for k, v in lists.items()}
    )


def main() -> None:
    first = load_golden(ROOT / "golden" / "corpus")
    second = {
        p.stem: GoldenDocument.model_validate_json(p.read_text(encoding="utf-8"))
        for p in sorted(SECOND.glob("*.json"))
    }
    report = evaluate({k: required(v) for k, v in second.items()}, {k: first[k] for k in second})
    print(f"Second labels of {report.articles} articles: {', '.join(sorted(second))}")
    print()
    print("| type | TP | FP | FN | P | R | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rows = [(t, report.per_type[t]) for t in RECORD_TYPES]
    rows += [("quotes lenient", report.quotes_lenient), ("micro", report.micro)]
    for name, s in rows:
        print(
            f"| {name} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.2f} | {s.recall:.2f} "
            f"| {s.f1:.2f} |"
        )
    acc = report.speaker_accuracy
    print()
    print(f"Speaker agreement on matched quotes: {'—' if acc is None else f'{acc:.2f}'}")
    fields = [f"{k} {v.correct}/{v.total}" for k, v in report.field_accuracy.items() if v.total]
    print("Field agreement (pairs where one side has a value): " + ", ".join(fields))
    print()
    print("| language | articles | micro F1 | quotes strict F1 |")
    print("|---|---:|---:|---:|")
    for language, s in report.per_language.items():
        print(f"| {language} | {s.articles} | {s.micro.f1:.2f} | {s.per_type['quotes'].f1:.2f} |")


if __name__ == "__main__":
    main()
