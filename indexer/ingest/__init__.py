"""Ingest: file -> text -> letter record (sources, extraction, the parser, record cache, batches of files)."""
