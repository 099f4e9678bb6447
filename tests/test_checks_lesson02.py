"""Exercise 02's checks accept the reference answer and its variants and reject wrong answers.

The reference answers are computed here the way the solution notebook does; the
checks compute theirs by another route (the ticket statistics with pandas instead
of SQL), so an agreement is a real test of both.
"""

from __future__ import annotations

import contextlib

import pandas as pd
import pytest

from course_lib.checks import lesson02 as check
from course_lib.customer_view import customer_view, nps_by
from course_lib.datasets import connect_crm, load_customers, load_events, load_orders, load_survey

QUERY = """
SELECT category, COUNT(*) AS tickets, AVG(satisfaction) AS avg_satisfaction
FROM tickets
WHERE opened_at >= '2025-01-01'
GROUP BY category
ORDER BY tickets DESC
"""


def _sql(query: str) -> pd.DataFrame:
    with contextlib.closing(connect_crm()) as crm:
        return pd.read_sql(query, crm)


@pytest.fixture(scope="module")
def sources():
    survey = load_survey()
    with contextlib.closing(connect_crm()) as crm:
        tickets = pd.read_sql("SELECT * FROM tickets", crm, parse_dates={"opened_at": "%Y-%m-%d %H:%M:%S"})
    return {
        "customers": load_customers(),
        "orders": load_orders(),
        "relationship": survey[survey["survey"] == "relationship"],
        "post_purchase": survey[survey["survey"] == "post_purchase"],
        "events": load_events(),
        "tickets": tickets,
    }


@pytest.fixture(scope="module")
def view(sources):
    return customer_view(
        sources["customers"],
        orders=sources["orders"],
        survey=sources["relationship"],
        events=sources["events"],
        tickets=sources["tickets"],
    )


def test_ticket_stats_2025():
    reference = _sql(QUERY)
    assert reference["tickets"].sum() < _sql("SELECT COUNT(*) AS n FROM tickets")["n"].item()
    assert check.ticket_stats_2025.evaluate(reference).passed
    # Variants: another row order, the category as the index, the date written as a full time.
    assert check.ticket_stats_2025.evaluate(reference.iloc[::-1]).passed
    assert check.ticket_stats_2025.evaluate(reference.set_index("category")).passed
    assert check.ticket_stats_2025.evaluate(_sql(QUERY.replace("'2025-01-01'", "'2025-01-01 00:00:00'"))).passed
    everything = check.ticket_stats_2025.evaluate(_sql(QUERY.replace("WHERE opened_at >= '2025-01-01'", "")))
    assert not everything.passed and "opened in 2025" in everything.hint
    zeros = check.ticket_stats_2025.evaluate(_sql(QUERY.replace("AVG(satisfaction)", "AVG(COALESCE(satisfaction, 0))")))
    assert not zeros.passed and "NULL" in zeros.hint
    unnamed = check.ticket_stats_2025.evaluate(_sql(QUERY.replace("AS avg_satisfaction", "")))
    assert not unnamed.passed and "'avg_satisfaction'" in unnamed.hint
    assert not check.ticket_stats_2025.evaluate(_sql(QUERY.replace(">=", "<"))).passed


def test_merged_view(sources, view):
    assert check.merged_view.evaluate(view).passed
    # Variants: ids converted to Int64 before merging, rows shuffled.
    tidy_tickets = sources["tickets"].astype({"customer_id": "Int64", "order_id": "Int64"})
    tidy = customer_view(
        sources["customers"],
        orders=sources["orders"],
        survey=sources["relationship"],
        events=sources["events"],
        tickets=tidy_tickets,
    )
    assert check.merged_view.evaluate(tidy.sample(frac=1, random_state=0)).passed
    no_tickets = check.merged_view.evaluate(view.drop(columns="n_tickets"))
    assert not no_tickets.passed and "tickets=" in no_tickets.hint
    wrong_survey = customer_view(
        sources["customers"],
        orders=sources["orders"],
        survey=sources["post_purchase"],
        events=sources["events"],
        tickets=sources["tickets"],
    )
    result = check.merged_view.evaluate(wrong_survey)
    assert not result.passed and "relationship survey only" in result.hint
    delivered_only = sources["orders"][sources["orders"]["status"] == "delivered"].head(1000)
    partial = customer_view(
        sources["customers"],
        orders=delivered_only,
        survey=sources["relationship"],
        events=sources["events"],
        tickets=sources["tickets"],
    )
    assert not check.merged_view.evaluate(partial).passed
    assert not check.merged_view.evaluate(view.head(10)).passed


def test_nps_by_hand(view):
    scores = view.loc[view["diet"] == "vegan", "nps"].dropna()
    promoters, detractors = int((scores >= 9).sum()), int((scores <= 6).sum())
    by_hand = 100 * (promoters - detractors) / len(scores)
    assert check.nps_by_hand.evaluate(by_hand).passed
    assert check.nps_by_hand.evaluate(round(by_hand, 10)).passed
    assert check.nps_by_hand.evaluate(pd.Series([by_hand])).passed  # a one-value Series is a number too
    fraction = check.nps_by_hand.evaluate(by_hand / 100)
    assert not fraction.passed and "-100 to 100" in fraction.hint
    all_vegans = 100 * (promoters - detractors) / int((view["diet"] == "vegan").sum())
    diluted = check.nps_by_hand.evaluate(all_vegans)
    assert not diluted.passed and "who answered" in diluted.hint
    passives_as_promoters = 100 * (int((scores >= 7).sum()) - detractors) / len(scores)
    wrong = check.nps_by_hand.evaluate(passives_as_promoters)
    assert not wrong.passed and "9 or 10" in wrong.hint
    assert not check.nps_by_hand.evaluate(scores.mean()).passed


def test_nps_by_diet_and_channel(view):
    reference = nps_by(view, ["diet", "acquisition_channel"])
    assert reference["small_sample"].any() and not reference["small_sample"].all()
    assert check.nps_by_diet_and_channel.evaluate(reference).passed
    # Variants: the grouping columns in the index or in the other order, fewer columns.
    assert check.nps_by_diet_and_channel.evaluate(reference.set_index(["diet", "acquisition_channel"])).passed
    swapped = nps_by(view, ["acquisition_channel", "diet"])
    assert check.nps_by_diet_and_channel.evaluate(swapped).passed
    minimal = reference[["diet", "acquisition_channel", "n", "nps", "ci_low", "ci_high", "small_sample"]]
    assert check.nps_by_diet_and_channel.evaluate(minimal.astype({"diet": str})).passed
    stricter = check.nps_by_diet_and_channel.evaluate(nps_by(view, ["diet", "acquisition_channel"], min_n=50))
    assert not stricter.passed and "min_n=30" in stricter.hint
    narrower = check.nps_by_diet_and_channel.evaluate(nps_by(view, ["diet", "acquisition_channel"], confidence=0.9))
    assert not narrower.passed and "'ci_low'" in narrower.hint
    by_diet = check.nps_by_diet_and_channel.evaluate(nps_by(view, "diet"))
    assert not by_diet.passed and "'acquisition_channel'" in by_diet.hint
    no_interval = check.nps_by_diet_and_channel.evaluate(reference.drop(columns=["ci_low", "ci_high"]))
    assert not no_interval.passed and "nps_by" in no_interval.hint


def test_ticket_stats_name_an_extra_column():
    query = (
        "SELECT category, COUNT(*) AS tickets, AVG(satisfaction) AS avg_satisfaction, MAX(opened_at) AS latest "
        "FROM tickets WHERE opened_at >= '2025-01-01' GROUP BY category"
    )
    result = check.ticket_stats_2025.evaluate(_sql(query))
    assert not result.passed and "'latest'" in result.hint


def vegetarian_by_loop(view: pd.DataFrame) -> pd.DataFrame:
    """NPS per channel of the vegetarians who answered, with a plain loop (a second method)."""
    rows = []
    answered = view[(view["diet"] == "vegetarian") & view["nps"].notna()]
    for channel in sorted(answered["acquisition_channel"].astype(str).unique()):
        scores = answered.loc[answered["acquisition_channel"].astype(str) == channel, "nps"]
        promoters, detractors = int((scores >= 9).sum()), int((scores <= 6).sum())
        rows.append(
            {"acquisition_channel": channel, "n": len(scores), "nps": 100 * (promoters - detractors) / len(scores)}
        )
    return pd.DataFrame(rows)


def test_vegetarian_nps_by_channel(view):
    reference = vegetarian_by_loop(view)
    assert check.vegetarian_nps_by_channel.evaluate(reference).passed
    assert check.vegetarian_nps_by_channel.evaluate(reference.set_index("acquisition_channel").iloc[::-1]).passed
    # all vegetarians counted in n, answered or not
    everyone = view[view["diet"] == "vegetarian"].groupby("acquisition_channel", observed=True).size()
    with_missing = reference.assign(n=reference["acquisition_channel"].map(everyone.rename(index=str)))
    result = check.vegetarian_nps_by_channel.evaluate(with_missing)
    assert not result.passed and "who answered" in result.hint
    # shares instead of the -100..100 scale
    shares = check.vegetarian_nps_by_channel.evaluate(reference.assign(nps=reference["nps"] / 100))
    assert not shares.passed and "-100 to 100" in shares.hint
    # the vegans' table (the lesson's segment), not the vegetarians'
    vegans = view[(view["diet"] == "vegan") & view["nps"].notna()]
    vegan_table = vegetarian_by_loop(
        view.assign(diet=view["diet"].astype(str).replace({"vegan": "vegetarian", "vegetarian": "x"}))
    )
    assert len(vegans) > 0
    result = check.vegetarian_nps_by_channel.evaluate(vegan_table)
    assert not result.passed and "differs" in result.hint
    # nps_by's whole table: the extra columns are named
    whole = check.vegetarian_nps_by_channel.evaluate(nps_by(view[view["diet"] == "vegetarian"], "acquisition_channel"))
    assert not whole.passed and "extra column" in whole.hint
    assert "DataFrame" in check.vegetarian_nps_by_channel.evaluate([1, 2]).hint


def test_channel_claim_is_recorded():
    text = (
        "The vegan groups' intervals overlap widely, so I would not rank the channels; the flagged small "
        "groups cannot be ranked at all, and these are only the customers who answered the survey."
    )
    result = check.channel_claim.evaluate(text)
    assert result.recorded and not result.passed and "Correct" not in str(result)
    assert "at least 20 words" in check.channel_claim.evaluate("The app.").hint
    assert not check.channel_claim.evaluate(None).recorded
