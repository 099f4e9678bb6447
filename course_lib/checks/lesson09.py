"""Checks of exercise 09 (customer lifetime value): the fit, the hold-out, who to keep, and why.

Each check recomputes the expected answer from the data in use with :mod:`course_lib.clv`, so it
works on any cohort's data. The last task is an interpretation: it is recorded, never marked
correct.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_lib.checks import compare_ids, compare_number, exercise, free_text
from course_lib.checks._data import course_orders
from course_lib.clv import BetaGeo, GammaGamma, calibration_holdout, customer_lifetime_value, to_weeks
from course_lib.rfm import clv_summary, order_values

#: The last day of the calibration period in exercise 09 (the hold-out runs to the end of the data).
CALIBRATION_END = "2025-06-30"
#: Exercise 09.3: the retention budget, and what keeping one customer costs (a voucher and its handling).
BUDGET_EUROS = 1000
COST_PER_CUSTOMER_EUROS = 5
#: Exercise 09.3: a customer is "slipping" when their probability of being alive is below this.
SLIPPING_BELOW = 0.7
#: Exercise 09.4: an interpretation is a few sentences, at least this many words.
MIN_WORDS = 25


@functools.cache
def _lines() -> pd.DataFrame:
    """The order lines as the lesson prepares them: no exact duplicates, no test orders, net `amount`."""
    return order_values(course_orders())


@functools.cache
def _calibration() -> tuple[pd.DataFrame, BetaGeo]:
    table = calibration_holdout(_lines(), calibration_end=CALIBRATION_END)
    return table, BetaGeo().fit(table)


def _params(answer: Any) -> pd.Series | str:
    """The answer as a Series r, alpha, a, b, or a hint about its shape."""
    if isinstance(answer, BetaGeo):
        if not hasattr(answer, "params_"):
            return "Your BetaGeo is not fitted yet: call .fit(...) on it."
        return answer.params_
    if isinstance(answer, Mapping | pd.Series):
        series = pd.Series(dict(answer), dtype="float64")
        missing = [name for name in ("r", "alpha", "a", "b") if name not in series.index]
        if missing:
            return f"Your answer has no {missing}: give the fitted model, or its `params_`."
        return series[["r", "alpha", "a", "b"]]
    return f"The answer should be the fitted BetaGeo (or its `params_`); got a {type(answer).__name__}."


def _same_params(given: pd.Series, expected: pd.Series) -> bool:
    return bool(np.allclose(given.to_numpy(dtype="float64"), expected.to_numpy(dtype="float64"), rtol=1e-3))


@exercise("09.1", "BG/NBD on the calibration period")
def calibration_fit(answer: Any) -> str | None:
    given = _params(answer)
    if isinstance(given, str):
        return given
    table, model = _calibration()
    if _same_params(given, model.params_):
        return None
    whole = to_weeks(clv_summary(_lines()))
    if _same_params(given, BetaGeo().fit(whole).params_):
        return (
            "These parameters come from the whole history, hold-out included. Fit on the calibration "
            "table made by calibration_holdout, so the hold-out stays unseen."
        )
    in_days = BetaGeo(time_unit="days").fit(
        calibration_holdout(_lines(), calibration_end=CALIBRATION_END, time_unit="days")
    )
    if _same_params(given, in_days.params_):
        return "Your model counts time in days: the exercise works in weeks (BetaGeo's default time_unit)."
    return (
        f"Not the parameters of BetaGeo fitted on the calibration table up to {CALIBRATION_END}. "
        "Build it with calibration_holdout(lines, calibration_end=...), then BetaGeo().fit(table)."
    )


def _totals(answer: Any) -> tuple[float, float] | str:
    if isinstance(answer, pd.DataFrame) and "all" in answer.index:
        answer = answer.loc["all"]
    if isinstance(answer, Mapping | pd.Series):
        values = dict(answer)
        missing = [key for key in ("actual", "predicted") if key not in values]
        if missing:
            return f"Your answer has no {missing}: a dict {{'actual': ..., 'predicted': ...}} is expected."
        return float(values["actual"]), float(values["predicted"])
    return f"The answer should be a dict with 'actual' and 'predicted'; got a {type(answer).__name__}."


@exercise("09.2", "The hold-out: predicted and actual repeat purchases")
def holdout_totals(answer: Any) -> str | None:
    totals = _totals(answer)
    if isinstance(totals, str):
        return totals
    actual, predicted = totals
    table, model = _calibration()
    expected_actual = float(table["frequency_holdout"].sum())
    expected_predicted = float(model.predict_purchases(table, table["duration_holdout"]).sum())
    hint = compare_number(actual, expected_actual, rel_tol=1e-6)
    if hint:
        return (
            f"'actual': {hint} Count the hold-out purchases of the calibration customers only: the sum of "
            "the table's frequency_holdout."
        )
    hint = compare_number(predicted, expected_predicted, rel_tol=1e-4)
    if hint:
        if abs(predicted - float(model.expected_purchases(table["duration_holdout"].to_numpy()).sum())) < 1e-3:
            return (
                "'predicted' uses the forecast for a brand-new customer: use each customer's own history, "
                "model.predict_purchases(table, t)."
            )
        return (
            f"'predicted': {hint} Add up model.predict_purchases(table, t) over the customers, with t the "
            "length of the hold-out in weeks (the table's duration_holdout)."
        )
    return None


@functools.cache
def _today() -> pd.DataFrame:
    """Every customer's P(alive) and expected CLV today, from models fitted on the whole history."""
    summary = to_weeks(clv_summary(_lines()))
    purchases, spend = BetaGeo().fit(summary), GammaGamma().fit(summary)
    value = customer_lifetime_value(summary, purchases=purchases, spend=spend)
    return value.assign(p_alive=purchases.probability_alive(summary))


def customers_to_keep() -> int:
    """How many customers the budget of exercise 09.3 pays for."""
    return BUDGET_EUROS // COST_PER_CUSTOMER_EUROS


@exercise("09.3", "Who to keep, within the budget")
def keep_list(answer: Any) -> str | None:
    today = _today()
    n = customers_to_keep()
    ranked = today.reset_index().sort_values(["clv", "customer_id"], ascending=[False, True])
    slipping = ranked[ranked["p_alive"] < SLIPPING_BELOW]
    expected = slipping["customer_id"].head(n).tolist()
    try:
        given = list(pd.Series(list(answer)).dropna())
    except TypeError:
        return f"The answer should be a list of customer ids; got a {type(answer).__name__}."
    if len(given) != n:
        return f"Your list has {len(given)} customers; the budget pays for {BUDGET_EUROS} / {COST_PER_CUSTOMER_EUROS} = {n}."
    hint = compare_ids(given, expected)
    if hint is None:
        return None
    if compare_ids(given, ranked["customer_id"].head(n).tolist()) is None:
        return (
            f"These are the highest CLVs of all: many of them are safe already. Keep only customers whose "
            f"P(alive) is below {SLIPPING_BELOW} before you rank them."
        )
    if compare_ids(given, today.sort_values("p_alive").index[:n].tolist()) is None:
        return "These are the likeliest to be gone, whatever they are worth: rank the slipping customers by CLV."
    return f"{hint} Keep customers with P(alive) below {SLIPPING_BELOW}, then the {n} with the highest CLV."


@free_text("09.4", "Champions with a low CLV, and what to do", min_words=MIN_WORDS)
def interpretation(answer: Any) -> str | None:
    """Recorded for the instructor once it is a few sentences long; never marked correct."""
    return None


__all__ = [
    "BUDGET_EUROS",
    "CALIBRATION_END",
    "COST_PER_CUSTOMER_EUROS",
    "MIN_WORDS",
    "SLIPPING_BELOW",
    "calibration_fit",
    "customers_to_keep",
    "holdout_totals",
    "interpretation",
    "keep_list",
]
