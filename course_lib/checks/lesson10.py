"""Checks of exercise 10 (choosing targets and proving it worked): plan a test, then read results.

Every expected answer is recomputed here, with :mod:`course_lib.experiments`, from the data in use
(``COURSE_KIT_DATA`` or the shipped data), the way the exercise's setup cell prepares it: so a
cohort's own data works. Where an answer is wrong, the check tries the slips learners make (the
hold-out and contacted groups swapped, a percentage for a share, a one-sided test, the contact
cost or the margin forgotten, the response rate for the uplift) and names the one it finds.
Interpretations are recorded, never marked correct.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_lib.checks import compare_number, compare_table, exercise, free_text
from course_lib.checks._data import course_orders
from course_lib.datasets import connect_crm, data_dir
from course_lib.experiments import (
    break_even_uplift,
    campaign_economics,
    mde_conversion,
    sample_size_conversion,
    uplift_table,
)

__all__ = [
    "ALPHA",
    "BUDGET_EUROS",
    "CONTACT_COST_EUROS",
    "DISCOUNT_SHARE",
    "HOLDOUT_SHARE",
    "LAST_WIN_BACK",
    "MARGIN",
    "MIN_WORDS",
    "POWER",
    "REGULAR_DAYS",
    "REGULAR_ORDERS",
    "RESPONSE_DAYS",
    "TRANSFER_CAMPAIGN",
    "app_push_answer",
    "break_even",
    "by_regulars",
    "campaign_readout",
    "economics",
    "planned_size",
    "run_the_test",
    "veganuary_plan",
]

#: The campaign Green Fork wants to repeat (the autumn win-back e-mail, 15 % off the next order).
LAST_WIN_BACK = 3
#: Gross margin: the share of an order's value (before discount) that is profit before marketing.
MARGIN = 0.30
#: The offer: 15 % off the next order, paid on every order placed with it.
DISCOUNT_SHARE = 0.15
#: Euros per contacted customer (sending, design and handling shared out), whatever the channel.
CONTACT_COST_EUROS = 0.10
#: Exercise 10.2: the money for the test (contacts and discounts of the contacted customers).
BUDGET_EUROS = 250
#: Exercise 10.2: the share of the test's audience kept out at random.
HOLDOUT_SHARE = 0.20
#: Significance level (two-sided) and power of every test planned in the exercise.
ALPHA = 0.05
POWER = 0.80
#: Exercise 10.5: a regular placed at least this many orders in the days before the campaign was sent.
REGULAR_ORDERS = 4
REGULAR_DAYS = 180
#: An order within this many days after sending counts as a response (as ``ordered_within_14_days``).
RESPONSE_DAYS = 14
#: Exercise 10.8: the campaign whose next edition is planned (Veganuary, 15 % off in January).
TRANSFER_CAMPAIGN = 1
#: Written answers are a few sentences.
MIN_WORDS = 20

READOUT_COLUMNS = ["campaign_id", "uplift", "ci_low", "ci_high", "mde"]
REGULARS_COLUMNS = ["campaign_id", "regular", "n_treatment", "n_holdout", "uplift", "ci_low", "ci_high"]
ECONOMICS_COLUMNS = ["campaign_id", "incremental_revenue", "cost", "roi"]
TEST_SIZE_KEYS = ("n_contacted", "n_holdout", "affordable", "big_enough")
RESPONDED = "ordered_within_14_days"


# ------------------------------------------------------------------ the data, as the setup cell makes it


def _folder() -> str:
    return str(data_dir())


@functools.lru_cache(maxsize=2)
def _data(folder: str) -> dict[str, Any]:
    """Orders (no duplicates, no test lines), the campaigns and their responses, the order value."""
    orders = course_orders(folder)
    crm = connect_crm(data_dir=folder)
    try:
        campaigns = pd.read_sql("SELECT * FROM campaigns", crm, parse_dates=["sent_at"])
        responses = pd.read_sql("SELECT * FROM campaign_responses", crm)
    finally:
        crm.close()
    responses = responses.astype({"holdout": bool, RESPONDED: bool})
    delivered = orders[orders["status"] == "delivered"]
    order_value = float((delivered["quantity"] * delivered["unit_price"]).groupby(delivered["order_id"]).sum().mean())
    return {"orders": orders, "campaigns": campaigns, "responses": responses, "order_value": order_value}


def _rates(campaign: int) -> tuple[float, float, int, int]:
    """Hold-out rate, contacted rate, contacted and held-out customers of one campaign."""
    responses = _data(_folder())["responses"]
    one = responses[responses["campaign_id"] == campaign]
    held, contacted = one.loc[one["holdout"], RESPONDED], one.loc[~one["holdout"], RESPONDED]
    return float(held.mean()), float(contacted.mean()), len(contacted), len(held)


def _break_even(baseline: float, **changes: float) -> float:
    value = _data(_folder())["order_value"]
    settings = {
        "baseline": baseline,
        "order_value": value,
        "margin": MARGIN,
        "discount": DISCOUNT_SHARE * value,
        "contact_cost": CONTACT_COST_EUROS,
    }
    return break_even_uplift(**{**settings, **changes})


def _holdout_ratio(share: float = HOLDOUT_SHARE) -> float:
    return share / (1 - share)


def _one_number(answer: Any) -> float | None:
    """The answer as a float when it is one number, else None."""
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)) and np.size(answer) == 1:
        answer = np.asarray(answer).item()
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        return None
    return float(answer)


#: One rule for every number of the exercise: an answer is right within SHARE_TOL of the expected one
#: (half the fourth decimal of a share, so an uplift kept to 4 decimals, a baseline typed as 0.0588 or
#: an order value typed from its print is right; z = 1.96 by hand moves an interval's end by about
#: 1e-6), or within REL_TOL of it, for euros.
SHARE_TOL = 5e-5
REL_TOL = 1e-6
#: An answer within NEAR_TOL (half the third decimal), or equal to the expected one rounded to 2 or 3
#: decimals, is close: typed from a print or rounded, not a slip of method.
NEAR_TOL = 5e-4
CLOSE_HINT = "Close: use the variables rather than retyping printed or rounded values."
ROUNDED_HINT = (
    "Your table is rounded ({digits} decimals): keep the full precision; round only when printing "
    "(print(table.round(3)) shows it rounded and leaves the table as it is)."
)


def _close(number: float, expected: float, tol: float = SHARE_TOL) -> bool:
    """True when `number` is `expected` under the exercise's one rule (see SHARE_TOL)."""
    if not np.isfinite(expected):
        return False
    return bool(abs(number - expected) <= max(tol, REL_TOL * abs(expected)) + 1e-12)


def _near(number: float, expected: float) -> bool:
    """True when `number` is `expected` typed from a print or rounded (see NEAR_TOL)."""
    rounded = any(number == round(expected, digits) for digits in (2, 3))
    return bool(np.isfinite(expected) and (rounded or _close(number, expected, NEAR_TOL)))


def _as_dict(answer: Any, keys: tuple[str, ...], example: str) -> dict[str, Any] | str:
    """The answer as a dict with `keys`, or a hint about its shape."""
    if isinstance(answer, pd.Series | Mapping):
        values = dict(answer)
        missing = [key for key in keys if key not in values]
        if missing:
            return f"Your answer has no {missing}: a dict {example} is expected."
        return values
    return f"The answer should be a dict {example}; got a {type(answer).__name__}."


# ------------------------------------------------------------------ 10.1 break-even


@exercise("10.1", "The break-even uplift of the win-back offer")
def break_even(answer: Any) -> str | None:
    baseline, contacted_rate, _, _ = _rates(LAST_WIN_BACK)
    expected = _break_even(baseline)
    number = _one_number(answer)
    if number is None:
        return compare_number(answer, expected)
    if _close(number, expected):
        return None
    if _near(number, expected):
        return CLOSE_HINT
    percent = "Give the uplift as a share between 0 and 1 (0.05 for 5 points), not in percent."
    if 1 < number <= 100 and expected < 1:
        return percent
    slips = [
        (100 * expected, percent),
        (
            _break_even(baseline, contact_cost=0.0),
            f"The contact cost is missing: each contacted customer costs {CONTACT_COST_EUROS} euros "
            "(pass contact_cost=check.CONTACT_COST_EUROS).",
        ),
        (
            _break_even(baseline, discount=0.0),
            f"The discount is missing: every order placed with the offer gets {DISCOUNT_SHARE:.0%} off, the extra ones and "
            "those that would have come anyway (discount = check.DISCOUNT_SHARE * order_value, in euros).",
        ),
        (
            _break_even(baseline, discount=DISCOUNT_SHARE),
            f"The discount is in euros per order, not a share: {DISCOUNT_SHARE:.0%} of the order value "
            "(check.DISCOUNT_SHARE * order_value).",
        ),
        (
            _break_even(contacted_rate),
            "Your baseline is the rate of the contacted customers. The baseline is what customers do "
            "without the offer: the hold-out's rate (holdout True).",
        ),
        (
            _break_even(0.0),
            "Your baseline is 0: some customers order anyway and still get the discount. Use the hold-out's "
            f"response rate in campaign {LAST_WIN_BACK}.",
        ),
        (
            _break_even(baseline, margin=1.0),
            "The margin is missing: an extra order earns its margin (check.MARGIN of its value), not its whole value.",
        ),
    ]
    for candidate, hint in slips:
        if _close(number, candidate):
            return hint
    hint = compare_number(number, expected)
    return (
        f"{hint} Take the baseline from the hold-out of campaign {LAST_WIN_BACK} and call break_even_uplift with "
        "order_value, margin=check.MARGIN, discount (in euros) and contact_cost=check.CONTACT_COST_EUROS."
    )


# ------------------------------------------------------------------ 10.2 the size of the test and the budget


def _expected_test_size() -> dict[str, Any]:
    """The expected answer of exercise 10.2, from the data in use."""
    baseline = _rates(LAST_WIN_BACK)[0]
    uplift = _break_even(baseline)
    ratio = _holdout_ratio()
    n_contacted = sample_size_conversion(baseline, uplift, alpha=ALPHA, power=POWER, holdout_ratio=ratio)
    per_contact = CONTACT_COST_EUROS + (baseline + uplift) * DISCOUNT_SHARE * _data(_folder())["order_value"]
    affordable = _floor(BUDGET_EUROS / per_contact)
    return {
        "n_contacted": n_contacted,
        "n_holdout": math.ceil(n_contacted * ratio - 1e-9),
        "affordable": affordable,
        "big_enough": affordable >= n_contacted,
    }


def _floor(number: float) -> int:
    """Round down, forgiving the last bit of float error (300 / 0.1 is 3000, and 300 // 0.1 is 2999.0)."""
    return math.floor(number + 1e-9)


def _whole(value: Any) -> int | str:
    number = _one_number(value)
    if number is None or not float(number).is_integer():
        return "a whole number of customers"
    return int(number)


@exercise("10.2", "How many customers the test needs, and what the budget pays for")
def planned_size(answer: Any) -> str | None:
    example = "{'n_contacted': ..., 'n_holdout': ..., 'affordable': ..., 'big_enough': ...}"
    given = _as_dict(answer, TEST_SIZE_KEYS, example)
    if isinstance(given, str):
        return given
    expected = _expected_test_size()
    baseline = _rates(LAST_WIN_BACK)[0]
    uplift = _break_even(baseline)
    ratio = _holdout_ratio()
    counts = {key: _whole(given[key]) for key in TEST_SIZE_KEYS[:3]}
    for key, value in counts.items():
        if isinstance(value, str):
            return f"{key!r} should be {value}; got {given[key]!r}."
    n = counts["n_contacted"]
    if n != expected["n_contacted"]:
        slips = {
            sample_size_conversion(baseline, uplift, alpha=2 * ALPHA, power=POWER, holdout_ratio=ratio): (
                "Your test is one-sided (or alpha is 0.10): plan a two-sided test at alpha = 0.05, the test "
                "uplift_table runs after sending."
            ),
            sample_size_conversion(baseline, uplift, alpha=ALPHA, power=POWER, holdout_ratio=HOLDOUT_SHARE): (
                f"holdout_ratio is hold-out / contacted, not the hold-out's share: {HOLDOUT_SHARE:.0%} held out "
                f"means {HOLDOUT_SHARE} / {1 - HOLDOUT_SHARE:.1f} = {ratio:g}."
            ),
            sample_size_conversion(baseline, uplift, alpha=ALPHA, power=POWER): (
                f"Your size is for a 50/50 split; this test holds out {HOLDOUT_SHARE:.0%}: pass holdout_ratio."
            ),
            expected["n_contacted"] + expected["n_holdout"]: (
                "That is contacted plus held-out customers: 'n_contacted' counts the contacted ones only."
            ),
        }
        if n in slips:
            return f"'n_contacted': {slips[n]}"
        if abs(n - expected["n_contacted"]) <= 0.02 * expected["n_contacted"]:
            # What a baseline or break-even typed from a print gives (0.08 for the break-even: 1 % more).
            return f"'n_contacted': {CLOSE_HINT}"
        return (
            f"'n_contacted': {compare_number(n, expected['n_contacted'])} Call sample_size_conversion with the "
            f"baseline and break-even of task 1, alpha=check.ALPHA, power=check.POWER and holdout_ratio."
        )
    # math.ceil on a product that float error put a hair above a whole number is right too.
    if counts["n_holdout"] not in (expected["n_holdout"], math.ceil(n * ratio)):
        if counts["n_holdout"] in (round(n * HOLDOUT_SHARE), math.ceil(n * HOLDOUT_SHARE)):
            return (
                f"'n_holdout': {HOLDOUT_SHARE:.0%} of the whole audience is held out, so the hold-out is "
                f"{ratio:g} times the contacted group, not {HOLDOUT_SHARE} times it."
            )
        if counts["n_holdout"] == math.floor(n * ratio):
            return "'n_holdout': round up (math.ceil): a test smaller than planned loses power."
        return f"'n_holdout': {compare_number(counts['n_holdout'], expected['n_holdout'])} It is n_contacted × holdout_ratio, rounded up."
    affordable = counts["affordable"]
    value = _data(_folder())["order_value"]
    discount = DISCOUNT_SHARE * value
    plain_floor = math.floor(BUDGET_EUROS / (CONTACT_COST_EUROS + (baseline + uplift) * discount))
    if affordable not in (expected["affordable"], plain_floor):
        messages_only = (
            "Your budget pays for the messages only: the contacted customers who order also get the discount."
        )
        slips = {
            _floor(BUDGET_EUROS / CONTACT_COST_EUROS): messages_only,
            int(BUDGET_EUROS // CONTACT_COST_EUROS): messages_only,
            _floor(BUDGET_EUROS / (CONTACT_COST_EUROS + discount)): (
                "You give the discount to every contacted customer; only those who order use it: a share "
                "baseline + break-even of them, if the offer works as well as it must."
            ),
            _floor(BUDGET_EUROS / (CONTACT_COST_EUROS + baseline * discount)): (
                "Your contacted customers order at the baseline rate: a test planned to see the break-even "
                "uplift assumes they order at baseline + break-even."
            ),
            math.ceil(BUDGET_EUROS / (CONTACT_COST_EUROS + (baseline + uplift) * discount)): (
                "Round down (math.floor): the budget does not pay for the last, partly paid customer."
            ),
        }
        if affordable in slips:
            return f"'affordable': {slips[affordable]}"
        return (
            f"'affordable': {compare_number(affordable, expected['affordable'])} Divide the budget by the cost "
            "of one contacted customer: the contact cost plus the discount times the share who order "
            "(baseline + break-even)."
        )
    if not isinstance(given["big_enough"], bool | np.bool_):
        return f"'big_enough' should be True or False; got {given['big_enough']!r}."
    if bool(given["big_enough"]) != expected["big_enough"]:
        return (
            "'big_enough' does not follow from your numbers: the budget is big enough when it pays for at least "
            "n_contacted contacted customers (the hold-out costs nothing)."
        )
    return None


# ------------------------------------------------------------------ 10.3 the campaigns' results, with power


@functools.lru_cache(maxsize=8)
def _readout(folder: str, *, confidence: float = 0.95, alpha: float = ALPHA, mde_baseline: str = "rate_holdout"):
    table = uplift_table(_data(folder)["responses"], responded=RESPONDED, confidence=confidence)
    mde = [
        mde_conversion(getattr(row, mde_baseline), int(row.n_treatment), int(row.n_holdout), alpha=alpha, power=POWER)
        for row in table.itertuples()
    ]
    return table.assign(mde=mde)


def _aligned(answer: Any, expected: pd.DataFrame, keys: list[str]) -> pd.DataFrame | None:
    """The answer's rows in the order of `expected` (matched on `keys`), or None if they do not match."""
    if not isinstance(answer, pd.DataFrame):
        return None
    frame = answer.reset_index() if set(keys) <= set(answer.index.names) - {None} else answer
    if not set(keys) <= set(frame.columns) or frame.duplicated(keys).any() or len(frame) != len(expected):
        return None
    try:
        wanted = pd.Index(expected[keys[0]]) if len(keys) == 1 else pd.MultiIndex.from_frame(expected[keys])
        return frame.set_index(keys).reindex(wanted)
    except (TypeError, ValueError):
        return None


def _same(given: pd.DataFrame, column: str, values: pd.Series | np.ndarray | None) -> bool:
    """True when the column holds `values` under the exercise's one rule (missing where they are missing)."""
    if (
        values is None
        or len(values) != len(given)
        or column not in given.columns
        or not pd.api.types.is_numeric_dtype(given[column])
    ):
        return False
    return bool(
        np.allclose(
            given[column].to_numpy(dtype=float),
            np.asarray(values, dtype=float),
            rtol=REL_TOL,
            atol=SHARE_TOL + 1e-12,
            equal_nan=True,
        )
    )


def _has_columns(answer: pd.DataFrame, columns: list[str]) -> bool:
    """True when the table has exactly `columns` (keys may sit in the index)."""
    names = [name for name in answer.index.names if name is not None] + list(answer.columns)
    return sorted(map(str, names)) == sorted(columns)


def _within(given: pd.DataFrame, expected: pd.DataFrame, columns: list[str]) -> bool:
    """True when every column of `columns` holds the expected values under the exercise's one rule."""
    return all(_same(given, column, expected[column]) for column in columns)


def _columns_hint(answer: Any, columns: list[str]) -> str | None:
    """A hint naming every required column when the table lacks one or has another (keys may be the index)."""
    if not isinstance(answer, pd.DataFrame):
        return None
    names = [str(name) for name in answer.index.names if name is not None] + [str(name) for name in answer.columns]
    missing = [column for column in columns if column not in names]
    extra = [name for name in names if name not in columns]
    if missing:
        listed = ", ".join(map(repr, missing))
        return f"Your table has no column {listed}; it has {names}. Keep exactly the columns {columns}."
    if extra:
        listed = ", ".join(map(repr, extra))
        return f"Your table has the extra column(s) {listed}: keep exactly the columns {columns}."
    return None


def _rounded_hint(given: pd.DataFrame, expected: pd.DataFrame, columns: list[str]) -> str | None:
    """The rounding hint when the table's decimal columns are `expected` rounded to 0 to 4 decimals."""
    decimal = [column for column in columns if pd.api.types.is_float_dtype(expected[column])]
    if not decimal or not all(
        column in given.columns and pd.api.types.is_numeric_dtype(given[column]) for column in decimal
    ):
        return None
    for digits in range(5):
        if all(
            np.allclose(
                given[column].to_numpy(dtype=float),
                expected[column].to_numpy(dtype=float).round(digits),
                rtol=0,
                atol=1e-9,
                equal_nan=True,
            )
            for column in decimal
        ):
            return ROUNDED_HINT.format(digits=digits)
    return None


def _interval_slips(given: pd.DataFrame, expected: pd.DataFrame, *, rates: pd.DataFrame | None = None) -> str | None:
    """The hint for an uplift or interval that is a known slip, or None."""
    uplift = expected["uplift"].to_numpy(dtype=float)
    if _same(given, "uplift", 100 * uplift):
        return "Your uplift is in percentage points: give shares between -1 and 1, as uplift_table does."
    if _same(given, "uplift", -uplift):
        return (
            "Your uplift has the wrong sign: the contacted and hold-out groups are swapped (holdout True marks "
            "the customers who were NOT contacted)."
        )
    if rates is not None and _same(given, "uplift", rates["rate_treatment"]):
        return (
            "Your 'uplift' is the response rate of the contacted customers: some of them would have ordered "
            "anyway. Subtract the hold-out's rate."
        )
    if _same(given, "uplift", uplift) and {"ci_low", "ci_high"} <= set(given.columns):
        width = (given["ci_high"] - given["ci_low"]).to_numpy(dtype=float)
        wanted = (expected["ci_high"] - expected["ci_low"]).to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.nanmedian(width / wanted)
        if np.isfinite(ratio) and math.isclose(ratio, 1.6449 / 1.9600, rel_tol=1e-3):
            return (
                "Your interval is too narrow: it is a 90 % interval (z = 1.645, a one-sided test's). Use the 95 % "
                "two-sided interval (uplift_table's default confidence=0.95)."
            )
    return None


@exercise("10.3", "Each campaign's uplift, its interval, and what the test could see")
def campaign_readout(answer: Any) -> str | None:
    folder = _folder()
    expected = _readout(folder)[READOUT_COLUMNS]
    hint = compare_table(answer, expected, key="campaign_id", exact_columns=True)
    if hint is None:
        return None
    columns = _columns_hint(answer, READOUT_COLUMNS)
    if columns:
        return columns
    given = _aligned(answer, expected, ["campaign_id"])
    if given is not None and _within(given, expected, READOUT_COLUMNS[1:]):
        return None
    if given is not None:
        slip = _rounded_hint(given, expected, READOUT_COLUMNS[1:]) or _interval_slips(
            given, expected, rates=_readout(folder)
        )
        if slip:
            return slip
        if _same(given, "uplift", expected["uplift"]) and _same(given, "ci_low", expected["ci_low"]):
            mde = given["mde"] if "mde" in given.columns else None
            if mde is not None and _same(given, "mde", _readout(folder, mde_baseline="rate_treatment")["mde"]):
                return "Your 'mde' starts from the contacted group's rate: the baseline is the hold-out's rate."
            if mde is not None and _same(given, "mde", _readout(folder, alpha=2 * ALPHA)["mde"]):
                return "Your 'mde' is for a one-sided test (or alpha 0.10): use alpha=check.ALPHA, two-sided."
            if mde is not None and _same(given, "mde", 100 * expected["mde"]):
                return "Your 'mde' is in percentage points: give it as a share, like the uplift."
            return (
                f"{hint} The 'mde' of each campaign is mde_conversion(rate_holdout, n_treatment, n_holdout, "
                "alpha=check.ALPHA, power=check.POWER), with that campaign's groups."
            )
    return f"{hint} Use uplift_table(responses, responded='ordered_within_14_days'), then add the 'mde' column."


# ------------------------------------------------------------------ 10.4 and 10.7: written answers


#: The written tasks' own text (the exercise's markdown, tested to match): a copy of it is not an answer.
RUN_THE_TEST_PROMPT = (
    "In three or four sentences (at least 20 words), in `recommendation`: would you run the spring win-back test "
    "with this budget? "
    "Use your numbers (the break-even, the size the test needs, what the budget pays for) and what campaign 3's "
    "row of `readout` says. If the test is too small, what would you do instead?"
)
APP_PUSH_PROMPT = (
    "Campaign 2, the app push about new dishes, gave no discount. From tasks 3 and 5: did it change behaviour, "
    "for whom, in which direction, and how sure are you (the intervals; how many groups you looked at)? What "
    'would you do with it next time? And why is "send it to those whose response rate is highest" the wrong '
    "rule? Write three to five sentences (at least 20 words) in `app_push_text`."
)


@free_text("10.4", "Run the test as budgeted?", min_words=MIN_WORDS, prompt=RUN_THE_TEST_PROMPT)
def run_the_test(answer: Any) -> str | None:
    return None


@free_text("10.7", "The app push: stop it, or send it to whom?", min_words=MIN_WORDS, prompt=APP_PUSH_PROMPT)
def app_push_answer(answer: Any) -> str | None:
    return None


# ------------------------------------------------------------------ 10.5 uplift among regulars


def _orders_before(folder: str, *, days: int | None, lines: bool = False, include_after: bool = False) -> pd.DataFrame:
    """Orders (or lines) each selected customer placed in `days` before their campaign was sent."""
    data = _data(folder)
    orders = data["orders"]
    placed = orders.loc[orders["status"] != "cancelled", ["customer_id", "order_id", "ordered_at"]].dropna()
    pairs = (
        data["responses"][["campaign_id", "customer_id"]]
        .merge(data["campaigns"][["campaign_id", "sent_at"]], on="campaign_id")
        .merge(placed.astype({"customer_id": "int64"}), on="customer_id")
    )
    before = pairs["ordered_at"] < pairs["sent_at"]
    if include_after:
        before = pd.Series(True, index=pairs.index)
    if days is not None:
        before &= pairs["ordered_at"] >= pairs["sent_at"] - pd.Timedelta(days=days)
    counted = pairs.loc[before]
    size = (
        counted.groupby(["campaign_id", "customer_id"]).size()
        if lines
        else counted.groupby(["campaign_id", "customer_id"])["order_id"].nunique()
    )
    return size.rename("n_orders").reset_index()


@functools.lru_cache(maxsize=8)
def _regulars(
    folder: str,
    *,
    days: int | None = REGULAR_DAYS,
    lines: bool = False,
    include_after: bool = False,
    at_least: int = REGULAR_ORDERS,
    drop_without: bool = False,
) -> pd.DataFrame:
    responses = _data(folder)["responses"]
    counts = _orders_before(folder, days=days, lines=lines, include_after=include_after)
    marked = responses.merge(counts, on=["campaign_id", "customer_id"], how="inner" if drop_without else "left")
    marked["regular"] = marked["n_orders"].fillna(0) >= at_least
    return uplift_table(marked, segment="regular", responded=RESPONDED)[REGULARS_COLUMNS]


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(campaign_id=frame["campaign_id"].astype("int64"), regular=frame["regular"].astype(bool))


#: Exercise 10.5's rows are matched on campaign and group, written as one key "3/True".
PAIR_KEY = "campaign_id/regular"


def _pair_key(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(**{PAIR_KEY: table["campaign_id"].astype(str) + "/" + table["regular"].astype(str)})


@exercise("10.5", "Each campaign's uplift among regulars and the others")
def by_regulars(answer: Any) -> str | None:
    folder = _folder()
    expected = _regulars(folder)
    keys = ["campaign_id", "regular"]
    if isinstance(answer, pd.DataFrame):
        frame = answer.reset_index() if set(keys) <= set(answer.index.names) - {None} else answer
        if not set(keys) <= set(frame.columns):
            return (
                f"Your table needs the columns {keys} (one row per campaign and group); it has {list(frame.columns)}."
            )
        if not pd.api.types.is_bool_dtype(frame["regular"]) and not frame["regular"].isin([0, 1]).all():
            return "Column 'regular' should be True or False: is the customer a regular?"
        try:
            frame = _keyed(frame)
        except (TypeError, ValueError):
            return "Columns 'campaign_id' and 'regular' should hold campaign numbers and True/False."
        missing = [column for column in REGULARS_COLUMNS if column not in frame.columns]
        if missing:
            return f"Your table has no column {missing}; it has {list(frame.columns)}."
        columns = _columns_hint(frame, REGULARS_COLUMNS)
        if columns:
            return columns
        answer = frame
    wanted = _pair_key(expected).drop(columns=keys)
    given = _pair_key(answer).drop(columns=keys) if isinstance(answer, pd.DataFrame) else answer
    hint = compare_table(given, wanted[[PAIR_KEY, *REGULARS_COLUMNS[2:]]], key=PAIR_KEY, exact_columns=True)
    if hint is None:
        return None
    aligned = _aligned(answer, expected, keys) if isinstance(answer, pd.DataFrame) else None
    if (
        aligned is not None
        and _has_columns(answer, REGULARS_COLUMNS)
        and _within(aligned, expected, REGULARS_COLUMNS[2:])
    ):
        return None
    if aligned is None:
        return f"{hint} One row per campaign and value of 'regular' (True, False), with columns {REGULARS_COLUMNS}."
    if not (
        _same(aligned, "n_treatment", expected["n_treatment"]) and _same(aligned, "n_holdout", expected["n_holdout"])
    ):
        variants = [
            (dict(lines=True), "You counted order lines: count orders (distinct order_id)."),
            (dict(days=None), f"You counted every order before sending: count only the {REGULAR_DAYS} days before."),
            (
                dict(include_after=True),
                "You counted orders after the campaign too: a segment must be known when sending.",
            ),
            (
                dict(drop_without=True),
                "Customers without an order in the window are missing: they are not regulars (0 orders), "
                "and they still count. Merge the counts onto `responses` with how='left' and fill 0.",
            ),
            (
                dict(at_least=REGULAR_ORDERS + 1),
                f"A regular has {REGULAR_ORDERS} orders or more (>=), not more than {REGULAR_ORDERS}.",
            ),
        ]
        for changes, variant_hint in variants:
            try:
                other = _regulars(folder, **changes)
            except ValueError:  # the slip leaves a campaign without a hold-out: not this one
                continue
            if len(other) == len(expected):
                again = _aligned(answer, other, keys)
                if (
                    again is not None
                    and _same(again, "n_treatment", other["n_treatment"])
                    and _same(again, "n_holdout", other["n_holdout"])
                ):
                    return variant_hint
        return (
            f"{hint} Your groups have other sizes: a regular placed at least {REGULAR_ORDERS} orders (not cancelled) "
            f"in the {REGULAR_DAYS} days before the campaign's sent_at."
        )
    slip = _rounded_hint(aligned, expected, REGULARS_COLUMNS[4:]) or _interval_slips(aligned, expected)
    return slip or f"{hint} Pass segment='regular' to uplift_table with responded='ordered_within_14_days'."


# ------------------------------------------------------------------ 10.6 incremental revenue and ROI


@functools.lru_cache(maxsize=4)
def _money(folder: str, *, net: bool = False, any_code: bool = False, buyers_only: bool = False) -> pd.DataFrame:
    """Each selected customer's revenue (before discount) and campaign discount in the response window."""
    data = _data(folder)
    orders = data["orders"]
    delivered = orders.loc[(orders["status"] == "delivered") & orders["customer_id"].notna()]
    delivered = delivered.astype({"customer_id": "int64"})
    delivered = delivered.assign(gross=delivered["quantity"] * delivered["unit_price"])
    pairs = (
        data["responses"][["campaign_id", "customer_id"]]
        .merge(data["campaigns"][["campaign_id", "sent_at", "promo_code"]], on="campaign_id")
        .merge(
            delivered[["customer_id", "ordered_at", "gross", "discount", "promo_code"]],
            on="customer_id",
            suffixes=("", "_used"),
        )
    )
    delay = pairs["ordered_at"] - pairs["sent_at"]
    window = pairs.loc[(delay > pd.Timedelta(0)) & (delay <= pd.Timedelta(days=RESPONSE_DAYS))]
    campaign_code = window["promo_code_used"].eq(window["promo_code"]) & window["promo_code"].notna()
    window = window.assign(
        revenue=window["gross"] - (window["discount"] if net else 0),
        campaign_discount=window["discount"].where(
            window["promo_code_used"].notna() if any_code else campaign_code, 0.0
        ),
    )
    sums = window.groupby(["campaign_id", "customer_id"])[["revenue", "campaign_discount"]].sum()
    how = "inner" if buyers_only else "left"
    merged = data["responses"].merge(sums.reset_index(), on=["campaign_id", "customer_id"], how=how)
    return merged.fillna({"revenue": 0.0, "campaign_discount": 0.0}).rename(columns={"campaign_discount": "discount"})


@functools.lru_cache(maxsize=8)
def _economics(folder: str, *, contact_cost: float = CONTACT_COST_EUROS, margin: float = MARGIN, **money: bool):
    return campaign_economics(
        _money(folder, **money), contact_cost=contact_cost, margin=margin, n_bootstrap=100, random_state=0
    )


def _variant_column(folder: str, column: str, **changes: Any) -> pd.Series | None:
    """A column of the economics computed with a learner's slip, or None where that slip leaves too little data."""
    try:
        return _economics(folder, **changes)[column]
    except ValueError:
        return None


@exercise("10.6", "Incremental revenue, cost and ROI of each campaign")
def economics(answer: Any) -> str | None:
    folder = _folder()
    full = _economics(folder)
    expected = full[ECONOMICS_COLUMNS]
    hint = compare_table(answer, expected, key="campaign_id", exact_columns=True)
    if hint is None:
        return None
    columns = _columns_hint(answer, ECONOMICS_COLUMNS)
    if columns:
        return columns
    given = _aligned(answer, expected, ["campaign_id"])
    if given is not None and _within(given, expected, ECONOMICS_COLUMNS[1:]):
        return None
    rounded = _rounded_hint(given, expected, ECONOMICS_COLUMNS[1:]) if given is not None else None
    if rounded:
        return rounded
    if given is None:
        return f"{hint} Use campaign_economics on one row per selected customer, then keep {ECONOMICS_COLUMNS}."
    incremental, cost = expected["incremental_revenue"], expected["cost"]
    treated_revenue = full["revenue_per_customer_treatment"] * full["n_treatment"]
    checks = [
        (
            _same(given, "incremental_revenue", treated_revenue),
            "Your incremental revenue is everything the contacted customers spent: subtract what the hold-out "
            "shows they would have spent anyway.",
        ),
        (
            _same(given, "incremental_revenue", _variant_column(folder, "incremental_revenue", buyers_only=True)),
            "Your table leaves out the customers who did not order in the window: they count, with revenue 0 "
            "(merge onto `responses` with how='left' and fill 0), or the hold-out's average is inflated.",
        ),
        (
            _same(given, "incremental_revenue", _economics(folder, net=True)["incremental_revenue"]),
            "Your revenue is net of the discount; campaign_economics wants it before the discount, because it "
            "counts the discount as a cost (it would count twice).",
        ),
        (
            _same(given, "cost", full["discount_cost"]),
            f"The contact cost is missing: pass contact_cost=check.CONTACT_COST_EUROS ({CONTACT_COST_EUROS} euros "
            "per contacted customer).",
        ),
        (
            _same(given, "cost", _economics(folder, any_code=True)["cost"]),
            "Your discount counts every promotion code; the campaign's cost is the discount of its own code "
            "(the campaigns table's promo_code).",
        ),
        (
            _same(given, "cost", cost) and _same(given, "roi", _economics(folder, margin=1.0)["roi"]),
            "Your ROI is on revenue, not profit: pass margin=check.MARGIN.",
        ),
    ]
    for found, slip in checks:
        if found:
            return slip
    if not _same(given, "incremental_revenue", incremental):
        return (
            f"{hint} Revenue is quantity × unit_price of the delivered lines ordered after sent_at and at most "
            f"{RESPONSE_DAYS} days later; customers without such an order have 0."
        )
    return f"{hint} Call campaign_economics(money, contact_cost=check.CONTACT_COST_EUROS, margin=check.MARGIN)."


# ------------------------------------------------------------------ 10.8 transfer: plan the next Veganuary


def _veganuary_expected(*, alpha: float = ALPHA, baseline_from: str = "holdout") -> dict[str, float]:
    """The expected answer of exercise 10.8, from the data in use."""
    held_rate, contacted_rate, n_contacted, n_held = _rates(TRANSFER_CAMPAIGN)
    baseline = held_rate if baseline_from == "holdout" else contacted_rate
    return {
        "break_even": _break_even(baseline),
        "mde": mde_conversion(baseline, n_contacted, n_held, alpha=alpha, power=POWER),
    }


@exercise("10.8", "Transfer: what the next Veganuary test could see")
def veganuary_plan(answer: Any) -> str | None:
    given = _as_dict(answer, ("break_even", "mde"), "{'break_even': ..., 'mde': ...}")
    if isinstance(given, str):
        return given
    expected = _veganuary_expected()
    numbers = {key: _one_number(given[key]) for key in expected}
    for key, number in numbers.items():
        if number is None:
            return f"{key!r} should be one number; got {given[key]!r}."
    if all(_close(numbers[key], expected[key]) for key in expected):
        return None
    off = [key for key in expected if not _close(numbers[key], expected[key])]
    if all(_near(numbers[key], expected[key]) for key in off):
        return f"{off[0]!r}: {CLOSE_HINT}"
    from_contacted = _veganuary_expected(baseline_from="treatment")
    for key in expected:
        number = numbers[key]
        if _close(number, expected[key]) or _near(number, expected[key]):
            continue
        if _close(number, 100 * expected[key]) or 1 < number <= 100 and expected[key] < 1:
            return f"{key!r} is in percentage points: give a share between 0 and 1."
        if _close(number, from_contacted[key]):
            return f"{key!r}: your baseline is the contacted group's rate; use the hold-out's rate of campaign {TRANSFER_CAMPAIGN}."
        if key == "mde" and _close(number, _veganuary_expected(alpha=2 * ALPHA)["mde"]):
            return "'mde' is for a one-sided test (or alpha 0.10): use alpha=check.ALPHA, two-sided."
        held_rate, _, n_contacted, n_held = _rates(TRANSFER_CAMPAIGN)
        if key == "mde" and _close(number, mde_conversion(held_rate, n_held, n_contacted, alpha=ALPHA, power=POWER)):
            return "'mde': n_treatment and n_holdout are swapped: the contacted group is the larger one."
        if key == "break_even" and _close(number, _break_even(held_rate, contact_cost=0.0)):
            return "'break_even': the contact cost is missing (contact_cost=check.CONTACT_COST_EUROS)."
        return (
            f"{key!r}: {compare_number(number, expected[key])} Plan as in tasks 1 and 2, with campaign "
            f"{TRANSFER_CAMPAIGN}'s hold-out rate and its group sizes."
        )
    return None
