"""``manifest.json`` of a run: what was done, what failed and why, what it cost."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extract.models import Usage


class ArticleStatus(BaseModel):
    """One article of a run.

    ``ok``: done now; ``skipped``: already done with the same inputs; ``failed``: ``error``
    says why; ``pending``: not done in this run (budget reached, or interrupted), the next run
    does it.
    """

    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "failed", "skipped", "pending"]
    path: str | None
    source: str | None = Field(
        default=None, description="Where the article comes from: `file`, or `file:line`."
    )
    sha256: str | None = None
    output: str | None = None
    error: str | None = None
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    rejected: int = 0
    records: int = 0


class RunInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    extract_version: str
    started: dt.datetime
    finished: dt.datetime | None = None
    model: str
    base_url: str
    mode: str
    strategy: str
    replay: bool
    stopped: str | None = Field(
        default=None,
        description="Why the run stopped before trying every article (budget, interrupt).",
    )


class RunManifest(BaseModel):
    """Per-article status of a run; rewritten atomically after every article."""

    model_config = ConfigDict(extra="forbid")

    run: RunInfo
    articles: dict[str, ArticleStatus] = Field(default_factory=dict)
