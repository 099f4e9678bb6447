"""Checks of exercise 03 (RFM analysis): RFM by hand, scores, segments, their revenue, a transfer, actions.

Every expected answer is recomputed here on all the rows of the data in use,
with the library's defaults where the task does not set a value.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import pandas as pd

from course_lib.checks import compare_table, exercise, free_text
from course_lib.checks._data import course_orders, online_retail_lines
from course_lib.checks._source import calls_in, current_cell_source
from course_lib.datasets import data_dir
from course_lib.rfm import assign_segments, default_segment_map, order_values, rfm_scores, rfm_table

#: The columns of exercise 03.1's table, exactly.
RFM_COLUMNS = ["recency", "frequency", "monetary"]
#: The columns of exercise 03.4's table, exactly.
REVENUE_COLUMNS = ["segment", "customers", "revenue", "revenue_share"]
#: Exercise 03.2 scores from 1 to this.
TASK_BINS = 4
#: Exercise 03.3: the manager's "At risk" starts at this frequency score (the default map says 3).
AT_RISK_F_MIN = 2
#: Exercise 03.6: an action is a sentence of at least this many words.
MIN_ACTION_WORDS = 5


@functools.cache
def _lines() -> pd.DataFrame:
    """The order lines as the lesson prepares them: no exact duplicates, no test orders, net `amount`."""
    return order_values(course_orders())


@functools.cache
def _table() -> pd.DataFrame:
    return rfm_table(_lines(), order="order_id")


def _retail_counts(retail: pd.DataFrame, *, order: str | None = "order_id") -> pd.DataFrame:
    """Customers and revenue per segment of the Online Retail lines (exercise 03.5)."""
    segmented = assign_segments(rfm_scores(rfm_table(retail, order=order)))
    segmented = segmented.assign(segment=segmented["segment"].astype("str"))
    return segmented.groupby("segment").agg(customers=("monetary", "size"), revenue=("monetary", "sum")).reset_index()


def _manager_segment_map() -> pd.DataFrame:
    """The default segment map with the manager's wider "At risk" (exercise 03.3)."""
    segment_map = default_segment_map()
    segment_map.loc[segment_map["segment"] == "At risk", "f_min"] = AT_RISK_F_MIN
    return segment_map


def _scores_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["r_score", "f_score", "m_score"]].rename_axis("customer_id").reset_index()


def _differs(answer: object, expected: pd.DataFrame, *, key: str) -> bool:
    return compare_table(answer, expected, key=key) is not None


def _rfm_frame(answer: object) -> object:
    """The learner's RFM table with `customer_id` as a column (it may be the index)."""
    if isinstance(answer, pd.DataFrame) and "customer_id" not in answer.columns:
        if answer.index.name == "customer_id" or "customer_id" not in answer.index.names:
            return answer.rename_axis("customer_id").reset_index()
    return answer


@exercise("03.1", "RFM by hand for every customer")
def rfm_by_hand(answer: object, *, source: str | None = None) -> str | None:
    used = calls_in(current_cell_source() if source is None else source, ["rfm_table"])
    if used:
        return "The task asks you to compute RFM without rfm_table: use groupby on `lines` (task 2 uses rfm_table)."
    table = _table()
    expected = table[RFM_COLUMNS].reset_index()
    answer = _rfm_frame(answer)
    if isinstance(answer, pd.DataFrame) and "recency" in answer.columns:
        if pd.api.types.is_timedelta64_dtype(answer["recency"]):
            return "Your recency is a time span; turn it into a number of whole days with `.dt.days`."
    hint = compare_table(answer, expected, key="customer_id", exact_columns=True)
    if hint is None:
        return None
    if not isinstance(answer, pd.DataFrame) or "customer_id" not in answer.columns:
        return hint
    if len(answer) < len(expected) and answer["customer_id"].isin(expected["customer_id"]).all():
        return f"{hint} Compute RFM for every customer of `lines`, not a selection."
    if "recency" in answer.columns and set(answer["customer_id"]) == set(expected["customer_id"]):
        given = pd.to_numeric(answer.set_index("customer_id")["recency"], errors="coerce")
        gap = (given.reindex(table.index) - table["recency"]).abs()
        if 0 < (gap > 0).sum() and gap.max() <= 1:
            return (
                f"{hint} Recency is off by one day for {(gap > 0).sum()} customers: count whole days between "
                "midnights, `.normalize()` both the snapshot and each purchase time."
            )
    return (
        f"{hint} Work per order first (its first day and its net amount), keep the orders whose net "
        "is above 0 as purchases, then per customer: days from the last purchase day to the snapshot "
        "(midnight of the day after the last order in `lines`), the number of purchases, and their total."
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
        if "customers" not in answer.columns and "count" in answer.columns:  # value_counts().reset_index()
            answer = answer.rename(columns={"count": "customers"})
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
    hint = compare_table(answer, _segment_counts(_manager_segment_map()), key="segment", exact_columns=True)
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


def _n_words(text: object) -> int:
    """The words of `text` with at least two letters ("x y z 0" has none)."""
    if not isinstance(text, str):
        return 0
    return sum(sum(ch.isalpha() for ch in word) >= 2 for word in text.split())


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


def _segmented() -> pd.DataFrame:
    """Every customer's RFM, five scores and segment under the manager's map (tasks 3 and 4)."""
    return assign_segments(rfm_scores(_table()), segment_map=_manager_segment_map())


@exercise("03.4", "Revenue share per segment")
def revenue_per_segment(answer: object) -> str | None:
    segmented = _segmented().assign(segment=lambda frame: frame["segment"].astype("str"))
    expected = (
        segmented.groupby("segment").agg(customers=("monetary", "size"), revenue=("monetary", "sum")).reset_index()
    )
    expected["revenue_share"] = expected["revenue"] / expected["revenue"].sum()
    if isinstance(answer, pd.DataFrame):
        if "segment" not in answer.columns and "segment" in answer.index.names:
            answer = answer.reset_index()
        if {"segment", "customers"} <= set(answer.columns):
            answer = answer.assign(segment=answer["segment"].astype("str"))
            answer = answer[pd.to_numeric(answer["customers"], errors="coerce") != 0]
    hint = compare_table(answer, expected[REVENUE_COLUMNS], key="segment", exact_columns=True)
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame) and "revenue_share" in answer.columns:
        total = pd.to_numeric(answer["revenue_share"], errors="coerce").sum()
        if abs(total - 100) < 1e-6:
            return "Give `revenue_share` as a fraction between 0 and 1, not a percentage."
        if abs(total - 1) > 1e-6:
            return f"Your `revenue_share` adds up to {total:.3f}, not 1: divide each segment's revenue by the total."
    if "'revenue'" in hint:
        return f"{hint} A segment's revenue is the sum of its customers' `monetary` (net euros)."
    return (
        f"{hint} Group `segmented` by segment: count the customers, sum `monetary` as revenue, "
        "then divide each revenue by the total revenue."
    )


@exercise("03.5", "Transfer: RFM segments of the Online Retail sample")
def retail_segment_counts(answer: object) -> str | None:
    retail = online_retail_lines(str(data_dir()))
    if isinstance(answer, pd.Series):
        return "The answer should be a table with the columns segment, customers and revenue, not a Series."
    answer = _counts_frame(answer)
    hint = compare_table(answer, _retail_counts(retail), key="segment", exact_columns=True)
    if hint is None:
        return None
    if compare_table(answer, _retail_counts(retail, order=None), key="segment") is None:
        return f'{hint} An invoice is one purchase: pass `order="order_id"` so orders, not days, are counted.'
    if compare_table(answer, _retail_counts(retail.assign(amount=retail["UnitPrice"])), key="segment") is None:
        return f"{hint} A line's money is Quantity × UnitPrice, not the unit price alone."
    uncleaned = online_retail_lines(str(data_dir()), clean=False)
    if compare_table(answer, _retail_counts(uncleaned), key="segment") is None:
        return f"{hint} Start from the cleaned lines: clean_online_retail(raw) drops cancellations and returns."
    return (
        f"{hint} Clean the sample with clean_online_retail, add `amount`, rename the columns to the course's "
        "names (customer_id, ordered_at, order_id), then rfm_table, rfm_scores and assign_segments with their defaults."
    )


@free_text("03.6", "One action per segment", min_words=0)
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
    short = [name for name in segments if _n_words(actions[name]) < MIN_ACTION_WORDS]
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


@free_text("03.7", "Where to spend this month's budget", min_words=20)
def budget_segment(answer: object) -> str | None:
    if not isinstance(answer, str):
        return f"Write your answer as text between quotes; got a {type(answer).__name__}."
    names = [str(name).lower() for name in default_segment_map()["segment"]]
    if not any(name in answer.lower() for name in names):
        return "Name the segment you choose, as the map calls it (for example 'Loyal')."
    return None


__all__ = [
    "AT_RISK_F_MIN",
    "MIN_ACTION_WORDS",
    "REVENUE_COLUMNS",
    "RFM_COLUMNS",
    "TASK_BINS",
    "actions_per_segment",
    "budget_segment",
    "retail_segment_counts",
    "revenue_per_segment",
    "rfm_by_hand",
    "scores_four_bins",
    "segment_counts",
]
