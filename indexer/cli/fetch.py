"""`imr fetch`: download letters from the DWC's IMR decision search (calls indexer.fetch.fetch)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from indexer.cli import cli, fatal_errors
from indexer.cli.ingest import _Bar
from indexer.settings import Settings

OUTCOMES = ("Uphold", "Overturn", "Partial Overturn")   # the search's CaseOutcomeV values (indexer.fetch.site)


def _span(ctx, param, value: str | None):
    if value is None:
        return None
    from indexer.errors import ImrError
    from indexer.fetch import parse_span

    try:
        return parse_span(value)
    except ImrError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1]) from None


def _summary(report) -> None:
    if report.planned:
        for line in report.planned:
            click.echo(line)
        return
    windows = f"{report.windows} date windows listed" + \
        (f", {report.skipped_windows} already listed" if report.skipped_windows else "")
    click.echo(f"fetched {report.fetched} letters, kept {report.kept} found whole; {report.listed} cases listed "
               f"({windows}); {report.total - report.missing} of {report.total} cases in the folder have their "
               f"letter; {report.requests} requests in {report.seconds:.1f} s")
    for case, reason in report.failed:
        click.echo(f"not fetched {case}: {reason}; run imr fetch again to retry", err=True)
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    if report.capped:
        click.echo(f"stopped: {report.capped}", err=True)


@cli.command("fetch")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the letters (CMyy/<case>.pdf) and their manifest.sqlite.")
@click.option("--decided", callback=_span, metavar="FROM..TO",
              help="Decision dates to fetch, YYYY-MM-DD..YYYY-MM-DD (TO left out: today).")
@click.option("--since-last", is_flag=True, help="From the newest decision date already fetched to today.")
@click.option("--case", "cases", multiple=True, metavar="CM..", help="One case by its number (repeatable).")
@click.option("--outcome", type=click.Choice(OUTCOMES), default=None, help="Only cases with this outcome.")
@click.option("--specialty", default=None, help="Only cases of this reviewer specialty, as the search names it.")
@click.option("--site", default=None, metavar="URL",
              help="Base address of the search (default https://www.dir.ca.gov; a mirror or replay).")
@click.option("--contact", default=None, envvar="IMR_FETCH_CONTACT",
              help="E-mail or URL sent in the User-Agent so the DWC can reach you (env IMR_FETCH_CONTACT).")
@click.option("--delay", type=click.FloatRange(min=0), default=None, metavar="SECONDS", envvar="IMR_FETCH_DELAY",
              help="Seconds at least between requests (default 1; env IMR_FETCH_DELAY).")
@click.option("--max-requests", type=click.IntRange(min=1), default=None, metavar="N",
              help="Requests this run makes at most, retries included (default 10,000).")
@click.option("--dry-run", is_flag=True, help="Print what would be requested; request and write nothing.")
@fatal_errors
def fetch_command(out: Path, decided, since_last: bool, cases, outcome, specialty, site, contact, delay,
                  max_requests, dry_run: bool) -> None:
    """Download IMR decision letters from the DWC's public search into OUT, politely and resumably.

    A rerun fetches only what is missing. Exit status: 0 every listed letter is in OUT;
    3 some are not (each named on stderr; run again); 2 fatal (one line with the fix).
    """
    from indexer.fetch import fetch

    settings = Settings().with_(fetch_site=site, fetch_contact=contact, fetch_delay=delay,
                                fetch_max_requests=max_requests)
    listing = _Bar("listing ")
    bar = _Bar("fetching", after=listing)
    try:
        report = fetch(out, settings, decided=decided, since_last=since_last, cases=cases, outcome=outcome,
                       specialty=specialty, dry_run=dry_run, progress=bar, listing=listing)
    finally:
        listing.close()
        bar.close()
    _summary(report)
    sys.exit(report.exit_code)
