"""Reading articles: files and folders in, checked UTF-8 text out, with one-line errors."""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import re
import stat
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


def safe_id(text: str) -> str:
    """An article id from any text: runs of characters other than letters, digits, ``.``,
    ``_`` and ``-`` become ``_`` ("dockers/deal 1" -> "dockers_deal_1")."""
    return re.sub(r"[^\w.-]+", "_", text).strip("._") or "article"


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


FRONT_MATTER_KEYS = ("title", "published", "url", "language", "author", "id")
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


def front_matter_id(path: Path) -> str | None:
    """The ``id`` a file's front matter gives (made safe for a file name), or None: read from the
    first 64 KiB only; a bad header is reported when the article is loaded."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536).decode("utf-8-sig", errors="ignore")
        meta, _ = split_front_matter(head, where=str(path))
    except (OSError, InputError):
        return None
    return safe_id(meta["id"]) if meta.get("id") else None


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
    that must stay verbatim. The message names the fix (``iconv``). Only regular files are
    opened (a FIFO or a device would block or never end), and no more is read than the size
    limit needs.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(_stat_problem(path, exc), path=path) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a directory (give a file, or a folder to `extract run`)", path=path)
    if not stat.S_ISREG(mode):
        raise InputError(f"not a regular file ({_kind(mode)}), not an article", path=path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_BYTES)
            longer = bool(handle.read(1))
    except PermissionError:
        raise InputError("permission denied", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    if encoding := _utf16_or_32(raw):
        raise InputError(
            f"{encoding} text, not UTF-8; convert it, e.g. "
            f"`iconv -f {encoding} -t utf-8 {path.name} > {path.stem}.utf8{path.suffix}`",
            path=path,
        )
    if b"\x00" in raw[:8192]:
        raise InputError("binary file, not a text article", path=path)
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=not longer)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); convert it, "
            f"e.g. `iconv -f latin1 -t utf-8 {path.name}`",
            path=path,
        ) from None
    if longer:  # more than _MAX_BYTES bytes: over MAX_CHARS characters whatever they are
        raise InputError(
            f"article has more than {MAX_CHARS:,} characters, over the limit: split it first",
            path=path,
        )
    meta, text = split_front_matter(text, where=str(path))
    check_text(text, where=str(path))
    language = meta.get("language", "").lower() or None
    if language is not None and not re.fullmatch(r"[a-z]{2}", language):
        raise InputError(f"front matter language {language!r} is not a two-letter code", path=path)
    return Article(
        safe_id(meta["id"]) if meta.get("id") else article_id_for(path),
        text,
        path,
        dt.date.fromisoformat(meta["published"]) if "published" in meta else published,
        title=meta.get("title") or None,
        url=meta.get("url") or None,
        language=language,
        author=meta.get("author") or None,
    )


# Enough bytes for MAX_CHARS characters of up to 4 bytes each, a BOM, and one more character.
_MAX_BYTES = 4 * (MAX_CHARS + 1) + 3


def _stat_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link points back to itself)"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return "broken symbolic link (its target does not exist)"
    if exc.errno == errno.ENOENT:
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror}"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "not a plain file"


def _utf16_or_32(raw: bytes) -> str | None:
    """``UTF-16LE``/``UTF-16BE``/``UTF-32…`` when ``raw`` looks like it (BOM, or NUL pattern)."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32LE"),
        (codecs.BOM_UTF32_BE, "UTF-32BE"),
        (codecs.BOM_UTF16_LE, "UTF-16LE"),
        (codecs.BOM_UTF16_BE, "UTF-16BE"),
    ):
        if raw.startswith(bom):
            return name
    head = raw[:4096]
    even, odd = head[0::2], head[1::2]
    if len(head) >= 8:  # text mostly in the Latin range: every other byte is NUL
        if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
            return "UTF-16LE"
        if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
            return "UTF-16BE"
    return None


def _is_article(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in ARTICLE_SUFFIXES


def collect(paths: list[Path]) -> list[Path]:
    """Article files from files and folders (folders: ``*.txt``/``*.md``, sorted, not recursive).

    In a folder, other files and sub-folders are left out (``ignored`` counts them); a file
    named explicitly is always taken, if it is a regular file.

    Raises:
        InputError: a path does not exist (or is a broken link or a link loop), is not a
            regular file (a FIFO, a device), or a folder holds no article file.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if _is_article(p))
            if not files:
                raise InputError(f"no {'/'.join(ARTICLE_SUFFIXES)} files in this folder", path=path)
            found.extend(files)
        elif path.exists() or path.is_symlink():
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                raise InputError(_stat_problem(path, exc), path=path) from None
            if not stat.S_ISREG(mode):  # opening a FIFO blocks; a device never ends
                raise InputError(f"not a regular file ({_kind(mode)}), not an article", path=path)
            found.append(path)
        else:
            raise InputError("no such file or directory", path=path)
    return found


def ignored(paths: list[Path]) -> dict[Path, int]:
    """Per folder among ``paths``, how many entries ``collect`` leaves out (when any)."""
    counts = {p: sum(not _is_article(e) for e in p.iterdir()) for p in paths if p.is_dir()}
    return {folder: n for folder, n in counts.items() if n}
