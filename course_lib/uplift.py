"""Whom a campaign changes: a two-model uplift estimate and the Qini curve that checks it.

A response model answers "who will order?"; many of those would order anyway.
An uplift model answers "whose ordering does the message change?", which is
what a campaign budget buys. :class:`TwoModelUplift` fits one classifier on
the contacted customers and one on the hold-out and predicts the difference.
:func:`qini_curve` checks any ranking on a randomised test: contacting the
top-ranked share first, how many *extra* responders does it buy, against
contacting at random? :func:`qini_coefficient` is the area between the two,
and :func:`qini_comparison` puts bootstrap intervals around it.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.integers(0, 2, 4000)                      # 1 = the subgroup the campaign moves
>>> treatment = rng.random(4000) < 0.5
>>> y = rng.random(4000) < 0.1 + 0.2 * (treatment & (x == 1))
>>> model = TwoModelUplift(random_state=0).fit(x.reshape(-1, 1), treatment, y)
>>> bool(qini_coefficient(y, treatment, model.predict(x.reshape(-1, 1))) > 0)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

__all__ = ["TwoModelUplift", "qini_coefficient", "qini_comparison", "qini_curve"]


def _flags(values: Any, *, parameter: str, function: str) -> np.ndarray:
    """`values` as a 1-D True/False array; 0/1 accepted; anything else raises naming the parameter."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"The {parameter!r} argument of {function} must be one-dimensional; got shape {array.shape}.")
    if pd.isna(array).any() if array.dtype == object else False:
        raise ValueError(f"The {parameter!r} argument of {function} has missing values; record each as True or False.")
    if array.dtype != bool:
        if not np.isin(array, [0, 1]).all():
            odd = array[~np.isin(array, [0, 1])][:3].tolist()
            raise ValueError(
                f"The {parameter!r} argument of {function} must hold True/False or 0/1; found values like {odd}."
            )
        array = array.astype(bool)
    return array


def _same_length(function: str, **arrays: Any) -> None:
    lengths = {name: len(values) for name, values in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"The arguments of {function} must have the same length; got {lengths}.")


class TwoModelUplift(BaseEstimator):
    """Uplift as the difference of two classifiers: one fitted on contacted, one on held-out customers.

    Parameters
    ----------
    estimator : classifier, optional
        Any scikit-learn classifier with ``predict_proba``; a fresh copy is
        fitted on each group. Default: ``LogisticRegression(max_iter=1000)``.
    random_state : int or None, default=None
        Passed to each copy of `estimator` when it takes one, so the fit is
        repeatable.

    Attributes
    ----------
    model_treatment_, model_holdout_ : classifier
        The fitted copies.
    n_features_in_ : int
        Columns seen in `fit`.

    Notes
    -----
    The uplift of a customer is P(respond | contacted, x) − P(respond | held
    out, x). It is causal only because the hold-out was drawn at random;
    fitted on observational data it would mix the campaign's effect with who
    was chosen to get it. The two models can each be good and their
    difference noisy: check the ranking with :func:`qini_curve` on customers
    not used to fit.

    Examples
    --------
    >>> X = np.array([[0], [1]] * 200)
    >>> treatment = np.array([True] * 200 + [False] * 200)
    >>> # x=0 never respond; x=1 always respond when contacted, half of them when held out.
    >>> y = np.r_[np.tile([0, 1], 100), np.tile([0, 0, 0, 1], 50)]
    >>> model = TwoModelUplift(random_state=0).fit(X, treatment, y)
    >>> model.predict(np.array([[0], [1]])).round(2)  # true uplift 0 and 0.5; regularisation shrinks a little
    array([0.02, 0.48])
    """

    def __init__(self, estimator: Any = None, *, random_state: int | None = None) -> None:
        self.estimator = estimator
        self.random_state = random_state

    def _copy(self) -> Any:
        base = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        if not hasattr(base, "predict_proba"):
            raise TypeError(
                f"The 'estimator' parameter of TwoModelUplift must be a classifier with predict_proba; "
                f"got {type(base).__name__}."
            )
        model = clone(base)
        if "random_state" in model.get_params():
            model.set_params(random_state=self.random_state)
        return model

    def fit(self, X: Any, treatment: Any, y: Any) -> TwoModelUplift:
        """Fit one model on the contacted customers and one on the hold-out.

        Parameters
        ----------
        X : array-like or DataFrame, shape (n_customers, n_features)
            What was known about each customer before the campaign.
        treatment : array-like of bool or 0/1
            True for contacted customers, False for the hold-out.
        y : array-like of bool or 0/1
            Whether the customer responded.

        Returns
        -------
        TwoModelUplift
            The fitted estimator.
        """
        function = "TwoModelUplift.fit"
        treated = _flags(treatment, parameter="treatment", function=function)
        outcome = _flags(y, parameter="y", function=function)
        _same_length(function, X=X, treatment=treated, y=outcome)
        for label, mask in (("contacted (treatment True)", treated), ("held-out (treatment False)", ~treated)):
            if len(np.unique(outcome[mask])) < 2:
                raise ValueError(
                    f"{function} needs responders and non-responders among the {label} customers; "
                    f"there are {int(mask.sum())} such customers and "
                    f"{int(outcome[mask].sum())} responded. A hold-out of 0 cannot be modelled."
                )
        rows = X.iloc if isinstance(X, pd.DataFrame) else np.asarray(X)
        self.model_treatment_ = self._copy().fit(rows[treated], outcome[treated])
        self.model_holdout_ = self._copy().fit(rows[~treated], outcome[~treated])
        self.n_features_in_ = self.model_treatment_.n_features_in_
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The estimated uplift of each customer (a share; negative means the message hurts).

        Parameters
        ----------
        X : array-like or DataFrame
            The same columns as in `fit`.

        Returns
        -------
        ndarray of float
            P(respond | contacted) − P(respond | held out).
        """
        check_is_fitted(self, "model_treatment_")
        positive = list(self.model_treatment_.classes_).index(True)
        positive_holdout = list(self.model_holdout_.classes_).index(True)
        return (
            self.model_treatment_.predict_proba(X)[:, positive]
            - self.model_holdout_.predict_proba(X)[:, positive_holdout]
        )


def qini_curve(y: Any, treatment: Any, score: Any) -> pd.DataFrame:
    """Extra responders bought by contacting customers in the order of `score`, against random order.

    Parameters
    ----------
    y : array-like of bool or 0/1
        Whether each customer of a randomised test responded.
    treatment : array-like of bool or 0/1
        True for contacted, False for held-out customers.
    score : array-like of float
        The ranking to check, highest first (an uplift prediction, a response
        score, anything).

    Returns
    -------
    DataFrame
        One row per distinct score (customers with equal scores enter
        together, so the order of ties does not matter) plus a starting row:
        ``share_targeted`` (0-1), ``incremental`` and ``random`` (the same
        for random order: a straight line to the overall value).
        ``incremental`` counts the extra responders among the *contacted*
        customers of the top share and divides them by *all* customers of
        the test, contacted and held out. It is not "extra responders per
        customer if the whole top share were contacted": that is the uplift
        within the top share × ``share_targeted``, about ``incremental``
        divided by the contacted fraction of the test (twice it for a 50/50
        test).

    Notes
    -----
    Among the top-ranked customers, with R_T responders out of N_T contacted
    and R_C out of N_C held out, and N customers in the whole test
    (Radcliffe's Qini): incremental = (R_T − R_C × N_T / N_C) / N.
    Until the first held-out customer appears the hold-out rate is unknown
    and counted as 0.

    Examples
    --------
    >>> curve = qini_curve([1, 0, 0, 0], [True, False, True, False], [0.9, 0.8, 0.2, 0.1])
    >>> curve.round(3).to_dict("list")
    {'share_targeted': [0.0, 0.25, 0.5, 0.75, 1.0], 'incremental': [0.0, 0.25, 0.25, 0.25, 0.25], 'random': [0.0, 0.062, 0.125, 0.188, 0.25]}
    """
    function = "qini_curve"
    outcome = _flags(y, parameter="y", function=function)
    treated = _flags(treatment, parameter="treatment", function=function)
    scores = np.asarray(score, dtype=float)
    _same_length(function, y=outcome, treatment=treated, score=scores)
    if len(outcome) == 0:
        raise ValueError(f"{function} needs at least one customer.")
    if np.isnan(scores).any():
        raise ValueError(f"The 'score' argument of {function} has {int(np.isnan(scores).sum())} missing value(s).")
    if treated.all() or not treated.any():
        raise ValueError(
            f"{function} needs both contacted and held-out customers; got {int(treated.sum())} contacted and "
            f"{int((~treated).sum())} held out. A hold-out of 0 cannot show what the campaign changed."
        )
    frame = pd.DataFrame(
        {
            "score": scores,
            "n_t": treated.astype(int),
            "n_c": (~treated).astype(int),
            "r_t": (outcome & treated).astype(int),
            "r_c": (outcome & ~treated).astype(int),
        }
    )
    steps = frame.groupby("score").sum().sort_index(ascending=False).cumsum()
    n = len(frame)
    with np.errstate(divide="ignore", invalid="ignore"):
        control_rate = np.where(steps["n_c"] > 0, steps["r_c"] / steps["n_c"], 0.0)
    incremental = (steps["r_t"] - control_rate * steps["n_t"]).to_numpy() / n
    share = (steps["n_t"] + steps["n_c"]).to_numpy() / n
    share, incremental = np.r_[0.0, share], np.r_[0.0, incremental]
    return pd.DataFrame({"share_targeted": share, "incremental": incremental, "random": share * incremental[-1]})


def qini_coefficient(y: Any, treatment: Any, score: Any) -> float:
    """Area between the Qini curve of `score` and random targeting: > 0 beats random, < 0 is worse.

    Parameters
    ----------
    y, treatment, score
        As in :func:`qini_curve`.

    Returns
    -------
    float
        ∫ (incremental − random) d(share targeted): the area between the
        curves, in the units of :func:`qini_curve`'s ``incremental`` (extra
        responders among the contacted, per customer of the whole test)
        times share targeted. With half the test held out it is about half
        the area "if the whole share were contacted" would give; the order of
        rankings is the same. About 0 for a random ranking; negative when the
        ranking puts those the campaign harms first.

    Examples
    --------
    >>> round(qini_coefficient([1, 0, 0, 0], [True, False, True, False], [0.9, 0.8, 0.2, 0.1]), 4)
    0.0938
    """
    curve = qini_curve(y, treatment, score)
    gap = (curve["incremental"] - curve["random"]).to_numpy()
    return float(np.trapezoid(gap, curve["share_targeted"].to_numpy()))


def _qini_area(outcome: np.ndarray, treated: np.ndarray, scores: np.ndarray) -> float:
    """:func:`qini_coefficient` on checked numpy arrays, without pandas: fast enough to bootstrap."""
    order = np.argsort(-scores, kind="stable")
    ranked = scores[order]
    ends = np.r_[np.flatnonzero(ranked[1:] != ranked[:-1]), len(ranked) - 1]  # last row of each tie
    t, y = treated[order], outcome[order]
    n_t, n_c = np.cumsum(t)[ends], np.cumsum(~t)[ends]
    r_t, r_c = np.cumsum(y & t)[ends], np.cumsum(y & ~t)[ends]
    with np.errstate(divide="ignore", invalid="ignore"):
        control_rate = np.where(n_c > 0, r_c / np.maximum(n_c, 1), 0.0)
    incremental = np.r_[0.0, (r_t - control_rate * n_t) / len(scores)]
    share = np.r_[0.0, (n_t + n_c) / len(scores)]
    return float(np.trapezoid(incremental - share * incremental[-1], share))


def qini_comparison(
    y: Any,
    treatment: Any,
    scores: dict[str, Any],
    *,
    baseline: str | None = None,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Qini coefficients of several rankings with bootstrap intervals, and each one's gain over a baseline ranking.

    Parameters
    ----------
    y, treatment
        As in :func:`qini_curve`.
    scores : dict of str to array-like
        The rankings to compare, by name, each scored on the same customers.
    baseline : str, optional
        The name of the ranking the others are compared with (for example a
        response ranking). Adds ``gain``: coefficient minus the baseline's,
        with its interval, from the same resamples (paired).
    n_bootstrap : int, default=1000
        Resamples of customers, drawn within the contacted and the held-out
        group separately so that each keeps its size.
    confidence : float, default=0.95
        Coverage of the percentile intervals.
    random_state : int or None, default=0
        Seed of the resampling.

    Returns
    -------
    DataFrame
        One row per ranking: ``qini`` (:func:`qini_coefficient`) with
        ``ci_low``/``ci_high``; with `baseline`, also ``gain``,
        ``gain_ci_low``, ``gain_ci_high``. Units are those of the
        coefficient (:func:`qini_coefficient`): extra responders among the
        contacted, per customer of the whole test (contacted and held out),
        times the share targeted. They are not "per customer if the share
        were contacted": with half the test held out, about half of that.

    Raises
    ------
    ValueError
        No ranking, rankings of another length, an unknown baseline, fewer
        than 100 resamples.

    Notes
    -----
    The scores are held fixed: the interval shows how much the test's
    customers alone could move the coefficient. When a score was learned
    from these customers (even cross-fitted), a refit on each resample would
    widen it further, so read a narrow interval with care.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 2, 2000)
    >>> treatment = rng.random(2000) < 0.5
    >>> y = rng.random(2000) < 0.1 + 0.2 * (treatment & (x == 1))
    >>> table = qini_comparison(y, treatment, {"x first": x, "noise": rng.random(2000)}, baseline="noise")
    >>> bool(table.loc["x first", "gain_ci_low"] > 0), bool(table.loc["noise", "ci_low"] < 0 < table.loc["noise", "ci_high"])
    (True, True)
    """
    function = "qini_comparison"
    outcome = _flags(y, parameter="y", function=function)
    treated = _flags(treatment, parameter="treatment", function=function)
    if not scores:
        raise ValueError(f"{function} needs at least one ranking in `scores`.")
    arrays = {name: np.asarray(score, dtype=float) for name, score in scores.items()}
    for name, array in arrays.items():
        _same_length(function, y=outcome, treatment=treated, **{f"scores[{name!r}]": array})
    if baseline is not None and baseline not in arrays:
        raise ValueError(f"The baseline {baseline!r} of {function} is not among the rankings {sorted(arrays)}.")
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, (int, np.integer)) or n_bootstrap < 100:
        raise ValueError(
            f"The 'n_bootstrap' parameter of {function} must be an integer of at least 100; got {n_bootstrap!r}."
        )
    if not 0 < confidence < 1:
        raise ValueError(f"The 'confidence' parameter of {function} must be in (0, 1); got {confidence!r}.")
    point = {name: qini_coefficient(outcome, treated, array) for name, array in arrays.items()}  # also checks input
    rng = np.random.default_rng(random_state)
    contacted, held = np.flatnonzero(treated), np.flatnonzero(~treated)
    draws = np.empty((n_bootstrap, len(arrays)))
    for b in range(n_bootstrap):
        rows = np.r_[rng.choice(contacted, len(contacted)), rng.choice(held, len(held))]
        draws[b] = [_qini_area(outcome[rows], treated[rows], array[rows]) for array in arrays.values()]
    tails = [50 * (1 - confidence), 100 - 50 * (1 - confidence)]
    low, high = np.percentile(draws, tails, axis=0)
    table = pd.DataFrame(
        {"qini": point.values(), "ci_low": low, "ci_high": high}, index=pd.Index(arrays, name="ranking")
    )
    if baseline is not None:
        gains = draws - draws[:, [list(arrays).index(baseline)]]
        gain_low, gain_high = np.percentile(gains, tails, axis=0)
        table["gain"] = table["qini"] - point[baseline]
        table["gain_ci_low"], table["gain_ci_high"] = gain_low, gain_high
    return table
