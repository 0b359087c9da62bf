"""Domain errors, raised in `indexer/` and translated at the edges (CLI, API, HTML)."""
from __future__ import annotations


class ImrError(Exception):
    """Base class: the message says what went wrong and how to fix it."""


class ExtractError(ImrError):
    """A file could not be turned into letter text; `reason` is one line."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class NotALetter(ExtractError):
    """The file has text but is not an IMR determination letter."""


class IndexMissing(ImrError):
    """No published index at the given directory."""


class SchemaMismatch(ImrError):
    """The index was written by another schema version: rebuild it."""


class IndexDamaged(ImrError):
    """The index files are unreadable or incomplete."""


class LockHeld(ImrError):
    """Another rebuild holds the index lock."""


class QueryError(ImrError):
    """A bad search parameter; `param` names it for the API's 400 answer."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


class LetterNotFound(ImrError, KeyError):
    """No letter (or item) with this id in the current index."""

    def __str__(self) -> str:
        # KeyError would show the message in quotes; a domain error reads plainly.
        return str(self.args[0]) if self.args else ""


class SiteUnreachable(ImrError):
    """`imr fetch`: the DWC's search (or the --site given) did not answer, or kept failing."""


class SiteChanged(ImrError):
    """`imr fetch`: a page no longer has the shape the fetcher was built to; names what was not found."""


class FetchManifestDamaged(ImrError):
    """`imr fetch`: the fetch manifest in the output folder is unreadable or not ours."""
