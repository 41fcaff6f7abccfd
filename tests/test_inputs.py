"""Input kinds: JSONL/NDJSON lines, CSV rows, saved web pages; a bad line or row is one
``file:line: problem`` and the others run. Replies are SYNTHETIC (tests/fault_server.py)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import extract
from extract.errors import ConfigError, InputError
from extract.inputs import entries, load_html
from extract.schemas import validation_errors
from tests.fault_server import FaultServer, cli_env, extract_command, ok

SENTENCE = "Anna Berg met Carl Dahl on Tuesday in Oslo."
MEETING = {
    "evidence": SENTENCE,
    "participants": ["Anna Berg", "Carl Dahl"],
    "date": None,
    "location": "Oslo",
    "status": "held",
    "topics": [],
}
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Berg and Dahl sign a port pact | The Ledger</title>
<meta property="og:title" content="Berg and Dahl sign a port pact">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2025-10-29T08:00:00Z">
<link rel="canonical" href="https://ledger.example/2025/10/29/port-pact">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Berg and Dahl sign a port pact</h1>
<p>Anna Berg met Carl Dahl on Tuesday in Oslo. The two ministers signed an agreement on the
shared use of their ports, which covers twelve harbours on both coasts.</p>
<p>Dahl said the two sides would meet again on Friday to discuss the fees for each port.
ref:page</p>
</article>
<footer>© The Ledger. Subscribe now for unlimited access.</footer>
</body></html>
"""


def _line(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)


def _jsonl(folder: Path) -> Path:
    path = folder / "news.jsonl"
    lines = [
        _line(id="n1", text=f"{SENTENCE} ref:n1", published="2025-10-29", title="T1", url="u1"),
        "{not json",
        _line(title="no text here"),
        "",  # blank lines are skipped
        _line(text=f"{SENTENCE} ref:n5", published="29/10/2025"),
        _line(text=f"{SENTENCE} ref:n6", language="English"),
        "[1, 2]",
        _line(text=f"{SENTENCE} ref:n8", author="A. Writer"),
        _line(id="../evil", text=SENTENCE),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _problems(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in entries(path):
        try:
            entry.load(None)
        except InputError as exc:
            out[entry.source] = str(exc)
    return out


def test_jsonl_lines_become_articles_and_bad_lines_name_file_and_line(tmp_path: Path) -> None:
    path = _jsonl(tmp_path)
    found = entries(path)
    assert [e.article_id for e in found] == [
        "n1", "news_2", "news_3", "news_5", "news_6", "news_7", "news_8", "news_9",
    ]  # fmt: skip
    assert [e.source for e in found][:2] == [f"{path}:1", f"{path}:2"]
    first = found[0].load(None)
    assert (first.title, first.url, first.published) == ("T1", "u1", dt.date(2025, 10, 29))
    assert first.source == f"{path}:1" and first.text == f"{SENTENCE} ref:n1"
    eighth = found[6].load(dt.date(2025, 1, 2))  # --published fills a line that has none
    assert (eighth.author, eighth.published) == ("A. Writer", dt.date(2025, 1, 2))
    assert _problems(path) == {
        f"{path}:2": f"{path}:2: not JSON (Expecting property name enclosed in double quotes)",
        f"{path}:3": f"{path}:3: no `text`",
        f"{path}:5": f"{path}:5: published '29/10/2025' is not a date (YYYY-MM-DD)",
        f"{path}:6": f"{path}:6: language 'english' is not a two-letter code",
        f"{path}:7": f"{path}:7: not a JSON object",
        f"{path}:9": f"{path}:9: id '../evil' may hold only letters, digits, '.', '_', '-'",
    }


def test_ndjson_is_read_like_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "feed.ndjson"
    path.write_text(_line(text=SENTENCE) + "\n", encoding="utf-8")
    (entry,) = entries(path)
    assert entry.article_id == "feed_1" and entry.load(None).text == SENTENCE


def test_csv_rows_with_multiline_text_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "id,title,published,text,extra\n"
        f'c1,First,2025-10-29,"{SENTENCE}\nSecond line, with a comma.",ignored\n'
        ",No text,2025-10-29,,\n"
        f"c3,Bad date,2025-13-01,{SENTENCE},\n"
        f",,,{SENTENCE},\n"
        f"c7,,,{SENTENCE},,surplus\n",
        encoding="utf-8",
    )
    found = entries(path)
    assert [(e.article_id, e.source) for e in found] == [
        ("c1", f"{path}:2"), ("export_4", f"{path}:4"), ("c3", f"{path}:5"),
        ("export_6", f"{path}:6"), ("export_7", f"{path}:7"),
    ]  # fmt: skip
    article = found[0].load(None)
    assert article.text == f"{SENTENCE}\nSecond line, with a comma."
    assert (article.title, article.published) == ("First", dt.date(2025, 10, 29))
    assert _problems(path) == {
        f"{path}:4": f"{path}:4: no `text`",
        f"{path}:5": f"{path}:5: published '2025-13-01' is not a date (YYYY-MM-DD)",
        f"{path}:7": f"{path}:7: more values than header columns",
    }


def test_csv_without_a_text_column_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.csv: the CSV header has no `text` column"):
        entries(path)


def test_jsonl_that_is_not_utf8_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(_line(text="Élysée").encode("latin-1"))
    with pytest.raises(InputError, match="latin.jsonl: not UTF-8"):
        entries(path)


def test_html_page_without_main_text_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Menu</title></head><body></body></html>", "utf-8")
    with pytest.raises(InputError, match="empty.html: no main text found in this page"):
        load_html(path)


def test_html_page_gives_main_text_and_metadata(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    article = load_html(path)
    assert SENTENCE in article.text and "Subscribe" not in article.text
    assert "Home" not in article.text.split("\n")
    assert article.title == "Berg and Dahl sign a port pact"
    assert (article.published, article.author) == (dt.date(2025, 10, 29), "Jane Reporter")
    assert article.url == "https://ledger.example/2025/10/29/port-pact"


def test_html_page_without_a_date_takes_the_fallback(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura")
    path = tmp_path / "undated.htm"
    meta = '<meta property="article:published_time" content="2025-10-29T08:00:00Z">'
    page = PAGE.replace(meta, "")
    path.write_text(page.replace("2025/10/29/", ""), encoding="utf-8")
    assert load_html(path, published=dt.date(2026, 1, 5)).published == dt.date(2026, 1, 5)


def test_html_without_trafilatura_is_a_config_error_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    with pytest.raises(ConfigError, match=r"pip install 'extract\[html\]'"):
        entries(path)


def test_library_takes_metadata_and_exports_article(tmp_path: Path) -> None:
    assert "Article" in extract.__all__
    with FaultServer() as server:
        server.default = ok(language="en", meetings=[MEETING])
        settings = extract.Settings(
            base_url=server.url, model="synthetic-model", strategy="single",
            recordings=tmp_path / "rec",
        )  # fmt: skip
        result = extract.extract_article(
            SENTENCE, published=dt.date(2025, 10, 29), title="T", url="https://x.example/1",
            settings=settings,
        )  # fmt: skip
        given = extract.Article("a7", SENTENCE, author="A. Writer", language="en")
        other = extract.extract_article(given, settings=settings)
    assert (result.title, result.url, result.published) == ("T", "https://x.example/1",
                                                            dt.date(2025, 10, 29))  # fmt: skip
    (meeting,) = result.extraction.meetings
    assert (meeting.date_text, meeting.date) == ("on Tuesday", dt.date(2025, 10, 28))
    assert (other.article_id, other.author, other.published) == ("a7", "A. Writer", None)
    assert other.extraction.meetings[0].date is None  # no publication date: never a guess


@pytest.fixture(scope="module")
def mixed_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], Path]:
    """One CLI run over a folder holding every input kind, good and bad."""
    root = tmp_path_factory.mktemp("inputs")
    folder = root / "in"
    folder.mkdir()
    _jsonl(folder)
    (folder / "table.csv").write_text(
        f'id,text,published\nc1,"{SENTENCE} ref:c1",2025-10-29\nc2,,\n', encoding="utf-8"
    )
    (folder / "a.txt").write_text(f"{SENTENCE}\nref:a\n", encoding="utf-8")
    (folder / "zdup.jsonl").write_text(_line(id="n1", text=SENTENCE) + "\n", encoding="utf-8")
    (folder / "latin.jsonl").write_bytes(_line(text="Élysée").encode("latin-1"))
    if _has_trafilatura():
        (folder / "page.html").write_text(PAGE, encoding="utf-8")
    out = root / "out"
    with FaultServer() as server:
        server.default = ok(language="en", meetings=[MEETING])
        proc = subprocess.run(
            extract_command("run", "in", "--out", str(out), "--base-url", server.url,
                            "--published", "2025-11-05"),
            cwd=root, env=cli_env(), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return proc, manifest, out


def _has_trafilatura() -> bool:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return False
    return True


def test_run_names_sources_and_fails_only_the_bad_lines(
    mixed_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], Path],
) -> None:
    proc, manifest, out = mixed_run
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    articles = manifest["articles"]
    assert validation_errors(manifest, "manifest") == []
    assert articles["n1"]["status"] == articles["c1"]["status"] == articles["a"]["status"] == "ok"
    assert articles["n1"]["source"] == "in/news.jsonl:1" and articles["a"]["source"] == "in/a.txt"
    assert articles["news_2"]["status"] == "failed"
    assert articles["news_2"]["error"].startswith("in/news.jsonl:2: not JSON")
    assert articles["c2"]["error"] == "in/table.csv:3: no `text`"
    assert "failed  news_3: in/news.jsonl:3: no `text`" in proc.stderr
    assert articles["n1@in/zdup.jsonl:1"]["error"] == (
        "in/zdup.jsonl:1: duplicate article id 'n1' (also in/news.jsonl:1): rename one"
    )
    assert articles["latin"]["status"] == "failed"
    assert articles["latin"]["error"].startswith("in/latin.jsonl: not UTF-8")
    ok_ids = sorted(k for k, a in articles.items() if a["status"] == "ok")
    expected = ["a", "c1", "n1", "news_8"] + (["page"] if _has_trafilatura() else [])
    assert ok_ids == expected


def test_documents_carry_metadata_and_dates_and_spans_point_into_the_saved_text(
    mixed_run: tuple[subprocess.CompletedProcess[str], dict[str, Any], Path],
) -> None:
    _, _, out = mixed_run
    n1 = json.loads((out / "n1.json").read_text(encoding="utf-8"))
    assert (n1["title"], n1["url"], n1["published"]) == ("T1", "u1", "2025-10-29")
    assert n1["source"]["path"] == "in/news.jsonl:1"
    (meeting,) = n1["extraction"]["meetings"]
    assert (meeting["date_text"], meeting["date"]) == ("on Tuesday", "2025-10-28")
    news8 = json.loads((out / "news_8.json").read_text(encoding="utf-8"))
    assert news8["published"] == "2025-11-05"  # --published for a line that has none
    assert news8["extraction"]["meetings"][0]["date"] == "2025-11-04"
    saved = ["n1", "c1", "news_8"] + (["page"] if _has_trafilatura() else [])
    for article_id in saved:
        text = (out / f"{article_id}.txt").read_text(encoding="utf-8")
        document = json.loads((out / f"{article_id}.json").read_text(encoding="utf-8"))
        assert len(text) == document["source"]["chars"]
        for record in document["extraction"]["meetings"]:
            assert text[record["span"][0] : record["span"][1]] == record["evidence"]
    assert not (out / "a.txt").exists()  # a .txt article is its own file
    if _has_trafilatura():
        page = json.loads((out / "page.json").read_text(encoding="utf-8"))
        assert (page["published"], page["author"]) == ("2025-10-29", "Jane Reporter")
        assert page["extraction"]["meetings"][0]["date"] == "2025-10-28"
