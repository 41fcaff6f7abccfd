"""Strategies for small local models: code does what code can do exactly, the model answers
short questions about a numbered article.

- Quote candidates are found in code between the quotation marks of any language (verbatim by
  construction); the model only names the speaker: one of the names code found (people and
  companies), or a name the list lacks, kept only when the article names it.
- Evidence is a sentence number (an enum), mapped to a span by code.
- ``staged``: one short call per candidate and per other record type, all sharing the same
  prompt prefix (instructions + numbered article), so llama.cpp reads it once. The questions
  are independent given the code-side analysis: they are planned together, in one round
  (sent in parallel to a hosted endpoint, in one batch file); follow-ups (after a yes/no
  question, an English re-ask) make the next round.
- ``candidates``: the same inputs in one call (rung b of the quality ladder).
- With ``code=True`` (the default ``staged``) code also sets aside non-speech candidates, names
  the speaker itself where the article's attribution is unambiguous (no call), hints the
  sentences that may hold each record type from the language profile (the model chooses among
  them; with no hint it is asked yes/no, then about every body sentence), needs two
  participants per meeting and merges duplicates (``extract.strategies.checks``); a
  descriptive field left in the article's language is re-asked once. ``staged-raw`` turns the
  code-side help off (rung c).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from extract.drafts import Draft, DraftQuote, Dropped, draft
from extract.errors import ExtractionError
from extract.llm.backend import Answer
from extract.models import RecordType
from extract.strategies.base import AnswerModel, Drafts, Plan, Request, ask_one, together
from extract.strategies.checks import closest_sentence, refine
from extract.strategies.prompts import (
    ENGLISH_FIX,
    QUESTIONS,
    STAGED_SYSTEM,
    STAGED_VERSION,
    people_line,
    staged_user,
)
from extract.text.candidates import (
    Candidate,
    attributed_speaker,
    find_candidates,
    render_numbered,
)
from extract.text.hints import body_sentences, sentences_about
from extract.text.language import detect_language, untranslated
from extract.text.people import organisations, persons, same_person
from extract.text.profiles import profile
from extract.text.sentences import sentences

NONE = "none"
OTHER_TYPES: tuple[RecordType, ...] = ("meetings", "agreements", "commitments")  # not quotes
# One call per quotation the code cannot attribute: an article with hundreds of quotation marks
# (hostile, or a transcript) would cost hundreds of sequential calls. Over the cap the article
# fails before any call, saying to split it; the seeds need at most a few questions.
MAX_SPEAKER_QUESTIONS = 40
# Sentences listed in one question about commitments: an article full of plans (a programme, a
# budget) is asked in parts, each answer holding at most four records.
SENTENCES_PER_QUESTION = 8
MAX_PARTS = 2
# Descriptive fields the records must write in English (re-asked once when they are not).
ENGLISH_FIELDS = {"meetings": ("topics",), "agreements": ("title",), "commitments": ("action",)}
OPEN_NAME = Field(min_length=2, max_length=60)
IsoDate = Field(default=None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _enum(values: list[Any]) -> Any:
    return Literal.__getitem__(tuple(values))


def _list(item: Any) -> Any:
    return list.__class_getitem__(item)


def _model(name: str, **fields: Any) -> type[BaseModel]:
    model: type[BaseModel] = create_model(name, __base__=AnswerModel, **fields)
    return model


def _models(
    people: list[str],
    speakers: list[str],
    sentence_numbers: list[int],
    about: dict[RecordType, list[int]],
) -> dict[str, type[BaseModel]]:
    """Answer models whose enums are this article's people, speakers and sentence numbers.

    ``about`` maps a record type to the sentences code found for it (rung d): the ``*_in``
    models take the sentence first, from those numbers only; the others take any of
    ``sentence_numbers`` (the body sentences).
    """
    person = _enum(people or [NONE])
    sentence = _enum(sentence_numbers or [1])
    short = (str, Field(max_length=120))
    location = (str | None, Field(default=None, max_length=60))
    meeting_fields: dict[str, Any] = {
        "participants": (_list(person), Field(max_length=8)),
        "status": (_enum(["held", "planned"]), ...),
        "date": (str | None, IsoDate),
        "location": location,
    }
    agreement_fields: dict[str, Any] = {
        "title": short,
        "parties": (list[str], Field(max_length=6)),
        "signatories": (_list(person), Field(max_length=6)),
        "status": (_enum(["signed", "planned", "negotiating"]), ...),
        "signed_date": (str | None, IsoDate),
        "location": location,
    }
    commitment_fields: dict[str, Any] = {
        "actor": (str, Field(max_length=60)),
        "action": short,
        "amount": (str | None, Field(default=None, max_length=60)),
        "deadline": (str | None, Field(default=None, max_length=60)),
    }

    def among(kind: RecordType) -> Any:
        return (_enum(about.get(kind) or [0]), ...)

    meeting = _model(
        "Meeting",
        participants=meeting_fields["participants"],
        sentence=(sentence, ...),
        status=meeting_fields["status"],
        date=meeting_fields["date"],
        location=location,
        topics=(list[str], Field(max_length=3)),
    )
    f = agreement_fields  # rungs b/c: the sentence after the names
    agreement = _model(
        "Agreement",
        title=short,
        parties=f["parties"],
        signatories=f["signatories"],
        sentence=(sentence, ...),
        status=f["status"],
        signed_date=f["signed_date"],
        location=location,
    )
    commitment = _model("Commitment", **commitment_fields, sentence=(sentence, ...))
    meeting_in = _model(
        "Meeting",
        sentence=among("meetings"),
        **meeting_fields,
        topics=(list[str], Field(max_length=2)),
    )
    agreement_in = _model("Agreement", sentence=among("agreements"), **agreement_fields)
    commitment_in = _model("Commitment", sentence=among("commitments"), **commitment_fields)
    return {
        # a name from the list, or one the list lacks (a caseless script gives no list): the
        # name is checked against the article in code, like every name (extract.assemble)
        "speaker": _model(
            "Speaker", speaker=(_enum([*speakers, NONE]) | Annotated[str, OPEN_NAME], ...)
        ),
        "yes_no": _model("YesNo", answer=(_enum(["yes", "no"]), ...)),
        "meetings": _model("Meetings", meetings=(_list(meeting), Field(max_length=3))),
        "agreements": _model("Agreements", agreements=(_list(agreement), Field(max_length=3))),
        "commitments": _model("Commitments", commitments=(_list(commitment), Field(max_length=4))),
        "meetings_in": _model("Meetings", meetings=(_list(meeting_in), Field(max_length=3))),
        "agreements_in": _model(
            "Agreements", agreements=(_list(agreement_in), Field(max_length=3))
        ),
        "commitments_in": _model(
            "Commitments", commitments=(_list(commitment_in), Field(max_length=4))
        ),
        "meeting": meeting,
        "agreement": agreement,
        "commitment": commitment,
        "meeting_in": meeting_in,
        "agreement_in": agreement_in,
        "commitment_in": commitment_in,
    }


class Staged:
    """Candidates, sentence numbers, one short call per question on a shared prefix."""

    prompt_version = STAGED_VERSION

    def __init__(self, *, name: str = "staged", staged: bool = True, code: bool = True) -> None:
        self.name = name
        self.staged = staged
        self.code = code

    def plan(self, article: str, published: dt.date | None, language: str | None = None) -> Plan:
        language = language or detect_language(article)
        spans = sentences(article, language)
        people = persons(article, language)
        speakers = [*people, *(o for o in organisations(article, language) if o not in people)]
        candidates = [
            c
            for c in find_candidates(article, language, filter_non_speech=self.code)
            if c.dropped is None
        ]
        body = body_sentences(article, spans) or list(range(1, len(spans) + 1))
        about = {
            kind: sentences_about(kind, article, spans, people, language) for kind in OTHER_TYPES
        }
        models = _models(people, speakers, body, about)
        prefix = render_numbered(article, spans) + "\n\n" + people_line(speakers)

        def ask(
            kind: str, question: str, model: type[BaseModel], english: tuple[str, ...] = ()
        ) -> Generator[list[Request], list[Answer], BaseModel]:
            messages = [
                {"role": "system", "content": STAGED_SYSTEM},
                {"role": "user", "content": staged_user(prefix, published, question)},
            ]
            # short answers are the point of staged calls; one call for everything needs more
            limit = 400 if self.staged else None
            answer = yield from ask_one(Request(messages, model, max_tokens=limit))
            if answer.value is None:
                raise ExtractionError(f"{kind}: no valid answer ({answer.error})")
            value: BaseModel = answer.value
            if english and not _in_english(value, kind, english, language, article):
                # one re-ask: the same records with their descriptive fields in English
                messages = [
                    *messages,
                    {"role": "assistant", "content": value.model_dump_json()},
                    {"role": "user", "content": ENGLISH_FIX.format(fields=", ".join(english))},
                ]
                again = yield from ask_one(Request(messages, model, max_tokens=limit))
                if again.value is not None:
                    value = again.value
            return value

        quotes: list[DraftQuote] = []
        records: dict[str, list[dict[str, Any]]] = {}  # answers, each with its sentence number
        dropped: list[Dropped] = []
        if self.staged:
            known_speakers = [
                attributed_speaker(article, cand, speakers, language) if self.code else None
                for cand in candidates
            ]
            if (questions := known_speakers.count(None)) > MAX_SPEAKER_QUESTIONS:
                raise ExtractionError(
                    f"{questions} quotations need a speaker question, over the cap of "
                    f"{MAX_SPEAKER_QUESTIONS} per article: split the article, or use "
                    "--strategy single (one call)"
                )
            asked = [  # no attribution code can read: ask the model
                ask(
                    "speaker",
                    QUESTIONS["speaker"].format(sentence=cand.sentence, text=cand.text),
                    models["speaker"],
                )
                for cand, known in zip(candidates, known_speakers, strict=True)
                if known is None
            ]
            kinds = [
                self._ask_kind(kind, about[kind], body, models, ask, language)
                for kind in OTHER_TYPES
            ]
            # every question at once: they are independent given the code-side analysis
            answers = yield from together([*asked, *kinds])
            speaker_answers = iter(answers[: len(asked)])
            for cand, known in zip(candidates, known_speakers, strict=True):
                if known is None:
                    value = next(speaker_answers)
                    known = _listed(str(value.speaker).strip(), speakers)  # type: ignore[attr-defined]
                    if known not in speakers and known != NONE and speakers and " " not in known:
                        reason = f"speaker {known!r}: one word, not a name the article gives"
                        dropped.append(Dropped("quotes", reason, _quote(cand, known)))
                        continue
                quotes.append(_quote(cand, known))
            for kind, found in zip(OTHER_TYPES, answers[len(asked) :], strict=True):
                records[kind] = found  # type: ignore[assignment]
        else:
            value = yield from ask(
                "all", _all_question(candidates), _all_model(models, speakers, candidates)
            )
            by_number = {c.number: c for c in candidates}
            for item in value.quotes:  # type: ignore[attr-defined]
                if item.candidate in by_number:
                    quotes.append(_quote(by_number[item.candidate], str(item.speaker)))
            for kind in OTHER_TYPES:
                records[kind] = [item.model_dump() for item in getattr(value, kind)]
        if self.code:  # the sentence the fields point at, where the number is a neighbour's
            for kind in OTHER_TYPES:
                for item in records[kind]:
                    item["sentence"] = closest_sentence(
                        kind, item, item["sentence"], about[kind], article, spans
                    )
        drafts: dict[RecordType, list[Draft]] = {"quotes": [q for q in quotes if q.speaker != NONE]}
        for kind in OTHER_TYPES:
            drafts[kind] = [_located(kind, item, article, spans) for item in records[kind]]
        if self.code:
            hinted = {kind: [spans[n - 1] for n in numbers] for kind, numbers in about.items()}
            drafts, refused = refine(drafts, language, hinted)
            dropped += refused
        return Drafts(language=language, records=drafts, dropped=dropped)

    def _ask_kind(
        self,
        kind: str,
        hinted: list[int],
        body: list[int],
        models: dict[str, type[BaseModel]],
        ask: Any,
        language: str,
    ) -> Generator[list[Request], list[Answer], list[dict[str, Any]]]:
        """The records of one type: over the hinted sentences (in parts when many, asked
        together); with no hint, over every body sentence, after a yes/no question where a
        profile exists."""
        english = ENGLISH_FIELDS[kind]
        if not self.code:
            value = yield from ask(kind, QUESTIONS[kind], models[kind], english)
            return [item.model_dump() for item in getattr(value, kind)]
        if not hinted:
            if profile(language).has_rules:
                value = yield from ask(kind, QUESTIONS[f"{kind}_any"], models["yes_no"])
                if value.answer != "yes":
                    return []
            value = yield from ask(kind, QUESTIONS[kind], models[kind], english)
            return [item.model_dump() for item in getattr(value, kind)]
        size = SENTENCES_PER_QUESTION if kind == "commitments" else len(hinted)
        parts = [hinted[i : i + size] for i in range(0, len(hinted), size)][:MAX_PARTS]
        if len(parts) == MAX_PARTS and len(hinted) > size * MAX_PARTS:
            half = -(-len(hinted) // MAX_PARTS)  # all hinted sentences, in two parts
            parts = [hinted[:half], hinted[half:]]
        values = yield from together(
            [
                ask(
                    kind,
                    QUESTIONS[f"{kind}_in"].format(sentences=", ".join(f"[{n}]" for n in part)),
                    _in_model(kind, models, part),
                    english,
                )
                for part in parts
            ]
        )
        return [item.model_dump() for value in values for item in getattr(value, kind)]


def _in_english(
    value: BaseModel, kind: str, fields: tuple[str, ...], language: str, article: str
) -> bool:
    """False when a descriptive field of the answer is written in the article's language
    rather than English (py3langid, choosing between the two): the whole field, or one of its
    longer lower-case words copied from the article untranslated ("relations bilatérales")."""
    if language == "en":
        return True
    for item in getattr(value, kind, []):
        for name in fields:
            field = getattr(item, name, None)
            for text in field if isinstance(field, list) else [field]:
                if isinstance(text, str) and untranslated(text, language, article):
                    return False
    return True


def _in_model(kind: str, models: dict[str, type[BaseModel]], numbers: list[int]) -> type[BaseModel]:
    """The ``*_in`` answer model with its sentence enum narrowed to ``numbers``."""
    item = models[f"{kind[:-1]}_in"]
    fields: dict[str, Any] = {
        name: (info.annotation, info) for name, info in item.model_fields.items()
    }
    fields["sentence"] = (_enum(numbers), ...)
    narrowed = _model(item.__name__, **fields)
    cap = models[f"{kind}_in"].model_fields[kind]
    return _model(models[f"{kind}_in"].__name__, **{kind: (_list(narrowed), cap)})


def _quote(candidate: Candidate, speaker: str) -> DraftQuote:
    return DraftQuote(speaker=speaker, text=candidate.text, span=candidate.span)


def _listed(name: str, listed: list[str]) -> str:
    """The listed name a free answer contains ("Anna Keller KC", "Nordwerks Anna Keller" ->
    "Anna Keller") or names by its surname ("Keller"), else the answer as given."""
    words = name.split()
    for known in sorted(listed, key=len, reverse=True):
        parts = known.split()
        for i in range(len(words) - len(parts) + 1):
            if words[i : i + len(parts)] == parts:
                return known
    return next((known for known in listed if same_person(name, known)), name)


def _located(
    kind: RecordType, answer: dict[str, Any], article: str, spans: Sequence[tuple[int, int]]
) -> Draft:
    """The draft of an answer that names its sentence by number: the sentence is its evidence."""
    fields = {k: v for k, v in answer.items() if k != "sentence"}
    start, end = spans[answer["sentence"] - 1]
    return draft(kind, {**fields, "evidence": article[start:end], "span": (start, end)})


def _all_question(candidates: list[Candidate]) -> str:
    listed = "\n".join(f"Q{c.number} (sentence [{c.sentence}]): «{c.text}»" for c in candidates)
    return (
        "Quoted passages:\n" + (listed or "(none)") + "\n\nFor each passage that is a person's "
        "words give candidate (its number) and speaker (a name from the list). Then "
        + QUESTIONS["meetings"] + " Then " + QUESTIONS["agreements"] + " Then "
        + QUESTIONS["commitments"]
    )  # fmt: skip


def _all_model(
    models: dict[str, type[BaseModel]], people: list[str], candidates: list[Candidate]
) -> type[BaseModel]:
    numbers = [c.number for c in candidates] or [0]
    quote = _model(
        "QuoteCandidate", candidate=(_enum(numbers), ...), speaker=(_enum([*people, NONE]), ...)
    )
    return _model(
        "All",
        quotes=(_list(quote), Field(max_length=max(1, len(candidates)))),
        meetings=(_list(models["meeting"]), Field(max_length=3)),
        agreements=(_list(models["agreement"]), Field(max_length=3)),
        commitments=(_list(models["commitment"]), Field(max_length=4)),
    )
