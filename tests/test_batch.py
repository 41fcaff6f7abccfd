"""Batch mode against a fake Files + Batches server answering with the committed recordings.

The first test is the issue's "done means": one recorded answer set replayed sequentially,
concurrently and through the Batch API gives the same documents.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from extract import batch as batching
from extract.cli import main
from extract.pipeline import run_batch
from extract.settings import Settings
from tests.batch_server import BatchServer, FakeBatchAPI, body_key, recorded_answer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
RECORDED = {"strategy": "staged", "mode": "gbnf"}  # what the seeds' recordings were made with


def replayed(tmp_path: Path, name: str, concurrency: int) -> dict[str, dict[str, Any]]:
    settings = Settings(
        base_url="http://127.0.0.1:8080/v1",
        cassette="replay",
        recordings=ROOT / "recordings",
        concurrency=concurrency,
        **RECORDED,
    )
    out = tmp_path / name
    manifest = asyncio.run(run_batch([SEEDS], out, settings))
    assert {a.status for a in manifest.articles.values()} == {"ok"}
    return documents(out)


def documents(folder: Path) -> dict[str, dict[str, Any]]:
    """Every document, without what differs between two runs of the same answers: when it
    ran (``timings``) and how the answers arrived (``backend``: replay flag, endpoint)."""
    found = {}
    for path in sorted(folder.glob("*.json")):
        if path.name != "manifest.json":
            doc = json.loads(path.read_text(encoding="utf-8"))
            doc.pop("timings"), doc.pop("backend")
            found[path.stem] = doc
    return found


def batch_settings(server: BatchServer) -> Settings:
    return Settings(base_url=server.url, api_key="sk-test-batch-0000", **RECORDED)


def run_batches(server: BatchServer, out: Path) -> batching.BatchReport:
    return asyncio.run(
        batching.run_until_done([SEEDS], out, batch_settings(server), poll=0.01, poll_max=0.01)
    )


def test_sequential_concurrent_and_batch_give_the_same_documents(tmp_path: Path) -> None:
    sequential = replayed(tmp_path, "sequential", concurrency=1)
    concurrent = replayed(tmp_path, "concurrent", concurrency=8)
    with BatchServer() as server:
        report = run_batches(server, tmp_path / "batch")
    assert report.done and not report.in_flight
    assert {a.status for a in report.manifest.articles.values()} == {"ok"}
    batched = documents(tmp_path / "batch")
    assert len(sequential) == 4
    assert sequential == concurrent == batched
    # two rounds: the questions, then the follow-ups and re-asks (far fewer)
    assert server.api.created == 2
    rounds = [p.requests for p in batching.Folder(tmp_path / "batch").load().parts]
    assert rounds[0] > 3 * rounds[1] > 0
    manifest = json.loads((tmp_path / "batch" / "manifest.json").read_text())
    usage = sum(a["usage"]["calls"] for a in manifest["articles"].values())
    assert usage == sum(d["attempts"] for d in batched.values())  # every answer counted once


def test_a_crash_after_creating_a_batch_does_not_pay_twice(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with BatchServer() as server:
        asyncio.run(batching.submit([SEEDS], out, batch_settings(server)))
        folder = batching.Folder(out)
        state = folder.load()
        (part,) = state.parts
        assert part.batch_id == "batch_1" and server.api.created == 1
        part.batch_id = None  # as if killed between creating the batch and saving its id
        folder.save(state)
        asyncio.run(batching.submit([SEEDS], out, batch_settings(server)))
        assert folder.load().parts[0].batch_id == "batch_1"
        assert server.api.created == 1 and server.api.uploads == 1
        # killed before the upload was saved: uploaded again (free), still one batch per part
        state = folder.load()
        state.parts[0].file_id = state.parts[0].batch_id = None
        folder.save(state)
        asyncio.run(batching.submit([SEEDS], out, batch_settings(server)))
        assert server.api.created == 1 and server.api.uploads == 2
        report = asyncio.run(
            batching.run_until_done([SEEDS], out, batch_settings(server), poll=0.01)
        )
    assert report.done


def test_failed_and_expired_requests_are_resubmitted(tmp_path: Path) -> None:
    expected = replayed(tmp_path, "replay", concurrency=1)
    api = FakeBatchAPI(expire_after=6)
    with BatchServer(api) as server:
        out = tmp_path / "run"
        asyncio.run(batching.submit([SEEDS], out, batch_settings(server)))
        first = batching.Folder(out).load().parts[0]
        lines = (out / "batch/parts" / first.name).read_text().splitlines()
        keys = [json.loads(x)["custom_id"] for x in lines]
        api.fail_items[keys[-1]] = 1  # expired in batch 1, fails once in batch 2
        notes: list[str] = []
        report = asyncio.run(
            batching.run_until_done(
                [SEEDS], out, batch_settings(server), poll=0.01, on_note=notes.append
            )
        )
    assert report.done
    assert documents(out) == expected
    left = len(keys) - 6
    assert any(
        f"expired: 6 answered, {left} failed or unanswered: {left} resubmitted" in n for n in notes
    )
    assert batching.Folder(out).load().attempts[keys[-1]] == 2


def test_a_request_that_keeps_failing_fails_its_article_only(tmp_path: Path) -> None:
    api = FakeBatchAPI()
    with BatchServer(api) as server:
        out = tmp_path / "run"
        asyncio.run(batching.submit([SEEDS], out, batch_settings(server)))
        part = batching.Folder(out).load().parts[0]
        first = json.loads((out / "batch/parts" / part.name).read_text().splitlines()[0])
        api.fail_items[first["custom_id"]] = batching.MAX_ATTEMPTS
        report = asyncio.run(
            batching.run_until_done([SEEDS], out, batch_settings(server), poll=0.01)
        )
    statuses = {k: a for k, a in report.manifest.articles.items()}
    failed = [a for a in statuses.values() if a.status == "failed"]
    assert len(failed) == 1 and len(statuses) == 4
    assert "SYNTHETIC server error" in (failed[0].error or "")
    assert f"failed {batching.MAX_ATTEMPTS} times" in (failed[0].error or "")


def test_a_failed_batch_is_resubmitted(tmp_path: Path) -> None:
    expected = replayed(tmp_path, "replay", concurrency=1)
    with BatchServer(FakeBatchAPI(fail_batches=1)) as server:
        notes: list[str] = []
        report = asyncio.run(
            batching.run_until_done(
                [SEEDS], tmp_path / "run", batch_settings(server), poll=0.01, on_note=notes.append
            )
        )
    assert report.done and documents(tmp_path / "run") == expected
    assert any("batch_1" in n and "failed" in n and "resubmitted" in n for n in notes)


def test_large_runs_split_at_the_providers_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = replayed(tmp_path, "replay", concurrency=1)
    monkeypatch.setattr(batching, "MAX_REQUESTS_PER_FILE", 5)
    with BatchServer() as server:
        out = tmp_path / "run"
        report = asyncio.run(batching.submit([SEEDS], out, batch_settings(server)))
        sizes = [p.requests for p in report.submitted]
        assert len(sizes) >= 4 and max(sizes) == 5
        assert server.api.created == len(sizes)
        # one line per request key across the files, each at most 5 lines
        keys = [
            json.loads(line)["custom_id"]
            for p in report.submitted
            for line in (out / "batch/parts" / p.name).read_text().splitlines()
        ]
        assert len(keys) == len(set(keys)) == sum(sizes)
        asyncio.run(batching.run_until_done([SEEDS], out, batch_settings(server), poll=0.01))
    assert documents(out) == expected


def test_byte_limit_splits_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batching, "MAX_BYTES_PER_FILE", 20_000)
    settings = Settings(base_url="http://127.0.0.1:8080/v1", **RECORDED)
    report = asyncio.run(batching.submit([SEEDS], tmp_path, settings, upload_parts=False))
    assert len(report.submitted) > 1
    assert all(p.bytes <= 20_000 for p in report.submitted if p.requests > 1)


def vllm_run_batch(input_file: Path, output_file: Path) -> None:
    """What `vllm run-batch -i input -o output` writes, with the recorded answers standing in
    for the model: one output line per input line, the OpenAI batch output format."""
    answer = recorded_answer(ROOT / "recordings")
    with output_file.open("w") as out:
        for number, line in enumerate(input_file.read_text().splitlines()):
            request = json.loads(line)
            assert request["url"] == "/v1/chat/completions"
            assert request["custom_id"] == body_key(request["body"])
            status, body = answer(request["body"])
            response = {"status_code": status, "request_id": f"vllm-batch-{number}", "body": body}
            item = {"id": f"vllm-{number}", "custom_id": request["custom_id"]}
            out.write(json.dumps(item | {"response": response, "error": None}) + "\n")


def test_vllm_run_batch_files_round_trip_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = replayed(tmp_path, "replay", concurrency=1)
    out = tmp_path / "run"
    endpoint = ["--base-url", "http://127.0.0.1:8080/v1", "--strategy", "staged", "--mode", "gbnf"]
    with pytest.raises(SystemExit) as exit_:
        main(["batch", "submit", str(SEEDS), "--out", str(out), "--no-upload", *endpoint])
    assert exit_.value.code == 0
    printed = capsys.readouterr().out
    assert "vllm run-batch -i" in printed and "--results" in printed
    for _ in range(4):  # rounds: questions, follow-ups (and re-asks)
        folder = batching.Folder(out)
        todo = [p for p in folder.load().parts if not p.collected]
        if not todo:
            break
        results = []
        for part in todo:
            output = tmp_path / f"{part.name}.out.jsonl"
            vllm_run_batch(folder.parts / part.name, output)
            results += ["--results", str(output)]
        with pytest.raises(SystemExit) as exit_:
            main(["batch", "collect", str(out), *results])
        assert exit_.value.code == 0
    assert documents(out) == expected
    assert "4 done, 0 failed, 0 waiting" in capsys.readouterr().out


def test_collect_without_results_on_a_local_batch_says_what_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(base_url="http://127.0.0.1:8080/v1", **RECORDED)
    asyncio.run(batching.submit([SEEDS], tmp_path, settings, upload_parts=False))
    with pytest.raises(SystemExit) as exit_:
        main(["batch", "collect", str(tmp_path)])
    assert exit_.value.code == 2
    assert "--results" in capsys.readouterr().err


def test_cli_submit_status_collect_against_the_fake_batch_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-batch-0000")
    out = tmp_path / "run"
    with BatchServer() as server:
        endpoint = ["--base-url", server.url, "--strategy", "staged", "--mode", "gbnf"]
        with pytest.raises(SystemExit):
            main(["batch", "submit", str(SEEDS), "--out", str(out), *endpoint])
        assert "-> batch_1" in capsys.readouterr().out
        main(["batch", "status", str(out)])
        assert "batch_1  in_progress" in capsys.readouterr().out
        with pytest.raises(SystemExit) as exit_:
            main(["batch", "collect", str(out), "--wait", "--poll", "0.01"])
        assert exit_.value.code == 0
    printed = capsys.readouterr()
    assert "4 done, 0 failed, 0 waiting" in printed.out
    assert "sk-test-batch-0000" not in printed.out + printed.err
    assert "sk-test-batch-0000" not in "".join(p.read_text() for p in out.rglob("*.json*"))


def test_run_batch_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = replayed(tmp_path, "replay", concurrency=1)
    with BatchServer() as server:
        endpoint = ["--base-url", server.url, "--strategy", "staged", "--mode", "gbnf"]
        with pytest.raises(SystemExit) as exit_:
            main(
                [
                    "run",
                    str(SEEDS),
                    "--out",
                    str(tmp_path / "run"),
                    "--batch",
                    *endpoint,
                    "--poll",
                    "0.01",
                ]
            )
        assert exit_.value.code == 0
    assert documents(tmp_path / "run") == expected
