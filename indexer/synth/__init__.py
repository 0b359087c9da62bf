"""Deterministic synthetic IMR letters for demos, tests and benchmarks (`imr synth`).

`generate` writes N letters into OUT_DIR, one file per letter, cycling through
the layouts (letter i has layout i mod L) and then the formats (format
(i div L) mod F), so every layout appears in every format once N >= L*F.
Beside them, OUT_DIR/expected/<name>.json holds each letter's ground truth:
the keys of ../shared/letters/expected/*.json plus the full 'rationale',
'eligible_portion', 'category' per item and 'summary', 'outcome', 'layout',
'format', 'synthetic'. The same seed and N give byte-identical files.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from indexer.errors import ImrError
from indexer.synth.case import make_case
from indexer.synth import layouts as _layouts
from indexer.synth.layouts import LAYOUTS
from indexer.synth.render import STYLES, to_html, to_txt, write_pdf

FORMATS = ("txt", "html", "pdf")

__all__ = ["FORMATS", "LAYOUTS", "generate", "write_letter"]


def _check(values: tuple[str, ...], known: tuple[str, ...], what: str) -> None:
    unknown = [v for v in values if v not in known]
    if unknown or not values:
        raise ImrError(f"unknown {what} {', '.join(unknown) or '(none given)'}: "
                       f"choose from {', '.join(known)}")


def generate(n_letters: int, out_dir: Path, formats=("txt",), seed: int = 0,
             layouts=None) -> list[Path]:
    """Write `n_letters` synthetic letters and their expected JSON; returns the letter paths."""
    formats, layouts = tuple(formats), tuple(layouts or LAYOUTS)
    _check(formats, FORMATS, "format")
    _check(layouts, LAYOUTS, "layout")
    if n_letters < 0:
        raise ImrError(f"--letters must be 0 or more, not {n_letters}")
    out_dir = Path(out_dir)
    (out_dir / "expected").mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n_letters):
        layout = layouts[i % len(layouts)]
        fmt = formats[(i // len(layouts)) % len(formats)]
        paths.append(write_letter(seed, i, layout, fmt, out_dir))
    return paths


def write_letter(seed: int, i: int, layout: str, fmt: str, out_dir: Path) -> Path:
    """Write letter number `i` of `seed` in one layout and format, with its expected JSON."""
    rng = random.Random(f"imr-synth:{seed}:{i}")  # per letter, so letters are independent
    number = (seed % 100) * 100_000 + i % 100_000
    record = make_case(rng, layout, number)
    # The variant (older layouts' quirks, a PDF running header) has its own generator,
    # so adding a variant leaves every other letter's text as it was.
    variant = random.Random(f"imr-synth-variant:{seed}:{i}")
    blocks = _layouts.render(record, layout, variant)
    name = f"CM99-{number:07d}"
    path = out_dir / f"{name}.{fmt}"
    style = rng.choice(STYLES)
    if fmt == "txt":
        path.write_text(to_txt(blocks, style), encoding="utf-8")
    elif fmt == "html":
        path.write_text(to_html(blocks, style), encoding="utf-8")
    else:
        running = record["case_number"] if variant.random() < 0.5 else None
        record["pages"] = write_pdf(blocks, path, footer=rng.random() < 0.5, header=running)
    expected = {k: v for k, v in record.items() if not k.startswith("_")}
    expected["format"] = fmt
    expected["notes"] = f"Synthetic letter: imr synth seed {seed}, letter {i}, layout {layout}."
    (out_dir / "expected" / f"{name}.json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
