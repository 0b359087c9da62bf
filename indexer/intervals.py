"""Overturn rates with their uncertainty: the Wilson score interval (95%).

The Wilson interval stays inside 0..1 and is honest for small counts (1 of 1 overturned
reads 21%-100%, not 100%), which the normal approximation is not. Rates from fewer than
FEW_ITEMS decisions are flagged as saying little (dimmed on the pages).
"""
from __future__ import annotations

import math

import numpy as np

Z95 = 1.959963984540054      # the 97.5th percentile of the standard normal
FEW_ITEMS = 10               # below this many decisions a rate is flagged as saying little


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of k successes in n trials (None when n is 0)."""
    if n <= 0:
        return None
    p = k / n
    scale = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / scale
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / scale
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_arrays(k: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """wilson() elementwise; NaN where n is 0."""
    n = np.asarray(n, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        scale = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / scale
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / scale
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def few(n: int) -> bool:
    """Whether a rate from n decisions says too little to read on its own."""
    return n < FEW_ITEMS


def percent(rate: float | None) -> str:
    """0.3333 -> '33%' ('–' for no rate)."""
    return "–" if rate is None or rate != rate else f"{round(100 * rate)}%"


def describe(k: int, n: int) -> str:
    """'33% overturned (95% CI 6%–79%, 1 of 3 items)': a rate as a page or terminal says it."""
    bounds = wilson(k, n)
    if bounds is None:
        return "no decisions"
    return (f"{percent(k / n)} overturned (95% CI {percent(bounds[0])}–{percent(bounds[1])}, "
            f"{k} of {n} item{'s' if n != 1 else ''})")
