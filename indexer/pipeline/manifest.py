"""What a snapshot was built from: the fingerprint that lets a no-change rebuild keep it.

The manifest itself (build.json: fingerprint, report, file sizes) is read and
checked by indexer.index.stores.snapshots; this module decides what goes in it.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from indexer.ingest import cache
from indexer.index.stores import snapshots, termstore
from indexer.errors import ImrError
from indexer.fields import SCHEMA_VERSION
from indexer.settings import Settings
from indexer.vocabulary import data_digest
from indexer.ingest.sources import Source


def fingerprint(listing: list[Source], settings: Settings) -> str:
    """What a rebuild's result depends on: every file's path and bytes, parser, engine, schema, term store
    format, and the vocabulary's data (its concept tags are written into the index)."""
    # the cache's parser version: the same key that decides re-parsing
    h = hashlib.sha256(f"{cache.PARSER_VERSION}|{SCHEMA_VERSION}|{settings.pdf_engine}|"
                       f"{termstore.MAGIC!r}|{data_digest()}".encode())
    for s in sorted(listing, key=lambda s: s.file):
        # surrogateescape: a file name that is not UTF-8 goes in as its very bytes
        h.update(f"\n{s.file}\t{s.content_hash}\t{s.error}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def repeatable(listing: list[Source], skipped: list[tuple[str, str]], settings: Settings) -> bool:
    """True when the same files would give the same result: every skip reason is a cached one."""
    hashes = {s.file: s.content_hash for s in listing if not s.error}
    return all(reason.startswith("duplicate of") or
               (path in hashes and cache.lookup(settings, hashes[path]) is not None)
               for path, reason in skipped)


def unchanged(settings: Settings, print_: str) -> tuple[Path, dict] | None:
    """(current snapshot, its manifest) when it was built from exactly `print_` and is intact."""
    try:
        snapshot = snapshots.current(settings)
        snapshots.check_schema(snapshot, settings)
    except ImrError:
        return None
    manifest = snapshots.read_manifest(snapshot)
    if not manifest.get("fingerprint") or manifest["fingerprint"] != print_ \
            or snapshots.damaged_files(snapshot):
        return None
    return snapshot, manifest


def write(building: Path, manifest: dict | None) -> None:
    """build.json: the manifest plus the size of every file the snapshot is published with."""
    files = {p.name: p.stat().st_size for p in building.iterdir() if p.is_file()}
    (building / snapshots.MANIFEST).write_text(json.dumps({**(manifest or {}), "files": files}))
