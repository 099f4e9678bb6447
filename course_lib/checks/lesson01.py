"""Checks of exercise 01 (What segmentation is): rule-based segments and a consent-respecting audience.

Each check rebuilds the expected answer from the data in use with
:mod:`course_lib.segments`, using the rules the exercise states: segments by
diet and acquisition channel (personal accounts, since business accounts have
no diet), lifecycle stages as of the last order in the export with a 60-day
"new" window and a 120-day "lapsed" cut-off, and a win-back audience of lapsed
repeat customers who consented to e-mail and to personalisation.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from course_lib.checks import compare_ids, compare_table, exercise, free_text
from course_lib.checks.compare import keys_as_columns
from course_lib.customer_view import customer_view
from course_lib.datasets import data_dir, load_customers, load_orders
from course_lib.segments import LIFECYCLE_STAGES, lifecycle_stage, segment_table

__all__ = [
    "EARLIER_DAYS",
    "diet_channel_segments",
    "earlier_stage_sizes",
    "general_message",
    "lifecycle_stages",
    "stage_sizes",
    "win_back_audience",
]

#: The exercise's stated cut-offs, in days before the last order of the export.
NEW_DAYS = 60
LAPSED_DAYS = 120
#: The win-back e-mail goes to lapsed customers with at least this many delivered orders.
MIN_ORDERS = 2
#: It is an e-mail that names the customer's favourite category: both consents are needed.
CONSENTS = ("consent_email", "consent_personalisation")
SEGMENT_COLUMNS = ["diet", "acquisition_channel"]
#: The transfer task looks at the customers as they were this many days before the last order.
EARLIER_DAYS = 182


@functools.lru_cache(maxsize=2)
def _staged_view(folder: Path) -> pd.DataFrame:
    """The exercise's customer view (test orders left out) with each customer's lifecycle stage."""
    orders = load_orders(data_dir=folder)
    orders = orders[orders["category"] != "test"]
    view = customer_view(load_customers(data_dir=folder), orders=orders)
    return lifecycle_stage(view, as_of=orders["ordered_at"].max(), new_days=NEW_DAYS, lapsed_days=LAPSED_DAYS)


def _expected_view() -> pd.DataFrame:
    return _staged_view(data_dir())


@functools.lru_cache(maxsize=2)
def _earlier_sizes(folder: Path, *, signed_up_later: bool = False, orders_later: bool = False) -> pd.DataFrame:
    """Customers per stage as the shop stood `EARLIER_DAYS` before the last order (the transfer task).

    The flags keep what a learner may forget to leave out: later sign-ups, later orders.
    """
    orders = load_orders(data_dir=folder)
    orders = orders[orders["category"] != "test"]
    earlier = orders["ordered_at"].max() - pd.Timedelta(days=EARLIER_DAYS)
    customers = load_customers(data_dir=folder)
    if not signed_up_later:
        customers = customers[customers["signup_date"] <= earlier]
    if not orders_later:
        orders = orders[orders["ordered_at"] <= earlier]
    view = customer_view(customers, orders=orders)
    if signed_up_later or orders_later:  # lifecycle_stage refuses data from after as_of: apply the rules directly
        rules = [
            view["signup_date"] >= earlier - pd.Timedelta(days=NEW_DAYS),
            view["last_order_at"] >= earlier - pd.Timedelta(days=LAPSED_DAYS),
            view["last_order_at"].notna(),
        ]
        stages = pd.Series(np.select(rules, ["new", "active", "lapsed"], default="never ordered"))
    else:
        stages = lifecycle_stage(view, as_of=earlier, new_days=NEW_DAYS, lapsed_days=LAPSED_DAYS)["stage"]
    counts = stages.astype(str).value_counts().rename("customers")
    return counts.rename_axis("stage").reset_index()


def _shares_hint(answer: pd.DataFrame) -> str | None:
    """A hint when the share columns are percentages or do not add up to 1."""
    for column in ("customer_share", "revenue_share"):
        if column in answer.columns and pd.api.types.is_numeric_dtype(answer[column]):
            total = answer[column].sum()
            if abs(total - 100) < 0.01:
                return f"Give {column!r} as a fraction between 0 and 1, not a percentage."
            if abs(total - 1) > 1e-6:
                return f"Your {column!r} adds up to {total:.3f}, not 1: divide by the total of the table's own rows."
    return None


@exercise("01.1", "Segments by diet and channel")
def diet_channel_segments(answer: Any) -> str | None:
    expected = segment_table(_expected_view(), SEGMENT_COLUMNS)
    columns = [*SEGMENT_COLUMNS, "customers", "customer_share", "revenue", "revenue_share"]
    answer = keys_as_columns(answer, SEGMENT_COLUMNS)
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a DataFrame with columns {columns}; got a {type(answer).__name__}."
    missing = [column for column in columns if column not in answer.columns]
    if missing:
        return f"Your table has no column {missing[0]!r}; it needs {columns}."
    extra = [column for column in answer.columns if column not in columns]
    if extra:
        return f"Your table has the extra column(s) {extra}: keep exactly {columns}."
    if len(answer) > len(expected) and answer["diet"].isna().any():
        return "Leave out the business accounts: their diet is missing (groupby drops them by default)."

    def keyed(table: pd.DataFrame) -> pd.DataFrame:
        segment = table["diet"].astype(str) + " / " + table["acquisition_channel"].astype(str)
        return table[columns].assign(segment=segment).drop(columns=SEGMENT_COLUMNS)

    hint = compare_table(keyed(answer), keyed(expected), key="segment")
    if hint is None:
        return None
    return _shares_hint(answer) or (
        f"{hint} One row per diet and acquisition channel: count the customers and sum "
        "`net_revenue`, then divide each by its column total."
    )


def _stages_of(answer: Any) -> pd.DataFrame | str:
    """The learner's stages as a table customer_id, stage (text), or a hint."""
    if isinstance(answer, pd.Series):
        if answer.index.name != "customer_id":
            return "A Series is fine if its index is `customer_id`; otherwise make a table with columns customer_id and stage."
        answer = answer.rename("stage").reset_index()
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a DataFrame with columns customer_id and stage; got a {type(answer).__name__}."
    answer = keys_as_columns(answer, ["customer_id"])
    missing = [column for column in ("customer_id", "stage") if column not in answer.columns]
    if missing:
        return f"Your table has no column {missing[0]!r}; it needs customer_id and stage."
    extra = [column for column in answer.columns if column not in ("customer_id", "stage")]
    if extra:
        return f"Your table has the extra column(s) {extra}: keep exactly customer_id and stage."
    unknown = sorted(set(answer["stage"].dropna().astype(str)) - set(LIFECYCLE_STAGES))
    if unknown:
        return f"Use exactly the labels {list(LIFECYCLE_STAGES)}; found {unknown[0]!r}."
    return answer[["customer_id", "stage"]].astype({"stage": str})


@exercise("01.2", "Lifecycle stages")
def lifecycle_stages(answer: Any) -> str | None:
    expected = _expected_view()[["customer_id", "stage"]].astype({"stage": str})
    stages = _stages_of(answer)
    if isinstance(stages, str):
        return stages
    hint = compare_table(stages, expected, key="customer_id")
    if hint is None:
        return None
    if len(stages) != len(expected) or stages["customer_id"].duplicated().any():
        return f"{hint} Give every customer of `view` exactly one stage."
    mine = stages["stage"].value_counts()
    wanted = expected["stage"].value_counts()
    differing = [stage for stage in LIFECYCLE_STAGES if mine.get(stage, 0) != wanted.get(stage, 0)]
    return (
        f"{hint} The stage(s) {differing} hold a different number of customers than the rule gives. "
        "Check those cut-offs (60 days for new, 120 for active) and apply the rules in order: new first."
    )


@exercise("01.3", "Size and revenue share per stage")
def stage_sizes(answer: Any) -> str | None:
    columns = ["stage", "customers", "customer_share", "revenue", "revenue_share"]
    expected = segment_table(_expected_view(), "stage")[columns]
    expected = expected.astype({"stage": str})
    answer = keys_as_columns(answer, ["stage"])
    hint = compare_table(answer, expected, key="stage", exact_columns=True)
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame):
        hint = _shares_hint(answer) or hint
    return f"{hint} Build it from your `stages` of task 2 (is that check correct?) joined to `net_revenue`."


@exercise("01.4", "A consent-respecting win-back audience")
def win_back_audience(answer: Any) -> str | None:
    view = _expected_view()
    candidates = view[view["stage"].eq("lapsed") & view["n_orders"].ge(MIN_ORDERS)]
    allowed = candidates[candidates[list(CONSENTS)].all(axis=1)]
    if isinstance(answer, pd.DataFrame) and "customer_id" in answer.columns:
        return "Give the customer ids only: select the `customer_id` column of your table."
    hint = compare_ids(answer, allowed["customer_id"])
    if hint is None or not isinstance(answer, (pd.Series, pd.Index, np.ndarray, list, tuple, set)):
        return hint
    extra = set(pd.Series(list(answer)).dropna().tolist()) - set(allowed["customer_id"])
    extra_rows = view[view["customer_id"].isin(extra)]
    reasons = [
        (~extra_rows["stage"].eq("lapsed")).any() and "some are not lapsed under task 2's rule",
        (extra_rows["n_orders"] < MIN_ORDERS).any() and f"some have fewer than {MIN_ORDERS} delivered orders",
        (~extra_rows["consent_email"]).any() and "some did not agree to marketing e-mails",
        (~extra_rows["consent_personalisation"]).any()
        and "some did not agree to personalisation, and this e-mail uses their order history",
    ]
    found = [reason for reason in reasons if reason]
    if found:
        return f"{hint} Of those who should not be there, {'; '.join(found)}."
    return f"{hint} Start from every lapsed customer with at least {MIN_ORDERS} orders, then keep both consents."


@exercise("01.5", "Transfer: the stages six months earlier")
def earlier_stage_sizes(answer: Any) -> str | None:
    folder = data_dir()
    expected = _earlier_sizes(folder)
    if isinstance(answer, pd.Series):
        answer = answer.rename("customers").rename_axis("stage").reset_index()
    answer = keys_as_columns(answer, ["stage"])
    if isinstance(answer, pd.DataFrame) and "customers" not in answer.columns and "count" in answer.columns:
        answer = answer.rename(columns={"count": "customers"})
    hint = compare_table(answer, expected, key="stage", exact_columns=True)
    if hint is None:
        return None
    if compare_table(answer, _earlier_sizes(folder, signed_up_later=True), key="stage") is None:
        return f"{hint} Leave out the customers who signed up after `EARLIER`: they were not customers yet."
    if compare_table(answer, _earlier_sizes(folder, orders_later=True), key="stage") is None:
        return f"{hint} Leave out the orders placed after `EARLIER`: back then they had not happened."
    return (
        f"{hint} Keep the customers who had signed up by `EARLIER` and the orders placed by then, build "
        "their view with customer_view, and apply task 2's rules with `EARLIER` as the day of the analysis."
    )


@free_text("01.6", "A message for those who did not consent", min_words=20)
def general_message(answer: Any) -> str | None:
    return None
