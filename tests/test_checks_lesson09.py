"""Exercise 09's checks accept the reference answer and reject wrong answers with a hint.

The references are computed here with the public functions of course_lib.clv, step by step as the
exercise asks; the wrong answers are the slips a learner makes (the whole history instead of the
calibration period, the forecast of a new customer, the wrong ranking, a list of the wrong size).
"""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.checks import lesson09 as check
from course_lib.clv import BetaGeo, GammaGamma, calibration_holdout, customer_lifetime_value, to_weeks
from course_lib.datasets import load_orders
from course_lib.rfm import clv_summary, order_values


@pytest.fixture(scope="module")
def lines():
    orders = load_orders()
    return order_values(orders.drop_duplicates().loc[lambda frame: frame["category"] != "test"])


@pytest.fixture(scope="module")
def table(lines):
    return calibration_holdout(lines, calibration_end=check.CALIBRATION_END)


@pytest.fixture(scope="module")
def model(table):
    return BetaGeo().fit(table)


@pytest.fixture(scope="module")
def today(lines):
    summary = to_weeks(clv_summary(lines))
    purchases, spend = BetaGeo().fit(summary), GammaGamma().fit(summary)
    value = customer_lifetime_value(summary, purchases=purchases, spend=spend)
    return value.assign(p_alive=purchases.probability_alive(summary))


def hint_of(result) -> str:
    assert not result.passed
    assert result.hint
    return result.hint


# --------------------------------------------------------------------- 09.1


def test_calibration_fit_accepts_the_model_and_its_parameters(model):
    assert check.calibration_fit.evaluate(model).passed
    assert check.calibration_fit.evaluate(model.params_.to_dict()).passed


def test_calibration_fit_rejects_wrong_fits(lines, table):
    whole = BetaGeo().fit(to_weeks(clv_summary(lines)))
    assert "whole history" in hint_of(check.calibration_fit.evaluate(whole))
    in_days = BetaGeo(time_unit="days").fit(calibration_holdout(lines, calibration_end="2025-06-30", time_unit="days"))
    assert "counts time in days" in hint_of(check.calibration_fit.evaluate(in_days))
    later = BetaGeo().fit(calibration_holdout(lines, calibration_end="2025-09-30"))
    assert "calibration table up to 2025-06-30" in hint_of(check.calibration_fit.evaluate(later))
    assert "not fitted yet" in hint_of(check.calibration_fit.evaluate(BetaGeo()))
    assert "no ['b']" in hint_of(check.calibration_fit.evaluate({"r": 1, "alpha": 2, "a": 3}))


# --------------------------------------------------------------------- 09.2


def test_holdout_totals_accepts_the_sums(table, model):
    actual = table["frequency_holdout"].sum()
    predicted = sum(
        model.predict_purchases(table.iloc[[i]], table["duration_holdout"].iloc[i]).iloc[0] for i in range(len(table))
    )
    assert check.holdout_totals.evaluate({"actual": actual, "predicted": predicted}).passed


def test_holdout_totals_rejects_wrong_sums(lines, table, model):
    actual = table["frequency_holdout"].sum()
    predicted = model.predict_purchases(table, table["duration_holdout"]).sum()
    # every order line of the hold-out, new customers included
    all_lines = int((lines["ordered_at"] > "2025-07-01").sum())
    assert "'actual'" in hint_of(check.holdout_totals.evaluate({"actual": all_lines, "predicted": predicted}))
    new_customer = model.expected_purchases(table["duration_holdout"].to_numpy()).sum()
    assert "brand-new customer" in hint_of(check.holdout_totals.evaluate({"actual": actual, "predicted": new_customer}))
    a_year = model.predict_purchases(table, 52).sum()
    assert "length of the hold-out" in hint_of(check.holdout_totals.evaluate({"actual": actual, "predicted": a_year}))
    assert "'predicted'" in hint_of(check.holdout_totals.evaluate({"actual": actual}))


# --------------------------------------------------------------------- 09.3


def _keep(today: pd.DataFrame, *, slipping_only: bool = True, by: str = "clv", n: int | None = None) -> list:
    n = check.BUDGET_EUROS // check.COST_PER_CUSTOMER_EUROS if n is None else n
    pool = today[today["p_alive"] < check.SLIPPING_BELOW] if slipping_only else today
    ascending = by == "p_alive"
    return (
        pool.reset_index().sort_values([by, "customer_id"], ascending=[ascending, True])["customer_id"].head(n).tolist()
    )


def test_keep_list_accepts_the_reference(today):
    keep = _keep(today)
    assert len(keep) == 200 and (today.loc[keep, "p_alive"] < check.SLIPPING_BELOW).all()
    assert check.keep_list.evaluate(keep).passed
    assert check.keep_list.evaluate(pd.Index(keep[::-1])).passed


def test_keep_list_rejects_wrong_lists(today):
    assert "highest CLVs of all" in hint_of(check.keep_list.evaluate(_keep(today, slipping_only=False)))
    assert "likeliest to be gone" in hint_of(check.keep_list.evaluate(_keep(today, slipping_only=False, by="p_alive")))
    assert "budget pays for" in hint_of(check.keep_list.evaluate(_keep(today, n=100)))
    shifted = _keep(today, n=201)[1:]  # one valuable customer left out, the next one taken
    assert "P(alive) below" in hint_of(check.keep_list.evaluate(shifted))


# --------------------------------------------------------------------- 09.4


def test_interpretation_is_recorded_never_correct(capsys):
    text = (
        "These champions order often but spend little each time, so their predicted value is low; "
        "I would keep them with a cheap thank-you and test a bundle that raises the basket, not a discount."
    )
    assert len(text.split()) >= check.MIN_WORDS
    result = check.interpretation.evaluate(text)
    assert result.recorded and not result.passed and result.text == text
    check.interpretation(text)
    printed = capsys.readouterr().out
    assert printed.startswith("📝 Recorded (09.4") and "Correct" not in printed


@pytest.mark.parametrize(
    ("answer", "hint"),
    [(..., "replace the `...`"), ("Too short.", f"at least {check.MIN_WORDS} words"), ("", "at least")],
)
def test_interpretation_rejects_what_is_not_an_answer(answer, hint, capsys):
    result = check.interpretation.evaluate(answer)
    assert not result.passed and not result.recorded and hint in result.hint
    check.interpretation(answer)
    assert "❌ Not yet" in capsys.readouterr().out
