"""Know the cost before paying: what a run would ask, per strategy, without calling a model.

``estimate`` plans every article with each strategy through the same ``LLM`` a run uses, with
the batch planner's transport (``extract.batch.BookTransport``) over an empty answer folder: the
first request of an article finds no answer, every request of the first round is captured (its
exact HTTP body) and the article stops there. Nothing goes to the network and nothing is written
(the empty answer folder is a temporary directory).

The first round is exact (same bodies, same recording keys as a live run). Later rounds
(validation re-asks, follow-ups after a yes/no question, English re-asks) depend on the answers:
they are estimated with a follow-up factor measured on the committed recordings, and the tokens
with ratios measured there too (see ``CALIBRATION`` and ``CHARS_PER_TOKEN``; ``python
bench/plan_calibration.py`` measures them again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.articles import Article, article_id_for, collect
from extract.batch import BookTransport
from extract.errors import AnswerPending, ExtractError, InputError
from extract.inputs import Entry, entries, failing
from extract.llm.backend import LLM
from extract.pipeline import extract_one
from extract.settings import STRATEGY_NAMES, Settings

# Characters of the request's messages per prompt token the server reported, pooled over every
# committed recording with a usage (967 requests of qwen2.5-coder-1.5b through llama-server;
# French seeds and the de/en/es/fr/it corpus): sum(message characters) / sum(prompt_tokens).
# Per request the ratio spreads from 3.00 (5th percentile) to 4.06 (95th), mean 3.40, sd 0.32.
# The schema or grammar is left out: llama-server does not put it in the prompt (counting it
# widens the spread to sd 0.56); a hosted API that adds the schema to the prompt counts more.
# Measured by `python bench/plan_calibration.py`; tests/test_plan.py checks it against
# recordings/.
CHARS_PER_TOKEN = 3.38
CHARS_PER_TOKEN_RANGE = (3.00, 4.06)  # 5th and 95th percentile per request


@dataclass(frozen=True)
class Calibration:
    """What the recordings say about one strategy's later rounds and answers."""

    follow_up: float  # all requests / first-round requests, over the replayed articles
    completion_per_call: float  # mean completion tokens per call
    measured_on: str


# Measured by `python bench/plan_calibration.py`: a replay run (`--replay`, no network) of
# every folder whose recordings cover the strategy; follow_up = sum of the manifest's
# usage.requests / sum of the first-round requests this module counts for the same articles;
# completion_per_call = sum of usage.completion_tokens / sum of usage.calls.
CALIBRATION: dict[str, Calibration] = {
    "staged": Calibration(
        1.16, 61.7, "54 articles (seeds, corpus test/dev/events), gbnf: 350 -> 407 requests"
    ),
    "single": Calibration(2.00, 472.0, "4 seeds, json_schema: 4 -> 8 requests"),
    "candidates": Calibration(1.00, 453.0, "4 seeds, json_schema: 4 -> 4 requests"),
    "staged-raw": Calibration(1.12, 73.6, "4 seeds, json_schema: 34 -> 38 requests"),
}
BATCH_DISCOUNT = 0.5  # the OpenAI Batch API: half the price of the same requests sent live


def prompt_chars(body: dict[str, Any]) -> int:
    """Characters of a request body's messages: what ``CHARS_PER_TOKEN`` divides."""
    messages = body.get("messages") or []
    return sum(len(str(m.get("content") or "")) for m in messages if isinstance(m, dict))


@dataclass(frozen=True)
class StrategyEstimate:
    """One strategy over every article: the first round exact, the rest estimated."""

    strategy: str
    articles: int  # planned (the failed ones not counted)
    first_round: int  # requests of the first round: exact
    first_round_chars: int  # characters of their messages: exact
    follow_up: float
    completion_per_call: float
    chars_per_token: float
    failed: dict[str, str] = field(default_factory=dict)  # article -> why it cannot run

    @property
    def requests(self) -> int:
        """Estimated requests of the whole run (first round x the measured follow-up factor)."""
        return round(self.first_round * self.follow_up)

    @property
    def prompt_tokens(self) -> int:
        """Estimated prompt tokens: the first round's characters over the calibrated ratio,
        scaled like the requests (a later request repeats the article and instructions)."""
        return round(self.first_round_chars / self.chars_per_token * self.follow_up)

    @property
    def first_round_prompt_tokens(self) -> int:
        return round(self.first_round_chars / self.chars_per_token)

    @property
    def completion_tokens(self) -> int:
        """Estimated completion tokens: requests x the measured mean per call."""
        return round(self.first_round * self.follow_up * self.completion_per_call)

    def cost(self, price_in: float, price_out: float) -> float:
        """Cost in the prices' currency, prices per million tokens (live requests)."""
        return (self.prompt_tokens * price_in + self.completion_tokens * price_out) / 1e6


@dataclass(frozen=True)
class Estimate:
    """What a run over the articles would ask, per strategy, before any request is sent."""

    articles: int
    strategies: list[StrategyEstimate]
    model: str
    mode: str
    unreadable: dict[str, str] = field(default_factory=dict)  # source -> one-line problem

    def get(self, strategy: str) -> StrategyEstimate:
        for one in self.strategies:
            if one.strategy == strategy:
                return one
        raise KeyError(strategy)


def _articles(
    paths: Sequence[Path], published: dt.date | None
) -> tuple[list[Article], dict[str, str]]:
    """Every article under ``paths`` as ``extract run`` reads them, and those it cannot read."""
    articles: list[Article] = []
    unreadable: dict[str, str] = {}
    for path in collect(list(paths)):  # a missing path raises InputError, as for `run`
        try:
            found = entries(path)
        except InputError as exc:  # a whole .jsonl/.csv file that cannot be read
            found = [Entry(article_id_for(path), path, str(path), failing(exc))]
        for entry in found:
            try:
                articles.append(dataclasses.replace(entry.load(published), path=entry.path))
            except ExtractError as exc:
                unreadable[entry.source] = str(exc)
    return articles, unreadable


def _plan_settings(settings: Settings, strategy: str) -> Settings:
    """``settings`` for planning: no cassette and no budget (nothing is sent), and a key
    placeholder so a hosted endpoint without a key can be priced (no request carries it)."""
    return dataclasses.replace(
        settings,
        strategy=strategy,
        cassette=None,
        api_key=settings.api_key or "not-sent",
        max_requests=None,
        token_budget=None,
        concurrency=64,
    )


async def first_round(article: Article, settings: Settings) -> list[tuple[str, bytes]]:
    """The first round of requests ``article`` needs with ``settings.strategy``: each one's
    recording key and exact HTTP body. No network: the transport answers nothing.

    Raises:
        ExtractError: the article cannot be asked (a strategy refuses it before any request).
    """
    captured: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="extract-plan-") as empty:
        book = BookTransport(Path(empty), {}, lambda key, body: captured.append((key, body)))
        llm = LLM(settings, transport=book)
        try:
            await extract_one(article, settings, llm)
        except AnswerPending:
            pass
        finally:
            await llm.aclose()
    return captured


async def aestimate(
    paths: Iterable[str | Path],
    settings: Settings,
    *,
    strategies: Sequence[str] | None = None,
    published: dt.date | None = None,
) -> Estimate:
    """What a run over ``paths`` would cost with each of ``strategies`` (default: all)."""
    chosen = list(strategies or STRATEGY_NAMES)
    articles, unreadable = _articles([Path(p) for p in paths], published)
    results = []
    for name in chosen:
        plan_settings = _plan_settings(settings, name)  # an unknown name: ConfigError here
        calibration = CALIBRATION[name]
        count = chars = 0
        failed: dict[str, str] = {}
        for article in articles:
            try:
                bodies = await first_round(article, plan_settings)
            except ExtractError as exc:
                failed[str(article.path or article.article_id)] = str(exc)
                continue
            count += len(bodies)
            chars += sum(prompt_chars(json.loads(body)) for _, body in bodies)
        results.append(
            StrategyEstimate(
                strategy=name,
                articles=len(articles) - len(failed),
                first_round=count,
                first_round_chars=chars,
                follow_up=calibration.follow_up,
                completion_per_call=calibration.completion_per_call,
                chars_per_token=CHARS_PER_TOKEN,
                failed=failed,
            )
        )
    return Estimate(
        articles=len(articles),
        strategies=results,
        model=settings.model,
        mode=settings.mode,
        unreadable=unreadable,
    )
