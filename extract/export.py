"""Tables out of a run: one table per record type, as CSV, JSON Lines or Parquet.

Each row is one record, with the article's metadata first (``article_id``, ``article_title``
(``title`` is an agreement's own field), ``url``, ``published``), then every field of the
record, then ``evidence``, ``span_start``, ``span_end``, ``date_text`` and ``conflicts``.
A row is a record, so row counts are record counts and no evidence is repeated. List fields
(``participants``, ``parties``, ``signatories``, ``topics``) are true lists in JSON Lines and
Parquet (``explode`` in pandas, ``UNNEST`` in DuckDB give one row per item); CSV has no list
type, so there they are joined with ``"; "``. ``conflicts`` (rare) is a list of
objects in JSON Lines and Parquet and JSON text in CSV.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from extract.errors import ConfigError, InputError
from extract.evaluation.evaluate import load_run
from extract.llm.recording import write_atomic
from extract.models import (
    RECORD_TYPES,
    Agreement,
    Commitment,
    ExtractionResult,
    Meeting,
    Quote,
    RecordType,
)

Format = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "parquet")
LIST_SEPARATOR = "; "

_MODELS: dict[RecordType, type[BaseModel]] = {
    "meetings": Meeting,
    "agreements": Agreement,
    "quotes": Quote,
    "commitments": Commitment,
}
_ARTICLE = ("article_id", "article_title", "url", "published")
_TAIL = ("evidence", "span_start", "span_end", "date_text")
_LAST = {"evidence", "span", "conflicts", "date_text"}
_DATES = {"published", "date", "signed_date"}


def columns(kind: RecordType) -> list[str]:
    """The columns of ``kind``'s table, in order."""
    fields = [name for name in _MODELS[kind].model_fields if name not in _LAST]
    return [*_ARTICLE, *fields, *_TAIL, "conflicts"]


def _list_fields(kind: RecordType) -> set[str]:
    return {
        name
        for name, info in _MODELS[kind].model_fields.items()
        if name != "conflicts" and getattr(info.annotation, "__origin__", None) is list
    }


def rows(results: Iterable[ExtractionResult], kind: RecordType) -> list[dict[str, Any]]:
    """One plain row per record of ``kind`` (lists stay lists, dates are ISO strings)."""
    out: list[dict[str, Any]] = []
    for result in sorted(results, key=lambda r: r.article_id):
        article = {
            "article_id": result.article_id,
            "article_title": result.title,
            "url": result.url,
            "published": result.published.isoformat() if result.published else None,
        }
        for record in getattr(result.extraction, kind):
            data = record.model_dump(mode="json")
            start, end = data.pop("span")
            row = {**article, **{k: v for k, v in data.items() if k not in _LAST}}
            row.update(
                evidence=data["evidence"],
                span_start=start,
                span_end=end,
                date_text=data.get("date_text"),
                conflicts=data["conflicts"],
            )
            out.append({name: row.get(name) for name in columns(kind)})
    return out


def _csv(kind: RecordType, table: list[dict[str, Any]]) -> str:
    lists = _list_fields(kind)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(kind), lineterminator="\n")
    writer.writeheader()
    for row in table:
        flat = dict(row)
        for name in lists:
            flat[name] = LIST_SEPARATOR.join(row[name] or [])
        flat["conflicts"] = (
            json.dumps(row["conflicts"], ensure_ascii=False) if row["conflicts"] else ""
        )
        writer.writerow(flat)
    return buffer.getvalue()


def _jsonl(table: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in table)


def _parquet(kind: RecordType, table: list[dict[str, Any]]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError(
            "--format parquet needs pyarrow: pip install 'extract[parquet]'"
        ) from None
    import datetime as dt

    lists = _list_fields(kind)
    conflict = pa.struct(
        [("field", pa.string()), ("value", pa.string()), ("evidence", pa.string()),
         ("span_start", pa.int64()), ("span_end", pa.int64())]
    )  # fmt: skip
    types = {"span_start": pa.int64(), "span_end": pa.int64(), "conflicts": pa.list_(conflict)}
    types.update({name: pa.list_(pa.string()) for name in lists})
    types.update({name: pa.date32() for name in _DATES})
    fields = [pa.field(name, types.get(name, pa.string())) for name in columns(kind)]
    data = []
    for row in table:
        typed = dict(row)
        for name in _DATES & typed.keys():
            typed[name] = dt.date.fromisoformat(typed[name]) if typed[name] else None
        typed["conflicts"] = [
            {**{k: v for k, v in c.items() if k != "span"}, "span_start": c["span"][0],
             "span_end": c["span"][1]}
            for c in row["conflicts"]
        ]  # fmt: skip
        data.append(typed)
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist(data, schema=pa.schema(fields)), sink)
    return bytes(sink.getvalue().to_pybytes())


def export_run(
    run_dir: Path, *, fmt: Format = "csv", out_dir: Path | None = None
) -> dict[RecordType, tuple[Path, int]]:
    """Write ``meetings``, ``agreements``, ``quotes`` and ``commitments`` tables of a run.

    Args:
        run_dir: A folder of result documents (``extract run``'s ``--out``).
        fmt: ``csv``, ``jsonl`` or ``parquet`` (needs the ``parquet`` extra).
        out_dir: Where the tables go; ``run_dir/tables`` when omitted.

    Returns:
        Per record type, the file written and its row count.

    Raises:
        InputError: ``run_dir`` is missing or holds no result document.
        SchemaError: a document does not validate as a result.
        ConfigError: ``parquet`` without pyarrow installed.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    results = list(load_run(run_dir).values())
    if not results:
        raise InputError("no result documents (<article_id>.json) in this folder", path=run_dir)
    out_dir = out_dir if out_dir is not None else run_dir / "tables"
    written: dict[RecordType, tuple[Path, int]] = {}
    for kind in RECORD_TYPES:
        table = rows(results, kind)
        target = out_dir / f"{kind}.{fmt}"
        if fmt == "csv":
            write_atomic(target, _csv(kind, table))
        elif fmt == "jsonl":
            write_atomic(target, _jsonl(table))
        else:
            write_atomic(target, _parquet(kind, table))
        written[kind] = (target, len(table))
    return written
