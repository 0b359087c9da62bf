"""`imr vocabulary`: list the domain vocabulary, one concept's names, or what mining the letters finds."""
from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.cli import cli, fail, fatal_errors
from indexer.settings import Settings


@cli.command("vocabulary")
@click.option("--kind", help="List the concepts of one kind (class, drug, product, procedure, region, ...).")
@click.option("--concept", "concept_id", help="Show one concept (e.g. class:muscle-relaxant) and every name of it.")
@click.option("--mine", "mine_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Parse these letters (files or folders) and list the products mined from them.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@fatal_errors
def vocabulary_command(kind: str | None, concept_id: str | None, mine_paths: tuple[Path, ...], as_json: bool) -> None:
    """Show the vocabulary that query expansion and concept tags use (counts, by default)."""
    from indexer.vocabulary import Vocabulary, mine

    vocab = Vocabulary.load()
    if mine_paths:
        from indexer.pipeline.conductor import parse_paths

        records = [o.record for o in parse_paths(list(mine_paths), Settings()) if o.record]
        mined = mine(records, vocab)
        click.echo(mined.to_json() if as_json else "\n".join(mined.lines(vocab)))
    elif concept_id:
        if concept_id not in vocab:
            fail(f"no concept {concept_id!r}; see: imr vocabulary --kind KIND")
        c = vocab.concept(concept_id)
        shown = {"id": c.id, "kind": c.kind, "label": c.label, "source": c.source,
                 "implies": list(vocab.implied(c.id)), "names": c.forms, "all_forms": vocab.forms(c.id)}
        click.echo(json.dumps(shown, indent=1) if as_json else "\n".join(
            f"{key}: {', '.join(v) if isinstance(v, list) else v}" for key, v in shown.items()))
    elif kind:
        rows = [{"id": c.id, "label": c.label, "names": len(c.forms)} for c in vocab.of_kind(kind)]
        click.echo(json.dumps(rows, indent=1) if as_json else "\n".join(
            f"{r['id']:<45} {r['names']:>4} names  {r['label']}" for r in rows))
    else:
        counts = vocab.counts()
        click.echo(json.dumps(counts, indent=1) if as_json else "\n".join(f"{k:<14} {v}" for k, v in counts.items()))
