"""The API key never reaches a file or the screen, even from a server that echoes it back.

A planted unique key goes to a SYNTHETIC server (tests/fault_server.py) that quotes the
``Authorization`` header in its error bodies; the run records into a temporary folder (never the
repository's ``recordings/``) with ``--debug`` tracebacks on. Then every file the run wrote and
everything it printed is searched for the key.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from tests.conftest import RECORDINGS
from tests.fault_server import FaultServer, cli_env, extract_command, ok, status, write_articles

TEXT = "Donald Trump a rencontré Sanae Takaichi à Tokyo mardi."


def test_planted_key_appears_in_no_file_and_no_output(tmp_path: Path) -> None:
    key = f"sk-planted-{uuid.uuid4().hex}"
    articles = write_articles(
        tmp_path / "in", {"good": TEXT, "echo500": TEXT, "echo400": TEXT, "echo200": TEXT}
    )
    with FaultServer() as server:
        server.play("echo500", status(500, message="upstream refused key {auth}"))
        server.play("echo400", status(400, message="invalid header {auth}"))
        server.play("echo200", status(200, message="{auth}"), ok())  # a body with no choices
        server.play("good", ok())
        proc = subprocess.run(
            extract_command(
                "--debug", "run", str(articles), "--out", str(tmp_path / "out"), "--record",
                "--recordings", str(tmp_path / "rec"), "--base-url", server.url,
            ),
            cwd=tmp_path, env=cli_env(OPENAI_API_KEY=key), capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        assert server.authorizations == {f"Bearer {key}"}  # the key was really sent
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr  # --debug shows the failed articles' tracebacks
    assert "[REDACTED]" in proc.stderr  # the echoes were there, scrubbed
    written = [p for p in tmp_path.rglob("*") if p.is_file()]  # documents, manifest, recordings
    assert {p.parent.name for p in written} == {"in", "out", "rec"}
    assert len(list((tmp_path / "rec").iterdir())) == 4
    for path in written:
        assert key not in path.read_text(encoding="utf-8"), path
    assert key not in proc.stdout and key not in proc.stderr
    for path in RECORDINGS.glob("*.json"):  # nothing of this run went to the repository's
        text = path.read_text(encoding="utf-8")
        assert key not in text and "synthetic-model" not in text, path
