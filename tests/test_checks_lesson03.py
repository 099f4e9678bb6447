"""Exercise 03's checks accept the reference answer and its variants and reject wrong answers.

The references here are computed independently of the checks: by hand with pandas where the
exercise asks for it, and with a written-out score formula for the scores.
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.checks import lesson03 as check
from course_lib.datasets import load_orders
from course_lib.rfm import assign_segments, default_segment_map, order_values, rfm_scores, rfm_table


@pytest.fixture(scope="module")
def lines():
    orders = load_orders()
    return order_values(orders.drop_duplicates().loc[lambda frame: frame["category"] != "test"])


@pytest.fixture(scope="module")
def table(lines):
    return rfm_table(lines, order="order_id")


def by_hand(lines: pd.DataFrame, customers: list, *, snapshot_offset_days: int = 1) -> pd.DataFrame:
    """RFM of `customers` as the exercise's solution computes it."""
    snapshot = lines["ordered_at"].max().normalize() + pd.Timedelta(days=snapshot_offset_days)
    mine = lines[lines["customer_id"].isin(customers)]
    per_order = (
        mine.assign(day=mine["ordered_at"].dt.normalize())
        .groupby(["customer_id", "order_id"])
        .agg(day=("day", "min"), net=("amount", "sum"))
        .reset_index()
    )
    purchases = per_order[per_order["net"] > 0]
    result = purchases.groupby("customer_id").agg(
        last_day=("day", "max"), frequency=("order_id", "size"), monetary=("net", "sum")
    )
    result["recency"] = (snapshot - result["last_day"]).dt.days
    return result


@pytest.fixture(scope="module")
def few(lines):
    return lines["customer_id"].dropna().drop_duplicates().nsmallest(check.TASK_CUSTOMERS).tolist()


def test_rfm_by_hand_accepts_the_reference_and_a_reshaped_copy(lines, few):
    reference = by_hand(lines, few)
    assert check.rfm_by_hand.evaluate(reference).passed
    reshaped = reference.reset_index().iloc[::-1][["monetary", "recency", "customer_id", "frequency"]]
    assert check.rfm_by_hand.evaluate(reshaped.astype({"frequency": "float64"})).passed


def test_rfm_by_hand_rejects_wrong_answers(lines, few):
    reference = by_hand(lines, few)
    late_snapshot = check.rfm_by_hand.evaluate(by_hand(lines, few, snapshot_offset_days=2))
    assert not late_snapshot.passed and "recency" in late_snapshot.hint
    counted_lines = reference.assign(frequency=lines[lines["customer_id"].isin(few)].groupby("customer_id").size())
    assert (counted_lines["frequency"] != reference["frequency"]).any(), "the wrong answer must differ"
    assert not check.rfm_by_hand.evaluate(counted_lines).passed
    timedelta = check.rfm_by_hand.evaluate(reference.assign(recency=pd.to_timedelta(reference["recency"], unit="D")))
    assert not timedelta.passed and ".dt.days" in timedelta.hint
    everyone = check.rfm_by_hand.evaluate(by_hand(lines, lines["customer_id"].dropna().unique().tolist()))
    assert not everyone.passed and "few" in everyone.hint


def scores_by_formula(table: pd.DataFrame, bins: int) -> pd.DataFrame:
    """score = 1 + floor(bins * (rank - 1) / n), equal values sharing the lowest rank; recency reversed."""
    n = len(table)
    ranks = {
        "r_score": (-table["recency"]).rank(method="min"),
        "f_score": table["frequency"].rank(method="min"),
        "m_score": table["monetary"].rank(method="min"),
    }
    return pd.DataFrame({name: (1 + bins * (rank - 1) // n).astype(int) for name, rank in ranks.items()})


def test_scores_accept_the_reference_and_the_formula(table):
    assert check.scores_four_bins.evaluate(rfm_scores(table, bins=4, ties="min")).passed
    by_formula = scores_by_formula(table, bins=4)
    assert check.scores_four_bins.evaluate(by_formula.reset_index().sample(frac=1, random_state=0)).passed


def test_scores_reject_wrong_answers_with_pointed_hints(table):
    five = check.scores_four_bins.evaluate(rfm_scores(table, bins=5, ties="min"))
    assert not five.passed and "from 1 to 4" in five.hint
    ties_first = check.scores_four_bins.evaluate(rfm_scores(table, bins=4, ties="first"))
    assert not ties_first.passed and "ties" in ties_first.hint
    upside_down = scores_by_formula(table.assign(recency=-table["recency"]), bins=4)
    result = check.scores_four_bins.evaluate(upside_down)
    assert not result.passed and "upside down" in result.hint


def manager_map() -> pd.DataFrame:
    segment_map = default_segment_map()
    segment_map.loc[7, "f_min"] = 2  # row 7 is "At risk"
    assert segment_map.loc[7, "segment"] == "At risk"
    return segment_map


def test_segment_counts_accept_a_table_and_value_counts(table):
    segmented = assign_segments(rfm_scores(table), segment_map=manager_map())
    reference = segmented.groupby("segment", observed=True).agg(customers=("recency", "size")).reset_index()
    assert check.segment_counts.evaluate(reference).passed
    assert check.segment_counts.evaluate(segmented["segment"].value_counts()).passed  # "Other" with 0 included
    assert check.segment_counts.evaluate(reference.set_index("segment").iloc[::-1]).passed


def test_segment_counts_reject_the_default_map_and_wrong_counts(table):
    default = assign_segments(rfm_scores(table))["segment"].value_counts()
    result = check.segment_counts.evaluate(default)
    assert not result.passed and "default map" in result.hint
    segmented = assign_segments(rfm_scores(table), segment_map=manager_map())
    off_by_one = segmented["segment"].value_counts().rename("customers").rename_axis("segment").reset_index()
    off_by_one.loc[0, "customers"] += 1
    assert not check.segment_counts.evaluate(off_by_one).passed
    assert not check.segment_counts.evaluate(len(segmented)).passed


def own_actions() -> dict[str, str]:
    return {
        "Champions": "Invite them to taste new dishes first and to review them.",
        "Loyal": "Offer a weekly lunch subscription with a free dessert.",
        "Potential loyalist": "Suggest dishes like their favourites and the loyalty card.",
        "New customers": "Send an after-first-shop voucher valid for ten days.",
        "Promising": "Show the week's menu for the category they tried.",
        "Need attention": "Ask what would bring them back this week, with a small gift.",
        "About to sleep": "Remind them of a popular new dish with a short offer.",
        "At risk": "Write personally, offer a meaningful discount, ask what changed.",
        "Can't lose them": "Call them personally with a strong win-back offer.",
        "Lost": "Send one low-cost reactivation e-mail, then stop.",
    }


def test_actions_accept_a_dict_a_series_and_a_table():
    actions = own_actions()
    assert check.actions_per_segment.evaluate(actions).passed
    assert check.actions_per_segment.evaluate(pd.Series(actions)).passed
    table = pd.DataFrame({"segment": list(actions), "action": list(actions.values())})
    assert check.actions_per_segment.evaluate(table.iloc[::-1]).passed
    assert check.actions_per_segment.evaluate(
        {**actions, "Other": "Look at them one by one before any campaign."}
    ).passed


def test_actions_reject_gaps_typos_copies_and_repeats():
    actions = own_actions()
    missing = check.actions_per_segment.evaluate({k: v for k, v in actions.items() if k != "Lost"})
    assert not missing.passed and "'Lost'" in missing.hint
    typo = check.actions_per_segment.evaluate({**actions, "Champion": actions["Champions"]})
    assert not typo.passed and "Champion" in typo.hint
    short = check.actions_per_segment.evaluate({**actions, "Loyal": "discount"})
    assert not short.passed and "'Loyal'" in short.hint
    library = default_segment_map().set_index("segment")["action"]
    copied = check.actions_per_segment.evaluate({**actions, "At risk": library["At risk"]})
    assert not copied.passed and "own words" in copied.hint
    same = check.actions_per_segment.evaluate(dict.fromkeys(actions, "Send them a ten percent discount code."))
    assert not same.passed and "same" in same.hint
    assert not check.actions_per_segment.evaluate(["a", "b"]).passed
