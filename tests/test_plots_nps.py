"""Tests of course_lib.plots.nps: what is drawn matches the table, checked by hand."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from course_lib.plots.nps import plot_nps


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "diet": ["vegan", "vegan", "curious"],
            "channel": ["app", "web", "app"],
            "n": [120, 40, 12],
            "nps": [30.0, -10.0, 50.0],
            "ci_low": [20.0, -30.0, 10.0],
            "ci_high": [40.0, 10.0, 90.0],
            "small_sample": [False, False, True],
        }
    )


def test_points_intervals_and_labels_follow_the_table(table):
    fig, ax = plt.subplots()
    assert plot_nps(table, by=["diet", "channel"], ax=ax) is ax
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == ["vegan · app (n=120)", "vegan · web (n=40)", "curious · app (n=12)"]
    ticks = dict(zip(labels, ax.get_yticks(), strict=False))
    # Two series: the reliable groups (filled), then the small sample (hollow).
    reliable, small = ax.containers
    x, y = reliable.lines[0].get_data()
    assert list(x) == [30.0, -10.0] and list(y) == [ticks["vegan · app (n=120)"], ticks["vegan · web (n=40)"]]
    segments = reliable.lines[2][0].get_segments()
    assert [(segment[0][0], segment[1][0]) for segment in segments] == [(20.0, 40.0), (-30.0, 10.0)]
    x, y = small.lines[0].get_data()
    assert list(x) == [50.0] and list(y) == [ticks["curious · app (n=12)"]]
    assert small.lines[0].get_markerfacecolor() == "white"
    assert ax.get_xlim() == (-100, 100)
    assert ax.get_title() and "NPS" in ax.get_xlabel() and ax.get_ylabel() == "Diet · channel"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["enough answers", "small sample: do not rank"]


def test_no_small_sample_means_one_series(table):
    fig, ax = plt.subplots()
    plot_nps(table[~table["small_sample"]], by="diet", ax=ax)
    assert len(ax.containers) == 1
    assert ax.get_legend() is None  # nothing hollow to explain
    assert [label.get_text() for label in ax.get_yticklabels()] == ["vegan (n=120)", "vegan (n=40)"]


def test_draws_on_the_current_axes_and_changes_no_global_style(table):
    before = dict(mpl.rcParams)
    fig, ax = plt.subplots()
    assert plot_nps(table, by="diet") is ax
    assert dict(mpl.rcParams) == before


def test_bad_input(table):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="no column 'ci_low'"):
        plot_nps(table.drop(columns="ci_low"), by="diet", ax=ax)
    with pytest.raises(ValueError, match="no column 'zone'"):
        plot_nps(table, by="zone", ax=ax)
    with pytest.raises(ValueError, match="0 rows"):
        plot_nps(table.head(0), by="diet", ax=ax)
    with pytest.raises(TypeError, match="`ax` must be a matplotlib Axes"):
        plot_nps(table, by="diet", ax="left")
