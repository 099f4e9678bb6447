"""Segment migration as a flow (alluvial) chart: where each segment's customers went.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> import pandas as pd
>>> from course_lib.segments import migration
>>> before = pd.DataFrame({"customer_id": [1, 2, 3], "segment": ["Champions", "Champions", "Lost"]})
>>> after = pd.DataFrame({"customer_id": [1, 2, 3], "segment": ["Champions", "Lost", "Lost"]})
>>> ax = plot_migration(migration(before, after))
>>> ax.get_title()
'Where each segment went'
>>> plt.close("all")
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from course_lib.plots.style import PALETTE, finish_axes, resolve_ax

__all__ = ["plot_migration"]

_BAR_WIDTH = 0.12


def _counts(moves: Any) -> pd.DataFrame:
    counts = getattr(moves, "counts", moves)
    if not isinstance(counts, pd.DataFrame):
        raise TypeError(
            "plot_migration needs the result of course_lib.segments.migration (or its `counts` table); "
            f"got {type(moves).__name__}."
        )
    if counts.empty or (counts.to_numpy() < 0).any():
        raise ValueError("The migration counts must be a non-empty table of customer counts (0 or more).")
    return counts


def _stack(sizes: pd.Series, gap: float) -> pd.Series:
    """Bottom of each block when blocks are stacked top-down in order with a gap between them."""
    bottoms = sizes[::-1].cumsum().shift(fill_value=0) + gap * np.arange(len(sizes))
    return bottoms[::-1]


def plot_migration(
    moves: Any,
    *,
    before_label: str = "Before",
    after_label: str = "After",
    ax: Axes | None = None,
    title: str = "Where each segment went",
) -> Axes:
    """Draw two stacked columns of segments, joined by bands as wide as the customers who moved.

    Parameters
    ----------
    moves : Migration or DataFrame
        The result of :func:`course_lib.segments.migration`, or its ``counts``
        (rows = before, columns = after).
    before_label, after_label : str
        Names of the two snapshots under the columns (for example the dates).
    ax : Axes, optional
        Where to draw; the current Axes when omitted.
    title : str
        The figure's title.

    Returns
    -------
    Axes
        The Axes drawn on. Each band has the colour of the segment it came
        from (arrivals in grey); a block's height is its number of customers.
        With more than eight segments the palette's colours repeat, so every
        block carries its name and size.
    """
    counts = _counts(moves)
    ax = resolve_ax(ax)
    total = counts.to_numpy().sum()
    gap = 0.02 * total
    left, right = counts.sum(axis=1), counts.sum(axis=0)
    left_bottom, right_bottom = _stack(left, gap), _stack(right, gap)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(counts.index)}
    # Arrivals are not a segment: grey keeps them apart from the palette's colours.
    colours.update({name: "#999999" for name in counts.index if str(name).startswith("(")})
    x0, x1 = _BAR_WIDTH, 1 - _BAR_WIDTH
    xs = np.linspace(x0, x1, 50)
    smooth = 3 * ((xs - x0) / (x1 - x0)) ** 2 - 2 * ((xs - x0) / (x1 - x0)) ** 3  # an S-curve from 0 to 1

    # Within a block, bands leave and arrive in the order of the other column, so they cross least.
    out_offset = {name: left_bottom[name] + left[name] for name in counts.index}
    in_offset = {name: right_bottom[name] + right[name] for name in counts.columns}
    for source in counts.index:
        for target in counts.columns:
            size = counts.loc[source, target]
            if size <= 0:
                continue
            top_left, top_right = out_offset[source], in_offset[target]
            out_offset[source] -= size
            in_offset[target] -= size
            top = top_left + (top_right - top_left) * smooth
            ax.fill_between(xs, top - size, top, color=colours[source], alpha=0.45, linewidth=0)

    for names, sizes, bottoms, x, align in (
        (counts.index, left, left_bottom, 0, "right"),
        (counts.columns, right, right_bottom, 1 - _BAR_WIDTH, "left"),
    ):
        for name in names:
            colour = colours.get(name, "#777777")
            ax.add_patch(Rectangle((x, bottoms[name]), _BAR_WIDTH, sizes[name], color=colour, linewidth=0))
            if sizes[name] > 0:
                label_x = -0.01 if align == "right" else 1.01
                ax.text(
                    label_x,
                    bottoms[name] + sizes[name] / 2,
                    f"{name} ({int(sizes[name])})",
                    ha=align,
                    va="center",
                    fontsize=8,
                )
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(0, max(left.sum() + gap * (len(left) - 1), right.sum() + gap * (len(right) - 1)) * 1.02)
    ax.set_xticks([_BAR_WIDTH / 2, 1 - _BAR_WIDTH / 2], [before_label, after_label])
    ax.grid(False)
    return finish_axes(ax, title=title, xlabel="Snapshot", ylabel="Customers (count)")
