"""The planted campaigns, read back with course_lib.experiments, agree with datasets/truth/planted.json.

The CRM's campaign responses carry each campaign's random hold-out. The generator planted an effect
per campaign (veganuary a small gain, the app push a loss among regulars and a gain among the
others, the autumn win-back a gain), and records the exact effect on the contacted by comparing each with what they would have
done without the campaign. These tests check that what a learner computes recovers the sign and
rough size of each, within the precision the hold-out allows, and the group the app push harmed.
"""

from __future__ import annotations

from contextlib import closing

import pandas as pd
import pytest

from course_lib.datasets import connect_crm, load_truth
from course_lib.experiments import mde_conversion, uplift_table


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    with closing(connect_crm()) as crm:
        table = pd.read_sql("SELECT * FROM campaign_responses", crm)
    types = load_truth().customer_types[["customer_id", "type"]]
    return table.merge(types, on="customer_id", how="left", validate="many_to_one")


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return pd.DataFrame(load_truth().planted["campaigns"]).set_index("campaign_id")


@pytest.fixture(scope="module")
def measured(responses) -> pd.DataFrame:
    return uplift_table(responses, responded="ordered_within_14_days").set_index("campaign_id")


def test_the_crm_groups_are_the_planted_ones(measured, planted):
    # Sizes and rates come from the CRM here and from the generator's own record there.
    assert (measured["n_treatment"] + measured["n_holdout"]).to_dict() == planted["audience"].to_dict()
    assert measured["n_holdout"].to_dict() == planted["holdout"].to_dict()
    pd.testing.assert_series_equal(
        measured["rate_treatment"], planted["response_rate_contacted"], check_names=False, atol=5e-5
    )
    pd.testing.assert_series_equal(
        measured["rate_holdout"], planted["response_rate_holdout"], check_names=False, atol=5e-5
    )


def test_every_true_uplift_lies_in_its_95_percent_interval(measured, planted):
    for campaign, truth in planted["true_uplift"].items():
        row = measured.loc[campaign]
        assert row["ci_low"] < truth < row["ci_high"], (campaign, truth, row["ci_low"], row["ci_high"])


def test_the_win_back_is_recovered_in_sign_and_size(measured, planted):
    winback = measured.loc[3]
    assert winback["ci_low"] > 0 and winback["verdict"] == "uplift: the interval excludes 0"
    assert winback["uplift"] == pytest.approx(planted.loc[3, "true_uplift"], abs=0.03)


def test_veganuary_is_positive_but_too_small_a_test_to_confirm(measured, planted):
    row = measured.loc[1]
    assert row["uplift"] > 0  # the right sign...
    # ...but the planted 4 points are far below what a 98-customer hold-out can detect at 80 % power,
    # so "no clear effect" is the honest reading, not "no effect".
    mde = mde_conversion(row["rate_holdout"], int(row["n_treatment"]), int(row["n_holdout"]))
    assert planted.loc[1, "true_uplift"] < mde
    assert row["verdict"] == "no clear effect: the interval includes 0"


def test_the_app_push_averages_out_to_no_clear_effect(measured, planted):
    row = measured.loc[2]
    # The planted harm to regulars and gain among the others nearly cancel out on average...
    assert planted.loc[2, "true_uplift"] < 0 < planted.loc[2, "harm"]["true_uplift_others"]
    # ...so the campaign as a whole shows no clear effect, although half the audience was held out.
    assert row["ci_low"] < 0 < row["ci_high"]
    assert row["verdict"] == "no clear effect: the interval includes 0"


@pytest.fixture(scope="module")
def push_by_regularity(responses, planted) -> pd.DataFrame:
    """The app push audience split by the planted rule, recomputed from the orders before sending."""
    from course_lib.datasets import load_orders

    harm = planted.loc[2, "harm"]
    with closing(connect_crm()) as crm:
        sent_at = pd.Timestamp(pd.read_sql("SELECT sent_at FROM campaigns WHERE campaign_id = 2", crm).iloc[0, 0])
    lines = load_orders()
    window = lines["ordered_at"].between(sent_at - pd.Timedelta(days=harm["regular_window_days"]), sent_at, "left")
    recent = lines.loc[window & (lines["status"] != "cancelled")].groupby("customer_id")["order_id"].nunique()
    push = responses.loc[responses["campaign_id"] == 2].copy()
    regular = push["customer_id"].map(recent).fillna(0) >= harm["regular_min_orders"]
    push["group"] = regular.map({True: "regular", False: "occasional"})
    return push


def test_the_app_push_harms_the_regulars_and_helps_the_others(push_by_regularity, planted):
    harm = planted.loc[2, "harm"]
    push = push_by_regularity
    # The rule read back from the orders finds exactly the planted regulars.
    assert (push["group"] == "regular").sum() == harm["regulars"]
    assert ((push["group"] == "regular") & (push["holdout"] == 1)).sum() == harm["regulars_in_holdout"]
    by_group = uplift_table(push, responded="ordered_within_14_days", segment="group").set_index("group")
    regulars, others = by_group.loc["regular"], by_group.loc["occasional"]
    assert regulars["ci_high"] < 0  # the harm is confirmed where it was planted
    for row, truth in ((regulars, harm["true_uplift_regulars"]), (others, harm["true_uplift_others"])):
        assert row["ci_low"] < truth < row["ci_high"]
    # The two groups differ: the interval of the difference of their uplifts (Wald, independent
    # groups) excludes 0. Each group's standard error is read back from its own interval.
    z = 1.959964
    difference = regulars["uplift"] - others["uplift"]
    se = ((regulars["ci_high"] - regulars["ci_low"]) ** 2 + (others["ci_high"] - others["ci_low"]) ** 2) ** 0.5 / (
        2 * z
    )
    assert difference + z * se < 0


def test_campaign_economics_on_the_orders_recovers_the_win_back_revenue(responses):
    from course_lib.datasets import load_orders
    from course_lib.experiments import campaign_economics

    with closing(connect_crm()) as crm:
        campaigns = pd.read_sql("SELECT campaign_id, sent_at, promo_code FROM campaigns", crm, parse_dates=["sent_at"])
    lines = load_orders().query("status != 'cancelled'")
    lines = lines.assign(gross=lines["quantity"] * lines["unit_price"])
    parts = []
    for campaign in campaigns.itertuples():
        window = lines[
            lines["ordered_at"].between(campaign.sent_at, campaign.sent_at + pd.Timedelta(days=14), inclusive="left")
        ]
        revenue = window.groupby("customer_id")["gross"].sum().rename("revenue")
        discount = window[window["promo_code"] == campaign.promo_code].groupby("customer_id")["discount"].sum()
        part = responses[responses["campaign_id"] == campaign.campaign_id].set_index("customer_id")
        part = part.join(revenue).join(discount.rename("discount")).fillna({"revenue": 0.0, "discount": 0.0})
        parts.append(part.reset_index())
    data = pd.concat(parts, ignore_index=True)
    economics = campaign_economics(data, contact_cost=0.02, margin=0.3).set_index("campaign_id")
    # The cost reconciles with the discounts the contacted customers received with each campaign's code.
    contacted = data[data["holdout"] == 0]
    assert economics["discount_cost"].to_dict() == pytest.approx(
        contacted.groupby("campaign_id")["discount"].sum().to_dict()
    )
    assert economics.loc[2, "discount_cost"] == 0  # the app push offered no discount
    # The win-back's extra 10 points of orders at the average order's value: the interval holds it and excludes 0.
    order_value = lines.groupby("order_id")["gross"].sum().mean()
    winback = economics.loc[3]
    assert winback["incremental_ci_low"] > 0
    assert winback["incremental_ci_low"] < 0.10 * order_value < winback["incremental_ci_high"]


def test_campaign_outcomes_agrees_with_the_window_summed_by_hand(responses):
    """course_lib's response window (lesson 10) gives, customer by customer, the sums computed above by hand."""
    from course_lib.datasets import load_orders
    from course_lib.experiments import campaign_outcomes

    with closing(connect_crm()) as crm:
        campaigns = pd.read_sql("SELECT campaign_id, sent_at, promo_code FROM campaigns", crm, parse_dates=["sent_at"])
    lines = load_orders().query("status != 'cancelled'")
    lines = lines.assign(amount=lines["quantity"] * lines["unit_price"])
    ours = campaign_outcomes(responses, lines, campaigns).set_index(["campaign_id", "customer_id"])
    for campaign in campaigns.itertuples():
        end = campaign.sent_at + pd.Timedelta(days=14)
        window = lines[(lines["ordered_at"] >= campaign.sent_at) & (lines["ordered_at"] < end)]
        in_campaign = ours.loc[campaign.campaign_id]
        revenue = window.groupby("customer_id")["amount"].sum().reindex(in_campaign.index, fill_value=0.0)
        pd.testing.assert_series_equal(in_campaign["revenue"], revenue, check_names=False)
        coded = window[window["promo_code"] == campaign.promo_code]
        discount = coded.groupby("customer_id")["discount"].sum().reindex(in_campaign.index, fill_value=0.0)
        pd.testing.assert_series_equal(in_campaign["discount"], discount, check_names=False)
    assert (ours.loc[2, "discount"] == 0).all()  # the app push had no code


def test_lesson_10_reads_the_push_by_the_rule_written_down_before_sending(planted, push_by_regularity):
    """Lesson 10's reading: with its own order cleaning (no duplicates, no staff tests), the regulars rule
    finds the planted regulars; the regulars' uplift lies below 0, the occasional customers' interval
    includes 0, and the interval of the difference of the two uplifts excludes 0 and holds the truth.
    "Best customers first" by RFM puts the regulars, whom the push harms, at the top of its list."""
    from course_lib.datasets import load_orders
    from course_lib.experiments import uplift_difference
    from course_lib.rfm import order_values, rfm_scores, rfm_table

    harm = planted.loc[2, "harm"]
    with closing(connect_crm()) as crm:
        sent_at = pd.Timestamp(pd.read_sql("SELECT sent_at FROM campaigns WHERE campaign_id = 2", crm).iloc[0, 0])
    orders = load_orders()
    orders = orders[~orders.duplicated() & (orders["category"] != "test")]
    window = orders["ordered_at"].between(sent_at - pd.Timedelta(days=harm["regular_window_days"]), sent_at, "left")
    recent = orders[window & (orders["status"] != "cancelled")].groupby("customer_id")["order_id"].nunique()
    push = push_by_regularity.copy()
    lesson_regular = push["customer_id"].map(recent).fillna(0) >= harm["regular_min_orders"]
    assert lesson_regular.tolist() == (push["group"] == "regular").tolist()  # the same customers as the truth's rule
    by_group = uplift_table(push, responded="ordered_within_14_days", segment="group").set_index("group")
    assert by_group.loc["regular", "ci_high"] < 0
    assert by_group.loc["occasional", "ci_low"] < 0 < by_group.loc["occasional", "ci_high"]
    difference = uplift_difference(by_group, "occasional", "regular", segment="group")
    truth = harm["true_uplift_others"] - harm["true_uplift_regulars"]
    assert 0 < difference["ci_low"] < truth < difference["ci_high"]
    # The response-style ranking: R + F scores on the send day, from the orders before it.
    send_day = sent_at.normalize()
    lines = order_values(orders)
    known = lines[lines["ordered_at"] < send_day]
    scores = rfm_scores(rfm_table(known, order="order_id", as_of=send_day.date()))
    rank = push["customer_id"].map(scores["r_score"] + scores["f_score"]).fillna(2)
    top_half = rank >= rank.median()
    regular = push["group"] == "regular"
    # Its top half holds far more regulars than its bottom half: the harmed customers come first.
    assert regular[top_half].mean() > regular.mean() > regular[~top_half].mean()
    assert regular[top_half].mean() - regular[~top_half].mean() > 0.3
