"""`imr vocabulary`: the domain vocabulary, one concept's names, what the current snapshot's letters
taught it, or what mining other letters finds."""
from __future__ import annotations

import json
from pathlib import Path

import click

from indexer.cli import INDEX_OPTION, cli, fail, fatal_errors
from indexer.settings import Settings


@cli.command("vocabulary")
@INDEX_OPTION
@click.option("--kind", help="List the concepts of one kind (class, drug, product, procedure, region, ...).")
@click.option("--concept", "concept_id", help="Show one concept (e.g. class:muscle-relaxant) and every name of it.")
@click.option("--mine", "mine_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Parse these letters (files or folders) and list the products mined from them.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@fatal_errors
def vocabulary_command(index_dir: Path, kind: str | None, concept_id: str | None, mine_paths: tuple[Path, ...],
                       as_json: bool) -> None:
    """Show the vocabulary that concept tags and query expansion use: by default its counts and the
    products mined from the current snapshot's letters (+ accepted, with ingredients, classes, items
    and letters); without an index, the packaged vocabulary."""
    from indexer.index.values.concepts import current_vocabulary
    from indexer.vocabulary import mine

    vocab, mined = current_vocabulary(Settings(index_dir=index_dir))
    if mine_paths:
        from indexer.pipeline.conductor import parse_paths

        records = [o.record for o in parse_paths(list(mine_paths), Settings()) if o.record]
        found = mine(records, vocab)
        click.echo(found.to_json() if as_json else "\n".join(found.lines(vocab)))
    elif concept_id:
        if concept_id not in vocab:
            fail(f"no concept {concept_id!r}; see: imr vocabulary --kind KIND")
        c = vocab.concept(concept_id)
        shown = {"id": c.id, "kind": c.kind, "label": c.label, "source": c.source,
                 "implies": list(vocab.implied(c.id)), "names": c.forms, "all_forms": vocab.forms(c.id),
                 **({"query_names": c.query_forms} if c.query_forms else {}),
                 **({"composed_of": c.composed_of} if c.composed_of else {})}
        click.echo(json.dumps(shown, indent=1) if as_json else "\n".join(
            f"{key}: {', '.join(v) if isinstance(v, list) else v}" for key, v in shown.items()))
    elif kind:
        rows = [{"id": c.id, "label": c.label, "names": len(c.forms)} for c in vocab.of_kind(kind)]
        click.echo(json.dumps(rows, indent=1) if as_json else "\n".join(
            f"{r['id']:<45} {r['names']:>4} names  {r['label']}" for r in rows))
    elif as_json:
        click.echo(json.dumps({"counts": vocab.counts(), "mined": mined.to_dict() if mined else None,
                               "accepted": [e.name for e in mined.accepted(vocab)] if mined else []}, indent=1))
    else:
        click.echo("\n".join(f"{k:<14} {v}" for k, v in vocab.counts().items()))
        if mined is not None:
            click.echo("\n".join(mined.lines(vocab)))
        else:
            click.echo(f"no published snapshot in {index_dir}: the packaged vocabulary, nothing mined")
