"""Strategies for small local models: code does what code can do exactly, the model answers
short questions about a numbered article.

- Quote candidates are found in code (verbatim by construction); the model only names the
  speaker, from an enum of the people the article names (invalid names are impossible).
- Evidence is a sentence number (an enum), mapped to a span by code.
- ``staged``: one short call per candidate and one per other record type, all sharing the
  same prompt prefix (instructions + numbered article), so llama.cpp reads it once.
- ``candidates``: the same inputs in one call (rung b of the quality ladder).
- With ``code=True`` (the default ``staged``) code also filters non-speech candidates, names
  the speaker itself where an attribution pattern is unambiguous (no call), keeps a
  date only when its sentence supports it, needs two participants per meeting, and merges
  duplicates; ``staged-raw`` turns that off (rung c).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from extract.backend import LLM
from extract.candidates import (
    Candidate,
    attributed_speaker,
    find_candidates,
    render_numbered,
)
from extract.errors import ExtractionError
from extract.grounding import sentences
from extract.language import detect_language
from extract.names import persons
from extract.prompts import QUESTIONS, STAGED_SYSTEM, STAGED_VERSION, people_line, staged_user
from extract.semantics import refine, sentences_about
from extract.strategies.base import AnswerModel, Drafts

NONE = "none"
# One call per quotation the code cannot attribute: an article with hundreds of quotation marks
# (hostile, or a transcript) would cost hundreds of sequential calls. Over the cap the article
# fails before any call, saying to split it; the seeds need at most a few questions.
MAX_SPEAKER_QUESTIONS = 40
IsoDate = Field(default=None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _enum(values: list[Any]) -> Any:
    return Literal.__getitem__(tuple(values))


def _list(item: Any) -> Any:
    return list.__class_getitem__(item)


def _model(name: str, **fields: Any) -> type[BaseModel]:
    model: type[BaseModel] = create_model(name, __base__=AnswerModel, **fields)
    return model


def _models(
    people: list[str], sentence_count: int, about: dict[str, list[int]]
) -> dict[str, type[BaseModel]]:
    """Answer models whose enums are this article's people and sentence numbers.

    ``about`` maps a record type to the sentences code found for it (rung d): the ``*_in``
    models take the sentence first, from those numbers only.
    """
    person = _enum(people or [NONE])
    sentence = _enum(list(range(1, sentence_count + 1)))
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

    def among(kind: str) -> Any:
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
        "speaker": _model("Speaker", speaker=(_enum([*people, NONE]), ...)),
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
    }


class Staged:
    """Candidates, sentence numbers, one short call per question on a shared prefix."""

    prompt_version = STAGED_VERSION

    def __init__(self, *, name: str = "staged", staged: bool = True, code: bool = True) -> None:
        self.name = name
        self.staged = staged
        self.code = code

    async def run(self, llm: LLM, article: str, published: dt.date | None) -> Drafts:
        spans = sentences(article)
        people = persons(article)
        candidates = [
            c for c in find_candidates(article, filter_non_speech=self.code) if c.dropped is None
        ]
        about = {
            kind: sentences_about(kind, article, spans, people)
            for kind in ("meetings", "agreements", "commitments")
        }
        models = _models(people, len(spans), about)
        prefix = render_numbered(article, spans) + "\n\n" + people_line(people)

        async def ask(kind: str, question: str, model: type[BaseModel]) -> BaseModel:
            messages = [
                {"role": "system", "content": STAGED_SYSTEM},
                {"role": "user", "content": staged_user(prefix, published, question)},
            ]
            # short answers are the point of staged calls; one call for everything needs more
            answer = await llm.ask(messages, model, max_tokens=400 if self.staged else None)
            if answer.value is None:
                raise ExtractionError(f"{kind}: no valid answer ({answer.error})")
            return answer.value

        quotes: list[dict[str, Any]] = []
        records: dict[str, list[dict[str, Any]]] = {}
        if self.staged:
            speakers = [
                attributed_speaker(article, cand, people) if self.code else None
                for cand in candidates
            ]
            if (questions := speakers.count(None)) > MAX_SPEAKER_QUESTIONS:
                raise ExtractionError(
                    f"{questions} quotations need a speaker question, over the cap of "
                    f"{MAX_SPEAKER_QUESTIONS} per article: split the article, or use "
                    "--strategy single (one call)"
                )
            for cand, known in zip(candidates, speakers, strict=True):
                if known is None:  # no attribution pattern in code: ask the model
                    question = QUESTIONS["speaker"].format(sentence=cand.sentence, text=cand.text)
                    value = await ask("speaker", question, models["speaker"])
                    known = str(value.speaker)  # type: ignore[attr-defined]
                quotes.append(_quote(cand, known))
            for kind in ("meetings", "agreements", "commitments"):
                question, model = QUESTIONS[kind], models[kind]
                if self.code:  # the model chooses among the sentences code found
                    if not about[kind]:
                        records[kind] = []  # no sentence can state one: nothing to ask
                        continue
                    listed = ", ".join(f"[{n}]" for n in about[kind])
                    question = QUESTIONS[f"{kind}_in"].format(sentences=listed)
                    model = models[f"{kind}_in"]
                value = await ask(kind, question, model)
                records[kind] = [item.model_dump() for item in getattr(value, kind)]
        else:
            value = await ask(
                "all", _all_question(candidates), _all_model(models, people, candidates)
            )
            by_number = {c.number: c for c in candidates}
            for item in value.quotes:  # type: ignore[attr-defined]
                if item.candidate in by_number:
                    quotes.append(_quote(by_number[item.candidate], str(item.speaker)))
            for kind in ("meetings", "agreements", "commitments"):
                records[kind] = [item.model_dump() for item in getattr(value, kind)]
        records["quotes"] = [q for q in quotes if q["speaker"] != NONE]
        for kind in ("meetings", "agreements", "commitments"):
            for item in records[kind]:
                number = item.pop("sentence")
                start, end = spans[number - 1]
                item["evidence"], item["span"] = article[start:end], (start, end)
        dropped: list[tuple[str, str, dict[str, Any]]] = []
        if self.code:
            records, dropped = refine(records, article, published)
        return Drafts(language=detect_language(article), records=records, dropped=dropped)


def _quote(candidate: Candidate, speaker: str) -> dict[str, Any]:
    return {"speaker": speaker, "text": candidate.text, "span": candidate.span}


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
