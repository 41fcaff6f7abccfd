"""The exception tree of extract; every error the library raises is an ``ExtractError``.

::

    ExtractError
    ├── ConfigError          bad settings, unknown mode/strategy, missing endpoint
    ├── InputError           an article that cannot be read (missing, empty, binary, not UTF-8)
    ├── OutputError          a document that cannot be written (disk full, not a file)
    ├── BackendError         the LLM call failed after bounded retries (status, attempts)
    │   ├── ReplayMissError  --replay met a request that was never recorded
    │   ├── RecordingError   a recording exists but cannot be used (corrupt, unreadable)
    │   └── AnswerPending    batch mode: the request went into a batch file, no answer yet
    ├── BudgetError          the run's budget (requests, tokens) or a stop ended work mid-article
    ├── ExtractionError      the model's answer could not be parsed into records
    └── SchemaError          a document does not validate against schemas/
"""

from __future__ import annotations

from pathlib import Path


class ExtractError(Exception):
    """Root of every error raised by extract."""


class ConfigError(ExtractError):
    """Settings are missing or invalid; the message says how to fix them."""


class InputError(ExtractError):
    """An input file cannot be used as an article."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class OutputError(ExtractError):
    """A document cannot be written to the output folder."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class BackendError(ExtractError):
    """The LLM endpoint failed, after the bounded transport retries."""

    def __init__(self, message: str, *, status: int | None = None, attempts: int = 1) -> None:
        self.status = status
        self.attempts = attempts
        super().__init__(message)


class ReplayMissError(BackendError):
    """A replay run met a request with no recording; no network call was made."""

    def __init__(self, key: str, directory: Path) -> None:
        self.key = key
        self.directory = directory
        super().__init__(
            f"no recording {key} in {directory}: this request was never recorded "
            "(re-record with `extract run ... --record` against a live server)"
        )


class RecordingError(BackendError):
    """A recording file exists but cannot be replayed; the message names it and the problem."""

    def __init__(self, message: str, *, path: Path) -> None:
        self.path = str(path)
        super().__init__(
            f"recording {path}: {message}; delete it and re-record (`extract run ... --record`)"
        )


class AnswerPending(BackendError):
    """Batch mode: the request was written to a batch input file; its answer is not back yet.

    Not a failure: the article waits for the batch (``extract batch collect``)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"request {key} is waiting for its batch answer")


class BudgetError(ExtractError):
    """The run may make no more requests (budget spent, or the run is stopping)."""


class ExtractionError(ExtractError):
    """The model answered, but not with usable records."""

    def __init__(self, message: str, *, attempts: int = 1) -> None:
        self.attempts = attempts
        super().__init__(message)


class SchemaError(ExtractError):
    """A document fails JSON Schema validation."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)
