"""Readers for every input kind: what ``extract run`` turns into articles.

- ``.txt`` / ``.md``: one article per file, with an optional front-matter header
  (``extract.articles.load_article``).
- ``.jsonl`` / ``.ndjson``: one JSON object per line; ``.csv``: one row per article, with a
  header row. Keys or columns: ``text`` (required), ``id`` (default: file stem + ``_`` + line
  number), ``title``, ``published`` (YYYY-MM-DD), ``url``, ``language``, ``author``; others
  are ignored. A bad line or row is one ``file:line: problem`` and the others still run.
- ``.html`` / ``.htm``: a saved page; main text and metadata (title, date, author, URL) through
  trafilatura (the ``html`` extra). The text is not the file's bytes, so the pipeline saves it
  beside the document (``OUT/<id>.txt``) for the spans to stay checkable.

Each ``Entry`` names its source as ``file`` or ``file:line``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from extract.articles import (
    Article,
    article_id_for,
    check_text,
    front_matter_id,
    load_article,
    parse_date,
)
from extract.errors import ConfigError, InputError

TEXT_SUFFIXES = (".txt", ".md")
LINE_SUFFIXES = (".jsonl", ".ndjson")
TABLE_SUFFIXES = (".csv",)
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + LINE_SUFFIXES + TABLE_SUFFIXES + HTML_SUFFIXES
FIELDS = ("id", "text", "title", "published", "url", "language", "author")
HTML_MISSING = "reading .html pages needs trafilatura: pip install 'extract[html]'"


@dataclass(frozen=True)
class Entry:
    """One article to run: its id, where it comes from, and how to read it.

    ``load`` gives the article (``published``: the date for articles that carry none), or
    raises ``InputError`` with the one-line problem. ``saved_text``: the article's text is not a
    file's contents as they are, so the pipeline saves it beside the document.
    """

    article_id: str
    path: Path
    source: str
    load: Callable[[dt.date | None], Article]
    saved_text: bool = False


def entries(path: Path) -> list[Entry]:
    """The articles of one input file (several for ``.jsonl``/``.csv``).

    Raises:
        InputError: the file cannot be read as a whole (bad lines are entries that fail).
        ConfigError: an ``.html`` page without trafilatura installed.
    """
    suffix = path.suffix.lower()
    if suffix in LINE_SUFFIXES:
        return _records(path, _json_lines(path))
    if suffix in TABLE_SUFFIXES:
        return _records(path, _csv_rows(path))
    if suffix in HTML_SUFFIXES:
        _trafilatura()  # fail before the run starts, with the fix
        html = Entry(
            article_id_for(path), path, str(path), lambda p: load_html(path, published=p), True
        )
        return [html]
    article_id = front_matter_id(path) or article_id_for(path)
    text = Entry(article_id, path, str(path), lambda p: load_article(path, published=p))
    return [text]


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (offset {exc.start}); convert it, e.g. `iconv -f latin1 -t utf-8`",
            path=path,
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None


Row = tuple[int, dict[str, Any] | str]  # line number, fields or the problem


def _json_lines(path: Path) -> list[Row]:
    rows: list[Row] = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            rows.append((number, f"not JSON ({getattr(exc, 'msg', exc)})"))
            continue
        rows.append((number, value if isinstance(value, dict) else "not a JSON object"))
    return rows


def _csv_rows(path: Path) -> list[Row]:
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    if reader.fieldnames is None or "text" not in reader.fieldnames:
        raise InputError("the CSV header has no `text` column (line 1)", path=path)
    rows: list[Row] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if None in row:
                rows.append((start, "more values than header columns"))
            elif not any((v or "").strip() for v in row.values()):
                pass  # a blank row
            else:
                rows.append((start, {k: v for k, v in row.items() if v != ""}))
            start = reader.line_num + 1
    except csv.Error as exc:
        rows.append((start, f"not CSV ({exc})"))
    return rows


def _records(path: Path, rows: list[Row]) -> list[Entry]:
    out: list[Entry] = []
    for number, row in rows:
        where = f"{path}:{number}"
        default_id = f"{article_id_for(path)}_{number}"
        try:
            if isinstance(row, str):
                raise InputError(f"{where}: {row}")
            article = article_from_fields(row, article_id=default_id, where=where)
            article = replace(article, source=where)
        except InputError as exc:
            given = row.get("id") if isinstance(row, dict) else None
            ident = given if isinstance(given, str) and _SAFE_ID.fullmatch(given) else default_id
            out.append(Entry(ident, path, where, failing(exc), True))
            continue
        out.append(Entry(article.article_id, path, where, _with_default(article), True))
    return out


def failing(exc: InputError) -> Callable[[dt.date | None], Article]:
    """A loader that raises ``exc``: an entry whose problem is known before the run."""

    def load(published: dt.date | None) -> Article:
        raise exc

    return load


def _with_default(article: Article) -> Callable[[dt.date | None], Article]:
    def load(published: dt.date | None) -> Article:
        if article.published is None and published is not None:
            return replace(article, published=published)
        return article

    return load


_SAFE_ID = re.compile(r"[\w][\w.-]*")


def article_from_fields(fields: dict[str, Any], *, article_id: str, where: str) -> Article:
    """An article from a JSON object or a CSV row (keys as in ``FIELDS``).

    Raises:
        InputError: ``where: problem`` (no text, a value that is not text, a bad date, an id
            that cannot name a file, a language that is not a two-letter code).
    """
    values: dict[str, str] = {}
    for key in FIELDS:
        value = fields.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"{where}: `{key}` is not a string ({type(value).__name__})")
        values[key] = value
    text = values.get("text")
    if text is None:
        raise InputError(f"{where}: no `text`")
    try:
        check_text(text)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    ident = values.get("id", "").strip() or article_id
    if not _SAFE_ID.fullmatch(ident):
        raise InputError(f"{where}: id {ident!r} may hold only letters, digits, '.', '_', '-'")
    published = parse_date(values["published"], where=where) if "published" in values else None
    language = values.get("language", "").strip().lower() or None
    if language is not None and not re.fullmatch(r"[a-z]{2}", language):
        raise InputError(f"{where}: language {language!r} is not a two-letter code")
    return Article(
        ident,
        text,
        None,
        published,
        title=values.get("title") or None,
        url=values.get("url") or None,
        language=language,
        author=values.get("author") or None,
    )


def _trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError:  # also lxml without its html_clean part
        raise ConfigError(HTML_MISSING) from None
    return trafilatura


def load_html(path: Path, *, published: dt.date | None = None) -> Article:
    """The main text and metadata (title, date, author, URL) of a saved web page.

    Raises:
        InputError: the page cannot be read or has no main text.
        ConfigError: trafilatura is not installed.
    """
    trafilatura = _trafilatura()
    html = _read_text(path)
    found = trafilatura.extract(html, output_format="json", with_metadata=True)
    data = json.loads(found) if found else {}
    text = data.get("text") or ""
    if not text.strip():
        raise InputError("no main text found in this page", path=path)
    check_text(text, where=str(path))
    language = str(data.get("language") or "")
    day = None
    if isinstance(data.get("date"), str):
        try:
            day = dt.date.fromisoformat(data["date"][:10])
        except ValueError:
            day = None
    return Article(
        article_id_for(path),
        text,
        path,
        day or published,
        title=data.get("title") or None,
        url=data.get("source") or data.get("url") or None,
        language=language if re.fullmatch(r"[a-z]{2}", language) else None,
        author=data.get("author") or None,
    )
