"""Tests of course_lib.experiments against scipy.stats, hand-worked examples and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from course_lib.experiments import (
    break_even_uplift,
    campaign_economics,
    campaign_outcomes,
    mde_conversion,
    mde_revenue,
    sample_size_conversion,
    sample_size_revenue,
    uplift_difference,
    uplift_table,
)


def _power_two_proportions(p0: float, p1: float, n1: int, n0: int, alpha: float = 0.05) -> float:
    """Power of the unpooled two-sided z-test, computed directly from the normal distribution."""
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    z_crit = stats.norm.ppf(1 - alpha / 2)
    shift = (p1 - p0) / se
    return stats.norm.sf(z_crit - shift) + stats.norm.cdf(-z_crit - shift)


def _responses(counts: dict[str, tuple[int, int, int, int]]) -> pd.DataFrame:
    """Rows from {campaign: (contacted, contacted responders, held out, held-out responders)}."""
    frames = []
    for campaign, (n1, r1, n0, r0) in counts.items():
        frames.append(
            pd.DataFrame(
                {
                    "campaign_id": campaign,
                    "holdout": [False] * n1 + [True] * n0,
                    "responded": [True] * r1 + [False] * (n1 - r1) + [True] * r0 + [False] * (n0 - r0),
                }
            )
        )
    data = pd.concat(frames, ignore_index=True)
    data["customer_id"] = range(len(data))
    return data


# ------------------------------------------------------------------ sample size and MDE


def test_sample_size_conversion_matches_the_formula_worked_by_hand():
    # 10 % -> 15 %, alpha 5 % two-sided, power 80 %: (1.959964 + 0.841621)^2 = 7.848879;
    # p1q1 + p0q0 = 0.1275 + 0.09 = 0.2175; 7.848879 * 0.2175 / 0.05^2 = 682.85 -> 683.
    assert sample_size_conversion(0.10, 0.05) == 683
    # One held-out customer for four contacted: 7.848879 * (0.1275 + 0.09 / 0.25) / 0.0025 = 1530.5 -> 1531.
    assert sample_size_conversion(0.10, 0.05, holdout_ratio=0.25) == 1531
    # A new offer nobody takes without the message: 7.848879 * 0.0475 / 0.0025 = 149.1 -> 150.
    assert sample_size_conversion(0.0, 0.05) == 150


@pytest.mark.parametrize(
    ("p0", "uplift", "ratio"), [(0.10, 0.05, 1.0), (0.3, 0.04, 1 / 9), (0.06, 0.10, 0.25), (0.4, -0.1, 1.0)]
)
def test_sample_size_gives_the_power_asked_and_one_less_does_not(p0, uplift, ratio):
    n = sample_size_conversion(p0, uplift, holdout_ratio=ratio)
    # The exact power, computed independently, reaches 80 % at n (up to the ignored far tail)...
    assert _power_two_proportions(p0, p0 + uplift, n, n * ratio) >= 0.8 - 1e-3
    # ...and a clearly smaller test falls short.
    assert _power_two_proportions(p0, p0 + uplift, int(n * 0.9), int(n * 0.9) * ratio) < 0.8


def test_mde_conversion_is_the_inverse_of_the_sample_size():
    n = sample_size_conversion(0.2, 0.03)
    assert mde_conversion(0.2, n, n) == pytest.approx(0.03, abs=5e-5)
    # More customers see smaller effects.
    assert mde_conversion(0.2, 4 * n, 4 * n) < mde_conversion(0.2, n, n)


def test_mde_conversion_is_inf_when_no_effect_can_be_seen():
    assert mde_conversion(0.5, 1, 1) == math.inf


def test_sample_size_and_mde_revenue_by_hand():
    # sd 20 euros, detect 2 euros: 7.848879 * (400 + 400) / 4 = 1569.8 -> 1570.
    assert sample_size_revenue(20, 2) == 1570
    assert sample_size_revenue(20, 2, sd_holdout=10, holdout_ratio=0.5) == math.ceil(7.848879 * (400 + 100 / 0.5) / 4)
    assert mde_revenue(20, 1570, 1570) == pytest.approx(2.0, abs=1e-3)
    assert mde_revenue(20, 100, 50, sd_holdout=10) == pytest.approx(2.801585 * math.sqrt(4 + 2))


@pytest.mark.parametrize(
    ("call", "names"),
    [
        (lambda: sample_size_conversion(0.1, 0.05, holdout_ratio=0), "holdout_ratio"),
        (lambda: sample_size_conversion(0.1, 0), "uplift"),
        (lambda: sample_size_conversion(0.95, 0.1), "uplift"),
        (lambda: sample_size_conversion(1.5, 0.1), "baseline"),
        (lambda: sample_size_conversion(0.1, 0.05, power=80), "power"),
        (lambda: sample_size_conversion(0.1, 0.05, alpha=0), "alpha"),
        (lambda: sample_size_revenue(-1, 2), "sd"),
        (lambda: sample_size_revenue(20, 0), "difference"),
        (lambda: mde_conversion(0.1, 500, 0), "n_holdout"),
        (lambda: mde_revenue(20, 0, 10), "n_treatment"),
        (lambda: break_even_uplift(baseline=0.1, order_value=0, margin=0.3), "order_value"),
        (lambda: break_even_uplift(baseline=0.1, order_value=30, margin=30), "margin"),
        (lambda: break_even_uplift(baseline=0.1, order_value=30, margin=0.3, discount=-1), "discount"),
    ],
)
def test_bad_parameters_are_named(call, names):
    with pytest.raises(ValueError, match=names):
        call()


def test_a_holdout_of_zero_explains_why():
    with pytest.raises(ValueError, match="without a hold-out"):
        mde_conversion(0.1, 500, 0)


# ------------------------------------------------------------------ break-even


def test_break_even_uplift_worked_example_and_its_meaning():
    # 30 euro orders, 30 % margin, 4.50 euros off, 5 cents a message, 10 % would order anyway:
    # per contacted customer the campaign costs 0.05 + 0.10 * 4.50 = 0.50 and each extra order
    # earns 0.30 * 30 - 4.50 = 4.50, so it pays from 0.50 / 4.50 = 11.1 points of uplift.
    u = break_even_uplift(baseline=0.10, order_value=30, margin=0.30, discount=4.5, contact_cost=0.05)
    assert u == pytest.approx(0.5 / 4.5)
    # At that uplift the profit per contacted customer is 0; above it is positive.
    profit = lambda up: up * (0.30 * 30 - 4.5) - 0.05 - (0.10 + up) * 4.5 + up * 4.5  # noqa: E731
    assert profit(u) == pytest.approx(0)
    assert profit(u + 0.01) > 0
    assert break_even_uplift(baseline=0.2, order_value=30, margin=0.3) == 0
    assert break_even_uplift(baseline=0.1, order_value=30, margin=0.1, discount=3) == math.inf


# ------------------------------------------------------------------ uplift table


def test_uplift_table_test_agrees_with_scipy_chi_square_and_the_interval_by_hand():
    data = _responses({"spring": (200, 50, 200, 30), "autumn": (400, 60, 100, 12)})
    result = uplift_table(data).set_index("campaign_id")
    for campaign, (n1, r1, n0, r0) in {"spring": (200, 50, 200, 30), "autumn": (400, 60, 100, 12)}.items():
        table = np.array([[r1, n1 - r1], [r0, n0 - r0]])
        chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
        assert result.loc[campaign, "z"] ** 2 == pytest.approx(chi2)
        assert result.loc[campaign, "p_value"] == pytest.approx(p)
        p1, p0 = r1 / n1, r0 / n0
        half = 1.959964 * math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
        assert result.loc[campaign, "uplift"] == pytest.approx(p1 - p0)
        assert result.loc[campaign, "ci_low"] == pytest.approx(p1 - p0 - half, abs=1e-6)
        assert result.loc[campaign, "ci_high"] == pytest.approx(p1 - p0 + half, abs=1e-6)
    assert np.sign(result.loc["autumn", "z"]) == np.sign(0.15 - 0.12)


def test_uplift_table_by_segment_and_too_small_segments_say_so():
    data = _responses({"spring": (300, 90, 300, 60)})
    data["segment"] = np.where(data.index % 30 == 0, "Tiny", "Big")  # 20 customers in "Tiny"
    before = data.copy()
    result = uplift_table(data, segment="segment").set_index("segment")
    pd.testing.assert_frame_equal(data, before)  # the input is not modified
    assert result.loc["Tiny", "too_small"]
    assert result.loc["Tiny", "verdict"].startswith("too small to tell")
    assert result.loc[["Tiny"], ["uplift", "ci_low", "ci_high", "z", "p_value"]].isna().all(axis=None)
    assert not result.loc["Big", "too_small"]
    big = data.loc[data["segment"] == "Big"]
    r1 = big.loc[~big["holdout"], "responded"].mean()
    r0 = big.loc[big["holdout"], "responded"].mean()
    assert result.loc["Big", "uplift"] == pytest.approx(r1 - r0)
    assert result[["n_treatment", "n_holdout"]].sum().tolist() == [300, 300]


def test_uplift_table_accepts_zero_one_columns_as_sqlite_stores_them():
    data = _responses({1: (200, 50, 200, 30)})
    as_ints = data.assign(holdout=data["holdout"].astype(int), responded=data["responded"].astype(int))
    pd.testing.assert_frame_equal(uplift_table(as_ints), uplift_table(data))


def test_uplift_table_bad_input():
    data = _responses({"spring": (200, 50, 0, 0), "autumn": (200, 50, 100, 20)})
    with pytest.raises(ValueError, match=r"no hold-out customers for campaign_id 'spring'"):
        uplift_table(data)
    ok = _responses({"spring": (200, 50, 100, 20)})
    with pytest.raises(ValueError, match="'responded'.*missing"):
        uplift_table(ok.assign(responded=ok["responded"].astype(object).where(ok.index > 0)))
    with pytest.raises(TypeError, match="'holdout'.*True/False or 0/1"):
        uplift_table(ok.assign(holdout="yes"))
    with pytest.raises(ValueError, match="more than once"):
        uplift_table(ok.assign(customer_id=0))
    with pytest.raises(ValueError, match="segment"):
        uplift_table(ok, segment="segment")


# ------------------------------------------------------------------ economics


def _economics_data(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n1, n0 = 600, 150
    holdout = np.r_[np.zeros(n1, bool), np.ones(n0, bool)]
    ordered = rng.random(n1 + n0) < np.where(holdout, 0.10, 0.18)
    revenue = np.where(ordered, rng.gamma(4, 7.5, n1 + n0), 0.0).round(2)
    discount = np.where(ordered & ~holdout, (revenue * 0.15).round(2), 0.0)
    return pd.DataFrame({"campaign_id": 1, "holdout": holdout, "revenue": revenue, "discount": discount})


def test_campaign_economics_matches_welch_from_scipy_and_money_reconciles():
    data = _economics_data()
    row = campaign_economics(data, contact_cost=0.05, margin=0.3).iloc[0]
    treated, held = data.loc[~data["holdout"], "revenue"], data.loc[data["holdout"], "revenue"]
    welch = stats.ttest_ind(treated, held, equal_var=False)
    ci = welch.confidence_interval(0.95)
    assert row["incremental_per_customer"] == pytest.approx(treated.mean() - held.mean())
    assert row["incremental_ci_low"] == pytest.approx(ci.low)
    assert row["incremental_ci_high"] == pytest.approx(ci.high)
    assert row["incremental_revenue"] == pytest.approx((treated.mean() - held.mean()) * 600)
    # The cost reconciles to the input: every euro of discount given, plus 5 cents a contact.
    assert row["discount_cost"] == pytest.approx(data["discount"].sum())
    assert row["cost"] == pytest.approx(data["discount"].sum() + 0.05 * 600)
    expected_roi = (row["incremental_revenue"] * 0.3 - row["cost"]) / row["cost"]
    assert row["roi"] == pytest.approx(expected_roi)
    assert row["roi_ci_low"] < row["roi"] < row["roi_ci_high"]


def test_campaign_economics_bootstrap_is_seeded_and_agrees_with_welch_when_cost_is_fixed():
    data = _economics_data()
    first = campaign_economics(data, random_state=3)
    pd.testing.assert_frame_equal(first, campaign_economics(data, random_state=3))
    assert not first.equals(campaign_economics(data, random_state=4))
    # Without discounts the cost is fixed (contacts only), so ROI is a straight line of the
    # difference in means: its bootstrap interval must land near the Welch interval mapped
    # through that line (a second, independent method).
    no_discount = data.assign(discount=0.0)
    row = campaign_economics(no_discount, contact_cost=0.5, margin=0.3, n_bootstrap=4000).iloc[0]
    cost = 0.5 * 600
    to_roi = lambda diff: (diff * 600 * 0.3 - cost) / cost  # noqa: E731
    width = to_roi(row["incremental_ci_high"]) - to_roi(row["incremental_ci_low"])
    assert row["roi_ci_low"] == pytest.approx(to_roi(row["incremental_ci_low"]), abs=0.1 * width)
    assert row["roi_ci_high"] == pytest.approx(to_roi(row["incremental_ci_high"]), abs=0.1 * width)


def test_campaign_economics_bad_input():
    data = _economics_data()
    with pytest.raises(ValueError, match="no hold-out"):
        campaign_economics(data.assign(holdout=False))
    with pytest.raises(ValueError, match="'revenue'.*negative"):
        campaign_economics(data.assign(revenue=-1.0))
    with pytest.raises(ValueError, match="margin"):
        campaign_economics(data, margin=30)
    with pytest.raises(ValueError, match="columns|column"):
        campaign_economics(data.drop(columns="discount"))


# ------------------------------------------------------------------ campaign outcomes


def _outcome_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    responses = pd.DataFrame(
        {
            "campaign_id": [1, 1, 1, 2, 2],
            "customer_id": [10, 11, 12, 10, 13],
            "holdout": [False, False, True, False, True],
        },
        index=[5, 6, 7, 8, 9],  # a user's own index survives
    )
    lines = pd.DataFrame(
        {
            "customer_id": [10, 10, 10, 11, 11, 12, 10, 13, None, 10, 11],
            "ordered_at": pd.to_datetime(
                [
                    "2025-01-02 23:00",  # before campaign 1 was sent: not counted
                    "2025-01-03 10:01",  # a minute after sending: counted
                    "2025-01-17 10:00",  # exactly 14 days after: counted, as in the CRM's flag
                    "2025-01-17 10:01",  # a minute later: not counted
                    "2025-01-10 12:00",  # counted, with another campaign's code
                    "2025-01-05 12:00",  # hold-out customer, using the public code
                    "2025-06-02 12:00",  # campaign 2 (no promo code)
                    "2025-06-03 12:00",
                    "2025-01-05 12:00",  # a guest order: no customer, no campaign
                    "2025-01-04 12:00",  # refunded (worth 0): its discount was never paid
                    "2025-01-03 10:00",  # the moment of sending: not a response
                ]
            ),
            "amount": [99.0, 30.0, 20.0, 50.0, 40.0, 25.0, 12.0, 8.0, 77.0, 0.0, 60.0],
            "discount": [0.0, 4.5, 3.0, 0.0, 6.0, 3.75, 1.0, 0.0, 11.0, 2.0, 0.0],
            "promo_code": [
                *[None, "JAN15", "JAN15", None, "WELCOME20", "JAN15", "WELCOME20", None, "JAN15"],
                *["JAN15", None],
            ],
        }
    )
    campaigns = pd.DataFrame(
        {
            "campaign_id": [1, 2],
            "sent_at": pd.to_datetime(["2025-01-03 10:00", "2025-06-01 08:00"]),
            "promo_code": ["JAN15", None],
        }
    )
    return responses, lines, campaigns


def test_campaign_outcomes_sums_the_window_by_hand_and_changes_no_input():
    responses, lines, campaigns = _outcome_inputs()
    copies = responses.copy(), lines.copy(), campaigns.copy()
    result = campaign_outcomes(responses, lines, campaigns)
    for before, after in zip(copies, (responses, lines, campaigns), strict=True):
        pd.testing.assert_frame_equal(before, after)
    assert result.index.tolist() == [5, 6, 7, 8, 9]
    assert result[["campaign_id", "customer_id", "holdout"]].equals(responses)
    # By hand: 10 in campaign 1 = 30 + 20 + 0 (the line before sending is out), discount 4.5 + 3 with
    # the campaign's code (the refunded line's 2 was never paid); 11's lines at sending and a minute
    # past 14 days are out; 11 = 40, its WELCOME20 discount is not this campaign's;
    # 12 (held out) used the public code: 3.75 is recorded, and campaign_economics ignores hold-out discounts.
    assert result["revenue"].tolist() == [50.0, 40.0, 25.0, 12.0, 8.0]
    assert result["discount"].tolist() == [7.5, 0.0, 3.75, 0.0, 0.0]


def test_campaign_outcomes_feed_campaign_economics():
    responses, lines, campaigns = _outcome_inputs()
    responses = pd.concat([responses, pd.DataFrame({"campaign_id": [1], "customer_id": [14], "holdout": [True]})])
    economics = campaign_economics(
        campaign_outcomes(responses, lines, campaigns, days=7).query("campaign_id == 1"), n_bootstrap=100
    )
    # With a 7-day window, customer 10 keeps only the 30-euro line (discount 4.5); 11 ordered 7 days
    # and 2 hours after sending, too late (0); held out, 12 keeps 25 and 14 never ordered (0).
    row = economics.iloc[0]
    assert row["revenue_per_customer_treatment"] == pytest.approx((30 + 0) / 2)
    assert row["revenue_per_customer_holdout"] == pytest.approx((25 + 0) / 2)
    assert row["discount_cost"] == pytest.approx(4.5)


def test_campaign_outcomes_bad_input():
    responses, lines, campaigns = _outcome_inputs()
    with pytest.raises(ValueError, match=r"campaign\(s\) 3 that `campaigns` does not list; it lists 1, 2"):
        campaign_outcomes(pd.concat([responses, responses.head(1).assign(campaign_id=3)]), lines, campaigns)
    with pytest.raises(ValueError, match="more than once"):
        campaign_outcomes(responses, lines, pd.concat([campaigns, campaigns.head(1)]))
    with pytest.raises(ValueError, match="twice in one campaign"):
        campaign_outcomes(pd.concat([responses, responses.head(1)]), lines, campaigns)
    with pytest.raises(ValueError, match="sent_at"):
        campaign_outcomes(responses, lines, campaigns.drop(columns="sent_at"))
    with pytest.raises(TypeError, match="ordered_at"):
        campaign_outcomes(responses, lines.assign(ordered_at="2025-01-03"), campaigns)
    with pytest.raises(ValueError, match="days"):
        campaign_outcomes(responses, lines, campaigns, days=0)


def test_uplift_difference_by_hand_and_from_each_segments_interval():
    # By hand: segment a 10% vs 30% (n = 100 each), segment b 50% vs 30%.
    uplifts = pd.DataFrame(
        {
            "segment": ["a", "b"],
            "n_treatment": [100, 100],
            "n_holdout": [100, 100],
            "rate_treatment": [0.10, 0.50],
            "rate_holdout": [0.30, 0.30],
            "too_small": [False, False],
        }
    )
    se = math.sqrt(0.1 * 0.9 / 100 + 0.3 * 0.7 / 100 + 0.5 * 0.5 / 100 + 0.3 * 0.7 / 100)
    result = uplift_difference(uplifts, "a", "b")
    assert result["difference"] == pytest.approx(-0.4)
    assert result["ci_low"] == pytest.approx(-0.4 - 1.959964 * se, abs=1e-6)
    assert result["ci_high"] == pytest.approx(-0.4 + 1.959964 * se, abs=1e-6)
    assert result["p_value"] == pytest.approx(2 * stats.norm.cdf(-0.4 / se))
    assert uplift_difference(uplifts, "b", "a")["difference"] == pytest.approx(0.4)
    # A second route: each segment's standard error read back from uplift_table's own interval.
    data = pd.concat(
        [
            _responses({"x": (120, 20, 110, 35)}).assign(segment="regulars"),
            _responses({"x": (90, 40, 95, 30)}).assign(
                segment="others", customer_id=lambda d: d["customer_id"] + 10_000
            ),
        ],
        ignore_index=True,
    )
    table = uplift_table(data, segment="segment").set_index("segment")
    half = np.hypot(*(table["ci_high"] - table["ci_low"]) / 2)
    result = uplift_difference(table, "regulars", "others")
    assert result["difference"] == pytest.approx(table.loc["regulars", "uplift"] - table.loc["others", "uplift"])
    assert result["ci_high"] - result["difference"] == pytest.approx(half, rel=1e-5)


def test_significant_and_not_significant_is_not_a_significant_difference():
    # One segment's interval excludes 0, the other's includes it, yet their difference is not shown.
    uplifts = pd.DataFrame(
        {
            "segment": ["a", "b"],
            "n_treatment": [200, 200],
            "n_holdout": [200, 200],
            "rate_treatment": [0.35, 0.31],
            "rate_holdout": [0.25, 0.25],
            "too_small": [False, False],
        }
    )
    a, b = (0.35 - 0.25, 0.31 - 0.25)
    se_a = math.sqrt(0.35 * 0.65 / 200 + 0.25 * 0.75 / 200)
    se_b = math.sqrt(0.31 * 0.69 / 200 + 0.25 * 0.75 / 200)
    assert a - 1.96 * se_a > 0 > b - 1.96 * se_b
    result = uplift_difference(uplifts, "a", "b")
    assert result["ci_low"] < 0 < result["ci_high"] and result["p_value"] > 0.05


def test_uplift_difference_bad_input():
    uplifts = pd.DataFrame(
        {
            "segment": ["a", "b"],
            "n_treatment": [100, 8],
            "n_holdout": [100, 7],
            "rate_treatment": [0.1, 0.5],
            "rate_holdout": [0.3, 0.3],
            "too_small": [False, True],
        }
    )
    with pytest.raises(ValueError, match=r"segment == 'c'.*it has 0"):
        uplift_difference(uplifts, "a", "c")
    with pytest.raises(ValueError, match=r"'b' is too small to measure \(8 contacted, 7 held out\)"):
        uplift_difference(uplifts, "a", "b")
    with pytest.raises(ValueError, match="rate_holdout"):
        uplift_difference(uplifts.drop(columns="rate_holdout"), "a", "b")
    with pytest.raises(ValueError, match="'confidence'"):
        uplift_difference(uplifts, "a", "b", confidence=95)
