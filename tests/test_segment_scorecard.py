"""Tests of course_lib.targeting.segment_scorecard: scores worked by hand, judgements, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_lib.targeting import segment_scorecard


@pytest.fixture
def customers() -> pd.DataFrame:
    # Three segments: 300 lunch workers, 80 gourmets, 20 curious (too few to serve).
    rng = np.random.default_rng(0)
    segment = ["Lunch"] * 300 + ["Gourmet"] * 80 + ["Curious"] * 20
    return pd.DataFrame(
        {
            "customer_id": range(400),
            "segment": segment,
            "net_revenue": [100.0] * 300 + [500.0] * 80 + [50.0] * 20,
            "consent_email": [True] * 150 + [False] * 150 + [True] * 80 + [True] * 10 + [False] * 10,
            "q_budget": np.r_[rng.normal(4, 1, 300), rng.normal(1.5, 1, 80), rng.normal(4, 1, 20)],
            "diet": ["vegan"] * 300 + ["vegetarian"] * 40 + [None] * 40 + ["flexi"] * 20,
        }
    )


def test_scores_worked_by_hand(customers):
    before = customers.copy()
    judged = pd.DataFrame({"actionable": [5, 4, 2], "fit": [5, 4, 2]}, index=["Lunch", "Gourmet", "Curious"])
    card = segment_scorecard(
        customers,
        measured_by=["diet"],
        profile=["q_budget"],
        growth={"Lunch": 0.0, "Gourmet": 0.12, "Curious": -0.3},
        judgements=judged,
    )
    pd.testing.assert_frame_equal(customers, before)
    # Measurable: Gourmet has diet for 40 of 80 = 0.5 -> between 0.4 and 0.6 -> 2; the others 1.0 -> 5.
    assert card.loc["Gourmet", "complete_share"] == pytest.approx(0.5)
    assert card.loc[["Lunch", "Gourmet", "Curious"], "measurable"].tolist() == [5, 2, 5]
    # Substantial: shares 0.75, 0.20, 0.05 -> 5, 4, 2; but Curious has 20 < 50 customers -> 1.
    assert card.loc[["Lunch", "Gourmet", "Curious"], "substantial"].tolist() == [5, 4, 1]
    # Accessible: consent 0.5, 1.0, 0.5 -> 2, 5, 2.
    assert card.loc[["Lunch", "Gourmet", "Curious"], "accessible"].tolist() == [2, 5, 2]
    # Differentiable: the gourmets' budget answer is ~2.5 sd below the rest; by hand:
    inside = customers["segment"] == "Gourmet"
    a, b = customers.loc[inside, "q_budget"], customers.loc[~inside, "q_budget"]
    pooled = np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / (len(customers) - 2))
    assert card.loc["Gourmet", "max_std_difference"] == pytest.approx(abs(a.mean() - b.mean()) / pooled)
    assert card.loc["Gourmet", "differentiable"] == 5
    # Size: revenue 30000, 40000, 1000 of 71000 -> 0.42, 0.56, 0.014 -> 5, 5, 1.
    assert card.loc[["Lunch", "Gourmet", "Curious"], "size"].tolist() == [5, 5, 1]
    # Growth: 0 -> 3, +12 % -> 5, -30 % -> 1. Margin index: 100/177.5, 500/177.5, 50/177.5 -> 2, 5, 1.
    assert card.loc[["Lunch", "Gourmet", "Curious"], "growth"].tolist() == [3, 5, 1]
    assert card.loc["Lunch", "margin_index"] == pytest.approx(100 / (71000 / 400))
    assert card.loc[["Lunch", "Gourmet", "Curious"], "margin"].tolist() == [2, 5, 1]
    # Kotler = the weakest of the five; attractiveness = mean of four.
    assert card.loc["Gourmet", "kotler"] == 2
    assert card.loc["Lunch", "attractiveness"] == pytest.approx((5 + 3 + 2 + 5) / 4)
    assert (card["to_judge"] == "").all()


def test_what_no_data_says_is_left_to_judge(customers):
    card = segment_scorecard(customers, consent=None)
    assert card.loc["Lunch", "to_judge"] == "accessible, differentiable, actionable, growth, fit"
    assert card["kotler"].isna().all() and card["attractiveness"].isna().all()
    # A judgement fills a gap but never overrides a measurement.
    judged = pd.DataFrame({"accessible": [3], "substantial": [1]}, index=["Lunch"])
    card = segment_scorecard(customers, consent=None, judgements=judged)
    assert card.loc["Lunch", "accessible"] == 3
    assert card.loc["Lunch", "substantial"] == 5


def test_margin_share_and_bins_are_editable(customers):
    judged = pd.DataFrame({"margin_share": [0.1, 1.0, 1.0]}, index=["Gourmet", "Lunch", "Curious"])
    card = segment_scorecard(customers, judgements=judged)
    # Gourmets' 500 euros at 10 % margin are worth 50 a head, below the others' full revenue.
    assert card.loc["Gourmet", "margin"] < card.loc["Lunch", "margin"]
    strict = segment_scorecard(customers, bins={"substantial": (0.5, 0.8, 0.9, 0.95)})
    assert strict.loc["Lunch", "substantial"] == 2


def test_bad_input_is_named(customers):
    with pytest.raises(ValueError, match=r"segment\(s\) \['Gold'\] not in column 'segment'"):
        segment_scorecard(customers, judgements=pd.DataFrame({"fit": [5]}, index=["Gold"]))
    with pytest.raises(ValueError, match="'fit' of `judgements` must hold scores 1 to 5"):
        segment_scorecard(customers, judgements=pd.DataFrame({"fit": [7]}, index=["Lunch"]))
    with pytest.raises(ValueError, match="margin_share"):
        segment_scorecard(customers, judgements=pd.DataFrame({"margin_share": [30]}, index=["Lunch"]))
    with pytest.raises(ValueError, match="more than once"):
        segment_scorecard(customers.assign(customer_id=1))
    with pytest.raises(ValueError, match="without a segment"):
        segment_scorecard(customers.assign(segment=customers["segment"].where(customers.index > 0)))
    with pytest.raises(TypeError, match="consent_email"):
        segment_scorecard(customers.assign(consent_email="yes"))
    with pytest.raises(ValueError, match="unknown criteria"):
        segment_scorecard(customers, bins={"charm": (1, 2, 3, 4)})
