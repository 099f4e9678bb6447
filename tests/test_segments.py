"""Tests of course_lib.segments on tiny hand-made frames, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.segments import LIFECYCLE_STAGES, lifecycle_stage, segment_table, with_consent


def _dates(*values: str | None) -> pd.Series:
    return pd.to_datetime(list(values), format="%Y-%m-%d")


@pytest.fixture
def view() -> pd.DataFrame:
    # As of 2025-12-31 with 90-day cut-offs (2025-10-02): customer 1 signed up inside the
    # window (new although they ordered), 2 ordered inside it (active), 3 ordered before it
    # (lapsed), 4 never ordered, 5 signed up exactly on the cut-off day (new: the bound is
    # inclusive), 6 ordered exactly on the cut-off day (active).
    return pd.DataFrame(
        {
            "customer_id": pd.array([1, 2, 3, 4, 5, 6], dtype="Int64"),
            "diet": pd.Categorical(
                ["vegan", "vegan", "curious", "curious", None, "vegan"], categories=["vegan", "vegetarian", "curious"]
            ),
            "channel": ["app", "web", "app", "app", "web", "app"],
            "signup_date": _dates("2025-12-20", "2024-05-01", "2024-02-01", "2024-03-01", "2025-10-02", "2024-01-01"),
            "last_order_at": _dates("2025-12-28", "2025-12-01", "2024-06-30", None, None, "2025-10-02"),
            "net_revenue": [20.0, 300.0, 80.0, 0.0, np.nan, 100.0],
            "consent_email": pd.array([True, True, False, True, None, True], dtype="boolean"),
            "consent_personalisation": [True, False, True, True, True, True],
        }
    )


# ------------------------------------------------------------------ lifecycle_stage


def test_lifecycle_stage_follows_the_stated_rule(view):
    staged = lifecycle_stage(view, as_of="2025-12-31", new_days=90, lapsed_days=90)
    assert staged["stage"].tolist() == ["new", "active", "lapsed", "never ordered", "new", "active"]
    assert list(staged["stage"].cat.categories) == list(LIFECYCLE_STAGES)
    assert staged["stage"].cat.ordered


def test_lifecycle_stage_cut_offs_move_customers(view):
    # With 30-day windows (from 2025-12-01): customer 5 is no longer new (never ordered), and
    # customer 6's order of 2025-10-02 is too old (lapsed); 2 ordered on 2025-12-01 (active).
    staged = lifecycle_stage(view, as_of=pd.Timestamp("2025-12-31"), new_days=30, lapsed_days=30)
    assert staged["stage"].tolist() == ["new", "active", "lapsed", "never ordered", "never ordered", "lapsed"]


def test_lifecycle_stage_leaves_the_input_alone(view):
    before = view.copy()
    staged = lifecycle_stage(view, as_of="2025-12-31", stage="lifecycle")
    pd.testing.assert_frame_equal(view, before)
    assert "lifecycle" in staged.columns and "stage" not in staged.columns


def test_lifecycle_stage_refuses_data_after_as_of(view):
    with pytest.raises(ValueError, match=r"\(2025-12-25\) lies before the last date \(2025-12-28\).*'last_order_at'"):
        lifecycle_stage(view, as_of="2025-12-25")
    with pytest.raises(ValueError, match="before the last date.*'signup_date'"):
        lifecycle_stage(view, as_of="2025-12-01")


@pytest.mark.parametrize(("as_of", "error"), [("not a date", ValueError), (20251231, TypeError)])
def test_lifecycle_stage_needs_a_date(view, as_of, error):
    with pytest.raises(error, match="'as_of' parameter"):
        lifecycle_stage(view, as_of=as_of)


def test_lifecycle_stage_default_as_of_is_the_day_after_the_last_date(view):
    last_day = max(view["signup_date"].max(), view["last_order_at"].max()).normalize()
    expected = lifecycle_stage(view, as_of=(last_day + pd.Timedelta(days=1)).date())
    pd.testing.assert_frame_equal(lifecycle_stage(view), expected)
    assert not lifecycle_stage(view).equals(lifecycle_stage(view, as_of="2026-06-30"))


def test_lifecycle_stage_bad_input(view):
    with pytest.raises(ValueError, match="no column 'last_order_at'"):
        lifecycle_stage(view.drop(columns="last_order_at"), as_of="2025-12-31")
    with pytest.raises(TypeError, match="'signup_date'.*must hold datetimes"):
        lifecycle_stage(view.assign(signup_date=view["signup_date"].dt.strftime("%Y-%m-%d")), as_of="2025-12-31")
    with pytest.raises(ValueError, match="'new_days' parameter"):
        lifecycle_stage(view, as_of="2025-12-31", new_days=0)
    with pytest.raises(TypeError, match="'lapsed_days' parameter"):
        lifecycle_stage(view, as_of="2025-12-31", lapsed_days=30.5)


# -------------------------------------------------------------------- segment_table


def test_segment_table_by_hand(view):
    # Customer 5 has no diet and is left out; the others: vegan 1, 2, 6 (420 EUR), curious 3, 4 (80 EUR).
    table = segment_table(view, "diet")
    assert table["diet"].astype(str).tolist() == ["vegan", "curious"]  # categorical order, empty left out
    assert table["customers"].tolist() == [3, 2]
    assert table["customer_share"].tolist() == pytest.approx([3 / 5, 2 / 5])
    assert table["revenue"].tolist() == pytest.approx([420.0, 80.0])
    assert table["revenue_share"].tolist() == pytest.approx([420 / 500, 80 / 500])
    assert table["revenue_per_customer"].tolist() == pytest.approx([140.0, 40.0])


def test_segment_table_two_columns_and_missing_groups(view):
    table = segment_table(view, ["diet", "channel"], dropna=False)
    # Customer 5 (no diet, no revenue) is a group of its own; total revenue is still 500.
    assert table["customers"].sum() == 6
    assert table["customer_share"].sum() == pytest.approx(1.0)
    assert table["revenue_share"].sum() == pytest.approx(1.0)
    vegan_app = table[(table["diet"] == "vegan") & (table["channel"] == "app")]
    assert vegan_app["customers"].item() == 2 and vegan_app["revenue"].item() == pytest.approx(120.0)
    assert table.loc[table["diet"].isna(), "revenue"].item() == 0.0


def test_segment_table_shares_are_missing_without_revenue(view):
    table = segment_table(view.assign(net_revenue=0.0), "channel")
    assert table["revenue_share"].isna().all()
    assert table["customer_share"].tolist() == pytest.approx([4 / 6, 2 / 6])


def test_segment_table_leaves_the_input_alone(view):
    before = view.copy()
    segment_table(view, "channel")
    pd.testing.assert_frame_equal(view, before)


def test_segment_table_bad_input(view):
    with pytest.raises(ValueError, match="no column 'zone'"):
        segment_table(view, "zone")
    with pytest.raises(ValueError, match="one row per id.*like 1.*count twice"):
        segment_table(pd.concat([view, view.head(1)]), "diet")
    with pytest.raises(ValueError, match="missing on 1 row"):
        segment_table(view.assign(customer_id=pd.array([1, 2, 3, 4, 5, None], dtype="Int64")), "diet")
    with pytest.raises(TypeError, match="'net_revenue'.*must be numeric"):
        segment_table(view.assign(net_revenue="12"), "diet")
    with pytest.raises(TypeError, match="'by' parameter"):
        segment_table(view, [])
    with pytest.raises(ValueError, match="0 rows"):
        segment_table(view.head(0), "diet")


# --------------------------------------------------------------------- with_consent


def test_with_consent_keeps_only_a_recorded_yes(view):
    # Customer 3 said no, customer 5's flag is missing (a no).
    assert with_consent(view)["customer_id"].tolist() == [1, 2, 4, 6]
    both = with_consent(view, consent=["consent_email", "consent_personalisation"])
    assert both["customer_id"].tolist() == [1, 4, 6]


def test_with_consent_returns_whole_rows_and_leaves_the_input_alone(view):
    before = view.copy()
    kept = with_consent(view, consent="consent_personalisation")
    pd.testing.assert_frame_equal(view, before)
    pd.testing.assert_frame_equal(kept, view.drop(index=1))


def test_with_consent_bad_input(view):
    with pytest.raises(ValueError, match="no column 'consent_post'"):
        with_consent(view, consent="consent_post")
    with pytest.raises(TypeError, match="'consent_email'.*must hold True/False"):
        with_consent(view.assign(consent_email=[1, 0, 1, 1, 0, 1]))
    with pytest.raises(TypeError, match="'consent' parameter"):
        with_consent(view, consent=[])


# ------------------------------------------------- the customer id as the index (CONTRIBUTING)


def test_per_customer_functions_take_the_id_as_the_index_and_keep_it_there(view):
    indexed = view.set_index("customer_id")
    # The same figures whether the id is a column or the index.
    pd.testing.assert_frame_equal(segment_table(indexed, "diet"), segment_table(view, "diet"))
    assert with_consent(indexed).index.tolist() == [1, 2, 4, 6]
    staged = lifecycle_stage(indexed, as_of="2025-12-31")
    assert staged.index.equals(indexed.index)
    assert staged["stage"].tolist() == lifecycle_stage(view, as_of="2025-12-31")["stage"].tolist()
    with pytest.raises(ValueError, match="one row per id: the index 'customer_id' repeats"):
        segment_table(pd.concat([indexed, indexed.head(1)]), "diet")


def test_with_consent_applies_the_stricter_answer_to_ids_in_the_index(view):
    # Customer 1 is listed twice: yes in the shop, no in the CRM. The ids are the index; before,
    # with_consent read them only from a column and kept the "yes" row.
    twice = pd.concat([view, view.head(1).assign(consent_email=False)]).set_index("customer_id")
    assert with_consent(twice).index.tolist() == [2, 4, 6]
