"""Index: letter records -> documents -> a published Whoosh snapshot (schema, writing, facet arrays, snapshots)."""
