"""Exercise 04's checks accept the reference answer and its variants (any cluster numbering) and reject wrong ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.checks import lesson04 as check
from course_lib.clustering import (
    cluster_profile,
    cluster_stability,
    cluster_summary,
    fit_kmeans,
    prepare_features,
)
from course_lib.datasets import load_customers, load_orders
from course_lib.rfm import order_values, rfm_table

COLUMNS = ["recency", "frequency", "monetary", "tenure"]


@pytest.fixture(scope="module")
def solved():
    """The exercise solved as the solution notebook does it."""
    orders, customers = load_orders(), load_customers()
    personal = customers.loc[customers["account_type"] == "personal", "customer_id"]
    lines = orders.drop_duplicates()
    lines = lines[lines["category"].ne("test") & lines["customer_id"].isin(personal)]
    rfm = rfm_table(order_values(lines), order="order_id")
    features = prepare_features(rfm, numeric=COLUMNS, return_report=False)
    labels = fit_kmeans(features, n_clusters=4, random_state=0)
    return {"rfm": rfm, "features": features, "labels": labels}


def relabelled(labels: pd.Series) -> pd.Series:
    """The same groups under other names: 0 -> "d", 1 -> "c", ..."""
    return labels.map({0: "d", 1: "c", 2: "b", 3: "a"})


def test_every_check_says_not_yet_to_a_placeholder():
    for function in (
        check.prepared_features,
        check.stability_table,
        check.four_clusters,
        check.cluster_means,
        check.top_revenue_cluster,
    ):
        result = function.evaluate(...)
        assert not result.passed and "replace the `...`" in result.hint


def test_prepared_features(solved):
    rfm, features = solved["rfm"], solved["features"]
    assert check.prepared_features.evaluate(features).passed

    # By hand: log1p of the two skewed columns, standardised with ddof=1, columns and rows shuffled.
    by_hand = (
        rfm[COLUMNS].astype(float).assign(frequency=np.log1p(rfm["frequency"]), monetary=np.log1p(rfm["monetary"]))
    )
    by_hand = (by_hand - by_hand.mean()) / by_hand.std(ddof=1)
    assert check.prepared_features.evaluate(by_hand[COLUMNS[::-1]].iloc[::-1]).passed

    raw = check.prepared_features.evaluate(rfm[COLUMNS])
    assert not raw.passed and "not standardised" in raw.hint

    unlogged = prepare_features(rfm, numeric=COLUMNS, log_skewed=False, return_report=False)
    no_log = check.prepared_features.evaluate(unlogged)
    assert not no_log.passed and "apply log1p" in no_log.hint

    everything_logged = np.log1p(rfm[COLUMNS].astype(float))
    everything_logged = (everything_logged - everything_logged.mean()) / everything_logged.std(ddof=0)
    too_much = check.prepared_features.evaluate(everything_logged)
    assert not too_much.passed and "'recency' is not skewed enough" in too_much.hint

    assert not check.prepared_features.evaluate(features.iloc[:-10]).passed
    assert not check.prepared_features.evaluate(features.drop(columns="tenure")).passed


def test_stability_table(solved):
    stability = pd.DataFrame(
        [cluster_stability(solved["features"], n_clusters=k, n_runs=10, random_state=0) for k in range(2, 7)]
    ).rename_axis("k")
    assert check.stability_table.evaluate(stability).passed
    assert check.stability_table.evaluate(stability.reset_index()[["min_ari", "k", "mean_ari"]]).passed
    assert check.stability_table.evaluate(stability["mean_ari"]).passed

    shifted = check.stability_table.evaluate(stability.assign(mean_ari=stability["mean_ari"] - 0.05))
    assert not shifted.passed and "n_runs=10" in shifted.hint
    fewer = check.stability_table.evaluate(stability.drop(index=6))
    assert not fewer.passed and "from 2 to 6" in fewer.hint


def test_four_clusters(solved):
    labels = solved["labels"]
    assert check.four_clusters.evaluate(labels).passed
    assert check.four_clusters.evaluate(relabelled(labels)).passed
    assert check.four_clusters.evaluate(labels.to_numpy()).passed
    assert check.four_clusters.evaluate(relabelled(labels).sample(frac=1.0, random_state=1)).passed

    three = check.four_clusters.evaluate(fit_kmeans(solved["features"], n_clusters=3, random_state=0))
    assert not three.passed and "3 cluster(s)" in three.hint

    raw = check.four_clusters.evaluate(fit_kmeans(solved["rfm"][COLUMNS], n_clusters=4, random_state=0))
    assert not raw.passed and "raw `rfm`" in raw.hint

    # Twenty customers of cluster 0 moved to cluster 1: nearly the same groups, but not the same.
    nudged = labels.copy()
    nudged[nudged.index[nudged == 0][:20]] = 1
    close = check.four_clusters.evaluate(nudged)
    assert not close.passed and "Close" in close.hint

    assert not check.four_clusters.evaluate(labels.iloc[:-1]).passed


def test_cluster_means(solved):
    rfm, labels = solved["rfm"], solved["labels"]
    profile = cluster_profile(rfm, labels, columns=COLUMNS)
    assert check.cluster_means.evaluate(profile).passed

    # Other label names, rows in another order, the cluster as a column, groupby by hand.
    by_hand = rfm[COLUMNS].groupby(relabelled(labels)).mean().iloc[::-1].reset_index()
    assert check.cluster_means.evaluate(by_hand).passed

    standardised = check.cluster_means.evaluate(cluster_profile(solved["features"], labels))
    assert not standardised.passed and "standardised" in standardised.hint

    raw_labels = fit_kmeans(rfm[COLUMNS], n_clusters=4, random_state=0)
    assert not check.cluster_means.evaluate(cluster_profile(rfm, raw_labels, columns=COLUMNS)).passed
    assert not check.cluster_means.evaluate(profile.iloc[:3]).passed


def test_top_revenue_cluster(solved):
    rfm, labels = solved["rfm"], solved["labels"]
    summary = cluster_summary(rfm, labels, value="monetary")
    top, largest = summary["value_share"].idxmax(), summary["size"].idxmax()
    members = labels.index[labels == top]

    assert check.top_revenue_cluster.evaluate(members).passed
    assert check.top_revenue_cluster.evaluate(set(members.tolist())).passed
    assert check.top_revenue_cluster.evaluate(pd.Series(members[::-1])).passed

    assert largest != top  # on the course data the largest cluster is not the richest one
    wrong = check.top_revenue_cluster.evaluate(labels.index[labels == largest])
    assert not wrong.passed and "not the largest cluster" in wrong.hint
    assert not check.top_revenue_cluster.evaluate(members[:-1]).passed


def test_prepared_features_name_extra_columns_and_the_shortcut(solved):
    rfm, features = solved["rfm"], solved["features"]
    # the reported slips: prepare_features without numeric= adds mean_order_value; an extra column added by hand
    everything = prepare_features(rfm, return_report=False)
    assert "mean_order_value" in everything.columns, "the slip must add a column"
    result = check.prepared_features.evaluate(everything)
    assert not result.passed and "'mean_order_value'" in result.hint and "extra" in result.hint
    junk = check.prepared_features.evaluate(features.assign(junk=1.0))
    assert not junk.passed and "'junk'" in junk.hint
    shortcut = check.prepared_features.evaluate(
        features, source="features, report = prepare_features(rfm, numeric=COLUMNS, return_report=True)"
    )
    assert not shortcut.passed and "by hand" in shortcut.hint
    assert "DataFrame" in check.prepared_features.evaluate(features.to_numpy().tolist()).hint
    # by hand with scikit-learn's scaler (a second method) passes
    from sklearn.preprocessing import StandardScaler

    logged = rfm[COLUMNS].astype(float).assign(frequency=np.log1p(rfm["frequency"]), monetary=np.log1p(rfm["monetary"]))
    scaled = pd.DataFrame(StandardScaler().fit_transform(logged), index=rfm.index, columns=COLUMNS)
    assert check.prepared_features.evaluate(scaled, source="scaled = StandardScaler()...").passed


def test_four_clusters_by_hand_with_scikit_learn_and_a_moved_seed(solved):
    from sklearn.cluster import KMeans

    features = solved["features"]
    model = KMeans(n_clusters=4, n_init=10, random_state=0).fit(features)
    assert check.four_clusters.evaluate(model.labels_, source="model = KMeans(...)").passed
    other_seed = pd.Series(KMeans(n_clusters=4, n_init=10, random_state=1).fit(features).labels_, index=features.index)
    moved = int(pd.crosstab(other_seed, solved["labels"]).max(axis=1).sum())
    assert moved < len(features), "the other seed must change some customers' group"
    result = check.four_clusters.evaluate(other_seed)
    assert not result.passed and f"{len(features) - moved} of {len(features)} rows" in result.hint
    assert "1.00," not in result.hint
    shortcut = check.four_clusters.evaluate(solved["labels"], source="labels = fit_kmeans(features, n_clusters=4)")
    assert not shortcut.passed and "KMeans yourself" in shortcut.hint
    assert "not a whole table" in check.four_clusters.evaluate(features).hint


def test_top_revenue_cluster_names_cluster_numbers_given_as_ids(solved):
    labels = solved["labels"]
    result = check.top_revenue_cluster.evaluate(labels[labels == labels.iloc[0]])
    assert not result.passed and "cluster numbers" in result.hint and "missing" not in result.hint
    assert "not a whole table" in check.top_revenue_cluster.evaluate(solved["rfm"]).hint


@pytest.fixture(scope="module")
def retail_features():
    from course_lib.datasets import clean_online_retail, load_online_retail_sample

    clean = clean_online_retail(load_online_retail_sample(), return_report=False)
    retail = clean.assign(amount=clean["Quantity"] * clean["UnitPrice"]).rename(
        columns={"CustomerID": "customer_id", "InvoiceDate": "ordered_at", "InvoiceNo": "order_id"}
    )
    rfm = rfm_table(retail, order="order_id")[["recency", "frequency", "monetary"]].astype(float)
    skewed = [column for column in rfm.columns if rfm[column].skew() > 1]
    logged = rfm.assign(**{column: np.log1p(rfm[column]) for column in skewed})
    return rfm, (logged - logged.mean()) / logged.std(ddof=0)


def test_retail_clusters(retail_features):
    from sklearn.cluster import KMeans

    rfm, features = retail_features
    labels = pd.Series(KMeans(n_clusters=3, n_init=10, random_state=0).fit(features).labels_, index=features.index)
    assert check.retail_clusters.evaluate(labels).passed
    assert check.retail_clusters.evaluate(relabelled(labels)).passed
    four = check.retail_clusters.evaluate(fit_kmeans(features, n_clusters=4, random_state=0))
    assert not four.passed and "the task asks for 3" in four.hint
    raw = fit_kmeans(rfm, n_clusters=3, random_state=0)
    assert not (raw_result := check.retail_clusters.evaluate(raw)).passed and "KMeans(n_clusters=3" in raw_result.hint
    green_fork = check.retail_clusters.evaluate(pd.Series([0, 1, 2] * 100))
    assert not green_fork.passed and "one cluster label per customer" in green_fork.hint


def test_stability_reading_and_personas_are_recorded(solved):
    answer = (
        "Every k from 2 to 6 is stable here, so stability does not decide; I keep k = 4 for four actions we can run."
    )
    assert check.stability_reading.evaluate(answer).recorded
    no_k = check.stability_reading.evaluate(
        "Every value is stable here so stability does not decide and I keep the usual one."
    )
    assert not no_k.recorded and "which k" in no_k.hint
    assert not check.stability_reading.evaluate("k = 4").recorded
    clusters = sorted(solved["labels"].unique())
    personas = {
        cluster: f"Persona {cluster}: they order often and we thank them with early access." for cluster in clusters
    }
    result = check.personas.evaluate(personas)
    assert result.recorded and "Correct" not in str(result)
    missing = check.personas.evaluate({clusters[0]: personas[clusters[0]]})
    assert not missing.recorded and "have none" in missing.hint
    short = check.personas.evaluate(dict.fromkeys(clusters, "x"))
    assert not short.recorded and "too short" in short.hint
    assert not check.personas.evaluate("Regulars, newcomers, quiet ones").recorded


def test_stability_table_more_wrong_answers(solved):
    stability = pd.DataFrame(
        [cluster_stability(solved["features"], n_clusters=k, n_runs=10, random_state=0) for k in range(2, 7)]
    ).rename_axis("k")
    raw = pd.DataFrame(
        [cluster_stability(solved["rfm"][COLUMNS], n_clusters=k, n_runs=10, random_state=0) for k in range(2, 7)]
    ).rename_axis("k")
    assert not check.stability_table.evaluate(raw).passed
    no_column = check.stability_table.evaluate(stability.rename(columns={"mean_ari": "ari"}))
    assert not no_column.passed and "'mean_ari'" in no_column.hint
    assert "DataFrame" in check.stability_table.evaluate([0.9, 0.8]).hint
