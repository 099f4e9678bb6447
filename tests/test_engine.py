"""The fast paths of course_lib._engine give the same results as the readable public code.

Hypothesis draws small random order tables with everything that makes RFM
tricky: ties (several lines, orders or customers on one day), refunds and days
that net to zero, one-purchase customers, missing values, int and text ids,
with and without order ids. Amounts are multiples of 0.25, so every sum is
exact in binary and the two paths must agree to the last bit.
"""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import rfm
from course_lib._engine import rfm as rfm_engine

ROW = st.tuples(
    st.one_of(st.none(), st.integers(1, 6)),  # customer (None: a guest)
    st.integers(0, 12),  # day offset
    st.integers(0, 23),  # hour
    st.one_of(st.none(), st.integers(-8, 20).map(lambda quarters: quarters / 4)),  # amount, refunds negative
    st.integers(0, 2),  # which of the customer's orders
)


def _table(rows: list[tuple], *, text_ids: bool, tz: str | None) -> pd.DataFrame:
    customers = [customer for customer, *_ in rows]
    ordered_at = pd.Timestamp("2024-03-01") + pd.to_timedelta(
        [day * 24 + hour for _, day, hour, _, _ in rows], unit="h"
    )
    if tz is not None:
        ordered_at = ordered_at.tz_localize(tz)
    # An order belongs to one customer: its id is made from the customer's.
    order = [None if customer is None else customer * 10 + k for customer, *_, k in rows]
    if text_ids:
        customer_ids = pd.array([None if c is None else f"C{c:03d}" for c in customers], dtype="str")
        order_ids = pd.array([None if o is None else f"O{o}" for o in order], dtype="str")
    else:
        customer_ids = pd.array(customers, dtype="Int64")
        order_ids = pd.array(order, dtype="Int64")
    return pd.DataFrame(
        {
            "order_id": order_ids,
            "customer_id": customer_ids,
            "ordered_at": ordered_at,
            "amount": [np.nan if amount is None else amount for *_, amount, _ in rows],
        }
    )


def _both_paths(lines: pd.DataFrame, **kwargs):
    """rfm_table's result (or error) through pandas and through the engine."""
    results = []
    for threshold in (10**12, 0):  # never the engine, always the engine
        with mock.patch.object(rfm, "_ENGINE_FROM_ROWS", threshold):
            try:
                results.append(rfm.rfm_table(lines, return_report=True, **kwargs))
            except ValueError as error:
                results.append(str(error))
    return results


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(ROW, min_size=1, max_size=40),
    text_ids=st.booleans(),
    by_order=st.booleans(),
    tz=st.sampled_from([None, "America/Bogota"]),
    extra_days=st.one_of(st.none(), st.integers(0, 30)),
)
def test_rfm_engine_equals_the_pandas_path(rows, text_ids, by_order, tz, extra_days):
    lines = _table(rows, text_ids=text_ids, tz=tz)
    as_of = None
    if extra_days is not None and lines["ordered_at"].notna().any():
        last = lines["ordered_at"].max()
        as_of = (last.tz_localize(None) if last.tz else last).normalize() + pd.Timedelta(days=extra_days)
        as_of = as_of.date()
    in_pandas, in_engine = _both_paths(lines, order="order_id" if by_order else None, as_of=as_of)
    if isinstance(in_pandas, str) or isinstance(in_engine, str):
        assert in_pandas == in_engine  # the same error, word for word
        return
    pd.testing.assert_frame_equal(in_engine[0], in_pandas[0], check_exact=True)
    pd.testing.assert_frame_equal(in_engine[1], in_pandas[1], check_exact=True)


def test_rfm_engine_equals_a_by_hand_example():
    """An independent check of both paths: a table small enough to count on paper."""
    lines = pd.DataFrame(
        {
            "order_id": [1, 1, 2, 3, 4, 5],
            "customer_id": ["b", "b", "b", "a", "a", "c"],
            "ordered_at": pd.to_datetime(
                [
                    "2024-01-01 09:00",
                    "2024-01-01 10:00",
                    "2024-01-01 20:00",
                    "2024-01-03 12:00",
                    "2024-01-05 12:00",
                    "2024-01-09 12:00",
                ]
            ),
            "amount": [10.0, 5.0, 7.0, 20.0, -20.0, 4.0],
        }
    )
    # By order: b has two purchases on 1 Jan (15 and 7); a's second order is a refund (-20),
    # so one purchase on 3 Jan and monetary 0; c one purchase. Snapshot: 10 Jan.
    expected_by_order = pd.DataFrame(
        {
            "recency": [7, 9, 1],
            "frequency": [1, 2, 1],
            "monetary": [0.0, 22.0, 4.0],
            "mean_order_value": [0.0, 11.0, 4.0],
            "tenure": [7, 9, 1],
        },
        index=pd.Index(["a", "b", "c"], name="customer_id", dtype="str"),
    )
    # By day: b's two orders of 1 Jan are one purchase worth 22.
    expected_by_day = expected_by_order.assign(frequency=[1, 1, 1], mean_order_value=[0.0, 22.0, 4.0])
    for order, expected in (("order_id", expected_by_order), (None, expected_by_day)):
        in_pandas, in_engine = _both_paths(lines, order=order)
        pd.testing.assert_frame_equal(in_pandas[0], expected)
        pd.testing.assert_frame_equal(in_engine[0], expected)


def test_the_engine_is_used_on_large_tables_only():
    lines = pd.DataFrame(
        {"customer_id": [1], "ordered_at": pd.to_datetime(["2024-01-01"]), "amount": [5.0]},
    )
    with mock.patch.object(rfm_engine, "rfm_table", side_effect=AssertionError("engine called")):
        rfm.rfm_table(lines)  # small: pandas
        with mock.patch.object(rfm, "_ENGINE_FROM_ROWS", 1), pytest.raises(AssertionError, match="engine called"):
            rfm.rfm_table(lines)


# --------------------------------------------------------------------------------------
# journey: the engine's sorted log against a per-session loop in plain Python
# --------------------------------------------------------------------------------------

STAGES = ["visit", "view_menu", "add_to_cart", "pay"]
EVENT = st.one_of(st.none(), st.sampled_from([*STAGES, "payment_failed", "contact_support"]))
LOG_ROW = st.tuples(st.one_of(st.none(), st.integers(1, 5)), st.one_of(st.none(), st.integers(0, 6)), EVENT)


def _funnel_by_hand(events: pd.DataFrame, stages: list[str], mode: str) -> list[int]:
    """Sessions reaching each stage, walking each session's events in time order (ties: log order)."""
    complete = events.dropna(subset=["session_id", "timestamp", "event"])
    ordered = complete.sort_values(["session_id", "timestamp"], kind="stable")
    reached = [0] * len(stages)
    for _, journey in ordered.groupby("session_id", sort=False):
        if mode == "strict":  # the next stage must come after the one before it
            k = 0
            for name in journey["event"]:
                if k < len(stages) and name == stages[k]:
                    k += 1
        else:  # every stage up to k, in any order
            seen = set(journey["event"])
            k = next((i for i, stage in enumerate(stages) if stage not in seen), len(stages))
        for i in range(k):
            reached[i] += 1
    return reached


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(LOG_ROW, min_size=1, max_size=40),
    text_ids=st.booleans(),
    mode=st.sampled_from(["strict", "any_order"]),
)
def test_journey_engine_funnel_equals_a_loop_over_sessions(rows, text_ids, mode):
    from course_lib.journey import funnel

    sessions = [None if s is None else (f"s{s}" if text_ids else s) for s, _, _ in rows]
    events = pd.DataFrame(
        {
            "session_id": pd.array(sessions, dtype="str" if text_ids else "Int64"),
            "timestamp": pd.to_datetime(
                [None if m is None else pd.Timestamp("2024-05-01") + pd.Timedelta(minutes=m) for _, m, _ in rows]
            ),
            "event": pd.array([e for _, _, e in rows], dtype="str"),
        }
    )
    expected = _funnel_by_hand(events, STAGES, mode)
    if sum(expected) == 0 and events.dropna().empty:
        with pytest.raises(ValueError, match="No row of `events` has all of"):
            funnel(events, stages=STAGES, mode=mode)
        return
    assert funnel(events, stages=STAGES, mode=mode)["reached"].tolist() == expected
