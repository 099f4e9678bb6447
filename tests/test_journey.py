"""Tests of course_lib.journey on tiny logs whose answers are worked out by hand below."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib import journey

STAGES = list(journey.DEFAULT_STAGES)


def _log(rows: list[tuple[str | None, str, str, str]]) -> pd.DataFrame:
    """Build an event log from (session_id, channel, "HH:MM" on 2024-05-01, event) rows."""
    return pd.DataFrame(
        {
            "session_id": [row[0] for row in rows],
            "channel": [row[1] for row in rows],
            "timestamp": pd.to_datetime(["2024-05-01 " + row[2] for row in rows], format="%Y-%m-%d %H:%M"),
            "event": [row[3] for row in rows],
        }
    )


@pytest.fixture
def events() -> pd.DataFrame:
    """Five sessions and one row without a session, listed out of time order on purpose.

    s1 (web) goes all the way; s2 (app) fails to pay; s3 (app) leaves after the
    menu; s4 (web) re-orders from the cart before looking at the dish; s5 (web)
    lands on the menu without a visit event.
    """
    rows = [
        ("s1", "web", "12:00", "visit"),
        ("s1", "web", "12:01", "view_menu"),
        ("s1", "web", "12:02", "view_dish"),
        ("s1", "web", "12:03", "add_to_cart"),
        ("s1", "web", "12:04", "start_checkout"),
        ("s1", "web", "12:06", "pay"),
        ("s1", "web", "12:40", "order_delivered"),
        ("s2", "app", "13:00", "visit"),
        ("s2", "app", "13:02", "view_menu"),
        ("s2", "app", "13:03", "view_dish"),
        ("s2", "app", "13:05", "add_to_cart"),
        ("s2", "app", "13:06", "start_checkout"),
        ("s2", "app", "13:07", "payment_failed"),
        ("s3", "app", "14:00", "visit"),
        ("s3", "app", "14:01", "view_menu"),
        ("s4", "web", "15:00", "visit"),
        ("s4", "web", "15:01", "add_to_cart"),
        ("s4", "web", "15:02", "view_menu"),
        ("s4", "web", "15:03", "view_dish"),
        ("s5", "web", "16:00", "view_menu"),
        (None, "web", "16:30", "visit"),
    ]
    log = _log(rows)
    shuffled = np.random.default_rng(0).permutation(len(log))
    return log.iloc[shuffled].reset_index(drop=True)


# --- funnel -------------------------------------------------------------------------------------


def test_strict_funnel_matches_the_hand_count(events):
    table = journey.funnel(events)
    # visit: s1 s2 s3 s4 | menu: s1 s2 s3 s4 | dish: s1 s2 s4 | cart: s1 s2 (s4's cart came before
    # its dish) | checkout: s1 s2 | pay: s1 | delivered: s1. s5 has no visit; the row without a
    # session is left out.
    assert table["stage"].tolist() == STAGES
    assert table["reached"].tolist() == [4, 4, 3, 2, 2, 1, 1]
    assert table["dropped"].tolist() == [0, 0, 1, 1, 0, 1, 0]
    assert table["conversion_from_previous"].tolist() == pytest.approx([1, 1, 3 / 4, 2 / 3, 1, 1 / 2, 1])
    assert table["conversion_from_start"].tolist() == pytest.approx([1, 1, 3 / 4, 2 / 4, 2 / 4, 1 / 4, 1 / 4])
    assert table["drop_off_rate"].tolist() == pytest.approx([0, 0, 1 / 4, 1 / 3, 0, 1 / 2, 0])


def test_any_order_funnel_counts_the_out_of_order_session(events):
    strict = journey.funnel(events, mode="strict")
    any_order = journey.funnel(events, mode="any_order")
    # Only s4 differs: it has visit, menu, dish and cart, but the cart before the dish.
    assert any_order["reached"].tolist() == [4, 4, 3, 3, 2, 1, 1]
    difference = any_order["reached"] - strict["reached"]
    assert difference.tolist() == [0, 0, 0, 1, 0, 0, 0]


def test_strict_funnel_needs_the_stages_in_time_order():
    # Same events, same session: in order the cart counts, reversed in time it does not.
    in_order = _log([("s", "web", "10:00", "visit"), ("s", "web", "10:05", "add_to_cart")])
    reversed_in_time = _log([("s", "web", "10:05", "visit"), ("s", "web", "10:00", "add_to_cart")])
    stages = ["visit", "add_to_cart"]
    assert journey.funnel(in_order, stages=stages)["reached"].tolist() == [1, 1]
    assert journey.funnel(reversed_in_time, stages=stages)["reached"].tolist() == [1, 0]
    assert journey.funnel(reversed_in_time, stages=stages, mode="any_order")["reached"].tolist() == [1, 1]


def test_same_timestamp_keeps_the_log_order():
    tie = _log([("s", "web", "10:00", "add_to_cart"), ("s", "web", "10:00", "visit")])
    assert journey.funnel(tie, stages=["visit", "add_to_cart"])["reached"].tolist() == [1, 0]
    assert journey.funnel(tie, stages=["add_to_cart", "visit"])["reached"].tolist() == [1, 1]


def test_funnel_by_channel(events):
    table = journey.funnel(events, by="channel")
    assert list(table.columns[:2]) == ["channel", "stage"]
    app = table[table["channel"] == "app"]["reached"].tolist()
    web = table[table["channel"] == "web"]["reached"].tolist()
    assert app == [2, 2, 1, 1, 1, 0, 0]  # s2 and s3
    assert web == [2, 2, 2, 1, 1, 1, 1]  # s1 and s4 (s5 has no visit)


def test_funnel_by_column_splits_a_unit_that_changes_group():
    # One customer, visit on the web, cart on the app: in a funnel by channel the app journey
    # has no visit, so it starts nowhere.
    log = _log([("c1", "web", "10:00", "visit"), ("c1", "app", "10:05", "add_to_cart")])
    table = journey.funnel(log, stages=["visit", "add_to_cart"], by="channel")
    assert table.set_index(["channel", "stage"])["reached"].to_dict() == {
        ("app", "visit"): 0,
        ("app", "add_to_cart"): 0,
        ("web", "visit"): 1,
        ("web", "add_to_cart"): 0,
    }
    app = table[table["channel"] == "app"]
    assert app["conversion_from_start"].isna().all()  # 0 of 0 is undefined, not 0 %


def test_funnel_counts_units_not_events():
    log = _log([("s", "web", "10:00", "visit"), ("s", "web", "10:01", "visit"), ("s", "web", "10:02", "view_menu")])
    assert journey.funnel(log, stages=["visit", "view_menu"])["reached"].tolist() == [1, 1]


def test_funnel_on_categorical_columns(events):
    typed = events.astype({"event": "category", "channel": "category"})
    expected = journey.funnel(events, by="channel")
    result = journey.funnel(typed, by="channel")
    assert result["reached"].tolist() == expected["reached"].tolist()
    assert result["channel"].astype(str).tolist() == expected["channel"].tolist()


def test_funnel_does_not_depend_on_row_order(events):
    in_time_order = events.sort_values("timestamp")
    pd.testing.assert_frame_equal(journey.funnel(in_time_order), journey.funnel(events))


# --- stage times --------------------------------------------------------------------------------


def test_stage_times_by_hand(events):
    times = journey.stage_times(events, stages=["visit", "view_menu", "add_to_cart"]).set_index("to_stage")
    # visit -> menu: s1 1 min, s2 2 min, s3 1 min, s4 2 min (its menu after the cart).
    menu = times.loc["view_menu"]
    assert menu["reached_from"] == 4 and menu["reached_to"] == 4
    assert menu["median_minutes"] == pytest.approx(1.5)
    assert menu["q1_minutes"] == pytest.approx(1.0)
    assert menu["q3_minutes"] == pytest.approx(2.0)
    # menu -> cart: s1 12:01 -> 12:03 = 2 min, s2 13:02 -> 13:05 = 3 min; s4's cart came before.
    cart = times.loc["add_to_cart"]
    assert cart["reached_to"] == 2
    assert cart["median_minutes"] == pytest.approx(2.5)
    assert cart["slow_share"] == 0.0


def test_stage_times_slow_share_and_steps_nobody_made(events):
    times = journey.stage_times(events, by="channel", stall_after=pd.Timedelta(minutes=30))
    web_delivery = times[(times["channel"] == "web") & (times["to_stage"] == "order_delivered")].iloc[0]
    assert web_delivery["median_minutes"] == pytest.approx(34.0)  # s1 paid 12:06, delivered 12:40
    assert web_delivery["slow_share"] == 1.0
    app_pay = times[(times["channel"] == "app") & (times["to_stage"] == "pay")].iloc[0]
    assert app_pay["reached_from"] == 1 and app_pay["reached_to"] == 0
    assert np.isnan(app_pay["median_minutes"])


# --- paths and transitions ---------------------------------------------------------------------


def test_transition_matrix_counts_by_hand(events):
    counts = journey.transition_matrix(events, normalize=False)
    states = [
        "visit",
        "view_menu",
        "view_dish",
        "add_to_cart",
        "start_checkout",
        "pay",
        "order_delivered",
        "payment_failed",
    ]
    assert counts.index.tolist() == ["(start)", *states]
    assert counts.columns.tolist() == [*states, "(end)"]
    expected = {
        ("(start)", "visit"): 4,
        ("(start)", "view_menu"): 1,
        ("visit", "view_menu"): 3,
        ("visit", "add_to_cart"): 1,
        ("view_menu", "view_dish"): 3,
        ("view_menu", "(end)"): 2,
        ("view_dish", "add_to_cart"): 2,
        ("view_dish", "(end)"): 1,
        ("add_to_cart", "start_checkout"): 2,
        ("add_to_cart", "view_menu"): 1,
        ("start_checkout", "pay"): 1,
        ("start_checkout", "payment_failed"): 1,
        ("pay", "order_delivered"): 1,
        ("order_delivered", "(end)"): 1,
        ("payment_failed", "(end)"): 1,
    }
    nonzero = counts.stack()
    assert nonzero[nonzero > 0].to_dict() == expected
    assert counts.to_numpy().sum() == 20 + 5  # one transition per event, plus one end per session


def test_transition_matrix_shares_by_hand(events):
    shares = journey.transition_matrix(events)
    assert shares.sum(axis=1).tolist() == pytest.approx([1.0] * len(shares))
    assert shares.loc["view_menu", "view_dish"] == pytest.approx(3 / 5)
    assert shares.loc["view_menu", "(end)"] == pytest.approx(2 / 5)
    assert shares.loc["start_checkout", "payment_failed"] == pytest.approx(1 / 2)


@pytest.fixture
def browsing() -> pd.DataFrame:
    """Three sessions; a and b differ only by a repeated dish view."""
    return _log(
        [
            ("a", "web", "10:00", "visit"),
            ("a", "web", "10:01", "view_dish"),
            ("a", "web", "10:02", "view_dish"),
            ("a", "web", "10:03", "view_menu"),
            ("b", "web", "11:00", "visit"),
            ("b", "web", "11:01", "view_dish"),
            ("b", "web", "11:02", "view_menu"),
            ("c", "web", "12:00", "visit"),
            ("c", "web", "12:01", "view_dish"),
            ("c", "web", "12:02", "view_menu"),
            ("c", "web", "12:03", "view_dish"),
        ]
    )


def test_top_paths_collapse_consecutive_repeats_only(browsing):
    paths = journey.top_paths(browsing)
    assert paths["path"].tolist() == [
        "visit → view_dish → view_menu",
        "visit → view_dish → view_menu → view_dish",
    ]
    assert paths["units"].tolist() == [2, 1]
    assert paths["steps"].tolist() == [3, 4]
    assert paths["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert len(journey.top_paths(browsing, n=1)) == 1


def test_transition_matrix_can_collapse_repeats(browsing):
    with_repeats = journey.transition_matrix(browsing, normalize=False)
    collapsed = journey.transition_matrix(browsing, normalize=False, collapse_repeats=True)
    assert with_repeats.loc["view_dish", "view_dish"] == 1  # session a
    assert collapsed.loc["view_dish", "view_dish"] == 0
    assert collapsed.to_numpy().sum() == with_repeats.to_numpy().sum() - 1


def test_paths_bad_parameters(events):
    with pytest.raises(ValueError, match="'n' parameter of top_paths must be an int >= 1"):
        journey.top_paths(events, n=0)
    with pytest.raises(TypeError, match="True or False"):
        journey.transition_matrix(events, normalize="yes")


# --- sessions and linking -----------------------------------------------------------------------


def test_sessionize_by_hand():
    log = pd.DataFrame(
        {
            "anonymous_id": ["b", "a", "a", "a", "a", None],
            "timestamp": pd.to_datetime(
                [
                    "2024-05-01 09:00",
                    "2024-05-01 10:40",
                    "2024-05-01 10:00",
                    "2024-05-01 10:30",
                    "2024-05-01 11:11",
                    "2024-05-01 09:30",
                ],
                format="%Y-%m-%d %H:%M",
            ),
        }
    )
    result = journey.sessionize(log, timeout=pd.Timedelta(minutes=30))
    # a: 10:00, 10:30 (gap exactly 30 min: same session), 10:40, then 11:11 (31 min: new session).
    assert result["anonymous_id"].tolist()[:5] == ["a", "a", "a", "a", "b"]
    assert result["session"].tolist()[:5] == [0, 0, 0, 1, 2]
    assert result["session"].isna().tolist() == [False] * 5 + [True]  # no user: kept, no session
    assert len(result) == len(log)
    assert result.index.tolist() == [2, 3, 1, 4, 0, 5]  # the caller's index is kept


def test_sessionize_rejects_bad_timeout_and_taken_name(events):
    log = events.rename(columns={"session_id": "anonymous_id"})
    with pytest.raises(ValueError, match="positive pd.Timedelta"):
        journey.sessionize(log, timeout=30)
    with pytest.raises(ValueError, match="already has a column 'channel'"):
        journey.sessionize(log, session="channel")


def test_link_anonymous_by_hand():
    log = pd.DataFrame(
        {
            "anonymous_id": ["d1", "d1", "d1", "d2", "d3", "d3", None],
            "customer_id": pd.array([pd.NA, 7, pd.NA, pd.NA, 9, 8, 5], dtype="Int64"),
            "timestamp": pd.to_datetime(
                [
                    "2024-05-01 12:00",
                    "2024-05-01 12:05",
                    "2024-05-01 12:30",
                    "2024-05-01 12:07",
                    "2024-05-02 08:00",
                    "2024-05-01 08:00",
                    "2024-05-01 09:00",
                ],
                format="%Y-%m-%d %H:%M",
            ),
        }
    )
    result = journey.link_anonymous(log)
    # d1 logs in as 7 at 12:05: its events before and after become 7's. d2 never logs in.
    # d3 is shared: 8 logged in first (1 May), 9 later; each logged-in event keeps its own id.
    assert result["linked_customer_id"].tolist()[:6] == [7, 7, 7, pd.NA, 9, 8]
    assert result["linked_customer_id"].iloc[6] == 5
    assert result["person_id"].tolist() == [
        "customer:7",
        "customer:7",
        "customer:7",
        "anonymous:d2",
        "customer:9",
        "customer:8",
        "customer:5",
    ]
    assert str(result["linked_customer_id"].dtype) == "Int64"


def test_link_anonymous_leaves_rows_with_no_id_unnamed():
    log = pd.DataFrame(
        {
            "anonymous_id": [None, "d1"],
            "customer_id": pd.array([pd.NA, pd.NA], dtype="Int64"),
            "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:05"], format="%Y-%m-%d %H:%M"),
        }
    )
    result = journey.link_anonymous(log)
    assert result["person_id"].isna().tolist() == [True, False]
    assert result["linked_customer_id"].isna().all()


def test_linked_ids_feed_a_funnel_across_sessions():
    log = pd.DataFrame(
        {
            "anonymous_id": ["d1", "d1", "d2"],
            "customer_id": pd.array([pd.NA, 7, pd.NA], dtype="Int64"),
            "timestamp": pd.to_datetime(
                ["2024-05-01 12:00", "2024-05-03 12:05", "2024-05-01 12:07"], format="%Y-%m-%d %H:%M"
            ),
            "event": ["visit", "pay", "visit"],
        }
    )
    linked = journey.link_anonymous(log)
    table = journey.funnel(linked, stages=["visit", "pay"], session="person_id")
    assert table["reached"].tolist() == [2, 1]  # d1's anonymous visit and its later payment join up


# --- beyond the first order --------------------------------------------------------------------


def _dates(*texts: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts), format="%Y-%m-%d"))


@pytest.fixture
def orders() -> pd.DataFrame:
    """Order lines of four customers and one guest; order 11 has two lines."""
    return pd.DataFrame(
        {
            "order_id": [10, 11, 11, 12, 20, 21, 30, 31, 90, 99],
            "customer_id": pd.array([1, 1, 1, 1, 2, 2, 3, 3, 9, pd.NA], dtype="Int64"),
            "ordered_at": _dates(
                "2024-01-05",
                "2024-01-25",
                "2024-01-25",
                "2024-03-02",
                "2023-12-30",
                "2024-02-10",
                "2024-02-03",
                "2024-03-20",
                "2024-01-10",
                "2024-03-05",
            ),
            "segment": ["A", "A", "A", "A", "B", "B", "A", "A", "B", "B"],
        }
    )


@pytest.fixture
def customers() -> pd.DataFrame:
    """Five customers; 4 never orders, 5 has no signup date, 9 (who orders) is not listed."""
    return pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5],
            "signup_date": pd.to_datetime(
                ["2024-01-03", "2024-01-20", "2024-02-02", "2024-02-15", None], format="%Y-%m-%d"
            ),
        }
    )


def test_repeat_funnel_by_hand(orders):
    table = journey.repeat_funnel(orders, max_orders=4)
    # Distinct orders per customer (the two lines of order 11 are one order, the guest is left
    # out): 1 has 3, 2 has 2, 3 has 2, 9 has 1.
    assert table["stage"].tolist() == ["1st order", "2nd order", "3rd order", "4th order"]
    assert table["order_number"].tolist() == [1, 2, 3, 4]
    assert table["reached"].tolist() == [4, 3, 1, 0]
    assert table["conversion_from_previous"].tolist() == pytest.approx([1, 3 / 4, 1 / 3, 0])
    # Gaps to the 2nd order: 1: 5 Jan -> 25 Jan = 20 days, 2: 30 Dec -> 10 Feb = 42, 3: 3 Feb -> 20 Mar = 46.
    assert table["median_days_since_previous"].iloc[1] == pytest.approx(42)
    assert table["median_days_since_previous"].iloc[2] == pytest.approx(37)  # 25 Jan -> 2 Mar
    assert np.isnan(table["median_days_since_previous"].iloc[0])
    assert np.isnan(table["median_days_since_previous"].iloc[3])


def test_repeat_funnel_by_segment(orders):
    table = journey.repeat_funnel(orders, max_orders=3, by="segment")
    reached = table.set_index(["segment", "order_number"])["reached"]
    assert reached.loc["A"].tolist() == [2, 2, 1]  # customers 1 and 3
    assert reached.loc["B"].tolist() == [2, 1, 0]  # customers 2 and 9 (the guest is left out)


def test_ordinal_suffixes():
    assert [journey._ordinal(number) for number in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]


def test_cohort_retention_by_signup_month_by_hand(orders, customers):
    table = journey.cohort_retention(orders, customers)
    # Cohorts by signup: January {1, 2}, February {3, 4}; 5 has no date, 9 is unknown.
    # Active months: 1 Jan, Mar; 2 Feb (its December order came before signing up); 3 Feb, Mar.
    # The last order is in March, so February's third month (April) is not observed yet.
    assert table.index.names == ["cohort", "customers"]
    assert [str(cohort) for cohort in table.index.get_level_values("cohort")] == ["2024-01", "2024-02"]
    assert table.index.get_level_values("customers").tolist() == [2, 2]
    assert table.columns.tolist() == [0, 1, 2]
    assert table.iloc[0].tolist() == pytest.approx([0.5, 0.5, 0.5])
    assert table.iloc[1].tolist()[:2] == pytest.approx([0.5, 0.5])
    assert np.isnan(table.iloc[1, 2])
    counts = journey.cohort_retention(orders, customers, normalize=False)
    assert counts.iloc[0].tolist() == [1, 1, 1]
    assert counts.iloc[1].tolist()[:2] == [1, 1] and counts.iloc[1].isna().tolist() == [False, False, True]
    # A customer table indexed by its ids (CONTRIBUTING's rule) gives the same table.
    pd.testing.assert_frame_equal(journey.cohort_retention(orders, customers.set_index("customer_id")), table)


def test_cohort_retention_by_first_order_month_by_hand(orders):
    table = journey.cohort_retention(orders)
    # First orders: 2 in December 2023; 1 and 9 in January; 3 in February. Last order: March.
    cohorts = [str(cohort) for cohort in table.index.get_level_values("cohort")]
    assert cohorts == ["2023-12", "2024-01", "2024-02"]
    assert table.index.get_level_values("customers").tolist() == [1, 2, 1]
    expected = [[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.5, np.nan], [1.0, 1.0, np.nan, np.nan]]
    np.testing.assert_allclose(table.to_numpy(dtype=float), expected)


def test_cohort_retention_leaves_periods_before_the_order_history_blank():
    orders = pd.DataFrame({"customer_id": [1, 1, 2], "ordered_at": _dates("2024-01-10", "2024-03-05", "2024-02-01")})
    customers = pd.DataFrame(
        {"customer_id": [1, 2, 3], "signup_date": _dates("2023-11-20", "2024-01-15", "2023-12-01")}
    )
    table = journey.cohort_retention(orders, customers)
    # The orders cover January to March 2024: November and December 2023 are not in the data.
    # 1 (November cohort) orders in January (+2) and March (+4); 3 (December) never orders;
    # 2 (January) orders in February (+1).
    expected = [
        [np.nan, np.nan, 1.0, 0.0, 1.0],
        [np.nan, 0.0, 0.0, 0.0, np.nan],
        [0.0, 1.0, 0.0, np.nan, np.nan],
    ]
    np.testing.assert_allclose(table.to_numpy(dtype=float), expected)


def test_cohort_retention_by_quarter(orders):
    table = journey.cohort_retention(orders, period="Q")
    # 2023Q4: customer 2, active again in 2024Q1. 2024Q1: 1, 3 and 9, all in their first quarter.
    assert [str(cohort) for cohort in table.index.get_level_values("cohort")] == ["2023Q4", "2024Q1"]
    np.testing.assert_allclose(table.to_numpy(dtype=float), [[1.0, 1.0], [1.0, np.nan]])


def test_orders_bad_input(orders, customers):
    with pytest.raises(ValueError, match="'period' parameter of cohort_retention must be one of"):
        journey.cohort_retention(orders, period="month")
    with pytest.raises(ValueError, match="must name each customer once"):
        journey.cohort_retention(orders, pd.concat([customers, customers.iloc[:1]]))
    with pytest.raises(ValueError, match="`customers` has no column 'signup_date'"):
        journey.cohort_retention(orders, customers.drop(columns="signup_date"))
    with pytest.raises(ValueError, match="'max_orders' parameter of repeat_funnel must be an int >= 1"):
        journey.repeat_funnel(orders, max_orders=0)
    for function in (journey.repeat_funnel, journey.cohort_retention):
        with pytest.raises(ValueError, match="`orders` has 0 rows"):
            function(orders.iloc[:0])
        with pytest.raises(TypeError, match="Column 'ordered_at' of `orders` must hold datetimes"):
            function(orders.astype({"ordered_at": "str"}))
        with pytest.raises(ValueError, match="No row of `orders`"):
            function(orders.assign(customer_id=pd.array([pd.NA] * len(orders), dtype="Int64")))


def test_orders_are_not_modified(orders, customers):
    before_orders, before_customers = orders.copy(), customers.copy()
    journey.repeat_funnel(orders, by="segment")
    journey.cohort_retention(orders, customers)
    journey.cohort_retention(orders.assign(ordered_at=orders["ordered_at"].dt.tz_localize("Europe/Paris")))
    pd.testing.assert_frame_equal(orders, before_orders)
    pd.testing.assert_frame_equal(customers, before_customers)


# --- the journey map ---------------------------------------------------------------------------


def test_journey_map_from_events_by_hand(events):
    table = journey.journey_map_table(events)
    # Stages per session (DEFAULT_PHASES): s1 Discover, Choose, Order, Receive; s2 Discover,
    # Choose, Order (payment failed); s3 Discover, Choose; s4 Discover, Order, Choose; s5 Choose.
    assert table.index.tolist() == list(journey.JOURNEY_MAP_ROWS)
    assert table.columns.tolist() == list(journey.DEFAULT_PHASES)
    assert table.loc["Doing", "Discover"] == "Reached by 4 (80%)\nvisit 100%"
    assert table.loc["Doing", "Choose"] == "Reached by 5 (100%)\nview menu 100%\nview dish 60%"
    assert table.loc["Doing", "Order"] == ("Reached by 3 (60%)\nadd to cart 100%\nstart checkout 67%\npay 33%")
    assert table.loc["Doing", "After the meal"] == "Reached by 0 (0%)"
    assert table.loc["Touchpoints", "Discover"] == "app 50% · web 50%"  # a tie: alphabetical
    assert table.loc["Touchpoints", "Choose"] == "web 60% · app 40%"
    # Furthest stage: s1 Receive, s2 Order, s3 Choose, s4 Order, s5 Choose.
    assert table.loc["Pain points", "Discover"] == "0% go no further"
    assert table.loc["Pain points", "Choose"] == "40% go no further"
    assert table.loc["Pain points", "Order"] == "67% go no further\npayment failed 33%"
    assert table.loc["Pain points", "Receive"] == "100% go no further"
    assert table.loc["Pain points", "After the meal"] == ""  # the last stage: nothing further to go to
    assert (table.loc["Opportunities"] == "").all()


def test_journey_map_with_tickets_feedback_and_notes(events):
    tickets = pd.DataFrame(
        {
            "phase": ["Order", "Order", "Order", "Receive", "Receive", None],
            "category": ["payment", "payment", "promo code", "late delivery", "cold food", "other"],
        }
    )
    feedback = pd.DataFrame(
        {
            "phase": ["Order", "Order", "Order", "Receive"],
            "rating": [2, 5, 2, 4],
            "comment": ["Card refused twice", "Smooth", "The app froze", None],
        }
    )
    notes = journey.journey_map_notes()
    notes.loc["Opportunities", "Order"] = "Offer a second payment method"
    notes.loc["Thinking & feeling", "Discover"] = "Curious, hungry"
    table = journey.journey_map_table(events, tickets=tickets, feedback=feedback, notes=notes, top=1)
    assert table.loc["Pain points", "Order"] == "67% go no further\npayment failed 33%\nTickets: payment (2)"
    # Receive's tickets tie at 1: alphabetical order picks "cold food".
    assert table.loc["Pain points", "Receive"] == "100% go no further\nTickets: cold food (1)"
    # Order: mean of 2, 5, 2 = 3.0; the lowest rating (2) first came with "Card refused twice".
    assert table.loc["Thinking & feeling", "Order"] == ("Rating 3.0 / 5 (n=3)\nLowest: “Card refused twice”")
    assert table.loc["Thinking & feeling", "Receive"] == "Rating 4.0 / 5 (n=1)"
    assert table.loc["Thinking & feeling", "Discover"] == "Curious, hungry"
    assert table.loc["Opportunities", "Order"] == "Offer a second payment method"
    assert table.loc["Touchpoints", "Choose"] == "web 60%"


def test_journey_map_with_custom_phases_and_two_touchpoints(events):
    phases = {"Browse": ["visit", "view_menu", "view_dish"], "Buy": ["add_to_cart", "pay", "payment_failed"]}
    log = events.assign(device=np.where(events["channel"] == "app", "phone", "laptop"))
    table = journey.journey_map_table(log, phases=phases, touchpoints=["channel", "device"])
    assert table.columns.tolist() == ["Browse", "Buy"]
    assert table.loc["Touchpoints", "Buy"] == "channel: web 67% · app 33%\ndevice: laptop 67% · phone 33%"
    assert table.loc["Pain points", "Browse"] == "40% go no further"  # s3 and s5 of 5


def test_journey_map_bad_input(events):
    with pytest.raises(ValueError, match="'pay' is in two stages of `phases`, 'A' and 'B'"):
        journey.journey_map_table(events, phases={"A": ["visit", "pay"], "B": ["pay"]})
    with pytest.raises(ValueError, match=r"Unknown event\(s\) 'checkout' in `phases`.*Known events"):
        journey.journey_map_table(events, phases={"A": ["visit", "checkout"]})
    with pytest.raises(TypeError, match="single string 'visit'"):
        journey.journey_map_table(events, phases={"A": "visit"})
    with pytest.raises(TypeError, match="non-empty mapping"):
        journey.journey_map_table(events, phases={})
    with pytest.raises(ValueError, match="Column 'phase' of `tickets` names stage\\(s\\) 'Checkout'"):
        journey.journey_map_table(events, tickets=pd.DataFrame({"phase": ["Checkout"], "category": ["x"]}))
    with pytest.raises(ValueError, match="`feedback` has no column 'rating'"):
        journey.journey_map_table(events, feedback=pd.DataFrame({"phase": ["Order"], "score": [3]}))
    with pytest.raises(ValueError, match="must lie between 1 and 5; found 1 value"):
        journey.journey_map_table(events, feedback=pd.DataFrame({"phase": ["Order"], "rating": [9]}))
    bad_notes = journey.journey_map_notes().rename(index={"Doing": "Actions"})
    with pytest.raises(ValueError, match=r"found rows \['Actions'\]"):
        journey.journey_map_table(events, notes=bad_notes)
    with pytest.raises(ValueError, match="`events` has no column 'device'"):
        journey.journey_map_table(events, touchpoints="device")
    with pytest.raises(ValueError, match="0 rows"):
        journey.journey_map_table(events.iloc[:0])


def test_default_phases_cover_every_known_event_once():
    listed = [name for names in journey.DEFAULT_PHASES.values() for name in names]
    assert sorted(listed) == sorted(journey.KNOWN_EVENTS)
    with pytest.raises(TypeError):
        journey.DEFAULT_PHASES["Order"] = ("pay",)  # read-only: edit a copy instead


# --- bad input ----------------------------------------------------------------------------------


def test_unknown_stage_is_named_with_the_known_events(events):
    with pytest.raises(ValueError, match=r"Unknown stage\(s\) 'chekout'.*Known events: \['visit'"):
        journey.funnel(events, stages=["visit", "chekout"])


def test_a_known_event_missing_from_the_log_is_a_stage_nobody_reached(events):
    table = journey.funnel(events, stages=["visit", "rate_order"])
    assert table["reached"].tolist() == [4, 0]


def test_stages_must_be_a_list_without_repeats(events):
    with pytest.raises(TypeError, match="single string 'visit'"):
        journey.funnel(events, stages="visit")
    with pytest.raises(ValueError, match="names 'visit' more than once"):
        journey.funnel(events, stages=["visit", "view_menu", "visit"])
    with pytest.raises(ValueError, match="at least one stage"):
        journey.funnel(events, stages=[])


def test_bad_mode_is_named(events):
    with pytest.raises(ValueError, match="'mode' parameter of funnel must be one of"):
        journey.funnel(events, mode="loose")


@pytest.mark.parametrize(
    "function",
    [
        journey.funnel,
        journey.stage_times,
        journey.sessionize,
        journey.link_anonymous,
        journey.top_paths,
        journey.transition_matrix,
    ],
)
def test_empty_log_and_missing_columns_are_refused(function, events):
    with pytest.raises(ValueError, match="0 rows"):
        function(events.iloc[:0].assign(anonymous_id="a", customer_id=1))
    with pytest.raises(ValueError, match="has no column"):
        function(events.drop(columns="timestamp"))
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        function(events.to_dict())


def test_timestamps_as_text_are_refused(events):
    with pytest.raises(TypeError, match="Column 'timestamp' of `events` must hold datetimes"):
        journey.funnel(events.astype({"timestamp": "str"}))


def test_a_log_without_any_unit_is_refused(events):
    with pytest.raises(ValueError, match="No row of `events` has all of"):
        journey.funnel(events.assign(session_id=None))


def test_rows_without_the_unit_are_left_out_of_a_customer_funnel():
    log = pd.DataFrame(
        {
            "customer_id": pd.array([pd.NA, 7, 9, 9], dtype="Int64"),
            "timestamp": pd.to_datetime(
                ["2024-05-01 12:00", "2024-05-01 12:05", "2024-05-01 13:00", "2024-05-01 13:05"],
                format="%Y-%m-%d %H:%M",
            ),
            "event": ["visit", "pay", "visit", "pay"],
        }
    )
    # Customer 7's visit was anonymous (no id): 7 is followed from its payment only, so never
    # enters a funnel that starts at the visit; customer 9 goes through.
    table = journey.funnel(log, stages=["visit", "pay"], session="customer_id")
    assert table["reached"].tolist() == [1, 1]
    assert journey.top_paths(log, session="customer_id")["path"].tolist() == ["pay", "visit → pay"]


def test_time_zones_are_handled(events):
    aware = events.assign(timestamp=events["timestamp"].dt.tz_localize("Europe/Paris"))
    assert journey.funnel(aware)["reached"].tolist() == journey.funnel(events)["reached"].tolist()


def test_inputs_are_not_modified(events):
    before = events.copy()
    journey.funnel(events, by="channel")
    journey.funnel(events, mode="any_order")
    journey.stage_times(events)
    journey.top_paths(events)
    journey.transition_matrix(events, collapse_repeats=True)
    journey.journey_map_table(events, notes=journey.journey_map_notes())
    journey.sessionize(events.rename(columns={"session_id": "anonymous_id"}))
    no_customer = pd.array([pd.NA] * len(events), dtype="Int64")
    journey.link_anonymous(events.assign(anonymous_id="d", customer_id=no_customer))
    pd.testing.assert_frame_equal(events, before)


@pytest.mark.parametrize(
    ("function", "old", "new", "value"),
    [
        (journey.funnel, "unit", "session", "customer_id"),
        (journey.top_paths, "unit", "session", "customer_id"),
        (journey.transition_matrix, "time", "timestamp", "timestamp"),
    ],
)
def test_old_parameter_names_warn_and_give_the_same_result(function, old, new, value):
    log = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "session_id": ["a", "b", "c"],
            "timestamp": pd.to_datetime(["2024-05-01 10:00", "2024-05-01 11:00", "2024-05-02 09:00"]),
            "event": ["visit", "pay", "visit"],
        }
    )
    with pytest.warns(FutureWarning, match=rf"'{old}' parameter of {function.__name__} is renamed '{new}'"):
        old_result = function(log, **{old: value})
    pd.testing.assert_frame_equal(old_result, function(log, **{new: value}))
