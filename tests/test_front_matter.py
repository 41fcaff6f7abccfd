"""Front matter on .txt/.md articles: metadata read, offsets from the text after the header,
one-line errors naming file and line. Offline, no model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extract.articles import load_article, parse_date, split_front_matter
from extract.errors import InputError

HEADER = "---\ntitle: Dockers end strike\npublished: 2026-03-12\nurl: https://x.example/a\n"


def test_header_is_split_and_offsets_count_from_the_text_after_it() -> None:
    meta, text = split_front_matter(HEADER + "language: en\n---\nDockers end strike\nBody.")
    assert meta == {
        "title": "Dockers end strike",
        "published": "2026-03-12",
        "url": "https://x.example/a",
        "language": "en",
    }
    assert text == "Dockers end strike\nBody."


def test_text_without_a_header_is_unchanged() -> None:
    for text in ("Plain article.\n---\n", "--- not a fence\ntitle: x\n---\nBody", ""):
        assert split_front_matter(text) == ({}, text)


def test_windows_line_ends_and_quoted_values() -> None:
    meta, text = split_front_matter('---\r\ntitle: "A: B"\r\n---\r\nBody')
    assert meta == {"title": "A: B"} and text == "Body"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("---\ntitle: x\n", "a.txt:1: front matter opened with `---` is never closed"),
        ("---\ntitle: x\nBody\n", "a.txt:3: front matter line is not `key: value` "),
        ("---\ntitle x\n---\n", "a.txt:2: front matter line is not `key: value`"),
        ("---\npublised: 2026-01-01\n---\n", "a.txt:2: unknown front matter key 'publised'"),
        ("---\ntitle: a\ntitle: b\n---\n", "a.txt:3: front matter key 'title' given twice"),
        ("---\npublished: 12/03/2026\n---\n", "a.txt:2: published '12/03/2026' is not a date"),
        ("---\npublished: 2026-02-30\n---\n", "a.txt:2: published '2026-02-30' is not a date"),
    ],
)
def test_bad_headers_name_file_and_line(header: str, message: str) -> None:
    with pytest.raises(InputError, match="^" + message.replace("(", r"\(").replace("`", "`")):
        split_front_matter(header, where="a.txt")


def test_load_article_carries_the_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(HEADER + "author: Ana Ruiz\n---\nBody text here.", encoding="utf-8")
    article = load_article(path, published=dt.date(2020, 1, 1))
    assert article.text == "Body text here."
    assert article.published == dt.date(2026, 3, 12)  # the header wins over the fallback
    assert (article.title, article.url, article.author) == (
        "Dockers end strike",
        "https://x.example/a",
        "Ana Ruiz",
    )


def test_the_fallback_date_applies_when_the_header_has_none(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("---\ntitle: T\n---\nBody.", encoding="utf-8")
    assert load_article(path, published=dt.date(2026, 1, 2)).published == dt.date(2026, 1, 2)


def test_an_article_that_is_only_a_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("---\ntitle: T\n---\n  \n", encoding="utf-8")
    with pytest.raises(InputError, match="only whitespace"):
        load_article(path)


def test_published_option_parses_or_names_the_problem() -> None:
    assert parse_date("2026-03-12") == dt.date(2026, 3, 12)
    with pytest.raises(InputError, match="--published: published 'March 12' is not a date"):
        parse_date("March 12")


def test_an_id_in_the_front_matter_names_the_document(tmp_path: Path) -> None:
    import asyncio

    from extract.pipeline import run_batch
    from extract.settings import Settings

    path = tmp_path / "in" / "long-scraped-name-2026.txt"
    path.parent.mkdir()
    path.write_text("---\nid: dockers/deal 1\n---\nBody.", encoding="utf-8")
    assert load_article(path).article_id == "dockers_deal_1"  # made safe for a file name
    settings = Settings.from_env(
        cassette="replay", recordings=tmp_path, base_url="http://127.0.0.1:9/v1"
    )
    manifest = asyncio.run(run_batch([path.parent], tmp_path / "out", settings))
    assert list(manifest.articles) == ["dockers_deal_1"]  # replay misses: failed, but named so
