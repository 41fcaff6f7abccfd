"""The command line: bad input gives one line and the right exit code; validate; schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def extract(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "EXTRACT_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", "from extract.cli import main; main()", *args],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    proc = extract("run", str(tmp_path / "nope.txt"), "--replay", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert "nope.txt: no such file or directory" in one_line_error(proc)


def test_unknown_option_is_a_usage_error() -> None:
    proc = extract("run", "seeds", "--frobnicate")
    assert proc.returncode == 2
    assert "No such option" in one_line_error(proc)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty article"),
        (b"  \n\t\n", "only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("Élysée: « déjà »".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unusable_article_fails_with_one_line_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "out"
    proc = extract("run", str(bad), "--replay", "--recordings", str(tmp_path), "--out", str(out))
    assert proc.returncode == 1
    assert "bad.txt" in proc.stderr and message in proc.stderr
    assert "Traceback" not in proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["articles"]["bad"]["status"] == "failed"
    assert message in manifest["articles"]["bad"]["error"]


def test_unknown_mode_from_environment_is_a_config_error(tmp_path: Path) -> None:
    proc = extract("run", "seeds", "--out", str(tmp_path), env={"EXTRACT_MODE": "telepathy"})
    assert proc.returncode == 2
    assert "unknown mode 'telepathy'" in one_line_error(proc)


def test_validate_reports_invalid_documents(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text(json.dumps({"quotes": [{"speaker": "X"}]}))
    (tmp_path / "broken.json").write_text("{not json")
    proc = extract("validate", str(tmp_path))
    assert proc.returncode == 1
    assert "bad.json: (root): 'article_id' is a required property" in proc.stderr
    assert "broken.json: not valid JSON" in proc.stderr
    assert "0 valid, 2 invalid" in proc.stdout


def test_schemas_check_fails_when_stale_and_passes_when_fresh(tmp_path: Path) -> None:
    assert extract("schemas", "--check").returncode == 0  # the committed files are current
    stale = tmp_path / "schemas"
    assert extract("schemas", "--dir", str(stale)).returncode == 0
    (stale / "result.schema.json").write_text("{}")
    proc = extract("schemas", "--check", "--dir", str(stale))
    assert proc.returncode == 1 and "stale schemas: result.schema.json" in one_line_error(proc)


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    from extract.llm.recording import write_atomic

    mask = os.umask(0)
    os.umask(mask)
    write_atomic(tmp_path / "doc.json", "{}\n")
    # mkstemp alone would leave 0600: documents and reports are meant to be shared
    assert (tmp_path / "doc.json").stat().st_mode & 0o777 == 0o666 & ~mask
