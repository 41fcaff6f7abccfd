"""The strategy seam: what a strategy returns and the interface it implements."""

from __future__ import annotations

import copy
import datetime as dt
import weakref
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel

from extract.drafts import Draft, Dropped
from extract.llm.backend import LLM
from extract.models import RecordType

_SCHEMAS: weakref.WeakKeyDictionary[type[BaseModel], dict[str, Any]] = weakref.WeakKeyDictionary()


class AnswerModel(BaseModel):
    """Base of the models the LLM answers with: the JSON schema is built once per class.

    instructor asks for the response model's schema on every call, and Pydantic builds it anew
    each time (2.2 ms for the single-call answer, about a quarter of the client's CPU per
    request in ``bench/overhead.py --profile``). Callers get a copy: nothing can alter the
    cached one.
    """

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:  # a non-default schema: not cached
            return super().model_json_schema(*args, **kwargs)
        if cls not in _SCHEMAS:
            _SCHEMAS[cls] = super().model_json_schema()
        return copy.deepcopy(_SCHEMAS[cls])


@dataclass
class Drafts:
    """What a strategy proposes for one article, before grounding."""

    language: str
    records: dict[RecordType, list[Draft]]
    dropped: list[Dropped] = field(default_factory=list)


class Strategy(Protocol):
    """Ask ``llm`` about ``article``; return drafts (the pipeline grounds them).

    ``language`` is the article's language when its metadata gives it (else detected)."""

    name: str
    prompt_version: str

    async def run(
        self, llm: LLM, article: str, published: dt.date | None, language: str | None = None
    ) -> Drafts: ...
