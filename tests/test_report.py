"""The HTML report: escaping and highlighting offline, then rendered in headless Chromium."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extract.errors import InputError
from extract.evaluation.cli import eval_command
from extract.evaluation.evaluate import EvaluationReport, evaluate, load_golden, load_run
from extract.evaluation.report import article_texts, to_html, to_json, to_markdown
from extract.models import ArticleExtraction, GoldenDocument
from tests.test_evaluate import (
    FULL,
    QUOTES,
    commitment,
    dump,
    golden,
    meeting,
    quote,
    result,
    write_json,
)

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 90
ARTICLES = {
    "a1": "Sanae Takaichi a reçu Donald Trump à Tokyo. « Nous entrons dans une nouvelle ère », "
    "a-t-elle dit. Le Japon investira 550 milliards de dollars aux États-Unis.",
    "a2": "Emmanuel Macron a déclaré : « L'Europe doit se réveiller ». <script>alert(1)</script>",
    "a3": "Lee Jae-myung a rencontré Xi Jinping à Gyeongju. « Nous coopérerons », a dit M. Lee.",
    "a4": "Texte introuvable pour cet article.",
}


def span(article_id: str, needle: str) -> tuple[int, int]:
    start = ARTICLES[article_id].index(needle)
    return start, start + len(needle)


def build(tmp_path: Path) -> tuple[Path, Path]:
    """A run and a golden dir for four articles: a1 and a2 text from ``source.path``, a3 from
    ``seeds/`` beside the golden dir, a4 with no text anywhere."""
    out, gold_dir, seeds = (
        tmp_path / "out",
        tmp_path / "data" / "golden",
        tmp_path / "data" / "seeds",
    )
    for d in (out, gold_dir, seeds, tmp_path / "articles"):
        d.mkdir(parents=True, exist_ok=True)
    q1 = quote(
        "Sanae Takaichi",
        "Nous entrons dans une nouvelle ère",
        span("a1", "Nous entrons dans une nouvelle ère"),
    )
    m1 = meeting(
        "Sanae Takaichi",
        "Donald Trump",
        span=span("a1", "Sanae Takaichi a reçu Donald Trump à Tokyo."),
    )
    c1 = commitment(
        "Japan",
        "invest in the United States",
        "$550 billion",
        span=span("a1", "Le Japon investira 550 milliards de dollars aux États-Unis."),
    )
    q2 = quote(
        "Emmanuel Macron", "L'Europe doit se réveiller", span("a2", "L'Europe doit se réveiller")
    )
    q3 = quote("Lee Jae-myung", "Nous coopérerons", span("a3", "Nous coopérerons"))
    m3 = meeting(
        "Lee Jae-myung", "Xi Jinping", span=span("a3", "Lee Jae-myung a rencontré Xi Jinping")
    )
    predicted: dict[str, dict[str, Any]] = {
        "a1": {"quotes": [q1], "meetings": [m1]},  # commitment missed
        "a2": {"quotes": [q2, quote("Xi Jinping", "<b>spurious</b>", span("a2", "<script>"))]},
        "a3": {"quotes": [q3.model_copy(update={"speaker": "Xi Jinping"})], "meetings": [m3]},
        "a4": {"commitments": [commitment("Japan", "build ships", span=(0, 5))]},
    }
    expected: dict[str, dict[str, Any]] = {
        "a1": {"quotes": [q1], "meetings": [m1], "commitments": [c1]},
        "a2": {"quotes": [q2]},
        "a3": {"quotes": [q3], "meetings": [m3]},
        "a4": {},
    }
    for article_id, text in ARTICLES.items():
        path = tmp_path / "articles" / f"{article_id}.txt"
        path.write_text(text, encoding="utf-8")
        if article_id == "a3":
            (seeds / f"{article_id}.txt").write_text(text, encoding="utf-8")
        source = str(path) if article_id in ("a1", "a2") else None
        doc = result(article_id, text, source, **predicted[article_id])
        (out / f"{article_id}.json").write_text(doc.model_dump_json(), encoding="utf-8")
        gold = golden(article_id, **expected[article_id])
        (gold_dir / f"{article_id}.json").write_text(gold.model_dump_json(), encoding="utf-8")
    (gold_dir / "README.md").write_text("golden files\n")
    return out, gold_dir


def render(tmp_path: Path) -> Path:
    out, gold_dir = build(tmp_path)
    run_docs, golden_docs = load_run(out), load_golden(gold_dir)
    report = evaluate(run_docs, golden_docs)
    texts = article_texts(report.per_article, run_docs, gold_dir)
    page = tmp_path / "report.html"
    page.write_text(to_html(report, run_docs, golden_docs, texts), encoding="utf-8")
    return page


def test_texts_come_from_source_path_then_seeds(tmp_path: Path) -> None:
    out, gold_dir = build(tmp_path)
    texts = article_texts(["a1", "a2", "a3", "a4"], load_run(out), gold_dir)
    assert sorted(texts) == ["a1", "a2", "a3"] and texts["a3"] == ARTICLES["a3"]


def test_html_is_self_contained_escaped_and_highlighted(tmp_path: Path) -> None:
    html = render(tmp_path).read_text(encoding="utf-8")
    assert html.count('<section class="article"') == 4 and 'id="article-a4"' in html
    assert "<script>" not in html and "&lt;script&gt;</mark>alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;spurious&lt;/b&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "no external assets"
    assert '<mark class="quote" title="quote: Sanae Takaichi' in html
    assert '<mark class="quote spurious' in html  # a2's invented quote, dashed
    assert '<mark class="missed"' in html  # a1's commitment the run missed, underlined
    assert "Article text unavailable" in html and "build ships" in html  # a4


def test_overlapping_spans_are_split_into_segments(tmp_path: Path) -> None:
    text = "Alpha beta gamma delta."
    q = quote("Sanae Takaichi", "beta gamma", (6, 16))
    m = meeting("Sanae Takaichi", "Donald Trump", span=(0, 10))
    run = {"x": result("x", text, quotes=[q], meetings=[m])}
    gold = {"x": golden("x", quotes=[q], meetings=[m])}
    html = to_html(evaluate(run, gold), run, gold, {"x": text})
    body = html[html.index('id="article-x"') :]
    assert re.search(
        r'<mark class="meeting"[^>]*>Alpha </mark><mark class="quote multi"[^>]*>beta</mark>'
        r'<mark class="quote"[^>]*> gamma</mark> delta\.',
        body,
    )


# -- Markdown, JSON, command ------------------------------------------------------------------


def test_markdown_has_the_table_and_fits_the_terminal() -> None:
    report = evaluate(
        {"a": result("a", quotes=QUOTES[:3] + [quote("Xi Jinping", "x " * 80)])},
        {"a": golden("a", **FULL), "b": golden("b", quotes=QUOTES)},
    )
    md = to_markdown(report)
    assert "| type             |   TP |   FP |   FN | precision | recall |    F1 |" in md
    assert "| quotes (strict)  |    3 |    1 |    5 |" in md
    assert "| micro " in md and "| macro " in md and "quotes (lenient)" in md
    assert "speaker accuracy" in md and "### a" in md and "### b (not in run)" in md
    assert (
        "- miss meeting: Donald Trump, Sanae Takaichi" in md
        and "- spurious quote: Xi Jinping" in md
    )
    assert max(len(line) for line in md.splitlines()) <= 100


def test_json_round_trips_and_has_the_required_keys() -> None:
    report = evaluate(
        {"a": result("a", **FULL), "x": result("x")}, {"a": golden("a", **FULL), "b": golden("b")}
    )
    text = to_json(report)
    assert EvaluationReport.model_validate_json(text) == report
    data = json.loads(text)
    for kind in ("meetings", "agreements", "quotes", "commitments"):
        assert set(data["per_type"][kind]) >= {"tp", "fp", "fn", "precision", "recall", "f1"}
    assert set(data["quotes_lenient"]) >= {"precision", "recall", "f1"}
    assert set(data["micro"]) >= {"precision", "recall", "f1"} and "f1" in data["macro"]
    assert data["speaker_accuracy"] == 1.0 and "meeting.date" in data["field_accuracy"]
    assert data["unscored"] == ["x"] and data["missing_from_run"] == ["b"]
    article = data["per_article"]["a"]
    for key in (
        "per_type",
        "quotes_lenient",
        "speaker_accuracy",
        "micro",
        "macro",
        "misses",
        "spurious",
    ):
        assert key in article


def test_eval_command_prints_markdown_and_writes_files(tmp_path: Path) -> None:
    write_json(tmp_path / "out" / "a.json", dump(result("a", quotes=QUOTES[:3])))
    write_json(tmp_path / "golden" / "a.json", dump(golden("a", quotes=QUOTES)))
    md, js, page = (
        tmp_path / "r" / "eval.md",
        tmp_path / "r" / "eval.json",
        tmp_path / "r" / "eval.html",
    )
    args = [
        str(tmp_path / "out"),
        "--golden",
        str(tmp_path / "golden"),
        "--md",
        str(md),
        "--json",
        str(js),
        "--html",
        str(page),
    ]
    outcome = CliRunner().invoke(eval_command, args, catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    assert "| quotes (strict)  |    3 |    0 |    1 |" in outcome.stdout
    assert md.read_text() == outcome.stdout
    assert json.loads(js.read_text())["per_type"]["quotes"]["recall"] == 0.75
    assert 'class="article"' in page.read_text()
    assert not list((tmp_path / "r").glob(".*.tmp"))


def test_eval_command_raises_input_error_for_a_missing_run_dir(tmp_path: Path) -> None:
    write_json(tmp_path / "golden" / "a.json", dump(golden("a")))
    with pytest.raises(InputError, match="no such run directory"):
        CliRunner().invoke(
            eval_command,
            [str(tmp_path / "nope"), "--golden", str(tmp_path / "golden")],
            catch_exceptions=False,
            standalone_mode=False,
        )


def test_eval_errors_become_one_line_and_exit_code_2_through_main(tmp_path: Path) -> None:
    write_json(tmp_path / "golden" / "a.json", "{broken")
    (tmp_path / "out").mkdir()
    code = (
        "import sys; from extract.cli import cli, main; "
        "from extract.evaluation.cli import eval_command; "
        "cli.add_command(eval_command); main(sys.argv[1:])"
    )
    for args, message in (
        (["eval", str(tmp_path / "nope")], "nope: no such run directory"),
        (
            ["eval", str(tmp_path / "out"), "--golden", str(tmp_path / "golden")],
            "a.json: not valid JSON",
        ),
    ):
        proc = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
        )
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 2 and len(lines) == 1 and message in lines[0], proc.stderr


# -- Chromium ----------------------------------------------------------------------------------


def chromium(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=True)


def png_colours(path: Path) -> set[bytes]:
    """Distinct pixel colours of an 8-bit RGB or RGBA PNG, decoded with zlib and struct only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", (0, 0, 0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunk, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if chunk == b"IHDR":
            header = struct.unpack(">IIBB", body[:10])
        elif chunk == b"IDAT":
            idat += body
    width, height, depth, colour_type = header
    assert depth == 8 and colour_type in (2, 6), f"unsupported PNG {header}"
    bpp = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    previous, colours = bytearray(stride), set[bytes]()
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[i] = (row[i] + guess) & 255
        colours.update(bytes(row[i : i + bpp]) for i in range(0, stride, bpp * 7))
        previous = row
    return colours


needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs /usr/bin/chromium (apt-get install chromium chromium-driver)",
)


@needs_chromium
def test_chromium_renders_four_articles_and_the_chart(tmp_path: Path) -> None:
    page = render(tmp_path)
    dom = chromium("--dump-dom", page.as_uri(), tmp_path=tmp_path).stdout
    assert len(re.findall(r'<section class="article" id="article-', dom)) == 4
    chart = re.search(r'<svg id="f1-chart".*?</svg>', dom, re.S)
    assert chart is not None, "no f1-chart svg in the DOM"
    bars = re.findall(r'<rect class="bar"[^>]*height="([\d.]+)"', chart.group(0))
    assert len(bars) >= 4 and any(float(h) > 0 for h in bars)


@needs_chromium
def test_chromium_screenshot_is_not_blank(tmp_path: Path) -> None:
    page = render(tmp_path)
    shot = tmp_path / "shot.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,1600", page.as_uri(), tmp_path=tmp_path)
    colours = png_colours(shot)
    assert len(colours) > 20, f"only {len(colours)} colours: the page looks blank"


def test_wrong_field_values_of_matched_pairs_are_shown() -> None:
    m = {"participants": ["A B", "C D"], "status": "held", "evidence": "e", "span": (0, 5)}
    gold = GoldenDocument(article_id="a", language="fr", meetings=[{**m, "date": "2025-01-02"}])
    pred = ArticleExtraction.model_validate({"meetings": [{**m, "date": "2025-01-03"}]})
    report = evaluate({"a": pred}, {"a": gold})
    assert "wrong meeting.date: predicted '2025-01-03', golden '2025-01-02'" in to_markdown(report)
    page = to_html(report, {}, {"a": gold}, {})
    assert "predicted <b>2025-01-03</b>, golden <b>2025-01-02</b>" in page
