"""Interactive explorers for the lessons, built with ipywidgets.

An explorer is two layers, kept apart so that the numbers can be tested
without a browser:

* a **pure recomputation** - DataFrames in, DataFrame out - that a test (or a
  learner) can call directly: :func:`explorer_summary`, with
  :func:`set_segment_ranges` for editing a segment map;
* the **widget wiring** - sliders whose changes call that function and redraw
  one figure: :class:`RFMExplorer`.

A notebook's stored output cannot hold a live widget, so each explorer has a
**static fallback** figure for the same settings (:func:`plot_rfm_explorer`),
shown beside it so the lesson reads well without a kernel.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"recency": [3, 10, 30, 90, 200], "frequency": [8, 2, 6, 5, 1],
...                       "monetary": [400.0, 60.0, 300.0, 250.0, 20.0]},
...                      index=pd.Index([1, 2, 3, 4, 5], name="customer_id"))
>>> summary = explorer_summary(table, bins=5)
>>> summary.loc[summary["customers"] > 0, ["customers", "revenue_share"]].round(2)
                    customers  revenue_share
segment
Champions                   1           0.39
Loyal                       1           0.29
Potential loyalist          1           0.06
At risk                     1           0.24
Lost                        1           0.02
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_lib.plots.rfm import plot_segment_sizes
from course_lib.plots.style import kit_style
from course_lib.rfm import (
    assign_segments,
    check_segment_map,
    default_segment_map,
    rescale_segment_map,
    rfm_scores,
    segment_summary,
)
from course_lib.validation import require_positive_int, sample_of

__all__ = ["RFMExplorer", "explorer_summary", "plot_rfm_explorer", "set_segment_ranges"]

#: The numbers of scores the explorer offers.
EXPLORER_BINS = (3, 10)


def explorer_summary(
    table: pd.DataFrame,
    *,
    bins: int = 5,
    segment_map: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score, segment and summarise: what the RFM explorer shows for one setting.

    Parameters
    ----------
    table : DataFrame
        One row per customer with ``recency``, ``frequency`` and ``monetary``
        (:func:`course_lib.rfm.rfm_table`).
    bins : int, default=5
        Number of quantile scores.
    segment_map : DataFrame or None, default=None
        A map for `bins` scores; None: the ten default segments rescaled to
        `bins` scores (:func:`course_lib.rfm.rescale_segment_map`).

    Returns
    -------
    DataFrame
        :func:`course_lib.rfm.segment_summary` of the customers: size,
        shares, means and action of each segment.
    """
    require_positive_int(bins, parameter="bins", function="explorer_summary", minimum=2)
    if segment_map is None:
        segment_map = rescale_segment_map(default_segment_map(), bins=bins)
    segmented = assign_segments(rfm_scores(table, bins=bins), segment_map=segment_map, bins=bins)
    return segment_summary(segmented, segment_map=segment_map)


def set_segment_ranges(
    segment_map: pd.DataFrame,
    segment: str,
    *,
    r: Sequence[int] | None = None,
    f: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Return a copy of `segment_map` with new score ranges for one segment.

    Parameters
    ----------
    segment_map : DataFrame
        A segment map (:func:`course_lib.rfm.default_segment_map`).
    segment : str
        The segment to change.
    r, f : (int, int) or None, default=None
        The new inclusive (min, max) recency and frequency score ranges; None
        keeps the old one.

    Returns
    -------
    DataFrame
        The edited copy; `segment_map` itself is unchanged. Check it with
        :func:`course_lib.rfm.check_segment_map`.

    Examples
    --------
    >>> edited = set_segment_ranges(default_segment_map(), "Champions", f=(3, 5))
    >>> edited[["segment", "r_min", "r_max", "f_min", "f_max"]].head(1)
         segment  r_min  r_max  f_min  f_max
    0  Champions      5      5      3      5
    """
    names = list(segment_map["segment"])
    if segment not in names:
        raise ValueError(f"`segment_map` has no segment {segment!r}. Segments: {sample_of(names, limit=len(names))}.")
    edited = segment_map.copy()
    row = names.index(segment)
    for axis, new_range in (("r", r), ("f", f)):
        if new_range is None:
            continue
        low, high = (int(value) for value in new_range)
        if low > high:
            raise ValueError(
                f"The {axis!r} range of set_segment_ranges must be (min, max) with min <= max. Got {new_range!r}."
            )
        edited.loc[edited.index[row], [f"{axis}_min", f"{axis}_max"]] = [low, high]
    return edited


def plot_rfm_explorer(
    table: pd.DataFrame,
    *,
    bins: int = 5,
    segment_map: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw what the RFM explorer shows for one setting: the static fallback for a notebook.

    Parameters
    ----------
    table, bins, segment_map
        As in :func:`explorer_summary`.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        :func:`course_lib.plots.rfm.plot_segment_sizes` of the summary, its
        title naming the number of scores.
    """
    ax = plot_segment_sizes(explorer_summary(table, bins=bins, segment_map=segment_map), ax=ax)
    ax.set_title(f"Customers and revenue by segment ({bins} scores)")
    return ax


class RFMExplorer:
    """Explore RFM segments live: the number of scores and each segment's score ranges.

    Controls: the number of scores (3-10), a segment, and that segment's
    recency and frequency score ranges. Every change recomputes
    :func:`explorer_summary` and redraws the sizes and revenue shares. The
    scores of each number of bins are computed once and kept. Changing the
    number of scores starts again from the map given (rescaled to the new
    number of scores); the range sliders edit that rescaled map.

    Parameters
    ----------
    table : DataFrame
        One row per customer with ``recency``, ``frequency`` and ``monetary``.
    bins : int, default=5
        The number of scores to start with.
    segment_map : DataFrame or None, default=None
        The starting map, written for `map_bins` scores; None: the default map.
    map_bins : int, default=5
        The number of scores `segment_map` is written for.

    Attributes
    ----------
    segment_map_ : DataFrame
        The map in use (rescaled and edited).
    summary_ : DataFrame
        The current :func:`explorer_summary`.
    widget : ipywidgets.VBox
        The controls, a note on the map, the figure and the table; the
        explorer displays as this widget in a notebook.

    Examples
    --------
    >>> table = pd.DataFrame({"recency": [3, 10, 30, 90, 200], "frequency": [8, 2, 6, 5, 1],
    ...                       "monetary": [400.0, 60.0, 300.0, 250.0, 20.0]})
    >>> explorer = RFMExplorer(table)
    >>> explorer.segment.value = "Champions"
    >>> explorer.r_range.value = (4, 5)                 # Champions now from R = 4 ...
    >>> explorer.f_range.value = (2, 5)                 # ... and from F = 2
    >>> int(explorer.summary_.loc["Champions", "customers"])
    2
    """

    def __init__(
        self,
        table: pd.DataFrame,
        *,
        bins: int = 5,
        segment_map: pd.DataFrame | None = None,
        map_bins: int = 5,
    ) -> None:
        low, high = EXPLORER_BINS
        require_positive_int(bins, parameter="bins", function="RFMExplorer", minimum=low)
        if bins > high:
            raise ValueError(f"The 'bins' parameter of RFMExplorer must be at most {high}. Got {bins} instead.")
        self._table = table
        self._start_map = default_segment_map() if segment_map is None else segment_map
        self._map_bins = map_bins
        self._scores_by_bins: dict[int, pd.DataFrame] = {}
        self._scores(bins)  # validates the table before any widget exists
        self.segment_map_ = rescale_segment_map(self._start_map, bins=bins, from_bins=map_bins)
        self._syncing = False

        names = list(self.segment_map_["segment"])
        self.bins = widgets.IntSlider(value=bins, min=low, max=high, description="Scores", continuous_update=False)
        self.segment = widgets.Dropdown(options=names, value=names[0], description="Segment")
        self.r_range = widgets.IntRangeSlider(min=1, max=bins, description="R score", continuous_update=False)
        self.f_range = widgets.IntRangeSlider(min=1, max=bins, description="F score", continuous_update=False)
        self.note = widgets.HTML()
        # Fixed to the PNG's own size (6.4 x 4.2 in at 80 dpi), or the row squeezes it.
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="512px", height="336px", flex="0 0 auto"))
        self.table_html = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.bins, self.segment]),
                widgets.HBox([self.r_range, self.f_range]),
                self.note,
                widgets.HBox([self.image, self.table_html]),
            ]
        )
        # One figure, outside pyplot (never shown twice by the inline backend), with fixed
        # margins: an automatic layout would measure every label again on each update.
        self._figure = Figure(figsize=(6.4, 4.2))
        self._figure.subplots_adjust(left=0.25, right=0.97, top=0.9, bottom=0.13)
        self._ax = self._figure.add_subplot()

        self._show_segment_ranges()
        self.bins.observe(self._on_bins, names="value")
        self.segment.observe(self._on_segment, names="value")
        self.r_range.observe(self._on_range, names="value")
        self.f_range.observe(self._on_range, names="value")
        self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def update(self) -> None:
        """Recompute the summary from the current settings and redraw."""
        bins = self.bins.value
        segmented = assign_segments(self._scores(bins), segment_map=self.segment_map_, bins=bins)
        self.summary_ = segment_summary(segmented, segment_map=self.segment_map_)
        self.note.value = self._map_note()
        self.table_html.value = self._summary_html()
        self._ax.clear()
        with kit_style():
            # No labels on the bars: the table beside the figure has the numbers, and
            # fewer texts keep the redraw fast.
            plot_segment_sizes(self.summary_, labels=False, ax=self._ax)
            self._ax.set_title(f"Customers and revenue by segment ({bins} scores)")
            buffer = io.BytesIO()
            # The whole figure as laid out (the kit style's "tight" box would draw it twice),
            # compressed lightly: the image is small, the learner waits for the encoding.
            self._figure.savefig(
                buffer,
                format="png",
                dpi=80,
                bbox_inches=self._figure.bbox_inches,
                pil_kwargs={"compress_level": 1},
            )
        self.image.value = buffer.getvalue()

    # ------------------------------------------------------------------ wiring

    def _scores(self, bins: int) -> pd.DataFrame:
        if bins not in self._scores_by_bins:
            self._scores_by_bins[bins] = rfm_scores(self._table, bins=bins)
        return self._scores_by_bins[bins]

    def _on_bins(self, change: dict) -> None:
        bins = change["new"]
        self.segment_map_ = rescale_segment_map(self._start_map, bins=bins, from_bins=self._map_bins)
        names = list(self.segment_map_["segment"])
        self._syncing = True
        try:
            chosen = self.segment.value if self.segment.value in names else names[0]
            self.segment.options = names
            self.segment.value = chosen
            for slider in (self.r_range, self.f_range):
                slider.max = bins
        finally:
            self._syncing = False
        self._show_segment_ranges()
        self.update()

    def _on_segment(self, change: dict) -> None:
        if not self._syncing:
            self._show_segment_ranges()

    def _on_range(self, change: dict) -> None:
        if self._syncing:
            return
        self.segment_map_ = set_segment_ranges(
            self.segment_map_, self.segment.value, r=self.r_range.value, f=self.f_range.value
        )
        self.update()

    def _show_segment_ranges(self) -> None:
        """Move the range sliders to the chosen segment's ranges without editing the map."""
        row = self.segment_map_.set_index("segment").loc[self.segment.value]
        self._syncing = True
        try:
            self.r_range.value = (int(row["r_min"]), int(row["r_max"]))
            self.f_range.value = (int(row["f_min"]), int(row["f_max"]))
        finally:
            self._syncing = False

    def _map_note(self) -> str:
        """One line on what the map does: dropped segments, overlaps, uncovered cells."""
        bins = self.bins.value
        report = check_segment_map(self.segment_map_, bins=bins)
        notes = []
        dropped = [name for name in self._start_map["segment"] if name not in report.index]
        if dropped:
            notes.append(f"On {bins} scores these segments hold no score: {', '.join(dropped)}.")
        for name, row in report.drop(index="Other").iterrows():
            if row["overlaps_with"]:
                notes.append(
                    f"{name} overlaps {row['overlaps_with']} (first match wins: it keeps "
                    f"{row['cells_won']} of its {row['cells']} cells)."
                )
        if report.loc["Other", "cells_won"]:
            notes.append(
                f"{report.loc['Other', 'cells_won']} score cells match no segment: their customers are 'Other'."
            )
        return "<br>".join(notes) or "The map covers every score cell exactly once."

    def _summary_html(self) -> str:
        shown = self.summary_[["customers", "customer_share", "revenue_share"]].assign(
            customer_share=lambda frame: (100 * frame["customer_share"]).round(1),
            revenue_share=lambda frame: (100 * frame["revenue_share"]).round(1),
        )
        return shown.rename(columns={"customer_share": "customers (%)", "revenue_share": "revenue (%)"}).to_html()
