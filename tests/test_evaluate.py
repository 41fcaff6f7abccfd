"""Scoring a run against golden files: alignment, counts, conventions, errors. Offline."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from extract.errors import ConfigError, InputError, SchemaError
from extract.evaluation.evaluate import (
    EvaluationReport,
    Scores,
    align,
    commitment_similarity,
    evaluate,
    meeting_similarity,
)
from extract.models import (
    Agreement,
    ArticleExtraction,
    Backend,
    Commitment,
    ExtractionResult,
    GoldenDocument,
    GoldenQuote,
    Meeting,
    Quote,
    Source,
    Timings,
    Usage,
)

# -- builders ----------------------------------------------------------------------------------


def quote(speaker: str, text: str, span: tuple[int, int] = (0, 1), language: str = "fr") -> Quote:
    return Quote(evidence=text, span=span, speaker=speaker, text=text, language=language)


def meeting(
    *participants: str,
    date: str | None = None,
    status: str = "held",
    span: tuple[int, int] = (0, 1),
) -> Meeting:
    day = dt.date.fromisoformat(date) if date else None
    return Meeting(
        evidence="e", span=span, participants=list(participants), date=day, status=status
    )


def agreement(
    title: str,
    *parties: str,
    date: str | None = None,
    status: str = "signed",
    span: tuple[int, int] = (0, 1),
) -> Agreement:
    day = dt.date.fromisoformat(date) if date else None
    return Agreement(
        evidence="e", span=span, title=title, parties=list(parties), signed_date=day, status=status
    )


def commitment(
    actor: str, action: str, amount: str | None = None, span: tuple[int, int] = (0, 1)
) -> Commitment:
    return Commitment(evidence="e", span=span, actor=actor, action=action, amount=amount)


def result(
    article_id: str, text: str = "article text", path: str | None = None, **records: Any
) -> ExtractionResult:
    return ExtractionResult(
        article_id=article_id,
        language="fr",
        source=Source(path=path, sha256=hashlib.sha256(text.encode()).hexdigest(), chars=len(text)),
        model="test-model",
        backend=Backend(base_url="http://127.0.0.1:9/v1", mode="json_schema", strategy="single"),
        extract_version="0.0.0",
        prompt_version="test",
        usage=Usage(),
        attempts=1,
        timings=Timings(started=dt.datetime(2025, 10, 28, 12, 0, tzinfo=dt.UTC), seconds=1.0),
        extraction=ArticleExtraction(**records),
    )


def golden(article_id: str, **records: Any) -> GoldenDocument:
    return GoldenDocument(article_id=article_id, language="fr", **records)


def score(pred: dict[str, Any], gold: dict[str, Any], **options: Any) -> EvaluationReport:
    return evaluate({"a": result("a", **pred)}, {"a": golden("a", **gold)}, **options)


QUOTES = [
    quote("Sanae Takaichi", "Nous entrons dans une nouvelle ère"),
    quote("Donald Trump", "Japan is a great ally"),
    quote("Emmanuel Macron", "L'Europe doit se réveiller"),
    quote("Lee Jae-myung", "We will cooperate closely"),
]
FULL: dict[str, Any] = {
    "meetings": [meeting("Donald Trump", "Sanae Takaichi", date="2025-10-28")],
    "agreements": [agreement("Rare earths framework", "United States", "Japan", date="2025-10-28")],
    "quotes": QUOTES,
    "commitments": [commitment("Japan", "invest in the United States", "$550 billion")],
}


def write_json(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


def dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")  # type: ignore[no-any-return]


# -- figures -----------------------------------------------------------------------------------


def test_perfect_run_scores_one_everywhere() -> None:
    report = score(FULL, FULL)
    for s in [*report.per_type.values(), report.quotes_lenient, report.micro]:
        assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert report.per_type["quotes"].tp == 4 and report.micro.tp == 7
    assert report.macro.f1 == 1.0 and report.speaker_accuracy == 1.0
    assert all(f.accuracy == 1.0 for f in report.field_accuracy.values() if f.total)
    assert report.field_accuracy["meeting.date"].total == 1
    article = report.per_article["a"]
    assert article.misses == [] and article.spurious == [] and article.in_run


def test_one_missing_quote_out_of_n_gives_recall_n_minus_one_over_n() -> None:
    report = score({"quotes": QUOTES[:3]}, {"quotes": QUOTES})
    q = report.per_type["quotes"]
    assert (q.tp, q.fp, q.fn) == (3, 0, 1)
    assert q.recall == pytest.approx(3 / 4) and q.precision == 1.0
    [miss] = report.per_article["a"].misses
    assert miss.type == "quotes" and miss.index == 3 and "Lee Jae-myung" in miss.label


def test_one_spurious_out_of_n_gives_precision_n_over_n_plus_one() -> None:
    extra = quote("Xi Jinping", "Completely unrelated words here")
    report = score({"quotes": [*QUOTES, extra]}, {"quotes": QUOTES})
    q = report.per_type["quotes"]
    assert (q.tp, q.fp, q.fn) == (4, 1, 0)
    assert q.precision == pytest.approx(4 / 5) and q.recall == 1.0
    [spurious] = report.per_article["a"].spurious
    assert spurious.index == 4 and "Xi Jinping" in spurious.label


def test_micro_pools_counts_and_macro_averages_f1_over_types() -> None:
    pred = {"quotes": QUOTES[:2], "meetings": FULL["meetings"]}
    report = score(
        pred, {"quotes": QUOTES, "meetings": FULL["meetings"], "agreements": FULL["agreements"]}
    )
    m = report.micro
    assert (m.tp, m.fp, m.fn) == (3, 0, 3)
    assert m.recall == pytest.approx(0.5) and m.precision == 1.0
    f1s = [report.per_type[t].f1 for t in ("meetings", "agreements", "quotes", "commitments")]
    assert f1s == [1.0, 0.0, pytest.approx(2 / 3), 1.0]  # commitments: empty on both sides
    assert report.macro.f1 == pytest.approx(sum(f1s) / 4)


def test_figures_pool_over_articles() -> None:
    run = {"a": result("a", quotes=QUOTES), "b": result("b", quotes=QUOTES[:1])}
    gold = {"a": golden("a", quotes=QUOTES), "b": golden("b", quotes=QUOTES[:2])}
    report = evaluate(run, gold)
    q = report.per_type["quotes"]
    assert (q.tp, q.fp, q.fn) == (5, 0, 1) and report.articles == 2
    assert report.per_article["b"].per_type["quotes"].recall == 0.5


# -- alignment ---------------------------------------------------------------------------------


def greedy(similarity: list[list[float]], threshold: float) -> list[tuple[int, int]]:
    """Highest similarity first, each row and column once: what alignment must beat."""
    cells = sorted(
        ((v, i, j) for i, row in enumerate(similarity) for j, v in enumerate(row)), reverse=True
    )
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for v, i, j in cells:
        if v >= threshold and i not in used_i and j not in used_j:
            pairs.append((i, j))
            used_i.add(i)
            used_j.add(j)
    return pairs


def test_align_is_optimal_one_to_one_not_greedy() -> None:
    matrix = [[0.9, 0.8], [0.8, 0.1]]
    assert greedy(matrix, 0.5) == [(0, 0)]
    assert align(matrix, 0.5) == [(0, 1), (1, 0)]


def test_align_drops_pairs_under_threshold_and_handles_empty() -> None:
    assert align([[0.4, 0.3]], 0.5) == []
    assert align([], 0.5) == [] and align([[], []], 0.5) == []
    assert align([[0.6], [0.9]], 0.5) == [(1, 0)]


def test_meetings_are_aligned_by_hungarian_not_greedy() -> None:
    g1 = meeting("Donald Trump", "Sanae Takaichi", span=(0, 50))
    g2 = meeting("Donald Trump", "Lee Jae-myung", span=(100, 150))
    p1 = meeting("Donald Trump", "Sanae Takaichi", "Lee Jae-myung", span=(100, 150))
    p2 = meeting("Sanae Takaichi", span=(0, 50))
    matrix = [[meeting_similarity(p, g) for g in (g1, g2)] for p in (p1, p2)]
    assert matrix[0][1] == max(max(row) for row in matrix)  # greedy takes p1-g2 first...
    assert len(greedy(matrix, 0.5)) == 2 or matrix[1][0] >= 0.5
    report = score({"meetings": [p1, p2]}, {"meetings": [g1, g2]})
    assert report.per_type["meetings"].tp == 2 and report.per_type["meetings"].fn == 0


def test_a_meeting_pairs_with_the_same_event_not_a_planned_one_sharing_a_name() -> None:
    # A predicted held Trump-Takaichi meeting must not take the golden *planned* Trump-Xi one.
    held = meeting("Donald Trump", "Sanae Takaichi", span=(700, 950))
    planned = meeting("Donald Trump", "Xi Jinping", status="planned", span=(4800, 5100))
    predicted = meeting("Donald Trump", "Sanae Takaichi", span=(700, 990))
    assert meeting_similarity(predicted, planned) < 0.5
    report = score({"meetings": [predicted]}, {"meetings": [held, planned]})
    m = report.per_type["meetings"]
    assert (m.tp, m.fp, m.fn) == (1, 0, 1)
    assert [r.label for r in report.per_article["a"].misses][0].startswith("Donald Trump, Xi")


def test_commitments_pair_by_evidence_when_wording_differs() -> None:
    gold = commitment("Japan", "give 250 cherry trees to Washington", span=(10, 90))
    pred = commitment("Japan", "offer cherry trees to the US capital", span=(0, 95))
    elsewhere = commitment("Japan", "offer cherry trees to the US capital", span=(200, 260))
    assert commitment_similarity(pred, gold) >= 0.5 > commitment_similarity(elsewhere, gold)


def test_optional_golden_records_are_neither_missed_nor_spurious() -> None:
    required = GoldenQuote(**QUOTES[0].model_dump())
    optional = GoldenQuote(**QUOTES[1].model_dump(), optional=True)
    skipped = score({"quotes": [QUOTES[0]]}, {"quotes": [required, optional]})
    q = skipped.per_type["quotes"]
    assert (q.tp, q.fp, q.fn) == (1, 0, 0)
    found = score({"quotes": QUOTES[:2]}, {"quotes": [required, optional]})
    q = found.per_type["quotes"]
    assert (q.tp, q.fp, q.fn) == (1, 0, 0)
    assert [r.index for r in found.per_article["a"].set_aside] == [1]
    assert found.quotes_lenient.fp == 0 and found.quotes_lenient.fn == 0


def test_field_accuracy_leaves_both_null_pairs_apart_and_lists_wrong_values() -> None:
    g = [
        meeting("A B", "C D", span=(0, 9)),
        meeting("E F", "G H", date="2025-01-02", span=(20, 29)),
    ]
    p = [
        meeting("A B", "C D", span=(0, 9)),
        meeting("E F", "G H", date="2025-01-03", span=(20, 29)),
    ]
    report = score({"meetings": p}, {"meetings": g})
    date = report.field_accuracy["meeting.date"]
    assert (date.correct, date.total, date.both_null) == (0, 1, 1)
    (wrong,) = report.per_article["a"].mismatches
    assert (wrong.field, wrong.predicted, wrong.golden) == ("date", "2025-01-03", "2025-01-02")


def test_figures_per_language_and_per_golden_folder(tmp_path: Path) -> None:
    for folder, article_id, language in (("dev", "a", "de"), ("test", "b", "en")):
        doc = GoldenDocument(article_id=article_id, language=language, quotes=QUOTES[:1])
        write_json(tmp_path / "golden" / "corpus" / folder / f"{article_id}.json", dump(doc))
    write_json(tmp_path / "out" / "a.json", dump(result("a", quotes=QUOTES[:1])))
    write_json(tmp_path / "out" / "b.json", dump(result("b")))
    report = evaluate(tmp_path / "out", tmp_path / "golden")
    assert set(report.per_group) == {"corpus/dev", "corpus/test"}
    assert report.per_language["de"].per_type["quotes"].f1 == 1.0
    assert report.per_language["en"].per_type["quotes"].fn == 1
    assert report.per_group["corpus/test"].articles == 1


def test_the_manifest_decides_which_golden_articles_the_run_covers(tmp_path: Path) -> None:
    for article_id in ("a", "b", "c"):
        write_json(
            tmp_path / "golden" / f"{article_id}.json", dump(golden(article_id, quotes=QUOTES[:1]))
        )
    write_json(tmp_path / "out" / "a.json", dump(result("a", quotes=QUOTES[:1])))
    manifest = {"articles": {"a": {"status": "ok"}, "b": {"status": "failed"}}}
    write_json(tmp_path / "out" / "manifest.json", json.dumps(manifest))
    report = evaluate(tmp_path / "out", tmp_path / "golden")
    assert sorted(report.per_article) == ["a", "b"]
    assert report.missing_from_run == ["b"] and report.not_in_run == ["c"]


def test_an_article_labelled_twice_is_refused(tmp_path: Path) -> None:
    for folder in ("dev", "test"):
        write_json(tmp_path / "golden" / folder / "a.json", dump(golden("a")))
    with pytest.raises(InputError, match="labelled twice"):
        evaluate({}, tmp_path / "golden")


def test_duplicate_prediction_counts_once_the_copy_is_spurious() -> None:
    report = score({"quotes": [QUOTES[0], QUOTES[0]]}, {"quotes": QUOTES[:1]})
    q = report.per_type["quotes"]
    assert (q.tp, q.fp, q.fn) == (1, 1, 0)
    assert report.quotes_lenient.fp == 1
    assert [r.index for r in report.per_article["a"].spurious] == [1]


def test_threshold_decides_whether_a_weak_pair_matches() -> None:
    pred = {"commitments": [commitment("Japan", "invest in the United States economy")]}
    gold = {"commitments": [commitment("Japan", "invest in the United States", "$550 billion")]}
    assert score(pred, gold).per_type["commitments"].tp == 1
    assert score(pred, gold, threshold=0.9).per_type["commitments"].tp == 0
    with pytest.raises(ConfigError, match="threshold"):
        score(pred, gold, threshold=0.0)


# -- quotes: strict and lenient ----------------------------------------------------------------


def test_wrong_speaker_is_strict_miss_and_spurious_but_lenient_match() -> None:
    gold = [quote("Sanae Takaichi", "Nous entrons dans une nouvelle ère")]
    pred = [quote("Donald Trump", "Nous entrons dans une nouvelle ère")]
    report = score({"quotes": pred}, {"quotes": gold})
    q = report.per_type["quotes"]
    assert (q.tp, q.fp, q.fn) == (0, 1, 1)
    assert report.quotes_lenient.tp == 1 and report.quotes_lenient.f1 == 1.0
    assert report.speaker_accuracy == 0.0
    article = report.per_article["a"]
    assert "speaker differs" in (article.misses[0].note or "")
    assert "speaker differs" in (article.spurious[0].note or "")


def test_typography_is_folded_for_strict_quotes() -> None:
    gold = [quote("Emmanuel Macron", "L’Europe doit se réveiller — vite")]
    pred = [quote("Emmanuel Macron", "« l'Europe doit se  réveiller - vite »")]
    assert score({"quotes": pred}, {"quotes": gold}).per_type["quotes"].tp == 1


def test_partial_quote_text_is_lenient_only() -> None:
    gold = [quote("Sanae Takaichi", "Nous entrons dans une nouvelle ère de coopération")]
    contained = [quote("Sanae Takaichi", "une nouvelle ère")]
    report = score({"quotes": contained}, {"quotes": gold})
    assert report.per_type["quotes"].tp == 0 and report.quotes_lenient.tp == 1
    assert report.speaker_accuracy == 1.0
    assert "text differs" in (report.per_article["a"].misses[0].note or "")
    disjoint = [quote("Sanae Takaichi", "Rien à voir avec cela")]
    report = score({"quotes": disjoint}, {"quotes": gold})
    assert report.quotes_lenient.tp == 0 and report.speaker_accuracy is None


def test_lenient_word_overlap_of_half_matches() -> None:
    gold = [quote("Donald Trump", "we will make great deals together")]  # 6 words
    pred = [quote("Donald Trump", "we will make terrible mistakes apart")]  # 3 shared
    assert score({"quotes": pred}, {"quotes": gold}).quotes_lenient.tp == 1
    pred = [quote("Donald Trump", "we will lose")]
    assert score({"quotes": pred}, {"quotes": gold}).quotes_lenient.tp == 0


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "expected"),
    [
        ("Mme Takaichi", "Sanae Takaichi"),
        ("M. Trump", "Donald Trump"),
        ("Trump", "Donald Trump"),
        ("elisabeth borne", "Élisabeth Borne"),
        ("Président Macron", "Emmanuel Macron"),
    ],
)
def test_names_are_normalised(predicted: str, expected: str) -> None:
    pred = {
        "quotes": [quote(predicted, "Bonjour à tous")],
        "meetings": [meeting(predicted, "Xi Jinping")],
        "commitments": [commitment(predicted, "visit Beijing")],
    }
    gold = {
        "quotes": [quote(expected, "Bonjour à tous")],
        "meetings": [meeting(expected, "Xi Jinping")],
        "commitments": [commitment(expected, "visit Beijing")],
    }
    report = score(pred, gold)
    assert report.micro.f1 == 1.0
    assert report.field_accuracy["meeting.participants"].accuracy == 1.0
    assert report.field_accuracy["quote.speaker"].accuracy == 1.0


def test_different_people_do_not_match() -> None:
    pred = {"quotes": [quote("Melania Trump", "Bonjour")]}
    report = score(pred, {"quotes": [quote("Donald Trump", "Bonjour")]})
    assert report.per_type["quotes"].tp == 0 and report.speaker_accuracy == 0.0


def test_field_accuracy_over_matched_pairs() -> None:
    gold = {
        "meetings": [meeting("Donald Trump", "Sanae Takaichi", date="2025-10-28")],
        "agreements": [agreement("Rare earths deal", "United States", "Japan", status="signed")],
    }
    pred = {
        "meetings": [meeting("Trump", "Takaichi", date="2025-10-27", status="held")],
        "agreements": [agreement("Rare earths deal", "Japan", "United States", status="planned")],
    }
    report = score(pred, gold)
    assert report.per_type["meetings"].tp == 1 and report.per_type["agreements"].tp == 1
    fa = report.field_accuracy
    assert (fa["meeting.date"].correct, fa["meeting.date"].total) == (0, 1)
    assert fa["meeting.participants"].accuracy == 1.0 and fa["meeting.status"].accuracy == 1.0
    assert fa["agreement.status"].accuracy == 0.0 and fa["agreement.parties"].accuracy == 1.0
    assert fa["commitment.amount"].total == 0 and fa["commitment.amount"].accuracy is None


# -- edge cases --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((0, 0, 0), (1.0, 1.0, 1.0)),  # nothing expected, nothing predicted
        ((0, 0, 3), (0.0, 0.0, 0.0)),  # nothing predicted, something expected
        ((0, 2, 0), (0.0, 0.0, 0.0)),  # something predicted, nothing expected
        ((1, 1, 1), (0.5, 0.5, 0.5)),
        ((3, 0, 1), (1.0, 0.75, 6 / 7)),
    ],
)
def test_empty_side_conventions(counts: tuple[int, int, int], expected: tuple[float, ...]) -> None:
    s = Scores.of(*counts)
    assert (s.precision, s.recall, s.f1) == pytest.approx(expected)


def test_type_empty_on_both_sides_scores_one_with_zero_counts() -> None:
    report = score({"quotes": QUOTES}, {"quotes": QUOTES})
    m = report.per_type["meetings"]
    assert (m.tp, m.fp, m.fn, m.precision, m.recall, m.f1) == (0, 0, 0, 1.0, 1.0, 1.0)


def test_empty_prediction_against_non_empty_golden_scores_zero() -> None:
    q = score({}, {"quotes": QUOTES}).per_type["quotes"]
    assert (q.tp, q.fp, q.fn, q.precision, q.recall, q.f1) == (0, 0, 4, 0.0, 0.0, 0.0)


def test_run_article_without_golden_is_unscored() -> None:
    run = {"a": result("a", quotes=QUOTES), "extra": result("extra", quotes=QUOTES)}
    report = evaluate(run, {"a": golden("a", quotes=QUOTES)})
    assert report.unscored == ["extra"] and list(report.per_article) == ["a"]
    assert report.micro.fp == 0 and report.articles == 1


def test_golden_article_missing_from_run_is_all_false_negatives() -> None:
    report = evaluate(
        {"a": result("a", quotes=QUOTES)},
        {"a": golden("a", quotes=QUOTES), "b": golden("b", **FULL)},
    )
    b = report.per_article["b"]
    assert not b.in_run and report.missing_from_run == ["b"]
    assert (b.micro.tp, b.micro.fp, b.micro.fn) == (0, 0, 7) and b.micro.recall == 0.0
    assert len(b.misses) == 7 and b.spurious == []
    assert report.per_type["quotes"].fn == 4


def test_directories_are_read_skipping_manifest_and_non_json(tmp_path: Path) -> None:
    write_json(tmp_path / "out" / "a.json", dump(result("a", quotes=QUOTES)))
    write_json(tmp_path / "out" / "manifest.json", {"run": {}, "articles": {}})
    write_json(tmp_path / "golden" / "a.json", dump(golden("a", quotes=QUOTES)))
    (tmp_path / "golden" / "README.md").write_text("# golden\n")
    (tmp_path / "golden" / "GUIDELINES.md").write_text("rules\n")
    report = evaluate(tmp_path / "out", tmp_path / "golden")
    assert report.per_type["quotes"].f1 == 1.0 and report.unscored == []


def test_malformed_golden_json_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    write_json(tmp_path / "out" / "a.json", dump(result("a")))
    write_json(tmp_path / "golden" / "broken.json", "{not json")
    with pytest.raises(InputError) as info:
        evaluate(tmp_path / "out", tmp_path / "golden")
    message = str(info.value)
    assert "broken.json" in message and "not valid JSON" in message and "\n" not in message


def test_golden_failing_the_schema_is_a_schema_error_naming_the_file(tmp_path: Path) -> None:
    write_json(tmp_path / "out" / "a.json", dump(result("a")))
    bad = dump(golden("a", quotes=QUOTES[:1]))
    del bad["quotes"][0]["speaker"]
    write_json(tmp_path / "golden" / "a.json", bad)
    with pytest.raises(SchemaError) as info:
        evaluate(tmp_path / "out", tmp_path / "golden")
    message = str(info.value)
    assert "a.json" in message and "speaker" in message and "\n" not in message


def test_golden_with_reversed_span_is_a_schema_error(tmp_path: Path) -> None:
    bad = dump(golden("a", quotes=QUOTES[:1]))
    bad["quotes"][0]["span"] = [5, 2]
    write_json(tmp_path / "golden" / "a.json", bad)
    with pytest.raises(SchemaError, match=r"a\.json: .*span"):
        evaluate({}, tmp_path / "golden")


def test_missing_or_empty_directories_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "golden").mkdir()
    (tmp_path / "golden" / "README.md").write_text("nothing yet")
    with pytest.raises(InputError, match="no such directory"):
        evaluate(tmp_path / "nope", tmp_path / "golden")
    with pytest.raises(InputError, match="no golden"):
        evaluate({}, tmp_path / "golden")


def test_the_cli_scores_only_what_the_run_covers(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from extract.evaluation.cli import eval_command

    for article_id in ("a", "b"):
        write_json(tmp_path / "golden" / "sub" / f"{article_id}.json", dump(golden(article_id)))
    write_json(tmp_path / "out" / "a.json", dump(result("a")))
    write_json(tmp_path / "out" / "manifest.json", json.dumps({"articles": {"a": {}}}))
    args = [str(tmp_path / "out"), "--golden", str(tmp_path / "golden")]
    outcome = CliRunner().invoke(eval_command, args)
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.startswith("# Evaluation: 1 article(s)")
    assert "not in this run (not scored): 1" in outcome.output
