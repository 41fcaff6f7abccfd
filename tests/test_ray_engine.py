"""The Ray engine (``extract run --engine ray``): the same documents and manifest as ``run_batch``.

One local Ray for the module (2 CPUs, no dashboard). The Ray run calls a fake OpenAI-compatible
server on 127.0.0.1 that answers each request with its recorded response (tests/
recorded_server.py); ``extract run --replay`` reads the same recordings through the replay
transport. The documents must be the same but for what says how they were made: ``timings``,
``backend.replay`` and ``backend.base_url`` (the fake server's port, not the recorded 8080).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import extract
from extract.cli import cli
from extract.errors import ConfigError
from extract.settings import Settings
from tests.conftest import RECORDINGS, SEEDS
from tests.recorded_server import RecordedServer

RECORDED = ["--strategy", "staged", "--mode", "gbnf"]  # what the seeds' recordings were made with
LEGITIMATE = {"timings"}  # top-level fields that say when, not what
BACKEND_LEGITIMATE = {"replay", "base_url"}  # how it was asked: replay vs a server on a new port
# Ray Data 2.60 warns about deprecated fields of its own default context (DataContext
# .get_current sets them itself), not about anything the engine does
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")


@pytest.fixture(scope="module")
def ray_local() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def server() -> Iterator[RecordedServer]:
    with RecordedServer(RECORDINGS) as running:
        yield running


def _seeds(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


def _documents(out: Path) -> dict[str, dict[str, Any]]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(out.glob("*.json"))
        if p.name != "manifest.json"
    }


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in document.items() if k not in LEGITIMATE}
    kept["backend"] = {k: v for k, v in document["backend"].items() if k not in BACKEND_LEGITIMATE}
    return kept


def _invoke(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_ray_run_writes_the_documents_and_manifest_of_a_replay_run(
    ray_local: Any, server: RecordedServer, tmp_path: Path
) -> None:
    seeds = _seeds(tmp_path / "seeds")
    replay_out, ray_out = tmp_path / "replay", tmp_path / "ray"
    base = ["--model", Settings().model, "--recordings", str(RECORDINGS), *RECORDED]
    replayed = _invoke(
        ["run", str(seeds), "--replay", "--base-url", "http://127.0.0.1:8080/v1", *base,
         "--out", str(replay_out)]
    )  # fmt: skip
    assert replayed.exit_code == 0, replayed.output
    before = server.stats()
    result = _invoke(
        ["run", str(seeds), "--engine", "ray", "--workers", "2", "--concurrency", "2",
         "--base-url", server.url, *base, "--out", str(ray_out)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    after = server.stats()

    replay_docs, ray_docs = _documents(replay_out), _documents(ray_out)
    assert len(ray_docs) == 4 and sorted(ray_docs) == sorted(replay_docs)
    for article_id, document in ray_docs.items():
        assert _comparable(document) == _comparable(replay_docs[article_id]), article_id
        assert document["backend"]["replay"] is False
        assert document["backend"]["base_url"] == server.url
    sent = sum(d["usage"]["requests"] for d in ray_docs.values())
    assert after["requests"] - before["requests"] == sent and after["misses"] == before["misses"]

    replay_manifest = json.loads((replay_out / "manifest.json").read_text(encoding="utf-8"))
    ray_manifest = json.loads((ray_out / "manifest.json").read_text(encoding="utf-8"))
    for entry in (*replay_manifest["articles"].values(), *ray_manifest["articles"].values()):
        entry.pop("seconds")
    assert ray_manifest["articles"] == replay_manifest["articles"]
    assert ray_manifest["run"]["finished"] is not None and ray_manifest["run"]["stopped"] is None

    again = _invoke(
        ["run", str(seeds), "--engine", "ray", "--base-url", server.url, *base,
         "--out", str(ray_out)]
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert server.stats()["requests"] == after["requests"]  # all done before: nothing sent
    manifest = json.loads((ray_out / "manifest.json").read_text(encoding="utf-8"))
    assert [a["status"] for a in manifest["articles"].values()] == ["skipped"] * 4


def test_ray_run_marks_a_failing_article_failed_with_its_reason_and_goes_on(
    ray_local: Any, server: RecordedServer, tmp_path: Path
) -> None:
    seeds = _seeds(tmp_path / "seeds")
    # an article no recording answers: the fake server's synthetic 404 fails it, alone
    (seeds / "zz_unrecorded.txt").write_text("Un texte que personne n'a enregistré.\n", "utf-8")
    (seeds / "zz_empty.txt").write_text("", encoding="utf-8")  # fails on the driver, unread
    settings = Settings(
        base_url=server.url,
        strategy="staged",
        mode="gbnf",
        max_retries=0,
        concurrency=2,
    )
    manifest = extract.extract_many(
        seeds, out_dir=tmp_path / "out", settings=settings, engine="ray"
    )
    states = {k: (a.status, a.error) for k, a in manifest.articles.items()}
    assert [states[k][0] for k in sorted(states)] == ["ok"] * 4 + ["failed"] * 2
    assert "empty article" in (states["zz_empty"][1] or "")
    assert "404" in (states["zz_unrecorded"][1] or "")
    assert "\n" not in (states["zz_unrecorded"][1] or "")
    assert manifest.articles["zz_unrecorded"].usage.requests >= 1
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["articles"]["zz_unrecorded"]["status"] == "failed"
    assert not (tmp_path / "out" / "zz_unrecorded.json").exists()


def test_budgets_are_refused_with_the_ray_engine(tmp_path: Path) -> None:
    from extract.ray_engine import check_ray

    with pytest.raises(ConfigError, match="--engine local only"):
        check_ray(Settings(max_requests=10), 2)
    result = CliRunner().invoke(
        cli, ["run", str(SEEDS), "--engine", "ray", "--token-budget", "100",
              "--out", str(tmp_path / "out")]
    )  # fmt: skip
    assert result.exit_code != 0 and "--engine local only" in str(result.exception)
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_without_ray_one_line_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from extract.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(SEEDS), "--engine", "ray", "--out", str(tmp_path / "out")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == "extract: error: the Ray engine needs Ray: pip install 'extract[ray]'"


def test_workers_need_the_ray_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", str(SEEDS), "--workers", "2", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--workers needs --engine ray" in result.output
