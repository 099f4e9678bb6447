"""Checks of exercise 02 (Getting customer data): a SQL query, the merged customer view, NPS.

Each check rebuilds the expected answer from the data in use: the ticket
statistics with pandas from the whole CRM table (a second method next to the
learner's SQL), the customer view and the NPS with :mod:`course_lib.customer_view`.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from course_lib.checks import compare_number, compare_table, exercise, free_text
from course_lib.checks.compare import keys_as_columns
from course_lib.customer_view import customer_view, nps, nps_by
from course_lib.datasets import connect_crm, data_dir, load_customers, load_events, load_orders, load_survey

__all__ = [
    "TRANSFER_DIET",
    "channel_claim",
    "merged_view",
    "nps_by_diet_and_channel",
    "nps_by_hand",
    "ticket_stats_2025",
    "vegetarian_nps_by_channel",
]

#: Task 1 looks at the tickets opened on or after this day.
SINCE = "2025-01-01"
#: The columns of the view that task 2's check compares.
VIEW_COLUMNS = ["customer_id", "n_orders", "net_revenue", "answered_survey", "nps", "n_sessions", "n_tickets"]
NPS_COLUMNS = ["n", "nps", "ci_low", "ci_high", "small_sample"]
SEGMENT_COLUMNS = ["diet", "acquisition_channel"]
#: The transfer task computes the NPS per acquisition channel for this diet.
TRANSFER_DIET = "vegetarian"
_CRM_TIMES = {"opened_at": "%Y-%m-%d %H:%M:%S", "closed_at": "%Y-%m-%d %H:%M:%S"}


@functools.lru_cache(maxsize=2)
def _tickets(folder: Path) -> pd.DataFrame:
    """The CRM's tickets table, read once, with its times parsed."""
    with contextlib.closing(connect_crm(data_dir=folder)) as crm:
        return pd.read_sql("SELECT * FROM tickets", crm, parse_dates=_CRM_TIMES)


@functools.lru_cache(maxsize=2)
def _view(folder: Path) -> pd.DataFrame:
    """The exercise's 360° view: orders, relationship survey, events and tickets merged."""
    survey = load_survey(data_dir=folder)
    return customer_view(
        load_customers(data_dir=folder),
        orders=load_orders(data_dir=folder),
        survey=survey[survey["survey"] == "relationship"],
        events=load_events(data_dir=folder),
        tickets=_tickets(folder),
    )


@exercise("02.1", "Tickets of 2025 per category, in SQL")
def ticket_stats_2025(answer: Any) -> str | None:
    tickets = _tickets(data_dir())
    recent = tickets[tickets["opened_at"] >= pd.Timestamp(SINCE)]
    expected = (
        recent.groupby("category")
        .agg(tickets=("ticket_id", "size"), avg_satisfaction=("satisfaction", "mean"))
        .reset_index()
    )
    answer = keys_as_columns(answer, ["category"])
    hint = compare_table(answer, expected, key="category", exact_columns=True)
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame) and {"tickets", "avg_satisfaction"} <= set(answer.columns):
        if pd.api.types.is_numeric_dtype(answer["tickets"]) and answer["tickets"].sum() == len(tickets):
            return (
                f"{hint} Keep only the tickets opened in 2025: WHERE opened_at >= '{SINCE}' (ISO text sorts like time)."
            )
        zero_for_null = recent.assign(satisfaction=recent["satisfaction"].fillna(0))
        if (
            compare_table(
                answer,
                zero_for_null.groupby("category")
                .agg(tickets=("ticket_id", "size"), avg_satisfaction=("satisfaction", "mean"))
                .reset_index(),
                key="category",
            )
            is None
        ):
            return f"{hint} Unrated tickets (NULL) must not count as 0: AVG(satisfaction) leaves them out by itself."
    return (
        f"{hint} One row per category: COUNT(*) AS tickets, AVG(satisfaction) AS avg_satisfaction, GROUP BY category."
    )


@exercise("02.2", "The merged customer view")
def merged_view(answer: Any) -> str | None:
    expected = _view(data_dir())
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be the DataFrame made by customer_view; got a {type(answer).__name__}."
    sources = {"n_orders": "orders", "answered_survey": "survey", "n_sessions": "events", "n_tickets": "tickets"}
    for column, source in sources.items():
        if column not in answer.columns:
            return f"Your view has no column {column!r}: pass `{source}=` to customer_view."
    hint = compare_table(answer, expected[VIEW_COLUMNS], key="customer_id")
    if hint is None:
        return None
    if "'n_tickets'" in hint:
        return f"{hint} Pass the whole tickets table read from the CRM (SELECT * FROM tickets)."
    if "'nps'" in hint or "'answered_survey'" in hint:
        return f"{hint} Pass the relationship survey only: survey[survey['survey'] == 'relationship']."
    return f"{hint} Give customer_view the raw tables as loaded (all orders, all events)."


@exercise("02.3", "NPS of vegan customers, by hand")
def nps_by_hand(answer: Any) -> str | None:
    scores = _view(data_dir()).loc[lambda view: view["diet"] == "vegan", "nps"]
    expected = float(nps(scores)["nps"])
    hint = compare_number(answer, expected, rel_tol=1e-6, abs_tol=1e-6)
    if hint is None or not isinstance(answer, (int, float, np.integer, np.floating)):
        return hint
    if compare_number(100 * answer, expected, rel_tol=1e-6, abs_tol=1e-6) is None:
        return "Give the NPS on its scale from -100 to 100: multiply the difference of the shares by 100."
    answers = scores.dropna()
    with_missing = 100 * ((answers >= 9).sum() - (answers <= 6).sum()) / len(scores)
    if compare_number(answer, with_missing, abs_tol=1e-6) is None:
        return f"{hint} Divide by the number of vegan customers who answered, not by all vegan customers."
    return (
        f"{hint} Among the vegan customers who answered: promoters score 9 or 10, detractors 0 to 6; "
        "NPS = 100 × (promoters − detractors) / answers."
    )


@exercise("02.4", "NPS by diet and channel, with intervals")
def nps_by_diet_and_channel(answer: Any) -> str | None:
    expected = nps_by(_view(data_dir()), SEGMENT_COLUMNS)
    answer = keys_as_columns(answer, SEGMENT_COLUMNS)
    columns = [*SEGMENT_COLUMNS, *NPS_COLUMNS]
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a DataFrame with columns {columns}; got a {type(answer).__name__}."
    missing = [column for column in columns if column not in answer.columns]
    if missing:
        return f"Your table has no column {missing[0]!r}: use nps_by, which adds the counts and the interval."

    def keyed(table: pd.DataFrame) -> pd.DataFrame:
        segment = table["diet"].astype(str) + " / " + table["acquisition_channel"].astype(str)
        return table[columns].assign(segment=segment).drop(columns=SEGMENT_COLUMNS)

    hint = compare_table(keyed(answer), keyed(expected), key="segment")
    if hint is None:
        return None
    if (
        "'small_sample'" in hint
        and compare_table(
            keyed(answer).drop(columns="small_sample"), keyed(expected).drop(columns="small_sample"), key="segment"
        )
        is None
    ):
        return f"{hint} Keep the default minimum of 30 answers (min_n=30) and a 95 % interval."
    return f"{hint} Group the answers of `view` by diet and acquisition channel, in that order."


@exercise("02.5", "Transfer: the NPS of vegetarians per channel, by hand")
def vegetarian_nps_by_channel(answer: Any) -> str | None:
    view = _view(data_dir())
    chosen = view[view["diet"] == TRANSFER_DIET]
    expected = nps_by(chosen, "acquisition_channel")[["acquisition_channel", "n", "nps"]]
    expected = expected.assign(acquisition_channel=expected["acquisition_channel"].astype(str))
    answer = keys_as_columns(answer, ["acquisition_channel"])
    if isinstance(answer, pd.DataFrame) and "acquisition_channel" in answer.columns:
        answer = answer.assign(acquisition_channel=answer["acquisition_channel"].astype(str))
    hint = compare_table(answer, expected, key="acquisition_channel", exact_columns=True)
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame) and "n" in answer.columns and "'n' differs" in hint:
        counted = chosen.groupby("acquisition_channel", observed=True).size()
        given = answer.set_index("acquisition_channel")["n"]
        if np.allclose(given.reindex(counted.index.astype(str)).to_numpy(float), counted.to_numpy(float)):
            return f"{hint} `n` counts the customers who answered: leave out the missing scores first."
    if isinstance(answer, pd.DataFrame) and "'nps'" in hint and "nps" in answer.columns:
        if (
            np.allclose(pd.to_numeric(answer["nps"], errors="coerce").abs().max(), 0, atol=1)
            and expected["nps"].abs().max() > 1
        ):
            return f"{hint} Give the NPS on its scale from -100 to 100."
    return (
        f"{hint} Keep the {TRANSFER_DIET} customers of `view` who answered, group them by acquisition_channel, "
        "and compute n and the NPS per group as in task 3."
    )


@free_text("02.6", "Which channel makes vegans happiest?", min_words=20)
def channel_claim(answer: Any) -> str | None:
    return None
