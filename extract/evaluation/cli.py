"""The ``extract eval`` command: score a run directory against golden files and report.

Registered on the main group by ``extract/cli.py``, which turns the package's errors into one line
on stderr and exit code 2 (``InputError``) or 1 (``SchemaError``).
"""

from __future__ import annotations

from pathlib import Path

import click

from extract.errors import InputError
from extract.evaluation.evaluate import evaluate, load_golden, load_run
from extract.evaluation.report import article_texts, to_html, to_json, to_markdown
from extract.llm.recording import write_atomic

_PATH = click.Path(path_type=Path)


@click.command("eval")
@click.argument("run_dir", type=_PATH)
@click.option(
    "--golden",
    "golden_dir",
    default=Path("golden"),
    show_default=True,
    type=_PATH,
    help="Folder of golden <article_id>.json files.",
)
@click.option("--md", "md_file", type=_PATH, help="Also write the Markdown report here.")
@click.option("--json", "json_file", type=_PATH, help="Write the JSON report here.")
@click.option("--html", "html_file", type=_PATH, help="Write the HTML report here.")
@click.option(
    "--threshold",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help="Least similarity for a meeting, agreement or commitment to match.",
)
def eval_command(
    run_dir: Path,
    golden_dir: Path,
    md_file: Path | None,
    json_file: Path | None,
    html_file: Path | None,
    threshold: float,
) -> None:
    """Score RUN_DIR (result documents) against golden files; print the Markdown report."""
    for directory, what in ((run_dir, "run"), (golden_dir, "golden")):
        if not directory.is_dir():
            raise InputError(f"no such {what} directory", path=directory)
    # from the folders, so the run's manifest scopes the golden articles and sub-folders group
    report = evaluate(run_dir, golden_dir, threshold=threshold)
    markdown = to_markdown(report)
    click.echo(markdown, nl=False)
    if md_file is not None:
        write_atomic(md_file, markdown)
    if json_file is not None:
        write_atomic(json_file, to_json(report))
    if html_file is not None:
        run_docs, golden_docs = load_run(run_dir), load_golden(golden_dir)
        texts = article_texts(report.per_article, run_docs, golden_dir)
        write_atomic(html_file, to_html(report, run_docs, golden_docs, texts))
    written = [str(p) for p in (md_file, json_file, html_file) if p is not None]
    if written:
        click.echo(f"wrote {', '.join(written)}", err=True)
