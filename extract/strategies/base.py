"""The strategy seam: what a strategy returns and the interface it implements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from extract.backend import LLM


@dataclass
class Drafts:
    """What a strategy proposes for one article, before grounding."""

    language: str
    records: dict[str, list[dict[str, Any]]]


class Strategy(Protocol):
    """Ask ``llm`` about ``article``; return drafts (the pipeline grounds them)."""

    name: str
    prompt_version: str

    async def run(self, llm: LLM, article: str, published: dt.date | None) -> Drafts: ...
