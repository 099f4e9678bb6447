"""Checks of exercise 03 (RFM analysis): by-hand RFM, scores, segment counts, actions."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd

from course_lib.checks import compare_table, exercise
from course_lib.datasets import load_orders
from course_lib.rfm import assign_segments, default_segment_map, order_values, rfm_scores, rfm_table

#: Exercise 03.1 works on the customers with the smallest ids: this many of them.
TASK_CUSTOMERS = 5
#: Exercise 03.2 scores from 1 to this.
TASK_BINS = 4
#: Exercise 03.3: the manager's "At risk" starts at this frequency score (the default map says 3).
AT_RISK_F_MIN = 2
#: Exercise 03.4: an action is a sentence of at least this many words.
MIN_ACTION_WORDS = 4


@functools.cache
def _lines() -> pd.DataFrame:
    """The order lines as the lesson prepares them: no exact duplicates, no test orders, net `amount`."""
    orders = load_orders()
    return order_values(orders[~orders.duplicated() & (orders["category"] != "test")])


@functools.cache
def _table() -> pd.DataFrame:
    return rfm_table(_lines(), order="order_id")


def _task_customers() -> list:
    """The customers of exercise 03.1, by the rule stated in the exercise."""
    return _lines()["customer_id"].dropna().drop_duplicates().nsmallest(TASK_CUSTOMERS).tolist()


def _manager_segment_map() -> pd.DataFrame:
    """The default segment map with the manager's wider "At risk" (exercise 03.3)."""
    segment_map = default_segment_map()
    segment_map.loc[segment_map["segment"] == "At risk", "f_min"] = AT_RISK_F_MIN
    return segment_map


def _scores_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["r_score", "f_score", "m_score"]].rename_axis("customer_id").reset_index()


def _differs(answer: object, expected: pd.DataFrame, *, key: str) -> bool:
    return compare_table(answer, expected, key=key) is not None


@exercise("03.1", "RFM by hand for five customers")
def rfm_by_hand(answer: object) -> str | None:
    table = _table()
    expected = table.loc[table.index.isin(_task_customers()), ["recency", "frequency", "monetary"]]
    expected = expected.reset_index()
    if isinstance(answer, pd.DataFrame) and "recency" in answer.columns:
        if pd.api.types.is_timedelta64_dtype(answer["recency"]):
            return "Your recency is a time span; turn it into a number of whole days with `.dt.days`."
    hint = compare_table(answer, expected, key="customer_id")
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame) and len(answer) > len(expected):
        return f"{hint} Keep only the customers listed in `few`."
    return (
        f"{hint} Work per order first (its first day and its net amount), keep the orders whose net "
        "is above 0 as purchases, then per customer: days from the last purchase day to the snapshot "
        "(the day after the last order in `lines`), the number of purchases, and their total."
    )


@exercise("03.2", "Scores from 1 to 4, ties sharing a score")
def scores_four_bins(answer: object) -> str | None:
    table = _table()
    expected = _scores_columns(rfm_scores(table, bins=TASK_BINS, ties="min"))
    hint = compare_table(answer, expected, key="customer_id")
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame) and {"r_score", "f_score", "m_score"} <= set(answer.columns):
        top = answer[["r_score", "f_score", "m_score"]].max().max()
        if top != TASK_BINS:
            return f"Your highest score is {top}; the scores should run from 1 to {TASK_BINS}."
        if not _differs(answer, _scores_columns(rfm_scores(table, bins=TASK_BINS, ties="first")), key="customer_id"):
            return (
                "Customers with the same frequency get different scores in your table: look at how "
                "rfm_scores treats ties, and make equal values share one score."
            )
        # Scoring recency like the others (large = high) is the usual slip: score it that way too.
        upside_down = _scores_columns(rfm_scores(table.assign(recency=-table["recency"]), bins=TASK_BINS, ties="min"))
        if not _differs(answer, upside_down, key="customer_id"):
            return "Your recency scores are upside down: the most recent customers should get the highest R score."
    return f"{hint} Score `table` with rfm_scores: mind the number of scores and how ties are treated."


def _counts_frame(answer: object) -> object:
    """A count per segment as a frame of str `segment` and `customers`, empty segments left out."""
    if isinstance(answer, pd.Series):
        answer = answer.rename("customers").rename_axis("segment").reset_index()
    if isinstance(answer, pd.DataFrame):
        if "segment" not in answer.columns and "segment" in answer.index.names:
            answer = answer.reset_index()
        if {"segment", "customers"} <= set(answer.columns):
            answer = answer.assign(segment=answer["segment"].astype("str"))
            return answer[answer["customers"] != 0]
    return answer


def _segment_counts(segment_map: pd.DataFrame) -> pd.DataFrame:
    segmented = assign_segments(rfm_scores(_table()), segment_map=segment_map)
    counts = segmented["segment"].astype("str").value_counts().rename("customers")
    return counts.rename_axis("segment").reset_index()


@exercise("03.3", "Segment counts with a wider 'At risk'")
def segment_counts(answer: object) -> str | None:
    answer = _counts_frame(answer)
    hint = compare_table(answer, _segment_counts(_manager_segment_map()), key="segment")
    if hint is None:
        return None
    if compare_table(answer, _segment_counts(default_segment_map()), key="segment") is None:
        return (
            "These are the counts of the default map. Change the 'At risk' row of your copy of the map "
            "(its lowest frequency score) before you assign the segments."
        )
    return (
        f"{hint} Edit a copy of default_segment_map() (only the 'At risk' row changes), assign segments "
        "to `five_scores` with it, and count the customers of each segment. The first matching row wins."
    )


def _actions_mapping(answer: object) -> Mapping | str:
    """The answer as {segment: action}, or a hint saying which shape is expected."""
    if isinstance(answer, pd.DataFrame):
        if {"segment", "action"} <= set(answer.columns):
            return dict(zip(answer["segment"].astype("str"), answer["action"], strict=True))
        return "A table of actions needs the columns 'segment' and 'action'; a dict {segment: action} works too."
    if isinstance(answer, pd.Series):
        return {str(segment): action for segment, action in answer.items()}
    if isinstance(answer, Mapping):
        return {str(segment): action for segment, action in answer.items()}
    return f"The answer should be a dict {{segment: action}}; got a {type(answer).__name__}."


@exercise("03.4", "One action per segment")
def actions_per_segment(answer: object) -> str | None:
    actions = _actions_mapping(answer)
    if isinstance(actions, str):
        return actions
    reference = default_segment_map().set_index("segment")["action"]
    segments = list(reference.index)
    unknown = [name for name in actions if name not in segments and name != "Other"]
    if unknown:
        return f"These keys are not segments of the map: {unknown}. Check their spelling against the map's `segment` column."
    missing = [name for name in segments if name not in actions]
    if missing:
        return (
            f"{len(missing)} segment(s) have no action yet, such as {missing[0]!r}: give every segment of the map one."
        )
    short = [
        name for name in segments if not isinstance(actions[name], str) or len(actions[name].split()) < MIN_ACTION_WORDS
    ]
    if short:
        return (
            f"The action for {short[0]!r} is not a sentence yet: say what Green Fork does for these "
            f"customers, in at least {MIN_ACTION_WORDS} words."
        )
    copied = [name for name in segments if actions[name].strip() == reference[name]]
    if copied:
        return f"The action for {copied[0]!r} is the map's own text: write one in your own words for Green Fork."
    texts = [actions[name].strip().lower() for name in segments]
    if len(set(texts)) < len(texts):
        return "Some segments share the very same action: each segment needs its own (what they did differs)."
    return None


__all__ = [
    "AT_RISK_F_MIN",
    "MIN_ACTION_WORDS",
    "TASK_BINS",
    "TASK_CUSTOMERS",
    "actions_per_segment",
    "rfm_by_hand",
    "scores_four_bins",
    "segment_counts",
]
