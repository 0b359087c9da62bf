"""Ingest commands: parse, index, add, stats (each calls one library function)."""
from __future__ import annotations

import functools
import json
import socket
import sys
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import click

from indexer.cli import EXIT_OK, EXIT_SKIPPED, INDEX_OPTION, cli, fail, fatal_errors
from indexer.settings import Settings

ENGINE_OPTION = click.option("--pdf-engine", type=click.Choice(["pdfium", "pdfplumber"]),
                             default=None, help="PDF text engine (default pdfium).")
SOURCES = click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
SCHEDULER_EXAMPLE = "tcp://127.0.0.1:8786"


def _scheduler(ctx, param, value: str | None) -> str | None:
    """A Dask scheduler address with a host and a port (tcp://HOST:PORT or HOST:PORT)."""
    if value is None:
        return None
    parts = urlsplit(value if "://" in value else f"tcp://{value}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise click.BadParameter(f"{value!r} has no port: give tcp://HOST:PORT, e.g. {SCHEDULER_EXAMPLE}")
    return value


def _reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast, before taking the lock, when a tcp:// scheduler does not answer."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp":
        return
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__.replace("Error", " error").lower()
        fail(f"cannot reach the Dask scheduler at {address} ({reason}): start it (dask scheduler) "
             "or leave out --scheduler to parse on this machine")


class _Bar:
    """A progress callback drawing click's bar on stderr, only when stderr is a terminal;
    `after`: a bar this one closes when it starts."""

    def __init__(self, label: str, after: "_Bar | None" = None):
        self.label, self.bar, self.after = label, None, after

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            if self.after is not None:
                self.after.close()
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _summary(report, verb: str) -> None:
    """The closing lines: what this run did, then the index's totals; skipped files on stderr."""
    if report.kept:
        done = (f"nothing new: kept {report.letters} letters" if verb == "added"
                else f"nothing changed: kept {report.letters} letters")
        done += f", {report.items} items (snapshot {report.snapshot} still current)"
    elif verb == "added":
        kept = report.letters - report.added - report.replaced
        done = (f"added {report.added} letters, replaced {report.replaced}, kept {kept}; "
                f"the index now holds {report.letters} letters, {report.items} items")
    else:
        done = f"indexed {report.letters} letters, {report.items} items"
    conflicts = f" ({len(report.conflicts)} conflicting copies)" if report.conflicts else ""
    click.echo(f"{done}; {len(report.skipped)} files skipped{conflicts}; {report.parsed} parsed, "
               f"{report.cached} from cache; {report.seconds:.1f} s"
               + ("" if report.kept else f", {report.letters_per_second:.1f} letters/s; snapshot {report.snapshot}"))
    for path, reason in report.skipped:
        click.echo(f"skipped {path}: {reason}", err=True)
    for path in report.unread:
        click.echo(f"no items read from {path}: it states decisions; please report this file", err=True)
    for path, differences in report.disagreements:
        click.echo(f"the DWC's search row disagrees with {path}: {differences}", err=True)


def _ingest(function: Callable, verb: str, sources, settings: Settings) -> None:
    if settings.scheduler:
        _reachable(settings.scheduler)
    files = _Bar("reading ")
    documents = _Bar("indexing", after=files)
    try:
        report = function(list(sources), settings, progress=files, indexing=documents)
    finally:
        files.close()
        documents.close()
    _summary(report, verb)
    sys.exit(report.exit_code)


@cli.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Whole records as JSON lines.")
@ENGINE_OPTION
@fatal_errors
def parse_command(files, as_json: bool, pdf_engine: str | None) -> None:
    """Parse letter FILES (or folders) and print their records; nothing is indexed."""
    from indexer.pipeline.conductor import parse_paths

    failed = False
    for outcome in parse_paths(files, Settings().with_(pdf_engine=pdf_engine)):
        if outcome.record is None:
            failed = True
            click.echo(f"{outcome.path}: {outcome.reason}", err=True)
        elif as_json:
            click.echo(json.dumps(outcome.record, ensure_ascii=False))
        else:
            rec = outcome.record
            click.echo(f"{outcome.path}: {rec['id']} {len(rec['items'])} items, "
                       f"{rec.get('outcome') or 'no decision'}, decided {rec.get('decision_date') or '?'}"
                       f"{' (partial)' if rec.get('partial') else ''}")
    sys.exit(EXIT_SKIPPED if failed else EXIT_OK)


def _build_options(command: Callable) -> Callable:
    for option in reversed([
        INDEX_OPTION,
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Local worker processes (default: number of cores)."),
        click.option("--scheduler", default=None, metavar="tcp://HOST:PORT", callback=_scheduler,
                     help="Work on this Dask scheduler: parse there and, for a whole rebuild, write the index segments "
                          "there (workers need the package and shared storage)."),
        ENGINE_OPTION,
        click.option("--rehash", is_flag=True, default=None,
                     help="Read and hash every file, even those unchanged since they were last hashed."),
    ]):
        command = option(command)
    return command


@cli.command("index")
@SOURCES
@_build_options
@click.option("--force", is_flag=True, help="Build a new snapshot even when nothing changed.")
@click.option("--part-docs", type=click.IntRange(min=1000), default=None, metavar="N",
              help="Most documents one index segment holds (default 250,000): a writer's memory follows it.")
@fatal_errors
def index_command(sources, index_dir: Path, jobs, scheduler, pdf_engine, rehash, force: bool, part_docs) -> None:
    """Rebuild the index from SOURCES (files or folders) and publish it.

    When the files, the parser and the engine are the same as for the current
    snapshot (and its files are intact), it is kept: nothing is re-extracted.
    """
    from indexer.pipeline.conductor import rebuild

    settings = Settings(index_dir=index_dir).with_(jobs=jobs, scheduler=scheduler, pdf_engine=pdf_engine,
                                                   rehash=rehash, part_docs=part_docs)
    _ingest(functools.partial(rebuild, force=force), "indexed", sources, settings)


@cli.command("add")
@SOURCES
@_build_options
@fatal_errors
def add_command(sources, index_dir: Path, jobs, scheduler, pdf_engine, rehash) -> None:
    """Add new or changed letters from SOURCES to the index (unchanged files are not parsed)."""
    from indexer.pipeline.conductor import add

    settings = Settings(index_dir=index_dir).with_(jobs=jobs, scheduler=scheduler, pdf_engine=pdf_engine,
                                                   rehash=rehash)
    _ingest(add, "added", sources, settings)


@cli.command("stats")
@click.argument("query", required=False)
@INDEX_OPTION
@click.option("--by", "by", multiple=True, metavar="DIMENSION",
              help="Count the items matching QUERY by this dimension (once or twice): year, month, "
                   "quarter, category, specialty, ... (`imr stats --by year --by category \"QUERY\"`).")
@click.option("--filter", "-f", "filters", multiple=True, metavar="FACET=VALUE",
              help="Keep only items with this facet value (repeatable), as f.FACET=VALUE in the web app.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@fatal_errors
def stats_command(query: str | None, index_dir: Path, by: tuple[str, ...], filters: tuple[str, ...],
                  as_json: bool) -> None:
    """Counts of letters and items by decision, specialty and year; with --by, a table of the items
    matching QUERY by one or two dimensions with letters, overturn rates and 95% intervals."""
    if by or query or filters:
        from indexer.cli.statistics import print_table

        print_table(Settings(index_dir=index_dir), query or "", list(by), list(filters), as_json)
        return
    from indexer.index.stats import index_stats

    stats = index_stats(Settings(index_dir=index_dir))
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    for key, value in stats.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for name, count in value.items():
                click.echo(f"  {count:6d}  {name}")
        else:
            click.echo(f"{key}: {value}")
