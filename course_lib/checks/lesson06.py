"""Checks of exercise 06 (Customer journey mapping): funnels by channel, one app release, one segment's map.

The exercise's set-up (survey segments, comments and tickets given a journey
stage) follows the lesson's stated rules; :func:`_reference` applies the same
rules to the data in use, so every expected answer is computed, never stored.
"""

from __future__ import annotations

import contextlib
import functools
import re
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from course_lib.checks import compare_number, compare_table, exercise, free_text
from course_lib.checks.compare import keys_as_columns
from course_lib.clustering import cluster_profile, fit_kmeans, prepare_features
from course_lib.customer_view import survey_latest
from course_lib.datasets import LIKERT_ITEMS, connect_crm, data_dir, load_events, load_survey
from course_lib.journey import funnel, journey_map_table, link_anonymous

__all__ = [
    "APP_VERSION",
    "SEGMENT",
    "channel_funnel",
    "journey_map_figure",
    "lunch_map",
    "paid_share_by_channel",
    "paid_share_by_segment",
    "pain_point_plan",
    "pay_rate_420",
    "web_leakiest_stage",
]

#: The app release of task 3.
APP_VERSION = "4.2.0"
#: The segment whose journey map tasks 4 and 5 build.
SEGMENT = "Busy lunchers"

#: The columns of task 1 that are compared.
_FUNNEL_COLUMNS = ["channel", "stage", "reached", "conversion_from_previous"]
#: The rows of the map that come from data (Opportunities come from the learner's notes).
_DATA_ROWS = ("Doing", "Touchpoints", "Thinking & feeling", "Pain points")
#: The exercise's set-up rules, as in the lesson (and the exercise's set-up cells).
_SIGNATURE = {
    "Busy lunchers": "q_few_restaurants_near_work",
    "Quality seekers": "q_pay_for_quality",
    "Would-be cooks": "q_learn_to_cook",
}
_OTHER_SEGMENT = "Occasional households"
_COMMENT_STAGES = (
    (r"menu|options|repet|the same|bored|specials|ideas", "Choose"),
    (r"\bcard\b|payment|checkout", "Order"),
    (r"\blate\b|slow|warm|driver|leaked|missing|wrong order", "Receive"),
    (r"tasty|fresh|portion|quality|recipe|cook|kits|value|price", "After the meal"),
)
_TICKET_STAGES = {
    "payment": "Order",
    "delivery_area": "Order",
    "late_delivery": "Receive",
    "missing_item": "Receive",
    "food_quality": "After the meal",
    "recipe_help": "After the meal",
}


def _survey_segments(survey: pd.DataFrame) -> pd.Series:
    """Each relationship respondent's segment: k-means on the motivation items, named by signature."""
    relationship = survey_latest(survey[survey["survey"] == "relationship"])
    answers = relationship[list(LIKERT_ITEMS)]
    features = prepare_features(answers, return_report=False)
    clusters = fit_kmeans(features, n_clusters=4, random_state=0)
    profile = cluster_profile(answers, clusters)
    names = {profile[question].idxmax(): name for name, question in _SIGNATURE.items()}
    return clusters.map(names).fillna(_OTHER_SEGMENT).rename("segment")


def _feedback_by_stage(survey: pd.DataFrame) -> pd.DataFrame:
    """Survey responses whose comment names a stage, with that stage in ``phase`` (first rule wins)."""
    comments = survey["comment"].fillna("")
    matches = [comments.str.contains(keywords, case=False, regex=True) for keywords, _ in _COMMENT_STAGES]
    phases = [phase for _, phase in _COMMENT_STAGES]
    return survey.assign(phase=np.select(matches, phases, default=None)).dropna(subset=["phase"])


def _tickets_by_stage(folder: str) -> pd.DataFrame:
    """The CRM's tickets, with the stage of their category in ``phase``."""
    with contextlib.closing(connect_crm(data_dir=folder)) as crm:
        tickets = pd.read_sql(
            "SELECT ticket_id, customer_id, opened_at, category FROM tickets",
            crm,
            parse_dates={"opened_at": {"format": "%Y-%m-%d %H:%M:%S"}},
        )
    return tickets.astype({"customer_id": "Int64"}).assign(phase=tickets["category"].map(_TICKET_STAGES))


@functools.lru_cache(maxsize=2)
def _reference(folder: str) -> dict[str, Any]:
    """The exercise's set-up and expected answers, computed once per data folder."""
    survey = load_survey(data_dir=folder)
    segment = _survey_segments(survey)
    events = link_anonymous(load_events(data_dir=folder))
    events = events.assign(segment=events["linked_customer_id"].map(segment))
    feedback = _feedback_by_stage(survey)
    tickets = _tickets_by_stage(folder)
    members = segment.index[segment == SEGMENT]
    segment_map = journey_map_table(
        events[events["segment"] == SEGMENT],
        tickets=tickets[tickets["customer_id"].isin(members)],
        feedback=feedback[feedback["customer_id"].isin(members)],
        rating="nps",
        rating_range=(0, 10),
    )
    by_channel = funnel(events, by="channel")
    app = events[events["channel"] == "app"]
    per_version = funnel(app, stages=["start_checkout", "pay"], by="app_version")
    paid = per_version[per_version["stage"] == "pay"].set_index("app_version")
    return {
        "segment": segment,
        "events": events,
        "feedback": feedback,
        "tickets": tickets,
        "channel_funnel": by_channel,
        "pay_rates": paid["conversion_from_previous"],
        "segment_map": segment_map,
    }


def _expected() -> dict[str, Any]:
    return _reference(str(data_dir()))


# --- task 1 -------------------------------------------------------------------------------------


def _funnel_rows(table: Any) -> pd.DataFrame | str:
    """The compared columns of a funnel by channel, keyed by "channel · stage", or a hint."""
    if not isinstance(table, pd.DataFrame):
        return f"The answer should be the DataFrame that funnel(...) returns; got a {type(table).__name__}."
    if "channel" not in table.columns and "channel" in table.index.names:
        table = table.reset_index()
    missing = [column for column in _FUNNEL_COLUMNS if column not in table.columns]
    if missing:
        return f"Your table has no column {missing}; it has {list(table.columns)}. Group the funnel by channel."
    step = table["channel"].astype(str) + " · " + table["stage"].astype(str)
    return table[_FUNNEL_COLUMNS[2:]].assign(step=step.to_numpy())


@exercise("06.1", "Funnel by channel")
def channel_funnel(answer: Any) -> str | None:
    given = _funnel_rows(answer)
    if isinstance(given, str):
        return given
    expected = _funnel_rows(_expected()["channel_funnel"])
    if len(given) != len(expected) or set(given["step"]) != set(expected["step"]):
        return (
            f"Your table has {len(given)} rows; a funnel by channel has one row per channel and stage "
            f'({len(expected)}). Use the default stages and `by="channel"` on the whole event log.'
        )
    hint = compare_table(given, expected, key="step")
    return hint and (
        f"{hint} Count sessions (the default unit) in strict order (the default mode), over every event of the log."
    )


# --- task 2 -------------------------------------------------------------------------------------


def _words(answer: str) -> list[str]:
    """The words of `answer` read as stage names ("Start checkout -> pay" gives ['start_checkout', 'pay'])."""
    words = re.split(r"[^a-z_]+", answer.strip().lower().replace(" ", "_"))
    return [word.strip("_") for word in words if word.strip("_")]


@exercise("06.2", "Where the website loses the largest share")
def web_leakiest_stage(answer: Any) -> str | None:
    if not isinstance(answer, str):
        return f'Give the stage\'s name as a string, like "view_menu"; got a {type(answer).__name__}.'
    table = _expected()["channel_funnel"]
    web = table[table["channel"] == "web"].iloc[1:]  # the first stage loses nobody
    stages = [str(stage) for stage in table["stage"].cat.categories]
    expected = str(web.loc[web["drop_off_rate"].idxmax(), "stage"])
    most_lost = str(web.loc[web["dropped"].idxmax(), "stage"])
    named = _words(answer)
    unknown = [word for word in named if word not in stages]
    if unknown or not named:
        return f"{answer!r} is not a stage of the funnel; its stages are {stages}."
    previous = stages[stages.index(expected) - 1]
    if named in ([expected], [previous, expected]):
        return None
    if named[-1] == most_lost:
        return (
            "That stage loses the most sessions in number (`dropped`); the question asks for the largest "
            "share of the sessions that reached the previous stage: the highest `drop_off_rate`."
        )
    return "Not the website's leakiest stage: keep the web rows and find the highest `drop_off_rate`."


# --- task 3 -------------------------------------------------------------------------------------


@exercise("06.3", "Checkouts that paid on app version 4.2.0")
def pay_rate_420(answer: Any) -> str | None:
    rates = _expected()["pay_rates"]
    expected = float(rates[APP_VERSION])
    hint = compare_number(answer, expected, rel_tol=5e-3)
    if hint is None or not isinstance(answer, (int, float, np.integer, np.floating)):
        return hint
    if 1 < answer <= 100:
        return "Give the share as a fraction between 0 and 1, not a percentage."
    others = rates.drop(APP_VERSION)
    if (abs(answer - others) < 5e-3 * others).any():
        return f"That is the rate of another version; keep only the sessions whose `app_version` is {APP_VERSION!r}."
    return (
        f"{hint} Start from the sessions that reached start_checkout on version {APP_VERSION} "
        "and take the share that reached pay after it (`conversion_from_previous` of pay)."
    )


# --- tasks 4 and 5 ------------------------------------------------------------------------------

_ROW_HINTS = {
    "Doing": f'keep the rows of `events` whose `segment` is "{SEGMENT}", and only those.',
    "Touchpoints": f'keep the rows of `events` whose `segment` is "{SEGMENT}", with the default touchpoints.',
    "Thinking & feeling": (
        "pass the feedback of the segment's members with `feedback=`, and the NPS as the rating: "
        '`rating="nps", rating_range=(0, 10)`.'
    ),
    "Pain points": "pass the tickets of the segment's members with `tickets=`.",
}


@exercise("06.4", "Journey map table of the busy lunchers")
def lunch_map(answer: Any) -> str | None:
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be the DataFrame that journey_map_table returns; got a {type(answer).__name__}."
    expected = _expected()["segment_map"]
    missing_rows = [row for row in expected.index if row not in answer.index]
    missing_stages = [stage for stage in expected.columns if stage not in answer.columns]
    if missing_rows or missing_stages:
        return (
            f"Your map lacks the rows {missing_rows} and the stages {missing_stages}: "
            "use journey_map_table with the default stages."
        )
    for row in _DATA_ROWS:
        differs = [
            stage
            for stage in expected.columns
            if not str(answer.loc[row, stage]).strip().startswith(expected.loc[row, stage])
        ]
        if differs:
            return f"The {row!r} row differs in {len(differs)} stage(s): {_ROW_HINTS[row]}"
    opportunities = answer.loc["Opportunities"].fillna("").astype(str).str.strip()
    if not (opportunities != "").any():
        return (
            "The Opportunities row is empty: write at least one opportunity in the notes, "
            'like notes.loc["Opportunities", "Choose"] = "...", and pass notes=notes.'
        )
    return None


def _plain(text: str) -> str:
    """Text as drawn, with its line breaks undone: wrapped cells compare with one-line ones."""
    return " ".join(text.split())


@exercise("06.5", "The journey map figure")
def journey_map_figure(answer: Any) -> str | None:
    if not isinstance(answer, Axes):
        return f"Pass the Axes that plot_journey_map returned (`ax`); got a {type(answer).__name__}."
    expected = _expected()["segment_map"]
    drawn = [_plain(text.get_text()) for text in answer.texts]
    if any(stage not in drawn for stage in expected.columns):
        return "The figure should have a header per stage of the map: draw `lunch_map` with plot_journey_map."
    everything = " | ".join(drawn)
    reached = [_plain(expected.loc["Doing", stage].split("\n")[0]) for stage in expected.columns]
    if any(line not in everything for line in reached):
        return f"The figure does not show the {SEGMENT.lower()}' map: draw the table of task 4, `lunch_map`."
    if SEGMENT.lower() not in answer.get_title().lower():
        return f'Give the figure a title that names the segment, for example title="Journey map: {SEGMENT}".'
    return None


# --- tasks 6 and 7: by hand ------------------------------------------------------------------------


def _paid_share(events: pd.DataFrame, by: str, *, unit: str = "session_id") -> pd.DataFrame:
    """Per group of `by`: the sessions, and the share of them with at least one `pay` event."""
    sessions = events.groupby(unit).agg(group=(by, "first"), paid=("event", lambda kinds: (kinds == "pay").any()))
    sessions = sessions.dropna(subset=["group"]).assign(group=lambda frame: frame["group"].astype(str))
    table = sessions.groupby("group").agg(sessions=("paid", "size"), paid_share=("paid", "mean"))
    return table.rename_axis(by).reset_index()


def _paid_share_hint(answer: Any, by: str) -> str | None:
    events = _expected()["events"]
    expected = _paid_share(events, by)
    answer = keys_as_columns(answer, [by])
    if isinstance(answer, pd.DataFrame) and by in answer.columns:
        answer = answer.assign(**{by: answer[by].astype(str)})
    hint = compare_table(answer, expected, key=by, exact_columns=True)
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame) and "sessions" in answer.columns and "'sessions' differs" in hint:
        rows = events.dropna(subset=[by]).groupby(events[by].astype(str)).size()
        given = answer.set_index(by)["sessions"]
        if np.allclose(given.reindex(rows.index).to_numpy(float), rows.to_numpy(float), equal_nan=True):
            return f"{hint} These are events, not sessions: count each `session_id` once."
    if isinstance(answer, pd.DataFrame) and "paid_share" in answer.columns and "'paid_share'" in hint:
        if pd.to_numeric(answer["paid_share"], errors="coerce").max() > 1:
            return "Give `paid_share` as a fraction between 0 and 1, not a percentage or a count."
        per_event = events.dropna(subset=[by]).assign(paid=events["event"] == "pay")
        shares = per_event.groupby(per_event[by].astype(str))["paid"].mean()
        given = answer.set_index(by)["paid_share"]
        if np.allclose(given.reindex(shares.index).to_numpy(float), shares.to_numpy(float), equal_nan=True):
            return f"{hint} That is the share of events that are `pay`; the task asks for the share of sessions with a `pay`."
    return (
        f"{hint} Per session: its {by} and whether any of its events is `pay`; then per {by}: the number of "
        "sessions and the mean of that True/False column."
    )


@exercise("06.6", "Sessions that paid, per channel, by hand")
def paid_share_by_channel(answer: Any) -> str | None:
    return _paid_share_hint(answer, "channel")


@exercise("06.7", "Transfer: sessions that paid, per survey segment")
def paid_share_by_segment(answer: Any) -> str | None:
    return _paid_share_hint(answer, "segment")


@free_text("06.8", "The pain point to fix first", min_words=25)
def pain_point_plan(answer: Any) -> str | None:
    return None
