"""The `imr` command line: a thin shell over the indexer library.

Each module here registers the commands it owns; they only parse arguments,
call one library function and print. Exit status: 0 all good; 3 the index was
built but some files were skipped; 2 fatal or usage error. Every failure a
user can cause is one line on stderr, `error: <cause>; <fix>`, never a
traceback (see `Imr.main`).
"""
from __future__ import annotations

import errno
import functools
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from indexer.errors import ImrError

EXIT_OK = 0
EXIT_FATAL = 2
EXIT_SKIPPED = 3

# The one --index option of every command (docs/configuration.md: ./index, or $IMR_INDEX).
INDEX_OPTION = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                            default=Path("index"), show_default=True, envvar="IMR_INDEX",
                            help="Index directory (env IMR_INDEX).")

_OS_FIXES = {
    errno.ENOSPC: "free some disk space or choose an --index on another disk",
    errno.EDQUOT: "free some disk space or choose an --index on another disk",
    errno.EROFS: "choose an --index folder on a writable disk",
    errno.EACCES: "choose a folder you can write to, or fix its permissions",
    errno.EPERM: "choose a folder you can write to, or fix its permissions",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder: check the path",
}


def describe_os_error(exc: OSError) -> str:
    """One line for an OSError: the file, what went wrong and what to do."""
    where = f"{exc.filename}: " if exc.filename else ""
    fix = _OS_FIXES.get(exc.errno or 0, "check the path, its permissions and the free disk space")
    return f"{where}{exc.strerror or exc}; {fix}"


def fail(message: str) -> None:
    """Print `error: message` on stderr and exit with status 2."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_FATAL)


def _quiet_broken_pipe() -> None:
    """The reader of our output went away (`imr stats | head -1`): stop quietly, status 0."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())   # so the interpreter's final flush does not fail again
    except (OSError, ValueError):
        pass
    sys.exit(EXIT_OK)


def fatal_errors(command: Callable) -> Callable:
    """Turn domain errors into 'error: <message>' on stderr and exit status 2 (also under CliRunner)."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ImrError as exc:
            fail(str(exc))
        except BrokenPipeError:    # caught here: click itself would exit 1
            _quiet_broken_pipe()
        except OSError as exc:
            fail(describe_os_error(exc))
    return wrapper


class Imr(click.Group):
    """The `imr` group: usage errors and unexpected OS errors as one line, a closed pipe as a quiet end."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            try:
                status = super().main(args, prog_name, complete_var, False, **extra)
            except SystemExit as exc:      # a command's sys.exit(status): flush first, a pipe may be closed
                status = exc.code
            sys.stdout.flush()
        except click.UsageError as exc:
            command = " ".join(["imr"] + (exc.ctx.command_path.split()[1:] if exc.ctx else []))
            fail(f"{exc.format_message()} (see: {command} --help)")
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code or EXIT_FATAL)
        except click.Abort:
            fail("interrupted; nothing more was published")
        except BrokenPipeError:
            _quiet_broken_pipe()
        except ImrError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(describe_os_error(exc))
        sys.exit(status or EXIT_OK)


@click.group(cls=Imr, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="imr-search")
def cli() -> None:
    """IMR Search: index and search IMR Final Determination Letters."""


def _register() -> None:
    from indexer.cli import (fetch, ingest, query, serve, snapshots, synth,  # noqa: F401  (commands register on import)
                             vocabulary)


def main() -> None:
    """Entry point of the `imr` console script."""
    _register()
    cli()
