"""Figures of the kit: one style, one palette, seaborn's calling convention.

Every plotting function takes the data first, everything else keyword-only,
``ax=None`` (the current Axes when omitted), and returns the Axes it drew on.
Topic modules (RFM, clustering, journey, ...) live beside :mod:`.style`.
"""

from course_lib.plots.style import (
    DIVERGING_CMAP,
    PALETTE,
    SEQUENTIAL_CMAP,
    finish_axes,
    kit_style,
    resolve_ax,
    use_kit_style,
)

__all__ = [
    "DIVERGING_CMAP",
    "PALETTE",
    "SEQUENTIAL_CMAP",
    "finish_axes",
    "kit_style",
    "resolve_ax",
    "use_kit_style",
]
