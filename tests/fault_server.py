"""A SYNTHETIC OpenAI-compatible server that misbehaves on cue, for fault-injection tests.

Nothing here is a model answer: replies are built from ``tests/synthetic.py`` and never belong in
``recordings/``. The server listens on 127.0.0.1 on an ephemeral port, serves at most
``max_requests`` requests (later ones get a 503 and are counted as overflow), and stops at the
end of the ``with`` block, releasing any reply it holds back (``hang``).

Each article carries a tag ``ref:<key>`` in its text; requests are routed by the first tag in the
request body to a script: a list of replies played in order, the last one repeated::

    with FaultServer() as server:
        server.play("a1", status(429), ok())    # a1: one 429, then a valid answer
        server.play("a2", hang())               # a2: never answers in time
        ... run ``extract run --base-url server.url`` ...
        assert server.count("a1") == 2
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.synthetic import answer, completion

ROOT = Path(__file__).resolve().parent.parent
_TAG = re.compile(r"ref:([\w-]+)")


@dataclass(frozen=True)
class Reply:
    """What the server does with one request."""

    kind: str  # "json", "raw", "hang", "drop" or "trickle"
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def ok(delay: float = 0.0, *, prompt_tokens: int = 100, **records: Any) -> Reply:
    """A valid ``single``-strategy answer (empty lists unless given), after ``delay`` seconds."""
    body = completion(answer(**records))
    body["usage"] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": 20,
        "total_tokens": prompt_tokens + 20,
    }
    return Reply("json", body=body, delay=delay)


def status(code: int, *, retry_after: str | None = None, message: str = "synthetic") -> Reply:
    """An HTTP error with an OpenAI-style error body (``{auth}`` in ``message``: echo the key)."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Reply("json", status=code, body={"error": {"message": message}}, headers=headers)


def hang(seconds: float = 60.0) -> Reply:
    """Hold the request far past the client's timeout, then close without answering."""
    return Reply("hang", delay=seconds)


def trickle(interval: float = 0.3) -> Reply:
    """Headers at once, then one byte of a long body every ``interval`` seconds."""
    return Reply("trickle", delay=interval)


def drop() -> Reply:
    """Close the connection without sending a response."""
    return Reply("drop")


def malformed() -> Reply:
    """A 200 whose body is not JSON at all."""
    return Reply("raw", body=b'{"id": "synthetic", "choices": [{"mess', headers=_JSON)


def schema_invalid() -> Reply:
    """A well-formed completion whose content is JSON, but not the response model."""
    return Reply("json", body=completion({"headline": "not the schema", "items": 3}))


def cut() -> Reply:
    """A completion stopped by the token cap (``finish_reason: length``)."""
    return Reply("json", body=completion('{"language": "fr", "meet', finish_reason="length"))


def empty_choices() -> Reply:
    """A completion with an empty ``choices`` list."""
    return Reply("json", body={**completion(answer()), "choices": []})


def refusal() -> Reply:
    """A refusal: ``message.refusal`` set, ``content`` null."""
    body = completion(answer())
    body["choices"][0]["message"] = {
        "role": "assistant",
        "content": None,
        "refusal": "I'm sorry, I can't help with that.",
    }
    return Reply("json", body=body)


_JSON = {"Content-Type": "application/json"}


class FaultServer:
    """The server and its scripts; a context manager (see the module docstring)."""

    def __init__(self, *, max_requests: int = 300) -> None:
        self.max_requests = max_requests
        self.scripts: dict[str, list[Reply]] = {}
        self.default: Reply = ok()
        self.log: list[tuple[str, float, str]] = []  # (key, time, reply kind) per request
        self.overflow = 0
        self.authorizations: set[str] = set()  # Authorization headers seen
        self.paths: list[str] = []  # request paths, query strings included
        self.active = 0  # requests being answered now, and the most at once
        self.peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def play(self, key: str, *replies: Reply) -> None:
        """Script the replies for requests tagged ``ref:<key>``."""
        self.scripts[key] = list(replies)

    def count(self, key: str) -> int:
        """Requests received for ``key``."""
        return sum(k == key for k, _, _ in self.log)

    def times(self, key: str) -> list[float]:
        return [t for k, t, _ in self.log if k == key]

    def next_reply(self, body: bytes) -> tuple[str, Reply]:
        match = _TAG.search(body.decode("utf-8", "replace"))
        key = match.group(1) if match else ""
        with self._lock:
            if len(self.log) >= self.max_requests:
                self.overflow += 1
                return key, status(503, message="fault server: request budget exhausted")
            script = self.scripts.get(key) or [self.default]
            reply = script.pop(0) if len(script) > 1 else script[0]
            self.log.append((key, time.monotonic(), reply.kind))
        return key, reply

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            server.paths.append(self.path)
            if not self.path.split("?")[0].endswith("/chat/completions"):
                self._send(404, {"error": {"message": f"no route {self.path}"}}, {})
                return
            _, reply = server.next_reply(body)
            server.authorizations.add(self.headers.get("Authorization", ""))
            with server._lock:
                server.active += 1
                server.peak = max(server.peak, server.active)
            try:
                self._reply(reply)
            finally:
                with server._lock:
                    server.active -= 1

        def _reply(self, reply: Reply) -> None:
            if reply.kind == "trickle":
                self._trickle(reply.delay)
                return
            if reply.kind in ("hang", "drop"):
                server._stop.wait(reply.delay)
                self.close_connection = True  # no response at all: the client sees EOF
                return
            if reply.delay:
                server._stop.wait(reply.delay)
            if reply.kind == "raw":
                self._send(reply.status, reply.body, reply.headers)
                return
            text = json.dumps(reply.body, ensure_ascii=False)
            text = text.replace("{auth}", self.headers.get("Authorization", ""))
            text = text.replace("{path}", self.path)
            self._send(reply.status, text.encode(), {**_JSON, **reply.headers})

        def _trickle(self, interval: float) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.flush()
                while not server._stop.wait(interval):
                    self.wfile.write(b" ")
                    self.wfile.flush()
            except OSError:  # the client gave up
                pass
            self.close_connection = True

        def _send(self, code: int, body: Any, headers: dict[str, str]) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(code)
                for name, value in {**_JSON, **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout, interrupt): nothing to answer
                self.close_connection = True

    return Handler


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for an ``extract`` subprocess: no user settings, short timeouts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "EXTRACT_"))}
    env.update(
        PYTHONPATH=str(ROOT),  # the code under test, whatever the cwd
        EXTRACT_MODEL="synthetic-model",
        EXTRACT_STRATEGY="single",  # the replies here answer the single call
        EXTRACT_TIMEOUT="2",
        EXTRACT_MAX_RETRIES="2",
        EXTRACT_RETRY_WAIT_MAX="0.05",
    )
    env.update(extra)
    return env


def extract_command(*args: str) -> list[str]:
    """``extract ARGS`` through the real entry point, with this interpreter."""
    return [sys.executable, "-c", "from extract.cli import main; main()", *args]


def write_articles(folder: Path, texts: dict[str, str]) -> Path:
    """One ``<name>.txt`` per entry, each tagged ``ref:<name>`` for routing; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(f"{text}\n\nref:{name}\n", encoding="utf-8")
    return folder
