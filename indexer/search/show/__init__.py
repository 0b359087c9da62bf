"""The showing side of a search: highlighting, occurrences, display text, exports, the Atom feed."""
