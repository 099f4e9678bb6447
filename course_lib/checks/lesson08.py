"""Checks of exercise 08 (Capstone on the Online Retail sample): mapping, tidy orders, RFM, clusters, revenue.

The expected answers are computed here with the library from the sample in
the data folder in use (``online_retail_sample.csv``), as the exercise does.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from course_lib.checks import compare_number, compare_table, exercise, free_text
from course_lib.clustering import fit_kmeans, prepare_features, same_partition
from course_lib.column_mapping import ColumnMapping, guess_column_mapping, read_orders_file, standardise_orders
from course_lib.datasets import clean_online_retail, data_dir, load_online_retail_sample
from course_lib.rfm import assign_segments, rfm_scores, rfm_table, segment_summary

__all__ = [
    "RECENT_DAYS",
    "clusters",
    "column_mapping",
    "monthly_revenue",
    "recent_repeat_share",
    "repeat_revenue_share",
    "segment_sizes",
    "strategy",
    "tidy_orders",
]

SAMPLE_FILE = "online_retail_sample.csv"
TIDY_COLUMNS = ["customer_id", "ordered_at", "amount", "order_id"]
#: The transfer task looks at the orders of the last this many days of the sample.
RECENT_DAYS = 180
MONTHLY_COLUMNS = ["month", "revenue", "customers"]


@functools.lru_cache(maxsize=2)
def _expected(folder: str) -> dict[str, object]:
    """Every expected answer of the exercise, for the sample of the data folder `folder`."""
    raw = read_orders_file(Path(folder) / SAMPLE_FILE).data
    mapping = guess_column_mapping(raw)
    orders = standardise_orders(raw, mapping)
    table = rfm_table(orders, order="order_id")
    summary = segment_summary(assign_segments(rfm_scores(table, ties="min")))
    features = prepare_features(table[["recency", "frequency", "monetary"]], return_report=False)
    return {
        "mapping": mapping,
        "orders": orders,
        "table": table,
        "segment_sizes": summary.loc[summary["customers"] > 0, ["customers"]].reset_index(),
        "clusters": fit_kmeans(features, n_clusters=4, random_state=0),
    }


def _current() -> dict[str, object]:
    return _expected(str(data_dir()))


@exercise("08.1", "The column mapping")
def column_mapping(answer: object) -> str | None:
    expected: ColumnMapping = _current()["mapping"]
    if isinstance(answer, ColumnMapping):
        given = answer.columns()
    elif isinstance(answer, Mapping):
        given = {role: column for role, column in answer.items() if column is not None}
    else:
        return f"Store the result of guess_column_mapping(raw) (a ColumnMapping); got a {type(answer).__name__}."
    wanted = expected.columns()
    wrong = [role for role in wanted if given.get(role) != wanted[role]]
    if not wrong:
        return None
    return (
        f"The column for {', '.join(repr(role) for role in wrong)} is not the one the data needs. Compare "
        "mapping.describe() with raw.head(): who bought, when, the units and the unit price, the invoice."
    )


@exercise("08.2", "Tidy orders")
def tidy_orders(answer: object) -> str | None:
    expected: pd.DataFrame = _current()["orders"]
    if not isinstance(answer, pd.DataFrame):
        return f"Store the orders table (what standardise_orders returns, a DataFrame); got a {type(answer).__name__}."
    missing = [column for column in TIDY_COLUMNS if column not in answer.columns]
    if missing:
        return f"Your table has no column {missing[0]!r}: store the table standardise_orders made."
    if len(answer) != len(expected):
        uci_clean = clean_online_retail(load_online_retail_sample(), return_report=False)
        if len(answer) == len(uci_clean):
            return (
                "That is clean_online_retail's cleaning, which also drops postage and fees; "
                "use standardise_orders(raw, mapping)."
            )
        sales_kept = clean_online_retail(load_online_retail_sample(), drop_non_products=False, return_report=False)
        if len(answer) == len(sales_kept):
            return (
                "Your table drops the cancellations (C invoices) but keeps the sales they cancel, which overstates "
                "revenue; standardise_orders(raw, mapping) nets each cancellation against its sale."
            )
        direction = "more" if len(answer) > len(expected) else "fewer"
        return f"Your table has {direction} rows than the tidy orders: check the cleaning report's steps."
    amounts = pd.to_numeric(answer["amount"], errors="coerce")
    if not np.isclose(amounts.sum(), expected["amount"].sum()):
        return "The amounts differ: each row's money is quantity x unit price."
    if answer["customer_id"].astype("str").nunique() != expected["customer_id"].nunique():
        return "The number of customers differs: keep customer_id as standardise_orders writes it."
    return None


@exercise("08.3", "Customers per RFM segment")
def segment_sizes(answer: object) -> str | None:
    expected: pd.DataFrame = _current()["segment_sizes"]
    if isinstance(answer, pd.Series):
        answer = answer[answer > 0].rename("customers").rename_axis("segment").reset_index()
    if isinstance(answer, pd.DataFrame) and "segment" in answer.columns:
        answer = answer.assign(segment=answer["segment"].astype("str"))
        if "customers" in answer.columns:
            answer = answer[answer["customers"] > 0]
    hint = compare_table(answer, expected.assign(segment=expected["segment"].astype("str")), key="segment")
    if hint is None:
        return None
    first = segment_summary(assign_segments(rfm_scores(_current()["table"], ties="first")))
    first = first.loc[first["customers"] > 0, ["customers"]].reset_index()
    if compare_table(answer, first.assign(segment=first["segment"].astype("str")), key="segment") is None:
        return 'These are the sizes with ties="first"; score with ties="min" so equal values share a score.'
    return (
        f'{hint} Score with rfm_scores(table, ties="min"), assign the default segments, keep segments with customers.'
    )


@exercise("08.4", "Four clusters")
def clusters(answer: object) -> str | None:
    expected: pd.Series = _current()["clusters"]
    if isinstance(answer, (pd.DataFrame, str, bytes)) or np.ndim(answer) != 1:
        return "Store one label per customer (the Series fit_kmeans returns)."
    if len(answer) != len(expected):
        return f"Give one label per customer of the RFM table ({len(expected)}); got {len(answer)}."
    if isinstance(answer, pd.Series) and set(answer.index) != set(expected.index):
        return "Your labels are indexed by other rows: cluster the RFM table's customers."
    n_clusters = pd.Series(np.asarray(answer)).nunique()
    if n_clusters != 4:
        return f"Your labels form {n_clusters} clusters; ask fit_kmeans for 4."
    if same_partition(answer, expected):
        return None
    return (
        "Same number of clusters, different groups: prepare recency, frequency and monetary with "
        "prepare_features' defaults (log of skewed columns) and use random_state=0."
    )


@exercise("08.5", "Revenue from returning customers")
def repeat_revenue_share(answer: object) -> str | None:
    table: pd.DataFrame = _current()["table"]
    expected = table.loc[table["frequency"] >= 2, "monetary"].sum() / table["monetary"].sum()
    hint = compare_number(answer, float(expected), rel_tol=1e-6)
    if hint and isinstance(answer, (int, float, np.number)) and 1 < answer <= 100:
        return "Give the share as a fraction between 0 and 1, not a percentage."
    return hint and f"{hint} Add up the revenue of customers with frequency 2 or more, and divide by all revenue."


def _months(values: pd.Series) -> pd.Series:
    """Months as "YYYY-MM" text, from periods, timestamps or text."""
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.astype(str)
    return pd.to_datetime(values.astype(str)).dt.strftime("%Y-%m")


@exercise("08.6", "Revenue and customers per month, by hand")
def monthly_revenue(answer: object) -> str | None:
    orders: pd.DataFrame = _current()["orders"]
    month = orders["ordered_at"].dt.strftime("%Y-%m")
    expected = (
        orders.assign(month=month)
        .groupby("month")
        .agg(revenue=("amount", "sum"), customers=("customer_id", "nunique"))
        .reset_index()
    )
    if isinstance(answer, pd.DataFrame) and "month" not in answer.columns and answer.index.name == "month":
        answer = answer.reset_index()
    if isinstance(answer, pd.DataFrame) and "month" in answer.columns:
        try:
            answer = answer.assign(month=_months(answer["month"]))
        except (ValueError, TypeError):
            return "Column 'month' should hold months (a period, a date, or text like '2011-03')."
    hint = compare_table(answer, expected, key="month", exact_columns=True)
    if hint is None:
        return None
    if isinstance(answer, pd.DataFrame) and "customers" in answer.columns and "'customers'" in hint:
        order_counts = orders.assign(month=month).groupby("month")["order_id"].nunique()
        given = answer.set_index("month")["customers"]
        if np.allclose(given.reindex(order_counts.index).to_numpy(float), order_counts.to_numpy(float)):
            return f"{hint} Count the distinct customers of each month, not its orders."
        line_counts = orders.assign(month=month).groupby("month").size()
        if np.allclose(given.reindex(line_counts.index).to_numpy(float), line_counts.to_numpy(float)):
            return f"{hint} Count each customer once per month (`nunique`), not every order line."
    return f"{hint} Group the tidy `orders` by the month of `ordered_at`: the sum of `amount`, the distinct customers."


@exercise("08.7", "Transfer: the returning customers' share, last 180 days")
def recent_repeat_share(answer: object) -> str | None:
    orders: pd.DataFrame = _current()["orders"]
    start = orders["ordered_at"].max() - pd.Timedelta(days=RECENT_DAYS)
    recent = rfm_table(orders[orders["ordered_at"] >= start], order="order_id")
    expected = recent.loc[recent["frequency"] >= 2, "monetary"].sum() / recent["monetary"].sum()
    hint = compare_number(answer, float(expected), rel_tol=1e-6)
    if hint is None or isinstance(answer, bool) or not isinstance(answer, (int, float, np.number)):
        return hint
    if 1 < answer <= 100:
        return "Give the share as a fraction between 0 and 1, not a percentage."
    whole: pd.DataFrame = _current()["table"]
    if np.isclose(answer, whole.loc[whole["frequency"] >= 2, "monetary"].sum() / whole["monetary"].sum()):
        return f"That is task 5's share, on the whole year: keep only the orders of the last {RECENT_DAYS} days first."
    return (
        f"{hint} Keep the orders placed on or after the last order's time minus {RECENT_DAYS} days, count each "
        "customer's orders and revenue in that period, and divide the revenue of those with 2 or more by all of it."
    )


@free_text("08.8", "Your strategy in five sentences", min_words=60)
def strategy(answer: object) -> str | None:
    if not isinstance(answer, str):
        return f"Write your strategy as text between triple quotes; got a {type(answer).__name__}."
    return None
