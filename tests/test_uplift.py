"""Tests of course_lib.uplift on synthetic tests with a known effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from course_lib.uplift import TwoModelUplift, _qini_area, qini_coefficient, qini_comparison, qini_curve


def _experiment(n: int, *, effect: float, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A randomised test where the message moves only the subgroup ``lapsed == 1`` by `effect`.

    Lapsed customers rarely order on their own; the others order often, more so with more past
    ``orders`` (a response model likes them), but the campaign changes nothing there: the classic
    trap of sending to whom response is highest.
    """
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"lapsed": rng.integers(0, 2, n), "orders": rng.poisson(3, n), "noise": rng.normal(size=n)})
    treatment = rng.random(n) < 0.5
    lapsed = X["lapsed"].to_numpy() == 1
    base = np.where(lapsed, 0.12, 0.15 + 0.04 * X["orders"].clip(upper=8).to_numpy())
    y = rng.random(n) < np.clip(base + effect * (treatment & lapsed), 0, 1)
    return X, treatment, y


def test_qini_curve_by_hand():
    # Ranked: contacted responder, held-out non-responder, contacted non-responder, held-out responder.
    curve = qini_curve([1, 0, 0, 1], [1, 0, 1, 0], [4, 3, 2, 1])
    # After 1: 1 - 0 = 1; after 2: 1 - 0*1/1 = 1; after 3: 1 - 0*2/1 = 1; after 4: 1 - (1/2)*2 = 0. Divided by 4.
    np.testing.assert_allclose(curve["incremental"], [0, 0.25, 0.25, 0.25, 0])
    np.testing.assert_allclose(curve["share_targeted"], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(curve["random"], 0)
    assert qini_coefficient([1, 0, 0, 1], [1, 0, 1, 0], [4, 3, 2, 1]) == pytest.approx(0.25 * (0.25 + 0.25 + 0.25))


def test_qini_curve_matches_a_customer_by_customer_loop():
    rng = np.random.default_rng(5)
    y, t, s = rng.random(300) < 0.3, rng.random(300) < 0.6, rng.random(300)  # distinct scores
    curve = qini_curve(y, t, s)
    order = np.argsort(-s)
    expected = [0.0]
    rt = rc = nt = nc = 0
    for i in order:
        nt, nc = nt + t[i], nc + (not t[i])
        rt, rc = rt + (y[i] and t[i]), rc + (y[i] and not t[i])
        expected.append((rt - (rc / nc if nc else 0) * nt) / 300)
    np.testing.assert_allclose(curve["incremental"], expected)


def test_ties_enter_together_so_the_order_of_rows_does_not_matter():
    y, t, s = np.array([1, 0, 1, 0, 1, 0]), np.array([1, 1, 0, 0, 1, 0]), np.array([1, 1, 1, 0, 0, 0])
    flipped = qini_coefficient(y[::-1], t[::-1], s[::-1])
    assert qini_coefficient(y, t, s) == pytest.approx(flipped)
    assert len(qini_curve(y, t, s)) == 3  # start plus two distinct scores


def test_two_model_uplift_finds_the_subgroup_and_beats_response_ranking():
    X, t, y = _experiment(20_000, effect=0.15, seed=1)
    X_new, t_new, y_new = _experiment(20_000, effect=0.15, seed=2)  # judged on customers not used to fit
    model = TwoModelUplift(random_state=0).fit(X, t, y)
    uplift = model.predict(X_new)
    # The moved subgroup is ranked first: its predicted uplift is above everyone else's on average.
    lapsed = X_new["lapsed"].to_numpy() == 1
    assert uplift[lapsed].mean() == pytest.approx(0.15, abs=0.04)
    assert abs(uplift[~lapsed].mean()) < 0.03
    top = np.argsort(-uplift)[: lapsed.sum()]
    assert lapsed[top].mean() > 0.9
    qini_model = qini_coefficient(y_new, t_new, uplift)
    # The best possible ranking (the true subgroup first) is the reference.
    qini_truth = qini_coefficient(y_new, t_new, lapsed.astype(float))
    assert qini_model > 0.5 * qini_truth > 0
    # Ranking by who responds most when contacted ranks the unmoved heavy orderers first.
    response_score = model.model_treatment_.predict_proba(X_new)[:, 1]
    assert qini_coefficient(y_new, t_new, response_score) < 0.5 * qini_model


def test_random_scores_give_about_zero_and_harm_ranked_first_gives_negative():
    X, t, y = _experiment(20_000, effect=0.15, seed=3)
    lapsed = X["lapsed"].to_numpy() == 1
    best = qini_coefficient(y, t, lapsed.astype(float))
    randoms = [qini_coefficient(y, t, np.random.default_rng(seed).random(len(y))) for seed in range(5)]
    assert max(abs(q) for q in randoms) < 0.25 * best
    # A campaign that harms the subgroup (sleeping dogs): ranking them first is worse than random.
    X_h, t_h, y_h = _experiment(20_000, effect=-0.1, seed=4)
    harmed = X_h["lapsed"].to_numpy() == 1
    assert qini_coefficient(y_h, t_h, harmed.astype(float)) < -0.5 * abs(
        qini_coefficient(y_h, t_h, (~harmed).astype(float))
    )
    # And the model sees the harm.
    model = TwoModelUplift(random_state=0).fit(X_h, t_h, y_h)
    assert model.predict(X_h)[harmed].mean() == pytest.approx(-0.1, abs=0.04)


def test_estimator_api_random_state_and_a_custom_classifier():
    X, t, y = _experiment(3000, effect=0.2, seed=6)
    forest = RandomForestClassifier(n_estimators=20, min_samples_leaf=50)
    first = TwoModelUplift(forest, random_state=1).fit(X, t, y).predict(X)
    again = TwoModelUplift(forest, random_state=1).fit(X, t, y).predict(X)
    other = TwoModelUplift(forest, random_state=2).fit(X, t, y).predict(X)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert forest.get_params()["random_state"] is None  # the user's estimator is not changed
    assert TwoModelUplift(DecisionTreeClassifier(max_depth=2)).get_params()["estimator"].max_depth == 2
    assert X.shape == (3000, 3)  # nor their data


def test_bad_input_is_named():
    X, t, y = _experiment(500, effect=0.1, seed=7)
    with pytest.raises(ValueError, match="hold-out of 0"):
        TwoModelUplift().fit(X, np.ones(500, bool), y)
    with pytest.raises(ValueError, match="same length"):
        TwoModelUplift().fit(X, t[:-1], y)
    with pytest.raises(ValueError, match="'y'.*True/False or 0/1"):
        TwoModelUplift().fit(X, t, np.full(500, 2))
    with pytest.raises(TypeError, match="predict_proba"):
        TwoModelUplift(estimator=object()).fit(X, t, y)
    with pytest.raises(ValueError, match="hold-out of 0"):
        qini_curve(y, np.ones(500, bool), np.zeros(500))
    with pytest.raises(ValueError, match="'score'.*missing"):
        qini_curve(y, t, np.full(500, np.nan))
    with pytest.raises(ValueError, match="same length"):
        qini_coefficient(y, t, np.zeros(3))


def test_the_fast_qini_area_used_by_the_bootstrap_agrees_with_qini_coefficient():
    rng = np.random.default_rng(11)
    for _ in range(20):
        y, t = rng.random(200) < 0.3, rng.random(200) < 0.5
        s = rng.integers(0, 8, 200).astype(float)  # many ties
        assert _qini_area(y, t, s) == pytest.approx(qini_coefficient(y, t, s))
    assert _qini_area(
        np.array([True, False, False, True]), np.array([True, False, True, False]), np.arange(4.0)[::-1]
    ) == (pytest.approx(0.25 * 0.75))


def test_qini_comparison_points_are_the_coefficients_and_the_gain_is_paired():
    X, t, y = _experiment(5000, effect=0.2, seed=8)
    scores = {"orders": X["orders"], "lapsed first": X["lapsed"], "noise": X["noise"]}
    table = qini_comparison(y, t, scores, baseline="orders", n_bootstrap=200)
    for name, score in scores.items():
        assert table.loc[name, "qini"] == pytest.approx(qini_coefficient(y, t, score))
        assert table.loc[name, "ci_low"] < table.loc[name, "qini"] < table.loc[name, "ci_high"]
    assert table.loc["orders", ["gain", "gain_ci_low", "gain_ci_high"]].tolist() == [0, 0, 0]
    # The ranking that puts the moved subgroup first beats the response-like ranking, interval and all.
    assert table.loc["lapsed first", "gain_ci_low"] > 0
    again = qini_comparison(y, t, scores, baseline="orders", n_bootstrap=200)
    pd.testing.assert_frame_equal(table, again)  # seeded
    other = qini_comparison(y, t, scores, baseline="orders", n_bootstrap=200, random_state=1)
    assert not table.equals(other)


def test_qini_comparison_interval_matches_the_spread_over_repeated_experiments():
    # Second method: rerun the same experiment 200 times; the bootstrap interval of one run should be
    # about as wide as the middle 95 % of the coefficients over the reruns.
    def run(seed):
        X, t, y = _experiment(1000, effect=0.15, seed=seed)
        return y, t, X["lapsed"].to_numpy()

    spread = np.percentile([qini_coefficient(*run(seed)) for seed in range(100, 300)], [2.5, 97.5])
    table = qini_comparison(*run(99)[:2], {"lapsed first": run(99)[2]}, n_bootstrap=300)
    width = table.loc["lapsed first", "ci_high"] - table.loc["lapsed first", "ci_low"]
    assert 0.7 < width / (spread[1] - spread[0]) < 1.4
    # No effect and a random ranking: the interval holds 0.
    X, t, y = _experiment(1000, effect=0.0, seed=9)
    null = qini_comparison(y, t, {"noise": X["noise"]}, n_bootstrap=300)
    assert null.loc["noise", "ci_low"] < 0 < null.loc["noise", "ci_high"]


def test_qini_comparison_bad_input():
    X, t, y = _experiment(300, effect=0.1, seed=10)
    with pytest.raises(ValueError, match="at least one ranking"):
        qini_comparison(y, t, {})
    with pytest.raises(ValueError, match="baseline 'rfm'.*not among"):
        qini_comparison(y, t, {"orders": X["orders"]}, baseline="rfm")
    with pytest.raises(ValueError, match="same length"):
        qini_comparison(y, t, {"orders": X["orders"][:-1]})
    with pytest.raises(ValueError, match="'n_bootstrap'.*at least 100"):
        qini_comparison(y, t, {"orders": X["orders"]}, n_bootstrap=10)
    with pytest.raises(ValueError, match="'confidence'"):
        qini_comparison(y, t, {"orders": X["orders"]}, confidence=95)
    with pytest.raises(ValueError, match="hold-out of 0"):
        qini_comparison(y, np.ones(300, bool), {"orders": X["orders"]})
