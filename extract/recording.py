"""Record and replay LLM traffic at the HTTP layer, and meter it.

Transports stack under the openai client (``httpx2`` is the HTTP library openai ships with)::

    openai ─▶ RetryTransport ─▶ MeterTransport ─▶ RecordTransport ─▶ network
                                              └─▶ ReplayTransport   (--replay: no network)

A recording is one JSON file per request, named by a canonical hash of what decides the answer
(method, endpoint path, JSON body: model, messages, schema, parameters). Headers are never
stored, so API keys cannot reach a recording; the body is scrubbed of the key as well.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from extract.errors import ReplayMissError

FORMAT_VERSION = 1


def request_key(request: httpx2.Request) -> str:
    """Canonical hash of a request: method, path below the API root, and sorted JSON body."""
    path = request.url.path
    path = path[path.index("/chat/") :] if "/chat/" in path else path
    try:
        body: Any = json.loads(request.content or b"null")
    except ValueError:
        body = request.content.decode("utf-8", "replace")
    canonical = json.dumps([request.method, path, body], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def scrub(text: str, secrets: list[str]) -> str:
    """Replace every non-trivial secret in ``text``."""
    for secret in secrets:
        if len(secret) >= 8:
            text = text.replace(secret, "[REDACTED]")
    return text


TEMP_SUFFIX = ".tmp"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8) or bytes to ``path`` through a temporary file and a rename:
    never half a file.

    The data reaches the disk (fsync) before the rename, so after a crash or power cut ``path``
    holds the old or the new text, whole. A kill can leave a ``.<name>.*.tmp`` file behind;
    ``remove_stale_temps`` clears them.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temps(directory: Path) -> int:
    """Delete the temporary files a killed ``write_atomic`` left in ``directory``; their count."""
    stale = [p for kind in ("json", "txt") for p in directory.glob(f".*.{kind}.*{TEMP_SUFFIX}")]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


class RecordTransport(httpx2.AsyncBaseTransport):
    """Pass requests to ``inner`` and save every response under ``directory``."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, directory: Path, secrets: list[str]):
        self.inner = inner
        self.directory = directory
        self.secrets = secrets

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        key = request_key(request)
        try:
            body: Any = json.loads(content)
        except ValueError:
            body = content.decode("utf-8", "replace")
        entry = {
            "format": FORMAT_VERSION,
            "key": key,
            "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "request": {
                "method": request.method,
                "path": request.url.path,
                "body": json.loads(request.content or b"null"),
            },
            "response": {
                "status": response.status_code,
                "content_type": response.headers.get("content-type", "application/json"),
                "body": body,
            },
        }
        text = json.dumps(entry, ensure_ascii=False, indent=1)
        write_atomic(self.directory / f"{key}.json", scrub(text, self.secrets) + "\n")
        return httpx2.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


class ReplayTransport(httpx2.AsyncBaseTransport):
    """Answer from recordings; a request never recorded raises ``ReplayMissError``."""

    def __init__(self, directory: Path):
        self.directory = directory

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        key = request_key(request)
        path = self.directory / f"{key}.json"
        if not path.is_file():
            raise ReplayMissError(key, self.directory)
        entry = json.loads(path.read_text(encoding="utf-8"))
        resp = entry["response"]
        body = resp["body"]
        content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers = {"content-type": resp.get("content_type", "application/json")}
        return httpx2.Response(resp["status"], headers=headers, content=content, request=request)


@dataclass
class Meter:
    """Tokens and requests of one article, filled in by ``MeterTransport``."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    calls: int = 0
    finish_reasons: list[str] = field(default_factory=list)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


current_meter: contextvars.ContextVar[Meter | None] = contextvars.ContextVar(
    "extract_meter", default=None
)


class MeterTransport(httpx2.AsyncBaseTransport):
    """Add each response's token usage to the article's ``Meter`` (every attempt counts)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport):
        self.inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        meter = current_meter.get()
        if meter is not None:
            meter.requests += 1
        response = await self.inner.handle_async_request(request)
        if meter is None or response.status_code != 200:
            return response
        content = await response.aread()
        try:
            body = json.loads(content)
        except ValueError:
            return response
        if not isinstance(body, dict):
            return response
        usage = body.get("usage") or {}
        meter.calls += 1
        meter.prompt_tokens += int(usage.get("prompt_tokens") or 0)
        meter.completion_tokens += int(usage.get("completion_tokens") or 0)
        for choice in body.get("choices") or []:
            meter.finish_reasons.append(str(choice.get("finish_reason")))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
