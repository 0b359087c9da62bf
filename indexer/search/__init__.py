"""Search: a request -> a result over the current snapshot (query parsing, understanding, ranking, facets, highlighting, exports)."""
