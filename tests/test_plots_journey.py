"""Tests of course_lib.plots.journey: what each figure shows, its labels, and its exports."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import FancyArrowPatch

from course_lib import journey
from course_lib.plots import journey as plots


@pytest.fixture
def events() -> pd.DataFrame:
    """Three sessions: s1 orders, s2's payment fails, s3 leaves after the menu."""
    rows = [
        ("s1", "web", "12:00", "visit"),
        ("s1", "web", "12:01", "view_menu"),
        ("s1", "web", "12:03", "add_to_cart"),
        ("s1", "web", "12:05", "pay"),
        ("s2", "app", "13:00", "visit"),
        ("s2", "app", "13:02", "view_menu"),
        ("s2", "app", "13:04", "add_to_cart"),
        ("s2", "app", "13:06", "payment_failed"),
        ("s3", "app", "14:00", "visit"),
        ("s3", "app", "14:01", "view_menu"),
    ]
    return pd.DataFrame(
        {
            "session_id": [row[0] for row in rows],
            "channel": [row[1] for row in rows],
            "timestamp": pd.to_datetime(["2024-05-01 " + row[2] for row in rows], format="%Y-%m-%d %H:%M"),
            "event": [row[3] for row in rows],
        }
    )


STAGES = ["visit", "view_menu", "add_to_cart", "pay"]


# --- funnel -------------------------------------------------------------------------------------


def test_plot_funnel_bars_and_labels(events):
    fig, ax = plt.subplots()
    returned = plots.plot_funnel(journey.funnel(events, stages=STAGES), ax=ax)
    assert returned is ax
    assert [patch.get_width() for patch in ax.patches] == [3, 3, 2, 1]
    assert [label.get_text() for label in ax.get_yticklabels()] == STAGES
    assert ax.get_yticks().tolist() == [3, 2, 1, 0]  # the first stage on top
    assert ax.patches[0].get_y() > ax.patches[-1].get_y()
    assert [text.get_text() for text in ax.texts][-1] == "1  (33% of start, 50% of previous)"
    assert ax.get_title() == "How far they get: the funnel"
    assert ax.get_xlabel() == "Units reaching the stage (count)"
    assert ax.get_ylabel() == "Stage"
    plt.close(fig)


def test_plot_funnel_by_group(events):
    fig, ax = plt.subplots()
    plots.plot_funnel(journey.funnel(events, stages=STAGES, by="channel"), hue="channel", ax=ax)
    lines = {line.get_label(): line.get_ydata().tolist() for line in ax.get_lines()}
    assert lines == {"app": [100.0, 100.0, 50.0, 0.0], "web": [100.0, 100.0, 100.0, 100.0]}
    assert ax.get_title() == "Funnel by channel"
    assert ax.get_ylabel() == "Reached (% of the first stage)"
    assert ax.get_legend().get_title().get_text() == "channel"
    plt.close(fig)


def test_plot_funnel_draws_the_repeat_funnel():
    orders = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "order_id": [1, 2, 3],
            "ordered_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05"], format="%Y-%m-%d"),
        }
    )
    fig, ax = plt.subplots()
    plots.plot_funnel(journey.repeat_funnel(orders, max_orders=2), ax=ax)
    assert sorted(label.get_text() for label in ax.get_yticklabels()) == ["1st order", "2nd order"]
    plt.close(fig)


def test_plot_funnel_bad_input(events):
    grouped = journey.funnel(events, stages=STAGES, by="channel")
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="several rows per stage.*hue=<that column>"):
        plots.plot_funnel(grouped, ax=ax)
    with pytest.raises(ValueError, match="`table` has no column 'reached'"):
        plots.plot_funnel(grouped.drop(columns="reached"), ax=ax)
    with pytest.raises(ValueError, match="`table` has no column 'segment'"):
        plots.plot_funnel(grouped, hue="segment", ax=ax)
    plt.close(fig)


# --- flow ---------------------------------------------------------------------------------------


def test_plot_transition_flow_draws_the_common_transitions(events):
    matrix = journey.transition_matrix(events)
    fig, ax = plt.subplots(figsize=(12, 4))
    plots.plot_transition_flow(matrix, min_share=0.3, ax=ax)
    # Transitions of at least 30%, not counting those to the end: start -> visit (100%),
    # visit -> menu (100%), menu -> cart (2 of 3), cart -> pay and cart -> payment_failed (1 of 2 each).
    arrows = [patch for patch in ax.patches if isinstance(patch, FancyArrowPatch)]
    assert len(arrows) == 5
    labels = [text.get_text() for text in ax.texts]
    assert sorted(label for label in labels if label.endswith("%") and "\n" not in label) == [
        "100%",
        "100%",
        "50%",
        "50%",
        "67%",
    ]
    assert "view\nmenu\nexit 33%" in labels  # s3 ends on the menu
    assert "payment\nfailed\nexit 100%" in labels
    assert ax.get_title() == "What happens next: transitions between events"
    assert "share of next steps, 30% or more" in ax.get_xlabel()
    assert ax.get_ylabel() == "Funnel (top), other events (bottom)"
    plt.close(fig)


def test_plot_transition_flow_puts_side_events_below(events):
    fig, ax = plt.subplots(figsize=(12, 4))
    plots.plot_transition_flow(journey.transition_matrix(events), ax=ax)
    boxes = [text for text in ax.texts if "exit" in text.get_text()]
    positions = {text.get_text().split("\n")[0]: text.get_position() for text in boxes}
    assert positions["payment"][1] < positions["visit"][1]  # below the funnel row
    assert positions["payment"][0] == positions["add"][0]  # under add_to_cart, which leads to it
    plt.close(fig)


def test_plot_transition_flow_separates_steps_back_and_forth():
    # view_dish <-> add_to_cart both ways: two curved arrows; visit -> view_dish one straight arrow.
    states = ["visit", "view_dish", "add_to_cart"]
    matrix = pd.DataFrame(
        [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.6, 0.4], [0.0, 0.5, 0.0, 0.5]],
        index=["(start)", *states],
        columns=[*states, "(end)"],
    )
    fig, ax = plt.subplots(figsize=(8, 3))
    plots.plot_transition_flow(matrix, ax=ax)
    arrows = [patch for patch in ax.patches if isinstance(patch, FancyArrowPatch)]
    rads = sorted(arrow.get_connectionstyle().rad for arrow in arrows)
    assert len(rads) == 4  # start -> visit, visit -> dish, dish -> cart, cart -> dish
    assert rads[:2] == [0.0, 0.0] and rads[2] > 0 and rads[3] > 0
    plt.close(fig)


def test_plot_transition_flow_bad_input(events):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="must hold shares between 0 and 1"):
        plots.plot_transition_flow(journey.transition_matrix(events, normalize=False), ax=ax)
    with pytest.raises(ValueError, match=r"must have a '\(start\)' row"):
        plots.plot_transition_flow(journey.transition_matrix(events).drop(index="(start)"), ax=ax)
    with pytest.raises(ValueError, match="'min_share' parameter of plot_transition_flow"):
        plots.plot_transition_flow(journey.transition_matrix(events), min_share=2, ax=ax)
    plt.close(fig)


# --- cohorts ------------------------------------------------------------------------------------


@pytest.fixture
def orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3],
            "ordered_at": pd.to_datetime(
                ["2024-01-05", "2024-03-01", "2024-01-20", "2024-02-03", "2024-03-04"], format="%Y-%m-%d"
            ),
        }
    )


def test_plot_cohort_retention_shares(orders):
    fig, ax = plt.subplots()
    plots.plot_cohort_retention(journey.cohort_retention(orders), ax=ax)
    # January {1, 2}: 100%, 0%, 50%. February {3}: 100%, 100%, then April not observed (blank).
    assert [text.get_text() for text in ax.texts] == ["100%", "0%", "50%", "100%", "100%"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["2024-01 (n=2)", "2024-02 (n=1)"]
    assert ax.get_title() == "Retention by cohort"
    assert ax.get_xlabel() == "Time since the cohort started (months)"
    assert ax.get_ylabel() == "Cohort (customers in it)"
    colorbar = fig.axes[-1]
    assert colorbar.get_ylabel() == "Customers ordering (% of cohort)"
    plt.close(fig)


def test_plot_cohort_retention_counts_and_weeks(orders):
    fig, ax = plt.subplots()
    plots.plot_cohort_retention(journey.cohort_retention(orders, normalize=False), ax=ax)
    assert [text.get_text() for text in ax.texts] == ["2", "0", "1", "1", "1"]
    assert fig.axes[-1].get_ylabel() == "Customers ordering (count)"
    plt.close(fig)
    fig, ax = plt.subplots()
    plots.plot_cohort_retention(journey.cohort_retention(orders, period="W"), annotate=False, ax=ax)
    assert len(ax.texts) == 0
    assert ax.get_xlabel() == "Time since the cohort started (weeks)"
    plt.close(fig)


def test_plot_cohort_retention_bad_input(orders):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="must be indexed by 'cohort'"):
        plots.plot_cohort_retention(journey.cohort_retention(orders).reset_index(drop=True), ax=ax)
    with pytest.raises(ValueError, match="0 rows"):
        plots.plot_cohort_retention(journey.cohort_retention(orders).iloc[:0], ax=ax)
    plt.close(fig)


# --- the journey map ----------------------------------------------------------------------------


@pytest.fixture
def map_table(events) -> pd.DataFrame:
    notes = journey.journey_map_notes()
    notes.loc["Opportunities", "Order"] = (
        "Offer a second payment method, keep the cart when a payment fails, and tell the customer "
        "at once what went wrong and how to finish the order " * 3
    )
    return journey.journey_map_table(events, notes=notes)


def test_plot_journey_map_grid_and_labels(map_table):
    fig, ax = plt.subplots(figsize=(16, 9))
    returned = plots.plot_journey_map(map_table, title="Green Fork: the app journey", ax=ax)
    assert returned is ax
    texts = [text.get_text() for text in ax.texts]
    for stage in journey.DEFAULT_PHASES:
        assert stage in texts
    for row in journey.JOURNEY_MAP_ROWS:
        assert row in texts or row.replace(" & ", " &\n") in texts
    assert "—" in texts  # empty cells are marked, not left blank
    assert ax.get_title() == "Green Fork: the app journey"
    assert ax.title.get_fontsize() >= 18  # large enough for a projector
    assert ax.get_xlabel() == "Stages of the journey, in time order →"
    assert ax.get_ylabel() == "What we map"
    plt.close(fig)


def test_plot_journey_map_wraps_and_cuts_long_text(map_table):
    fig, ax = plt.subplots(figsize=(16, 9))
    plots.plot_journey_map(map_table, ax=ax)
    opportunity = next(text.get_text() for text in ax.texts if text.get_text().startswith("Offer"))
    lines = opportunity.split("\n")
    assert len(lines) > 1 and max(len(line) for line in lines) <= 30  # wrapped to the column
    assert lines[-1].endswith("…")  # the note is longer than the cell: cut, visibly
    plt.close(fig)


def test_plot_journey_map_wraps_narrower_with_larger_fonts(map_table):
    widths = []
    for fontsize in (10, 20):
        fig, ax = plt.subplots(figsize=(16, 9))
        plots.plot_journey_map(map_table, fontsize=fontsize, ax=ax)
        opportunity = next(text.get_text() for text in ax.texts if text.get_text().startswith("Offer"))
        widths.append(max(len(line) for line in opportunity.split("\n")))
        plt.close(fig)
    assert widths[1] < widths[0]


@pytest.mark.parametrize(("suffix", "magic"), [("png", b"\x89PNG"), ("svg", b"<svg")])
def test_plot_journey_map_exports(map_table, tmp_path, suffix, magic):
    fig, ax = plt.subplots(figsize=(16, 9))
    plots.plot_journey_map(map_table, ax=ax)
    path = tmp_path / f"journey_map.{suffix}"
    fig.savefig(path)
    plt.close(fig)
    content = path.read_bytes()
    assert magic in content[:400]
    assert len(content) > 10_000  # a real drawing, not an empty canvas


def test_plot_journey_map_draws_on_the_current_axes(map_table):
    fig = plt.figure(figsize=(16, 9))
    ax = plots.plot_journey_map(map_table)
    assert ax is fig.axes[0]
    plt.close(fig)


def test_plot_journey_map_bad_input(map_table):
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="`table` must be a pandas DataFrame"):
        plots.plot_journey_map(map_table.to_dict(), ax=ax)
    with pytest.raises(ValueError, match="0 rows"):
        plots.plot_journey_map(map_table.iloc[:0], ax=ax)
    with pytest.raises(ValueError, match="'fontsize' parameter of plot_journey_map must be positive"):
        plots.plot_journey_map(map_table, fontsize=0, ax=ax)
    with pytest.raises(TypeError, match="`ax` must be a matplotlib Axes"):
        plots.plot_journey_map(map_table, ax="left")
    plt.close(fig)


def test_plots_do_not_modify_their_input(events, orders, map_table):
    table = journey.funnel(events, stages=STAGES)
    matrix = journey.transition_matrix(events)
    cohorts = journey.cohort_retention(orders)
    copies = [frame.copy() for frame in (table, matrix, cohorts, map_table)]
    fig, axes = plt.subplots(2, 2, figsize=(16, 9))
    plots.plot_funnel(table, ax=axes[0, 0])
    plots.plot_transition_flow(matrix, ax=axes[0, 1])
    plots.plot_cohort_retention(cohorts, ax=axes[1, 0])
    plots.plot_journey_map(map_table, ax=axes[1, 1])
    plt.close(fig)
    for before, after in zip(copies, (table, matrix, cohorts, map_table), strict=True):
        pd.testing.assert_frame_equal(before, after)
    assert np.isnan(cohorts.to_numpy(dtype=float)).sum() == 1
