"""The search request and result objects: the HTML page, JSON API, CLI and
exports all render the same `SearchResult` (plain data, no Whoosh objects)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass

from indexer.intervals import wilson


@dataclass
class SearchRequest:
    """What the user asked for, already validated (see indexer.search.query.request.parse_request)."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)   # facet -> values (OR within, AND across)
    sort: str = "relevance"          # 'relevance' | 'newest' | 'oldest'
    page: int = 1
    per_page: int = 20
    literal: bool = False            # True: do not turn words like 'upheld' into filters
    synonyms: bool = True            # False: search the words typed only (no Norco for hydrocodone)
    spell: bool = True               # False: never mend unknown words (search the text as typed)
    scope: str | None = None         # 'item' | 'decision' | 'letter'; None: 'item', widened when empty
    decided_from: str | None = None  # ISO date bounds, inclusive
    decided_to: str | None = None


@dataclass
class Chip:
    """A word of the query understood as a filter, shown as a removable chip."""

    facet: str        # e.g. 'decision'
    value: str        # e.g. 'Upheld'
    word: str         # the words of the query it came from, e.g. 'upheld'


@dataclass
class QueryInfo:
    """How the query was understood."""

    text: str                        # the free-text part actually searched
    parsed: str                      # the Whoosh query, as a string
    chips: list[Chip] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)   # e.g. 'unbalanced quote ignored'
    open_case: str | None = None     # a case number typed as the whole query
    suggestions: list["Suggestion"] = field(default_factory=list)   # filters offered, with counts
    expansions: list["Expansion"] = field(default_factory=list)     # synonyms searched too
    scope: str = "item"              # the scope counted: 'item' | 'decision' | 'letter'
    did_you_mean: str | None = None  # the query with misspelt words corrected, when it has no hits
    # When the query as typed found nothing and a mended one was searched instead
    # (indexer.search.query.forgiveness): the query searched, the query as typed, and the
    # last word when it was searched as a prefix.
    corrected: str | None = None
    corrected_from: str | None = None
    completed: str | None = None
    # When no request names all the words (indexer.search.query.relaxing): the words searched
    # instead, the word (or concept's words) left out, and the words as understood.
    relaxed: str | None = None
    relaxed_without: str | None = None
    relaxed_from: str | None = None
    # When a concept found nothing and its broader concept answered (indexer.search.query.broadening):
    # the words searched, the words as understood, and the concept widened ('CMP -> metabolic panel').
    broadened: str | None = None
    broadened_from: str | None = None
    broadened_concept: str | None = None


@dataclass
class Suggestion:
    """A filter offered for a word of the query, with how many hits it would keep."""

    facet: str
    value: str
    word: str
    count: int


@dataclass
class Expansion:
    """A word of the query and the synonyms searched with it."""

    word: str
    also: list[str]


@dataclass
class Snippet:
    """A sentence-bounded passage; `html` is escaped text where only <mark> is markup."""

    field: str        # 'rationale' | 'summary' | 'item'
    html: str
    text: str


@dataclass
class Hit:
    """One matching item. `facets` holds every facet's values (indexer.fields: a list for a multi-valued
    facet, else the value or None); decision, specialties, states and categories repeat four of them
    under the names the JSON API has always had."""

    doc_id: str
    letter_id: str
    item_no: int
    case_number: str | None
    item: str
    item_html: str                   # escaped item with <mark>ed query terms
    decision: str | None
    decision_date: str | None
    specialties: list[str]
    states: list[str]
    categories: list[str]
    synthetic: bool
    other_items: list[dict]          # [{'item_no', 'item', 'decision', 'doc_id'}], Settings.max_other_items at most
    snippets: list[Snippet]
    score: float | None = None
    other_more: int = 0              # the letter's other items not listed in other_items
    original: str | None = None      # the original file's format ('pdf', 'txt', 'html'), for its link
    facets: dict[str, object] = field(default_factory=dict)


@dataclass
class FacetValue:
    value: str
    count: int
    overturned: int                  # how many of `count` were Overturned
    selected: bool = False
    letters: int | None = None       # distinct letters, for a facet of the letter (None for an item's)

    @property
    def overturn_rate(self) -> float:
        return self.overturned / self.count if self.count else 0.0

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% Wilson interval of the overturn rate (None without items)."""
        return wilson(self.overturned, self.count)


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    query: QueryInfo
    snapshot: str = ""               # which published snapshot answered

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def to_dict(self) -> dict:
        """The JSON API's shape."""
        return {
            "total": self.total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "pages": self.pages,
            "hits": [plain(h) for h in self.hits],
            "facets": {name: [_facet_value(v) for v in values] for name, values in self.facets.items()},
            "query": asdict(self.query),
            "request": asdict(self.request),
            "snapshot": self.snapshot,
        }


def _facet_value(v: FacetValue) -> dict:
    """One facet value in the API: `count` is items; `letters` too for a letter-level facet."""
    interval = v.interval
    out = {"value": v.value, "count": v.count, "overturned": v.overturned,
           "overturn_rate": round(v.overturn_rate, 4),
           "overturn_interval": None if interval is None else [round(interval[0], 4), round(interval[1], 4)],
           "selected": v.selected}
    if v.letters is not None:
        out["letters"] = v.letters
    return out


def plain(value: object) -> object:
    """`dataclasses.asdict` of a dataclass (lists, dicts and dataclasses copied, everything else
    shared rather than deep-copied: a page's hits through asdict were a quarter of an API answer's CPU)."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if type(value) is tuple:
        return tuple(plain(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    return value
