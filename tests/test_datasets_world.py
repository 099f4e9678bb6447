"""The generated world: reproducible, different per seed, consistent across tables, and the
planted structure measurable against the truth.

Structure tests read the shipped data (``datasets/``) and compute every measure
here, independently of the generator, then compare with ``truth/``.
"""

from __future__ import annotations

import filecmp
import sqlite3
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import course_lib
from course_lib.datasets import (
    DEFAULT_CUSTOMERS,
    DEFAULT_SEED,
    LIKERT_ITEMS,
    connect_crm,
    generate_transactions,
    generate_world,
    load_customers,
    load_events,
    load_orders,
    load_survey,
    load_truth,
    verify_checksums,
    write_world,
)

SHIPPED = course_lib.KIT_ROOT / "datasets"
SNAPSHOT = pd.Timestamp("2026-01-01")


def _crm_dump(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _same_files(left: Path, right: Path) -> list[str]:
    """Files that differ between two data folders (crm.sqlite compared by its SQL dump)."""
    names = sorted(str(path.relative_to(left)) for path in left.rglob("*") if path.is_file())
    assert names == sorted(str(path.relative_to(right)) for path in right.rglob("*") if path.is_file())
    differ = []
    for name in names:
        if name == "crm.sqlite":
            same = _crm_dump(left / name) == _crm_dump(right / name)
        else:
            same = filecmp.cmp(left / name, right / name, shallow=False)
        if not same:
            differ.append(name)
    return differ


# --------------------------------------------------------------------- determinism


def test_same_seed_and_size_give_byte_identical_files(tmp_path):
    first = write_world(tmp_path / "first", seed=3, n_customers=200)
    second = write_world(tmp_path / "second", seed=3, n_customers=200)
    assert [path.name for path in first] == [path.name for path in second]
    for a, b in zip(first, second, strict=True):
        # Every file, the SQLite database included, is byte-identical with the same SQLite library.
        assert a.read_bytes() == b.read_bytes(), a.name


def test_another_seed_gives_other_values_with_the_same_structure(tmp_path):
    write_world(tmp_path / "one", seed=1, n_customers=200)
    write_world(tmp_path / "two", seed=2, n_customers=200)
    differ = _same_files(tmp_path / "one", tmp_path / "two")
    assert set(differ) >= {
        "customers.csv",
        "orders.csv",
        "survey.csv",
        "events.csv",
        "crm.sqlite",
        "online_retail_sample.csv",
    }
    one, two = load_orders(data_dir=tmp_path / "one"), load_orders(data_dir=tmp_path / "two")
    assert one.dtypes.to_dict() == two.dtypes.to_dict()
    for column in ("status", "channel", "category"):
        assert set(one[column].unique()) == set(two[column].unique()), column
    events_one, events_two = load_events(data_dir=tmp_path / "one"), load_events(data_dir=tmp_path / "two")
    journey = {
        "visit",
        "view_menu",
        "view_dish",
        "add_to_cart",
        "start_checkout",
        "pay",
        "order_delivered",
        "address_outside_zone",
    }
    assert journey <= set(events_one["event"].unique()) and journey <= set(events_two["event"].unique())


def test_regenerating_the_default_world_reproduces_the_shipped_files(tmp_path):
    started = time.perf_counter()
    write_world(tmp_path, seed=DEFAULT_SEED, n_customers=DEFAULT_CUSTOMERS)
    elapsed = time.perf_counter() - started
    assert _same_files(tmp_path, SHIPPED) == []
    print(f"regenerating the shipped data took {elapsed:.1f} s")


def test_the_shipped_files_match_their_checksums():
    assert verify_checksums(SHIPPED) == []


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"seed": "2024"}, TypeError, r"The 'seed' parameter of generate_world must be an int. Got '2024'"),
        (
            {"n_customers": 50},
            ValueError,
            r"The 'n_customers' parameter of generate_world must be an int >= 200. Got 50",
        ),
        ({"n_customers": 4000.0}, TypeError, r"The 'n_customers' parameter of generate_world must be an int"),
    ],
)
def test_generate_world_rejects_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        generate_world(**arguments)


# --------------------------------------------------------------------- benchmarks' generator


def test_generate_transactions_gives_exactly_the_lines_asked_typed_like_the_loader():
    lines = generate_transactions(1_500, n_customers=200, seed=5)
    assert len(lines) == 1_500
    shipped = load_orders()
    assert lines.dtypes.to_dict() == shipped.dtypes.to_dict()
    assert lines["customer_id"].dropna().nunique() > 100
    assert lines["order_id"].is_monotonic_increasing
    pd.testing.assert_frame_equal(lines, generate_transactions(1_500, n_customers=200, seed=5))
    assert not lines.equals(generate_transactions(1_500, n_customers=200, seed=6))


def test_generate_transactions_rejects_bad_sizes():
    with pytest.raises(
        ValueError, match=r"The 'n_lines' parameter of generate_transactions must be an int >= 1. Got 0"
    ):
        generate_transactions(0, n_customers=400, seed=1)
    with pytest.raises(ValueError, match=r"The 'n_customers' parameter of simulate_customers must be an int >= 200"):
        generate_transactions(100, n_customers=10, seed=1)


# --------------------------------------------------------------------- the shipped world


@pytest.fixture(scope="module")
def shipped():
    truth = load_truth()
    return {
        "customers": load_customers(),
        "orders": load_orders(),
        "survey": load_survey(),
        "events": load_events(),
        "types": truth.customer_types.set_index("customer_id")["type"],
        "planted": truth.planted,
    }


def test_every_table_refers_to_the_same_customers(shipped):
    known = set(shipped["customers"]["customer_id"])
    staff = set(shipped["planted"]["data_problems"]["test_orders"]["staff_customer_ids"])
    in_orders = set(shipped["orders"]["customer_id"].dropna())
    assert in_orders - known == staff
    assert set(shipped["survey"]["customer_id"]) <= known
    assert set(shipped["events"]["customer_id"].dropna()) <= known | staff
    assert set(shipped["types"].index) == known
    survey_orders = shipped["survey"]["order_id"].dropna()
    assert survey_orders.isin(shipped["orders"]["order_id"]).all()
    crm = connect_crm()
    try:
        contacts = pd.read_sql("SELECT customer_id FROM contacts WHERE customer_id IS NOT NULL", crm)
        responses = pd.read_sql("SELECT customer_id FROM campaign_responses", crm)
    finally:
        crm.close()
    assert set(contacts["customer_id"]) == known | staff
    assert set(responses["customer_id"]) <= known


def test_every_payment_in_the_event_log_is_an_order_of_that_minute(shipped):
    events, orders = shipped["events"], shipped["orders"]
    window = orders.loc[orders["ordered_at"] >= "2025-12-01"].drop_duplicates("order_id")
    pays = events.loc[events["event"] == "pay"]
    assert len(pays) == len(window)
    paid_minutes = pays["timestamp"].dt.floor("min").sort_values().reset_index(drop=True)
    pd.testing.assert_series_equal(
        paid_minutes, window["ordered_at"].sort_values().reset_index(drop=True), check_names=False
    )


def test_survey_clustering_recovers_the_types_partly(shipped):
    relationship = shipped["survey"].loc[shipped["survey"]["survey"] == "relationship"]
    answers = relationship[list(LIKERT_ITEMS)].astype("float64")
    answers = answers.fillna(answers.median())
    # One thread: on a busy shared machine, OpenMP threads waiting for each other make k-means 100x slower.
    with threadpool_limits(limits=1):
        labels = KMeans(n_clusters=4, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(answers))
    ari = adjusted_rand_score(relationship["customer_id"].map(shipped["types"]), labels)
    low, high = shipped["planted"]["survey_clustering"]["expected_adjusted_rand_index"]
    assert (low, high) == (0.6, 0.85)
    assert low <= ari <= high, ari


def test_post_purchase_responses_do_not_ask_the_likert_items(shipped):
    post = shipped["survey"].loc[shipped["survey"]["survey"] == "post_purchase"]
    relationship = shipped["survey"].loc[shipped["survey"]["survey"] == "relationship"]
    assert post[list(LIKERT_ITEMS)].isna().all().all()
    assert post["order_id"].notna().all() and relationship["order_id"].isna().all()
    missing = relationship[list(LIKERT_ITEMS)].isna().mean()
    assert ((missing > 0.01) & (missing < 0.2)).all()


@pytest.fixture(scope="module")
def delivered_orders(shipped):
    """One row per delivered order of a customer: net value, time, type (duplicates and tests dropped)."""
    lines = shipped["orders"].drop_duplicates()
    lines = lines.loc[(lines["category"] != "test") & (lines["status"] == "delivered") & lines["customer_id"].notna()]
    lines = lines.assign(net=lines["quantity"] * lines["unit_price"] - lines["discount"])
    orders = lines.groupby("order_id").agg(
        customer_id=("customer_id", "first"), ordered_at=("ordered_at", "first"), net=("net", "sum")
    )
    return orders.assign(type=orders["customer_id"].map(shipped["types"]))


def test_type_a_orders_weekday_lunches(delivered_orders):
    at = delivered_orders["ordered_at"]
    weekday_lunch = (at.dt.day_of_week < 5) & at.dt.hour.between(11, 14)
    share = weekday_lunch.groupby(delivered_orders["type"]).mean()
    assert share["A"] > 0.6
    assert share["A"] > 3 * share[["B", "C", "D"]].max()


def test_type_c_spends_the_most(delivered_orders):
    per_order = delivered_orders.groupby("type")["net"].mean()
    per_customer = delivered_orders.groupby(["type", "customer_id"])["net"].sum().groupby("type").median()
    assert per_order["C"] > 1.25 * per_order[["A", "B", "D"]].max()
    assert per_customer["C"] > 1.5 * per_customer[["A", "B", "D"]].max()


def test_type_b_churns_the_most(delivered_orders, shipped):
    last = delivered_orders.groupby("customer_id")["ordered_at"].max()
    lapsed = (SNAPSHOT - last).dt.days > 90
    share = lapsed.groupby(last.index.map(shipped["types"])).mean()
    assert share["B"] > share[["A", "C"]].max() + 0.15
    truth = shipped["planted"]["customer_types"]
    assert truth["B"]["mean_lifetime_days"] < min(truth[code]["mean_lifetime_days"] for code in ("A", "C", "D"))


def test_rfm_segments_all_have_members(delivered_orders):
    per_customer = delivered_orders.groupby("customer_id").agg(
        last=("ordered_at", "max"), first=("ordered_at", "min"), frequency=("net", "size")
    )
    recency = (SNAPSHOT - per_customer["last"]).dt.days
    tenure = (SNAPSHOT - per_customer["first"]).dt.days
    segments = {
        "champions": (recency <= 30) & (per_customer["frequency"] >= 10),
        "new": tenure <= 60,
        "at risk": recency.between(91, 365) & (per_customer["frequency"] >= 6),
        "lost": recency > 365,
    }
    sizes = {name: int(members.sum()) for name, members in segments.items()}
    assert all(size >= 150 for size in sizes.values()), sizes


def test_january_is_the_busiest_month_and_lunch_and_dinner_peak(delivered_orders):
    at = delivered_orders["ordered_at"]
    per_day = at.dt.to_period("M").value_counts() / at.dt.to_period("M").value_counts().index.days_in_month
    year_2025 = per_day[per_day.index.year == 2025]
    assert year_2025.idxmax() == pd.Period("2025-01", freq="M")
    assert year_2025[pd.Period("2025-01", freq="M")] > 1.15 * year_2025.drop(pd.Period("2025-01", freq="M")).mean()
    hours = at.dt.hour.value_counts()
    assert set(hours.nlargest(3).index) <= {12, 18, 19}


def test_new_customers_keep_arriving(shipped):
    signups = shipped["customers"]["signup_date"]
    per_quarter = signups[signups >= "2024-01-01"].dt.to_period("Q").value_counts().sort_index()
    assert len(per_quarter) == 8 and per_quarter.min() > 100


# --------------------------------------------------------------------- journey pain points


@pytest.fixture(scope="module")
def sessions(shipped):
    events = shipped["events"]
    reached = pd.crosstab(events["session_id"], events["event"]) > 0
    first = events.groupby("session_id").agg(
        channel=("channel", "first"), app_version=("app_version", "first"), zone=("zone", "first")
    )
    return first.join(reached)


def test_payment_fails_often_on_the_planted_app_version(sessions, shipped):
    planted = shipped["planted"]["pain_points"]["payment_failure"]
    app = sessions.loc[sessions["channel"] == "app"]
    at_checkout = app.loc[app["start_checkout"]]
    failure = at_checkout.groupby("app_version", observed=True)["payment_failed"].mean()
    buggy = planted["app_version"]
    assert failure.idxmax() == buggy
    assert failure[buggy] > 4 * failure.drop(buggy).max()
    assert round(failure[buggy], 4) == planted["measured_by_app_version"][buggy]["payment_failed_share_of_checkouts"]


def test_many_visitors_come_from_the_uncovered_zone(sessions, shipped):
    planted = shipped["planted"]["pain_points"]["uncovered_zone"]
    turned_away = sessions.loc[sessions["address_outside_zone"], "zone"]
    assert set(turned_away.unique()) == {planted["zone"]}
    from_zone = sessions["zone"] == planted["zone"]
    assert from_zone.mean() > 0.04
    assert sessions.loc[from_zone, "address_outside_zone"].mean() > 0.4
    assert int(from_zone.sum()) == planted["sessions"]


def test_the_planted_channel_converts_worst_at_checkout(sessions, shipped):
    planted = shipped["planted"]["pain_points"]["weak_channel"]
    conversion = sessions.groupby("channel", observed=True)["pay"].mean()
    checkout_to_pay = sessions.loc[sessions["start_checkout"]].groupby("channel", observed=True)["pay"].mean()
    assert conversion.idxmin() == planted["channel"]
    assert checkout_to_pay.idxmin() == planted["channel"]
    assert checkout_to_pay[planted["channel"]] < 0.6 * checkout_to_pay.drop(planted["channel"]).min()


# --------------------------------------------------------------------- planted data problems and campaigns


def test_the_planted_data_problems_are_in_the_files(shipped):
    orders, problems = shipped["orders"], shipped["planted"]["data_problems"]
    assert int(orders.duplicated().sum()) == problems["duplicate_order_lines"] > 0
    assert int(orders["customer_id"].isna().sum()) == problems["guest_order_lines"] > 0
    tests = orders.loc[orders["dish"] == problems["test_orders"]["dish"]]
    assert tests["order_id"].nunique() == problems["test_orders"]["orders"] > 0
    assert set(tests["customer_id"]) == set(problems["test_orders"]["staff_customer_ids"])
    business = shipped["customers"].loc[shipped["customers"]["account_type"] == "business", "customer_id"]
    bulk = orders.loc[orders["customer_id"].isin(business), "quantity"]
    assert bulk.median() >= 8 > orders.loc[~orders["customer_id"].isin(business), "quantity"].max() / 2
    assert set(orders["status"].unique()) == {"delivered", "cancelled", "refunded"}


def test_campaign_holdout_groups_are_random_and_the_winback_works(shipped):
    crm = connect_crm()
    try:
        responses = pd.read_sql("SELECT * FROM campaign_responses", crm)
        campaigns = pd.read_sql("SELECT * FROM campaigns", crm).set_index("campaign_id")
    finally:
        crm.close()
    for campaign_id, group in responses.groupby("campaign_id"):
        share, size = campaigns.at[campaign_id, "holdout_share"], len(group)
        tolerance = 4 * np.sqrt(share * (1 - share) / size)
        assert abs(group["holdout"].mean() - share) < tolerance, campaign_id
    planted = {campaign["name"]: campaign for campaign in shipped["planted"]["campaigns"]}
    winback = responses.loc[responses["campaign_id"] == planted["winback-autumn-2025"]["campaign_id"]]
    rates = winback.groupby("holdout")["ordered_within_14_days"].mean()
    assert rates[0] - rates[1] > 0.05
    assert round(rates[0], 4) == planted["winback-autumn-2025"]["response_rate_contacted"]


def test_crm_duplicates_are_exactly_the_planted_ones_and_leads_join_on_email(shipped):
    crm = connect_crm()
    try:
        contacts = pd.read_sql("SELECT * FROM contacts", crm)
        leads = pd.read_sql("SELECT * FROM leads", crm)
        tickets = pd.read_sql("SELECT * FROM tickets", crm)
    finally:
        crm.close()
    repeated = contacts["email"].str.lower().duplicated(keep="first")
    assert int(repeated.sum()) == shipped["planted"]["data_problems"]["crm_duplicate_contacts"] > 0
    assert contacts.loc[repeated, "customer_id"].isna().all()
    assert not contacts["email"].duplicated().any()
    became = leads.dropna(subset=["customer_id"]).merge(
        contacts.dropna(subset=["customer_id"]), on="customer_id", suffixes=("_lead", "")
    )
    assert len(became) > 0 and (became["email_lead"] == became["email"]).all()
    assert not leads.loc[leads["customer_id"].isna(), "email"].isin(contacts["email"]).any()
    assert set(tickets["status"]) == {"open", "closed"}
    assert tickets.loc[tickets["status"] == "open", "closed_at"].isna().all()
    closed = tickets.loc[tickets["status"] == "closed"]
    assert (
        pd.to_datetime(closed["closed_at"], format="%Y-%m-%d %H:%M:%S")
        >= pd.to_datetime(closed["opened_at"], format="%Y-%m-%d %H:%M:%S")
    ).all()
