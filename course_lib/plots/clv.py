"""Figures for customer lifetime value: the tracking chart, P(alive) and CLV by segment.

Each function takes a table made by :mod:`course_lib.clv` (or a per-customer
table with a segment column), draws on the Axes it is given (the current one
when ``ax=None``) in the kit's palette, and returns it.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> customers = pd.DataFrame({"segment": ["Champions", "Lost", "Lost"], "p_alive": [0.9, 0.2, 0.4]})
>>> fig, ax = plt.subplots()
>>> ax = plot_p_alive_by_segment(customers, ax=ax)
>>> ax.get_xlabel()
'P(alive) (probability, 0 to 1)'
>>> plt.close(fig)
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401 (the doctests use it)
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from course_lib.plots.style import PALETTE, finish_axes, resolve_ax
from course_lib.validation import require_columns, require_non_empty, require_numeric

__all__ = ["plot_clv_by_segment", "plot_p_alive_by_segment", "plot_repeat_purchases"]


def plot_repeat_purchases(
    by_period: pd.DataFrame, *, cumulative: bool = True, period_name: str = "week", ax: Axes | None = None
) -> Axes:
    """Draw actual and predicted repeat purchases per period, with the end of calibration marked.

    Parameters
    ----------
    by_period : DataFrame
        The output of :func:`course_lib.clv.repeat_purchases_by_period`:
        indexed by period, with ``part``, ``actual``, ``predicted``,
        ``actual_cumulative`` and ``predicted_cumulative``.
    cumulative : bool, default=True
        Draw the running totals (the published chart); False draws the
        purchases of each period.
    period_name : str, default="week"
        What one period is, for the axis label.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        Two lines, "actual" (solid) and "predicted" (dashed), and a dotted
        vertical line after the last calibration period.

    Examples
    --------
    >>> by_period = pd.DataFrame({"part": ["calibration", "calibration", "holdout"],
    ...                           "actual": [2.0, 3.0, 1.0], "predicted": [2.5, 2.5, 1.5]},
    ...                          index=pd.RangeIndex(1, 4, name="period"))
    >>> by_period = by_period.assign(actual_cumulative=by_period["actual"].cumsum(),
    ...                              predicted_cumulative=by_period["predicted"].cumsum())
    >>> fig, ax = plt.subplots()
    >>> [line.get_ydata().tolist() for line in plot_repeat_purchases(by_period, ax=ax).lines[:2]]
    [[2.0, 5.0, 6.0], [2.5, 5.0, 6.5]]
    >>> plt.close(fig)
    """
    columns = ["part", "actual", "predicted", "actual_cumulative", "predicted_cumulative"]
    require_columns(by_period, columns, name="by_period")
    require_non_empty(by_period, name="by_period")
    ax = resolve_ax(ax)
    suffix = "_cumulative" if cumulative else ""
    ax.plot(by_period.index, by_period["actual" + suffix], color=PALETTE[0], label="actual")
    ax.plot(by_period.index, by_period["predicted" + suffix], color=PALETTE[1], linestyle="--", label="predicted")
    calibration = by_period.index[by_period["part"] == "calibration"]
    if len(calibration) and len(calibration) < len(by_period):
        ax.axvline(calibration.max() + 0.5, color="grey", linestyle=":", label="end of calibration")
    ax.legend(loc="upper left" if cumulative else "upper right")
    what = "Cumulative repeat purchases" if cumulative else f"Repeat purchases per {period_name}"
    return finish_axes(
        ax,
        title=f"{what}: model vs actual",
        xlabel=f"{period_name.capitalize()} since the first purchase of the cohort ({period_name}s)",
        ylabel=f"{what} (count)",
    )


def _segments(data: pd.DataFrame, segment: str) -> list:
    """The segments in their categorical order (or sorted), without empty ones."""
    values = data[segment]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [level for level in values.cat.categories if (values == level).any()]
    return sorted(values.dropna().unique().tolist(), key=str)


def plot_p_alive_by_segment(
    customers: pd.DataFrame, *, segment: str = "segment", p_alive: str = "p_alive", ax: Axes | None = None
) -> Axes:
    """Draw, for each segment, the spread of its customers' probability of being alive.

    Parameters
    ----------
    customers : DataFrame
        One row per customer with `segment` and `p_alive` (0 to 1), for
        example RFM segments joined with :meth:`course_lib.clv.BetaGeo.probability_alive`.
    segment, p_alive : str
        Column names.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        One row per segment (the first at the top): a bar from the 25th to
        the 75th percentile, a dot at the median, and the count of customers.
    """
    require_columns(customers, [segment, p_alive], name="customers")
    require_non_empty(customers, name="customers")
    require_numeric(customers, p_alive, name="customers")
    values = customers[p_alive]
    if ((values < 0) | (values > 1)).any():
        raise ValueError(f"Column {p_alive!r} of `customers` must hold probabilities between 0 and 1.")
    ax = resolve_ax(ax)
    segments = _segments(customers, segment)
    positions = np.arange(len(segments))[::-1]
    for position, name in zip(positions, segments, strict=True):
        these = values[customers[segment] == name]
        low, median, high = these.quantile([0.25, 0.5, 0.75])
        ax.hlines(position, low, high, color=PALETTE[0], linewidth=6, alpha=0.5)
        ax.plot([median], [position], "o", color=PALETTE[0])
        ax.annotate(f"n={len(these)}", (1.01, position), va="center", fontsize=8, xycoords=("axes fraction", "data"))
    ax.set_yticks(positions, [str(name) for name in segments])
    ax.set_xlim(0, 1)
    return finish_axes(
        ax,
        title="P(alive) by segment (median, 25th to 75th percentile)",
        xlabel="P(alive) (probability, 0 to 1)",
        ylabel="Segment",
    )


def plot_clv_by_segment(
    customers: pd.DataFrame,
    *,
    segment: str = "segment",
    clv: str = "clv",
    currency: str = "€",
    ax: Axes | None = None,
) -> Axes:
    """Draw each segment's share of the customers next to its share of the expected CLV.

    Parameters
    ----------
    customers : DataFrame
        One row per customer with `segment` and `clv`, for example RFM
        segments joined with :func:`course_lib.clv.customer_lifetime_value`.
    segment, clv : str
        Column names.
    currency : str, default="€"
        The money unit, for the label of each bar's mean CLV per customer.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        Two horizontal bars per segment (customers, expected CLV) in percent
        of the totals, the first segment at the top; each CLV bar is labelled
        with the segment's mean CLV per customer.

    Examples
    --------
    >>> customers = pd.DataFrame({"segment": ["A", "A", "B"], "clv": [10.0, 30.0, 60.0]})
    >>> fig, ax = plt.subplots()
    >>> [float(bar.get_width()) for bar in plot_clv_by_segment(customers, ax=ax).containers[1]]
    [40.0, 60.0]
    >>> plt.close(fig)
    """
    require_columns(customers, [segment, clv], name="customers")
    require_non_empty(customers, name="customers")
    require_numeric(customers, clv, name="customers")
    ax = resolve_ax(ax)
    segments = _segments(customers, segment)
    grouped = customers.groupby(segment, observed=True)[clv].agg(["size", "sum", "mean"]).reindex(segments)
    positions = np.arange(len(segments))[::-1]
    height = 0.4
    ax.barh(
        positions + height / 2,
        100 * grouped["size"] / grouped["size"].sum(),
        height=height,
        color=PALETTE[0],
        label="customers",
    )
    bars = ax.barh(
        positions - height / 2,
        100 * grouped["sum"] / grouped["sum"].sum(),
        height=height,
        color=PALETTE[2],
        label="expected CLV",
    )
    ax.bar_label(bars, labels=[f"{mean:,.0f} {currency}/customer" for mean in grouped["mean"]], padding=2, fontsize=8)
    ax.set_yticks(positions, [str(name) for name in segments])
    ax.set_xlim(
        0,
        100
        * max((grouped["size"] / grouped["size"].sum()).max(), (grouped["sum"] / grouped["sum"].sum()).max())
        * 1.45,
    )
    ax.legend(loc="lower right")
    return finish_axes(
        ax, title="Customers and expected CLV by segment", xlabel="Share of the total (%)", ylabel="Segment"
    )
