"""Values of an index document: one document per item, its categories and reviewer spellings."""
