"""LangExtract (Google's peer tool) beside our default on the corpus test split.

    python bench/peers.py --base-url http://127.0.0.1:8080/v1 --model local
    python bench/peers.py ... --only en04_sports_transfer fr02_sommet_climat --out DIR
    python bench/peers.py ... --default-json F   # our default's scores from
                                                 # `python bench/quality.py --only test --json F`

LangExtract is an optional extra (``pip install -e '.[peers]'``). Its Gemini dependency
(google-genai) pins tenacity below 9.2, under what this project's venv holds, so install it in a
separate venv::

    python -m venv /work/peers-venv
    /work/peers-venv/bin/pip install -e '.[peers]'
    /work/peers-venv/bin/python bench/peers.py --base-url ... --model ...

What LangExtract gets: its OpenAI provider (``OpenAILanguageModel``) on ``--base-url`` with a
dummy key, temperature 0, the JSON schema LangExtract derives from the examples sent as
``response_format`` (``--no-schema`` to send none), a prompt description and two few-shot
examples written for this benchmark about invented events (``PROMPT``, ``examples()``), and the
article's publication date as additional context. Chunking, alignment and passes are
LangExtract's own (``--max-char-buffer``, ``--passes``; ``--max-workers`` 1 by default: a local
llama-server usually has one slot). Completions are capped at ``--max-tokens`` (2048, our
default's cap).

How its extractions become our documents (``to_result``): the class names the record type;
the span is LangExtract's ``char_interval``, trimmed of spaces (and, for quotes, quote marks);
``evidence`` (and a quote's ``text``) is ``article[start:end]`` of that span, so every record
holds the article's own characters. Attributes fill the fields: meeting participants / status /
date / location; agreement title / parties / signatories / status; quote speaker (language:
the article's); commitment actor / action / amount / deadline. An ISO date fills ``date``, any
other wording ``date_text``. An agreement without a title gets the first words of its evidence.
Rejected, counted and listed (``rejected`` in each document, ``peers/summary.json``), never
dropped: an extraction of another class, one LangExtract could not align (no span), a quote
whose text is not the article's characters at its span (a fuzzy or partial alignment), and one
whose attributes fail our models (no speaker, a status outside the allowed values...).

Calls: LangExtract does not report its requests or tokens, so the provider's OpenAI client is
wrapped (``Meter``) to count the completions asked for, their tokens and the answers that are
not LangExtract JSON (LangExtract skips such a chunk with a warning).

Our default's figures: its scores replayed from ``recordings/`` with the same settings as
``bench/quality.py`` (or read from ``--default-json``), its seconds, calls and tokens from the
committed live run (``bench/quality/test.live.json``), both over the same articles.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.metadata
import json
import os
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's extract, not another one installed editable

try:
    import langextract as lx
    from langextract import factory as lx_factory
    from langextract import prompt_validation as lx_validation
    from langextract.core import data as lx_data
except ImportError as _exc:  # pragma: no cover - depends on the venv
    raise SystemExit(
        "bench/peers.py needs langextract (optional extra `peers`); it downgrades tenacity, so "
        "use a separate venv: python -m venv /work/peers-venv && /work/peers-venv/bin/pip "
        "install -e '.[peers]', then run /work/peers-venv/bin/python bench/peers.py"
    ) from _exc

from pydantic import ValidationError  # noqa: E402

from extract._version import __version__  # noqa: E402
from extract.articles import Article, load_article  # noqa: E402
from extract.evaluation.evaluate import EvaluationReport, Scores, evaluate, load_golden  # noqa: E402
from extract.models import (  # noqa: E402
    RECORD_TYPES,
    Agreement,
    ArticleExtraction,
    Backend,
    Commitment,
    ExtractionResult,
    Meeting,
    Quote,
    RecordType,
    Rejected,
    Source,
    Timings,
    Usage,
)
from extract.run_manifest import ArticleStatus, RunInfo, RunManifest  # noqa: E402
from extract.text.grounding import fold  # noqa: E402
from extract.text.language import detect_language  # noqa: E402

ARTICLES = ROOT / "corpus" / "test"
GOLDEN = ROOT / "golden" / "corpus" / "test"
LIVE = ROOT / "bench" / "quality" / "test.live.json"
LX_VERSION = importlib.metadata.version("langextract")
PROMPT_VERSION = "peers-langextract-1"
CLASSES: dict[str, RecordType] = {
    "meeting": "meetings",
    "agreement": "agreements",
    "quote": "quotes",
    "commitment": "commitments",
}
_MARKS = "\"'«»“”„‘’‚‹›「」 \t\r\n\u00a0\u202f"

# ---------------------------------------------------------------------------------------------
# Prompt and examples: written for this benchmark, about invented people, companies and places.

PROMPT = """\
Extract the meetings, agreements, quotes and commitments a news article reports, in order of \
appearance. Copy the article's exact characters for every extraction: never paraphrase, \
shorten, translate or correct them.
- meeting: the sentence saying that two or more named people meet, met or will meet (talks, a \
visit with talks, a joint signing). Attributes: participants (the full names of the people who \
meet), status ("held" or "planned"), date (yyyy-mm-dd when the day is known, else the article's \
words, else null), location (else null).
- agreement: the sentence about a signed, planned or negotiated agreement, contract, treaty or \
deal between parties. Attributes: title (short, in English), parties (the countries, companies \
or organisations bound by it, in English), signatories (the people who signed it, else an empty \
list), status ("signed", "planned" or "negotiating").
- quote: the words between quotation marks that a named person said, without the marks. \
Attribute: speaker (that person's full name).
- commitment: the sentence in which a party promises or announces a concrete action it will \
take. Attributes: actor (the party that will act), action (what it will do, in English), amount \
(else null), deadline (else null).
Speeches, forecasts, wishes and past facts are not commitments. When the text holds none of \
these, return no extractions."""


def _x(cls: str, text: str, **attributes: Any) -> lx_data.Extraction:
    return lx_data.Extraction(extraction_class=cls, extraction_text=text, attributes=attributes)


EXAMPLE_EN = (
    "Velmora Foods and the port authority of Casterwick signed a ten-year supply contract on "
    "Tuesday. Chief executive Ilona Vessant and harbour master Oskar Reyl put their names to it "
    "at the Casterwick customs house. \u201cThis contract keeps two hundred people working on "
    "the quayside,\u201d Vessant said. Shares in Velmora rose 3% after the announcement. Reyl "
    "will meet Vessant again in Casterwick next month to review the first shipments. Velmora has "
    "pledged to invest \u20ac12 million in a cold-storage terminal by the end of 2027. The port "
    "is still negotiating a separate freight deal with the rail operator Kestrin Rail."
)
EXAMPLE_FR = (
    "La ministre des transports de Norvalie, Agathe Lormont, a re\u00e7u lundi \u00e0 Brelac "
    "son homologue ostranien Pavel Dursky pour parler du tunnel ferroviaire. \u00ab\u00a0Nous "
    "voulons un calendrier clair avant l'\u00e9t\u00e9\u00a0\u00bb, a d\u00e9clar\u00e9 Mme "
    "Lormont \u00e0 l'issue de l'entretien. Le chantier avait \u00e9t\u00e9 suspendu en 2019 "
    "apr\u00e8s un glissement de terrain. Les deux gouvernements pr\u00e9voient de signer un "
    "protocole sur le financement du tunnel en mars. Le gouvernement de Norvalie s'est "
    "engag\u00e9 \u00e0 consacrer 300 millions d'euros aux travaux d'ici 2030."
)


def examples() -> list[lx_data.ExampleData]:
    """Two invented articles (English, French), every class with its attributes."""
    en = [
        _x(
            "agreement",
            "Velmora Foods and the port authority of Casterwick signed a ten-year supply "
            "contract on Tuesday.",
            title="Ten-year supply contract",
            parties=["Velmora Foods", "Port Authority of Casterwick"],
            signatories=["Ilona Vessant", "Oskar Reyl"],
            status="signed",
        ),
        _x(
            "meeting",
            "Chief executive Ilona Vessant and harbour master Oskar Reyl put their names to it at "
            "the Casterwick customs house.",
            participants=["Ilona Vessant", "Oskar Reyl"],
            status="held",
            date="Tuesday",
            location="Casterwick customs house",
        ),
        _x(
            "quote",
            "This contract keeps two hundred people working on the quayside,",
            speaker="Ilona Vessant",
        ),
        _x(
            "meeting",
            "Reyl will meet Vessant again in Casterwick next month to review the first shipments.",
            participants=["Oskar Reyl", "Ilona Vessant"],
            status="planned",
            date="next month",
            location="Casterwick",
        ),
        _x(
            "commitment",
            "Velmora has pledged to invest \u20ac12 million in a cold-storage terminal by the end "
            "of 2027.",
            actor="Velmora Foods",
            action="invest in a cold-storage terminal",
            amount="\u20ac12 million",
            deadline="end of 2027",
        ),
        _x(
            "agreement",
            "The port is still negotiating a separate freight deal with the rail operator "
            "Kestrin Rail.",
            title="Freight deal",
            parties=["Port Authority of Casterwick", "Kestrin Rail"],
            signatories=[],
            status="negotiating",
        ),
    ]
    fr = [
        _x(
            "meeting",
            "La ministre des transports de Norvalie, Agathe Lormont, a re\u00e7u lundi \u00e0 "
            "Brelac son homologue ostranien Pavel Dursky pour parler du tunnel ferroviaire.",
            participants=["Agathe Lormont", "Pavel Dursky"],
            status="held",
            date="lundi",
            location="Brelac",
        ),
        _x(
            "quote",
            "Nous voulons un calendrier clair avant l'\u00e9t\u00e9",
            speaker="Agathe Lormont",
        ),
        _x(
            "agreement",
            "Les deux gouvernements pr\u00e9voient de signer un protocole sur le financement du "
            "tunnel en mars.",
            title="Tunnel financing protocol",
            parties=["Norvalia", "Ostrania"],
            signatories=[],
            status="planned",
        ),
        _x(
            "commitment",
            "Le gouvernement de Norvalie s'est engag\u00e9 \u00e0 consacrer 300 millions d'euros "
            "aux travaux d'ici 2030.",
            actor="Government of Norvalia",
            action="spend on the tunnel works",
            amount="\u20ac300 million",
            deadline="2030",
        ),
    ]
    return [
        lx_data.ExampleData(text=EXAMPLE_EN, extractions=en),
        lx_data.ExampleData(text=EXAMPLE_FR, extractions=fr),
    ]


# ---------------------------------------------------------------------------------------------
# Counting LangExtract's calls: it does not report them, so its OpenAI client is wrapped.


@dataclass
class Meter:
    """Completions asked for through the provider's OpenAI client, their tokens, their answers."""

    calls: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    unparsed: int = 0  # answers that are not a JSON object with an "extractions" list
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def snapshot(self) -> tuple[int, int, int, int, int]:
        with self.lock:
            return (
                self.calls,
                self.errors,
                self.prompt_tokens,
                self.completion_tokens,
                self.unparsed,
            )

    def wrap(self, model: Any) -> bool:
        """Count every ``chat.completions.create`` of ``model``'s client (False: no client)."""
        completions = getattr(getattr(model, "_client", None), "chat", None)
        completions = getattr(completions, "completions", None)
        create = getattr(completions, "create", None)
        if create is None:
            return False

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.calls += 1
            try:
                response = create(*args, **kwargs)
            except Exception:
                with self.lock:
                    self.errors += 1
                raise
            usage = getattr(response, "usage", None)
            content = response.choices[0].message.content if response.choices else None
            with self.lock:
                self.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
                self.completion_tokens += getattr(usage, "completion_tokens", 0) or 0
                self.unparsed += not _is_langextract_json(content)
            return response

        completions.create = counted
        return True


def _is_langextract_json(content: str | None) -> bool:
    try:
        parsed = json.loads(content or "")
    except ValueError:
        return False
    return isinstance(parsed, dict) and isinstance(parsed.get("extractions"), list)


def build_model(
    base_url: str, model_id: str, *, schema: bool, max_workers: int, max_tokens: int
) -> tuple[Any, Meter | None]:
    """LangExtract's OpenAI provider on ``base_url`` (schema from the examples) and its meter."""
    config = lx_factory.ModelConfig(
        model_id=model_id,
        provider="OpenAILanguageModel",
        provider_kwargs={
            "api_key": "dummy-key",  # a local llama-server needs none; the provider wants one
            "base_url": base_url,
            "temperature": 0.0,
            "max_workers": max_workers,
            "max_output_tokens": max_tokens,  # sent as max_tokens, like our default's cap
        },
    )
    model = lx_factory.create_model(
        config, examples=examples() if schema else None, use_schema_constraints=schema
    )
    meter = Meter()
    return model, meter if meter.wrap(model) else None


def run_langextract(
    article: Article, model: Any, *, max_char_buffer: int, passes: int, max_workers: int
) -> list[lx_data.Extraction]:
    context = f"The article was published on {article.published}." if article.published else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "use_schema_constraints ignored" etc.
        annotated = lx.extract(
            article.text,
            prompt_description=PROMPT,
            examples=examples(),
            model=model,
            use_schema_constraints=False,  # the model already carries the examples' schema
            max_char_buffer=max_char_buffer,
            extraction_passes=passes,
            max_workers=max_workers,
            batch_length=max(10, max_workers),
            additional_context=context,
            show_progress=False,
            prompt_validation_level=lx_validation.PromptValidationLevel.ERROR,
            prompt_validation_strict=True,  # the examples' texts must be verbatim
        )
    return list(annotated.extractions or [])


# ---------------------------------------------------------------------------------------------
# LangExtract extractions -> our documents.


def _text(attrs: dict[str, Any], name: str) -> str | None:
    value = attrs.get(name)
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if str(v).strip())
    value = str(value).strip() if value is not None else ""
    return None if value.lower() in ("", "null", "none", "n/a") else value


def _names(attrs: dict[str, Any], name: str) -> list[str]:
    value = attrs.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
    out = [str(v).strip() for v in items]
    return [v for v in out if v and v.lower() not in ("null", "none")]


def _status(attrs: dict[str, Any]) -> str | None:
    value = _text(attrs, "status")
    return value.lower() if value else None


def _date(value: str | None) -> tuple[dt.date | None, str | None]:
    """(ISO date, None) or (None, the words as given)."""
    if value is None:
        return None, None
    try:
        return dt.date.fromisoformat(value), None
    except ValueError:
        return None, value


def _trim(text: str, start: int, end: int, chars: str) -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _dump(x: lx_data.Extraction) -> dict[str, Any]:
    """An extraction as plain data, for the rejected list and the run summary."""
    ci = x.char_interval
    return {
        "class": x.extraction_class,
        "text": x.extraction_text,
        "char_interval": None if ci is None else [ci.start_pos, ci.end_pos],
        "alignment": None if x.alignment_status is None else x.alignment_status.value,
        "attributes": x.attributes or {},
    }


class Unmappable(Exception):
    """Why one extraction cannot become one of our records."""


def to_record(x: lx_data.Extraction, text: str, language: str) -> tuple[RecordType, Any]:
    """One extraction as one of our records; raises Unmappable with the reason."""
    kind = CLASSES.get(str(x.extraction_class).strip().lower())
    if kind is None:
        raise Unmappable(f"class {x.extraction_class!r} is none of {', '.join(CLASSES)}")
    ci = x.char_interval
    if ci is None or ci.start_pos is None or ci.end_pos is None:
        raise Unmappable("no span: LangExtract could not align the text with the article")
    start, end = _trim(text, ci.start_pos, ci.end_pos, _MARKS if kind == "quotes" else " \t\r\n")
    if start >= end:
        raise Unmappable("empty span")
    passage, span = text[start:end], (start, end)
    attrs = x.attributes or {}
    alignment = x.alignment_status.value if x.alignment_status else "none"
    try:
        if kind == "quotes":
            if fold(passage) != fold(x.extraction_text.strip(_MARKS)):
                raise Unmappable(
                    f"quote not verbatim (alignment {alignment}): the article has "
                    f"{passage!r} at {list(span)}"
                )
            return kind, Quote(
                evidence=passage,
                span=span,
                text=passage,
                speaker=_text(attrs, "speaker") or "",
                language=language,
            )
        if kind == "meetings":
            date, date_text = _date(_text(attrs, "date"))
            return kind, Meeting(
                evidence=passage,
                span=span,
                participants=_names(attrs, "participants"),
                status=_status(attrs),  # type: ignore[arg-type]
                date=date,
                date_text=date_text,
                location=_text(attrs, "location"),
            )
        if kind == "agreements":
            return kind, Agreement(
                evidence=passage,
                span=span,
                title=_text(attrs, "title") or " ".join(passage.split()[:10]),
                parties=_names(attrs, "parties"),
                signatories=_names(attrs, "signatories"),
                status=_status(attrs),  # type: ignore[arg-type]
            )
        return kind, Commitment(
            evidence=passage,
            span=span,
            actor=_text(attrs, "actor") or "",
            action=_text(attrs, "action") or "",
            amount=_text(attrs, "amount"),
            deadline=_text(attrs, "deadline"),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(map(str, first["loc"])) or "record"
        raise Unmappable(f"{where}: {first['msg']} (attributes {attrs})") from None


@dataclass
class Mapped:
    extraction: ArticleExtraction
    rejected: list[dict[str, Any]]  # {"type", "reason", "record"} for every extraction left out
    alignments: Counter[str]


def map_extractions(extractions: list[lx_data.Extraction], text: str, language: str) -> Mapped:
    records: dict[RecordType, list[Any]] = {t: [] for t in RECORD_TYPES}
    rejected: list[dict[str, Any]] = []
    alignments: Counter[str] = Counter()
    for x in extractions:
        alignments[x.alignment_status.value if x.alignment_status else "unaligned"] += 1
        try:
            kind, record = to_record(x, text, language)
        except Unmappable as exc:
            kind = CLASSES.get(str(x.extraction_class).strip().lower())
            rejected.append({"type": kind, "reason": str(exc), "record": _dump(x)})
            continue
        records[kind].append(record)
    return Mapped(ArticleExtraction(**records), rejected, alignments)


def to_result(
    article: Article,
    mapped: Mapped,
    *,
    model: str,
    base_url: str,
    schema: bool,
    usage: Usage,
    started: dt.datetime,
    seconds: float,
) -> ExtractionResult:
    return ExtractionResult(
        article_id=article.article_id,
        language=article.language,
        published=article.published,
        title=article.title,
        url=article.url,
        author=article.author,
        source=Source(
            path=str(article.path) if article.path else None,
            sha256=article.sha256,
            chars=len(article.text),
        ),
        model=model,
        backend=Backend(
            base_url=base_url,
            mode=f"langextract {LX_VERSION}" + (" json_schema" if schema else ""),
            strategy="langextract",
        ),
        extract_version=__version__,
        prompt_version=PROMPT_VERSION,
        usage=usage,
        attempts=usage.calls,
        timings=Timings(started=started, seconds=round(seconds, 3)),
        extraction=mapped.extraction,
        rejected=[
            Rejected(type=r["type"], reason=r["reason"], record=r["record"])
            for r in mapped.rejected
            if r["type"] is not None  # another class: listed in peers/summary.json only
        ],
    )


# ---------------------------------------------------------------------------------------------
# Scores.


@dataclass
class Figures:
    """Pooled counts per type over some articles, and the cost per article."""

    articles: int
    per_type: dict[str, Scores]
    micro: Scores
    seconds: float | None = None
    calls: float | None = None
    completion_tokens: float | None = None
    rejected: int | None = None
    scored: bool = True  # False: the scores are not available (``note`` says why)
    note: str = ""


def pool(per_article: dict[str, Any], ids: list[str]) -> tuple[dict[str, Scores], Scores]:
    """Per-type and micro scores over ``ids`` from per-article counts (report JSON or models)."""
    counts: dict[str, Counter[str]] = {t: Counter() for t in RECORD_TYPES}
    for article_id in ids:
        score = per_article[article_id]
        types = score["per_type"] if isinstance(score, dict) else score.per_type
        for t in RECORD_TYPES:
            s = types[t]
            for key in ("tp", "fp", "fn"):
                counts[t][key] += s[key] if isinstance(s, dict) else getattr(s, key)
    per_type = {t: Scores.of(c["tp"], c["fp"], c["fn"]) for t, c in counts.items()}
    total = sum(counts.values(), Counter())
    return per_type, Scores.of(total["tp"], total["fp"], total["fn"])


def default_figures(paths: list[Path], ids: list[str], default_json: Path | None) -> Figures:
    """Our default over the same articles: scores replayed (or from bench/quality.py's JSON),
    cost from the committed live run."""
    per_article: dict[str, Any] | None = None
    note = ""
    if default_json is not None:
        report = json.loads(default_json.read_text(encoding="utf-8"))["test"]["report"]
        missing = [a for a in ids if a not in report["per_article"]]
        if missing:
            note = f"{default_json} has no scores for {', '.join(missing)}"
        else:
            per_article = report["per_article"]
    else:
        per_article, note = _replay_default(paths)
    if per_article is None:
        empty = {t: Scores() for t in RECORD_TYPES}
        figures = Figures(len(ids), empty, Scores(), scored=False, note=note)
    else:
        per_type, micro = pool(per_article, ids)
        figures = Figures(len(ids), per_type, micro)
    if LIVE.is_file():
        live = json.loads(LIVE.read_text(encoding="utf-8"))
        done = [
            live["articles"][a] for a in ids if live["articles"].get(a, {}).get("status") == "ok"
        ]
        if done:
            n = len(done)
            figures.seconds = sum(a["seconds"] for a in done) / n
            figures.calls = sum(a["usage"]["calls"] for a in done) / n
            figures.completion_tokens = sum(a["usage"]["completion_tokens"] for a in done) / n
            figures.rejected = sum(a.get("rejected", 0) for a in done)
            started = live["run"]["started"][:10]
            figures.note += ("; " if figures.note else "") + (
                f"cost: live run of {started} on {live['run']['model']}, {n} of {len(ids)} articles"
            )
    return figures


def _replay_default(paths: list[Path]) -> tuple[dict[str, Any] | None, str]:
    """Per-article scores of the default replayed from recordings/ (bench/quality.py's
    settings), or None and why when the recordings do not cover every article."""
    from extract.pipeline import run_batch
    from extract.settings import Settings

    settings = Settings.from_env(
        strategy="staged",
        mode="gbnf",
        cassette="replay",
        recordings=ROOT / "recordings",
        base_url="http://127.0.0.1:8080/v1",
    )
    with tempfile.TemporaryDirectory() as tmp:
        manifest = asyncio.run(run_batch(paths, Path(tmp), settings, force=True))
        failed = {k: a.error for k, a in manifest.articles.items() if a.status != "ok"}
        if failed:
            first = next(iter(failed.values())) or ""
            return None, (
                f"scores not available: {len(failed)} of {len(paths)} articles do not replay "
                f"from recordings/ ({first[:90]}...); pass --default-json"
            )
        report = evaluate(Path(tmp), load_golden(GOLDEN))
    return dict(report.per_article), ""


def _cell(s: Scores) -> str:
    return f"{s.f1:.2f} ({s.tp}/{s.fp}/{s.fn})"


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return "—" if value is None else fmt.format(value)


def table(ours: Figures, theirs: Figures) -> list[str]:
    """The side-by-side table (markdown)."""
    head = f"LangExtract {LX_VERSION}"
    rows = [
        f"| corpus test, {theirs.articles} articles | {head} | our default (staged + gbnf) |",
        "|---|---|---|",
    ]
    labels = {"quotes": "quotes F1 (strict)"}
    for t in RECORD_TYPES:
        mine = _cell(ours.per_type[t]) if ours.scored else "—"
        rows.append(
            f"| {labels.get(t, t + ' F1')} (TP/FP/FN) | {_cell(theirs.per_type[t])} | {mine} |"
        )
    mine = _cell(ours.micro) if ours.scored else "—"
    rows.append(f"| **micro F1** | **{_cell(theirs.micro)}** | **{mine}** |")
    rows.append(f"| seconds/article | {_num(theirs.seconds)} | {_num(ours.seconds)} |")
    rows.append(f"| calls/article | {_num(theirs.calls)} | {_num(ours.calls)} |")
    rows.append(
        f"| completion tokens/article | {_num(theirs.completion_tokens, '{:.0f}')} "
        f"| {_num(ours.completion_tokens, '{:.0f}')} |"
    )
    rows.append(
        f"| records rejected (total) | {_num(theirs.rejected, '{:.0f}')} "
        f"| {_num(ours.rejected, '{:.0f}')} |"
    )
    return rows


# ---------------------------------------------------------------------------------------------


def articles(only: list[str] | None) -> list[Article]:
    found = [load_article(p) for p in sorted(ARTICLES.glob("*.txt"))]
    if not only:
        return found
    by_id = {a.article_id: a for a in found}
    unknown = [a for a in only if a not in by_id]
    if unknown:
        raise SystemExit(f"not in {ARTICLES}: {', '.join(unknown)} (ids: {', '.join(by_id)})")
    return [by_id[a] for a in dict.fromkeys(only)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8080/v1")
    parser.add_argument("--model", default="local", help="model name sent to the server")
    parser.add_argument("--only", nargs="+", metavar="ID", help="these corpus/test article ids")
    parser.add_argument("--out", type=Path, default=Path("out/langextract"), help="documents")
    parser.add_argument("--max-char-buffer", type=int, default=1000, help="LangExtract chunk")
    parser.add_argument("--passes", type=int, default=1, help="LangExtract extraction passes")
    parser.add_argument("--max-workers", type=int, default=1, help="parallel calls per article")
    parser.add_argument("--max-tokens", type=int, default=2048, help="completion cap per call")
    parser.add_argument("--no-schema", action="store_true", help="send no response_format schema")
    parser.add_argument("--default-json", type=Path, help="bench/quality.py --json output")
    args = parser.parse_args(argv)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        os.environ.pop(var, None)  # the server is local

    chosen = articles(args.only)
    ids = [a.article_id for a in chosen]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "peers").mkdir(exist_ok=True)
    model, meter = build_model(
        args.base_url,
        args.model,
        schema=not args.no_schema,
        max_workers=args.max_workers,
        max_tokens=args.max_tokens,
    )
    started_run = dt.datetime.now(dt.UTC)
    manifest = RunManifest(
        run=RunInfo(
            extract_version=__version__,
            started=started_run,
            model=args.model,
            base_url=args.base_url,
            mode=f"langextract {LX_VERSION}" + ("" if args.no_schema else " json_schema"),
            strategy="langextract",
            replay=False,
        )
    )
    summary: dict[str, Any] = {
        "langextract": LX_VERSION,
        "settings": {k: str(v) for k, v in vars(args).items()},
        "calls_counted": meter is not None,
        "articles": {},
    }
    for article in chosen:
        before = meter.snapshot() if meter else (0, 0, 0, 0, 0)
        started = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        error = None
        try:
            extractions = run_langextract(
                article,
                model,
                max_char_buffer=args.max_char_buffer,
                passes=args.passes,
                max_workers=args.max_workers,
            )
        except Exception as exc:  # one article's failure is reported, the run goes on
            extractions, error = [], f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - clock
        after = meter.snapshot() if meter else before
        calls, errors, prompt, completion, unparsed = (
            a - b for a, b in zip(after, before, strict=True)
        )
        usage = Usage(
            prompt_tokens=prompt,
            completion_tokens=completion,
            total_tokens=prompt + completion,
            requests=calls,
            calls=calls - errors,
        )
        language = article.language or detect_language(article.text)
        mapped = map_extractions(extractions, article.text, language)
        status = ArticleStatus(
            status="failed" if error else "ok",
            path=str(article.path),
            sha256=article.sha256,
            error=error,
            usage=usage,
            seconds=round(seconds, 3),
            rejected=len(mapped.rejected),
            records=sum(len(getattr(mapped.extraction, t)) for t in RECORD_TYPES),
        )
        if error is None:
            result = to_result(
                article,
                mapped,
                model=args.model,
                base_url=args.base_url,
                schema=not args.no_schema,
                usage=usage,
                started=started,
                seconds=seconds,
            )
            name = f"{article.article_id}.json"
            (out / name).write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
            status.output = name
        else:
            (out / f"{article.article_id}.json").unlink(missing_ok=True)
        manifest.articles[article.article_id] = status
        summary["articles"][article.article_id] = {
            "status": status.status,
            "error": error,
            "seconds": round(seconds, 3),
            "calls": calls if meter else None,
            "failed_calls": errors if meter else None,
            "unparsed_answers": unparsed if meter else None,
            "alignments": dict(mapped.alignments),
            "records": status.records,
            "rejected": mapped.rejected,
            "extractions": [_dump(x) for x in extractions],
        }
        print(
            f"{article.article_id}: {status.status} {seconds:.1f} s, "
            f"{calls if meter else '?'} calls, {status.records} records, "
            f"{len(mapped.rejected)} rejected" + (f" ({error})" if error else ""),
            file=sys.stderr,
        )
    manifest.run.finished = dt.datetime.now(dt.UTC)
    (out / "manifest.json").write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")

    report: EvaluationReport = evaluate(out, GOLDEN)
    per_type, micro = pool(report.per_article, ids)
    done = [manifest.articles[a] for a in ids]
    n = len(done) or 1
    theirs = Figures(
        len(ids),
        per_type,
        micro,
        seconds=sum(a.seconds for a in done) / n,
        calls=sum(a.usage.calls for a in done) / n if meter else None,
        completion_tokens=sum(a.usage.completion_tokens for a in done) / n if meter else None,
        rejected=sum(a.rejected for a in done),
    )
    ours = default_figures([a.path for a in chosen if a.path], ids, args.default_json)
    lines = table(ours, theirs)
    failed = [a for a in ids if manifest.articles[a].status != "ok"]
    lines.append("")
    lines.append(
        f"LangExtract: {len(ids) - len(failed)} of {len(ids)} articles done"
        + (f" (failed, scored as all misses: {', '.join(failed)})" if failed else "")
        + (
            f"; {sum(s['unparsed_answers'] for s in summary['articles'].values())} answers "
            "not LangExtract JSON"
            if meter
            else "; calls not counted (no OpenAI client found on the provider)"
        )
        + f"; documents, manifest.json and peers/summary.json in {out}/"
    )
    lines.append(f"Our default: {ours.note or 'scores replayed from recordings/'}")
    print("\n".join(lines))
    summary["figures"] = {
        "langextract": _figures_json(theirs),
        "default": _figures_json(ours),
    }
    (out / "peers" / "summary.json").write_text(
        json.dumps(summary, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return 0


def _figures_json(f: Figures) -> dict[str, Any]:
    return {
        "articles": f.articles,
        "per_type": {t: s.model_dump() for t, s in f.per_type.items()} if f.scored else None,
        "micro": f.micro.model_dump() if f.scored else None,
        "seconds_per_article": f.seconds,
        "calls_per_article": f.calls,
        "completion_tokens_per_article": f.completion_tokens,
        "rejected": f.rejected,
        "scored": f.scored,
        "note": f.note,
    }


if __name__ == "__main__":
    sys.exit(main())
