"""Golden files from hand-written drafts: spans computed from the article, never typed.

A labeller writes a draft: a golden document (``schemas/golden.schema.json``) whose records may
leave out ``span``, and whose quotes may leave out ``evidence``. ``ground_draft`` finds each
passage in the article (typography folded, as the pipeline does), replaces it with the article's
own characters, fills ``span``, and validates the result. A passage that occurs several times is
an error unless the record says which occurrence it means (``"occurrence": 2``, 1-based; the key
is removed). Every problem names the record: ``quotes[3]: text not found in the article``.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from extract.articles import split_front_matter
from extract.errors import InputError, SchemaError
from extract.models import RECORD_TYPES, GoldenDocument
from extract.schemas import validation_errors
from extract.text.grounding import normalise


def occurrences(article: str, passage: str) -> list[tuple[int, int]]:
    """Every span of ``passage`` in ``article`` after folding typography, whitespace and case."""
    hay = normalise(article)
    needle = normalise(passage.strip()).text.strip()
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    at = hay.text.find(needle)
    while at >= 0:
        spans.append(hay.span(at, at + len(needle)))
        at = hay.text.find(needle, at + 1)
    return spans


def _place(article: str, passage: str, occurrence: int | None, where: str) -> tuple[int, int]:
    found = occurrences(article, passage)
    if not found:
        raise InputError(f"{where}: not found in the article: {passage[:80]!r}")
    if occurrence is None:
        if len(found) > 1:
            raise InputError(
                f'{where}: occurs {len(found)} times in the article; add "occurrence": N '
                f"(1-based) to say which: {passage[:60]!r}"
            )
        return found[0]
    if not 1 <= occurrence <= len(found):
        raise InputError(f"{where}: occurrence {occurrence} asked, {len(found)} found")
    return found[occurrence - 1]


def ground_draft(draft: dict[str, Any], article_text: str) -> GoldenDocument:
    """A validated golden document from ``draft`` and the article it labels.

    ``article_text`` may carry a front-matter header: offsets count from the text after it.

    Raises:
        InputError: a passage is missing from the article or ambiguous.
        SchemaError: the grounded document does not validate.
    """
    _, article = split_front_matter(article_text)
    document = dict(draft)
    for kind in RECORD_TYPES:
        records = []
        for index, source in enumerate(draft.get(kind, [])):
            record = dict(source)
            where = f"{kind}[{index}]"
            occurrence = record.pop("occurrence", None)
            record.pop("span", None)
            passage = record["text"] if kind == "quotes" else record.get("evidence", "")
            start, end = _place(article, str(passage), occurrence, where)
            record["evidence"] = article[start:end]
            if kind == "quotes":
                record["text"] = article[start:end]
            record["span"] = [start, end]
            conflicts = []
            for n, conflict in enumerate(record.get("conflicts", [])):
                item = dict(conflict)
                nth = item.pop("occurrence", None)
                item.pop("span", None)
                c_start, c_end = _place(article, item["evidence"], nth, f"{where}.conflicts[{n}]")
                item["evidence"], item["span"] = article[c_start:c_end], [c_start, c_end]
                conflicts.append(item)
            if conflicts:
                record["conflicts"] = conflicts
            records.append(record)
        document[kind] = records
    errors = validation_errors(document, "golden")
    if errors:
        raise SchemaError(errors[0])
    try:
        return GoldenDocument.model_validate(document)
    except ValidationError as exc:  # pragma: no cover - the schema check comes first
        raise SchemaError(str(exc.errors()[0]["msg"])) from exc


def dump_golden(document: GoldenDocument) -> str:
    """The golden file's JSON: every field written out, except ``optional: false`` and empty
    ``conflicts`` (the defaults nearly every record has)."""
    data = document.model_dump(mode="json")
    for kind in RECORD_TYPES:
        for record in data[kind]:
            if not record.get("optional"):
                record.pop("optional", None)
            if not record.get("conflicts"):
                record.pop("conflicts", None)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
