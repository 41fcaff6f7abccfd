"""Draft records: what a strategy proposes for an article, before ``extract.assemble`` grounds
them. The contract between the strategies (any of them) and the checks every record passes."""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from extract.models import RecordType


class Draft(BaseModel):
    """A record a strategy proposes, before grounding: the model's fields, loosely typed (the
    checks in ``extract.assemble`` decide what holds), and the passage that supports it —
    ``evidence`` as the model gave it, ``span`` where code knows it (a numbered sentence, a
    quote candidate)."""

    model_config = ConfigDict(extra="forbid")

    evidence: str = ""
    span: tuple[int, int] | None = None


class DraftQuote(Draft):
    text: str
    speaker: str | None = None


class DraftMeeting(Draft):
    participants: list[str] = []
    status: str | None = None
    date: str | None = None
    location: str | None = None
    topics: list[str] = []


class DraftAgreement(Draft):
    title: str | None = None
    parties: list[str] = []
    signatories: list[str] = []
    subject: str | None = None
    status: str | None = None
    signed_date: str | None = None
    location: str | None = None


class DraftCommitment(Draft):
    actor: str | None = None
    action: str | None = None
    amount: str | None = None
    deadline: str | None = None


DRAFTS: dict[RecordType, type[Draft]] = {
    "meetings": DraftMeeting,
    "agreements": DraftAgreement,
    "quotes": DraftQuote,
    "commitments": DraftCommitment,
}


def draft(kind: RecordType, fields: dict[str, Any]) -> Draft:
    """The typed draft of ``kind`` from a model answer's fields."""
    return DRAFTS[kind].model_validate(fields)


class Dropped(NamedTuple):
    """A draft code set aside before grounding, with the reason (reported as rejected)."""

    kind: RecordType
    reason: str
    draft: Draft


def as_dict(value: Draft | dict[str, Any]) -> dict[str, Any]:
    """A draft's fields as JSON-ready data (for ``rejected`` in the output document)."""
    return (
        value.model_dump(mode="json", exclude_unset=True)
        if isinstance(value, Draft)
        else dict(value)
    )
