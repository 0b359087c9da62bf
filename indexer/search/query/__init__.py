"""The query side of a search: URL parameters -> request, caps, understanding, scopes, parsing,
synonyms, doses, spelling and forgiveness (unknown words mended)."""
