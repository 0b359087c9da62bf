"""IMR Search indexer: letters in, fielded records and a Whoosh index out.

Flow: file -> text (`extract`) -> letter record (`parse`) -> index documents
(`documents`) -> Whoosh snapshot (`build`) -> query (`search`).
"""
__version__ = "0.1.0"
