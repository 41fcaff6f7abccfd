"""A fake OpenAI-compatible server on 127.0.0.1 that answers with recorded responses.

Each ``POST .../chat/completions`` is answered, after ``delay`` seconds, with the recording of
that very request: ``recordings/<request_key>.json``, the key computed from the incoming method,
path and JSON body by ``extract.llm.recording.request_key`` (the same function that named the
recordings). Its ``response.body`` goes back with its status. A request never recorded gets a
synthetic 404 (counted as a miss). ``GET /stats`` reports requests, misses and the peak number
of requests in flight.

Runs in a child process (stdlib asyncio HTTP/1.1, keep-alive), so the client under test does not
share its event loop or GIL; it exits when the parent closes its stdin, or after ``LIFETIME``.
Only reads the recordings folder. Used by tests/test_ray_engine.py and bench/ray_engine.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

LIFETIME = 900.0  # seconds: a server left behind by a crashed parent goes away
MISS = b'{"error": {"message": "synthetic: no recorded answer for this request"}}'


def load(recordings: Path) -> dict[str, tuple[int, str, bytes]]:
    """Recording key -> (status, content type, body bytes)."""
    table = {}
    for path in sorted(recordings.glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        response = entry["response"]
        body = response["body"]
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        content_type = str(response.get("content_type", "application/json"))
        table[entry["key"]] = (int(response["status"]), content_type, raw)
    return table


def serve(recordings: Path, delay: float) -> None:
    import httpx2

    from extract.llm.recording import request_key

    table = load(recordings)
    stats = {"requests": 0, "misses": 0, "inflight": 0, "peak": 0}

    def answer(method: str, target: str, body: bytes) -> tuple[int, str, bytes]:
        request = httpx2.Request(method, f"http://127.0.0.1{target}", content=body)
        found = table.get(request_key(request))
        if found is None:
            stats["misses"] += 1
            return 404, "application/json", MISS
        return found

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                content_type = "application/json"
                if method == "GET" and target == "/stats":
                    status, payload = 200, json.dumps(stats).encode()
                elif method == "POST" and "/chat/completions" in target:
                    stats["requests"] += 1
                    stats["inflight"] += 1
                    stats["peak"] = max(stats["peak"], stats["inflight"])
                    try:
                        await asyncio.sleep(delay)
                        status, content_type, payload = answer(method, target, body)
                    finally:
                        stats["inflight"] -= 1
                else:
                    status, payload = 404, b'{"error": {"message": "not found"}}'
                reason = {200: "OK", 404: "Not Found"}.get(status, "Status")
                writer.write(
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
                    f"Content-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        print(server.sockets[0].getsockname()[1], flush=True)
        done = asyncio.Event()
        loop = asyncio.get_running_loop()

        def watch_stdin() -> None:  # the parent closes our stdin (or dies): stop
            sys.stdin.read()
            loop.call_soon_threadsafe(done.set)

        threading.Thread(target=watch_stdin, daemon=True).start()
        async with server:
            try:
                await asyncio.wait_for(done.wait(), LIFETIME)
            except TimeoutError:
                pass

    asyncio.run(main())


class RecordedServer:
    """``with RecordedServer(recordings, delay) as server:`` ... ``server.url`` (``/v1``)."""

    def __init__(self, recordings: Path, delay: float = 0.0) -> None:
        self.recordings, self.delay = recordings, delay
        self.root = self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> RecordedServer:
        command = [sys.executable, __file__, str(self.recordings), "--delay", str(self.delay)]
        self._proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._proc.stdout is not None
        port = int(self._proc.stdout.readline())
        self.root = f"http://127.0.0.1:{port}"
        self.url = f"{self.root}/v1"
        return self

    def stats(self) -> dict[str, Any]:
        import httpx2

        return dict(httpx2.get(f"{self.root}/stats", timeout=10).json())

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recordings", type=Path)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    serve(args.recordings, args.delay)
