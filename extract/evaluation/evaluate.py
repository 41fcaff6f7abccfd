"""Score a run against golden files: align records one-to-one, count, average.

Per article and record type, every (predicted, golden) pair gets a similarity in [0, 1] from the
identifying fields (``meeting_similarity``, ``agreement_similarity``, ``commitment_similarity``:
names compared with ``same_person``, words after ``fold``). Pairs under the threshold count as 0;
the Hungarian assignment (``linear_sum_assignment`` on ``1 - similarity``) then picks the
pairing of largest total similarity, and chosen pairs under the threshold are dropped. Matched
pairs are true positives, unmatched predictions false positives, unmatched golden records false
negatives; field accuracy is counted over matched pairs.

Quotes are attributions and follow fixed rules, not the threshold. Strict (the ``quotes``
figures): equal folded texts and the same speaker. Lenient (``quotes_lenient``): one folded text
contains the other, or at least half of the longer text's words are in the other; any speaker
(it only breaks ties). ``speaker_accuracy``: share of lenient matches whose speaker is right
(null when there is none).

Empty sides: precision = tp / (tp + fp), or, when nothing was predicted, 1.0 if nothing was
expected and 0.0 otherwise; recall = tp / (tp + fn), or, when nothing was expected, 1.0 if
nothing was predicted and 0.0 otherwise; F1 is their harmonic mean (0.0 when both are 0). A type
empty on both sides thus scores 1.0 / 1.0 / 1.0 with counts 0 / 0 / 0. Micro figures pool the
counts of the four types; macro figures are the mean over the four types.

Articles: a run document without a golden file is listed in ``unscored``; a golden article absent
from the run is scored, every golden record a false negative (``in_run: false``). A duplicate
prediction can match only once: the copy is a false positive.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, Field, ValidationError
from scipy.optimize import linear_sum_assignment

from extract.errors import ConfigError, InputError, SchemaError
from extract.models import (
    RECORD_TYPES,
    Agreement,
    ArticleExtraction,
    Commitment,
    ExtractionResult,
    GoldenDocument,
    Meeting,
    Quote,
    RecordType,
)
from extract.schemas import check_document
from extract.text.grounding import fold
from extract.text.people import same_person

Record = Meeting | Agreement | Quote | Commitment
R = TypeVar("R", bound=BaseModel)

LENIENT_OVERLAP = 0.5
_ANY = 1e-9  # threshold for quote matrices, whose ineligible pairs are already 0
_WORD = re.compile(r"\w+")
_STOP = frozenset("a an and as at by for from in into of on or the to with".split())
_COUNTS = ("tp", "fp", "fn")


class Scores(BaseModel):
    """Counts and the precision, recall and F1 they give (see the module docstring)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 1.0
    recall: float = 1.0
    f1: float = 1.0

    @classmethod
    def of(cls, tp: int, fp: int, fn: int) -> Scores:
        """Scores from counts, with the empty-side conventions of this module."""
        precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
        recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=f1)


class Macro(BaseModel):
    """Unweighted means over the four record types."""

    precision: float
    recall: float
    f1: float


class FieldScore(BaseModel):
    """Agreement of one field over matched pairs where at least one side has a value
    (``total``); pairs where both sides are empty are counted apart (``both_null``), so a field
    nobody fills cannot look accurate. ``accuracy`` is null when ``total`` is 0."""

    correct: int
    total: int
    accuracy: float | None
    both_null: int = 0


class FieldMismatch(BaseModel):
    """One wrong field of a matched pair: what the run said and what the golden file says."""

    type: RecordType
    field: str
    predicted: str
    golden: str
    golden_index: int
    predicted_index: int


class RecordRef(BaseModel):
    """A record left unmatched: its type, index in its list, a short label and its span."""

    type: RecordType
    index: int
    label: str
    span: tuple[int, int]
    note: str | None = None


class Figures(BaseModel):
    """The figures shared by the whole report and each article."""

    per_type: dict[RecordType, Scores]
    quotes_lenient: Scores
    speaker_accuracy: float | None
    micro: Scores
    macro: Macro
    field_accuracy: dict[str, FieldScore]


class ArticleScore(Figures):
    """One article's figures plus what a person needs to see why: misses, spurious records,
    wrong fields of matched pairs, and predictions set aside because they match a golden record
    marked optional."""

    in_run: bool
    language: str | None = None
    group: str = ""
    misses: list[RecordRef]
    spurious: list[RecordRef]
    set_aside: list[RecordRef] = Field(default_factory=list)
    mismatches: list[FieldMismatch] = Field(default_factory=list)


class Slice(BaseModel):
    """Figures pooled over a subset of articles (one language, one golden folder)."""

    articles: int
    per_type: dict[RecordType, Scores]
    quotes_lenient: Scores
    speaker_accuracy: float | None
    micro: Scores
    macro: Macro


class EvaluationReport(Figures):
    """Figures pooled over every scored article, and each article's own."""

    threshold: float
    articles: int
    per_article: dict[str, ArticleScore]
    per_language: dict[str, Slice] = Field(default_factory=dict)
    per_group: dict[str, Slice] = Field(
        default_factory=dict, description="By golden sub-folder (e.g. corpus/dev, corpus/test)."
    )
    unscored: list[str]
    missing_from_run: list[str]
    not_in_run: list[str] = Field(
        default_factory=list,
        description="Golden articles outside the run's manifest and documents: not scored.",
    )


def _words(text: str | None, *, stop: bool = True) -> set[str]:
    words = set(_WORD.findall(fold(text or "")))
    return words - _STOP if stop else words


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _optional(a: object, b: object) -> float:
    """1 when equal (both null included), 0.5 when one side only is null, else 0."""
    if a is None or b is None:
        return 1.0 if a is b else 0.5
    if isinstance(a, str) and isinstance(b, str):
        return 1.0 if fold(a) == fold(b) else 0.0
    return 1.0 if a == b else 0.0


def align(similarity: Sequence[Sequence[float]], threshold: float) -> list[tuple[int, int]]:
    """One-to-one pairs (row, column) of largest total similarity, each at least ``threshold``.

    Args:
        similarity: A rows x columns matrix of values in [0, 1] (predicted x golden).
        threshold: Pairs below it can neither be chosen nor count towards the total.

    Returns:
        The chosen pairs, sorted by row.
    """
    if not similarity or not similarity[0]:
        return []
    sim = np.asarray(similarity, dtype=float)
    sim = np.where(sim >= threshold, sim, 0.0)
    rows, cols = linear_sum_assignment(1.0 - sim)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if sim[r, c] > 0.0]


def name_overlap(a: Sequence[str], b: Sequence[str]) -> float:
    """Names paired one-to-one with ``same_person``, over the union's size (1.0 if both empty)."""
    if not a and not b:
        return 1.0
    matched = len(align([[1.0 if same_person(x, y) else 0.0 for y in b] for x in a], 1.0))
    return matched / (len(a) + len(b) - matched)


def evidence_overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """1.0 when the spans share at least half of the shorter one, 0.5 when they touch, else 0."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    if shared <= 0:
        return 0.0
    shorter = max(1, min(a[1] - a[0], b[1] - b[0]))
    return 1.0 if shared / shorter >= 0.5 else 0.5


def meeting_similarity(p: Meeting, g: Meeting) -> float:
    """Principals, status and evidence, weighted 0.45 / 0.2 / 0.35: the same people held or
    planned, reported by the same passage (the date is a field, scored on matched pairs)."""
    status = 1.0 if p.status == g.status else 0.0
    return (
        0.45 * name_overlap(p.participants, g.participants)
        + 0.2 * status
        + 0.35 * evidence_overlap(p.span, g.span)
    )


def _overlap_coefficient(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def agreement_similarity(p: Agreement, g: Agreement) -> float:
    """Parties, status, words and evidence, weighted 0.35 / 0.15 / 0.25 / 0.25.

    Words: the overlap coefficient of the title, subject and evidence words of both sides, so a
    title left in the article's language still meets the golden English title through the
    evidence. The same parties with the same status reach the threshold alone; where an article
    holds several agreements between them, words and evidence decide the assignment.
    """
    words = _overlap_coefficient(
        _words(f"{p.title} {p.subject or ''} {p.evidence}"),
        _words(f"{g.title} {g.subject or ''} {g.evidence}"),
    )
    status = 1.0 if p.status == g.status else 0.0
    return (
        0.35 * name_overlap(p.parties, g.parties)
        + 0.15 * status
        + 0.25 * words
        + 0.25 * evidence_overlap(p.span, g.span)
    )


def commitment_similarity(p: Commitment, g: Commitment) -> float:
    """Actor, action words, evidence and amount, weighted 0.2 / 0.35 / 0.35 / 0.1: two readers
    who agree on the promise point at the same passage even when their wording differs."""
    actor = 1.0 if same_person(p.actor, g.actor) else 0.0
    action = _jaccard(_words(p.action), _words(g.action))
    return (
        0.2 * actor
        + 0.35 * action
        + 0.35 * evidence_overlap(p.span, g.span)
        + 0.1 * _optional(p.amount, g.amount)
    )


def quote_text(text: str) -> str:
    """A quote's comparison form: folded typography, surrounding quote marks and spaces removed."""
    return fold(text).strip("\"' ")


def quote_text_similarity(a: str, b: str) -> float:
    """1.0 for equal folded texts; else the share of the longer text's words found in the other,
    raised to at least 0.5 when one folded text contains the other."""
    fa, fb = quote_text(a), quote_text(b)
    if fa == fb:
        return 1.0
    wa, wb = _words(fa, stop=False), _words(fb, stop=False)
    overlap = len(wa & wb) / max(len(wa), len(wb)) if wa and wb else 0.0
    contained = bool(fa and fb) and (fa in fb or fb in fa)
    return max(overlap, LENIENT_OVERLAP) if contained else overlap


def quote_strict(p: Quote, g: Quote) -> bool:
    """Same folded text and same speaker."""
    return quote_text(p.text) == quote_text(g.text) and same_person(p.speaker, g.speaker)


def quote_lenient_similarity(p: Quote, g: Quote) -> float:
    """0.8 text + 0.2 speaker when the texts overlap enough for a lenient match, else 0."""
    text = quote_text_similarity(p.text, g.text)
    if text < LENIENT_OVERLAP:
        return 0.0
    return 0.8 * text + 0.2 * (1.0 if same_person(p.speaker, g.speaker) else 0.0)


SIMILARITY: dict[RecordType, Callable[[Any, Any], float]] = {
    "meetings": meeting_similarity,
    "agreements": agreement_similarity,
    "quotes": lambda p, g: 1.0 if quote_strict(p, g) else 0.0,
    "commitments": commitment_similarity,
}


def _same_names(a: Sequence[str], b: Sequence[str]) -> bool:
    return len(a) == len(b) and name_overlap(a, b) == 1.0


def _same_place(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    fa, fb = fold(a), fold(b)
    return fa in fb or fb in fa


def _same(a: object, b: object) -> bool:
    return _optional(a, b) == 1.0


# Fields compared over matched pairs (quotes: over lenient pairs), reported as "<type>.<field>".
FIELDS: dict[RecordType, tuple[tuple[str, Callable[[Any, Any], bool]], ...]] = {
    "meetings": (
        ("participants", _same_names),
        ("date", _same),
        ("location", _same_place),
        ("status", _same),
    ),
    "agreements": (
        ("parties", _same_names),
        ("signatories", _same_names),
        ("signed_date", _same),
        ("location", _same_place),
        ("status", _same),
    ),
    "quotes": (
        ("speaker", same_person),
        ("text", lambda a, b: quote_text(a) == quote_text(b)),
        ("language", _same),
    ),
    "commitments": (("actor", same_person), ("amount", _same), ("deadline", _same)),
}
FIELD_KEYS = tuple(f"{kind[:-1]}.{name}" for kind in RECORD_TYPES for name, _ in FIELDS[kind])


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def label(record: Record) -> str:
    """A one-line human label of a record."""
    if isinstance(record, Meeting):
        bits = [", ".join(record.participants), str(record.date or "no date"), record.status]
    elif isinstance(record, Agreement):
        parties = ", ".join(record.parties)
        bits = [f"{record.title} ({parties})", str(record.signed_date or "no date"), record.status]
    elif isinstance(record, Quote):
        bits = [f"{record.speaker}: «{record.text}»"]
    else:
        bits = [f"{record.actor}: {record.action}"] + ([record.amount] if record.amount else [])
    return _short(" · ".join(bits))


def _figures(tally: Counter[str]) -> dict[str, Any]:
    per_type = {t: Scores.of(*(tally[f"{t}.{c}"] for c in _COUNTS)) for t in RECORD_TYPES}
    pooled = (sum(s.tp for s in per_type.values()), sum(s.fp for s in per_type.values()))
    right, heard = tally["speaker.right"], tally["speaker.total"]
    return {
        "per_type": per_type,
        "quotes_lenient": Scores.of(*(tally[f"quotes_lenient.{c}"] for c in _COUNTS)),
        "speaker_accuracy": right / heard if heard else None,
        "micro": Scores.of(*pooled, sum(s.fn for s in per_type.values())),
        "macro": Macro(
            **{m: sum(getattr(s, m) for s in per_type.values()) / 4 for m in Macro.model_fields}
        ),
        "field_accuracy": {
            k: _field(tally[f"{k}.ok"], tally[f"{k}.n"], tally[f"{k}.null"]) for k in FIELD_KEYS
        },
    }


def _field(correct: int, total: int, both_null: int = 0) -> FieldScore:
    accuracy = correct / total if total else None
    return FieldScore(correct=correct, total=total, accuracy=accuracy, both_null=both_null)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _show(value: object) -> str:
    if _empty(value):
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return str(value)


def _compare(
    tally: Counter[str], kind: RecordType, pair: tuple[int, int], p: Record, g: Record
) -> list[FieldMismatch]:
    wrong = []
    for name, same in FIELDS[kind]:
        key = f"{kind[:-1]}.{name}"
        a, b = getattr(p, name), getattr(g, name)
        if _empty(a) and _empty(b):
            tally[f"{key}.null"] += 1
            continue
        tally[f"{key}.n"] += 1
        if same(a, b):
            tally[f"{key}.ok"] += 1
        else:
            wrong.append(
                FieldMismatch(
                    type=kind,
                    field=name,
                    predicted=_show(a),
                    golden=_show(b),
                    predicted_index=pair[0],
                    golden_index=pair[1],
                )
            )
    return wrong


def _count(
    tally: Counter[str],
    key: str,
    pairs: Sequence[tuple[int, int]],
    predicted: int,
    optional: set[int],
    expected: int,
) -> None:
    """TP: pairs with a required golden record; pairs with an optional one are set aside (neither
    TP nor FP); FN: required golden records left unmatched."""
    tp = sum(j not in optional for _, j in pairs)
    tally.update({f"{key}.tp": tp, f"{key}.fp": predicted - len(pairs)})
    tally[f"{key}.fn"] += expected - len(optional) - tp


def _score_article(
    pred: ArticleExtraction | None, gold: ArticleExtraction, threshold: float
) -> tuple[ArticleScore, Counter[str]]:
    """One article's figures and counts; ``pred`` None: the article is missing from the run."""
    tally: Counter[str] = Counter()
    refs: dict[str, list[RecordRef]] = {"p": [], "g": [], "aside": []}
    mismatches: list[FieldMismatch] = []
    predicted = pred or ArticleExtraction()
    for kind in RECORD_TYPES:
        p_list: list[Any] = list(getattr(predicted, kind))
        g_list: list[Any] = list(getattr(gold, kind))
        optional = {j for j, g in enumerate(g_list) if getattr(g, "optional", False)}
        similarity = SIMILARITY[kind]
        matrix = [[similarity(p, g) for g in g_list] for p in p_list]
        pairs = align(matrix, _ANY if kind == "quotes" else threshold)
        notes: dict[tuple[str, int], str] = {}
        if kind == "quotes":
            loose = [[quote_lenient_similarity(p, g) for g in g_list] for p in p_list]
            lenient = align(loose, _ANY)
            _count(tally, "quotes_lenient", lenient, len(p_list), optional, len(g_list))
            for i, j in lenient:
                if j in optional:
                    continue
                right = same_person(p_list[i].speaker, g_list[j].speaker)
                tally.update({"speaker.right": right, "speaker.total": 1})
                mismatches += _compare(tally, kind, (i, j), p_list[i], g_list[j])
                if (i, j) not in pairs:
                    why = "text differs" if right else "speaker differs"
                    notes["p", i] = f"{why}; lenient match of golden #{j}: {label(g_list[j])}"
                    notes["g", j] = f"{why}; lenient match of predicted #{i}: {label(p_list[i])}"
        else:
            for i, j in pairs:
                if j not in optional:
                    mismatches += _compare(tally, kind, (i, j), p_list[i], g_list[j])
        _count(tally, kind, pairs, len(p_list), optional, len(g_list))
        matched_p = {i for i, _ in pairs}
        matched_g = {j for _, j in pairs}

        refs["g"] += [
            _ref(kind, k, r, notes.get(("g", k)))
            for k, r in enumerate(g_list)
            if k not in matched_g and k not in optional
        ]
        refs["p"] += [
            _ref(kind, k, r, notes.get(("p", k)))
            for k, r in enumerate(p_list)
            if k not in matched_p
        ]
        refs["aside"] += [
            _ref(kind, i, p_list[i], notes.get(("p", i))) for i, j in pairs if j in optional
        ]
    figures = _figures(tally)
    score = ArticleScore(
        in_run=pred is not None,
        misses=refs["g"],
        spurious=refs["p"],
        set_aside=refs["aside"],
        mismatches=mismatches,
        **figures,
    )
    return score, tally


def _ref(kind: RecordType, k: int, r: Any, note: str | None) -> RecordRef:
    return RecordRef(type=kind, index=k, label=label(r), span=r.span, note=note)


def _slice(tally: Counter[str], articles: int) -> Slice:
    figures = _figures(tally)
    return Slice(
        articles=articles,
        **{k: v for k, v in figures.items() if k in Slice.model_fields and k != "articles"},
    )


def evaluate(
    run: str | Path | Mapping[str, ExtractionResult] | Mapping[str, ArticleExtraction],
    golden: str | Path | Mapping[str, GoldenDocument],
    *,
    threshold: float = 0.5,
) -> EvaluationReport:
    """Score a run against golden files.

    Args:
        run: A run directory of ``<article_id>.json`` result documents, or those results (or
            bare extractions, e.g. a second labeller's records) by id.
        golden: A directory of golden ``<article_id>.json`` files, or those documents by id.
        threshold: Least similarity for a meeting, agreement or commitment pair to match; in
            (0, 1].

    Returns:
        The report: pooled figures, per-article figures, misses and spurious records.

    Raises:
        ConfigError: The threshold is out of range.
        InputError: A directory is missing, a file is not JSON, or there are no golden files.
        SchemaError: A document does not validate.
    """
    if not 0.0 < threshold <= 1.0:
        raise ConfigError(f"threshold must be in (0, 1], not {threshold}")
    results: dict[str, ExtractionResult | ArticleExtraction] = (
        dict(load_run(Path(run))) if isinstance(run, str | Path) else dict(run)
    )
    groups: dict[str, str] = {}
    if isinstance(golden, str | Path):
        goldens, groups = _load_golden_with_groups(Path(golden))
    else:
        goldens = dict(golden)
    scope = set(goldens)
    if isinstance(run, str | Path):
        listed = _manifest_articles(Path(run))
        if listed is not None:
            scope &= listed | set(results)
    total: Counter[str] = Counter()
    by_language: dict[str, Counter[str]] = {}
    by_group: dict[str, Counter[str]] = {}
    per_article: dict[str, ArticleScore] = {}
    for article_id in sorted(scope):
        result = results.get(article_id)
        pred = result.extraction if isinstance(result, ExtractionResult) else result
        score, tally = _score_article(pred, goldens[article_id], threshold)
        score.language = goldens[article_id].language
        score.group = groups.get(article_id, "")
        per_article[article_id] = score
        total.update(tally)
        by_language.setdefault(score.language, Counter()).update(tally)
        by_group.setdefault(score.group, Counter()).update(tally)
    count = Counter(a.language for a in per_article.values())
    count_group = Counter(a.group for a in per_article.values())
    return EvaluationReport(
        threshold=threshold,
        articles=len(per_article),
        per_article=per_article,
        per_language={k: _slice(v, count[k]) for k, v in sorted(by_language.items())},
        per_group={k: _slice(v, count_group[k]) for k, v in sorted(by_group.items())},
        unscored=sorted(set(results) - set(goldens)),
        missing_from_run=sorted(scope - set(results)),
        not_in_run=sorted(set(goldens) - scope),
        **_figures(total),
    )


def _manifest_articles(directory: Path) -> set[str] | None:
    """Article ids the run's ``manifest.json`` lists (None when there is no manifest)."""
    path = directory / "manifest.json"
    if not path.is_file():
        return None
    try:
        articles = json.loads(path.read_text(encoding="utf-8")).get("articles", {})
    except (OSError, ValueError, AttributeError) as exc:
        raise InputError(f"unreadable run manifest: {exc}", path=path) from exc
    return {str(key).split("@", 1)[0] for key in articles} if isinstance(articles, dict) else None


def _load(path: Path, kind: str, model: type[R]) -> R:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", path=path) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno}", path=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from exc
    check_document(document, kind, path=path)
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(map(str, first["loc"])) or "(root)"
        raise SchemaError(f"{where}: {first['msg']}", path=path) from exc


def _documents(
    directory: Path, kind: str, model: type[R], skip: set[str], *, recursive: bool = False
) -> list[tuple[Path, R]]:
    if not directory.is_dir():
        raise InputError("no such directory", path=directory)
    found = directory.rglob("*.json") if recursive else directory.glob("*.json")
    files = [p for p in sorted(found) if p.name not in skip]
    return [(p, _load(p, kind, model)) for p in files]


def load_run(directory: Path) -> dict[str, ExtractionResult]:
    """The result documents of a run directory by article id (``manifest.json`` skipped).

    Raises:
        InputError: The directory is missing, or a file is unreadable or not JSON.
        SchemaError: A document does not validate as a result.
    """
    docs = _documents(directory, "result", ExtractionResult, {"manifest.json"})
    return {d.article_id: d for _, d in docs}


def _load_golden_with_groups(directory: Path) -> tuple[dict[str, GoldenDocument], dict[str, str]]:
    docs = _documents(directory, "golden", GoldenDocument, set(), recursive=True)
    if not docs:
        raise InputError("no golden <article_id>.json files", path=directory)
    goldens: dict[str, GoldenDocument] = {}
    groups: dict[str, str] = {}
    where: dict[str, Path] = {}
    for path, doc in docs:
        if doc.article_id in goldens:
            raise InputError(
                f"article id {doc.article_id!r} is labelled twice (also {where[doc.article_id]})",
                path=path,
            )
        goldens[doc.article_id], where[doc.article_id] = doc, path
        groups[doc.article_id] = path.parent.relative_to(directory).as_posix().strip(".")
    return goldens, groups


def load_golden(directory: Path) -> dict[str, GoldenDocument]:
    """The golden documents under a directory (sub-folders included) by article id.

    Raises:
        InputError: The directory is missing or holds no golden file, a file is not JSON, or
            two files label the same article.
        SchemaError: A document does not validate as a golden file.
    """
    return _load_golden_with_groups(directory)[0]
