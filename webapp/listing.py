"""Pieces of the results page written in Python rather than in template loops: a page has ~80
facet values and 20 hits, and each expression of a Jinja loop costs a call and an escape
(the pieces were half of a page's rendering). Every piece writes, byte for byte, what the
template wrote (tests/test_web_html.py keeps the template loops and compares); letter text
is escaped with markupsafe's `escape`, as the template's autoescaping did.
"""
from __future__ import annotations

from flask import Flask, current_app, url_for
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from indexer.fields import FACET_LIST
from indexer.intervals import few
from indexer.results import FacetValue, Hit
from indexer.search.show.display import clean
from indexer.search.facets import display_value, rate_shown
from webapp.text import marked, short_title
from webapp.urlstate import PREFIX, letter_url, percent

OTHER_ITEM_CHARS = 60      # an 'Also in this letter' item's text, cut at a word (Jinja's truncate)
SYNTHETIC_TAG = Markup('<span class="tag-synthetic" title="Made by imr synth, not a real decision">synthetic</span>')
NO_DECISION = Markup('<span class="badge badge-none">No decision</span>')


def badge(decision: str | None) -> Markup:
    """A decision's badge ('No decision' without one)."""
    if not decision:
        return NO_DECISION
    return Markup(f'<span class="badge badge-{escape(decision.lower()).replace(" ", "-")}">{escape(decision)}</span>')


def synthetic_tag(flag: object) -> Markup:
    """The 'synthetic' tag of a letter made by imr synth ('' for a real one)."""
    return SYNTHETIC_TAG if flag else Markup("")


def _hit_item(n: int, hit: Hit) -> str:
    """One hit's <li>, without its last newline."""
    case = escape(hit.case_number or "No case number")
    out = [f'  <li class="hit" id="hit-{n}">\n'
           f'    <h2 class="hit-title"><a href="{escape(letter_url(hit.letter_id, hit.item_no))}">'
           f'<bdi>{short_title(hit.item_html)}</bdi></a></h2>\n'
           f'    <p class="hit-meta">{badge(hit.decision)} {synthetic_tag(hit.synthetic)}\n'
           f'      <a class="case" href="{escape(letter_url(hit.letter_id))}">{case}</a>\n'
           f'      {original_link(hit, case)}\n']
    if hit.decision_date:
        day = escape(clean(hit.decision_date))
        out.append(f'<span>Decided <time datetime="{day}">{day}</time></span>')
    for facet in FACET_LIST:        # the facets declared to show on hits (indexer.fields), each a <span>
        if facet.on_hits:
            found = hit.facets.get(facet.name)
            values = found if isinstance(found, list) else [found] if found not in (None, "") else []
            if values:
                shown = ", ".join(escape(clean(display_value(facet.name, v))) for v in values)
                out.append(f'<span class="{escape(facet.column or facet.name)}">{shown}</span>')
    out.append("    </p>\n")
    if hit.snippets:
        out.append('    <ul class="snippets">\n')
        out += [f'      <li class="snippet snippet-{escape(clean(s.field))}"><bdi>{marked(s.html)}</bdi></li>\n'
                for s in hit.snippets[:3]]
        out.append("    </ul>\n")
    if hit.other_items:
        out.append('    <p class="others"><span>Also in this letter:</span>\n')
        env, last = current_app.jinja_env, len(hit.other_items) - 1
        for k, other in enumerate(hit.other_items):
            text = escape(do_truncate(env, clean(other.get("item")), OTHER_ITEM_CHARS))
            decision = other.get("decision")
            link = escape(letter_url(hit.letter_id, other.get("item_no")))
            out.append(f'      <a href="{link}"><bdi>{text}</bdi></a>'
                       + (f' <span class="mini mini-{escape(str(decision).lower())}">{escape(decision)}</span>'
                          if decision else "") + (";" if k < last else ""))
        if hit.other_more:
            out.append(f' <a href="{escape(letter_url(hit.letter_id))}">and {hit.other_more:,} more</a>')
        out.append("    </p>\n")
    out.append("  </li>")
    return "".join(out)


def original_link(hit: Hit, case: str) -> Markup:
    """The small link to a hit's original file (a PDF opens in the browser's viewer), named for screen readers."""
    kind = escape((hit.original or "file").upper())
    href = escape(url_for("letters.original", letter_id=hit.letter_id))
    return Markup(f'<a class="original-icon" href="{href}" target="_blank" rel="noopener" '
                  f'aria-label="Original {kind} of {escape(case)}"><span aria-hidden="true">{kind}</span></a>')


def hit_items(hits: list[Hit]) -> Markup:
    """The <li>s of a page of hits, as _hits.html's loop wrote them."""
    return Markup("\n".join(_hit_item(n, hit) for n, hit in enumerate(hits, 1)))


def _rate(v: FacetValue) -> str:
    """' · 53% overturned 38–67%': the rate and its 95% interval; under FEW_ITEMS items flagged and dimmed."""
    low, high = v.interval or (0.0, 0.0)
    flag = f' <span class="few-flag">{v.count} request{"" if v.count == 1 else "s"}</span>' if few(v.count) else ""
    return (f' · <span class="rate{" few" if few(v.count) else ""}" title="95% interval {percent(low)}–{percent(high)}:'
            f' {v.overturned} of {v.count} requests overturned">{percent(v.overturn_rate)} overturned'
            f' <span class="ci">{round(100 * low)}–{percent(high)}</span>{flag}</span>')


SELECTED, NAME = ' class="selected"', ' name="%s"'
ZERO = ' class="zero"'      # a value that matches nothing here: listed, greyed (what is not there is shown)
SET_BY_QUERY = ' disabled title="Set by your query: remove its chip"'


def facet_values(name: str, values: list[FacetValue], folded: bool, chosen: list[str],
                 decisions: list[str]) -> Markup:
    """The <li>s of one list of a facet's values, as the template wrote them one by one (a page has
    ~80: in Python they cost a fifth). `folded`: the list under 'Show N more' (its box ids end 'r<n>');
    `chosen`: the values the request's filters select (one selected by a word of the query is removed
    with its chip, not here: its box is disabled, not submitted); `decisions`: the Decision values selected."""
    out, prefix = [], escape(PREFIX) + escape(name)
    for n, v in enumerate(values, 1):
        box_id = escape(f"f-{name}-{'r' if folded else 's'}{n}")
        from_query = v.selected and str(v.value) not in chosen
        rate = _rate(v) if v.count and rate_shown(name, v.value, decisions) else ""     # no rate of nothing
        count = (f'<span class="count">{escape(v.count)}</span>' if v.letters is None else
                 f'<span class="count">{escape(v.letters)}</span> <span class="items">({escape(v.count)})</span>')
        out.append(
            f"      <li{SELECTED if v.selected else ZERO if not v.count else ''}>\n"
            f'        <input type="checkbox" form="search" id="{box_id}"{"" if from_query else NAME % prefix}'
            f' value="{escape(clean(v.value))}"{" checked" if v.selected else ""}'
            f'{SET_BY_QUERY if from_query else ""}>\n'
            f'        <label for="{box_id}"><bdi class="value">{escape(clean(display_value(name, v.value)))}</bdi>\n'
            f'          {count}{rate}</label>\n'
            f"      </li>")
    return Markup("\n".join(out))


def register(app: Flask) -> None:
    """Make the pieces callable from every template (imported macros too, which see no context)."""
    app.jinja_env.globals.update(facet_values=facet_values, hit_items=hit_items, badge_html=badge,
                                 synthetic_html=synthetic_tag, original_link=original_link)
    app.jinja_env.filters.update(short_title=short_title)
