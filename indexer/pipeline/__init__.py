"""The rebuild conductor, above ingest and index: list, parse (locally or on a Dask cluster), write, verify, publish."""
