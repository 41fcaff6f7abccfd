from __future__ import annotations

from extract.text.grounding import find_span, ground, locate_evidence, sentences
from extract.text.people import canonical, same_person

ARTICLE = (
    "« Je veux simplement que vous sachiez que, chaque fois que vous aurez une question », "
    "a déclaré M.\u00a0Trump. L’alliance nippo\u2011américaine est «\u202fforte\u202f»."
)


def test_plain_model_text_maps_to_the_articles_typographic_characters() -> None:
    found = ground(ARTICLE, "L'alliance nippo-américaine est")
    assert found is not None
    text, (start, end) = found
    assert ARTICLE[start:end] == text == "L’alliance nippo\u2011américaine est"


def test_quote_marks_and_narrow_spaces_around_a_quote_are_not_part_of_it() -> None:
    text, span = ground(ARTICLE, '"forte"')  # type: ignore[misc]
    assert text == "forte" and ARTICLE[span[0] : span[1]] == "forte"


def test_offsets_are_exact_on_every_seed(seed_texts: dict[str, str]) -> None:
    for article in seed_texts.values():
        for start, end in sentences(article)[:40]:
            piece = article[start:end]
            if not any(c.isalnum() for c in piece):
                continue  # a lone "»" is no text to ground
            assert find_span(article, piece) is not None
            got = ground(article, piece.replace("’", "'").replace("\u00a0", " "))
            assert got is not None and got[0] == article[got[1][0] : got[1][1]]


def test_paraphrased_quote_is_not_found() -> None:
    # the article says "Je veux", a model wrote "Je souhaite": grounding must refuse it
    assert find_span(ARTICLE, "Je souhaite simplement que vous sachiez") is None
    assert find_span(ARTICLE, "I just want you to know") is None
    assert find_span(ARTICLE, "   ") is None


def test_whitespace_runs_and_case_fold() -> None:
    assert find_span("Un   Accord\nsigné", "un accord signé") == (0, 17)


def test_evidence_falls_back_to_the_sentence_holding_most_of_its_words() -> None:
    article = "Premier point. Les deux pays ont signé un accord sur les terres rares mardi. Fin."
    span = locate_evidence(article, "les deux pays ont signé un accord sur les terres rares")
    assert span is not None and article[span[0] : span[1]].startswith("Les deux pays")
    loose = locate_evidence(article, "Les deux pays ont signé, mardi, un accord sur terres rares")
    assert loose is not None and article[loose[0] : loose[1]].endswith("mardi.")
    assert locate_evidence(article, "Le Japon offrira 250 cerisiers à Washington") is None


def test_names_are_canonicalised_against_the_article() -> None:
    article = "Donald Trump a rencontré Sanae Takaichi. Mme Takaichi a remercié M. Trump."
    assert canonical("Mme Takaichi", article) == "Sanae Takaichi"
    assert canonical("M. Trump", article) == "Donald Trump"
    assert canonical("Xi Jinping", article) == "Xi Jinping"
    assert same_person("Trump", "Donald Trump") and same_person("M. Trump", "donald trump")
    assert not same_person("Donald Trump", "Sanae Takaichi")
    assert same_person("Émmanuel Macron", "emmanuel macron")
