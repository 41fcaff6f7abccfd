"""``extract batch submit|status|collect``: large runs through the OpenAI Batch API (or files
for ``vllm run-batch``). The work is in ``extract.batch``; this module only parses and prints."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from extract import batch as batching
from extract.articles import collect as collect_files
from extract.articles import parse_date
from extract.errors import InputError
from extract.llm.recording import scrub
from extract.settings import MODES, STRATEGY_NAMES, Settings


def endpoint_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that decide the requests (and where they go)."""
    for option in reversed(
        [
            click.option("--model", help="Model name [env EXTRACT_MODEL]."),
            click.option("--base-url", help="OpenAI-compatible endpoint [env OPENAI_BASE_URL]."),
            click.option("--mode", type=click.Choice(("auto", *MODES)), help="As `extract run`."),
            click.option(
                "--strategy", type=click.Choice(("auto", *STRATEGY_NAMES)), help="As `extract run`."
            ),
            click.option("--max-reasks", type=click.IntRange(0, 10), help="As `extract run`."),
        ]
    ):
        command = option(command)
    return command


def published_date(text: str | None) -> dt.date | None:
    """``--published`` as a date; a bad value is a usage error naming the option."""
    try:
        return parse_date(text) if text else None
    except InputError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1], param_hint="--published") from None


def settings_for(out_dir: Path | None, secrets: list[str], **options: Any) -> Settings:
    """Settings from flags and environment; a run already submitted keeps its endpoint unless
    ``--base-url`` names another."""
    if out_dir is not None and options.get("base_url") is None:
        folder = batching.Folder(out_dir)
        if folder.state.is_file():
            options["base_url"] = folder.load().settings.get("base_url")
    settings = Settings.from_env(**options)
    secrets.extend(settings.secrets)
    return settings


def describe(report: batching.BatchReport, out_dir: Path, secrets: list[str]) -> str:
    """What was submitted, what is in flight, what to do next."""
    lines = list(report.notes)
    for part in report.submitted:
        where = part.batch_id or "written, not uploaded"
        lines.append(
            f"round {part.round}: {part.name}: {part.requests} requests, "
            f"{part.bytes / 1e6:.2f} MB -> {where}"
        )
    states = [a.status for a in report.manifest.articles.values()]
    failed = [(k, a.error) for k, a in report.manifest.articles.items() if a.status == "failed"]
    lines += [f"failed  {k}: {scrub(e or '', secrets)}" for k, e in failed]
    waiting = states.count("pending")
    done = states.count("ok") + states.count("skipped")
    lines.append(
        f"{done} done, {len(failed)} failed, {waiting} waiting for answers; "
        f"{len(report.in_flight)} batch file(s) in flight; documents in {out_dir}/"
    )
    local = [p for p in report.in_flight if p.batch_id is None]
    for part in local:
        lines.append(
            f"run: vllm run-batch -i {out_dir / 'batch' / 'parts' / part.name} "
            f"-o {out_dir / 'batch' / (part.name[:-6] + '.out.jsonl')} --model <model>"
        )
    if local:
        outs = " ".join(
            f"--results {out_dir / 'batch' / (p.name[:-6] + '.out.jsonl')}" for p in local
        )
        lines.append(f"then: extract batch collect {out_dir} {outs}")
    elif report.in_flight:
        lines.append(f"next: extract batch status {out_dir}; extract batch collect {out_dir}")
    return "\n".join(lines)


def exit_code(report: batching.BatchReport) -> int:
    return 1 if any(a.status == "failed" for a in report.manifest.articles.values()) else 0


def make_group(secrets: list[str], echo: Callable[..., None]) -> click.Group:
    """The ``batch`` command group (``secrets``: the CLI's list scrubbed from output)."""

    def note(text: str) -> None:
        echo(f"extract: note: {text}", err=True)

    @click.group("batch")
    def group() -> None:
        """Large runs through the OpenAI Batch API (half price, answers within 24 h), or input
        files for `vllm run-batch`. Documents and manifest are those of `extract run`."""

    @group.command("submit")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path))
    @click.option(
        "--no-upload",
        is_flag=True,
        help="Write the input files only (for `vllm run-batch`); collect with --results.",
    )
    @click.option("--published", metavar="YYYY-MM-DD", help="As `extract run`.")
    @endpoint_options
    def submit(
        paths: tuple[Path, ...], out_dir: Path, no_upload: bool, published: str | None, **o: Any
    ) -> None:
        """Plan every article's requests, write Batch input files and submit them."""
        day = published_date(published)
        collect_files(list(paths))  # a missing path stops here, before anything
        settings = settings_for(out_dir, secrets, **o)
        report = asyncio.run(
            batching.submit(
                list(paths),
                out_dir,
                settings,
                published=day,
                upload_parts=not no_upload,
                on_note=note,
            )
        )
        echo(scrub(describe(report, out_dir, secrets), secrets))
        sys.exit(exit_code(report))

    @group.command("status")
    @click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
    def status(out_dir: Path) -> None:
        """Each batch file: round, requests, the provider's status."""
        settings = settings_for(out_dir, secrets)
        state = asyncio.run(batching.status(out_dir, settings))
        for part in state.parts:
            where = part.batch_id or "not uploaded"
            done = "collected" if part.collected else part.status
            echo(
                f"{part.name}  round {part.round}  {part.requests:>6} requests  {where}  {done}"
                + (f"  ({part.note})" if part.note else "")
            )
        waiting = [p for p in state.parts if not p.collected]
        echo(f"{len(waiting)} of {len(state.parts)} batch file(s) not collected")

    @group.command("collect")
    @click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
    @click.option(
        "--results",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="An output file of `vllm run-batch` (repeatable).",
    )
    @click.option("--no-submit", is_flag=True, help="Do not submit the next round.")
    @click.option("--wait", is_flag=True, help="Poll (with growing waits) until all is done.")
    @click.option("--poll", default=30.0, show_default=True, help="First wait in seconds.")
    def collect(
        out_dir: Path, results: tuple[Path, ...], no_submit: bool, wait: bool, poll: float
    ) -> None:
        """Download finished batches, write complete documents, submit the next round."""
        settings = settings_for(out_dir, secrets)

        async def work() -> batching.BatchReport:
            report = await batching.collect(
                out_dir,
                settings,
                results=list(results),
                submit_next=not no_submit,
                on_note=note,
            )
            delay = poll
            while wait and report.in_flight and not no_submit and not results:
                echo(scrub(describe(report, out_dir, secrets), secrets), err=True)
                await asyncio.sleep(delay)
                report = await batching.collect(out_dir, settings, on_note=note)
                delay = poll if report.notes else min(delay * 2, 600.0)
            return report

        report = asyncio.run(work())
        echo(scrub(describe(report, out_dir, secrets), secrets))
        sys.exit(exit_code(report))

    return group
