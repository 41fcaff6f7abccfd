"""Live: one seed against the real endpoint at OPENAI_BASE_URL. Off by default (`-m live`)."""

from __future__ import annotations

import os

import pytest

import extract
from tests.conftest import SEEDS

pytestmark = pytest.mark.live


@pytest.mark.skipif(not os.environ.get("OPENAI_BASE_URL"), reason="OPENAI_BASE_URL is not set")
def test_one_seed_live() -> None:
    text = (SEEDS / "000_d76536dfd61977ba.txt").read_text(encoding="utf-8")
    result = extract.extract_article(text, article_id="live", settings=extract.Settings.from_env())
    assert result.usage.completion_tokens > 0 and result.attempts >= 1
    for quote in result.extraction.quotes:
        assert text[quote.span[0] : quote.span[1]] == quote.text
