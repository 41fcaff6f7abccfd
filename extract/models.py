"""The output records, the per-article result envelope, and their JSON Schemas.

These models describe the documents extract writes (and the golden files): spans, the article's
own characters, canonical names, provenance. What the model is asked to write is smaller and lives
with each strategy (``extract/strategies``); the pipeline derives these records from it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = "1.1"

Span = Annotated[
    tuple[NonNegativeInt, NonNegativeInt],
    Field(description="Character offsets [start, end) into the original article text."),
]
Name = Annotated[
    str, Field(min_length=1, description="Canonical full name, as the article gives it.")
]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code.")]
DateText = Annotated[
    str | None,
    Field(
        description="The article's own words for the record's date, as printed (\"ce mardi\", "
        '"am 28. Oktober", "by March"); kept whether or not the date could be resolved.'
    ),
]


class Conflict(BaseModel):
    """Another value the same article states for one of the record's fields (a caption's date
    against the body's), kept so a reader sees the disagreement instead of losing it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = Field(min_length=1, description="The record field the value is for.")
    value: str = Field(min_length=1, description="The other value, as the record would hold it.")
    evidence: str = Field(min_length=1, description="Verbatim passage stating the other value.")
    span: Span


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    evidence: str = Field(
        min_length=1, description="Verbatim passage of the article supporting the record."
    )
    span: Span
    conflicts: list[Conflict] = Field(
        default_factory=list, description="Other values the article states for this record."
    )

    @model_validator(mode="after")
    def _span_ordered(self) -> _Record:
        if self.span[0] > self.span[1]:
            raise ValueError(f"span start {self.span[0]} is after its end {self.span[1]}")
        return self


class Meeting(_Record):
    """Two or more named parties meeting, held or planned."""

    participants: list[Name] = Field(min_length=1, description="People taking part.")
    date: dt.date | None = None
    date_text: DateText = None
    location: str | None = None
    status: Literal["held", "planned"]
    topics: list[str] = Field(default_factory=list, description="Subjects, in English.")


class Agreement(_Record):
    """A signed, planned or negotiated document between parties."""

    title: str = Field(min_length=1, description="Short English title.")
    parties: list[str] = Field(min_length=1, description="Countries or organisations, in English.")
    signatories: list[Name] = Field(default_factory=list, description="People who signed.")
    subject: str | None = Field(default=None, description="What it covers, in English.")
    signed_date: dt.date | None = None
    date_text: DateText = None
    location: str | None = None
    status: Literal["signed", "planned", "negotiating"]


class Quote(_Record):
    """Words attributed to a named speaker; ``text`` is exactly ``article[span[0]:span[1]]``."""

    speaker: Name
    text: str = Field(min_length=1, description="Verbatim article characters, without quote marks.")
    language: LanguageCode


class Commitment(_Record):
    """An actor's concrete promise or announced intention."""

    actor: str = Field(min_length=1)
    action: str = Field(min_length=1, description="What is promised, in English.")
    amount: str | None = Field(default=None, description='e.g. "2,000 homes", "€40 million".')
    deadline: str | None = Field(default=None, description="ISO date or short text.")
    date_text: DateText = None


RecordType = Literal["meetings", "agreements", "quotes", "commitments"]
RECORD_TYPES: tuple[RecordType, ...] = ("meetings", "agreements", "quotes", "commitments")


class ArticleExtraction(BaseModel):
    """The four record lists of one article (also the shape of a golden file)."""

    model_config = ConfigDict(extra="forbid")

    meetings: list[Meeting] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)


_OPTIONAL = Field(
    default=False,
    description="Borderline record: the evaluation counts it neither as a miss nor as a false "
    "positive (a prediction matching it is set aside).",
)


class GoldenMeeting(Meeting):
    """A labelled meeting."""

    optional: bool = _OPTIONAL


class GoldenAgreement(Agreement):
    """A labelled agreement."""

    optional: bool = _OPTIONAL


class GoldenQuote(Quote):
    """A labelled quote."""

    optional: bool = _OPTIONAL


class GoldenCommitment(Commitment):
    """A labelled commitment."""

    optional: bool = _OPTIONAL


class GoldenDocument(ArticleExtraction):
    """A hand-labelled golden file: an extraction plus the article it labels."""

    article_id: str
    language: LanguageCode
    published: dt.date | None = None
    meetings: list[GoldenMeeting] = Field(default_factory=list)  # type: ignore[assignment]
    agreements: list[GoldenAgreement] = Field(default_factory=list)  # type: ignore[assignment]
    quotes: list[GoldenQuote] = Field(default_factory=list)  # type: ignore[assignment]
    commitments: list[GoldenCommitment] = Field(default_factory=list)  # type: ignore[assignment]

    @field_validator("meetings", "agreements", "quotes", "commitments", mode="before")
    @classmethod
    def _records_as_data(cls, value: Any) -> Any:
        """Accept plain records (``Quote``) as well as golden ones (``GoldenQuote``)."""
        if isinstance(value, list):
            return [v.model_dump() if isinstance(v, _Record) else v for v in value]
        return value

    notes: list[str] = Field(
        default_factory=list, description="Labelling decisions worth a reader's eye."
    )


class Usage(BaseModel):
    """Tokens and HTTP requests, summed over every call and every attempt."""

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: NonNegativeInt = 0
    completion_tokens: NonNegativeInt = 0
    total_tokens: NonNegativeInt = 0
    requests: NonNegativeInt = Field(
        0, description="HTTP requests sent, transport retries included."
    )
    calls: NonNegativeInt = Field(0, description="Completions received (each validation attempt).")


class Rejected(BaseModel):
    """A record the model proposed that failed grounding or validation, kept with its reason."""

    model_config = ConfigDict(extra="forbid")

    type: RecordType
    reason: str
    record: dict[str, Any]


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str | None
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    chars: NonNegativeInt


class Backend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str
    mode: str
    strategy: str
    replay: bool = False


class Timings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    started: dt.datetime
    seconds: float = Field(ge=0)


class ExtractionResult(BaseModel):
    """The document written per article: the records plus everything needed to trust them."""

    model_config = ConfigDict(extra="forbid")

    article_id: str = Field(min_length=1)
    language: LanguageCode | None
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    author: str | None = None
    source: Source
    model: str
    backend: Backend
    extract_version: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    usage: Usage
    attempts: NonNegativeInt
    timings: Timings
    extraction: ArticleExtraction
    rejected: list[Rejected] = Field(default_factory=list)
