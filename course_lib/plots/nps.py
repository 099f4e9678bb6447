"""Figure for the Net Promoter Score: one point per group, with its interval and its count.

A score without its interval invites over-reading: two groups 10 points apart
may not differ at all when each rests on a few dozen answers. The figure draws
every group's NPS with its interval, writes the number of answers next to the
group's name, and draws the groups flagged ``small_sample`` hollow and grey.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> import pandas as pd
>>> from course_lib.customer_view import nps_by
>>> answers = pd.DataFrame({"channel": ["app"] * 4 + ["web"] * 2, "nps": [10, 9, 3, 8, 10, 6]})
>>> fig, ax = plt.subplots()
>>> ax = plot_nps(nps_by(answers, "channel", min_n=3), by="channel", ax=ax)
>>> [label.get_text() for label in ax.get_yticklabels()]
['app (n=4)', 'web (n=2)']
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from course_lib.plots.style import PALETTE, finish_axes, resolve_ax
from course_lib.validation import require_columns, require_non_empty

__all__ = ["plot_nps"]

_NPS_COLUMNS = ["n", "nps", "ci_low", "ci_high", "small_sample"]
_SMALL_COLOUR = "#999999"


def plot_nps(table: pd.DataFrame, *, by: str | Sequence[str], ax: Axes | None = None) -> Axes:
    """Draw each group's NPS as a point with its interval, small samples hollow and grey.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`course_lib.customer_view.nps_by`: the `by`
        columns and ``n``, ``nps``, ``ci_low``, ``ci_high``, ``small_sample``.
    by : str or sequence of str
        The group column(s); several are joined with " · " in the labels.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        One row per group, in the table's order from the top, labelled
        "group (n=answers)"; a vertical line marks 0 (as many promoters as
        detractors); the x axis runs from -100 to 100. A legend explains the
        hollow points when there are any.
    """
    by = [by] if isinstance(by, str) else list(by)
    require_columns(table, [*by, *_NPS_COLUMNS], name="table")
    require_non_empty(table, name="table")
    ax = resolve_ax(ax)
    labels = table[by].astype(str).agg(" · ".join, axis=1) + table["n"].map(lambda n: f" (n={n})")
    positions = np.arange(len(table))[::-1]  # first group at the top
    small = table["small_sample"].to_numpy(dtype=bool)
    errors = np.vstack([table["nps"] - table["ci_low"], table["ci_high"] - table["nps"]])
    for flagged, colour, face, name in (
        (False, PALETTE[0], PALETTE[0], "enough answers"),
        (True, _SMALL_COLOUR, "white", "small sample: do not rank"),
    ):
        chosen = small == flagged
        if chosen.any():
            ax.errorbar(
                table["nps"].to_numpy()[chosen],
                positions[chosen],
                xerr=errors[:, chosen],
                fmt="o",
                color=colour,
                markerfacecolor=face,
                ecolor=colour,
                capsize=3,
                label=name,
            )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(positions, labels.tolist())
    ax.set_xlim(-100, 100)
    if small.any():  # the legend only explains the hollow points
        ax.legend(loc="best")
    return finish_axes(
        ax,
        title="Net Promoter Score with its interval",
        xlabel="NPS (−100 to 100)",
        ylabel=" · ".join(column.replace("_", " ") for column in by).capitalize(),
    )
