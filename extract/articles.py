"""Reading articles: files and folders in, checked UTF-8 text out, with one-line errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from extract.errors import InputError

ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl", ".ndjson", ".csv", ".html", ".htm")  # extract.inputs
MAX_CHARS = 60_000  # ~20k tokens: past this a model's context and the token cap are at risk


@dataclass(frozen=True)
class Article:
    """One article: its id, text (offsets count from its first character), where it came from
    and the metadata given beside it (front matter, ``--published``, library arguments)."""

    article_id: str
    text: str
    path: Path | None = None
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    language: str | None = None
    author: str | None = None
    source: str | None = None  # "file:line" for an article that is one line of a file

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def article_id_for(path: Path) -> str:
    """The file name without its suffix, restricted to safe characters."""
    return re.sub(r"[^\w.-]+", "_", path.stem).strip("._") or "article"


def check_text(text: str, *, where: str = "article") -> None:
    """Refuse text no extraction can use (empty, whitespace, too long)."""
    if not text.strip():
        raise InputError(
            "empty article (no text)" if not text else "article is only whitespace", path=where
        )
    if len(text) > MAX_CHARS:
        raise InputError(
            f"article has {len(text):,} characters, over the {MAX_CHARS:,} limit: split it first",
            path=where,
        )


FRONT_MATTER_KEYS = ("title", "published", "url", "language", "author")
_FENCE = "---"


def split_front_matter(text: str, *, where: str = "article") -> tuple[dict[str, str], str]:
    """Split an optional front-matter header from the article text.

    A header is a first line ``---``, ``key: value`` lines (keys in ``FRONT_MATTER_KEYS``), and
    a line ``---``; the article text is everything after that line, and character offsets count
    from its first character. Text without a first line ``---`` has no header.

    Raises:
        InputError: ``where:line: problem`` for a header that is not closed, a line that is not
            ``key: value``, an unknown or repeated key, or a ``published`` that is not a date.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != _FENCE:
        return {}, text
    fields: dict[str, str] = {}
    consumed = len(lines[0])
    for number, line in enumerate(lines[1:], start=2):
        consumed += len(line)
        content = line.rstrip("\r\n")
        if content == _FENCE:
            if "published" in fields:
                fields["published"] = _published(fields["published"], f"{where}:{number}")
            return fields, text[consumed:]
        if not content.strip():
            continue
        key, sep, value = content.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            raise InputError(
                f"{where}:{number}: front matter line is not `key: value` "
                "(or the header's closing `---` line is missing)"
            )
        if key not in FRONT_MATTER_KEYS:
            known = ", ".join(FRONT_MATTER_KEYS)
            raise InputError(f"{where}:{number}: unknown front matter key {key!r} (known: {known})")
        if key in fields:
            raise InputError(f"{where}:{number}: front matter key {key!r} given twice")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key == "published":
            _published(value, f"{where}:{number}")
        fields[key] = value
    raise InputError(f"{where}:1: front matter opened with `---` is never closed by a `---` line")


def _published(value: str, where: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: published {value!r} is not a date (YYYY-MM-DD)") from None
    if len(value) != 10:
        raise InputError(f"{where}: published {value!r} is not a date (YYYY-MM-DD)")
    return value


def parse_date(value: str, *, where: str = "--published") -> dt.date:
    """A ``YYYY-MM-DD`` date, or an ``InputError`` naming ``where``."""
    return dt.date.fromisoformat(_published(value.strip(), where))


def load_article(path: Path, *, published: dt.date | None = None) -> Article:
    """Read one article file as strict UTF-8.

    Non-UTF-8 files are refused rather than guessed at: a wrong guess would corrupt the quotes
    that must stay verbatim. The message names the fix (``iconv``).
    """
    if not path.exists():
        raise InputError("no such file or directory", path=path)
    if path.is_dir():
        raise InputError("is a directory (give a file, or a folder to `extract run`)", path=path)
    try:
        raw = path.read_bytes()
    except PermissionError:
        raise InputError("permission denied", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    if b"\x00" in raw[:8192]:
        raise InputError("binary file, not a text article", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); convert it, "
            f"e.g. `iconv -f latin1 -t utf-8 {path.name}`",
            path=path,
        ) from None
    meta, text = split_front_matter(text, where=str(path))
    check_text(text, where=str(path))
    language = meta.get("language", "").lower() or None
    if language is not None and not re.fullmatch(r"[a-z]{2}", language):
        raise InputError(f"front matter language {language!r} is not a two-letter code", path=path)
    return Article(
        article_id_for(path),
        text,
        path,
        dt.date.fromisoformat(meta["published"]) if "published" in meta else published,
        title=meta.get("title") or None,
        url=meta.get("url") or None,
        language=language,
        author=meta.get("author") or None,
    )


def _is_article(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES


def collect(paths: list[Path]) -> list[Path]:
    """Article files from files and folders (folders: ``*.txt``/``*.md``, sorted, not recursive).

    In a folder, other files and sub-folders are left out (``ignored`` counts them); a file
    named explicitly is always taken.

    Raises:
        InputError: a path does not exist, or a folder holds no article file.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if _is_article(p))
            if not files:
                raise InputError(f"no {'/'.join(ARTICLE_SUFFIXES)} files in this folder", path=path)
            found.extend(files)
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise InputError("no such file or directory", path=path)
    return found


def ignored(paths: list[Path]) -> dict[Path, int]:
    """Per folder among ``paths``, how many entries ``collect`` leaves out (when any)."""
    counts = {p: sum(not _is_article(e) for e in p.iterdir()) for p in paths if p.is_dir()}
    return {folder: n for folder, n in counts.items() if n}
