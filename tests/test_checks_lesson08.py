"""Exercise 08's checks accept the reference answer and its variants and reject wrong answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.checks import lesson08 as check
from course_lib.clustering import fit_kmeans, prepare_features
from course_lib.column_mapping import ColumnMapping, guess_column_mapping, read_orders_file, standardise_orders
from course_lib.datasets import clean_online_retail, data_dir, load_online_retail_sample
from course_lib.rfm import assign_segments, rfm_scores, rfm_table, segment_summary


@pytest.fixture(scope="module")
def solution():
    raw = read_orders_file(data_dir() / "online_retail_sample.csv").data
    mapping = guess_column_mapping(raw)
    orders = standardise_orders(raw, mapping).orders
    table = rfm_table(orders, order="order_id")
    segmented = assign_segments(rfm_scores(table, ties="min"))
    features, _ = prepare_features(table[["recency", "frequency", "monetary"]])
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
    uci, _ = clean_online_retail(load_online_retail_sample())
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
    unlogged, _ = prepare_features(raw_features, log_skewed=False)
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
