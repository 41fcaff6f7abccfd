"""The only module that talks to openai and instructor: client construction and one typed call.

Transport retries (429 with or without Retry-After, 5xx, timeouts, connection errors) happen in
``RetryTransport`` with tenacity, below the SDK, so they never consume a validation re-ask; the
SDK's own retries are off. Validation re-asks are instructor's, bounded by ``max_reasks``.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2
import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    wait_exponential_jitter,
)

from extract.errors import (
    BackendError,
    BudgetError,
    ConfigError,
    ExtractionError,
    ReplayMissError,
)
from extract.llm.gbnf import grammar_for
from extract.llm.recording import MeterTransport, RecordTransport, ReplayTransport, printable, scrub
from extract.settings import Settings

T = TypeVar("T", bound=BaseModel)
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
RETRY_ERRORS = (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)
MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
    "gbnf": instructor.Mode.JSON_SCHEMA,  # validated the same way; sent as a compact grammar
}

# instructor logs every failed attempt at ERROR; our envelope and manifest report them instead.
logging.getLogger("instructor").addHandler(logging.NullHandler())
logging.getLogger("instructor").propagate = False


def retry_after_seconds(response: httpx2.Response) -> float | None:
    """Seconds asked by a ``Retry-After`` (or ``retry-after-ms``) header, if any."""
    if ms := response.headers.get("retry-after-ms"):
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class RetryTransport(httpx2.AsyncBaseTransport):
    """Retry retryable statuses and transport errors with exponential backoff and jitter.

    ``timeout`` bounds each whole attempt, body included: httpx's read timeout is per read, so a
    server trickling one byte at a time would otherwise keep a request alive forever.
    """

    def __init__(
        self,
        inner: httpx2.AsyncBaseTransport,
        *,
        max_retries: int,
        wait_initial: float = 1.0,
        wait_max: float = 60.0,
        timeout: float | None = None,
    ) -> None:
        self.inner = inner
        self.max_retries = max_retries
        self.wait_max = wait_max
        self.timeout = timeout
        self._backoff = wait_exponential_jitter(initial=wait_initial, max=wait_max, jitter=1)

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            asked = retry_after_seconds(outcome.result())
            if asked is not None:
                return min(asked, self.wait_max)
        return float(self._backoff(state))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        async def send() -> httpx2.Response:
            try:
                async with asyncio.timeout(self.timeout):
                    response = await self.inner.handle_async_request(request)
                    await response.aread()  # the whole body within the deadline
            except TimeoutError:
                raise httpx2.ReadTimeout(
                    f"no complete response within {self.timeout:g} s", request=request
                ) from None
            return response

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(RETRY_ERRORS)
            | retry_if_result(lambda r: r.status_code in RETRY_STATUSES),
            retry_error_callback=_last_outcome,
            reraise=True,
        )
        response: httpx2.Response = await retrying(send)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def _last_outcome(state: RetryCallState) -> Any:
    assert state.outcome is not None
    return state.outcome.result()  # the last response (or its exception) once retries run out


def build_transport(
    settings: Settings, inner: httpx2.AsyncBaseTransport | None = None
) -> httpx2.AsyncBaseTransport:
    """The transport stack for ``settings``; ``inner`` replaces the network (tests, benchmarks)."""
    base: httpx2.AsyncBaseTransport
    if settings.cassette == "replay":
        base = ReplayTransport(settings.recordings)
    else:
        base = inner or httpx2.AsyncHTTPTransport()
        if settings.cassette in ("record", "fill"):
            base = RecordTransport(
                base, settings.recordings, settings.secrets, reuse=settings.cassette == "fill"
            )
    return RetryTransport(
        MeterTransport(base),
        max_retries=settings.max_retries,
        wait_max=settings.retry_wait_max,
        timeout=settings.timeout,
    )


def check_recordings(settings: Settings) -> None:
    """Replay needs its folder: say where it was looked for, rather than miss every request.

    Raises:
        ConfigError: replaying, and ``settings.recordings`` is not a folder.
    """
    if settings.cassette == "replay" and not settings.recordings.is_dir():
        where = settings.recordings.absolute()
        relative = "" if settings.recordings.is_absolute() else " (relative to this folder)"
        raise ConfigError(
            f"no recordings folder at {where}{relative}: run from the project folder, or "
            "give the folder with --recordings / EXTRACT_RECORDINGS"
        )


validation_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "extract_validation_context", default=None
)


@dataclass
class Answer:
    """A validated response, or (``value is None``) the raw JSON of the last failed attempt."""

    value: BaseModel | None
    raw: str | None
    error: str | None


class LLM:
    """One configured endpoint; ``ask`` returns a validated Pydantic object.

    ``guard`` (optional) is asked before every call: a reason it returns (the run's budget is
    spent, the run is stopping) raises ``BudgetError`` instead of sending the request. At most
    ``settings.concurrency`` calls are in flight at once, across every article using this LLM
    (one local slot: one at a time; a hosted endpoint: an article's questions in parallel).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        guard: Callable[[], str | None] | None = None,
    ) -> None:
        self.guard = guard
        check_recordings(settings)
        if settings.cassette != "replay" and "api.openai.com" in settings.base_url:
            if not settings.api_key:
                raise ConfigError(
                    "OPENAI_API_KEY is not set: put it in .env or the environment, "
                    "or point OPENAI_BASE_URL at a local server (`extract local-server`)"
                )
        self.settings = settings
        self._http = httpx2.AsyncClient(
            transport=build_transport(settings, transport),
            timeout=httpx2.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
        )
        self._openai = openai.AsyncOpenAI(
            api_key=settings.api_key or "no-key",  # local servers need none; the SDK wants one
            base_url=settings.api_base_url,
            default_query=dict(settings.query) or None,  # on every request, after the path
            max_retries=0,
            http_client=self._http,
        )
        self._client = instructor.from_openai(self._openai, mode=MODES[settings.mode])
        self._slots = asyncio.Semaphore(settings.concurrency)

    async def aclose(self) -> None:
        await self._openai.close()

    async def ask(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        context: dict[str, Any] | None = None,
        max_tokens: int | None = None,
    ) -> Answer:
        """Ask for ``response_model``; after the last failed re-ask return the raw answer.

        Raises:
            BackendError: the endpoint failed after the transport retries.
            ReplayMissError: replay met a request never recorded.
            ExtractionError: the answer was cut (token cap) or empty.
        """
        s = self.settings
        # The validators read the article from a ContextVar: passing ``context=`` to instructor
        # would render every message as a Jinja template ("{{ … }}" in an article would run).
        extra: dict[str, Any] = {}
        if s.mode == "gbnf" and (grammar := grammar_for(response_model)) is not None:
            # llama.cpp: the grammar replaces the schema (which would allow pretty-printing)
            extra["extra_body"] = {"response_format": {"type": "text"}, "grammar": grammar}
        token = validation_context.set(context)
        try:
            async with self._slots:
                if self.guard is not None and (reason := self.guard()):
                    raise BudgetError(reason)  # asked once a slot is free: spent while waiting
                value = await self._client.chat.completions.create(
                    model=s.model,
                    messages=messages,  # type: ignore[arg-type]
                    response_model=response_model,
                    max_retries=s.max_reasks,
                    temperature=s.temperature,
                    max_tokens=max_tokens or s.max_tokens,
                    seed=0,
                    **extra,
                )
        except InstructorRetryException as exc:
            cause = exc.__cause__ or exc
            if _is_transport(cause):
                raise self._backend_error(cause) from cause
            reason = scrub(_unusable(exc), s.secrets)
            return Answer(None, _completion_text(exc.last_completion), reason)
        except IncompleteOutputException as exc:
            raise ExtractionError(
                f"answer cut at the token cap ({max_tokens or s.max_tokens}); raise "
                "EXTRACT_MAX_TOKENS or use a staged strategy"
            ) from exc
        except (openai.OpenAIError, ReplayMissError) as exc:
            raise self._backend_error(exc) from exc
        finally:
            validation_context.reset(token)
        return Answer(value, None, None)

    def _backend_error(self, exc: BaseException) -> BackendError:
        """One line for a failed request, the API key scrubbed from whatever it quotes."""
        seen: BaseException | None = exc
        while seen is not None:  # the SDK wraps transport exceptions (a replay miss among them)
            if isinstance(seen, BackendError):
                return seen
            seen = seen.__cause__ or seen.__context__
        s = self.settings
        status = getattr(exc, "status_code", None)
        if isinstance(exc, openai.APITimeoutError):
            message = (
                f"the endpoint timed out ({s.timeout:g} s per request, {s.max_retries + 1} "
                "attempts); raise EXTRACT_TIMEOUT for a slow server"
            )
        elif isinstance(exc, openai.APIConnectionError):
            root = _root_cause(exc)
            if isinstance(root, httpx2.ConnectError):
                message = f"cannot reach the endpoint: {_first_line(root)}"
            else:
                message = f"the connection to the endpoint failed: {_first_line(root)}"
        elif isinstance(exc, openai.AuthenticationError):
            message = "the endpoint refused the API key (HTTP 401)"
        elif isinstance(exc, openai.APIStatusError):
            message = f"HTTP {status}: {_status_message(exc)}"
        else:
            message = _first_line(exc)
        return BackendError(scrub(message, s.secrets), status=status)


def _is_transport(exc: BaseException) -> bool:
    return isinstance(exc, (openai.APIError, ReplayMissError, httpx2.HTTPError))


def _root_cause(exc: BaseException) -> BaseException:
    while (inner := exc.__cause__ or exc.__context__) is not None:
        exc = inner
    return exc


def _status_message(exc: openai.APIStatusError) -> str:
    """The ``error.message`` of an error body when there is one, else the SDK's text."""
    body: Any = exc.body
    if isinstance(body, dict):
        body = body.get("error", body)
    if isinstance(body, dict):
        body = body.get("message")
    return _first_line(body if isinstance(body, str) and body.strip() else exc)


def _first_line(exc: BaseException | str) -> str:
    """One line of what an exception or a server says, control characters escaped."""
    text = str(exc).strip().splitlines()
    return printable(text[0] if text else type(exc).__name__)[:300]


def _unusable(exc: InstructorRetryException) -> str:
    """Why the last answer could not be used once re-asks ran out, in one line."""
    cause = exc.__cause__ or exc
    completion = exc.last_completion
    if isinstance(completion, str):  # the SDK hands back a body it cannot parse as JSON
        return f"the endpoint's response is not JSON: {completion.strip()[:80]!r}"
    if isinstance(cause, json.JSONDecodeError):
        return f"the endpoint's response is not JSON ({cause.msg} at character {cause.pos})"
    choices = getattr(completion, "choices", None)
    if completion is not None and not choices:
        return "the endpoint's response has no choices (empty `choices` list)"
    if choices:
        choice = choices[0]
        if refusal := getattr(choice.message, "refusal", None):
            return f"the model refused: {_first_line(str(refusal))}"
        if not choice.message.content and not getattr(choice.message, "tool_calls", None):
            return f"the model's answer is empty (finish_reason {choice.finish_reason!r})"
    if isinstance(cause, ValidationError):
        first = cause.errors()[0]
        if first["type"] == "json_invalid":
            return f"the answer is not JSON: {first['msg']}"
        where = ".".join(map(str, first["loc"])) or "(root)"
        return f"the answer does not fit the schema: {where}: {first['msg']}"
    return _first_line(cause)


def _completion_text(completion: Any) -> str | None:
    """The JSON text of a chat completion, from message content or the first tool call."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None)
    if calls:
        return str(calls[0].function.arguments)
    content = getattr(message, "content", None)
    if not content:
        return None
    start, end = content.find("{"), content.rfind("}")
    return content[start : end + 1] if 0 <= start < end else None
