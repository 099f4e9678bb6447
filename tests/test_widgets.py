"""Tests of course_lib.widgets: the explorer's pure recomputation, then its wiring."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from course_lib.rfm import default_segment_map, rescale_segment_map
from course_lib.widgets import RFMExplorer, explorer_summary, plot_rfm_explorer, set_segment_ranges

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def five() -> pd.DataFrame:
    """Five customers whose (R, F) scores on 5 bins are (5,5), (4,2), (3,4), (2,3), (1,1)."""
    return pd.DataFrame(
        {"recency": [3, 10, 30, 90, 200], "frequency": [8, 2, 6, 5, 1], "monetary": [400.0, 60.0, 300.0, 250.0, 20.0]},
        index=pd.Index([1, 2, 3, 4, 5], name="customer_id"),
    )


@pytest.fixture
def table() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 300
    return pd.DataFrame(
        {
            "recency": rng.integers(1, 400, n),
            "frequency": rng.integers(1, 15, n),
            "monetary": rng.gamma(2.0, 50.0, n).round(2),
        },
        index=pd.Index(np.arange(1, n + 1), name="customer_id"),
    )


# ----------------------------------------------------------------------------- the pure part


def test_explorer_summary_by_hand_with_a_custom_map(five):
    segment_map = pd.DataFrame(
        {"segment": ["Active", "Regular"], "r_min": [4, 1], "r_max": [5, 5], "f_min": [1, 3], "f_max": [5, 5]}
    )
    summary = explorer_summary(five, segment_map=segment_map)
    assert summary["customers"].to_dict() == {"Active": 2, "Regular": 2, "Other": 1}
    assert summary["revenue"].to_dict() == {"Active": 460.0, "Regular": 550.0, "Other": 20.0}


def test_explorer_summary_default_map_follows_bins(table):
    ten = explorer_summary(table, bins=10)
    assert list(ten.index) == [*default_segment_map()["segment"], "Other"]
    assert ten["customers"].sum() == len(table) and ten.loc["Other", "customers"] == 0


def test_set_segment_ranges_edits_a_copy():
    original = default_segment_map()
    edited = set_segment_ranges(original, "Lost", r=(1, 3))
    assert edited.loc[9, ["r_min", "r_max", "f_min", "f_max"]].tolist() == [1, 3, 1, 2]
    assert original.loc[9, "r_max"] == 2
    with pytest.raises(ValueError, match="no segment 'Stars'"):
        set_segment_ranges(original, "Stars", r=(1, 2))
    with pytest.raises(ValueError, match="min <= max"):
        set_segment_ranges(original, "Lost", f=(3, 1))


def test_static_fallback_draws_the_explorer_summary(table):
    fig, ax = plt.subplots()
    assert plot_rfm_explorer(table, bins=6, ax=ax) is ax
    summary = explorer_summary(table, bins=6)
    shown = summary[summary["customers"] > 0]
    np.testing.assert_allclose([bar.get_width() for bar in ax.containers[0]], 100 * shown["customer_share"])
    assert ax.get_title().endswith("(6 scores)")


# ----------------------------------------------------------------------------- the wiring


def test_explorer_starts_with_the_summary_and_a_png(table):
    explorer = RFMExplorer(table)
    pd.testing.assert_frame_equal(explorer.summary_, explorer_summary(table))
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    assert "Champions" in explorer.table_html.value
    assert explorer.note.value == "The map covers every score cell exactly once."
    assert (explorer.r_range.value, explorer.f_range.value) == ((5, 5), (4, 5))  # Champions


def test_moving_a_range_edits_the_map_and_redraws(five):
    given = default_segment_map()
    explorer = RFMExplorer(five, segment_map=given)
    before = explorer.image.value
    explorer.r_range.value = (4, 5)
    explorer.f_range.value = (2, 5)
    assert explorer.segment_map_.loc[0, ["r_min", "r_max", "f_min", "f_max"]].tolist() == [4, 5, 2, 5]
    assert explorer.summary_.loc["Champions", "customers"] == 2
    assert explorer.summary_.loc["Potential loyalist", "customers"] == 0  # customer 2 went to Champions
    assert explorer.image.value != before
    assert "Loyal overlaps Champions" in explorer.note.value
    assert "Potential loyalist overlaps Champions (first match wins: it keeps 0 of its 4 cells)" in explorer.note.value
    pd.testing.assert_frame_equal(given, default_segment_map())  # the caller's map untouched


def test_choosing_a_segment_moves_the_sliders_without_editing(table):
    explorer = RFMExplorer(table)
    segment_map = explorer.segment_map_.copy()
    summary = explorer.summary_.copy()
    explorer.segment.value = "At risk"
    assert (explorer.r_range.value, explorer.f_range.value) == ((1, 2), (3, 4))
    pd.testing.assert_frame_equal(explorer.segment_map_, segment_map)
    pd.testing.assert_frame_equal(explorer.summary_, summary)


def test_changing_bins_rescales_the_map_and_rescores(table):
    explorer = RFMExplorer(table)
    explorer.segment.value = "Loyal"
    explorer.bins.value = 10
    assert explorer.r_range.max == 10 and explorer.f_range.max == 10
    assert (explorer.r_range.value, explorer.f_range.value) == ((5, 8), (7, 10))
    pd.testing.assert_frame_equal(explorer.summary_, explorer_summary(table, bins=10))
    explorer.bins.value = 3
    assert "Promising" not in explorer.segment.options
    assert "On 3 scores these segments hold no score" in explorer.note.value
    expected = explorer_summary(table, bins=3, segment_map=rescale_segment_map(default_segment_map(), bins=3))
    pd.testing.assert_frame_equal(explorer.summary_, expected)


def test_uncovered_cells_are_reported(five):
    explorer = RFMExplorer(five)
    explorer.segment.value = "Lost"
    explorer.r_range.value = (1, 1)
    assert "2 score cells match no segment" in explorer.note.value
    assert explorer.summary_.loc["Lost", "customers"] == 1


def test_explorer_rejects_bad_input(table):
    with pytest.raises(ValueError, match="no column 'monetary'"):
        RFMExplorer(table.drop(columns="monetary"))
    with pytest.raises(ValueError, match="at most 10"):
        RFMExplorer(table, bins=12)
    with pytest.raises(ValueError, match="'bins' parameter of RFMExplorer must be an int >= 3"):
        RFMExplorer(table, bins=2)
