"""The query side of a search: URL parameters -> request, caps, understanding, scopes, parsing, synonyms, spelling."""
