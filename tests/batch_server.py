"""A fake OpenAI Files + Batches API on 127.0.0.1, for batch-mode tests and benchmarks.

Never a real provider. It keeps uploaded files and batches in memory and runs a batch when it
is polled: ``validating`` → ``in_progress`` → ``completed`` (after ``polls`` retrieves). Each
input line is answered by ``answer(body)``: by default the **recorded** response of the local
model for that body (``recordings/<key>.json``, the key computed from the body exactly as
``extract.llm.recording.request_key`` does, and checked against the line's ``custom_id``).
Failure paths are SYNTHETIC and scripted:

- ``fail_items[custom_id] = n``: the first ``n`` attempts of that request come back in the error
  file (HTTP 500), later ones are answered;
- ``expire_after = k``: the next batch answers ``k`` lines, then expires (the rest are in the
  error file as ``batch_expired``, as the real API reports them);
- ``fail_batches = n``: the next ``n`` batches fail validation (status ``failed``, no output).

Endpoints: ``POST /v1/files``, ``GET /v1/files/{id}/content``, ``POST /v1/batches``,
``GET /v1/batches/{id}``, ``GET /v1/batches``.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def body_key(body: Any) -> str:
    """``request_key`` of a POST to /chat/completions carrying ``body``."""
    canonical = json.dumps(["POST", "/chat/completions", body], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def recorded_answer(recordings: Path) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    """Answer a body with its recording (404 when it was never recorded)."""

    def answer(body: dict[str, Any]) -> tuple[int, Any]:
        path = recordings / f"{body_key(body)}.json"
        if not path.is_file():
            return 404, {"error": {"message": "not recorded", "type": "invalid_request_error"}}
        entry = json.loads(path.read_text(encoding="utf-8"))
        return int(entry["response"]["status"]), entry["response"]["body"]

    return answer


@dataclass
class FakeBatchAPI:
    answer: Callable[[dict[str, Any]], tuple[int, Any]] = field(
        default_factory=lambda: recorded_answer(ROOT / "recordings")
    )
    polls: int = 2
    fail_items: dict[str, int] = field(default_factory=dict)
    expire_after: int | None = None
    fail_batches: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: int = 0  # batches created (each would be paid for)
    uploads: int = 0
    lines_answered: int = 0
    _polled: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ API
    def upload(self, name: str, data: bytes) -> dict[str, Any]:
        with self._lock:
            self.uploads += 1
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = data
        return _file(file_id, name, len(data))

    def create(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if params.get("input_file_id") not in self.files:
                raise KeyError(params.get("input_file_id"))
            self.created += 1
            batch_id = f"batch_{self.created}"
            batch = {
                "id": batch_id,
                "object": "batch",
                "endpoint": params["endpoint"],
                "input_file_id": params["input_file_id"],
                "completion_window": params["completion_window"],
                "status": "validating",
                "created_at": int(time.time()),
                "metadata": params.get("metadata"),
                "output_file_id": None,
                "error_file_id": None,
                "request_counts": {"total": 0, "completed": 0, "failed": 0},
            }
            if self.fail_batches:
                self.fail_batches -= 1
                batch["status"] = "failed"
                batch["errors"] = {
                    "object": "list",
                    "data": [{"code": "invalid_request", "message": "SYNTHETIC failure"}],
                }
            self.batches[batch_id] = batch
            self._polled[batch_id] = 0
        return dict(batch)

    def retrieve(self, batch_id: str) -> dict[str, Any]:
        with self._lock:
            batch = self.batches[batch_id]
            self._polled[batch_id] += 1
            if batch["status"] == "validating":
                batch["status"] = "in_progress"
            elif batch["status"] == "in_progress" and self._polled[batch_id] >= self.polls:
                self._run(batch)
            return dict(batch)

    def _run(self, batch: dict[str, Any]) -> None:
        lines = [json.loads(x) for x in self.files[batch["input_file_id"]].splitlines() if x]
        done, errors = [], []
        limit, self.expire_after = self.expire_after, None
        for number, line in enumerate(lines):
            custom_id = line["custom_id"]
            assert custom_id == body_key(line["body"]), "custom_id is not the request's key"
            item: dict[str, Any] = {"id": f"batch_req_{number}", "custom_id": custom_id}
            if limit is not None and number >= limit:
                item |= {
                    "response": None,
                    "error": {"code": "batch_expired", "message": "SYNTHETIC: not run in time"},
                }
                errors.append(item)
                continue
            if self.fail_items.get(custom_id, 0) > 0:
                self.fail_items[custom_id] -= 1
                body = {"error": {"message": "SYNTHETIC server error", "type": "server_error"}}
                item |= {"response": {"status_code": 500, "body": body}, "error": None}
                errors.append(item)
                continue
            status, body = self.answer(line["body"])
            self.lines_answered += 1
            item |= {"response": {"status_code": status, "request_id": "r", "body": body}}
            item["error"] = None
            (done if status == 200 else errors).append(item)
        for kind, items in (("output_file_id", done), ("error_file_id", errors)):
            if items:
                file_id = f"file-{len(self.files) + 1}"
                self.files[file_id] = "".join(json.dumps(i) + "\n" for i in items).encode()
                batch[kind] = file_id
        batch["status"] = "expired" if limit is not None else "completed"
        batch["request_counts"] = {
            "total": len(lines),
            "completed": len(done),
            "failed": len(errors),
        }


def _file(file_id: str, name: str, size: int) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "file",
        "bytes": size,
        "created_at": int(time.time()),
        "filename": name,
        "purpose": "batch",
        "status": "processed",
    }


class _Handler(BaseHTTPRequestHandler):
    api: FakeBatchAPI

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def do_POST(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        if path.endswith("/files"):
            head = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode()
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                head + self._body()
            )
            for part in message.iter_parts():
                if part.get_param("name", header="content-disposition") == "file":
                    name = part.get_filename() or "input.jsonl"
                    data = part.get_payload(decode=True)
                    self._send(200, self.api.upload(name, data))
                    return
            self._send(400, {"error": {"message": "no file part"}})
        elif path.endswith("/batches"):
            try:
                self._send(200, self.api.create(json.loads(self._body())))
            except KeyError:
                self._send(404, {"error": {"message": "no such file"}})
        else:
            self._send(404, {"error": {"message": f"no route {path}"}})

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        parts = path.rstrip("/").split("/")
        if path.endswith("/content") and parts[-2] in self.api.files:
            self._send(200, None, raw=self.api.files[parts[-2]])
        elif parts[-1] == "batches":
            data = [dict(b) for b in reversed(list(self.api.batches.values()))]
            self._send(200, {"object": "list", "data": data, "has_more": False})
        elif parts[-2] == "batches" and parts[-1] in self.api.batches:
            self._send(200, self.api.retrieve(parts[-1]))
        else:
            self._send(404, {"error": {"message": f"no route {path}"}})


class BatchServer:
    """``with BatchServer() as server:`` serves ``server.api`` at ``server.url``."""

    def __init__(self, api: FakeBatchAPI | None = None) -> None:
        self.api = api or FakeBatchAPI()
        handler = type("Handler", (_Handler,), {"api": self.api})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> BatchServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
