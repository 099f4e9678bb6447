"""Checks of exercise 04 (Clustering): recency, frequency, monetary and tenure in four clusters.

The learner prepares the features and fits k-means by hand (pandas, numpy,
scikit-learn); each check recomputes the answer with :mod:`course_lib.clustering`
on every customer, a second method, and names the difference.

Cluster numbers are arbitrary: k-means may call a group 0 in one run and 3 in
another. Every check here therefore compares *groups* (which customers are
together), or rows of per-cluster tables whatever their label, never label
numbers: :func:`course_lib.checks.compare_partition` does this for a labelling.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from course_lib.checks import compare_ids, compare_partition, compare_table, exercise, free_text
from course_lib.checks._data import online_retail_lines
from course_lib.checks._source import calls_in, current_cell_source
from course_lib.clustering import (
    cluster_profile,
    cluster_stability,
    cluster_summary,
    fit_kmeans,
    prepare_features,
)
from course_lib.datasets import data_dir, load_customers, load_orders
from course_lib.rfm import order_values, rfm_table

__all__ = [
    "COLUMNS",
    "N_CLUSTERS",
    "STABILITY_K",
    "cluster_means",
    "RETAIL_CLUSTERS",
    "RETAIL_COLUMNS",
    "four_clusters",
    "personas",
    "prepared_features",
    "retail_clusters",
    "stability_reading",
    "stability_table",
    "top_revenue_cluster",
]

#: The columns the exercise clusters on.
COLUMNS = ["recency", "frequency", "monetary", "tenure"]
#: The numbers of clusters whose stability task 4 measures.
STABILITY_K = range(2, 7)
#: The number of clusters of task 2.
N_CLUSTERS = 4
#: The transfer task clusters the Online Retail sample's customers on these columns ...
RETAIL_COLUMNS = ["recency", "frequency", "monetary"]
#: ... into this many clusters.
RETAIL_CLUSTERS = 3
#: Relative tolerance for prepared features: a standard deviation with ddof=1 instead of 0 passes.
_FEATURE_TOLERANCE = 1e-3


@functools.lru_cache(maxsize=2)
def _reference(folder: str) -> dict[str, Any]:
    """The exercise's expected answers, computed once per data folder."""
    orders = load_orders(data_dir=folder)
    customers = load_customers(data_dir=folder)
    personal = customers.loc[customers["account_type"] == "personal", "customer_id"]
    lines = orders.drop_duplicates()
    lines = lines[lines["category"].ne("test") & lines["customer_id"].isin(personal)]
    rfm = rfm_table(order_values(lines), order="order_id")
    features, report = prepare_features(rfm, numeric=COLUMNS, return_report=True)
    labels = fit_kmeans(features, n_clusters=N_CLUSTERS, random_state=0)
    summary = cluster_summary(rfm, labels, value="monetary")
    top = summary["value_share"].idxmax()
    return {
        "rfm": rfm,
        "features": features,
        "logged": set(report.loc[report["transform"].str.contains("log1p"), "column"]),
        "labels": labels,
        "raw_labels": fit_kmeans(rfm[COLUMNS], n_clusters=N_CLUSTERS, random_state=0),
        "profile": cluster_profile(rfm, labels, columns=COLUMNS),
        "top_customers": labels.index[labels == top].tolist(),
    }


@functools.lru_cache(maxsize=2)
def _retail_labels(folder: str) -> pd.Series:
    """The transfer task's clusters of the Online Retail sample."""
    rfm = rfm_table(online_retail_lines(folder), order="order_id")
    features = prepare_features(rfm, numeric=RETAIL_COLUMNS, return_report=False)
    return fit_kmeans(features, n_clusters=RETAIL_CLUSTERS, random_state=0)


@functools.lru_cache(maxsize=2)
def _reference_stability(folder: str) -> pd.DataFrame:
    """Task 4's table (many fits: computed only when that check runs)."""
    features = _reference(folder)["features"]
    return pd.DataFrame([cluster_stability(features, n_clusters=k, n_runs=10, random_state=0) for k in STABILITY_K])


def _expected() -> dict[str, Any]:
    return _reference(str(data_dir()))


def _standardised(values: pd.Series) -> pd.Series:
    return (values - values.mean()) / values.std(ddof=0)


def _is_close(left: pd.Series, right: pd.Series) -> bool:
    return bool(
        np.allclose(left.to_numpy(float), right.to_numpy(float), rtol=_FEATURE_TOLERANCE, atol=_FEATURE_TOLERANCE)
    )


@exercise("04.1", "Prepared features, by hand")
def prepared_features(answer: Any, *, source: str | None = None) -> str | None:
    used = calls_in(current_cell_source() if source is None else source, ["prepare_features"])
    if used:
        return (
            "Prepare the columns by hand in this cell (skew, log1p, standardise); compare with prepare_features after."
        )
    reference = _expected()
    expected, rfm = reference["features"], reference["rfm"]
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a DataFrame of features; got a {type(answer).__name__}."
    missing = [column for column in COLUMNS if column not in answer.columns]
    if missing:
        return f"Your features have no column {missing}; keep the names of `COLUMNS`."
    extra = [column for column in answer.columns if column not in COLUMNS]
    if extra:
        return (
            f"Your features have the extra column(s) {extra}: k-means would use them too. "
            "Keep exactly the columns of `COLUMNS`."
        )
    if len(answer) != len(expected) or set(answer.index) != set(expected.index):
        return "Keep one row per customer of `rfm`, with the same index (customer ids)."
    given = answer.reindex(expected.index)
    for column in COLUMNS:
        if not pd.api.types.is_numeric_dtype(given[column]):
            return f"Column {column!r} should hold numbers."
        if _is_close(given[column], expected[column]):
            continue
        values = given[column].astype(float)
        if abs(values.mean()) > 1e-3 or abs(values.std(ddof=0) - 1) > 1e-2:
            return f"Column {column!r} is not standardised: its mean should be 0 and its standard deviation 1."
        other_way = rfm[column] if column in reference["logged"] else np.log1p(rfm[column])
        if _is_close(given[column], _standardised(other_way.astype(float))):
            if column in reference["logged"]:
                return f"Column {column!r} is strongly skewed (skewness above 1): apply log1p before standardising."
            return f"Column {column!r} is not skewed enough for log1p (skewness 1 or less): only standardise it."
        return f"Column {column!r} differs from the expected prepared values; prepare it from `rfm`."
    return None


@exercise("04.4", "Stability for k = 2 to 6")
def stability_table(answer: Any) -> str | None:
    expected = _reference_stability(str(data_dir()))
    if isinstance(answer, pd.Series):
        answer = answer.rename("mean_ari").to_frame()
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a table (DataFrame) with one row per k; got a {type(answer).__name__}."
    if "k" in answer.columns:
        answer = answer.set_index("k")
    if "mean_ari" not in answer.columns:
        return f"Your table needs a column 'mean_ari'; it has {list(answer.columns)}."
    ks = sorted(int(k) for k in expected.index)
    try:
        given_ks = sorted(int(k) for k in answer.index)
    except (TypeError, ValueError):
        return "Index your table by k (the number of clusters), or give it a column 'k'."
    if given_ks != ks:
        return f"Your table has the k values {given_ks}; it should have one row for each k from {ks[0]} to {ks[-1]}."
    columns = [column for column in ("mean_ari", "min_ari") if column in answer.columns]
    given = answer.set_axis([int(k) for k in answer.index])[columns].rename_axis("k").reset_index()
    wanted = expected[columns].rename_axis("k").reset_index()
    hint = compare_table(given, wanted, key="k")
    return hint and (f"{hint} Measure each k on the prepared `features` with n_runs=10 and random_state=0.")


@exercise("04.2", "Four clusters with scikit-learn")
def four_clusters(answer: Any, *, source: str | None = None) -> str | None:
    if calls_in(current_cell_source() if source is None else source, ["fit_kmeans"]):
        return "Fit scikit-learn's KMeans yourself in this cell (fit_kmeans is the library's shortcut)."
    reference = _expected()
    hint = compare_partition(answer, reference["labels"], n_clusters=N_CLUSTERS)
    if hint and compare_partition(answer, reference["raw_labels"]) is None:
        return "These are the clusters of the raw `rfm` columns: fit the prepared `features` instead."
    return hint


@exercise("04.3", "Profile in original units")
def cluster_means(answer: Any) -> str | None:
    expected = _expected()["profile"]
    if not isinstance(answer, pd.DataFrame):
        return f"The answer should be a DataFrame with one row per cluster; got a {type(answer).__name__}."
    missing = [column for column in COLUMNS if column not in answer.columns]
    if missing:
        return f"Your profile has no column {missing}; it should have one column per name in `COLUMNS`."
    if len(answer) != len(expected):
        return f"Your profile has {len(answer)} rows; it should have one per cluster ({len(expected)})."
    if answer[COLUMNS].abs().max().max() < 5:
        return "These look like standardised features: take the means from `rfm`, in days, orders and euros."
    # Label numbers are arbitrary: compare the rows as a set, each sorted the same way.
    hint = compare_table(answer[COLUMNS].reset_index(drop=True), expected[COLUMNS].reset_index(drop=True))
    return hint and f"{hint} Take the mean of each column of `rfm` per cluster of your `labels` from task 2."


@exercise("04.6", "The cluster with the most revenue")
def top_revenue_cluster(answer: Any) -> str | None:
    hint = compare_ids(answer, _expected()["top_customers"])
    return hint and (
        f"{hint} Look for the cluster with the largest `value_share` (share of the total "
        "`monetary`), not the largest cluster, and give all of its customers' ids."
    )


@exercise("04.7", "Transfer: three clusters of the Online Retail customers")
def retail_clusters(answer: Any) -> str | None:
    expected = _retail_labels(str(data_dir()))
    hint = compare_partition(answer, expected, n_clusters=RETAIL_CLUSTERS)
    return hint and (
        f'{hint} Build the sample\'s RFM table with order="order_id", prepare {RETAIL_COLUMNS} like task 1 '
        f"(or with prepare_features), and fit KMeans(n_clusters={RETAIL_CLUSTERS}, n_init=10, random_state=0)."
    )


@free_text("04.5", "Reading the stability table", min_words=15)
def stability_reading(answer: Any) -> str | None:
    if not isinstance(answer, str):
        return f"Write your answer as text between quotes; got a {type(answer).__name__}."
    if not any(str(k) in answer for k in STABILITY_K):
        return "Say which k you would pick, with its number (2 to 6)."
    return None


@free_text("04.8", "Personas", min_words=0)
def personas(answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return f"Give a dict {{cluster number: persona}}; got a {type(answer).__name__}."
    clusters = set(_expected()["labels"].unique())
    missing = sorted(cluster for cluster in clusters if cluster not in answer)
    if missing:
        return f"Give every cluster a persona: cluster(s) {missing} have none (the keys are your cluster numbers)."
    short = [cluster for cluster, text in answer.items() if not isinstance(text, str) or len(text.split()) < 8]
    if short:
        return f"The persona of cluster {short[0]} is too short: a name, what they do, and how to treat them."
    return None
