"""Record and replay LLM traffic at the HTTP layer, and meter it.

Transports stack under the openai client (``httpx2`` is the HTTP library openai ships with)::

    openai ─▶ RetryTransport ─▶ MeterTransport ─▶ RecordTransport ─▶ network
                                              └─▶ ReplayTransport   (--replay: no network)

A recording is one JSON file per request, named by a canonical hash of what decides the answer
(method, endpoint path, JSON body: model, messages, schema, parameters). Headers are never
stored, so API keys cannot reach a recording; the body is scrubbed of the key as well.
"""

from __future__ import annotations

import base64
import contextvars
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from extract.errors import RecordingError, ReplayMissError

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


# A credential as an Authorization header carries it (``Bearer sk-…``, ``Basic dXNl…``), echoed
# back in an error body. Prose ("Basic income") is left alone: a Bearer token holds a digit, a
# Basic one is Base64 of ``user:password``.
_AUTH_VALUE = re.compile(r"\b(Bearer|Basic)(\s+)([\w.~+/-]{4,}=*)")


def _credential(match: re.Match[str]) -> str:
    kind, space, token = match.groups()
    if kind == "Bearer":
        secret = any(c.isdigit() for c in token)
    else:
        try:
            secret = b":" in base64.b64decode(token, validate=True)
        except ValueError:
            secret = False
    return f"{kind}{space}[REDACTED]" if secret else match.group(0)


def scrub(text: str, secrets: list[str]) -> str:
    """Replace every secret in ``text``, and any ``Bearer``/``Basic`` credential.

    A secret of 8 characters or more is replaced wherever it occurs; a shorter one wherever it
    stands as a token of its own (not inside a longer word), so that a 2-character dummy key
    does not blank out every word holding those letters, while ``sk-1234`` is still caught.
    """
    text = _AUTH_VALUE.sub(_credential, text)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        if len(secret) >= 8:
            text = text.replace(secret, "[REDACTED]")
        else:
            text = re.sub(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", "[REDACTED]", text)
    return text


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters (escape sequences, bells, line breaks)
    are shown escaped, ``\\x1b``, instead of acting on the screen."""
    return "".join(_shown(c) for c in text)


def _shown(char: str) -> str:
    if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co"):
        return char
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


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
    """Pass requests to ``inner`` and save every response under ``directory``; with ``reuse``,
    a request already recorded is answered from its recording (no call, nothing rewritten)."""

    def __init__(
        self,
        inner: httpx2.AsyncBaseTransport,
        directory: Path,
        secrets: list[str],
        *,
        reuse: bool = False,
    ):
        self.inner = inner
        self.directory = directory
        self.secrets = secrets
        self.replay = ReplayTransport(directory) if reuse else None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.replay is not None and (self.directory / f"{request_key(request)}.json").is_file():
            return await self.replay.handle_async_request(request)
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
        try:
            entry = json.loads(path.read_bytes())
        except OSError as exc:
            raise RecordingError(f"cannot read: {exc.strerror}", path=path) from exc
        except ValueError as exc:  # empty, truncated, not UTF-8
            raise RecordingError(f"not valid JSON ({_first(exc)})", path=path) from exc
        resp = entry.get("response") if isinstance(entry, dict) else None
        if not isinstance(resp, dict) or not isinstance(resp.get("status"), int):
            raise RecordingError("not a recording (no response object with a status)", path=path)
        body = resp.get("body")
        content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers = {"content-type": str(resp.get("content_type", "application/json"))}
        return httpx2.Response(resp["status"], headers=headers, content=content, request=request)


def _first(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:120] if lines else type(exc).__name__


@dataclass
class Meter:
    """Tokens and requests of one article, filled in by ``MeterTransport``; ``run`` (optional)
    receives the same counts: the run's total, kept as it goes (no sum over articles)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    calls: int = 0
    finish_reasons: list[str] = field(default_factory=list)
    run: Meter | None = field(default=None, repr=False)

    def add(
        self, *, prompt: int = 0, completion: int = 0, requests: int = 0, calls: int = 0
    ) -> None:
        for meter in (self, self.run):
            if meter is not None:
                meter.prompt_tokens += prompt
                meter.completion_tokens += completion
                meter.requests += requests
                meter.calls += calls

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
            meter.add(requests=1)
        response = await self.inner.handle_async_request(request)
        if meter is None:
            return response
        content = await response.aread()
        try:
            body = json.loads(content)
        except ValueError:
            return response
        if not isinstance(body, dict):
            return response
        usage = body.get("usage")
        usage = usage if isinstance(usage, dict) else {}
        # every answered request counts, failed or not: a server may bill an error it returns
        prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
        meter.add(prompt=_tokens(prompt), completion=_tokens(completion))
        if response.status_code != 200:
            return response
        meter.add(calls=1)
        for choice in body.get("choices") or []:
            meter.finish_reasons.append(str(choice.get("finish_reason")))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def _tokens(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0
