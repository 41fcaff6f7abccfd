"""One call per article for all four record types: the cheapest shape for strong hosted models.

The model answers ``SingleAnswer`` (short fields, quotes and evidence copied from the article).
Validators check quotes and evidence against the article passed as validation context, so a
paraphrased quote is an error the model sees on the re-ask.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator

from extract.assemble import evidence_problem, quote_problem
from extract.drafts import draft
from extract.errors import ExtractionError
from extract.llm.backend import validation_context
from extract.models import RECORD_TYPES
from extract.strategies.base import AnswerModel, Drafts, Plan, Request, ask_one
from extract.strategies.prompts import ENGLISH_FIX, PROMPT_VERSION, SINGLE_SYSTEM, article_message
from extract.text.language import untranslated

IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
MAX_ITEMS = 12  # a cap the grammar enforces: small models otherwise loop on one record


def _article(info: ValidationInfo) -> str | None:
    context = info.context or validation_context.get()
    return context.get("article") if isinstance(context, dict) else None


class _Evidenced(BaseModel):
    evidence: str

    @field_validator("evidence")
    @classmethod
    def _evidence_in_article(cls, value: str, info: ValidationInfo) -> str:
        article = _article(info)
        if article is not None and (problem := evidence_problem(article, value)):
            raise ValueError(f"{problem}: {value[:80]!r}")
        return value


class MeetingDraft(_Evidenced):
    participants: list[str]
    date: IsoDate | None
    location: str | None
    status: Literal["held", "planned"]
    topics: list[str]


class AgreementDraft(_Evidenced):
    title: str
    parties: list[str]
    signatories: list[str]
    subject: str | None
    signed_date: IsoDate | None
    location: str | None
    status: Literal["signed", "planned", "negotiating"]


class QuoteDraft(BaseModel):
    speaker: str
    text: str

    @field_validator("text")
    @classmethod
    def _verbatim(cls, value: str, info: ValidationInfo) -> str:
        article = _article(info)
        if article is not None and (problem := quote_problem(article, value)):
            raise ValueError(f"{problem}: {value[:80]!r}")
        return value


class CommitmentDraft(_Evidenced):
    actor: str
    action: str
    amount: str | None
    deadline: str | None


class SingleAnswer(AnswerModel):
    """What the model writes in the single call."""

    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")]
    meetings: list[MeetingDraft] = Field(max_length=MAX_ITEMS)
    agreements: list[AgreementDraft] = Field(max_length=MAX_ITEMS)
    quotes: list[QuoteDraft] = Field(max_length=MAX_ITEMS)
    commitments: list[CommitmentDraft] = Field(max_length=MAX_ITEMS)


class SingleCall:
    """All four record types in one call, with validation re-asks."""

    name = "single"
    prompt_version = PROMPT_VERSION

    def plan(self, article: str, published: dt.date | None, language: str | None = None) -> Plan:
        messages = [
            {"role": "system", "content": SINGLE_SYSTEM},
            {"role": "user", "content": article_message(article, published)},
        ]
        context = {"article": article}
        answer = yield from ask_one(Request(messages, SingleAnswer, context=context))
        if answer.value is not None:
            assert isinstance(answer.value, SingleAnswer)
            value = answer.value
            if fields := _untranslated_fields(value, language, article):
                # one re-ask: the same records with their descriptive fields in English
                messages = [
                    *messages,
                    {"role": "assistant", "content": value.model_dump_json()},
                    {"role": "user", "content": ENGLISH_FIX.format(fields=", ".join(fields))},
                ]
                again = yield from ask_one(Request(messages, SingleAnswer, context=context))
                if isinstance(again.value, SingleAnswer):
                    value = again.value
            return _drafts(value)
        # Re-asks ran out: keep the last answer's records; grounding sorts good from bad.
        if answer.raw is None:
            raise ExtractionError(f"no usable answer: {answer.error}")
        try:
            last = SingleAnswer.model_validate_json(answer.raw)
        except ValidationError as exc:
            raise ExtractionError(
                f"last answer does not fit the schema: {exc.errors()[0]['msg']}"
            ) from None
        return _drafts(last)


ENGLISH_FIELDS = {
    "meetings": ("topics",),
    "agreements": ("title", "subject"),
    "commitments": ("action",),
}


def _untranslated_fields(answer: SingleAnswer, language: str | None, article: str) -> list[str]:
    """Names of the descriptive fields written in the article's language, not English."""
    language = language or answer.language
    if not language or language == "en":
        return []
    found: list[str] = []
    for kind, names in ENGLISH_FIELDS.items():
        for item in getattr(answer, kind):
            for name in names:
                value = getattr(item, name, None)
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str) and untranslated(text, language, article):
                        if name not in found:
                            found.append(name)
    return found


def _drafts(answer: SingleAnswer) -> Drafts:
    records = {
        kind: [draft(kind, item.model_dump()) for item in getattr(answer, kind)]
        for kind in RECORD_TYPES
    }
    return Drafts(language=answer.language, records=records)
