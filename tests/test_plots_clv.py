"""Tests of course_lib.plots.clv: what is drawn matches the numbers, labels carry units, bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from course_lib.plots import plot_clv_by_segment, plot_p_alive_by_segment, plot_repeat_purchases


@pytest.fixture
def by_period() -> pd.DataFrame:
    actual = np.array([3.0, 5.0, 4.0, 6.0, 2.0])
    predicted = np.array([3.5, 4.5, 4.0, 5.0, 3.0])
    return pd.DataFrame(
        {
            "part": ["calibration"] * 3 + ["holdout"] * 2,
            "actual": actual,
            "predicted": predicted,
            "actual_cumulative": actual.cumsum(),
            "predicted_cumulative": predicted.cumsum(),
        },
        index=pd.RangeIndex(1, 6, name="period"),
    )


@pytest.fixture
def customers() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    segment = pd.Categorical(
        rng.choice(["Champions", "At risk", "Lost"], 300), categories=["Champions", "At risk", "Lost"]
    )
    return pd.DataFrame({"segment": segment, "p_alive": rng.uniform(0, 1, 300), "clv": rng.gamma(2.0, 20.0, 300)})


def test_repeat_purchases_draws_the_cumulative_lines_and_the_end_of_calibration(by_period):
    fig, ax = plt.subplots()
    assert plot_repeat_purchases(by_period, ax=ax) is ax
    actual, predicted, boundary = ax.lines
    np.testing.assert_allclose(actual.get_ydata(), by_period["actual"].cumsum())
    np.testing.assert_allclose(predicted.get_ydata(), by_period["predicted"].cumsum())
    assert boundary.get_xdata()[0] == 3.5  # between the last calibration and the first hold-out week
    assert ax.get_title() and "(count)" in ax.get_ylabel() and "(weeks)" in ax.get_xlabel()
    plt.close(fig)


def test_repeat_purchases_per_period(by_period):
    fig, ax = plt.subplots()
    plot_repeat_purchases(by_period, cumulative=False, ax=ax)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), by_period["actual"])
    assert ax.get_ylabel().startswith("Repeat purchases per week")
    plt.close(fig)


def test_p_alive_by_segment_marks_each_median_in_category_order(customers):
    fig, ax = plt.subplots()
    assert plot_p_alive_by_segment(customers, ax=ax) is ax
    medians = [line.get_xdata()[0] for line in ax.lines]
    expected = customers.groupby("segment", observed=True)["p_alive"].median()
    np.testing.assert_allclose(medians, expected.to_numpy())
    label_at = {tick: label.get_text() for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    assert [label_at[tick] for tick in sorted(label_at, reverse=True)] == ["Champions", "At risk", "Lost"]
    counts = [text.get_text() for text in ax.texts]
    assert counts == [f"n={n}" for n in customers["segment"].value_counts(sort=False)]
    assert ax.get_title() and "(probability, 0 to 1)" in ax.get_xlabel()
    plt.close(fig)


def test_clv_by_segment_bars_are_shares(customers):
    fig, ax = plt.subplots()
    plot_clv_by_segment(customers, ax=ax)
    customer_bars, clv_bars = ax.containers
    grouped = customers.groupby("segment", observed=True)["clv"]
    np.testing.assert_allclose([bar.get_width() for bar in customer_bars], 100 * grouped.size() / len(customers))
    np.testing.assert_allclose([bar.get_width() for bar in clv_bars], 100 * grouped.sum() / customers["clv"].sum())
    assert [text.get_text() for text in ax.texts] == [f"{mean:,.0f} €/customer" for mean in grouped.mean()]
    assert "(%)" in ax.get_xlabel() and ax.get_title()
    plt.close(fig)


def test_plots_draw_on_the_current_axes_by_default(by_period, customers):
    fig, ax = plt.subplots()
    assert plot_repeat_purchases(by_period) is ax
    assert plot_clv_by_segment(customers) is ax
    plt.close(fig)


@pytest.mark.parametrize(
    ("function", "data", "message"),
    [
        (plot_repeat_purchases, pd.DataFrame({"actual": [1.0]}), r"`by_period` has no columns 'part'"),
        (plot_p_alive_by_segment, pd.DataFrame({"segment": ["A"], "p_alive": [1.5]}), r"between 0 and 1"),
        (plot_p_alive_by_segment, pd.DataFrame({"segment": ["A"]}), r"`customers` has no column 'p_alive'"),
        (plot_clv_by_segment, pd.DataFrame({"segment": [], "clv": []}), r"`customers` has 0 rows"),
        (
            plot_clv_by_segment,
            pd.DataFrame({"segment": ["A"], "clv": ["x"]}),
            r"Column 'clv' of `customers` must be numeric",
        ),
    ],
)
def test_bad_input_names_the_column(function, data, message):
    fig, ax = plt.subplots()
    with pytest.raises((ValueError, TypeError), match=message):
        function(data, ax=ax)
    plt.close(fig)
