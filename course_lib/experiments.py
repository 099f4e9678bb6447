"""Plan a campaign test before sending it, and read its result after.

A campaign with a random hold-out group is an experiment. This module answers
the manager's four questions about it:

* **before sending**: how many customers the test needs to see a given effect
  (:func:`sample_size_conversion`, :func:`sample_size_revenue`), or the
  smallest effect a given test can see (:func:`mde_conversion`,
  :func:`mde_revenue`), at a stated power and significance level;
* **is it worth it**: the uplift at which the campaign pays for its discount
  and its contact cost (:func:`break_even_uplift`);
* **after sending**: the uplift with its interval and a two-sided test, per
  campaign and per segment (:func:`uplift_table`, built on
  :func:`course_lib.targeting.campaign_uplift`), and whether two segments'
  uplifts differ (:func:`uplift_difference`);
* **what it returned**: incremental revenue, cost and ROI with intervals
  (:func:`campaign_economics`), from each customer's revenue and discount in
  the response window (:func:`campaign_outcomes`).

Only a *random* hold-out makes these numbers causal: the hold-out shows what
the contacted customers would have done without the campaign.

Examples
--------
>>> sample_size_conversion(0.10, 0.05)
683
>>> round(break_even_uplift(baseline=0.10, order_value=30, margin=0.30, discount=4.5, contact_cost=0.05), 3)
0.111
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from course_lib.targeting import campaign_uplift
from course_lib.validation import (
    require_columns,
    require_datetime,
    require_non_empty,
    require_numeric,
    require_positive_int,
    sample_of,
)

__all__ = [
    "break_even_uplift",
    "campaign_economics",
    "campaign_outcomes",
    "mde_conversion",
    "mde_revenue",
    "sample_size_conversion",
    "sample_size_revenue",
    "uplift_difference",
    "uplift_table",
]


# ------------------------------------------------------------------ input checks


def _require_number(
    value: Any, *, parameter: str, function: str, low: float, high: float, closed: str = "neither"
) -> float:
    """Return `value` as float, or raise naming the parameter and the allowed range."""
    low_ok = (lambda v: v >= low) if closed in ("left", "both") else (lambda v: v > low)
    high_ok = (lambda v: v <= high) if closed in ("right", "both") else (lambda v: v < high)
    brackets = {"neither": "({}, {})", "left": "[{}, {})", "right": "({}, {}]", "both": "[{}, {}]"}[closed]
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not math.isfinite(value)
        or not (low_ok(value) and high_ok(value))
    ):
        raise ValueError(
            f"The {parameter!r} parameter of {function} must be a number in {brackets.format(low, high)}. "
            f"Got {value!r} instead."
        )
    return float(value)


def _z_sum(alpha: float, power: float, function: str) -> float:
    """z of a two-sided test at `alpha` plus z of `power`: the distance the effect must cover, in standard errors."""
    alpha = _require_number(alpha, parameter="alpha", function=function, low=0, high=1)
    power = _require_number(power, parameter="power", function=function, low=0, high=1)
    normal = NormalDist()
    return normal.inv_cdf(1 - alpha / 2) + normal.inv_cdf(power)


def _ratio(holdout_ratio: float, function: str) -> float:
    return _require_number(
        holdout_ratio,
        parameter="holdout_ratio",
        function=function,
        low=0,
        high=math.inf,
    )


# ----------------------------------------------------------- before sending


def sample_size_conversion(
    baseline: float, uplift: float, *, alpha: float = 0.05, power: float = 0.8, holdout_ratio: float = 1.0
) -> int:
    """Contacted customers needed to detect a conversion uplift, at a stated power.

    Parameters
    ----------
    baseline : float
        Share of the hold-out expected to respond (0-1), for example last
        campaign's hold-out rate.
    uplift : float
        The uplift to detect, as a share (0.05 = 5 percentage points); usually
        the break-even uplift (:func:`break_even_uplift`). Negative to detect a drop.
    alpha : float, default=0.05
        Significance level of the two-sided test.
    power : float, default=0.8
        Chance of detecting the uplift if it is real.
    holdout_ratio : float, default=1.0
        Hold-out size / contacted size; 0.25 means one held-out customer for
        every four contacted (a 20 % hold-out share).

    Returns
    -------
    int
        Contacted customers, rounded up; the hold-out needs
        ``ceil(n * holdout_ratio)``.

    Notes
    -----
    With p₀ = baseline, p₁ = baseline + uplift, k = `holdout_ratio`:
    n = (z₁₋α/₂ + z_power)² × (p₁(1 − p₁) + p₀(1 − p₀)/k) / uplift²,
    the unpooled normal approximation that matches the interval of
    :func:`uplift_table`.

    Examples
    --------
    >>> sample_size_conversion(0.10, 0.05)
    683
    >>> sample_size_conversion(0.10, 0.05, holdout_ratio=0.25)  # a small hold-out costs contacts
    1531
    """
    function = "sample_size_conversion"
    p0 = _require_number(baseline, parameter="baseline", function=function, low=0, high=1, closed="left")
    uplift = _require_number(uplift, parameter="uplift", function=function, low=-1, high=1)
    p1 = p0 + uplift
    if uplift == 0 or not 0 < p1 < 1:
        raise ValueError(
            f"The 'uplift' parameter of {function} must be non-zero and keep baseline + uplift between 0 and 1; "
            f"got baseline={baseline!r}, uplift={uplift!r}."
        )
    k = _ratio(holdout_ratio, function)
    n = _z_sum(alpha, power, function) ** 2 * (p1 * (1 - p1) + p0 * (1 - p0) / k) / uplift**2
    return math.ceil(n - 1e-9)


def sample_size_revenue(
    sd: float,
    difference: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    holdout_ratio: float = 1.0,
    sd_holdout: float | None = None,
) -> int:
    """Contacted customers needed to detect a difference in mean revenue per customer.

    Parameters
    ----------
    sd : float
        Standard deviation of revenue per customer in the contacted group
        (euros), for example from a past campaign; revenue is skewed and
        mostly 0, so its sd is large.
    difference : float
        Difference in mean revenue per customer to detect (euros).
    alpha, power, holdout_ratio
        As in :func:`sample_size_conversion`.
    sd_holdout : float, optional
        Standard deviation in the hold-out; `sd` when omitted.

    Returns
    -------
    int
        Contacted customers, rounded up.

    Notes
    -----
    n = (z₁₋α/₂ + z_power)² × (σ₁² + σ₀²/k) / difference² (Welch's normal approximation).

    Examples
    --------
    >>> sample_size_revenue(20, 2)  # detect 2 euros per customer when sd is 20 euros
    1570
    """
    function = "sample_size_revenue"
    sd1, sd0 = _standard_deviations(sd, sd_holdout, function)
    difference = _require_number(difference, parameter="difference", function=function, low=-math.inf, high=math.inf)
    if difference == 0:
        raise ValueError(
            f"The 'difference' parameter of {function} must be non-zero; a test cannot detect no difference."
        )
    k = _ratio(holdout_ratio, function)
    n = _z_sum(alpha, power, function) ** 2 * (sd1**2 + sd0**2 / k) / difference**2
    return math.ceil(n - 1e-9)


def _standard_deviations(sd: Any, sd_holdout: Any, function: str) -> tuple[float, float]:
    """The contacted and hold-out standard deviations; the hold-out's is `sd` when not given."""
    sd1 = _require_number(sd, parameter="sd", function=function, low=0, high=math.inf)
    if sd_holdout is None:
        return sd1, sd1
    return sd1, _require_number(sd_holdout, parameter="sd_holdout", function=function, low=0, high=math.inf)


def _require_group_size(value: Any, *, parameter: str, function: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        extra = " A test without a hold-out cannot measure anything." if parameter == "n_holdout" else ""
        raise ValueError(
            f"The {parameter!r} parameter of {function} must be an int >= 1. Got {value!r} instead.{extra}"
        )
    return int(value)


def mde_conversion(
    baseline: float, n_treatment: int, n_holdout: int, *, alpha: float = 0.05, power: float = 0.8
) -> float:
    """The smallest conversion uplift a test of this size detects with the stated power.

    Parameters
    ----------
    baseline : float
        Expected hold-out response rate (0-1).
    n_treatment, n_holdout : int
        Contacted and held-out customers.
    alpha, power : float
        As in :func:`sample_size_conversion`.

    Returns
    -------
    float
        The minimum detectable (positive) uplift, as a share.

    Notes
    -----
    Solves uplift = (z₁₋α/₂ + z_power) × √(p₁(1 − p₁)/n₁ + p₀(1 − p₀)/n₀)
    for p₁ = p₀ + uplift; the inverse of :func:`sample_size_conversion`.

    Examples
    --------
    >>> round(mde_conversion(0.10, 683, 683), 4)
    0.05
    >>> round(mde_conversion(0.06, 382, 85), 3)  # the autumn win-back's size: only big effects are visible
    0.088
    """
    function = "mde_conversion"
    p0 = _require_number(baseline, parameter="baseline", function=function, low=0, high=1, closed="left")
    n1 = _require_group_size(n_treatment, parameter="n_treatment", function=function)
    n0 = _require_group_size(n_holdout, parameter="n_holdout", function=function)
    z = _z_sum(alpha, power, function)

    def gap(uplift: float) -> float:
        p1 = p0 + uplift
        return uplift - z * math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)

    top = 1 - p0 - 1e-12
    if gap(top) < 0:
        return math.inf
    return float(optimize.brentq(gap, 1e-12, top, xtol=1e-12))


def mde_revenue(
    sd: float,
    n_treatment: int,
    n_holdout: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    sd_holdout: float | None = None,
) -> float:
    """The smallest difference in mean revenue per customer a test of this size detects.

    Parameters
    ----------
    sd : float
        Standard deviation of revenue per customer (euros).
    n_treatment, n_holdout : int
        Contacted and held-out customers.
    alpha, power : float
        As in :func:`sample_size_conversion`.
    sd_holdout : float, optional
        Hold-out standard deviation; `sd` when omitted.

    Returns
    -------
    float
        Euros per customer: (z₁₋α/₂ + z_power) × √(σ₁²/n₁ + σ₀²/n₀).

    Examples
    --------
    >>> round(mde_revenue(20, 1570, 1570), 2)
    2.0
    """
    function = "mde_revenue"
    sd1, sd0 = _standard_deviations(sd, sd_holdout, function)
    n1 = _require_group_size(n_treatment, parameter="n_treatment", function=function)
    n0 = _require_group_size(n_holdout, parameter="n_holdout", function=function)
    return _z_sum(alpha, power, function) * math.sqrt(sd1**2 / n1 + sd0**2 / n0)


def break_even_uplift(
    *, baseline: float, order_value: float, margin: float, discount: float = 0.0, contact_cost: float = 0.0
) -> float:
    """The conversion uplift at which a campaign pays for its discount and its contact cost.

    Parameters
    ----------
    baseline : float
        Share of contacted customers who would order anyway (the hold-out rate, 0-1).
    order_value : float
        Average order value before the discount (euros).
    margin : float
        Gross margin as a share of the order value (0-1].
    discount : float, default=0
        Euros off each order placed with the offer. Every responder gets it,
        also those who would have ordered anyway: that is the hidden cost.
    contact_cost : float, default=0
        Euros per contacted customer (message, SMS, design time shared out).

    Returns
    -------
    float
        The uplift (share) above which the campaign earns more than it
        costs; ``inf`` when the discount eats the whole margin.

    Notes
    -----
    Per contacted customer the campaign earns uplift × (margin × order_value − discount)
    on the extra orders, and costs contact_cost + baseline × discount on the
    orders that would have come anyway. Setting the two equal:
    break-even = (contact_cost + baseline × discount) / (margin × order_value − discount).

    Examples
    --------
    >>> round(break_even_uplift(baseline=0.10, order_value=30, margin=0.30, discount=4.5, contact_cost=0.05), 4)
    0.1111
    >>> break_even_uplift(baseline=0.10, order_value=30, margin=0.10, discount=4.5)
    inf
    """
    function = "break_even_uplift"
    p0 = _require_number(baseline, parameter="baseline", function=function, low=0, high=1, closed="left")
    value = _require_number(order_value, parameter="order_value", function=function, low=0, high=math.inf)
    margin = _require_number(margin, parameter="margin", function=function, low=0, high=1, closed="right")
    discount = _require_number(discount, parameter="discount", function=function, low=0, high=math.inf, closed="left")
    contact = _require_number(
        contact_cost, parameter="contact_cost", function=function, low=0, high=math.inf, closed="left"
    )
    gain_per_extra_order = margin * value - discount
    if gain_per_extra_order <= 0:
        return math.inf
    return (contact + p0 * discount) / gain_per_extra_order


# ------------------------------------------------------------ after sending


def _as_flags(responses: pd.DataFrame, column: str, *, name: str) -> pd.Series:
    """`column` as True/False; 0/1 integers (as SQLite stores them) are accepted, anything else is an error."""
    require_columns(responses, [column], name=name)
    values = responses[column]
    if values.isna().any():
        raise ValueError(
            f"Column {column!r} of `{name}` has {int(values.isna().sum())} missing value(s); record each as True or False."
        )
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    odd = values[~values.isin([0, 1])]
    if not pd.api.types.is_numeric_dtype(values) or len(odd):
        raise TypeError(
            f"Column {column!r} of `{name}` must hold True/False or 0/1; found values like "
            f"{sample_of(odd if len(odd) else values)}."
        )
    return values.astype(bool)


def _by_list(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _require_holdout_everywhere(flags: pd.DataFrame, keys: list[str], holdout: str, name: str) -> None:
    """Raise when a campaign (or the whole table) has no held-out customer: nothing to compare with."""
    held = flags.groupby(keys, observed=True)[holdout].sum() if keys else pd.Series({"all": flags[holdout].sum()})
    empty = held[held == 0]
    if len(empty):
        where = "" if not keys else f" for {keys[0]} {sample_of(empty.index.tolist())}"
        raise ValueError(
            f"`{name}` has no hold-out customers{where} (column {holdout!r} is never True). Without a "
            "random hold-out the campaign's effect cannot be measured; keep one out next time."
        )


def uplift_table(
    responses: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "campaign_id",
    segment: str | None = None,
    holdout: str = "holdout",
    responded: str = "responded",
    customer: str = "customer_id",
    min_group_size: int = 30,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Uplift with its interval and a two-sided test, per campaign and (optionally) per segment.

    Parameters
    ----------
    responses : DataFrame
        One row per customer and campaign, with a True/False (or 0/1)
        `holdout` flag and `responded` outcome. Not modified.
    by : str, list of str or None, default="campaign_id"
        Column(s) identifying the campaign; None for a single campaign.
    segment : str, optional
        A further column to break each campaign down by (for example the RFM
        segment when the campaign was sent).
    holdout, responded, customer : str
        Column names.
    min_group_size : int, default=30
        Groups smaller than this, or with fewer than 5 responders or
        non-responders, are too small to measure.
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    DataFrame
        One row per campaign (and segment): the columns of
        :func:`~course_lib.targeting.campaign_uplift` plus ``z`` and
        ``p_value`` (two-proportion z-test, pooled, two-sided). Where a group
        is too small to measure, ``uplift``, ``ci_low``, ``ci_high``, ``z`` and
        ``p_value`` are missing and ``verdict`` says why.

    Raises
    ------
    ValueError
        A campaign with no hold-out at all, missing outcomes, repeated
        customers, a missing column.

    Notes
    -----
    The interval is Wald's (unpooled); the test pools the two groups under
    "no effect": z = (p₁ − p₀) / √(p(1 − p)(1/n₁ + 1/n₀)), p the pooled rate.
    z² equals Pearson's chi-square of the 2×2 table without continuity
    correction. Breaking a campaign down by segment makes each group small
    and multiplies the tests: with 10 segments, one "significant" segment at
    5 % is expected by chance alone.

    Examples
    --------
    >>> responses = pd.DataFrame({
    ...     "customer_id": range(400),
    ...     "holdout": [False] * 200 + [True] * 200,
    ...     "responded": [True] * 50 + [False] * 150 + [True] * 30 + [False] * 170,
    ... })
    >>> result = uplift_table(responses, by=None)
    >>> print(f"{result.loc[0, 'uplift']:.2f}, z = {result.loc[0, 'z']:.2f}, p = {result.loc[0, 'p_value']:.3f}")
    0.10, z = 2.50, p = 0.012
    """
    name = "responses"
    require_non_empty(responses, name=name)
    keys = _by_list(by) + ([] if segment is None else [segment])
    require_columns(responses, [*keys, customer, holdout, responded], name=name)
    flags = responses[[*keys, customer]].copy()
    flags[holdout] = _as_flags(responses, holdout, name=name)
    flags[responded] = _as_flags(responses, responded, name=name)
    _require_holdout_everywhere(flags, _by_list(by), holdout, name)
    if segment is not None and flags[segment].isna().any():
        raise ValueError(f"Column {segment!r} of `{name}` has missing segments; assign every customer one first.")

    key = "_key"
    if keys:
        flags[key] = pd.MultiIndex.from_frame(flags[keys]).to_flat_index()
    else:
        flags[key] = "all"
    result = campaign_uplift(
        flags,
        group=holdout,
        treatment=False,
        holdout=True,
        responded=responded,
        campaign=key,
        customer=customer,
        min_group_size=min_group_size,
        confidence=confidence,
    )
    if keys:
        result = pd.concat([pd.DataFrame(result[key].tolist(), columns=keys), result.drop(columns=key)], axis=1)
    else:
        result = result.drop(columns=key)

    n1, n0 = result["n_treatment"], result["n_holdout"]
    pooled = (result["responders_treatment"] + result["responders_holdout"]) / (n1 + n0)
    pooled_se = np.sqrt(pooled * (1 - pooled) * (1 / n1.where(n1 > 0) + 1 / n0.where(n0 > 0)))
    result["z"] = result["uplift"] / pooled_se.where(pooled_se > 0)
    result["p_value"] = 2 * stats.norm.sf(result["z"].abs())
    measured = ["uplift", "ci_low", "ci_high", "z", "p_value"]
    result[measured] = result[measured].astype(float).mask(result["too_small"])
    return result


def uplift_difference(
    uplifts: pd.DataFrame, first: Any, second: Any, *, segment: str = "segment", confidence: float = 0.95
) -> pd.Series:
    """How much two segments' uplifts differ, with the interval of the difference and a two-sided test.

    "One segment's uplift is significant and the other's is not" does not show
    that the two differ: only the interval of their difference can.

    Parameters
    ----------
    uplifts : DataFrame
        The result of :func:`uplift_table` for one campaign with a `segment`
        column (or index level) that names `first` and `second`. Not modified.
    first, second : hashable
        The two segments; the difference is `first`'s uplift minus `second`'s.
    segment : str, default="segment"
        Column (or index) holding the segment names.
    confidence : float, default=0.95
        Coverage of the interval.

    Returns
    -------
    Series
        ``difference``, ``ci_low``, ``ci_high``, ``z`` and ``p_value``.

    Raises
    ------
    ValueError
        A segment missing, listed twice, or too small to measure.

    Notes
    -----
    The segments hold different customers, so their uplifts are independent:
    SE = √(SE₁² + SE₂²), each SE Wald's (unpooled), √(p_T(1 − p_T)/n_T +
    p_H(1 − p_H)/n_H), the standard error behind :func:`uplift_table`'s
    interval. Interval: difference ± z × SE.

    Examples
    --------
    >>> uplifts = pd.DataFrame({
    ...     "segment": ["a", "b"], "n_treatment": [100, 100], "n_holdout": [100, 100],
    ...     "rate_treatment": [0.10, 0.50], "rate_holdout": [0.30, 0.30], "too_small": [False, False],
    ... })
    >>> uplift_difference(uplifts, "a", "b").round(3).to_dict()
    {'difference': -0.4, 'ci_low': -0.571, 'ci_high': -0.229, 'z': -4.588, 'p_value': 0.0}
    """
    function = "uplift_difference"
    confidence = _require_number(confidence, parameter="confidence", function=function, low=0, high=1)
    name = "uplifts"
    table = uplifts.reset_index() if segment in (uplifts.index.names or []) else uplifts
    require_columns(table, [segment, "n_treatment", "n_holdout", "rate_treatment", "rate_holdout"], name=name)
    errors = {}
    for label in (first, second):
        rows = table[table[segment] == label]
        if len(rows) != 1:
            raise ValueError(
                f"`{name}` must have exactly one row with {segment} == {label!r}; it has {len(rows)}. "
                f"Segments present: {sample_of(table[segment].tolist(), limit=10)}."
            )
        row = rows.iloc[0]
        if bool(row.get("too_small", False)):
            raise ValueError(
                f"Segment {label!r} is too small to measure ({int(row['n_treatment'])} contacted, "
                f"{int(row['n_holdout'])} held out): its uplift, and any difference with it, cannot be read."
            )
        p1, p0 = float(row["rate_treatment"]), float(row["rate_holdout"])
        variance = p1 * (1 - p1) / row["n_treatment"] + p0 * (1 - p0) / row["n_holdout"]
        errors[label] = (p1 - p0, float(variance))
    (u1, v1), (u2, v2) = errors[first], errors[second]
    difference, se = u1 - u2, math.sqrt(v1 + v2)
    z_crit = NormalDist().inv_cdf(0.5 + confidence / 2)
    z = difference / se if se > 0 else math.nan
    return pd.Series(
        {
            "difference": difference,
            "ci_low": difference - z_crit * se,
            "ci_high": difference + z_crit * se,
            "z": z,
            "p_value": 2 * stats.norm.sf(abs(z)) if se > 0 else math.nan,
        },
        name=f"{first} minus {second}",
    )


def _welch(treated: np.ndarray, held: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Difference of means and its Welch interval."""
    test = stats.ttest_ind(treated, held, equal_var=False)
    interval = test.confidence_interval(confidence_level=confidence)
    return float(treated.mean() - held.mean()), float(interval.low), float(interval.high)


def _roi(treated_revenue, treated_discount, held_revenue, *, n_treated, margin, contact_cost):
    """ROI = (incremental revenue × margin − cost) / cost, vectorised over bootstrap rows."""
    incremental = (treated_revenue.mean(axis=-1) - held_revenue.mean(axis=-1)) * n_treated
    cost = treated_discount.sum(axis=-1) + contact_cost * n_treated
    with np.errstate(divide="ignore", invalid="ignore"):
        return (incremental * margin - cost) / cost


def campaign_economics(
    responses: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "campaign_id",
    holdout: str = "holdout",
    revenue: str = "revenue",
    discount: str = "discount",
    contact_cost: float = 0.0,
    margin: float = 1.0,
    confidence: float = 0.95,
    n_bootstrap: int = 2000,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Incremental revenue, cost and ROI of each campaign, with intervals.

    Parameters
    ----------
    responses : DataFrame
        One row per customer and campaign: the `holdout` flag, the `revenue`
        each customer brought in the response window (before discount, 0 for
        none) and the `discount` they received (euros, 0 for none). Not modified.
    by : str, list of str or None, default="campaign_id"
        Column(s) identifying the campaign; None for one campaign.
    holdout, revenue, discount : str
        Column names.
    contact_cost : float, default=0
        Euros per contacted customer.
    margin : float, default=1.0
        Gross margin share of revenue. With 1.0 the ROI is on revenue, which
        flatters every campaign; pass the real margin for the return on profit.
    confidence : float, default=0.95
        Coverage of the intervals.
    n_bootstrap : int, default=2000
        Bootstrap resamples for the ROI interval.
    random_state : int or None, default=0
        Seed of the bootstrap, so the interval is the same on every run.

    Returns
    -------
    DataFrame
        One row per campaign: ``n_treatment``, ``n_holdout``,
        ``revenue_per_customer_treatment``, ``revenue_per_customer_holdout``,
        ``incremental_per_customer`` with ``incremental_ci_low``/``high``
        (Welch), ``incremental_revenue`` (per customer × contacted) with
        its interval, ``discount_cost``, ``contact_cost``, ``cost``,
        ``roi`` with ``roi_ci_low``/``roi_ci_high`` (percentile bootstrap,
        resampling each group separately).

    Notes
    -----
    The revenue of the hold-out is what the contacted customers would have
    brought anyway, so incremental revenue = (mean revenue contacted − mean
    revenue held out) × contacted customers. The cost counts the discount
    given to *every* contacted customer who used it, including those who
    would have ordered anyway. ROI = (incremental revenue × margin − cost) / cost;
    0 is break-even, −1 means everything spent was lost.
    Discounts in the hold-out (a public code both groups can use) are not a
    cost of the campaign and are not counted; if contacted customers would
    have used such a code anyway, the cost here is an upper bound.

    Examples
    --------
    >>> responses = pd.DataFrame({
    ...     "holdout": [False] * 4 + [True] * 4,
    ...     "revenue": [30.0, 30.0, 0.0, 0.0, 30.0, 0.0, 0.0, 0.0],
    ...     "discount": [3.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ... })
    >>> row = campaign_economics(responses, by=None, n_bootstrap=200).iloc[0]
    >>> row[["incremental_revenue", "cost", "roi"]].tolist()
    [30.0, 6.0, 4.0]
    """
    name = "responses"
    function = "campaign_economics"
    require_non_empty(responses, name=name)
    keys = _by_list(by)
    require_columns(responses, [*keys, holdout, revenue, discount], name=name)
    for column in (revenue, discount):
        require_numeric(responses, column, name=name)
        values = responses[column]
        if values.isna().any() or (values < 0).any():
            bad = values[values.isna() | (values < 0)]
            raise ValueError(
                f"Column {column!r} of `{name}` must be 0 or more for every customer (0 when none); "
                f"found {len(bad)} missing or negative value(s), like {sample_of(bad)}."
            )
    contact_cost = _require_number(
        contact_cost, parameter="contact_cost", function=function, low=0, high=math.inf, closed="left"
    )
    margin = _require_number(margin, parameter="margin", function=function, low=0, high=1, closed="right")
    confidence = _require_number(confidence, parameter="confidence", function=function, low=0, high=1)
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, int) or n_bootstrap < 100:
        raise ValueError(
            f"The 'n_bootstrap' parameter of {function} must be an int >= 100. Got {n_bootstrap!r} instead."
        )
    flags = responses[[*keys, revenue, discount]].copy()
    flags[holdout] = _as_flags(responses, holdout, name=name)
    _require_holdout_everywhere(flags, keys, holdout, name)

    rng = np.random.default_rng(random_state)
    tail = (1 - confidence) / 2
    rows = []
    groups = flags.groupby(keys, observed=True, sort=True) if keys else [((), flags)]
    for key, part in groups:
        treated = part.loc[~part[holdout]]
        held = part.loc[part[holdout]]
        n1, n0 = len(treated), len(held)
        if n1 < 2 or n0 < 2:
            raise ValueError(
                f"`{name}` needs at least 2 contacted and 2 held-out customers per campaign to compare revenue; "
                f"{'' if not keys else f'{keys[0]} {key[0]!r} has '}{n1} contacted and {n0} held out."
            )
        t_rev, t_disc, h_rev = (
            treated[revenue].to_numpy(float),
            treated[discount].to_numpy(float),
            held[revenue].to_numpy(float),
        )
        diff, low, high = _welch(t_rev, h_rev, confidence)
        discount_cost = float(t_disc.sum())
        contact_total = contact_cost * n1
        cost = discount_cost + contact_total
        roi = float(_roi(t_rev, t_disc, h_rev, n_treated=n1, margin=margin, contact_cost=contact_cost))
        pick_t = rng.integers(0, n1, size=(n_bootstrap, n1))
        pick_h = rng.integers(0, n0, size=(n_bootstrap, n0))
        boot = _roi(
            t_rev[pick_t], t_disc[pick_t], h_rev[pick_h], n_treated=n1, margin=margin, contact_cost=contact_cost
        )
        finite = boot[np.isfinite(boot)]
        roi_low, roi_high = np.quantile(finite, [tail, 1 - tail]) if cost > 0 and len(finite) else (np.nan, np.nan)
        rows.append(
            {
                **dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True)),
                "n_treatment": n1,
                "n_holdout": n0,
                "revenue_per_customer_treatment": float(t_rev.mean()),
                "revenue_per_customer_holdout": float(h_rev.mean()),
                "incremental_per_customer": diff,
                "incremental_ci_low": low,
                "incremental_ci_high": high,
                "incremental_revenue": diff * n1,
                "incremental_revenue_ci_low": low * n1,
                "incremental_revenue_ci_high": high * n1,
                "discount_cost": discount_cost,
                "contact_cost": contact_total,
                "cost": cost,
                "roi": roi if cost > 0 else np.nan,
                "roi_ci_low": float(roi_low),
                "roi_ci_high": float(roi_high),
            }
        )
    return pd.DataFrame(rows)


def campaign_outcomes(
    responses: pd.DataFrame,
    lines: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    days: int = 14,
    campaign: str = "campaign_id",
    customer: str = "customer_id",
    ordered_at: str = "ordered_at",
    amount: str = "amount",
    discount: str = "discount",
    promo_code: str = "promo_code",
    sent_at: str = "sent_at",
) -> pd.DataFrame:
    """Each customer's revenue and campaign discount in the days after each campaign was sent.

    Parameters
    ----------
    responses : DataFrame
        One row per customer and campaign (`campaign`, `customer`, the hold-out
        flag and anything else). Not modified.
    lines : DataFrame
        Order lines with `customer`, `ordered_at`, `amount` (the money of the
        line **before** its discount, 0 for a line not paid: for the course's
        orders ``order_values(orders, discount=None)``), `discount` (euros)
        and `promo_code`. Not modified.
    campaigns : DataFrame
        One row per campaign: `campaign`, `sent_at` (a datetime) and
        `promo_code` (missing when the campaign had none).
    days : int, default=14
        Length of the response window, which opens just after the moment of
        sending: (sent_at, sent_at + days], the window of the CRM's
        ``ordered_within_14_days``.
    campaign, customer, ordered_at, amount, discount, promo_code, sent_at : str
        Column names.

    Returns
    -------
    DataFrame
        A copy of `responses` with two columns added, ready for
        :func:`campaign_economics`: ``revenue`` (sum of `amount` of the
        customer's lines in (sent_at, sent_at + days]) and ``discount`` (the
        discount on those lines that carry the campaign's own promo code and
        were paid, `amount` above 0; 0 for a campaign without one). Both are 0 for a customer who did not order.

    Raises
    ------
    ValueError
        A missing column, a campaign of `responses` absent from `campaigns`,
        a campaign listed twice, or a customer listed twice in one campaign.

    Notes
    -----
    Hold-out customers get the same window, so their revenue is what the
    contacted customers would have brought anyway. A discount with another
    code (a welcome offer) is not a cost of this campaign and is not counted;
    nor is the discount of a cancelled or refunded line, which was never paid.

    Examples
    --------
    >>> responses = pd.DataFrame({"campaign_id": [1, 1], "customer_id": [7, 8], "holdout": [False, True]})
    >>> lines = pd.DataFrame({
    ...     "customer_id": [7, 7, 8],
    ...     "ordered_at": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-01-06"]),
    ...     "amount": [30.0, 20.0, 25.0],
    ...     "discount": [4.5, 0.0, 0.0],
    ...     "promo_code": ["JAN15", None, None],
    ... })
    >>> campaigns = pd.DataFrame({"campaign_id": [1], "sent_at": pd.to_datetime(["2025-01-03"]), "promo_code": ["JAN15"]})
    >>> campaign_outcomes(responses, lines, campaigns)[["customer_id", "revenue", "discount"]]
       customer_id  revenue  discount
    0            7     30.0       4.5
    1            8     25.0       0.0
    """
    function = "campaign_outcomes"
    for name, frame, columns in (
        ("responses", responses, [campaign, customer]),
        ("lines", lines, [customer, ordered_at, amount, discount, promo_code]),
        ("campaigns", campaigns, [campaign, sent_at, promo_code]),
    ):
        require_non_empty(frame, name=name)
        require_columns(frame, columns, name=name)
    require_datetime(lines, ordered_at, name="lines")
    require_datetime(campaigns, sent_at, name="campaigns")
    for column in (amount, discount):
        require_numeric(lines, column, name="lines")
    require_positive_int(days, parameter="days", function=function)
    repeated = campaigns[campaign][campaigns[campaign].duplicated()]
    if len(repeated):
        raise ValueError(
            f"`campaigns` lists campaign(s) {sample_of(repeated.tolist())} more than once; one row per campaign."
        )
    unknown = responses.loc[~responses[campaign].isin(campaigns[campaign]), campaign]
    if len(unknown):
        raise ValueError(
            f"`responses` has campaign(s) {sample_of(unknown.tolist())} that `campaigns` does not list; "
            f"it lists {sample_of(campaigns[campaign].tolist(), limit=10)}."
        )
    twice = responses.duplicated([campaign, customer])
    if twice.any():
        raise ValueError(
            f"`responses` lists {int(twice.sum())} customer(s) twice in one campaign, like "
            f"{sample_of(responses.loc[twice, customer].tolist())}; each customer must count once."
        )

    window = pd.Timedelta(days=days)
    sums = []
    for row in campaigns.itertuples(index=False):
        start, code = getattr(row, sent_at), getattr(row, promo_code)
        inside = lines[(lines[ordered_at] > start) & (lines[ordered_at] <= start + window)]
        with_code = inside[promo_code] == code if pd.notna(code) else pd.Series(False, index=inside.index)
        with_code &= inside[amount] > 0
        sums.append(
            pd.DataFrame(
                {
                    campaign: getattr(row, campaign),
                    customer: inside[customer],
                    "revenue": inside[amount].astype(float),
                    "discount": inside[discount].astype(float).where(with_code, 0.0),
                }
            )
        )
    per_customer = pd.concat(sums).groupby([campaign, customer], as_index=False)[["revenue", "discount"]].sum()
    result = responses.drop(columns=["revenue", "discount"], errors="ignore").merge(
        per_customer, on=[campaign, customer], how="left", validate="one_to_one"
    )
    result[["revenue", "discount"]] = result[["revenue", "discount"]].fillna(0.0)
    result.index = responses.index
    return result
