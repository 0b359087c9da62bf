"""The stores of a snapshot: its files, the letter store, facet arrays, term store, published snapshots and the lock."""
