"""Exercise 01's checks accept the reference answer and its variants and reject wrong answers.

The reference answers are computed here with plain pandas, the way the solution
notebook does, independently of the course_lib.segments functions the checks use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.checks import lesson01 as check
from course_lib.customer_view import customer_view
from course_lib.datasets import load_customers, load_orders


@pytest.fixture(scope="module")
def data():
    orders = load_orders()
    orders = orders[orders["category"] != "test"]
    view = customer_view(load_customers(), orders=orders)
    return view, orders["ordered_at"].max()


def _stages(view, as_of, *, new_days=60, lapsed_days=120):
    new = view["signup_date"] >= as_of - pd.Timedelta(days=new_days)
    active = view["last_order_at"] >= as_of - pd.Timedelta(days=lapsed_days)
    ordered = view["last_order_at"].notna()
    stage = np.select([new, active, ordered], ["new", "active", "lapsed"], default="never ordered")
    return view[["customer_id"]].assign(stage=stage)


def _sizes(view, stages, by, *, dropna=True):
    return (
        view[["customer_id", "net_revenue"]]
        .merge(stages, on="customer_id")
        .groupby(by, observed=True, dropna=dropna)
        .agg(customers=("customer_id", "size"), revenue=("net_revenue", "sum"))
        .assign(
            customer_share=lambda table: table["customers"] / table["customers"].sum(),
            revenue_share=lambda table: table["revenue"] / table["revenue"].sum(),
        )
        .reset_index()
    )


@pytest.fixture(scope="module")
def diet_channel(data):
    view, _ = data
    return _sizes(view, view[["customer_id", "diet", "acquisition_channel"]], ["diet", "acquisition_channel"])


def test_diet_channel_segments(data, diet_channel):
    view, _ = data
    assert len(diet_channel) == 16 and diet_channel["diet"].notna().all()
    assert check.diet_channel_segments.evaluate(diet_channel).passed
    # Variants: key columns in the index, rows and columns shuffled, diet as text.
    assert check.diet_channel_segments.evaluate(diet_channel.set_index(["diet", "acquisition_channel"])).passed
    shuffled = diet_channel.sample(frac=1, random_state=0)[diet_channel.columns[::-1]]
    assert check.diet_channel_segments.evaluate(shuffled.astype({"diet": str})).passed
    # Wrong: shares of the whole customer base (business accounts included).
    whole = diet_channel.assign(customer_share=diet_channel["customers"] / len(view))
    result = check.diet_channel_segments.evaluate(whole)
    assert not result.passed and "adds up to" in result.hint
    percent = check.diet_channel_segments.evaluate(
        diet_channel.assign(revenue_share=100 * diet_channel["revenue_share"])
    )
    assert not percent.passed and "not a percentage" in percent.hint
    # Wrong: business accounts kept as a diet-less group.
    segments = view[["customer_id", "diet", "acquisition_channel"]]
    with_business = _sizes(view, segments, ["diet", "acquisition_channel"], dropna=False)
    assert with_business["diet"].isna().any()
    result = check.diet_channel_segments.evaluate(with_business)
    assert not result.passed and "business accounts" in result.hint
    # Wrong: segmented by diet only.
    assert not check.diet_channel_segments.evaluate(_sizes(view, view[["customer_id", "diet"]], "diet")).passed
    missing = check.diet_channel_segments.evaluate(diet_channel.drop(columns="revenue"))
    assert not missing.passed and "'revenue'" in missing.hint
    extra = check.diet_channel_segments.evaluate(diet_channel.assign(junk=1))
    assert not extra.passed and "'junk'" in extra.hint


def test_lifecycle_stages(data):
    view, as_of = data
    stages = _stages(view, as_of)
    assert set(stages["stage"]) == {"new", "active", "lapsed", "never ordered"}
    assert check.lifecycle_stages.evaluate(stages).passed
    # Variants: a Series indexed by customer id, a categorical stage column.
    assert check.lifecycle_stages.evaluate(stages.set_index("customer_id")["stage"]).passed
    assert check.lifecycle_stages.evaluate(stages.assign(stage=pd.Categorical(stages["stage"]))).passed
    # Wrong: the whole view with a stage column: the extra columns are named.
    whole = check.lifecycle_stages.evaluate(view.assign(stage=pd.Categorical(stages["stage"])))
    assert not whole.passed and "extra column" in whole.hint and "'diet'" in whole.hint
    # Wrong: the lesson's 90-day cut-offs instead of the exercise's.
    result = check.lifecycle_stages.evaluate(_stages(view, as_of, new_days=90, lapsed_days=90))
    assert not result.passed and "new" in result.hint
    # Wrong: rules applied in the wrong order (active before new).
    new = view["signup_date"] >= as_of - pd.Timedelta(days=60)
    active = view["last_order_at"] >= as_of - pd.Timedelta(days=120)
    reordered = np.select([active, new, view["last_order_at"].notna()], ["active", "new", "lapsed"], "never ordered")
    assert not check.lifecycle_stages.evaluate(view[["customer_id"]].assign(stage=reordered)).passed
    labels = check.lifecycle_stages.evaluate(stages.replace({"stage": {"lapsed": "Lapsed"}}))
    assert not labels.passed and "'Lapsed'" in labels.hint
    positional = check.lifecycle_stages.evaluate(stages["stage"])
    assert not positional.passed and "index is `customer_id`" in positional.hint
    assert not check.lifecycle_stages.evaluate(stages.head(100)).passed


def test_stage_sizes(data):
    view, as_of = data
    stages = _stages(view, as_of)
    sizes = _sizes(view, stages, "stage")
    assert sizes["customers"].sum() == len(view)
    assert check.stage_sizes.evaluate(sizes).passed
    assert check.stage_sizes.evaluate(sizes.set_index("stage").iloc[::-1]).passed
    no_revenue = check.stage_sizes.evaluate(sizes.drop(columns="revenue"))
    assert not no_revenue.passed and "'revenue'" in no_revenue.hint
    extra = check.stage_sizes.evaluate(sizes.assign(mean_revenue=sizes["revenue"] / sizes["customers"]))
    assert not extra.passed and "'mean_revenue'" in extra.hint
    wrong = _sizes(view, _stages(view, as_of, new_days=90, lapsed_days=90), "stage")
    result = check.stage_sizes.evaluate(wrong)
    assert not result.passed and "task 2" in result.hint
    assert not check.stage_sizes.evaluate(sizes.assign(revenue_share=sizes["customer_share"])).passed


def test_win_back_audience(data):
    view, as_of = data
    candidates = view.merge(_stages(view, as_of), on="customer_id")
    candidates = candidates[(candidates["stage"] == "lapsed") & (candidates["n_orders"] >= 2)]
    audience = candidates.loc[candidates["consent_email"] & candidates["consent_personalisation"], "customer_id"]
    assert 0 < len(audience) < len(candidates)
    assert check.win_back_audience.evaluate(audience).passed
    assert check.win_back_audience.evaluate(audience.tolist()[::-1]).passed
    assert check.win_back_audience.evaluate(set(audience.to_numpy())).passed
    email_only = check.win_back_audience.evaluate(candidates.loc[candidates["consent_email"], "customer_id"])
    assert not email_only.passed and "personalisation" in email_only.hint
    everyone = check.win_back_audience.evaluate(candidates["customer_id"])
    assert not everyone.passed and "e-mails" in everyone.hint
    one_order = view.merge(_stages(view, as_of), on="customer_id").query("stage == 'lapsed'")
    one_order = one_order.loc[one_order["consent_email"] & one_order["consent_personalisation"], "customer_id"]
    result = check.win_back_audience.evaluate(one_order)
    assert not result.passed and "fewer than 2" in result.hint
    table = check.win_back_audience.evaluate(candidates)
    assert not table.passed and "customer ids only" in table.hint
    assert not check.win_back_audience.evaluate(audience.head(10)).passed


def _earlier(customers, orders, *, keep_later_signups=False, keep_later_orders=False):
    """Customers per stage 182 days before the last order, with plain pandas (the solution's way)."""
    earlier = orders["ordered_at"].max() - pd.Timedelta(days=check.EARLIER_DAYS)
    if not keep_later_signups:
        customers = customers[customers["signup_date"] <= earlier]
    if not keep_later_orders:
        orders = orders[orders["ordered_at"] <= earlier]
    view = customer_view(customers, orders=orders)
    return _stages(view, earlier)["stage"].value_counts()


def test_earlier_stage_sizes():
    customers, orders = load_customers(), load_orders()
    orders = orders[orders["category"] != "test"]
    sizes = _earlier(customers, orders)
    earlier = orders["ordered_at"].max() - pd.Timedelta(days=check.EARLIER_DAYS)
    assert sizes.sum() == (customers["signup_date"] <= earlier).sum(), "every customer of the time gets a stage"
    assert check.earlier_stage_sizes.evaluate(sizes).passed
    assert check.earlier_stage_sizes.evaluate(sizes.reset_index()).passed
    later_signups = check.earlier_stage_sizes.evaluate(_earlier(customers, orders, keep_later_signups=True))
    assert not later_signups.passed and "signed up after" in later_signups.hint
    later_orders = check.earlier_stage_sizes.evaluate(_earlier(customers, orders, keep_later_orders=True))
    assert not later_orders.passed and "orders placed after" in later_orders.hint
    today = check.earlier_stage_sizes.evaluate(
        _stages(customer_view(customers, orders=orders), orders["ordered_at"].max())["stage"].value_counts()
    )
    assert not today.passed and "'customers' differs" in today.hint
    extra = check.earlier_stage_sizes.evaluate(
        sizes.rename("customers").rename_axis("stage").reset_index().assign(share=0.1)
    )
    assert not extra.passed and "'share'" in extra.hint


def test_general_message_is_recorded():
    text = (
        "Those who accept e-mails but not personalisation get the same seasonal menu as everyone, built "
        "from nothing they ordered; e-mailing everyone would break what they chose and cost their trust."
    )
    result = check.general_message.evaluate(text)
    assert result.recorded and not result.passed and "Correct" not in str(result)
    assert "at least 20 words" in check.general_message.evaluate("send a newsletter").hint
    assert not check.general_message.evaluate(42).recorded
