"""The `imr` command line: a thin shell over the indexer library.

Each module here registers the commands it owns; they only parse arguments,
call one library function and print. Exit status: 0 all good; 3 the index was
built but some files were skipped; 2 fatal or usage error.
"""
from __future__ import annotations

import click

EXIT_OK = 0
EXIT_FATAL = 2
EXIT_SKIPPED = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="imr-search")
def cli() -> None:
    """IMR Search: index and search IMR Final Determination Letters."""


def _register() -> None:
    from indexer.cli import ingest, query, serve, synth  # noqa: F401  (commands register on import)


def main() -> None:
    """Entry point of the `imr` console script."""
    _register()
    cli()
