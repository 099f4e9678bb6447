"""Tests of course_lib.rfm: by-hand examples for every column, the CLV convention, scores, the segment map."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from course_lib.rfm import (
    EXCLUSION_REASONS,
    assign_segments,
    channel_mix,
    check_segment_map,
    clv_summary,
    default_segment_map,
    order_values,
    rescale_segment_map,
    rfm_scores,
    rfm_table,
    rfm_threshold_scores,
    segment_summary,
)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.fixture
def lines() -> pd.DataFrame:
    """Ten rows worked out by hand in the tests below.

    Customer 1: orders 10 and 11 on 1 March (25 + 15 euros), order 12 on 10 March (30),
    a refund of 10 on 15 March (order 13). Customer 2: order 20 on 5 March (12), a cancelled
    order on 20 March (0) and a row without amount. Customer 3: only a cancelled order.
    A guest order on 25 March (the last date) has no customer id.
    """
    return pd.DataFrame(
        {
            "order_id": [10, 10, 11, 12, 13, 20, 21, 22, 30, 40],
            "customer_id": pd.array([1, 1, 1, 1, 1, 2, 2, 2, 3, None], dtype="Int64"),
            "ordered_at": [
                ts("2024-03-01 10:00"),
                ts("2024-03-01 10:00"),
                ts("2024-03-01 18:30"),
                ts("2024-03-10 12:00"),
                ts("2024-03-15 09:00"),
                ts("2024-03-05 12:00"),
                ts("2024-03-20 12:00"),
                ts("2024-03-22 12:00"),
                ts("2024-03-12 12:00"),
                ts("2024-03-25 19:00"),
            ],
            "amount": [20.0, 5.0, 15.0, 30.0, -10.0, 12.0, 0.0, np.nan, 0.0, 9.0],
        }
    )


def expected_table(rows: dict[int, tuple], index_dtype: str = "Int64") -> pd.DataFrame:
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["recency", "frequency", "monetary", "mean_order_value", "tenure"]
    ).astype(
        {
            "recency": "int64",
            "frequency": "int64",
            "monetary": "float64",
            "mean_order_value": "float64",
            "tenure": "int64",
        }
    )
    table.index = pd.Index(list(rows), dtype=index_dtype, name="customer_id")
    return table


# ----------------------------------------------------------------------------- rfm_table


def test_rfm_table_by_hand_with_orders(lines):
    # Snapshot: the day after the last date (25 March, the guest's) = 26 March.
    # Customer 1: purchases = orders 10, 11, 12 (order 13 nets to -10: not a purchase, but netted);
    # recency = 26 - 10 March = 16, tenure = 26 - 1 March = 25, monetary = 25 + 15 + 30 - 10 = 60.
    # Customer 2: one purchase (order 20), the cancelled order nets to 0; recency = tenure = 21.
    table = rfm_table(lines, order="order_id")
    expected = expected_table({1: (16, 3, 60.0, 20.0, 25), 2: (21, 1, 12.0, 12.0, 21)})
    pd.testing.assert_frame_equal(table, expected)


def test_rfm_table_by_hand_with_days(lines):
    # Without an order column a purchase is a day: 1 March (40), 10 March (30); 15 March nets -10.
    table = rfm_table(lines)
    expected = expected_table({1: (16, 2, 60.0, 30.0, 25), 2: (21, 1, 12.0, 12.0, 21)})
    pd.testing.assert_frame_equal(table, expected)


def test_rfm_table_report_counts_every_row(lines):
    _, report = rfm_table(lines, order="order_id", return_report=True)
    assert list(report.index) == [*EXCLUSION_REASONS, "used"]
    assert report["rows"].to_dict() == {
        "missing customer id": 1,
        "missing date": 0,
        "missing amount": 1,
        "missing order id": 0,
        "customer without a purchase": 1,
        "used": 7,
    }
    assert report["rows"].sum() == len(lines)
    assert report.loc["missing customer id", "amount"] == 9.0
    assert report.loc["used", "amount"] == 72.0


def test_rfm_table_report_without_order_column_has_no_order_reason(lines):
    table, report = rfm_table(lines, return_report=True)
    assert "missing order id" not in report.index
    assert report["rows"].sum() == len(lines)
    pd.testing.assert_frame_equal(table, rfm_table(lines))


def test_rfm_table_missing_order_id_is_reported(lines):
    lines["order_id"] = lines["order_id"].astype("Int64")
    lines.loc[3, "order_id"] = pd.NA  # customer 1's 10 March order loses its id
    table, report = rfm_table(lines, order="order_id", return_report=True)
    assert report.loc["missing order id", "rows"] == 1
    assert table.loc[1, "frequency"] == 2 and table.loc[1, "monetary"] == 30.0
    assert table.loc[1, "recency"] == 25  # last purchase is now 1 March


def test_rfm_table_as_of(lines):
    table = rfm_table(lines, order="order_id", as_of="2024-04-01")
    assert table.loc[1, "recency"] == 22 and table.loc[1, "tenure"] == 31
    same = rfm_table(lines, order="order_id", as_of=pd.Timestamp("2024-04-01").date())
    pd.testing.assert_frame_equal(table, same)
    # The last transaction's own day is allowed: recency 0 for a purchase that day.
    assert rfm_table(lines, as_of="2024-03-25").loc[2, "recency"] == 20


def test_rfm_table_does_not_modify_its_input(lines):
    before = lines.copy()
    rfm_table(lines, order="order_id", return_report=True)
    clv_summary(lines)
    pd.testing.assert_frame_equal(lines, before)


def test_rfm_table_time_zone_counts_local_days():
    frame = pd.DataFrame(
        {
            "customer_id": [1, 1],
            "ordered_at": pd.to_datetime(["2024-01-01 23:30", "2024-01-03 00:30"], format="%Y-%m-%d %H:%M").tz_localize(
                "Europe/Paris"
            ),
            "amount": [10.0, 10.0],
        }
    )
    table = rfm_table(frame)
    assert table.loc[1, "tenure"] == 3 and table.loc[1, "recency"] == 1


def baseline_rfm(transactions: pd.DataFrame) -> pd.DataFrame:
    """A second, straightforward computation (day mode, no refunds) to compare with."""
    frame = transactions.dropna(subset=["customer_id"]).assign(day=lambda f: f["ordered_at"].dt.normalize())
    snapshot = transactions["ordered_at"].max().normalize() + pd.Timedelta(days=1)
    per = frame.groupby("customer_id").agg(
        last=("day", "max"), first=("day", "min"), frequency=("day", "nunique"), monetary=("amount", "sum")
    )
    return pd.DataFrame(
        {
            "recency": (snapshot - per["last"]).dt.days.astype("int64"),
            "frequency": per["frequency"].astype("int64"),
            "monetary": per["monetary"],
            "mean_order_value": per["monetary"] / per["frequency"],
            "tenure": (snapshot - per["first"]).dt.days.astype("int64"),
        }
    )


def test_rfm_table_agrees_with_a_straightforward_baseline():
    rng = np.random.default_rng(0)
    n = 2_000
    frame = pd.DataFrame(
        {
            "customer_id": rng.integers(1, 200, n),
            "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, n), unit="min"),
            "amount": rng.integers(100, 5_000, n) / 4,  # quarters of a euro: sums are exact
        }
    )
    pd.testing.assert_frame_equal(rfm_table(frame), baseline_rfm(frame), check_index_type=False)


# ----------------------------------------------------------------------------- bad input


def test_rfm_table_missing_column_names_it(lines):
    with pytest.raises(ValueError, match=r"no column 'order_date'.*Available columns"):
        rfm_table(lines, ordered_at="order_date")


def test_rfm_table_rejects_text_dates(lines):
    lines["ordered_at"] = lines["ordered_at"].dt.strftime("%Y-%m-%d")
    with pytest.raises(TypeError, match=r"'ordered_at'.*must hold datetimes.*pd.to_datetime"):
        rfm_table(lines)


def test_rfm_table_rejects_text_amounts(lines):
    lines["amount"] = lines["amount"].astype("str")
    with pytest.raises(TypeError, match=r"'amount'.*must be numeric"):
        rfm_table(lines)


def test_rfm_table_rejects_an_empty_frame(lines):
    with pytest.raises(ValueError, match="0 rows"):
        rfm_table(lines.iloc[:0])


def test_rfm_table_rejects_a_snapshot_before_the_data(lines):
    with pytest.raises(
        ValueError,
        match=r"as_of.*2024-03-20.*before the last date \(2024-03-25\).*"
        r"transactions\['ordered_at'\] < '2024-03-20'",
    ):
        rfm_table(lines, as_of="2024-03-20")
    with pytest.raises(ValueError, match="before the last date"):
        clv_summary(lines, as_of="2023-12-31")


@pytest.mark.parametrize("as_of, error", [("20/03/2024", ValueError), (20240320, TypeError)])
def test_rfm_table_rejects_an_unreadable_snapshot(lines, as_of, error):
    with pytest.raises(error, match="as_of"):
        rfm_table(lines, as_of=as_of)


def test_rfm_table_rejects_an_order_shared_by_two_customers(lines):
    lines.loc[5, "order_id"] = 12  # customer 2's line now claims customer 1's order 12
    with pytest.raises(ValueError, match=r"1 order id\(s\) belong to more than one customer, like 12"):
        rfm_table(lines, order="order_id")


def test_rfm_table_column_names_may_clash_with_its_own(lines):
    renamed = lines.rename(columns={"customer_id": "day", "amount": "customer", "ordered_at": "amount"})
    table = rfm_table(renamed, customer="day", ordered_at="amount", amount="customer", order="order_id")
    expected = rfm_table(lines, order="order_id")
    pd.testing.assert_frame_equal(table, expected.rename_axis("day"))


def test_rfm_table_without_any_purchase_says_so(lines):
    with pytest.raises(ValueError, match="No customer has a purchase"):
        rfm_table(lines[lines["customer_id"] == 3])


def test_rfm_table_without_any_usable_row_says_so(lines):
    guests = lines.assign(customer_id=pd.array([None] * len(lines), dtype="Int64"))
    with pytest.raises(ValueError, match="No row of the transactions passed to rfm_table has a customer id"):
        rfm_table(guests)
    with pytest.raises(ValueError, match="passed to clv_summary"):
        clv_summary(guests)


def test_rfm_table_rejects_a_non_dataframe():
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        rfm_table([1, 2, 3])


# ----------------------------------------------------------------------------- order_values


def test_order_values_by_hand_and_input_untouched():
    order_lines = pd.DataFrame(
        {
            "quantity": [2, 1, 3, 1],
            "unit_price": [10.0, 12.5, 4.0, 9.0],
            "discount": [2.0, 0.0, 1.5, 0.0],
            "status": ["delivered", "refunded", "delivered", "cancelled"],
        }
    )
    before = order_lines.copy()
    valued = order_values(order_lines)
    assert valued["amount"].tolist() == [18.0, 0.0, 10.5, 0.0]
    pd.testing.assert_frame_equal(order_lines, before)
    no_status = order_values(order_lines, status=None, discount=None, amount="gross")
    assert no_status["gross"].tolist() == [20.0, 12.5, 12.0, 9.0]


def test_order_values_rejects_an_unknown_status():
    order_lines = pd.DataFrame(
        {"quantity": [1, 1], "unit_price": [5.0, 5.0], "discount": [0.0, 0.0], "status": ["delivered", "Delivered"]}
    )
    with pytest.raises(ValueError, match=r"'status'.*'Delivered'"):
        order_values(order_lines)


def test_order_values_rejects_text_prices():
    order_lines = pd.DataFrame({"quantity": [1], "unit_price": ["5,00"], "discount": [0.0], "status": ["delivered"]})
    with pytest.raises(TypeError, match="'unit_price'"):
        order_values(order_lines)


# ----------------------------------------------------------------------------- clv_summary


@pytest.fixture
def clv_lines() -> pd.DataFrame:
    """A: two purchases on 1 Jan (one period worth 15), two on 4 Jan (50), one on 10 Jan (8).
    B: one purchase on 15 Jan (the last date). C: two purchases on 12 Jan only."""
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "A", "B", "C", "C"],
            "ordered_at": [
                ts("2024-01-01 09:00"),
                ts("2024-01-01 20:00"),
                ts("2024-01-04 12:00"),
                ts("2024-01-04 13:00"),
                ts("2024-01-10 12:00"),
                ts("2024-01-15 12:00"),
                ts("2024-01-12 08:00"),
                ts("2024-01-12 21:00"),
            ],
            "amount": [10.0, 5.0, 20.0, 30.0, 8.0, 40.0, 10.0, 12.0],
        }
    )


def test_clv_summary_by_hand_with_same_day_purchases(clv_lines):
    summary = clv_summary(clv_lines)
    # End of observation = 15 Jan (the last date, the libraries' default).
    expected = pd.DataFrame(
        {
            "frequency": [2.0, 0.0, 0.0],  # A: 3 purchase days -> 2 repeats; C: one day
            "recency": [9.0, 0.0, 0.0],  # A: 10 Jan - 1 Jan
            "T": [14.0, 0.0, 3.0],  # 15 Jan - first day
            "monetary_value": [29.0, 0.0, 0.0],  # A: mean(50, 8), the first day left out
        },
        index=pd.Index(["A", "B", "C"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(summary, expected, check_index_type=False)


def test_clv_summary_and_rfm_table_are_two_views_of_one_history(clv_lines):
    summary = clv_summary(clv_lines, as_of="2024-01-20")
    table = rfm_table(clv_lines, as_of="2024-01-20")
    assert (table["frequency"] == summary["frequency"] + 1).all()
    assert (table["recency"] == summary["T"] - summary["recency"]).all()
    assert (table["tenure"] == summary["T"]).all()


def test_clv_summary_ignores_refund_days(clv_lines):
    refund = pd.DataFrame({"customer_id": ["A"], "ordered_at": [ts("2024-01-11 10:00")], "amount": [-8.0]})
    summary = clv_summary(pd.concat([clv_lines, refund], ignore_index=True))
    assert summary.loc["A", "frequency"] == 2.0 and summary.loc["A", "monetary_value"] == 29.0


def test_clv_summary_follows_lifetimes_definitions_by_hand():
    """lifetimes: frequency = repeat purchase days, recency = first to last purchase day,
    T = first purchase day to the end of observation, monetary_value = mean of the repeat days."""
    lines = pd.DataFrame(
        {
            "customer_id": [7, 7, 7, 7, 7, 7, 8, 8],
            "ordered_at": pd.to_datetime(
                [
                    "2024-03-01 09:00",  # 7: first purchase day, 12 + 3 = 15 (never in monetary_value)
                    "2024-03-01 18:00",
                    "2024-03-04 12:00",  # 7: a $0 sale (a free meal), no refund that day
                    "2024-03-09 12:00",  # 7: 40 bought and 40 refunded the same day: nets to 0
                    "2024-03-09 15:00",
                    "2024-03-21 12:00",  # 7: the last purchase, 25
                    "2024-03-05 12:00",  # 8: one purchase; a refund later that nets below 0
                    "2024-03-06 12:00",
                ]
            ),
            "amount": [12.0, 3.0, 0.0, 40.0, -40.0, 25.0, 18.0, -5.0],
        }
    )
    # End of observation 31 March. Customer 7's purchase days: 1 and 21 March, and with "count"
    # also the free meal of 4 March; 9 March is a refund day in both (a line is negative).
    dropped = clv_summary(lines, as_of="2024-03-31")
    assert dropped.loc[7].to_dict() == {"frequency": 1.0, "recency": 20.0, "T": 30.0, "monetary_value": 25.0}
    assert dropped.loc[8].to_dict() == {"frequency": 0.0, "recency": 0.0, "T": 26.0, "monetary_value": 0.0}
    counted = clv_summary(lines, as_of="2024-03-31", zero_amount_days="count")
    assert counted.loc[7].to_dict() == {"frequency": 2.0, "recency": 20.0, "T": 30.0, "monetary_value": 12.5}
    pd.testing.assert_series_equal(counted.loc[8], dropped.loc[8])
    # Without as_of, observation ends on the last day of the data (21 March), as in both libraries.
    assert clv_summary(lines).loc[7, "T"] == 20.0


# Small random order tables: few customers and days, so several lines share a day; amounts are
# multiples of 0.25 (every sum is exact in binary), with refunds, $0 lines and missing values.
_CLV_ROW = st.tuples(
    st.one_of(st.none(), st.integers(1, 4)),  # customer (None: a guest)
    st.integers(0, 5),  # day
    st.integers(0, 23),  # hour
    st.sampled_from([None, -1.0, 0.0, 0.25, 1.0, 2.5]),  # amount (None: missing)
)


def _clv_summary_by_definition(rows: list[tuple], *, end: dt.date, zero_amount_days: str) -> dict:
    """The summary by the definitions, in plain Python: {customer: (frequency, recency, T, monetary_value)}."""
    lines_of_day = defaultdict(list)
    for customer, day, _, amount in rows:
        if customer is not None and amount is not None:
            lines_of_day[customer, day].append(amount)
    purchase_days = defaultdict(dict)
    for (customer, day), amounts in lines_of_day.items():
        worth = sum(amounts)
        if worth > 0 or (zero_amount_days == "count" and worth == 0 and min(amounts) >= 0):
            purchase_days[customer][day] = worth
    start = dt.date(2024, 3, 1)
    summary = {}
    for customer, worth_of in purchase_days.items():
        days = sorted(worth_of)
        repeats = [worth_of[day] for day in days[1:]]
        summary[customer] = (
            float(len(days) - 1),
            float(days[-1] - days[0]),
            float((end - start).days - days[0]),
            sum(repeats) / len(repeats) if repeats else 0.0,
        )
    return summary


@settings(max_examples=150, deadline=None)
# A day that nets to 0 through a refund, and a $0 day without one, under both rules.
@example(
    rows=[(1, 0, 9, 1.0), (1, 0, 18, -1.0), (1, 1, 9, 2.5)],
    zero_amount_days="count",
    tz=None,
    text_ids=False,
    extra_days=0,
)
@example(
    rows=[(1, 0, 9, 1.0), (1, 2, 9, 0.0), (1, 4, 9, 2.5)],
    zero_amount_days="count",
    tz=None,
    text_ids=True,
    extra_days=1,
)
@example(
    rows=[(1, 0, 9, 1.0), (1, 2, 9, 0.0), (1, 4, 9, 2.5)],
    zero_amount_days="drop",
    tz=None,
    text_ids=False,
    extra_days=1,
)
@given(
    rows=st.lists(_CLV_ROW, min_size=1, max_size=40),
    zero_amount_days=st.sampled_from(["drop", "count"]),
    tz=st.sampled_from([None, "America/Bogota"]),
    text_ids=st.booleans(),
    extra_days=st.integers(0, 5),
)
def test_clv_summary_equals_its_definition_on_random_tables(rows, zero_amount_days, tz, text_ids, extra_days):
    ordered_at = pd.Timestamp("2024-03-01") + pd.to_timedelta([day * 24 + hour for _, day, hour, _ in rows], unit="h")
    customers = [customer for customer, *_ in rows]
    lines = pd.DataFrame(
        {
            "customer_id": pd.array([None if c is None else f"C{c}" for c in customers], dtype="str")
            if text_ids
            else pd.array(customers, dtype="Int64"),
            "ordered_at": ordered_at.tz_localize(tz) if tz else ordered_at,
            "amount": [np.nan if amount is None else amount for *_, amount in rows],
        }
    )
    end = dt.date(2024, 3, 1) + dt.timedelta(days=max(day for _, day, _, _ in rows) + extra_days)
    expected = _clv_summary_by_definition(rows, end=end, zero_amount_days=zero_amount_days)
    if not expected:
        with pytest.raises(ValueError, match="No (customer has a purchase day|row of the transactions)"):
            clv_summary(lines, as_of=end, zero_amount_days=zero_amount_days)
        return
    summary = clv_summary(lines, as_of=end, zero_amount_days=zero_amount_days)
    as_id = (lambda c: f"C{c}") if text_ids else (lambda c: c)
    assert summary.index.tolist() == sorted(as_id(c) for c in expected)
    for customer, values in expected.items():
        assert tuple(summary.loc[as_id(customer)]) == pytest.approx(values, rel=1e-12, abs=0)


# ----------------------------------------------------------------------------- scores


def test_rfm_scores_ties_first_break_by_customer_id_not_row_order():
    # Frequencies 1, 1, 1 for ids 1, 3, 5 (rows in a shuffled order): ids rank 1, 2, 3 in id order.
    table = pd.DataFrame(
        {"recency": [10, 30, 10, 5, 30], "frequency": [1, 2, 1, 5, 1], "monetary": [5.0, 6.0, 7.0, 8.0, 9.0]},
        index=pd.Index([5, 2, 3, 4, 1], name="customer_id"),
    )
    scores = rfm_scores(table, bins=5, ties="first")
    assert scores["f_score"].to_dict() == {5: 3, 2: 4, 3: 2, 4: 5, 1: 1}
    # Recency reversed: 30 days (ids 1, 2) is worst; id 1 first. Then 10 days (ids 3, 5), then 5 days.
    assert scores["r_score"].to_dict() == {1: 1, 2: 2, 3: 3, 5: 4, 4: 5}
    assert scores["m_score"].to_dict() == {5: 1, 2: 2, 3: 3, 4: 4, 1: 5}
    shuffled = rfm_scores(table.sample(frac=1, random_state=0), bins=5, ties="first")
    pd.testing.assert_frame_equal(shuffled.loc[scores.index], scores)


def test_rfm_scores_ties_min_share_a_score():
    table = pd.DataFrame(
        {"recency": [10, 30, 10, 5, 30], "frequency": [1, 2, 1, 5, 1], "monetary": [5.0, 6.0, 7.0, 8.0, 9.0]},
        index=pd.Index([5, 2, 3, 4, 1], name="customer_id"),
    )
    scores = rfm_scores(table, bins=5, ties="min")
    assert scores["f_score"].to_dict() == {5: 1, 2: 4, 3: 1, 4: 5, 1: 1}
    pd.testing.assert_frame_equal(rfm_scores(table, bins=5), scores)  # "min" is the default
    assert scores["r_score"].to_dict() == {1: 1, 2: 1, 3: 3, 5: 3, 4: 5}


def test_rfm_scores_group_sizes_and_input_untouched():
    table = pd.DataFrame({"recency": np.arange(10), "frequency": np.arange(10), "monetary": np.arange(10.0)})
    before = table.copy()
    scores = rfm_scores(table, bins=3)
    # 1 + floor(3 * (rank - 1) / 10) for ranks 1..10 -> 1,1,1,1,2,2,2,3,3,3
    assert scores["f_score"].tolist() == [1, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert scores["r_score"].tolist() == [3, 3, 3, 2, 2, 2, 1, 1, 1, 1]
    assert scores.dtypes[["r_score", "f_score", "m_score"]].eq("int64").all()
    pd.testing.assert_frame_equal(table, before)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"bins": 1}, ValueError, "'bins' parameter of rfm_scores must be an int >= 2"),
        ({"bins": 2.5}, TypeError, "'bins'"),
        ({"ties": "average"}, ValueError, "'ties' parameter of rfm_scores must be one of"),
    ],
)
def test_rfm_scores_rejects_bad_parameters(kwargs, error, message):
    table = pd.DataFrame({"recency": [1, 2], "frequency": [1, 2], "monetary": [1.0, 2.0]})
    with pytest.raises(error, match=message):
        rfm_scores(table, **kwargs)


def test_rfm_scores_rejects_bad_tables():
    with pytest.raises(ValueError, match="no column 'monetary'"):
        rfm_scores(pd.DataFrame({"recency": [1], "frequency": [1]}))
    with pytest.raises(ValueError, match="missing value"):
        rfm_scores(pd.DataFrame({"recency": [1, np.nan], "frequency": [1, 1], "monetary": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="one row per customer"):
        rfm_scores(pd.DataFrame({"recency": [1, 2], "frequency": [1, 1], "monetary": [1.0, 2.0]}, index=[7, 7]))


def test_rfm_threshold_scores_at_the_limits():
    table = pd.DataFrame(
        {"recency": [14, 15, 120, 121], "frequency": [1, 2, 9, 10], "monetary": [39.99, 40.0, 499.0, 500.0]}
    )
    scores = rfm_threshold_scores(table)
    assert scores["r_score"].tolist() == [5, 4, 2, 1]
    assert scores["f_score"].tolist() == [1, 2, 4, 5]
    assert scores["m_score"].tolist() == [1, 2, 4, 5]
    three = rfm_threshold_scores(table, recency=[30], frequency=[2], monetary=[100])
    assert three["r_score"].tolist() == [2, 2, 1, 1]


def test_rfm_threshold_scores_rejects_bad_limits():
    table = pd.DataFrame({"recency": [1], "frequency": [1], "monetary": [1.0]})
    with pytest.raises(ValueError, match="'recency'.*strictly increasing"):
        rfm_threshold_scores(table, recency=(30, 14, 60, 120))
    with pytest.raises(ValueError, match="same length"):
        rfm_threshold_scores(table, frequency=(2, 3))


# ----------------------------------------------------------------------------- segment map


def test_default_map_tiles_the_grid():
    report = check_segment_map(default_segment_map())
    assert report.loc["Other", "cells_won"] == 0
    assert (report["cells"] == report["cells_won"]).all()  # no overlaps
    assert report["cells_won"].sum() == 25
    assert len(default_segment_map()) == 10
    assert default_segment_map()["action"].str.len().gt(0).all()


def test_first_match_wins():
    broad = ("Recent", 4, 5, 1, 5)
    narrow = ("Best", 5, 5, 5, 5)
    columns = ["segment", "r_min", "r_max", "f_min", "f_max"]
    scores = pd.DataFrame({"r_score": [5, 4, 1], "f_score": [5, 2, 1]})
    broad_first = pd.DataFrame([broad, narrow], columns=columns)
    narrow_first = pd.DataFrame([narrow, broad], columns=columns)
    assert assign_segments(scores, segment_map=broad_first)["segment"].tolist() == ["Recent", "Recent", "Other"]
    assert assign_segments(scores, segment_map=narrow_first)["segment"].tolist() == ["Best", "Recent", "Other"]
    report = check_segment_map(broad_first)
    assert report.loc["Best"].tolist() == [1, 0, "Recent"]
    assert report.loc["Other", "cells_won"] == 25 - 10


def test_assign_segments_categories_and_monetary_ranges():
    scores = pd.DataFrame({"r_score": [5, 5], "f_score": [5, 5], "m_score": [5, 1]})
    segment_map = pd.DataFrame(
        {
            "segment": ["Big spenders"],
            "r_min": [1],
            "r_max": [5],
            "f_min": [1],
            "f_max": [5],
            "m_min": [5],
            "m_max": [5],
        }
    )
    segmented = assign_segments(scores, segment_map=segment_map)
    assert segmented["segment"].tolist() == ["Big spenders", "Other"]
    assert list(segmented["segment"].cat.categories) == ["Big spenders", "Other"]


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda m: m.assign(colour="green"), r"unknown column\(s\) 'colour'"),
        (lambda m: m.drop(columns="f_max"), "no column 'f_max'"),
        (lambda m: m.assign(r_max=m["r_max"].replace(5, 6)), r"'r_max'.*between 1 and bins=5.*6"),
        (lambda m: m.assign(f_min=m["f_min"].where(m["segment"] != "Lost", 3)), "f_min is above f_max.*'Lost'"),
        (lambda m: m.assign(segment=m["segment"].replace("Lost", "Champions")), "repeats 'Champions'"),
        (lambda m: m.assign(segment=m["segment"].replace("Lost", "Other")), "'Other' is reserved"),
        (lambda m: m.assign(r_min=m["r_min"] + 0.5), "whole scores"),
        (lambda m: m.assign(m_min=1), "both 'm_min' and 'm_max'"),
        (lambda m: m.iloc[:0], "0 rows"),
    ],
)
def test_segment_map_validation(edit, message):
    scores = pd.DataFrame({"r_score": [1], "f_score": [1]})
    with pytest.raises(ValueError, match=message):
        assign_segments(scores, segment_map=edit(default_segment_map()))


def test_assign_segments_rejects_scores_beyond_bins():
    scores = pd.DataFrame({"r_score": [7], "f_score": [1]})
    with pytest.raises(ValueError, match=r"'r_score'.*1 to bins=5.*rescale_segment_map"):
        assign_segments(scores)


def test_default_map_is_fresh_each_time():
    edited = default_segment_map()
    edited.loc[0, "segment"] = "Stars"
    assert default_segment_map().loc[0, "segment"] == "Champions"


def test_rescale_segment_map_to_ten_and_to_three_scores():
    ten = rescale_segment_map(default_segment_map(), bins=10)
    assert len(ten) == 10
    report = check_segment_map(ten, bins=10)
    assert report.loc["Other", "cells_won"] == 0 and report["cells_won"].sum() == 100
    # On three scores, new score k has old score ceil(5 (k - 0.5) / 3): 1, 3, 5.
    three = rescale_segment_map(default_segment_map(), bins=3).set_index("segment")
    assert "Promising" not in three.index  # R = 4 has no counterpart
    assert three.loc["Champions", ["r_min", "r_max", "f_min", "f_max"]].tolist() == [3, 3, 3, 3]
    assert three.loc["Lost", ["r_min", "r_max", "f_min", "f_max"]].tolist() == [1, 1, 1, 1]
    identity = rescale_segment_map(default_segment_map(), bins=5)
    pd.testing.assert_frame_equal(identity, default_segment_map())


# ----------------------------------------------------------------------------- summaries


def test_segment_summary_by_hand():
    segmented = pd.DataFrame(
        {
            "segment": ["Champions", "Lost", "Champions", "Lost"],
            "recency": [2, 300, 4, 200],
            "frequency": [9, 1, 7, 1],
            "monetary": [400.0, 50.0, 500.0, 50.0],
        }
    )
    summary = segment_summary(segmented)
    assert list(summary.index) == [*default_segment_map()["segment"], "Other"]
    assert summary.loc["Champions", ["customers", "revenue", "recency_mean", "frequency_mean"]].tolist() == [
        2,
        900.0,
        3.0,
        8.0,
    ]
    assert summary.loc["Champions", "revenue_share"] == pytest.approx(0.9)
    assert summary.loc["Lost", "customer_share"] == 0.5
    assert summary.loc["Loyal", "customers"] == 0 and np.isnan(summary.loc["Loyal", "monetary_mean"])
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary.loc["Lost", "action"].startswith("One low-cost")


def test_segment_summary_rejects_segments_outside_the_map():
    segmented = pd.DataFrame({"segment": ["Stars"], "recency": [1], "frequency": [1], "monetary": [1.0]})
    with pytest.raises(ValueError, match="'Stars'.*segment_map"):
        segment_summary(segmented)


def test_whole_pipeline_keeps_every_customer(lines):
    table = rfm_table(lines, order="order_id")
    summary = segment_summary(assign_segments(rfm_scores(table)))
    assert summary["customers"].sum() == len(table)
    assert summary["revenue"].sum() == table["monetary"].sum()


def test_channel_mix_by_hand():
    orders = pd.DataFrame(
        {
            "customer_id": pd.array([1, 1, 1, 2, 2, 3, None], dtype="Int64"),
            "channel": ["web", "app", "app", "phone", "phone", None, "web"],
        }
    )
    mix = channel_mix(orders)
    assert list(mix.index) == [1, 2, 3]
    assert mix["channels"].tolist() == [2, 1, 0]
    assert mix["channel_list"].tolist() == ["app + web", "phone", ""]
    assert mix["shopper"].tolist() == ["multichannel", "single-channel", "unknown"]


def test_channel_mix_missing_column():
    with pytest.raises(ValueError, match="no column 'channel'"):
        channel_mix(pd.DataFrame({"customer_id": [1]}))
