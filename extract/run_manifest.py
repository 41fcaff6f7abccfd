"""``manifest.json`` of a run: what was done, what failed and why, what it cost."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extract.models import Usage


class ArticleStatus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["ok", "failed", "skipped"]
    path: str | None
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


class RunManifest(BaseModel):
    """Per-article status of a run; rewritten atomically after every article."""

    model_config = ConfigDict(extra="forbid")

    run: RunInfo
    articles: dict[str, ArticleStatus] = Field(default_factory=dict)
