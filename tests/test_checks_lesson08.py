"""Exercise 08's checks accept the reference answer and its variants and reject wrong answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.checks import lesson08 as check
from course_lib.clustering import fit_kmeans, prepare_features
from course_lib.column_mapping import ColumnMapping, guess_column_mapping, read_orders_file, standardise_orders
from course_lib.datasets import clean_online_retail, data_dir, load_online_retail_sample
from course_lib.report import build_report
from course_lib.rfm import assign_segments, rfm_scores, rfm_table, segment_summary


@pytest.fixture(scope="module")
def solution():
    raw = read_orders_file(data_dir() / "online_retail_sample.csv").data
    mapping = guess_column_mapping(raw)
    orders = standardise_orders(raw, mapping)
    table = rfm_table(orders, order="order_id")
    segmented = assign_segments(rfm_scores(table, ties="min"))
    features = prepare_features(table[["recency", "frequency", "monetary"]], return_report=False)
    return {"mapping": mapping, "orders": orders, "table": table, "segmented": segmented, "features": features}


def test_column_mapping(solution):
    mapping = solution["mapping"]
    assert check.column_mapping.evaluate(mapping).passed
    as_dict = {
        "customer": "CustomerID",
        "date": "InvoiceDate",
        "quantity": "Quantity",
        "price": "UnitPrice",
        "order": "InvoiceNo",
        "amount": None,
    }
    assert check.column_mapping.evaluate(as_dict).passed
    swapped = ColumnMapping(
        customer="CustomerID", date="InvoiceDate", quantity="UnitPrice", price="Quantity", order="InvoiceNo"
    )
    result = check.column_mapping.evaluate(swapped)
    assert not result.passed and "'quantity', 'price'" in result.hint
    assert not check.column_mapping.evaluate("CustomerID").passed


def test_tidy_orders(solution):
    orders = solution["orders"]
    assert check.tidy_orders.evaluate(orders).passed
    assert check.tidy_orders.evaluate(orders.iloc[::-1][["order_id", "amount", "ordered_at", "customer_id"]]).passed
    uci = clean_online_retail(load_online_retail_sample(), return_report=False)
    uci_like = pd.DataFrame(
        {
            "customer_id": uci["CustomerID"].astype(str),
            "ordered_at": uci["InvoiceDate"],
            "amount": uci["Quantity"] * uci["UnitPrice"],
            "order_id": uci["InvoiceNo"],
        }
    )
    result = check.tidy_orders.evaluate(uci_like)
    assert not result.passed and "clean_online_retail" in result.hint
    doubled = orders.assign(amount=orders["amount"] * 2)
    assert not check.tidy_orders.evaluate(doubled).passed
    # The rule before refunds were netted: C invoices dropped, the sales they cancel kept.
    raw = load_online_retail_sample()
    sales_kept = raw[~raw.duplicated() & raw["CustomerID"].notna() & ~raw["InvoiceNo"].str.startswith("C")]
    sales_kept = sales_kept[sales_kept["Quantity"] * sales_kept["UnitPrice"] > 0]
    old_rule = pd.DataFrame(
        {
            "customer_id": sales_kept["CustomerID"].astype(str),
            "ordered_at": sales_kept["InvoiceDate"],
            "amount": sales_kept["Quantity"] * sales_kept["UnitPrice"],
            "order_id": sales_kept["InvoiceNo"],
        }
    )
    result = check.tidy_orders.evaluate(old_rule)
    assert not result.passed and "nets each cancellation" in result.hint
    assert old_rule["amount"].sum() > orders["amount"].sum()
    assert not check.tidy_orders.evaluate(orders.drop(columns="order_id")).passed


def test_segment_sizes(solution):
    summary = segment_summary(solution["segmented"])
    reference = summary.loc[summary["customers"] > 0, ["customers"]].reset_index()
    assert check.segment_sizes.evaluate(reference).passed
    # By hand: counting the segment column gives the same sizes (value_counts keeps empty categories at 0).
    assert check.segment_sizes.evaluate(solution["segmented"]["segment"].value_counts()).passed
    with_empty = summary[["customers"]].reset_index()  # the empty "Other" row kept: still right
    assert check.segment_sizes.evaluate(with_empty).passed
    first = segment_summary(assign_segments(rfm_scores(solution["table"], ties="first")))
    first = first.loc[first["customers"] > 0, ["customers"]].reset_index()
    result = check.segment_sizes.evaluate(first)
    assert not result.passed and 'ties="min"' in result.hint


def test_clusters(solution):
    labels = fit_kmeans(solution["features"], n_clusters=4, random_state=0)
    assert check.clusters.evaluate(labels).passed
    renamed = labels.map({0: "a", 1: "b", 2: "c", 3: "d"})  # any names for the same groups
    assert check.clusters.evaluate(renamed).passed
    assert check.clusters.evaluate(labels.to_numpy()).passed
    result = check.clusters.evaluate(fit_kmeans(solution["features"], n_clusters=3, random_state=0))
    assert not result.passed and "3 clusters" in result.hint
    raw_features = solution["table"][["recency", "frequency", "monetary"]]
    unlogged = prepare_features(raw_features, log_skewed=False, return_report=False)
    other = fit_kmeans(unlogged, n_clusters=4, random_state=0)
    assert not check.clusters.evaluate(other).passed
    assert not check.clusters.evaluate(labels.iloc[:-1]).passed


def test_repeat_revenue_share(solution):
    table = solution["table"]
    # By hand on the tidy orders: revenue of customers with two or more orders.
    orders = solution["orders"]
    orders_per_customer = orders.groupby("customer_id")["order_id"].nunique()
    revenue = orders.groupby("customer_id")["amount"].sum()
    by_hand = revenue[orders_per_customer >= 2].sum() / revenue.sum()
    assert check.repeat_revenue_share.evaluate(by_hand).passed
    assert check.repeat_revenue_share.evaluate(np.float64(by_hand)).passed
    percent = check.repeat_revenue_share.evaluate(100 * by_hand)
    assert not percent.passed and "not a percentage" in percent.hint
    once = table.loc[table["frequency"] == 1, "monetary"].sum() / table["monetary"].sum()
    assert not check.repeat_revenue_share.evaluate(once).passed


def test_the_checked_revenue_is_the_one_command_reports(solution, tmp_path):
    """One rule for returns: task 5's answer computed from the report's customers passes the check."""
    result = build_report(data_dir() / "online_retail_sample.csv", tmp_path / "report.html")
    customers = result.customers
    share = customers.loc[customers["frequency"] >= 2, "monetary"].sum() / customers["monetary"].sum()
    assert check.repeat_revenue_share.evaluate(share).passed
    assert solution["orders"]["amount"].sum() == pytest.approx(result.headline["revenue"])


def monthly_by_loop(orders: pd.DataFrame) -> pd.DataFrame:
    """Revenue and distinct customers per month with a loop over month texts (a second method)."""
    month = orders["ordered_at"].dt.strftime("%Y-%m")
    rows = [
        {
            "month": m,
            "revenue": orders.loc[month == m, "amount"].sum(),
            "customers": len(set(orders.loc[month == m, "customer_id"])),
        }
        for m in sorted(month.unique())
    ]
    return pd.DataFrame(rows)


def test_monthly_revenue(solution):
    orders = solution["orders"]
    reference = monthly_by_loop(orders)
    assert np.isclose(reference["revenue"].sum(), orders["amount"].sum()), "money reconciles"
    assert check.monthly_revenue.evaluate(reference).passed
    as_periods = reference.assign(month=pd.PeriodIndex(reference["month"], freq="M"))
    assert check.monthly_revenue.evaluate(as_periods).passed
    assert check.monthly_revenue.evaluate(as_periods.set_index("month")).passed
    month = orders["ordered_at"].dt.strftime("%Y-%m")
    order_counts = reference.assign(customers=reference["month"].map(orders.groupby(month)["order_id"].nunique()))
    result = check.monthly_revenue.evaluate(order_counts)
    assert not result.passed and "not its orders" in result.hint
    line_counts = reference.assign(customers=reference["month"].map(orders.groupby(month).size()))
    result = check.monthly_revenue.evaluate(line_counts)
    assert not result.passed and "nunique" in result.hint
    mean_amount = reference.assign(revenue=reference["month"].map(orders.groupby(month)["amount"].mean()))
    result = check.monthly_revenue.evaluate(mean_amount)
    assert not result.passed and "'revenue'" in result.hint
    extra = check.monthly_revenue.evaluate(reference.assign(orders=1))
    assert not extra.passed and "'orders'" in extra.hint
    assert not check.monthly_revenue.evaluate(reference.iloc[:-1]).passed
    assert "DataFrame" in check.monthly_revenue.evaluate(reference["revenue"].tolist()).hint


def test_recent_repeat_share(solution):
    orders = solution["orders"]
    start = orders["ordered_at"].max() - pd.Timedelta(days=check.RECENT_DAYS)
    recent = orders[orders["ordered_at"] >= start]
    orders_per_customer = recent.groupby("customer_id")["order_id"].nunique()
    revenue = recent.groupby("customer_id")["amount"].sum()
    share = revenue[orders_per_customer >= 2].sum() / revenue.sum()
    assert check.recent_repeat_share.evaluate(share).passed
    table = solution["table"]
    whole_year = table.loc[table["frequency"] >= 2, "monetary"].sum() / table["monetary"].sum()
    assert not np.isclose(whole_year, share), "the period must matter"
    result = check.recent_repeat_share.evaluate(whole_year)
    assert not result.passed and "task 5" in result.hint
    percent = check.recent_repeat_share.evaluate(100 * share)
    assert not percent.passed and "percentage" in percent.hint
    all_time_counts = revenue[table["frequency"].reindex(revenue.index) >= 2].sum() / revenue.sum()
    if not np.isclose(all_time_counts, share):
        assert not check.recent_repeat_share.evaluate(all_time_counts).passed
    assert not check.recent_repeat_share.evaluate(share - 0.01).passed
    assert "single number" in check.recent_repeat_share.evaluate("0.5").hint


def test_strategy_is_recorded():
    sentence = "Champions bring most revenue, so we thank them with early access after checking consent. "
    # Five different sentences: one sentence pasted five times is filler, not a strategy.
    strategy = sentence + (
        "Loyal customers get a monthly menu preview, because they already order every few weeks. "
        "At-risk customers who used to spend well receive one win-back offer, tested against a hold-out. "
        "New customers see a short guide to vegan staples after their second order. "
        "We measure each action by its uplift over the hold-out, not by its response rate, and drop what loses money."
    )
    result = check.strategy.evaluate(strategy)
    assert result.recorded and not result.passed and "Correct" not in str(result)
    assert "at least 60 words" in check.strategy.evaluate(sentence).hint
    assert not check.strategy.evaluate({"a": sentence}).recorded


def test_more_wrong_answers_for_the_first_checks(solution):
    mapping = solution["mapping"].columns()
    no_order = check.column_mapping.evaluate({**mapping, "order": "StockCode"})
    assert not no_order.passed and "'order'" in no_order.hint
    as_list = check.column_mapping.evaluate(list(mapping.values()))
    assert not as_list.passed and "ColumnMapping" in as_list.hint
    segmented = solution["segmented"]
    counts = segmented["segment"].astype(str).value_counts().rename("customers").rename_axis("segment").reset_index()
    counts.loc[0, "customers"] += 1
    result = check.segment_sizes.evaluate(counts)
    assert not result.passed and "'customers' differs" in result.hint
    default_ties = assign_segments(rfm_scores(solution["table"], ties="first"))["segment"].value_counts()
    if not default_ties.equals(segmented["segment"].value_counts()):
        assert not check.segment_sizes.evaluate(default_ties).passed
    assert not check.segment_sizes.evaluate(counts["customers"].tolist()).passed
    table = solution["table"]
    revenue_share_of_customers = (table["frequency"] >= 2).mean()
    assert not check.repeat_revenue_share.evaluate(revenue_share_of_customers).passed
    assert "single number" in check.repeat_revenue_share.evaluate(table["monetary"]).hint
