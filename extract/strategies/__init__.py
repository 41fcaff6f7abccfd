"""How the LLM is asked. A strategy turns one article into draft records; the pipeline grounds them.

Add a strategy by implementing ``Strategy``, registering it in ``STRATEGIES`` and naming it in
``extract.settings.STRATEGY_NAMES`` (settings are checked before any strategy is built).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from extract.errors import ConfigError
from extract.strategies.base import Drafts, Strategy
from extract.strategies.single import SingleCall
from extract.strategies.staged import Staged

STRATEGIES: dict[str, Callable[[], Strategy]] = {
    "single": SingleCall,
    "candidates": partial(Staged, name="candidates", staged=False, code=False),
    "staged-raw": partial(Staged, name="staged-raw", staged=True, code=False),
    "staged": Staged,
}

__all__ = ["STRATEGIES", "Drafts", "Strategy", "get_strategy"]


def get_strategy(name: str) -> Strategy:
    """A strategy by name, or ConfigError naming the choices."""
    try:
        return STRATEGIES[name]()
    except KeyError:
        raise ConfigError(
            f"unknown strategy {name!r}: choose one of {', '.join(sorted(STRATEGIES))}"
        ) from None
