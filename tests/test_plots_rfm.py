"""Tests of course_lib.plots.rfm: what is drawn matches the numbers, labels carry units, bad input."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from course_lib.plots.rfm import plot_rf_heatmap, plot_rfm_distributions, plot_segment_sizes
from course_lib.rfm import assign_segments, rfm_scores, segment_summary


@pytest.fixture
def table() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 400
    return pd.DataFrame(
        {
            "recency": rng.integers(1, 365, n),
            "frequency": rng.integers(1, 12, n),
            "monetary": rng.gamma(2.0, 60.0, n).round(2),
        },
        index=pd.Index(np.arange(1, n + 1), name="customer_id"),
    )


def test_segment_sizes_bars_are_the_shares(table):
    summary = segment_summary(assign_segments(rfm_scores(table)))
    fig, ax = plt.subplots()
    assert plot_segment_sizes(summary, ax=ax) is ax
    shown = summary[summary["customers"] > 0]
    customer_bars, revenue_bars = ax.containers
    np.testing.assert_allclose([bar.get_width() for bar in customer_bars], 100 * shown["customer_share"])
    np.testing.assert_allclose([bar.get_width() for bar in revenue_bars], 100 * shown["revenue_share"])
    # First segment at the top: read the labels from the highest tick down.
    label_at = {tick: label.get_text() for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=False)}
    assert [label_at[tick] for tick in sorted(label_at, reverse=True)] == list(shown.index)
    assert ax.get_title() and "(%)" in ax.get_xlabel() and ax.get_ylabel() == "Segment"


def test_segment_sizes_labels_each_bar_or_none(table):
    summary = segment_summary(assign_segments(rfm_scores(table)))
    shown = summary[summary["customers"] > 0]
    fig, (labelled, bare) = plt.subplots(1, 2)
    plot_segment_sizes(summary, ax=labelled)
    plot_segment_sizes(summary, labels=False, ax=bare)
    texts = [text.get_text() for text in labelled.texts]
    assert len(texts) == 2 * len(shown) and texts[0] == f"{100 * shown['customer_share'].iloc[0]:.0f}%"
    assert len(bare.texts) == 0


def test_segment_sizes_draws_on_the_current_axes_by_default(table):
    summary = segment_summary(assign_segments(rfm_scores(table)))
    fig, ax = plt.subplots()
    assert plot_segment_sizes(summary) is ax


def test_rf_heatmap_cells_are_means_by_hand():
    scores = pd.DataFrame(
        {"r_score": [1, 1, 3, 3, 3], "f_score": [1, 1, 2, 2, 3], "monetary": [10.0, 20.0, 100.0, 50.0, 7.0]}
    )
    fig, ax = plt.subplots()
    plot_rf_heatmap(scores, ax=ax)
    image = ax.images[0].get_array()
    assert image.shape == (3, 3)
    assert image[0, 0] == 15.0 and image[1, 2] == 75.0 and image[2, 2] == 7.0  # rows: F, columns: R
    assert image.mask.sum() == 6  # empty cells blank
    assert sorted(text.get_text() for text in ax.texts) == ["15", "7", "75"]
    assert "Recency score" in ax.get_xlabel() and "Frequency score" in ax.get_ylabel()
    assert fig.axes[-1].get_ylabel() == "Mean monetary (€)"


def test_rf_heatmap_respects_bins_and_rejects_missing_columns():
    scores = pd.DataFrame({"r_score": [1, 2], "f_score": [1, 2], "monetary": [1.0, 2.0]})
    fig, ax = plt.subplots()
    plot_rf_heatmap(scores, bins=5, ax=ax)
    assert ax.images[0].get_array().shape == (5, 5)
    with pytest.raises(ValueError, match="no column 'f_score'"):
        plot_rf_heatmap(scores.drop(columns="f_score"), ax=ax)


def test_distributions_count_every_customer(table):
    axes = plot_rfm_distributions(table)
    assert [ax.get_title() for ax in axes] == ["Recency", "Frequency", "Monetary"]
    for ax in axes:
        assert sum(patch.get_height() for patch in ax.patches) == len(table)
        assert "(" in ax.get_xlabel() and ax.get_ylabel() == "Customers (count)"
    # Frequency: one bar per count from 1 to 11.
    assert len(axes[1].patches) == table["frequency"].max() - table["frequency"].min() + 1


def test_monetary_histogram_is_readable_on_a_long_tail():
    # 97 small spenders and 3 catering accounts: on a linear axis 97 customers share one bar.
    table = pd.DataFrame(
        {
            "recency": np.arange(100),
            "frequency": np.ones(100),
            "monetary": [20.0 + i for i in range(97)] + [9e3, 1.2e4, 1.5e4],
        }
    )
    monetary = plot_rfm_distributions(table)[2]
    heights = [patch.get_height() for patch in monetary.patches]
    assert monetary.get_xscale() == "log" and "log scale" in monetary.get_xlabel()
    assert sum(heights) == len(table) and max(heights) < 50  # the small spenders spread over several bars
    with_zero = plot_rfm_distributions(table.assign(monetary=table["monetary"] - 20.0))[2]
    assert with_zero.get_xscale() == "linear"  # a log axis cannot show 0


def test_distributions_use_given_axes_and_reject_a_wrong_number(table):
    fig, given = plt.subplots(1, 3)
    assert list(plot_rfm_distributions(table, axes=given)) == list(given)
    fig, two = plt.subplots(1, 2)
    with pytest.raises(TypeError, match="3 matplotlib Axes, got 2"):
        plot_rfm_distributions(table, axes=two)
    with pytest.raises(TypeError, match="'monetary'.*numeric"):
        plot_rfm_distributions(table.assign(monetary="12"))


def test_plots_change_no_global_style(table):
    before = dict(mpl.rcParams)
    fig, ax = plt.subplots()
    plot_segment_sizes(segment_summary(assign_segments(rfm_scores(table))), ax=ax)
    plot_rfm_distributions(table)
    assert dict(mpl.rcParams) == before
