"""The kit's figure style: one colour-blind-safe palette and one look for every plot.

Theming is an explicit call (:func:`use_kit_style`) or a ``with kit_style():``
block, never a side effect of importing the kit. Plot functions take ``ax=``
and return the Axes, like seaborn's, and use the helpers here so every figure
has a title and axis labels with units.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> with kit_style():
...     fig, ax = plt.subplots()
...     ax = finish_axes(ax, title="Orders per day", xlabel="Date", ylabel="Orders (count)")
>>> ax.get_ylabel()
'Orders (count)'
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

__all__ = ["PALETTE", "SEQUENTIAL_CMAP", "DIVERGING_CMAP", "kit_style", "use_kit_style", "resolve_ax", "finish_axes"]

#: Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
PALETTE: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
#: Perceptually uniform and colour-blind safe, for heatmaps of one quantity.
SEQUENTIAL_CMAP = "cividis"
#: For quantities above and below a reference (relative importance, for example).
DIVERGING_CMAP = "PuOr_r"

_RC_PARAMS: dict[str, object] = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,  # grid lines behind bars, not over them
    "grid.alpha": 0.3,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "image.cmap": SEQUENTIAL_CMAP,
}


@contextmanager
def kit_style() -> Iterator[None]:
    """Apply the kit's style inside a ``with`` block only."""
    with mpl.rc_context(_RC_PARAMS):
        yield


def use_kit_style() -> None:
    """Make the kit's style the default for the rest of the session (call once per notebook)."""
    mpl.rcParams.update(_RC_PARAMS)


def resolve_ax(ax: Axes | None) -> Axes:
    """Return `ax`, or the current Axes when none is given (seaborn's convention)."""
    if ax is None:
        return plt.gca()
    if not isinstance(ax, Axes):
        raise TypeError(f"`ax` must be a matplotlib Axes or None, got {type(ax).__name__} instead.")
    return ax


def finish_axes(ax: Axes, *, title: str, xlabel: str, ylabel: str) -> Axes:
    """Set the title and axis labels (with units) that every kit figure carries."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
