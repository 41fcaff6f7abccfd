"""The strategy seam: a strategy *plans* the requests an article needs and *resolves* the answers.

A strategy's ``plan`` is a generator. Each ``yield`` hands the runner every request the
strategy needs now (independent questions, all at once); the runner sends back their answers,
in the same order, and the strategy either yields the next round (a follow-up question, an
English re-ask) or returns its ``Drafts``. The runner decides how requests travel:

- ``drive`` (here) asks them through an ``LLM``: one at a time with ``--concurrency 1`` (one
  local slot), in parallel up to ``--concurrency`` otherwise (a hosted endpoint);
- ``extract.batch`` writes them, for every article at once, into an OpenAI Batch input file, and
  drives each plan again from the start when the answers are back (a plan is deterministic given
  its answers), so a second round (validation re-asks, follow-ups) becomes a second batch.

Requests are plain data (messages, response model, token cap): the same request sent live, in a
batch or from a Ray worker has the same body, hence the same recording key.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import weakref
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from extract.drafts import Draft, Dropped
from extract.errors import AnswerPending
from extract.llm.backend import LLM, Answer
from extract.models import RecordType

T = TypeVar("T")
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


@dataclass(frozen=True)
class Request:
    """One question to the model: the arguments of ``LLM.ask``."""

    messages: list[dict[str, str]]
    model: type[BaseModel]
    max_tokens: int | None = None
    context: dict[str, Any] | None = None


# yields the requests needed now, receives their answers (same order), returns the drafts
Plan = Generator[list[Request], list[Answer], Drafts]


class Strategy(Protocol):
    """Plan the requests ``article`` needs and turn their answers into drafts (the pipeline
    grounds them). ``language`` is the article's language when its metadata gives it (else
    detected)."""

    name: str
    prompt_version: str

    def plan(
        self, article: str, published: dt.date | None, language: str | None = None
    ) -> Plan: ...


def together(
    plans: Sequence[Generator[list[Request], list[Answer], T]],
) -> Generator[list[Request], list[Answer], list[T]]:
    """Run several plans in lockstep: each round holds the requests of every plan still asking.

    Returns each plan's result, in order. Independent questions (one per quotation, one per
    record type) travel together: one round instead of one per question.
    """
    results: list[Any] = [None] * len(plans)
    asking: dict[int, list[Request]] = {}
    for i, plan in enumerate(plans):
        try:
            asking[i] = next(plan)
        except StopIteration as done:
            results[i] = done.value
    while asking:
        order = list(asking)
        answers = yield [request for i in order for request in asking[i]]
        at = 0
        for i in order:
            count = len(asking[i])
            mine, at = answers[at : at + count], at + count
            try:
                asking[i] = plans[i].send(mine)
            except StopIteration as done:
                results[i] = done.value
                del asking[i]
    return results


def ask_one(request: Request) -> Generator[list[Request], list[Answer], Answer]:
    """A plan of one request: ``answer = yield from ask_one(request)``."""
    (answer,) = yield [request]
    return answer


async def drive(plan: Plan, llm: LLM) -> Drafts:
    """Run ``plan`` against ``llm``: each round's requests at once (``llm`` bounds how many are
    in flight). The first failure cancels the round's other requests and propagates."""
    try:
        requests = next(plan)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    while True:
        answers = await _all(
            [
                llm.ask(r.messages, r.model, context=r.context, max_tokens=r.max_tokens)
                for r in requests
            ]
        )
        try:
            requests = plan.send(answers)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


async def _all(calls: list[Any]) -> list[Answer]:
    """Await every call, in order; on the first exception cancel the others and raise it."""
    if len(calls) == 1:
        return [await calls[0]]
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return list(await asyncio.gather(*tasks))
    except AnswerPending:
        # batch planning: every other request of the round reaches the batch file too
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
