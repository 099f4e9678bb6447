"""Exercise 03's checks accept the reference answer and its variants and reject wrong answers.

The references here are computed independently of the checks: by hand with pandas where the
exercise asks for it, and with a written-out score formula for the scores.
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.checks import lesson03 as check
from course_lib.datasets import clean_online_retail, load_online_retail_sample, load_orders
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


def test_rfm_by_hand_accepts_the_reference_and_a_reshaped_copy(lines, table):
    reference = by_hand(lines, lines["customer_id"].dropna().unique().tolist())[["recency", "frequency", "monetary"]]
    # an independent second method agrees with the library on every customer
    pd.testing.assert_frame_equal(
        reference.sort_index(), table[["recency", "frequency", "monetary"]].sort_index(), check_dtype=False
    )
    assert check.rfm_by_hand.evaluate(reference, source="by_hand = ...groupby...").passed
    reshaped = reference.reset_index().iloc[::-1][["monetary", "recency", "customer_id", "frequency"]]
    assert check.rfm_by_hand.evaluate(reshaped.astype({"frequency": "float64"}), source="").passed


def test_rfm_by_hand_rejects_wrong_answers(lines, table):
    everyone = lines["customer_id"].dropna().unique().tolist()
    reference = by_hand(lines, everyone)[["recency", "frequency", "monetary"]]
    # 1. the snapshot a day late
    late_snapshot = check.rfm_by_hand.evaluate(by_hand(lines, everyone, snapshot_offset_days=2)[reference.columns])
    assert not late_snapshot.passed and "recency" in late_snapshot.hint
    # 2. recency from timestamps without .normalize(): off by one day for some customers only
    snapshot = lines["ordered_at"].max() + pd.Timedelta(days=1)
    per_order = lines.groupby(["customer_id", "order_id"]).agg(time=("ordered_at", "min"), net=("amount", "sum"))
    last_time = per_order[per_order["net"] > 0].groupby("customer_id")["time"].max().reindex(reference.index)
    unnormalised = reference.assign(recency=(snapshot - last_time).dt.days)
    n_wrong = int((unnormalised["recency"] != reference["recency"]).sum())
    assert 0 < n_wrong < len(reference) // 10, "the slip must touch only a few customers"
    result = check.rfm_by_hand.evaluate(unnormalised, source="")
    assert not result.passed and ".normalize()" in result.hint and f"for {n_wrong} customers" in result.hint
    # 3. counting lines instead of orders
    counted_lines = reference.assign(frequency=lines.groupby("customer_id").size())
    assert (counted_lines["frequency"] != reference["frequency"]).any(), "the wrong answer must differ"
    result = check.rfm_by_hand.evaluate(counted_lines, source="")
    assert not result.passed and "'frequency'" in result.hint
    # 4. a time span instead of days
    timedelta = check.rfm_by_hand.evaluate(reference.assign(recency=pd.to_timedelta(reference["recency"], unit="D")))
    assert not timedelta.passed and ".dt.days" in timedelta.hint
    # 5. a few customers only (a sample is not the whole answer)
    few = check.rfm_by_hand.evaluate(reference.head(5), source="")
    assert not few.passed and "every customer" in few.hint
    # 6. the forbidden shortcut, even with the right numbers
    shortcut = check.rfm_by_hand.evaluate(reference, source='by_hand = rfm_table(lines, order="order_id")')
    assert not shortcut.passed and "without rfm_table" in shortcut.hint
    assert check.rfm_by_hand.evaluate(reference, source="# no rfm_table( here\nby_hand = x").passed
    # 7. the library's whole table: extra columns are named
    extra = check.rfm_by_hand.evaluate(table, source="")
    assert not extra.passed and "'tenure'" in extra.hint and "extra column" in extra.hint
    # 8. a list instead of a table
    assert "DataFrame" in check.rfm_by_hand.evaluate([1, 2, 3], source="").hint


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
    assert check.actions_per_segment.evaluate(actions).recorded
    assert check.actions_per_segment.evaluate(pd.Series(actions)).recorded
    table = pd.DataFrame({"segment": list(actions), "action": list(actions.values())})
    assert check.actions_per_segment.evaluate(table.iloc[::-1]).recorded
    assert check.actions_per_segment.evaluate(
        {**actions, "Other": "Look at them one by one before any campaign."}
    ).recorded


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
    assert not check.actions_per_segment.evaluate(["a", "b"]).recorded


def test_segment_counts_accept_value_counts_reset_and_name_an_extra_column(table):
    segmented = assign_segments(rfm_scores(table), segment_map=manager_map())
    assert check.segment_counts.evaluate(segmented["segment"].value_counts().reset_index()).passed
    extra = segmented["segment"].value_counts().rename("customers").rename_axis("segment").reset_index()
    result = check.segment_counts.evaluate(extra.assign(share=1.0))
    assert not result.passed and "'share'" in result.hint


def revenue_by_hand(table: pd.DataFrame) -> pd.DataFrame:
    """Revenue per segment with a plain loop over segments (a second method)."""
    segmented = assign_segments(rfm_scores(table), segment_map=manager_map())
    total = segmented["monetary"].sum()
    rows = []
    for name in sorted(segmented["segment"].astype(str).unique()):
        members = segmented[segmented["segment"].astype(str) == name]
        rows.append(
            {
                "segment": name,
                "customers": len(members),
                "revenue": members["monetary"].sum(),
                "revenue_share": members["monetary"].sum() / total,
            }
        )
    return pd.DataFrame(rows)


def test_revenue_per_segment_accepts_the_reference(table):
    reference = revenue_by_hand(table)
    assert abs(reference["revenue"].sum() - table["monetary"].sum()) < 1e-6, "money reconciles"
    assert check.revenue_per_segment.evaluate(reference).passed
    assert check.revenue_per_segment.evaluate(reference.set_index("segment").iloc[::-1]).passed


def test_revenue_per_segment_rejects_wrong_answers(table):
    reference = revenue_by_hand(table)
    percent = check.revenue_per_segment.evaluate(reference.assign(revenue_share=100 * reference["revenue_share"]))
    assert not percent.passed and "percentage" in percent.hint
    customer_share = reference.assign(revenue_share=reference["customers"] / reference["customers"].sum())
    result = check.revenue_per_segment.evaluate(customer_share)
    assert not result.passed and "'revenue_share'" in result.hint
    default_map = assign_segments(rfm_scores(table))
    by_default = (
        default_map.groupby("segment", observed=True)
        .agg(customers=("monetary", "size"), revenue=("monetary", "sum"))
        .reset_index()
    )
    by_default["revenue_share"] = by_default["revenue"] / by_default["revenue"].sum()
    result = check.revenue_per_segment.evaluate(by_default)
    assert not result.passed and "'customers'" in result.hint
    mean_spend = reference.assign(revenue=reference["revenue"] / reference["customers"])
    result = check.revenue_per_segment.evaluate(mean_spend)
    assert not result.passed and "sum of its customers' `monetary`" in result.hint
    junk = check.revenue_per_segment.evaluate(reference.assign(junk=1))
    assert not junk.passed and "'junk'" in junk.hint
    assert "DataFrame" in check.revenue_per_segment.evaluate(["Champions"]).hint


def retail_lines() -> pd.DataFrame:
    clean = clean_online_retail(load_online_retail_sample(), return_report=False)
    return clean.assign(amount=clean["Quantity"] * clean["UnitPrice"]).rename(
        columns={"CustomerID": "customer_id", "InvoiceDate": "ordered_at", "InvoiceNo": "order_id"}
    )


def test_retail_segment_counts_accept_the_reference():
    retail = retail_lines()
    segmented = assign_segments(rfm_scores(rfm_table(retail, order="order_id")))
    by_loop = pd.DataFrame(
        [
            {"segment": name, "customers": len(group), "revenue": group["monetary"].sum()}
            for name, group in segmented.groupby(segmented["segment"].astype(str))
        ]
    )
    assert by_loop["customers"].sum() == retail["customer_id"].nunique()
    assert abs(by_loop["revenue"].sum() - retail["amount"].sum()) < 1e-6, "money reconciles to the lines"
    assert check.retail_segment_counts.evaluate(by_loop).passed


def test_retail_segment_counts_reject_wrong_answers():
    retail = retail_lines()

    def counts(lines, **kwargs):
        segmented = assign_segments(rfm_scores(rfm_table(lines, **kwargs)))
        return (
            segmented.groupby("segment", observed=True)
            .agg(customers=("monetary", "size"), revenue=("monetary", "sum"))
            .reset_index()
        )

    # (counting days instead of invoices gives the same segments on this sample: not a wrong answer here)
    customers_only = counts(retail, order="order_id")
    customers_only.loc[0, "customers"] += 1
    too_many = check.retail_segment_counts.evaluate(customers_only)
    assert not too_many.passed and "'customers' differs" in too_many.hint
    unit_price = check.retail_segment_counts.evaluate(
        counts(retail.assign(amount=retail["UnitPrice"]), order="order_id")
    )
    assert not unit_price.passed and "Quantity × UnitPrice" in unit_price.hint
    raw = load_online_retail_sample().dropna(subset=["CustomerID"])
    raw = raw.assign(amount=raw["Quantity"] * raw["UnitPrice"]).rename(
        columns={"CustomerID": "customer_id", "InvoiceDate": "ordered_at", "InvoiceNo": "order_id"}
    )
    uncleaned = check.retail_segment_counts.evaluate(counts(raw, order="order_id"))
    assert not uncleaned.passed and "clean_online_retail(raw)" in uncleaned.hint
    series = check.retail_segment_counts.evaluate(counts(retail, order="order_id").set_index("segment")["customers"])
    assert not series.passed and "not a Series" in series.hint
    green_fork = check.retail_segment_counts.evaluate(counts(order_values(load_orders()), order="order_id"))
    assert not green_fork.passed and "clean_online_retail" in green_fork.hint


def test_actions_are_recorded_never_correct_and_nonsense_is_refused():
    actions = own_actions()
    result = check.actions_per_segment.evaluate(actions)
    assert result.recorded and "Correct" not in str(result)
    nonsense = check.actions_per_segment.evaluate(dict.fromkeys(actions, "x y z 0"))
    assert not nonsense.recorded and "not a sentence" in nonsense.hint
    numbered = {name: f"x y z {i}" for i, name in enumerate(actions)}
    assert not check.actions_per_segment.evaluate(numbered).recorded


def test_budget_answer_is_recorded_and_must_name_a_segment():
    answer = (
        "I would spend it on the At risk customers: they ordered often and spent well, so a personal "
        "offer may bring them back; first I check their consent to e-mail and to personalisation."
    )
    result = check.budget_segment.evaluate(answer)
    assert result.recorded and not result.passed and "Recorded" in str(result)
    assert "at least 20 words" in check.budget_segment.evaluate("At risk").hint
    unnamed = check.budget_segment.evaluate(
        "I would spend it on the customers who used to order a lot but stopped, since they know the food well and respond."
    )
    assert not unnamed.recorded and "Name the segment" in unnamed.hint
    assert not check.budget_segment.evaluate(["At risk"] * 30).recorded
