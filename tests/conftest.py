from __future__ import annotations

from pathlib import Path

import pytest

from extract.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
RECORDINGS = ROOT / "recordings"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for synthetic-transport tests: no waiting between retries."""
    return Settings(
        base_url="http://127.0.0.1:9/v1",
        model="test-model",
        strategy="single",
        recordings=tmp_path / "rec",
        retry_wait_max=0.0,
        max_retries=3,
    )


@pytest.fixture
def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
