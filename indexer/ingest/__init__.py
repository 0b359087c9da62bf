"""Ingest: file -> text -> letter record (sources, extraction, parsing, record cache, pipeline)."""
