"""Render an ``EvaluationReport``: JSON for machines, Markdown for a terminal, HTML for a person.

The HTML page is one self-contained file (inline CSS and SVG, no script, no network): summary
tables, a bar chart of F1 per type, and each article's text with the grounded spans of the
predicted records highlighted by type, golden records the run missed underlined, and the lists of
misses and spurious records beside it. Every piece of text is escaped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path
from typing import Any

from extract.articles import load_article
from extract.errors import ExtractError
from extract.evaluation.evaluate import (
    ArticleScore,
    EvaluationReport,
    Figures,
    RecordRef,
    Scores,
    label,
)
from extract.models import RECORD_TYPES, ExtractionResult, GoldenDocument, RecordType
from extract.schemas import SAFE_ID

WIDTH = 100
_ROWS: tuple[tuple[RecordType, str], ...] = (
    ("meetings", "meetings"),
    ("agreements", "agreements"),
    ("quotes", "quotes (strict)"),
    ("commitments", "commitments"),
)
COLOURS: dict[str, str] = {
    "meeting": "#bfdcff",
    "agreement": "#c4efbd",
    "quote": "#ffe08a",
    "commitment": "#f3c4ec",
}


def to_json(report: EvaluationReport) -> str:
    """The report as indented JSON (``EvaluationReport.model_validate_json`` reads it back)."""
    return report.model_dump_json(indent=2) + "\n"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _clip(line: str, width: int = WIDTH) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _score_rows(figures: Figures) -> list[tuple[str, Scores]]:
    rows = [(name, figures.per_type[t]) for t, name in _ROWS]
    return rows + [("quotes (lenient)", figures.quotes_lenient), ("micro", figures.micro)]


def to_markdown(report: EvaluationReport) -> str:
    """The report as Markdown that fits a 100-column terminal.

    A P/R/F1 table per type with micro and macro rows, lenient quotes and speaker accuracy, field
    accuracy, then per article a line of figures and its misses and spurious records.
    """
    out = [
        f"# Evaluation: {report.articles} article(s), threshold {report.threshold:g}",
        "",
        "| type             |   TP |   FP |   FN | precision | recall |    F1 |",
        "|------------------|-----:|-----:|-----:|----------:|-------:|------:|",
    ]
    for name, s in _score_rows(report):
        out.append(
            f"| {name:<16} | {s.tp:>4} | {s.fp:>4} | {s.fn:>4} | {s.precision:>9.3f} "
            f"| {s.recall:>6.3f} | {s.f1:>5.3f} |"
        )
    m = report.macro
    out.append(
        f"| {'macro':<16} | {'':>4} | {'':>4} | {'':>4} | {m.precision:>9.3f} "
        f"| {m.recall:>6.3f} | {m.f1:>5.3f} |"
    )
    speaker = report.field_accuracy["quote.speaker"]
    out += [
        "",
        f"Quotes: strict F1 {report.per_type['quotes'].f1:.3f}, lenient F1 "
        f"{report.quotes_lenient.f1:.3f}; speaker accuracy {_num(report.speaker_accuracy)} "
        f"({speaker.correct}/{speaker.total} lenient matches).",
    ]
    if report.unscored:
        out.append(_clip(f"Unscored (no golden file): {', '.join(report.unscored)}"))
    if report.missing_from_run:
        out.append(_clip(f"Missing from the run (all FN): {', '.join(report.missing_from_run)}"))
    if report.not_in_run:
        out.append(_clip(f"Golden articles not in this run (not scored): {len(report.not_in_run)}"))
    if len(report.per_language) > 1 or len(report.per_group) > 1:
        out += ["", "## By language and golden folder", ""]
        out += ["| slice | articles | micro F1 | quotes strict F1 | TP | FP | FN |"]
        out += ["|---|---:|---:|---:|---:|---:|---:|"]
        slices = [
            *report.per_language.items(),
            *((g or ".", v) for g, v in report.per_group.items()),
        ]
        for name, sl in slices:
            out.append(
                f"| {name} | {sl.articles} | {sl.micro.f1:.3f} | {sl.per_type['quotes'].f1:.3f} "
                f"| {sl.micro.tp} | {sl.micro.fp} | {sl.micro.fn} |"
            )
    out += [
        "",
        "## Field accuracy (matched pairs)",
        "",
        "| field                 | correct | total | accuracy | both null |",
        "|-----------------------|--------:|------:|---------:|----------:|",
    ]
    for key, f in report.field_accuracy.items():
        out.append(
            f"| {key:<21} | {f.correct:>7} | {f.total:>5} | {_num(f.accuracy):>8} "
            f"| {f.both_null:>9} |"
        )
    out += ["", "## Per article"]
    for article_id, a in report.per_article.items():
        out += ["", f"### {article_id}" + ("" if a.in_run else " (not in run)"), "", _line(a)]
        out += _refs("miss", a.misses) + _refs("spurious", a.spurious)
        out += [
            _clip(
                f"- wrong {m.type[:-1]}.{m.field}: predicted {m.predicted!r}, golden {m.golden!r}"
            )
            for m in a.mismatches
        ]
    return "\n".join(out) + "\n"


def _line(a: ArticleScore) -> str:
    s = a.micro
    types = " ".join(f"{t[0].upper()}{a.per_type[t].f1:.2f}" for t in RECORD_TYPES)
    return _clip(
        f"P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f} · TP {s.tp} FP {s.fp} FN {s.fn} · "
        f"macro F1 {a.macro.f1:.2f} · {types} · lenient Q {a.quotes_lenient.f1:.2f}"
    )


def _refs(kind: str, refs: list[RecordRef]) -> list[str]:
    lines = []
    for r in refs:
        lines.append(_clip(f"- {kind} {r.type[:-1]}: {r.label}"))
        if r.note:
            lines.append(_clip(f"    ({r.note})"))
    return lines


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1em 2em;color:#222}
h1{margin-bottom:.2em}table{border-collapse:collapse;margin:.6em 0}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}
th{background:#f2f2f2}.summary{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}
.article{border-top:2px solid #ddd;margin-top:1.5em}.cols{display:flex;gap:1.5em}
.text{flex:3;white-space:pre-wrap;background:#fafafa;padding:1em;border:1px solid #eee}
aside{flex:2;font-size:.9em}aside li{margin-bottom:.4em}.note{color:#666}
mark{border-radius:2px;padding:0 1px}mark.spurious{outline:1px dashed #c22}
mark.multi{box-shadow:inset 0 -3px 0 rgba(0,0,0,.35)}
mark.missed{background:none;border-bottom:2px solid #c22}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em}
.legend mark{margin-right:.6em}.figures{color:#444}
"""


def _page_css() -> str:
    colours = "".join(f"mark.{k},.tag.{k}{{background:{v}}}" for k, v in COLOURS.items())
    return _CSS + colours + "\n"


def _chart(report: EvaluationReport) -> str:
    bars = [(name, s.f1) for name, s in _score_rows(report)]
    bars.append(("macro", report.macro.f1))
    width, height, top, base, step = 640, 240, 20, 200, 100
    parts = [
        f'<svg id="f1-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="F1 per type">',
        "<title>F1 per record type</title>",
        f'<line x1="30" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#888"/>',
        f'<line x1="30" y1="{top}" x2="{width - 10}" y2="{top}" stroke="#eee"/>',
        f'<text x="2" y="{top + 4}" font-size="11">1.0</text>',
        f'<text x="2" y="{base + 4}" font-size="11">0.0</text>',
    ]
    palette = ["#5b9bd5", "#70ad47", "#ffc000", "#c55a9e", "#f4b183", "#7f7f7f", "#404040"]
    for k, (name, f1) in enumerate(bars):
        x, h = 40 + k * (step - 12) + 8, round((base - top) * f1, 1)
        parts += [
            f'<rect class="bar" x="{x}" y="{base - h}" width="56" height="{h}" '
            f'fill="{palette[k % len(palette)]}"><title>{escape(name)}: {f1:.3f}</title></rect>',
            f'<text x="{x + 28}" y="{base - h - 4}" font-size="11" text-anchor="middle">'
            f"{f1:.2f}</text>",
            f'<text x="{x + 28}" y="{base + 16}" font-size="11" text-anchor="middle">'
            f"{escape(name.replace(' (', ' ').rstrip(')'))}</text>",
        ]
    return "".join(parts) + "</svg>"


def _summary_tables(report: EvaluationReport) -> str:
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{s.tp}</td><td>{s.fp}</td><td>{s.fn}</td>"
        f"<td>{s.precision:.3f}</td><td>{s.recall:.3f}</td><td>{s.f1:.3f}</td></tr>"
        for name, s in _score_rows(report)
    )
    m = report.macro
    rows += (
        f"<tr><td>macro</td><td></td><td></td><td></td><td>{m.precision:.3f}</td>"
        f"<td>{m.recall:.3f}</td><td>{m.f1:.3f}</td></tr>"
    )
    fields = "".join(
        f"<tr><td>{escape(k)}</td><td>{f.correct}</td><td>{f.total}</td>"
        f"<td>{_num(f.accuracy)}</td></tr>"
        for k, f in report.field_accuracy.items()
    )
    return (
        '<table class="scores"><tr><th>type</th><th>TP</th><th>FP</th><th>FN</th>'
        f"<th>precision</th><th>recall</th><th>F1</th></tr>{rows}</table>"
        f"<p>Speaker accuracy (lenient quote matches): {_num(report.speaker_accuracy)}</p>"
        '<table class="fields"><tr><th>field</th><th>correct</th><th>total</th>'
        f"<th>accuracy</th></tr>{fields}</table>"
    )


_RANK = ("quote", "commitment", "agreement", "meeting", "missed")


def _specific(span: tuple[int, int, str, str]) -> tuple[int, int]:
    """Shorter spans first; on a tie, quotes before commitments, agreements, meetings."""
    kind = span[2].split()[0]
    return span[1] - span[0], _RANK.index(kind) if kind in _RANK else len(_RANK)


def _highlight(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """Escaped ``text`` with ``<mark>`` segments; ``spans`` are (start, end, classes, title).

    Overlaps are split at every boundary; a segment takes the classes of the most specific span
    over it (see ``_specific``), plus ``multi`` when several cover it, and all their titles.
    """
    spans = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        cover = sorted((s for s in spans if s[0] <= a and b <= s[1]), key=_specific)
        piece = escape(text[a:b])
        if not cover:
            out.append(piece)
            continue
        classes = cover[0][2] + (" multi" if len(cover) > 1 else "")
        title = escape(" | ".join(s[3] for s in cover))
        out.append(f'<mark class="{classes}" title="{title}">{piece}</mark>')
    return "".join(out)


def _ref_list(title: str, refs: list[RecordRef]) -> str:
    items = "".join(
        f'<li><span class="tag {r.type[:-1]}">{r.type[:-1]}</span> {escape(r.label)}'
        + (f' <span class="note">({escape(r.note)})</span>' if r.note else "")
        + "</li>"
        for r in refs
    )
    return f"<h3>{escape(title)} ({len(refs)})</h3><ul>{items or '<li>none</li>'}</ul>"


def _mismatch_list(score: ArticleScore) -> str:
    items = "".join(
        f'<li><span class="tag {m.type[:-1]}">{m.type[:-1]}.{escape(m.field)}</span> '
        f"predicted <b>{escape(m.predicted)}</b>, golden <b>{escape(m.golden)}</b></li>"
        for m in score.mismatches
    )
    title = f"Wrong fields of matched records ({len(score.mismatches)})"
    return f"<h3>{title}</h3><ul>{items or '<li>none</li>'}</ul>"


def _article(
    article_id: str,
    score: ArticleScore,
    run: ExtractionResult | None,
    golden: GoldenDocument | None,
    text: str | None,
) -> str:
    spurious = {(r.type, r.index) for r in score.spurious}
    spans: list[tuple[int, int, str, str]] = []
    listed: list[str] = []
    for kind in RECORD_TYPES:
        records: list[Any] = list(getattr(run.extraction, kind)) if run else []
        for index, record in enumerate(records):
            bad = (kind, index) in spurious
            name = kind[:-1] + (" spurious" if bad else "")
            spans.append((record.span[0], record.span[1], name, f"{name}: {label(record)}"))
            listed.append(
                f'<li><span class="tag {kind[:-1]}">{escape(name)}</span> '
                f"{escape(label(record))}</li>"
            )
    for ref in score.misses:
        spans.append((ref.span[0], ref.span[1], "missed", f"missed {ref.type[:-1]}: {ref.label}"))
    if text is not None:
        body = f'<div class="text">{_highlight(text, spans)}</div>'
    else:
        body = (
            '<div class="text"><p class="no-text">Article text unavailable.</p>'
            f"<ul>{''.join(listed) or '<li>no predicted records</li>'}</ul></div>"
        )
    s = score.micro
    figures = (
        f"micro P {s.precision:.3f} · R {s.recall:.3f} · F1 {s.f1:.3f} "
        f"(TP {s.tp}, FP {s.fp}, FN {s.fn}) · macro F1 {score.macro.f1:.3f} · "
        f"lenient quotes F1 {score.quotes_lenient.f1:.3f}"
        + ("" if score.in_run else " · not in the run: every golden record missed")
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in (golden.notes if golden else []))
    return (
        f'<section class="article" id="article-{escape(article_id)}">'
        f'<h2>{escape(article_id)}</h2><p class="figures">{escape(figures)}</p>'
        f'<div class="cols">{body}<aside>{_ref_list("Missed", score.misses)}'
        f"{_ref_list('Spurious', score.spurious)}{_mismatch_list(score)}"
        + (
            _ref_list("Set aside (match an optional golden record)", score.set_aside)
            if score.set_aside
            else ""
        )
        + (f"<h3>Golden notes</h3><ul>{notes}</ul>" if notes else "")
        + "</aside></div></section>"
    )


def to_html(
    report: EvaluationReport,
    run_docs: Mapping[str, ExtractionResult],
    golden_docs: Mapping[str, GoldenDocument],
    texts: Mapping[str, str],
) -> str:
    """The report as one self-contained HTML page.

    Args:
        report: What ``evaluate`` returned.
        run_docs: The run's result documents by article id (their spans are highlighted).
        golden_docs: The golden documents by article id (their notes are shown).
        texts: Article texts by id; an article without one lists its records instead.

    Returns:
        The page: inline CSS, an inline SVG chart (``id="f1-chart"``), one
        ``<section class="article">`` per scored article.
    """
    legend = "".join(f'<mark class="{k}">{k}</mark>' for k in COLOURS) + (
        '<mark class="quote spurious">spurious (dashed)</mark>'
        '<mark class="missed">missed golden record</mark>'
        '<mark class="quote multi">overlapping records</mark>'
    )
    extra = ""
    if report.unscored:
        extra += f"<p>Unscored (no golden file): {escape(', '.join(report.unscored))}</p>"
    if report.missing_from_run:
        extra += f"<p>Missing from the run: {escape(', '.join(report.missing_from_run))}</p>"
    links = "".join(
        f'<li><a href="#article-{escape(a)}">{escape(a)}</a></li>' for a in report.per_article
    )
    sections = "".join(
        _article(a, s, run_docs.get(a), golden_docs.get(a), texts.get(a))
        for a, s in report.per_article.items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>extract evaluation</title><style>{_page_css()}</style></head><body>"
        f"<h1>Evaluation</h1><p>{report.articles} article(s) scored, threshold "
        f"{report.threshold:g}.</p>{extra}"
        f'<div class="summary"><div>{_summary_tables(report)}</div>{_chart(report)}</div>'
        f'<p class="legend">{legend}</p><ul class="toc">{links}</ul>{sections}'
        "</body></html>\n"
    )


def article_texts(
    article_ids: Iterable[str], run_docs: Mapping[str, ExtractionResult], golden_dir: Path
) -> dict[str, str]:
    """Article texts for the HTML page, by id; articles with no readable text are left out.

    Reads the result's ``source.path`` only when that file's sha256 is the one the result
    states (a document cannot make the report embed a file its author did not already know),
    then ``seeds/<article_id>.txt`` beside the golden directory, only for an id that is a plain
    file name (no ``/``, no ``..``), checked against the result's sha256 when there is one.
    Only regular files are read, at most the article size limit.
    """
    texts: dict[str, str] = {}
    for article_id in article_ids:
        doc = run_docs.get(article_id)
        candidates = [Path(doc.source.path)] if doc and doc.source.path else []
        if SAFE_ID.fullmatch(article_id):
            candidates.append(golden_dir.parent / "seeds" / f"{article_id}.txt")
        for path in candidates:
            try:
                text = load_article(path).text
            except ExtractError:
                continue
            if doc is None or _sha(text) == doc.source.sha256:
                texts[article_id] = text
                break
    return texts


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = ["article_texts", "to_html", "to_json", "to_markdown"]
