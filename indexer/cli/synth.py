"""`imr synth`: write deterministic synthetic letters for demos, tests and benchmarks."""
from __future__ import annotations

from pathlib import Path

import click

from indexer.cli import cli, fail
from indexer.errors import ImrError
from indexer.ingest.parser import LAYOUT_NAMES


def _split(value: str | None) -> tuple[str, ...] | None:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else None


@cli.command("synth")
@click.option("--letters", "n_letters", type=click.IntRange(min=0), required=True,
              help="How many letters to write.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for the letters; ground truth goes to OUT/expected/.")
@click.option("--formats", default="txt", show_default=True,
              help="Comma-separated formats among txt,html,pdf (letters cycle through them).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Same seed and --letters give byte-identical output.")
@click.option("--layouts", default=None,
              help=f"Comma-separated layouts among {','.join(LAYOUT_NAMES)} (default: all).")
def synth(n_letters: int, out_dir: Path, formats: str, seed: int, layouts: str | None) -> None:
    """Write N synthetic IMR letters (marked SYNTHETIC, case numbers CM99-...) into OUT."""
    from indexer.synth import generate

    try:
        paths = generate(n_letters, out_dir, formats=_split(formats) or (), seed=seed,
                         layouts=_split(layouts))
    except ImrError as err:
        fail(str(err))
    except OSError as err:
        fail(f"{out_dir}: {err.strerror}; choose a writable --out directory")
    click.echo(f"wrote {len(paths)} synthetic letters to {out_dir} "
               f"(ground truth in {out_dir / 'expected'})")
