"""Ctrl-C and SIGTERM during a real ``extract run`` subprocess (SYNTHETIC slow answers).

The signal arrives once the first document is on disk and the next article is in flight: what
is finished must be complete and valid, nothing half-written may remain, the manifest must say
what is done, and the same command must then do only what is left.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from pathlib import Path

from extract.pipeline import run_batch
from extract.schemas import validation_errors
from extract.settings import Settings
from tests.fault_server import FaultServer, cli_env, extract_command, ok, write_articles

TEXT = "Donald Trump a rencontré Sanae Takaichi à Tokyo mardi."
NAMES = ["a1", "a2", "a3", "a4"]


def _default_sigint() -> None:
    # A shell starts background jobs with SIGINT ignored, and a child inherits that (Python then
    # leaves it ignored): the test suite run as `cmd &` would see Ctrl-C ignored. The child gets
    # the default disposition, as a foreground `extract run` in a terminal has.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _recorded_done(out: Path, name: str) -> bool:
    """True once ``name``'s document exists and the manifest on disk calls it done (a loaded
    machine can stretch the moment between the two writes: a kill there is not this test)."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    entry = manifest.get("articles", {}).get(name, {})
    return (out / f"{name}.json").exists() and entry.get("status") == "ok"


def _interrupt(server: FaultServer, articles: Path, out: Path, signum: int) -> tuple[int, str]:
    server.default = ok(delay=1.5)  # slow answers: the signal lands while a2 is in flight
    # The request timeout stays far above the delay: a slow answer that times out is retried,
    # and a cancellation landing on that timeout must not be what the test measures.
    proc = subprocess.Popen(
        extract_command("run", str(articles), "--out", str(out), "--base-url", server.url),
        cwd=out.parent, env=cli_env(EXTRACT_TIMEOUT="30"), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not _recorded_done(out, "a1"):  # the document, then the manifest entry for it
        assert proc.poll() is None and time.monotonic() < deadline, "a1 never finished"
        time.sleep(0.02)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=30)
    server.default = ok()
    return proc.returncode, stderr


def _check_interrupted_state(out: Path, stderr: str) -> dict[str, str]:
    assert "Traceback" not in stderr
    messages = [line for line in stderr.splitlines() if line.startswith("extract:")]
    assert len(messages) == 1 and messages[0].startswith("extract: interrupted: 1 done, 3 pending")
    assert "rerun the same command to resume" in messages[0]
    leftovers = [p.name for p in out.iterdir() if p.suffix != ".json" or p.name.startswith(".")]
    assert leftovers == []  # no temporary or half-written file
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert validation_errors(manifest, "manifest") == []
    assert manifest["run"]["stopped"] == "interrupted" and manifest["run"]["finished"]
    states = {k: v["status"] for k, v in manifest["articles"].items()}
    assert states == {"a1": "ok", "a2": "pending", "a3": "pending", "a4": "pending"}
    for name in NAMES:  # a document exists exactly for what the manifest calls done
        document = out / f"{name}.json"
        assert document.exists() == (states[name] == "ok")
        if document.exists():
            assert validation_errors(json.loads(document.read_text("utf-8")), "result") == []
    return states


def _rerun(server: FaultServer, articles: Path, out: Path, *args: str) -> dict[str, str]:
    proc = subprocess.run(
        extract_command("run", str(articles), "--out", str(out), "--base-url", server.url, *args),
        cwd=out.parent, env=cli_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert validation_errors(manifest, "manifest") == [] and manifest["run"]["stopped"] is None
    return {k: v["status"] for k, v in manifest["articles"].items()}


def test_ctrl_c_keeps_finished_work_and_a_rerun_does_only_the_rest(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", dict.fromkeys(NAMES, TEXT))
    out = tmp_path / "out"
    with FaultServer() as server:
        code, stderr = _interrupt(server, articles, out, signal.SIGINT)
        assert code == 130
        _check_interrupted_state(out, stderr)
        done_before = (out / "a1.json").read_bytes()
        asked = {name: server.count(name) for name in NAMES}

        states = _rerun(server, articles, out)
        assert states == {"a1": "skipped", "a2": "ok", "a3": "ok", "a4": "ok"}
        assert server.count("a1") == asked["a1"] == 1  # nothing asked again for a1
        assert all(server.count(n) == asked[n] + 1 for n in ("a2", "a3", "a4"))
        assert (out / "a1.json").read_bytes() == done_before

        states = _rerun(server, articles, out, "--force")
        assert set(states.values()) == {"ok"} and server.count("a1") == 2


def test_sigterm_stops_like_ctrl_c(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", dict.fromkeys(NAMES, TEXT))
    out = tmp_path / "out"
    with FaultServer() as server:
        code, stderr = _interrupt(server, articles, out, signal.SIGTERM)
        assert code == 130
        _check_interrupted_state(out, stderr)


def test_sigkill_loses_nothing_finished_and_the_rerun_cleans_up(tmp_path: Path) -> None:
    # SIGKILL (or a power cut) runs no cleanup: what survives is what atomic writes guarantee.
    articles = write_articles(tmp_path / "in", dict.fromkeys(NAMES, TEXT))
    out = tmp_path / "out"
    with FaultServer() as server:
        code, _ = _interrupt(server, articles, out, signal.SIGKILL)
        assert code == -signal.SIGKILL
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert validation_errors(manifest, "manifest") == []  # whole, if behind
        assert manifest["articles"]["a1"]["status"] == "ok"
        document = json.loads((out / "a1.json").read_text(encoding="utf-8"))
        assert validation_errors(document, "result") == []
        (out / ".a2.json.k1ll3d.tmp").write_text('{"article_id": "a2", "lang')  # as a kill leaves
        settings = Settings.from_env(cli_env(OPENAI_BASE_URL=server.url))
        rerun = asyncio.run(run_batch([articles], out, settings))  # what `extract run` calls
        states = {k: v.status for k, v in rerun.articles.items()}
        assert states == {"a1": "skipped", "a2": "ok", "a3": "ok", "a4": "ok"}
        assert server.count("a1") == 1
    assert sorted(p.name for p in out.iterdir()) == [*(f"{n}.json" for n in NAMES), "manifest.json"]
