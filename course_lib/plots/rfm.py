"""Figures for RFM: segment sizes next to revenue share, the R x F heatmap, the distributions.

Each function takes a table made by :mod:`course_lib.rfm`, draws on the Axes
it is given (the current one when ``ax=None``) in the kit's palette, and
returns it; :func:`plot_rfm_distributions` draws three panels, so it takes
and returns ``axes``.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> import pandas as pd
>>> from course_lib.rfm import segment_summary
>>> segmented = pd.DataFrame({"segment": ["Champions", "Lost", "Lost", "Lost"],
...                           "recency": [3, 200, 310, 250], "frequency": [12, 1, 1, 2],
...                           "monetary": [600.0, 20.0, 30.0, 50.0]})
>>> fig, ax = plt.subplots()
>>> ax = plot_segment_sizes(segment_summary(segmented), ax=ax)
>>> [label.get_text() for label in ax.get_yticklabels()]
['Champions', 'Lost']
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from course_lib.plots.style import PALETTE, SEQUENTIAL_CMAP, finish_axes, resolve_ax
from course_lib.validation import require_columns, require_non_empty, require_numeric, require_positive_int

__all__ = ["plot_rf_heatmap", "plot_rfm_distributions", "plot_segment_sizes"]

#: The panels of :func:`plot_rfm_distributions`: column, title, x label.
_DISTRIBUTION_PANELS = (
    ("recency", "Recency", "Days since the last purchase (days)"),
    ("frequency", "Frequency", "Purchases (count)"),
    ("monetary", "Monetary", "Net spend (€)"),
)


def plot_segment_sizes(summary: pd.DataFrame, *, labels: bool = True, ax: Axes | None = None) -> Axes:
    """Draw each segment's share of the customers next to its share of the revenue.

    A segment whose revenue bar is much longer than its customer bar is worth
    more than its size suggests (Champions, usually); the reverse is a crowd
    that spends little.

    Parameters
    ----------
    summary : DataFrame
        The output of :func:`course_lib.rfm.segment_summary`: indexed by
        segment, with ``customer_share`` and ``revenue_share`` (fractions).
    labels : bool, default=True
        Write each bar's percentage at its end.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        Two horizontal bars per segment (customers, revenue) in percent,
        the first segment at the top. Segments without customers
        (an empty "Other", for instance) are left out.
    """
    require_columns(summary, ["customer_share", "revenue_share"], name="summary")
    require_non_empty(summary, name="summary")
    ax = resolve_ax(ax)
    shown = summary[summary["customer_share"] > 0]
    positions = np.arange(len(shown))[::-1]  # first segment at the top
    height = 0.4
    for offset, column, label, colour in (
        (height / 2, "customer_share", "customers", PALETTE[0]),
        (-height / 2, "revenue_share", "revenue", PALETTE[1]),
    ):
        bars = ax.barh(positions + offset, 100 * shown[column], height=height, color=colour, label=label)
        if labels:
            ax.bar_label(bars, fmt="%.0f%%", padding=2, fontsize=8)
    ax.set_yticks(positions, [str(segment) for segment in shown.index])
    ax.set_xlim(0, max(100 * shown[["customer_share", "revenue_share"]].to_numpy().max(), 1) * 1.15)
    ax.legend(loc="lower right")
    return finish_axes(ax, title="Customers and revenue by segment", xlabel="Share of the total (%)", ylabel="Segment")


def plot_rf_heatmap(
    scores: pd.DataFrame,
    *,
    value: str = "monetary",
    bins: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw the mean of `value` in each cell of the recency x frequency score grid.

    Parameters
    ----------
    scores : DataFrame
        One row per customer with ``r_score``, ``f_score`` and `value`, as made
        by :func:`course_lib.rfm.rfm_scores`.
    value : str, default="monetary"
        The column averaged in each cell (euros for the default).
    bins : int or None, default=None
        The number of scores; None: the largest score in `scores`.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        A `bins` x `bins` image, recency score across (recent on the right),
        frequency score up, each cell labelled with its mean (rounded) and
        left blank when no customer has that pair of scores; a colour bar.

    Examples
    --------
    >>> scores = pd.DataFrame({"r_score": [1, 2, 2], "f_score": [1, 2, 2],
    ...                        "monetary": [10.0, 30.0, 50.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_rf_heatmap(scores, ax=ax)
    >>> [text.get_text() for text in ax.texts]
    ['10', '40']
    >>> plt.close(fig)
    """
    require_columns(scores, ["r_score", "f_score", value], name="scores")
    require_non_empty(scores, name="scores")
    require_numeric(scores, value, name="scores")
    bins = int(max(scores["r_score"].max(), scores["f_score"].max())) if bins is None else bins
    require_positive_int(bins, parameter="bins", function="plot_rf_heatmap", minimum=2)
    ax = resolve_ax(ax)
    grid = scores.pivot_table(index="f_score", columns="r_score", values=value, aggfunc="mean", observed=True).reindex(
        index=range(1, bins + 1), columns=range(1, bins + 1)
    )
    image = ax.imshow(
        np.ma.masked_invalid(grid.to_numpy(dtype="float64")),
        origin="lower",
        cmap=SEQUENTIAL_CMAP,
        extent=(0.5, bins + 0.5, 0.5, bins + 0.5),
        aspect="auto",
    )
    middle = np.nanmean(grid.to_numpy(dtype="float64"))
    for (f_score, r_score), mean in grid.stack().dropna().items():
        ax.text(
            r_score,
            f_score,
            f"{mean:.0f}",
            ha="center",
            va="center",
            fontsize=8,
            color="black" if mean >= middle else "white",
        )
    ax.set_xticks(range(1, bins + 1))
    ax.set_yticks(range(1, bins + 1))
    ax.grid(False)
    unit = " (€)" if value == "monetary" else ""
    ax.figure.colorbar(image, ax=ax, label=f"Mean {value}{unit}")
    return finish_axes(
        ax,
        title=f"Mean {value} by R and F score",
        xlabel=f"Recency score R (score 1-{bins}, {bins} = most recent)",
        ylabel=f"Frequency score F (score 1-{bins}, {bins} = most purchases)",
    )


def plot_rfm_distributions(table: pd.DataFrame, *, axes: Sequence[Axes] | None = None) -> np.ndarray:
    """Draw histograms of recency, frequency and monetary, one panel each.

    Parameters
    ----------
    table : DataFrame
        One row per customer with ``recency``, ``frequency`` and
        ``monetary``, as made by :func:`course_lib.rfm.rfm_table`.
    axes : sequence of 3 Axes, optional
        Where to draw; by default a new figure with three panels side by side.

    Returns
    -------
    ndarray of Axes
        The three Axes, in the order recency, frequency, monetary. Frequency
        gets one bar per purchase count (up to 40 counts; beyond, 40 bins).
        Monetary is drawn on a logarithmic axis with bins of equal width on
        it when every amount is positive: spend has a long tail (a few
        catering accounts spend a hundred times the median), and on a linear
        axis almost every customer would fall in the first bar.

    Examples
    --------
    >>> table = pd.DataFrame({"recency": [3, 40, 200], "frequency": [5, 2, 1],
    ...                       "monetary": [250.0, 60.0, 18.0]})
    >>> axes = plot_rfm_distributions(table)
    >>> [ax.get_title() for ax in axes]
    ['Recency', 'Frequency', 'Monetary']
    >>> plt.close(axes[0].figure)
    """
    columns = [column for column, *_ in _DISTRIBUTION_PANELS]
    require_columns(table, columns, name="table")
    require_non_empty(table, name="table")
    for column in columns:
        require_numeric(table, column, name="table")
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(11, 3.5), layout="constrained")
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) != len(_DISTRIBUTION_PANELS) or not all(isinstance(ax, Axes) for ax in axes):
        raise TypeError(f"`axes` must be 3 matplotlib Axes, got {len(axes)} object(s) instead.")
    for ax, (column, title, xlabel) in zip(axes, _DISTRIBUTION_PANELS, strict=False):
        values = table[column]
        counts_are_few = column == "frequency" and values.max() - values.min() <= 40
        on_log_axis = column == "monetary" and values.min() > 0 and values.max() > values.min()
        if counts_are_few:
            edges = np.arange(values.min() - 0.5, values.max() + 1.5)
        elif on_log_axis:
            edges = np.geomspace(values.min(), values.max(), 31)
        else:
            edges = 40
        ax.hist(values, bins=edges, color=PALETTE[0], edgecolor="white")
        if on_log_axis:
            ax.set_xscale("log")
            xlabel = xlabel.replace(")", ", log scale)")
        finish_axes(ax, title=title, xlabel=xlabel, ylabel="Customers (count)")
    return axes
