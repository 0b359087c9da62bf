"""`imr vocabulary`: what the domain vocabulary knows and what the current snapshot's letters taught it."""
from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.cli import INDEX_OPTION, cli, fatal_errors
from indexer.settings import Settings


@cli.command("vocabulary")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the counts and every mined entry as JSON.")
@click.option("--kind", default=None, help="Also list every concept of one kind (class, drug, product, "
                                           "family, procedure, region, part, panel, decision).")
@fatal_errors
def vocabulary_command(index_dir: Path, as_json: bool, kind: str | None) -> None:
    """Show the vocabulary's size, the products mined from the current snapshot's letters (with the
    letters and item counts they came from; + accepted, - not), and optionally one kind's concepts."""
    from indexer.index.values.concepts import current_vocabulary

    vocab, mined = current_vocabulary(Settings(index_dir=index_dir))
    listed = [{"id": c.id, "label": c.label, "forms": c.forms, "implies": c.implies, "source": c.source}
              for c in vocab.of_kind(kind)] if kind else []
    if as_json:
        click.echo(json.dumps({"counts": vocab.counts(), "mined": mined.to_dict() if mined else None,
                               "accepted": [e.name for e in mined.accepted(vocab)] if mined else [],
                               "concepts": listed}, indent=1))
        return
    counts = vocab.counts()
    click.echo("vocabulary: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    for line in (mined.lines(vocab) if mined else ["nothing mined for this snapshot (built before mining)"]):
        click.echo(line)
    for c in listed:
        click.echo(f"{c['id']}  {c['label']}: {', '.join(c['forms'][:12])}"
                   + (f" -> {', '.join(c['implies'])}" if c["implies"] else ""))
