"""Snapshot commands: snapshots (list), rollback, check (each calls one library function)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from indexer.cli import EXIT_FATAL, INDEX_OPTION, cli, fatal_errors
from indexer.settings import Settings


@cli.command("snapshots")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@fatal_errors
def snapshots_command(index_dir: Path, as_json: bool) -> None:
    """List the published snapshots, newest first: which is current, which `imr rollback` restores."""
    from indexer.index.stores.snapshots import list_snapshots

    listed = list_snapshots(Settings(index_dir=index_dir))
    if as_json:
        click.echo(json.dumps(listed, indent=1))
        return
    if not listed:
        click.echo(f"no snapshots in {index_dir}: run: imr index SOURCE --index {index_dir}")
        return
    for snap in listed:
        mark = "current " if snap["current"] else "rollback" if snap["rollback"] else "        "
        state = "" if snap["complete"] else "  INCOMPLETE"
        click.echo(f"{mark}  {snap['name']}  {snap['letters']:>7} letters {snap['items']:>8} items  "
                   f"schema v{snap['schema']}{state}")


@cli.command("rollback")
@INDEX_OPTION
@fatal_errors
def rollback_command(index_dir: Path) -> None:
    """Serve the snapshot published before the current one (or, without CURRENT, the newest)."""
    from indexer.index.stores.snapshots import current_name, rollback

    settings = Settings(index_dir=index_dir)
    before = current_name(settings)
    now = rollback(settings)
    if before is None:
        click.echo(f"CURRENT was missing; it now names the newest complete snapshot, {now}")
    else:
        click.echo(f"current snapshot is now {now} (was {before})")


@cli.command("check")
@INDEX_OPTION
@click.option("--deep", is_flag=True,
              help="Also compare content: term stores with Whoosh postings, facets and letters with documents.")
@fatal_errors
def check_command(index_dir: Path, deep: bool) -> None:
    """Check the published index for missing or damaged files; exit 2 if any."""
    from indexer.index.check import check_report

    report = check_report(Settings(index_dir=index_dir), deep=deep)
    for problem in report.problems:
        click.echo(problem if problem.startswith("fix:") else f"error: {problem}", err=True)
    if report.problems:
        sys.exit(EXIT_FATAL)
    click.echo(f"index OK{' (deep)' if deep else ''}: snapshot {report.snapshot}, {report.letters} letters, "
               f"{report.items} items, {report.documents} documents, schema v{report.schema}")
