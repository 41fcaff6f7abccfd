"""The JSON Schemas of the documents extract writes and reads, exported to ``schemas/``.

The Pydantic models are the source; ``extract schemas`` writes the files and
``extract schemas --check`` fails when they are stale. Every document is checked with
``jsonschema`` (draft 2020-12, formats on) before it is written.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from pydantic import BaseModel

from extract.consolidation import Consolidation
from extract.errors import SchemaError
from extract.models import SCHEMA_VERSION, ExtractionResult, GoldenDocument
from extract.run_manifest import RunManifest

DOCUMENTS: dict[str, type[BaseModel]] = {
    "result": ExtractionResult,
    "golden": GoldenDocument,
    "manifest": RunManifest,
    "consolidation": Consolidation,
}


def schema_of(kind: str) -> dict[str, Any]:
    """The JSON Schema of one document kind, with ``$id`` and version."""
    schema = DOCUMENTS[kind].model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"extract/{kind}.schema.json",
        "x-schema-version": SCHEMA_VERSION,
        **schema,
    }


def render(kind: str) -> str:
    return json.dumps(schema_of(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema file; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in DOCUMENTS:
        path = directory / f"{kind}.schema.json"
        path.write_text(render(kind), encoding="utf-8")
        paths.append(path)
    return paths


def stale_schemas(directory: Path) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    stale = []
    for kind in DOCUMENTS:
        path = directory / f"{kind}.schema.json"
        if not path.is_file() or path.read_text(encoding="utf-8") != render(kind):
            stale.append(path.name)
    return stale


# What ``articles.article_id_for`` makes: a plain file name, so ``<id>.json`` and
# ``seeds/<id>.txt`` stay inside their folder (no ``/``, no leading ``.``).
SAFE_ID = re.compile(r"\w[\w.-]*")


@cache
def _validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schema_of(kind), format_checker=FormatChecker())


def kind_of(document: Any) -> str:
    """Which schema a parsed document claims: result, golden, manifest or consolidation."""
    if isinstance(document, dict):
        if "extraction" in document:
            return "result"
        if "articles" in document and "run" in document:
            return "manifest"
        if "events" in document and "articles" in document:
            return "consolidation"
        if "quotes" in document or "meetings" in document:
            return "golden"
    raise SchemaError("not an extract document (no extraction, records or manifest keys)")


def validation_errors(document: Any, kind: str | None = None) -> list[str]:
    """Every schema violation as ``path: message`` (empty when valid)."""
    kind = kind or kind_of(document)
    errors = sorted(_validator(kind).iter_errors(document), key=lambda e: list(e.absolute_path))
    found = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]
    article_id = document.get("article_id") if isinstance(document, dict) else None
    if kind != "manifest" and isinstance(article_id, str) and not SAFE_ID.fullmatch(article_id):
        found.append(
            f"article_id: {article_id!r} is not a plain file name (letters, digits, '_', '.', "
            "'-'; no '/' or leading '.')"
        )
    return found


def check_document(
    document: Any, kind: str | None = None, *, path: Path | str | None = None
) -> None:
    """Raise SchemaError with the first violations when ``document`` is invalid."""
    errors = validation_errors(document, kind)
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise SchemaError(f"{errors[0]}{more}", path=path)
