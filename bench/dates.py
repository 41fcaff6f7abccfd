"""How many golden meeting and agreement dates code alone gets from each record's evidence.

    python bench/dates.py          # one line per miss, then the total

For every golden meeting and agreement (seeds and corpus), the evidence sentence goes through
the same code the pipeline applies to a model's record (``extract.assemble``): the date
expression is found, then resolved against the article's publication date. This isolates the
date rule from the model: a miss here is a date the golden takes from another sentence, a rule
choice (no year guessed without a publication date), or a gap in the rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extract.assemble import date_fields
from extract.evaluation.evaluate import load_golden

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    total = right = dated = dated_right = 0
    for article_id, doc in sorted(load_golden(ROOT / "golden").items()):
        for kind, field in (("meetings", "date"), ("agreements", "signed_date")):
            for record in getattr(doc, kind):
                fields: dict[str, Any] = {"evidence": record.evidence, "status": record.status}
                date_fields(kind, fields, doc.language, doc.published)
                got, want = fields[field], getattr(record, field)
                total += 1
                right += got == want
                dated += want is not None
                dated_right += want is not None and got == want
                if got != want:
                    print(
                        f"{article_id[:24]:<24} {kind[:-1]:<9} golden {want} ({record.date_text!r})"
                        f", code {got} ({fields['date_text']!r})"
                    )
    print(
        f"{right}/{total} golden meeting and agreement dates right from the evidence alone "
        f"({dated_right}/{dated} of those with a date, {right - dated_right}/{total - dated} "
        "of those without)"
    )


if __name__ == "__main__":
    main()
