"""Exercise 06's checks accept the reference answer and its variants and reject wrong answers.

The reference answers are those of the solution notebook itself: its code cells run here, in
this process, so the test also proves that the exercise's set-up builds exactly what the checks
expect (same segments, events, comments and tickets).
"""

from __future__ import annotations

import contextlib
import io

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest

from course_lib import KIT_ROOT
from course_lib.checks import lesson06 as check
from course_lib.journey import funnel, journey_map_notes, journey_map_table
from course_lib.plots import plot_journey_map

SOLUTION = KIT_ROOT / "solutions" / "06_customer_journey.ipynb"


@pytest.fixture(scope="module")
def solved():
    """The variables of the solution notebook after running every code cell."""
    notebook = nbformat.read(SOLUTION, as_version=4)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the checks print their verdicts
        for cell in notebook.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, str(SOLUTION), "exec"), namespace)
    yield namespace
    plt.close("all")


def test_the_exercise_set_up_is_what_the_checks_expect(solved):
    reference = check._expected()
    pd.testing.assert_series_equal(solved["segment"], reference["segment"])
    pd.testing.assert_frame_equal(solved["events"], reference["events"])
    pd.testing.assert_frame_equal(solved["feedback"], reference["feedback"])
    pd.testing.assert_frame_equal(solved["tickets"], reference["tickets"])
    assert set(reference["segment"]) == {"Busy lunchers", "Quality seekers", "Would-be cooks", "Occasional households"}


def test_channel_funnel(solved):
    events = solved["events"]
    reference = solved["channel_funnel"]
    assert check.channel_funnel.evaluate(reference).passed
    # Equivalent: one funnel per channel, stacked, indexed by channel, columns in another order.
    stacked = pd.concat(
        [
            funnel(rows, stages=list(reference["stage"].cat.categories)).assign(channel=name)
            for name, rows in events.groupby("channel", observed=True)
        ]
    )
    variant = stacked.iloc[::-1].set_index("channel")[["conversion_from_previous", "reached", "stage"]]
    assert check.channel_funnel.evaluate(variant).passed
    # Wrong: people instead of sessions; no channel at all; a funnel of the web only.
    by_person = check.channel_funnel.evaluate(funnel(events, by="channel", session="person_id"))
    assert not by_person.passed and "sessions" in by_person.hint
    no_channel = check.channel_funnel.evaluate(funnel(events))
    assert not no_channel.passed and "channel" in no_channel.hint
    web_only = check.channel_funnel.evaluate(reference[reference["channel"] == "web"])
    assert not web_only.passed and "one row per channel and stage" in web_only.hint


def test_web_leakiest_stage(solved):
    reference = solved["web_leakiest_stage"]
    web = solved["channel_funnel"].query("channel == 'web'").iloc[1:]
    # By hand: the highest drop-off rate of the website's steps.
    rates = dict(zip(web["stage"].astype(str), web["drop_off_rate"], strict=True))
    assert reference == max(rates, key=rates.get)
    assert check.web_leakiest_stage.evaluate(reference).passed
    stages = list(solved["channel_funnel"]["stage"].cat.categories)
    previous = stages[stages.index(reference) - 1]
    assert check.web_leakiest_stage.evaluate(f" {reference.replace('_', ' ').title()} ").passed
    assert check.web_leakiest_stage.evaluate(f"{previous} -> {reference}").passed
    # Wrong: the stage that loses the most sessions in number (a count, not a share).
    most_lost = str(web.loc[web["dropped"].idxmax(), "stage"])
    assert most_lost != reference  # the trap exists on the course data
    count = check.web_leakiest_stage.evaluate(most_lost)
    assert not count.passed and "drop_off_rate" in count.hint
    assert not check.web_leakiest_stage.evaluate("checkout page").passed
    assert not check.web_leakiest_stage.evaluate(0.62).passed


def test_pay_rate_420(solved):
    events = solved["events"]
    reference = solved["pay_rate_420"]
    on_420 = events[events["app_version"] == "4.2.0"]
    # By hand: sessions that started checkout, and those of them with a later pay event.
    ordered = on_420.sort_values(["session_id", "timestamp"], kind="stable")
    checkout_at = ordered[ordered["event"] == "start_checkout"].groupby("session_id")["timestamp"].min()
    paid_at = ordered[ordered["event"] == "pay"].groupby("session_id")["timestamp"].max()
    paid_after = (paid_at.reindex(checkout_at.index) >= checkout_at).sum()
    assert reference == pytest.approx(paid_after / len(checkout_at))
    assert check.pay_rate_420.evaluate(reference).passed
    # Equivalent: read from the full funnel by version; rounded to three decimals.
    full = funnel(events[events["channel"] == "app"], by="app_version")
    row = full[(full["app_version"] == "4.2.0") & (full["stage"] == "pay")]
    assert check.pay_rate_420.evaluate(float(row["conversion_from_previous"].iloc[0])).passed
    assert check.pay_rate_420.evaluate(round(reference, 3)).passed
    percent = check.pay_rate_420.evaluate(100 * reference)
    assert not percent.passed and "not a percentage" in percent.hint
    on_421 = funnel(events[events["app_version"] == "4.2.1"], stages=["start_checkout", "pay"])
    other = check.pay_rate_420.evaluate(on_421["conversion_from_previous"].iloc[-1])
    assert not other.passed and "another version" in other.hint
    from_start = check.pay_rate_420.evaluate(float(row["conversion_from_start"].iloc[0]))
    assert not from_start.passed and "start_checkout" in from_start.hint


def _lunch_inputs(solved):
    segment, events = solved["segment"], solved["events"]
    members = segment.index[segment == "Busy lunchers"]
    return (
        events[events["segment"] == "Busy lunchers"],
        solved["tickets"][solved["tickets"]["customer_id"].isin(members)],
        solved["feedback"][solved["feedback"]["customer_id"].isin(members)],
    )


def test_lunch_map(solved):
    assert check.lunch_map.evaluate(solved["lunch_map"]).passed
    lunch_events, lunch_tickets, lunch_feedback = _lunch_inputs(solved)
    # Equivalent: other notes (in more rows), members picked by id, rows in another order.
    notes = journey_map_notes()
    notes.loc["Opportunities", "Order"] = "Pay in one tap at lunch"
    notes.loc["Pain points", "Receive"] = "Hypothesis: lunch breaks are short"
    members = solved["segment"].index[solved["segment"] == "Busy lunchers"]
    by_id = solved["events"][solved["events"]["linked_customer_id"].isin(members)]
    variant = journey_map_table(
        by_id, tickets=lunch_tickets, feedback=lunch_feedback, rating="nps", rating_range=(0, 10), notes=notes
    )
    assert check.lunch_map.evaluate(variant.iloc[::-1]).passed
    # Wrong: no opportunity; the whole log; no tickets; no feedback.
    bare = journey_map_table(
        lunch_events, tickets=lunch_tickets, feedback=lunch_feedback, rating="nps", rating_range=(0, 10)
    )
    empty = check.lunch_map.evaluate(bare)
    assert not empty.passed and "Opportunities" in empty.hint
    everyone = check.lunch_map.evaluate(
        journey_map_table(
            solved["events"],
            tickets=lunch_tickets,
            feedback=lunch_feedback,
            rating="nps",
            rating_range=(0, 10),
            notes=notes,
        )
    )
    assert not everyone.passed and "'Doing'" in everyone.hint
    no_tickets = check.lunch_map.evaluate(
        journey_map_table(lunch_events, feedback=lunch_feedback, rating="nps", rating_range=(0, 10), notes=notes)
    )
    assert not no_tickets.passed and "tickets=" in no_tickets.hint
    no_feedback = check.lunch_map.evaluate(journey_map_table(lunch_events, tickets=lunch_tickets, notes=notes))
    assert not no_feedback.passed and "feedback=" in no_feedback.hint
    assert not check.lunch_map.evaluate(solved["lunch_map"].loc[["Doing", "Pain points"]]).passed
    assert not check.lunch_map.evaluate("the map").passed


def test_journey_map_figure(solved):
    assert check.journey_map_figure.evaluate(solved["ax"]).passed
    # Equivalent: the projector size with the default font.
    fig, ax = plt.subplots(figsize=(16, 9))
    plot_journey_map(solved["lunch_map"], title="Busy lunchers: their journey", ax=ax)
    assert check.journey_map_figure.evaluate(ax).passed
    # Wrong: another segment's map; a title that names no segment; not an Axes.
    cooks = solved["segment"].index[solved["segment"] == "Would-be cooks"]
    cooks_map = journey_map_table(
        solved["events"][solved["events"]["segment"] == "Would-be cooks"],
        tickets=solved["tickets"][solved["tickets"]["customer_id"].isin(cooks)],
    )
    fig, ax = plt.subplots(figsize=(12, 6.75))
    plot_journey_map(cooks_map, title="Journey map: Busy lunchers", fontsize=9, ax=ax)
    other = check.journey_map_figure.evaluate(ax)
    assert not other.passed and "lunch_map" in other.hint
    fig, ax = plt.subplots(figsize=(12, 6.75))
    plot_journey_map(solved["lunch_map"], fontsize=9, ax=ax)
    untitled = check.journey_map_figure.evaluate(ax)
    assert not untitled.passed and "title" in untitled.hint
    assert not check.journey_map_figure.evaluate(solved["lunch_map"]).passed


def paid_by_sets(events: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sessions and the share with a `pay` event per group, with sets of session ids (a second method)."""
    paid_sessions = set(events.loc[events["event"] == "pay", "session_id"])
    rows = []
    known = events.dropna(subset=[by])
    for group, rows_of_group in known.groupby(known[by].astype(str)):
        ids = set(rows_of_group["session_id"])
        rows.append({by: group, "sessions": len(ids), "paid_share": len(ids & paid_sessions) / len(ids)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("by", "evaluation"), [("channel", "paid_share_by_channel"), ("segment", "paid_share_by_segment")]
)
def test_paid_share(solved, by, evaluation):
    function = getattr(check, evaluation)
    events = solved["events"]
    reference = paid_by_sets(events, by)
    assert function.evaluate(reference).passed
    assert function.evaluate(reference.set_index(by).iloc[::-1]).passed
    assert function.evaluate(solved[f"paid_by_{by}"]).passed
    # events counted instead of sessions
    per_event = events.dropna(subset=[by]).groupby(events[by].astype(str)).size()
    counted_events = reference.assign(sessions=reference[by].map(per_event))
    result = function.evaluate(counted_events)
    assert not result.passed and "not sessions" in result.hint
    # share of events that are `pay`
    event_share = (events["event"] == "pay").groupby(events[by].astype(str)).mean()
    result = function.evaluate(reference.assign(paid_share=reference[by].map(event_share)))
    assert not result.passed and "share of events" in result.hint
    # a percentage
    percent = function.evaluate(reference.assign(paid_share=100 * reference["paid_share"]))
    assert not percent.passed and "fraction" in percent.hint
    # an extra column, a missing group
    extra = function.evaluate(reference.assign(paid=reference["sessions"] * reference["paid_share"]))
    assert not extra.passed and "'paid'" in extra.hint
    fewer = function.evaluate(reference.iloc[1:])
    assert not fewer.passed and "Missing" in fewer.hint
    assert "DataFrame" in function.evaluate(reference["paid_share"].tolist()).hint


def test_pain_point_plan_is_recorded(solved):
    result = check.pain_point_plan.evaluate(solved["pain_point_answer"])
    assert result.recorded and not result.passed and "Correct" not in str(result)
    assert "at least 25 words" in check.pain_point_plan.evaluate("Late deliveries.").hint
    assert not check.pain_point_plan.evaluate(["late"]).recorded
