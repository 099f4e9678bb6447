"""Exercise 05's checks accept the reference answer and its variants (any cluster numbering) and reject wrong ones."""

from __future__ import annotations

import pandas as pd
import pytest

from course_lib.checks import lesson05 as check
from course_lib.clustering import cluster_profile, fit_kmeans, prepare_features, same_partition
from course_lib.customer_view import survey_latest
from course_lib.datasets import LIKERT_ITEMS, load_customers, load_orders, load_survey
from course_lib.rfm import order_values, rfm_table

QUESTIONS = list(LIKERT_ITEMS)


@pytest.fixture(scope="module")
def solved():
    """Part 2 solved as the solution notebook does it, with the behaviour table of its setup."""
    orders, customers, survey = load_orders(), load_customers(), load_survey()
    personal = customers.loc[customers["account_type"] == "personal", "customer_id"]
    lines = orders.drop_duplicates()
    lines = lines[lines["category"].ne("test") & lines["customer_id"].isin(personal)]
    rfm = rfm_table(order_values(lines), order="order_id")
    relationship = survey_latest(survey[survey["survey"] == "relationship"])
    answers = relationship[QUESTIONS]
    features = prepare_features(answers, return_report=False)
    labels = fit_kmeans(features, n_clusters=4, random_state=0)

    # Behaviour written out again (not the check's code): lunch = Monday-Friday, 11:00 to 14:59.
    delivered = lines[lines["status"].eq("delivered")].drop_duplicates("order_id")
    hour = delivered["ordered_at"].dt.hour
    lunch = delivered["ordered_at"].dt.day_of_week.lt(5) & hour.ge(11) & hour.le(14)
    behaviour = pd.DataFrame(
        {
            "orders": rfm["frequency"].reindex(answers.index).fillna(0),
            "spend": rfm["monetary"].reindex(answers.index).fillna(0.0),
            "lunch_share": lunch.groupby(delivered["customer_id"]).mean().reindex(answers.index),
            "churned": (rfm["recency"].reindex(answers.index) > 90) | rfm["recency"].reindex(answers.index).isna(),
        }
    )
    return {
        "survey": survey,
        "relationship": relationship,
        "answers": answers,
        "features": features,
        "labels": labels,
        "behaviour": behaviour,
    }


def test_every_check_says_not_yet_to_a_placeholder():
    for function in (check.survey_answers, check.survey_clusters, check.behaviour_by_cluster, check.type_a_members):
        result = function.evaluate(...)
        assert not result.passed and "replace the `...`" in result.hint


def test_survey_answers(solved):
    answers, relationship = solved["answers"], solved["relationship"]
    assert check.survey_answers.evaluate(answers).passed
    assert check.survey_answers.evaluate(answers[QUESTIONS[::-1]].iloc[::-1]).passed
    assert check.survey_answers.evaluate(answers.reset_index()).passed
    assert check.survey_answers.evaluate(answers.astype("float64")).passed

    every_response = check.survey_answers.evaluate(solved["survey"][QUESTIONS])
    assert not every_response.passed and "post-purchase" in every_response.hint
    with_comment = check.survey_answers.evaluate(relationship[QUESTIONS + ["comment"]])
    assert not with_comment.passed and "'comment'" in with_comment.hint
    filled = check.survey_answers.evaluate(answers.fillna(3))
    assert not filled.passed and "keep skipped answers missing" in filled.hint
    assert not check.survey_answers.evaluate(answers.drop(columns="q_budget")).passed
    assert not check.survey_answers.evaluate(answers.iloc[:-5]).passed


def test_survey_clusters(solved):
    labels = solved["labels"]
    assert check.survey_clusters.evaluate(labels).passed
    assert check.survey_clusters.evaluate(labels.map({0: "A", 1: "C", 2: "B", 3: "other"})).passed
    assert check.survey_clusters.evaluate((3 - labels).sample(frac=1.0, random_state=2)).passed

    three = check.survey_clusters.evaluate(fit_kmeans(solved["features"], n_clusters=3, random_state=0))
    assert not three.passed and "3 cluster(s)" in three.hint
    # Without standardising (the answers' own scale, skipped answers as 3): other groups.
    unscaled = fit_kmeans(solved["answers"].fillna(3).astype("float64"), n_clusters=4, random_state=0)
    assert not check.survey_clusters.evaluate(unscaled).passed
    assert not check.survey_clusters.evaluate(labels.to_numpy()[:-1]).passed


def test_behaviour_by_cluster(solved):
    labels, behaviour = solved["labels"], solved["behaviour"]
    reference = behaviour.astype({"churned": "float64"}).groupby(labels).mean()
    assert check.behaviour_by_cluster.evaluate(reference).passed

    # Other names for the clusters, rows in another order, columns in another order.
    renamed = behaviour.groupby(labels.map({0: "w", 1: "x", 2: "y", 3: "z"})).mean()
    assert check.behaviour_by_cluster.evaluate(renamed.iloc[::-1][["churned", "spend", "orders", "lunch_share"]]).passed
    by_profile = cluster_profile(behaviour.astype({"churned": "float64"}), labels)
    assert check.behaviour_by_cluster.evaluate(by_profile).passed

    sums = check.behaviour_by_cluster.evaluate(behaviour.astype({"churned": "float64"}).groupby(labels).sum())
    assert not sums.passed and "mean" in sums.hint
    # Four groups, but not the expected ones: k-means on the unscaled answers.
    unscaled = fit_kmeans(solved["answers"].fillna(3).astype("float64"), n_clusters=4, random_state=0)
    assert not same_partition(unscaled, labels)
    assert not check.behaviour_by_cluster.evaluate(behaviour.groupby(unscaled).mean()).passed
    assert not check.behaviour_by_cluster.evaluate(reference.drop(columns="churned")).passed
    assert not check.behaviour_by_cluster.evaluate(reference.assign(spend=reference["spend"] * 1.1)).passed


def test_type_a_members(solved):
    answers, labels, behaviour = solved["answers"], solved["labels"], solved["behaviour"]
    # Type A by two independent readings: the survey profile, and the weekday-lunch behaviour.
    by_answers = cluster_profile(answers, labels)["q_few_restaurants_near_work"].idxmax()
    by_lunches = behaviour.groupby(labels)["lunch_share"].mean().idxmax()
    assert by_answers == by_lunches
    members = labels.index[labels == by_answers]

    assert check.type_a_members.evaluate(members).passed
    assert check.type_a_members.evaluate(list(members)[::-1]).passed

    type_c = cluster_profile(answers, labels)["q_pay_for_quality"].idxmax()
    wrong = check.type_a_members.evaluate(labels.index[labels == type_c])
    assert not wrong.passed and "few places to eat near work" in wrong.hint
    assert not check.type_a_members.evaluate(members[1:]).passed


def test_survey_clusters_by_hand_and_the_shortcut(solved):
    from sklearn.cluster import KMeans

    answers = solved["answers"]
    filled = answers.fillna(answers.median())
    standardised = (filled - filled.mean()) / filled.std(ddof=0)
    labels = pd.Series(KMeans(n_clusters=4, n_init=10, random_state=0).fit(standardised).labels_, index=answers.index)
    assert same_partition(labels, solved["labels"]), "by hand and the library agree (a second method)"
    assert check.survey_clusters.evaluate(labels, source="model = KMeans(...)").passed
    shortcut = check.survey_clusters.evaluate(
        labels, source="features = prepare_features(answers, return_report=False)"
    )
    assert not shortcut.passed and "without prepare_features" in shortcut.hint
    unfilled_mean = answers.astype(float).fillna(answers.astype(float).mean())
    unfilled_mean = (unfilled_mean - unfilled_mean.mean()) / unfilled_mean.std(ddof=0)
    by_mean = pd.Series(KMeans(n_clusters=4, n_init=10, random_state=0).fit(unfilled_mean).labels_, index=answers.index)
    if not same_partition(by_mean, solved["labels"]):
        assert not check.survey_clusters.evaluate(by_mean).passed
    unscaled = pd.Series(KMeans(n_clusters=4, n_init=10, random_state=0).fit(filled).labels_, index=answers.index)
    assert not same_partition(unscaled, solved["labels"]), "the slip must change the groups"
    result = check.survey_clusters.evaluate(unscaled)
    assert not result.passed and "standardise" in result.hint
    five = check.survey_clusters.evaluate(fit_kmeans(solved["features"], n_clusters=5, random_state=0))
    assert not five.passed and "asks for 4" in five.hint
    assert "not a whole table" in check.survey_clusters.evaluate(answers).hint


def test_survey_answers_with_the_tuple_slip_and_extra_columns(solved):
    relationship = solved["relationship"]
    with pytest.raises(KeyError):
        relationship[LIKERT_ITEMS]  # the slip the exercise's QUESTIONS list avoids
    extra = check.survey_answers.evaluate(relationship[[*QUESTIONS, "nps"]])
    assert not extra.passed and "'nps'" in extra.hint
    assert "DataFrame" in check.survey_answers.evaluate(QUESTIONS).hint


def test_type_c_members(solved):
    answers, labels = solved["answers"], solved["labels"]
    means = answers.groupby(labels).mean()
    type_c = (means["q_pay_for_quality"] - means["q_budget"]).idxmax()
    members = labels.index[labels == type_c]
    assert check.type_c_members.evaluate(members).passed
    type_a = means["q_few_restaurants_near_work"].idxmax()
    assert type_a != type_c
    as_a = check.type_c_members.evaluate(labels.index[labels == type_a])
    assert not as_a.passed and "Type A" in as_a.hint
    numbers = check.type_c_members.evaluate(labels[labels == type_c])
    assert not numbers.passed and "cluster numbers" in numbers.hint
    richest = solved["behaviour"]["spend"].groupby(labels).mean().idxmax()
    assert richest == type_c, "on the course data Type C spends the most (the task asks the learner to see it)"
    assert not check.type_c_members.evaluate(members[:-3]).passed


def test_worksheet_and_needs_are_recorded_never_correct(solved):
    text = (
        "People who eat no meat have few good options near work and little time to cook; Green Fork "
        "brings healthy and varied vegetarian meals to them at lunch and in the evening, every day."
    )
    for function in (check.problem, check.behaviours):
        result = function.evaluate(text)
        assert result.recorded and not result.passed and "Correct" not in str(result)
        assert "at least 25 words" in function.evaluate("x y z 0").hint
        assert not function.evaluate(["a list"]).recorded
    segments = {
        name: f"{name} are people who order at lunch on weekdays and need cheap, healthy, varied food from us."
        for name in ("Lunchers", "Switchers", "Quality seekers")
    }
    assert check.drafted_segments.evaluate(segments).recorded
    two = check.drafted_segments.evaluate(dict(list(segments.items())[:2]))
    assert not two.recorded and "at least 3" in two.hint
    thin = check.drafted_segments.evaluate({**segments, "Families": "x y z"})
    assert not thin.recorded and "'Families'" in thin.hint
    assert not check.drafted_segments.evaluate("Lunchers, switchers, quality seekers").recorded
    clusters = sorted(solved["labels"].unique())
    needs = dict.fromkeys(clusters, "Type A: many weekday lunches and a tight budget, needs a cheap lunch.")
    assert check.needs_per_cluster.evaluate(needs).recorded
    assert "have no line" in check.needs_per_cluster.evaluate({clusters[0]: needs[clusters[0]]}).hint
    assert "too short" in check.needs_per_cluster.evaluate(dict.fromkeys(clusters, "A")).hint


def test_type_a_members_more_wrong_answers(solved):
    labels = solved["labels"]
    type_a = cluster_profile(solved["answers"], labels)["q_few_restaurants_near_work"].idxmax()
    numbers = check.type_a_members.evaluate(labels[labels == type_a])
    assert not numbers.passed and "cluster numbers" in numbers.hint
    everyone = check.type_a_members.evaluate(labels.index)
    assert not everyone.passed and "should not be there" in everyone.hint
    assert "not a whole table" in check.type_a_members.evaluate(solved["answers"]).hint
