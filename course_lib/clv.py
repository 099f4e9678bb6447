"""Customer lifetime value: who will buy again, how often, for how much.

RFM (:mod:`course_lib.rfm`) describes what customers did. The two models here
turn the same history into a forecast, for a *non-contractual* business: one
where customers never say that they leave (a meal-delivery app, a web shop),
unlike a subscription.

**BG/NBD** (:class:`BetaGeo`; Fader, Hardie & Lee 2005, "Counting your
customers the easy way") tells a story about each customer:

1. while "alive", a customer buys at their own steady rate, at random moments
   (a Poisson process); the rates differ between customers (a gamma
   distribution with shape ``r`` and rate ``alpha``);
2. right after any purchase, the customer may drop out for good, with their
   own probability; these probabilities differ between customers (a beta
   distribution with ``a`` and ``b``);
3. nobody sees the drop-out: a customer who has been silent for long is
   either slow or gone, and the model weighs the two.

From a customer's ``frequency`` (repeat purchases), ``recency`` (age at the
last purchase) and ``T`` (age now) it gives the chance that they are still
alive and the purchases to expect from them in the next periods.

**Gamma-Gamma** (:class:`GammaGamma`; Fader, Hardie & Lee 2005, "RFM and
CLV") models the money: each customer has their own mean spend per purchase,
and a customer's observed mean is pulled towards the mean of everyone, the
more so the fewer purchases it rests on. It assumes that how much someone
spends does not depend on how often they buy (check it: the correlation of
``frequency`` and ``monetary_value`` should be near 0).

:func:`customer_lifetime_value` combines them with a margin and a discount
rate. :func:`calibration_holdout`, :func:`holdout_by_frequency` and
:func:`repeat_purchases_by_period` check a model on purchases it has not seen.

The summary table is the one of :func:`course_lib.rfm.clv_summary`, with time
in the unit the model is told (``time_unit``): weeks by default, as in the
published fits, so divide the days of ``clv_summary`` by 7 first
(:func:`to_weeks`).

Examples
--------
The published CDNOW fit (Fader, Hardie & Lee 2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426.

>>> from course_lib.datasets import load_cdnow_sample
>>> table = calibration_holdout(load_cdnow_sample(), calibration_end="1997-09-30",
...                             holdout_end="1998-06-30", zero_amount_days="count")
>>> model = BetaGeo().fit(table)
>>> model.params_.round(3).to_dict()
{'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
>>> model.probability_alive(table).head(3).round(2).tolist()
[0.73, 1.0, 0.21]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize, special

from course_lib.rfm import clv_summary, purchase_days
from course_lib.validation import (
    require_columns,
    require_dataframe,
    require_non_empty,
    require_numeric,
    require_one_of,
    require_positive_int,
    sample_of,
)

__all__ = [
    "DAYS_PER",
    "BetaGeo",
    "ConvergenceError",
    "GammaGamma",
    "calibration_holdout",
    "customer_lifetime_value",
    "holdout_by_frequency",
    "repeat_purchases_by_period",
    "to_weeks",
]

#: Days in one unit of model time.
DAYS_PER: dict[str, int] = {"days": 1, "weeks": 7}
#: A summary in weeks whose ages are all whole numbers and reach beyond this many weeks (two years)
#: is almost surely in days.
_MOST_WEEKS_WITHOUT_A_FRACTION = 104
#: Parameters are searched between 1 / this and this; reaching either end means no finite best fit.
_LARGEST_PARAMETER = 1e7


class ConvergenceError(RuntimeError):
    """The maximum-likelihood search stopped without finding the best parameters."""


# --------------------------------------------------------------------------------------
# The summary table
# --------------------------------------------------------------------------------------


def to_weeks(summary: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of a :func:`~course_lib.rfm.clv_summary` table with ``recency`` and ``T`` in weeks.

    Parameters
    ----------
    summary : DataFrame
        With ``recency`` and ``T`` in days.

    Returns
    -------
    DataFrame
        The same table with ``recency`` and ``T`` divided by 7; ``frequency``
        and ``monetary_value`` do not depend on time and stay as they are.

    Examples
    --------
    >>> to_weeks(pd.DataFrame({"frequency": [1.0], "recency": [14.0], "T": [21.0]}))
       frequency  recency    T
    0        1.0      2.0  3.0
    """
    require_columns(summary, ["recency", "T"], name="summary")
    return summary.assign(recency=summary["recency"] / 7, T=summary["T"] / 7)


def _check_summary(summary: pd.DataFrame, *, time_unit: str, function: str, name: str = "summary") -> None:
    """`summary` is a usable CLV summary in `time_unit`: raise an error that names the column otherwise."""
    require_dataframe(summary, name=name)
    require_columns(summary, ["frequency", "recency", "T"], name=name)
    require_non_empty(summary, name=name)
    for column in ("frequency", "recency", "T"):
        require_numeric(summary, column, name=name)
        missing = summary[column].isna()
        if missing.any():
            raise ValueError(
                f"Column {column!r} of `{name}` is missing for {int(missing.sum())} customer(s), like "
                f"{sample_of(summary.index[missing].tolist())}; {function} needs a number for every customer."
            )
    frequency, recency, age = (summary[column].to_numpy(dtype="float64") for column in ("frequency", "recency", "T"))
    bad = (frequency < 0) | (frequency != np.round(frequency))
    if bad.any():
        raise ValueError(
            f"Column 'frequency' of `{name}` must hold whole numbers >= 0 (the number of repeat purchases); "
            f"found {int(bad.sum())} other value(s), like {sample_of(frequency[bad].tolist())}."
        )
    for column, values in (("recency", recency), ("T", age)):
        if (values < 0).any():
            raise ValueError(
                f"Column {column!r} of `{name}` must be >= 0 (a customer's age in {time_unit}); found "
                f"{int((values < 0).sum())} negative value(s), like {sample_of(values[values < 0].tolist())}."
            )
    later = recency > age
    if later.any():
        raise ValueError(
            f"Column 'recency' of `{name}` must not exceed column 'T' (the last purchase cannot come after the "
            f"end of observation); it does for {int(later.sum())} customer(s), like "
            f"{sample_of(summary.index[later].tolist())}."
        )
    inconsistent = ((frequency == 0) & (recency > 0)) | ((frequency > 0) & (recency == 0))
    if inconsistent.any():
        raise ValueError(
            f"Columns 'frequency' and 'recency' of `{name}` disagree for {int(inconsistent.sum())} customer(s), "
            f"like {sample_of(summary.index[inconsistent].tolist())}: recency is 0 exactly when there is no repeat "
            "purchase (frequency 0). Is this a marketing RFM table? Build the CLV summary with "
            "course_lib.rfm.clv_summary."
        )
    _check_time_unit(summary, age, time_unit=time_unit, name=name)


def _check_time_unit(summary: pd.DataFrame, age: np.ndarray, *, time_unit: str, name: str) -> None:
    """Catch a summary in days given to a model in weeks, and the reverse."""
    stated = summary.attrs.get("time_unit")
    if stated is not None and stated != time_unit:
        raise ValueError(
            f"`{name}` is in {stated} (its attrs['time_unit']) but the model expects {time_unit}. "
            + ("Convert it with course_lib.clv.to_weeks(summary)" if time_unit == "weeks" else "Convert it")
            + f", or build the model with time_unit={stated!r}."
        )
    whole = bool(np.all(age == np.round(age)))
    if time_unit == "weeks" and whole and age.max() > _MOST_WEEKS_WITHOUT_A_FRACTION:
        raise ValueError(
            f"Column 'T' of `{name}` looks like days, not weeks: all its values are whole numbers and the "
            f"largest is {age.max():g} ({age.max() / 52:.0f} years if these were weeks). The model expects "
            "weeks: convert with course_lib.clv.to_weeks(summary) (days / 7), or build the model with "
            "time_unit='days'."
        )
    if time_unit == "days" and not whole:
        raise ValueError(
            f"Column 'T' of `{name}` has fractions, like {sample_of(age[age != np.round(age)].tolist())}, "
            "but a summary in days counts whole days. Is it in weeks? Then build the model with time_unit='weeks'."
        )


def _arrays(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return tuple(summary[column].to_numpy(dtype="float64") for column in ("frequency", "recency", "T"))


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """The distinct rows of `columns` (each column once per distinct row) and, last, how often each occurs."""
    order = np.lexsort(columns[::-1])
    rows = np.column_stack(columns)[order]
    starts = np.flatnonzero(np.r_[True, np.any(rows[1:] != rows[:-1], axis=1)])
    counts = np.diff(np.r_[starts, len(rows)]).astype("float64")
    return (*rows[starts].T, counts)


#: Largest gradient of the log-likelihood (per unit of log-parameter) at which a search that stopped
#: early counts as converged; the optimum's log-likelihood then moves by less than 1e-4 per unit.
_FLAT_GRADIENT = 1e-4


def _maximise(
    negative_log_likelihood: Callable[[np.ndarray], tuple[float, np.ndarray]], names: list[str], model: str
) -> tuple[np.ndarray, float, int]:
    """Maximise a log-likelihood over log-parameters (so every parameter stays > 0); raise when it fails."""
    bound = np.log(_LARGEST_PARAMETER)
    with np.errstate(all="ignore"):  # trial steps far from the optimum may overflow; the search steps back
        result = optimize.minimize(
            negative_log_likelihood,
            x0=np.zeros(len(names)),
            jac=True,
            method="L-BFGS-B",
            bounds=[(-bound, bound)] * len(names),
            options={"ftol": 1e-13, "gtol": 1e-8, "maxiter": 1000},
        )
    parameters = np.exp(result.x)
    at_a_bound = np.any(np.abs(result.x) > bound - 1e-3)
    # L-BFGS-B says ABNORMAL when its line search cannot improve on a point whose log-likelihood is
    # already at the noise floor of float arithmetic (a last-bit change in the data can cause it);
    # a flat gradient says that point is the maximum all the same.
    flat = np.all(np.isfinite(result.jac)) and np.max(np.abs(result.jac)) < _FLAT_GRADIENT
    converged = result.success or (result.status == 2 and flat)
    if not converged or at_a_bound or not np.isfinite(result.fun):
        found = ", ".join(f"{name}={value:.4g}" for name, value in zip(names, parameters, strict=True))
        raise ConvergenceError(
            f"{model} did not converge: the search stopped at {found} ({result.message}). Parameters that run "
            "off to 0 or to very large values mean the data cannot pin the model down: too few customers, "
            "too few repeat purchases, or a summary in the wrong time unit."
        )
    return parameters, -float(result.fun), int(result.nit)


# --------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------


class BetaGeo:
    """The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005).

    Parameters
    ----------
    time_unit : {"weeks", "days"}, default="weeks"
        The unit of ``recency`` and ``T`` in the summaries given to the model,
        and of every `t` given to its methods. Weeks are the published
        convention; the fitted ``alpha_`` is in this unit.

    Attributes
    ----------
    r_, alpha_ : float
        Shape and rate of the gamma distribution of purchase rates while
        alive: the mean rate is ``r_ / alpha_`` purchases per time unit.
    a_, b_ : float
        The beta distribution of the drop-out probability after a purchase:
        its mean is ``a_ / (a_ + b_)``.
    params_ : Series
        The four parameters, by name.
    log_likelihood_ : float
        The maximised log-likelihood (it depends on the time unit).
    n_customers_ : int
        Customers the model was fitted on.
    n_iter_ : int
        Iterations of the optimiser.

    Notes
    -----
    The fit maximises the log-likelihood of Fader, Hardie & Lee (2005, eq. 6)
    over ``log(r), log(alpha), log(a), log(b)`` with BFGS and its exact
    gradient. For a customer with ``x`` repeat purchases, the last at age
    ``t_x``, observed up to age ``T``:

    .. math::

        L = \\frac{B(a, b + x)}{B(a, b)} \\frac{\\Gamma(r + x)\\,\\alpha^r}{\\Gamma(r)}
            \\left[ (\\alpha + T)^{-(r + x)}
            + [x > 0] \\frac{a}{b + x - 1} (\\alpha + t_x)^{-(r + x)} \\right]

    Examples
    --------
    Two customers of the same age (T = 30 weeks), both with 4 repeat purchases: one bought
    last a week ago, the other 25 weeks ago.

    >>> model = BetaGeo()
    >>> model.r_, model.alpha_, model.a_, model.b_ = 0.243, 4.414, 0.793, 2.426  # published CDNOW fit
    >>> model.params_ = pd.Series([0.243, 4.414, 0.793, 2.426], index=["r", "alpha", "a", "b"])
    >>> two = pd.DataFrame({"frequency": [4, 4], "recency": [29.0, 5.0], "T": [30.0, 30.0]})
    >>> model.probability_alive(two).round(3).tolist()
    [0.858, 0.027]
    >>> model.predict_purchases(two, 39).round(2).tolist()
    [3.21, 0.1]
    """

    def __init__(self, *, time_unit: str = "weeks") -> None:
        self.time_unit = time_unit

    def __repr__(self) -> str:
        return f"BetaGeo(time_unit={self.time_unit!r})"

    # ---- fitting -------------------------------------------------------------------
    @staticmethod
    def _negative_log_likelihood(
        log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, age: np.ndarray, weights: np.ndarray
    ) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(log_params)
        repeat = x > 0
        log_a3 = -(r + x) * np.log(alpha + age)
        log_a4 = np.full_like(x, -np.inf)
        log_a4[repeat] = np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
        log_bracket = np.logaddexp(log_a3, log_a4)
        share_a4 = np.exp(log_a4 - log_bracket)  # the weight of the second term, 0 without repeat purchases
        log_likelihood = (
            special.gammaln(r + x)
            - special.gammaln(r)
            + r * np.log(alpha)
            + special.betaln(a, b + x)
            - special.betaln(a, b)
            + log_bracket
        )
        mean_log_age = (1 - share_a4) * np.log(alpha + age) + share_a4 * np.log(alpha + t_x)
        mean_inverse_age = (1 - share_a4) / (alpha + age) + share_a4 / (alpha + t_x)
        digamma_ab, digamma_abx = special.digamma(a + b), special.digamma(a + b + x)
        gradient = np.array(
            [
                special.digamma(r + x) - special.digamma(r) + np.log(alpha) - mean_log_age,
                r / alpha - (r + x) * mean_inverse_age,
                digamma_ab - digamma_abx + share_a4 / a,
                special.digamma(b + x)
                - digamma_abx
                - special.digamma(b)
                + digamma_ab
                - np.where(repeat, share_a4 / np.maximum(b + x - 1, 1e-300), 0.0),
            ]
        )
        total = float(weights @ log_likelihood)
        # d/d log(p) = p * d/dp
        return -total, -(gradient @ weights) * np.array([r, alpha, a, b])

    def fit(self, summary: pd.DataFrame) -> BetaGeo:
        """Fit the four parameters to a CLV summary by maximum likelihood.

        Parameters
        ----------
        summary : DataFrame
            One row per customer with ``frequency`` (repeat purchases),
            ``recency`` and ``T`` in the model's time unit, as made by
            :func:`course_lib.rfm.clv_summary` (then :func:`to_weeks`).

        Returns
        -------
        BetaGeo
            The fitted model itself.

        Raises
        ------
        ConvergenceError
            When the search does not settle on finite, positive parameters.
        """
        require_one_of(self.time_unit, DAYS_PER, parameter="time_unit", function="BetaGeo")
        _check_summary(summary, time_unit=self.time_unit, function="BetaGeo.fit")
        # Customers with the same (x, t_x, T) add the same term: sum each distinct row once, weighted.
        x, t_x, age, weights = _distinct_rows(*_arrays(summary))
        parameters, log_likelihood, n_iter = _maximise(
            lambda log_params: self._negative_log_likelihood(log_params, x, t_x, age, weights),
            ["r", "alpha", "a", "b"],
            "BetaGeo",
        )
        self.r_, self.alpha_, self.a_, self.b_ = (float(value) for value in parameters)
        self.params_ = pd.Series(parameters, index=["r", "alpha", "a", "b"], name="BetaGeo")
        self.log_likelihood_ = log_likelihood
        self.n_customers_ = len(summary)
        self.n_iter_ = n_iter
        return self

    def _require_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise RuntimeError("This BetaGeo is not fitted yet: call .fit(summary) first.")

    # ---- predictions ---------------------------------------------------------------
    def expected_purchases(self, t: float | np.ndarray) -> np.ndarray:
        """Expected repeat purchases of a new customer in their first `t` time units.

        Parameters
        ----------
        t : float or array of float
            Time since the first purchase, in the model's unit; 0 or more.

        Returns
        -------
        ndarray
            ``E[X(t)]`` (Fader, Hardie & Lee 2005, eq. 7), one value per `t`.
        """
        self._require_fitted()
        t = np.asarray(t, dtype="float64")
        if np.any(t < 0):
            raise ValueError(f"`t` must be >= 0 ({self.time_unit} since the first purchase); got {t.min():g}.")
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        return (
            (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, t / (alpha + t)))
        )

    def _odds_of_drop_out(self, x: np.ndarray, t_x: np.ndarray, age: np.ndarray) -> np.ndarray:
        """How much likelier "dropped out after the last purchase" is than "alive", per customer."""
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        odds = np.zeros_like(x)
        repeat = x > 0
        odds[repeat] = (
            a / (b + x[repeat] - 1) * np.exp((r + x[repeat]) * np.log((alpha + age[repeat]) / (alpha + t_x[repeat])))
        )
        return odds

    def probability_alive(self, summary: pd.DataFrame) -> pd.Series:
        """The probability that each customer is still "alive" (has not dropped out) at age ``T``.

        Parameters
        ----------
        summary : DataFrame
            ``frequency``, ``recency``, ``T`` in the model's time unit.

        Returns
        -------
        Series
            ``p_alive`` between 0 and 1, indexed like `summary`. A customer
            without repeat purchases gets 1: in BG/NBD, drop-out happens only
            right after a purchase (a known quirk of the model).
        """
        self._require_fitted()
        _check_summary(summary, time_unit=self.time_unit, function="BetaGeo.probability_alive")
        x, t_x, age = _arrays(summary)
        return pd.Series(1 / (1 + self._odds_of_drop_out(x, t_x, age)), index=summary.index, name="p_alive")

    def predict_purchases(self, summary: pd.DataFrame, t: float | np.ndarray | pd.Series) -> pd.Series:
        """Expected purchases of each customer in the next `t` time units, given their history.

        Parameters
        ----------
        summary : DataFrame
            ``frequency``, ``recency``, ``T`` in the model's time unit.
        t : float, or one value per customer
            The length of the future period, in the model's time unit.

        Returns
        -------
        Series
            ``expected_purchases``, indexed like `summary` (Fader, Hardie &
            Lee 2005, eq. 10).
        """
        self._require_fitted()
        _check_summary(summary, time_unit=self.time_unit, function="BetaGeo.predict_purchases")
        t = np.broadcast_to(np.asarray(t, dtype="float64"), (len(summary),))
        if np.any(t < 0):
            raise ValueError(f"`t` must be >= 0 (a future period in {self.time_unit}); got {t.min():g}.")
        x, t_x, age = _arrays(summary)
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        share_left = np.exp((r + x) * np.log((alpha + age) / (alpha + age + t)))
        hypergeometric = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + age + t))
        alive_expectation = (a + b + x - 1) / (a - 1) * (1 - share_left * hypergeometric)
        expected = alive_expectation / (1 + self._odds_of_drop_out(x, t_x, age))
        return pd.Series(expected, index=summary.index, name="expected_purchases")


# --------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------


class GammaGamma:
    """The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV").

    Each customer's purchases vary around their own mean spend, and the means
    vary between customers. Fit it on customers with at least one repeat
    purchase: ``monetary_value`` (the mean of the repeat purchases) is what it
    models.

    Attributes
    ----------
    p_, q_, gamma_ : float
        The fitted parameters.
    mean_spend_ : float
        The mean spend per purchase of the population, ``p_ * gamma_ / (q_ - 1)``
        (the prediction for a customer without repeat purchases).
    params_ : Series
        The three parameters, by name.
    log_likelihood_ : float
        The maximised log-likelihood.
    n_customers_ : int
        Customers with repeat purchases the model was fitted on.
    n_iter_ : int
        Iterations of the optimiser.

    Notes
    -----
    For a customer with ``x`` repeat purchases of mean ``m``, the density of
    ``m`` is

    .. math::

        f(m) = \\frac{\\Gamma(p x + q)}{\\Gamma(p x)\\,\\Gamma(q)}
               \\frac{\\gamma^q\\, m^{p x - 1}\\, x^{p x}}{(\\gamma + m x)^{p x + q}}

    and the expected spend per purchase given the history is the weighted
    mean ``w * mean_spend_ + (1 - w) * m`` with ``w = (q - 1) / (p x + q - 1)``.

    Examples
    --------
    >>> from course_lib.datasets import load_cdnow_sample
    >>> table = calibration_holdout(load_cdnow_sample(), calibration_end="1997-09-30",
    ...                             holdout_end="1998-06-30", zero_amount_days="count")
    >>> spend = GammaGamma().fit(table)
    >>> spend.n_customers_, spend.params_.round(2).to_dict()
    (946, {'p': 6.25, 'q': 3.74, 'gamma': 15.44})
    >>> spend.predict_spend(table.head(3)).round(2).tolist()
    [24.65, 35.17, 18.91]
    """

    def __repr__(self) -> str:
        return "GammaGamma()"

    @staticmethod
    def _check(summary: pd.DataFrame, *, function: str) -> tuple[np.ndarray, np.ndarray]:
        require_dataframe(summary, name="summary")
        require_columns(summary, ["frequency", "monetary_value"], name="summary")
        require_non_empty(summary, name="summary")
        for column in ("frequency", "monetary_value"):
            require_numeric(summary, column, name="summary")
            if summary[column].isna().any():
                raise ValueError(f"Column {column!r} of `summary` has missing values; {function} needs a number.")
        x, spend = (summary[column].to_numpy(dtype="float64") for column in ("frequency", "monetary_value"))
        bad = (x < 0) | (x != np.round(x))
        if bad.any():
            raise ValueError(
                "Column 'frequency' of `summary` must hold whole numbers >= 0 (the number of repeat purchases); "
                f"found {int(bad.sum())} other value(s), like {sample_of(x[bad].tolist())}."
            )
        not_positive = (x > 0) & (spend <= 0)
        if not_positive.any():
            raise ValueError(
                f"Column 'monetary_value' of `summary` must be > 0 for customers with repeat purchases; it is not "
                f"for {int(not_positive.sum())} customer(s), like {sample_of(summary.index[not_positive].tolist())}. "
                "Gamma-Gamma models positive spend: leave out customers whose repeat purchases were all free."
            )
        return x, spend

    @staticmethod
    def _negative_log_likelihood(log_params: np.ndarray, x: np.ndarray, spend: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, gamma = np.exp(log_params)
        px = p * x
        log_total = np.log(gamma + spend * x)
        log_likelihood = (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * np.log(gamma)
            + (px - 1) * np.log(spend)
            + px * np.log(x)
            - (px + q) * log_total
        )
        digamma_pxq = special.digamma(px + q)
        gradient = np.array(
            [
                np.sum(x * (digamma_pxq - special.digamma(px) + np.log(spend) + np.log(x) - log_total)),
                np.sum(digamma_pxq - special.digamma(q) + np.log(gamma) - log_total),
                np.sum(q / gamma - (px + q) / (gamma + spend * x)),
            ]
        )
        return -float(log_likelihood.sum()), -gradient * np.array([p, q, gamma])

    def fit(self, summary: pd.DataFrame) -> GammaGamma:
        """Fit ``p``, ``q`` and ``gamma`` on the customers with at least one repeat purchase.

        Parameters
        ----------
        summary : DataFrame
            ``frequency`` and ``monetary_value`` per customer, as made by
            :func:`course_lib.rfm.clv_summary`; rows with frequency 0 are
            left out of the fit.

        Returns
        -------
        GammaGamma
            The fitted model itself.
        """
        x, spend = self._check(summary, function="GammaGamma.fit")
        repeat = x > 0
        if repeat.sum() < 2:
            raise ValueError(
                f"GammaGamma needs customers with repeat purchases (column 'frequency' > 0); `summary` has "
                f"{int(repeat.sum())}."
            )
        parameters, log_likelihood, n_iter = _maximise(
            lambda log_params: self._negative_log_likelihood(log_params, x[repeat], spend[repeat]),
            ["p", "q", "gamma"],
            "GammaGamma",
        )
        self.p_, self.q_, self.gamma_ = (float(value) for value in parameters)
        if self.q_ <= 1:
            raise ConvergenceError(
                f"GammaGamma found q={self.q_:.3g} <= 1: the population's mean spend is then infinite, so the "
                "model does not fit this data (a few huge spenders?)."
            )
        self.params_ = pd.Series(parameters, index=["p", "q", "gamma"], name="GammaGamma")
        self.mean_spend_ = self.p_ * self.gamma_ / (self.q_ - 1)
        self.log_likelihood_ = log_likelihood
        self.n_customers_ = int(repeat.sum())
        self.n_iter_ = n_iter
        return self

    def predict_spend(self, summary: pd.DataFrame) -> pd.Series:
        """Expected spend per future purchase of each customer, given their history.

        Parameters
        ----------
        summary : DataFrame
            ``frequency`` and ``monetary_value`` per customer.

        Returns
        -------
        Series
            ``expected_spend``, indexed like `summary`, in the unit of
            ``monetary_value``; ``mean_spend_`` for customers without repeat
            purchases.
        """
        if not hasattr(self, "params_"):
            raise RuntimeError("This GammaGamma is not fitted yet: call .fit(summary) first.")
        x, spend = self._check(summary, function="GammaGamma.predict_spend")
        weight_of_population = (self.q_ - 1) / (self.p_ * x + self.q_ - 1)
        expected = weight_of_population * self.mean_spend_ + (1 - weight_of_population) * spend
        return pd.Series(expected, index=summary.index, name="expected_spend")


# --------------------------------------------------------------------------------------
# Customer lifetime value
# --------------------------------------------------------------------------------------


def customer_lifetime_value(
    summary: pd.DataFrame,
    *,
    purchases: BetaGeo,
    spend: GammaGamma,
    horizon: int = 52,
    margin: float = 0.30,
    annual_discount_rate: float = 0.10,
) -> pd.DataFrame:
    """Expected profit from each customer over the next `horizon` periods, in today's money.

    Parameters
    ----------
    summary : DataFrame
        ``frequency``, ``recency``, ``T`` (in the unit of `purchases`) and
        ``monetary_value`` per customer.
    purchases : BetaGeo
        A fitted model of how many purchases to expect.
    spend : GammaGamma
        A fitted model of the spend per purchase.
    horizon : int, default=52
        How many periods (weeks, with the default time unit) ahead to count.
        One year by default: far enough for a yearly retention budget, near
        enough for the model's assumption that behaviour does not change.
    margin : float, default=0.30
        The share of each sale that is profit after the cost of the food,
        packaging and delivery. 0.30 is a placeholder for a meal-delivery
        business: use your own figure. With 1, the result is revenue.
    annual_discount_rate : float, default=0.10
        How much less a euro next year is worth than a euro today (what the
        money could earn elsewhere, and the risk). 10% a year is a common
        choice for a small business; 0 switches discounting off.

    Returns
    -------
    DataFrame
        Indexed like `summary`: ``expected_purchases`` (over the horizon),
        ``expected_spend`` (per purchase), ``clv`` (discounted profit).

    Notes
    -----
    With ``E[Y(k)]`` the purchases expected in the next ``k`` periods (from
    `purchases`), ``E[M]`` the spend per purchase (from `spend`), ``u`` the
    periods in a year (52.18 weeks or 365.25 days) and ``d`` the annual rate:

    .. math::

        CLV = margin \\cdot E[M] \\sum_{k=1}^{horizon} \\frac{E[Y(k)] - E[Y(k-1)]}{(1 + d)^{k/u}}

    The purchases of period ``k`` are discounted as if made at its end.

    Examples
    --------
    >>> from course_lib.datasets import load_cdnow_sample
    >>> table = calibration_holdout(load_cdnow_sample(), calibration_end="1997-09-30",
    ...                             holdout_end="1998-06-30", zero_amount_days="count")
    >>> value = customer_lifetime_value(table, purchases=BetaGeo().fit(table), spend=GammaGamma().fit(table))
    >>> value.head(3).round(2)
                 expected_purchases  expected_spend    clv
    customer_id
    4                          1.56           24.65  11.02
    18                         0.25           35.17   2.56
    21                         0.26           18.91   1.41
    """
    for parameter, instance, kind in (("purchases", purchases, BetaGeo), ("spend", spend, GammaGamma)):
        if not isinstance(instance, kind):
            raise TypeError(f"`{parameter}` must be a fitted {kind.__name__}, got {type(instance).__name__}.")
    require_positive_int(horizon, parameter="horizon", function="customer_lifetime_value")
    if not 0 < margin <= 1:
        raise ValueError(f"`margin` must lie in (0, 1] (a share of each sale); got {margin!r}.")
    if not 0 <= annual_discount_rate < 1:
        raise ValueError(
            f"`annual_discount_rate` must lie in [0, 1) (0.10 is 10% a year); got {annual_discount_rate!r}."
        )
    expected_spend = spend.predict_spend(summary)
    periods_per_year = 365.25 / DAYS_PER[purchases.time_unit]
    cumulative = np.column_stack(
        [np.zeros(len(summary))] + [purchases.predict_purchases(summary, k).to_numpy() for k in range(1, horizon + 1)]
    )
    per_period = np.diff(cumulative, axis=1)
    discount = (1 + annual_discount_rate) ** (-np.arange(1, horizon + 1) / periods_per_year)
    return pd.DataFrame(
        {
            "expected_purchases": cumulative[:, -1],
            "expected_spend": expected_spend.to_numpy(),
            "clv": margin * expected_spend.to_numpy() * (per_period @ discount),
        },
        index=summary.index,
    )


# --------------------------------------------------------------------------------------
# Checking a model on a hold-out period
# --------------------------------------------------------------------------------------


def _day(value: str | dt.date | pd.Timestamp, *, parameter: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"`{parameter}` must be a date such as '1997-09-30'; got {value!r}.") from error
    if day != day.normalize():
        raise ValueError(f"`{parameter}` must be a day without a time of day; got {value!r}.")
    return day


def _summary_until(
    transactions: pd.DataFrame, last_day: pd.Timestamp, *, columns: dict[str, str], zero_amount_days: str
) -> pd.DataFrame:
    """clv_summary (in days) of the purchases up to and including `last_day`."""
    kept = transactions[transactions[columns["ordered_at"]] < last_day + pd.Timedelta(days=1)]
    if kept.empty:
        raise ValueError(f"`transactions` has no purchase on or before {last_day:%Y-%m-%d}.")
    # The kit's default column names, so the call works whatever the caller's names are.
    standard = kept[list(columns.values())].set_axis(list(columns), axis=1)
    return clv_summary(standard, as_of=last_day, zero_amount_days=zero_amount_days)


_EPOCH = pd.Timestamp("1970-01-01")


def _purchase_days(
    transactions: pd.DataFrame, last_day: pd.Timestamp, *, columns: dict[str, str], zero_amount_days: str
) -> pd.DataFrame:
    """Every purchase day up to `last_day`: columns customer and day (days since 1970), by customer and day.

    The days are the ones clv_summary counts (:func:`course_lib.rfm.purchase_days`).
    """
    kept = transactions[transactions[columns["ordered_at"]] < last_day + pd.Timedelta(days=1)]
    lines = kept[list(columns.values())].dropna()  # clv_summary's rule: a row needs all three
    days = purchase_days(
        lines,
        customer=columns["customer_id"],
        ordered_at=columns["ordered_at"],
        amount=columns["amount"],
        zero_amount_days=zero_amount_days,
    )
    return pd.DataFrame({"customer": days["customer"], "day": (days["day"] - _EPOCH).dt.days.to_numpy()})


def calibration_holdout(
    transactions: pd.DataFrame,
    *,
    calibration_end: str | dt.date,
    holdout_end: str | dt.date | None = None,
    customer: str = "customer_id",
    ordered_at: str = "ordered_at",
    amount: str = "amount",
    zero_amount_days: str = "drop",
    time_unit: str = "weeks",
) -> pd.DataFrame:
    """Split transactions into a calibration summary and the purchases of the hold-out period.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction or order line.
    calibration_end : str ("YYYY-MM-DD") or date
        The last day of the calibration period (included).
    holdout_end : str or date, optional
        The last day of the hold-out period (included); by default the day
        of the last transaction.
    customer, ordered_at, amount : str
        Columns of `transactions`.
    zero_amount_days : {"drop", "count"}, default="drop"
        Whether a day worth exactly 0 is a purchase; see
        :func:`course_lib.rfm.clv_summary`.
    time_unit : {"weeks", "days"}, default="weeks"

    Returns
    -------
    DataFrame
        One row per customer with a purchase in the calibration period,
        indexed by `customer`: ``frequency``, ``recency``, ``T``,
        ``monetary_value`` of the calibration period (as
        :func:`~course_lib.rfm.clv_summary`), ``frequency_holdout`` (purchase
        days in the hold-out: every one is a repeat purchase) and
        ``duration_holdout`` (its length), in `time_unit`.

    Examples
    --------
    >>> lines = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2, 3],
    ...     "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-05", "2024-01-08", "2024-02-01"],
    ...                                  format="%Y-%m-%d"),
    ...     "amount": [10.0, 12.0, 9.0, 20.0, 15.0],
    ... })
    >>> table = calibration_holdout(lines, calibration_end="2024-01-28", holdout_end="2024-02-11")
    >>> print(table.round(2).to_string())
                 frequency  recency     T  monetary_value  frequency_holdout  duration_holdout
    customer_id
    1                  1.0      2.0  3.86            12.0                1.0               2.0
    2                  0.0      0.0  2.86             0.0                0.0               2.0

    Customer 3 first bought in the hold-out period, so the model has nothing to say about them yet.
    """
    require_columns(transactions, [customer, ordered_at, amount], name="transactions")
    require_non_empty(transactions, name="transactions")
    require_one_of(time_unit, DAYS_PER, parameter="time_unit", function="calibration_holdout")
    calibration_end = _day(calibration_end, parameter="calibration_end")
    holdout_end = (
        transactions[ordered_at].max().normalize()
        if holdout_end is None
        else _day(holdout_end, parameter="holdout_end")
    )
    if holdout_end <= calibration_end:
        raise ValueError(
            f"`holdout_end` ({holdout_end:%Y-%m-%d}) must come after `calibration_end` ({calibration_end:%Y-%m-%d})."
        )
    columns = {"customer_id": customer, "ordered_at": ordered_at, "amount": amount}
    calibration = _summary_until(transactions, calibration_end, columns=columns, zero_amount_days=zero_amount_days)
    whole = _summary_until(transactions, holdout_end, columns=columns, zero_amount_days=zero_amount_days)
    days_per_unit = DAYS_PER[time_unit]
    table = calibration.assign(
        recency=calibration["recency"] / days_per_unit,
        T=calibration["T"] / days_per_unit,
        frequency_holdout=whole["frequency"].reindex(calibration.index) - calibration["frequency"],
        duration_holdout=(holdout_end - calibration_end).days / days_per_unit,
    )
    table.attrs["time_unit"] = time_unit
    return table.rename_axis(customer)


def holdout_by_frequency(model: BetaGeo, table: pd.DataFrame, *, max_frequency: int = 7) -> pd.DataFrame:
    """Mean purchases in the hold-out, predicted and actual, by number of calibration repeat purchases.

    Parameters
    ----------
    model : BetaGeo
        Fitted on the calibration columns of `table`.
    table : DataFrame
        As made by :func:`calibration_holdout`.
    max_frequency : int, default=7
        Customers with more calibration repeat purchases are pooled in one
        last group, labelled ``"7+"`` by default.

    Returns
    -------
    DataFrame
        Indexed by ``calibration_purchases`` (repeat purchases in the
        calibration period; strings "0", "1", ..., "7+"): ``customers``,
        ``actual`` and ``predicted`` mean hold-out purchases per customer. The
        last row, ``"all"``, holds the totals for the whole table (sums, not
        means).
    """
    require_columns(table, ["frequency_holdout", "duration_holdout"], name="table")
    require_positive_int(max_frequency, parameter="max_frequency", function="holdout_by_frequency")
    predicted = model.predict_purchases(table, table["duration_holdout"].to_numpy(dtype="float64"))
    capped = table["frequency"].clip(upper=max_frequency).astype("int64")
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    group = pd.Categorical.from_codes(capped.to_numpy(), categories=labels)
    frame = pd.DataFrame(
        {"group": group, "actual": table["frequency_holdout"].to_numpy(), "predicted": predicted.to_numpy()}
    )
    by_group = frame.groupby("group", observed=True).agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")
    )
    total = pd.DataFrame(
        {"customers": [len(frame)], "actual": [frame["actual"].sum()], "predicted": [frame["predicted"].sum()]},
        index=["all"],
    )
    by_group.index = by_group.index.astype("str")
    return pd.concat([by_group, total]).rename_axis("calibration_purchases")


def repeat_purchases_by_period(
    transactions: pd.DataFrame,
    *,
    model: BetaGeo,
    calibration_end: str | dt.date,
    holdout_end: str | dt.date | None = None,
    customer: str = "customer_id",
    ordered_at: str = "ordered_at",
    amount: str = "amount",
    zero_amount_days: str = "drop",
    period_days: int = 7,
) -> pd.DataFrame:
    """Repeat purchases of the calibration customers per period, actual and predicted (the tracking chart).

    The prediction is the model's expectation for a customer of each
    customer's age (``E[X(t)]`` summed over the customers), so it uses the
    fitted parameters and the first-purchase days only: no customer's later
    history. Agreement in the hold-out periods is the test.

    Parameters
    ----------
    transactions : DataFrame
        The same transactions the model's calibration table came from.
    model : BetaGeo
        Fitted on :func:`calibration_holdout`'s table for `calibration_end`.
    calibration_end, holdout_end, customer, ordered_at, amount, zero_amount_days
        As in :func:`calibration_holdout`.
    period_days : int, default=7
        The length of a period, in days, counted from the first purchase day
        in `transactions`.

    Returns
    -------
    DataFrame
        Indexed by ``period`` (1, 2, ...): ``last_day`` of the period,
        ``part`` ("calibration" or "holdout"), ``actual`` and ``predicted``
        repeat purchases in the period, ``actual_cumulative`` and
        ``predicted_cumulative``. The last period may be shorter, to end on
        `holdout_end`.
    """
    require_positive_int(period_days, parameter="period_days", function="repeat_purchases_by_period")
    table = calibration_holdout(
        transactions,
        calibration_end=calibration_end,
        holdout_end=holdout_end,
        customer=customer,
        ordered_at=ordered_at,
        amount=amount,
        zero_amount_days=zero_amount_days,
        time_unit="days",
    )
    calibration_end = _day(calibration_end, parameter="calibration_end")
    holdout_end = calibration_end + pd.Timedelta(days=int(table["duration_holdout"].iloc[0]))
    first_day = calibration_end - pd.to_timedelta(table["T"], unit="D")
    start = first_day.min()
    last_days = list(pd.date_range(start + pd.Timedelta(days=period_days - 1), holdout_end, freq=f"{period_days}D"))
    if not last_days or last_days[-1] < holdout_end:
        last_days.append(holdout_end)
    columns = {"customer_id": customer, "ordered_at": ordered_at, "amount": amount}
    days = _purchase_days(transactions, holdout_end, columns=columns, zero_amount_days=zero_amount_days)
    days = days[days["customer"].isin(table.index)]
    is_repeat = days["customer"].duplicated().to_numpy()  # each customer's days come in order, the first first
    repeat_days = days.loc[is_repeat, "day"].to_numpy()
    last_day_numbers = (pd.DatetimeIndex(last_days) - _EPOCH).days.to_numpy()
    actual = np.searchsorted(np.sort(repeat_days), last_day_numbers, side="right").astype("float64")
    predicted = []
    for last_day in last_days:
        age = ((last_day - first_day).dt.days / DAYS_PER[model.time_unit]).to_numpy()
        predicted.append(model.expected_purchases(age[age >= 0]).sum())
    last_days = pd.DatetimeIndex(last_days)
    result = pd.DataFrame(
        {
            "last_day": last_days,
            "part": np.where(last_days <= calibration_end, "calibration", "holdout"),
            "actual": np.diff(actual, prepend=0.0),
            "predicted": np.diff(predicted, prepend=0.0),
            "actual_cumulative": np.asarray(actual, dtype="float64"),
            "predicted_cumulative": np.asarray(predicted, dtype="float64"),
        },
        index=pd.RangeIndex(1, len(last_days) + 1, name="period"),
    )
    return result
