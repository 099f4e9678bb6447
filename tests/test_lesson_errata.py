"""Regression tests for the errors a reviewer found in the lessons (issue 15), one per error
that a test can hold: a fix that is undone makes one of these fail.

Each test computes its expectation independently of the code it checks (by hand with numpy,
or from the lesson's own stored outputs read back as text).
"""

from __future__ import annotations

import re

import matplotlib as mpl
import nbformat
import numpy as np
import pandas as pd
import pytest

from course_lib import KIT_ROOT
from course_lib.datasets import load_orders
from course_lib.rfm import assign_segments, order_values, rfm_scores, rfm_table

NOTEBOOKS = KIT_ROOT / "notebooks"


def _stored_text(notebook_name: str, needle: str) -> str:
    """The text outputs of the one code cell of a lesson whose source contains `needle`."""
    notebook = nbformat.read(NOTEBOOKS / notebook_name, as_version=4)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code" and needle in cell.source]
    assert len(cells) == 1, f"{notebook_name}: expected one cell with {needle!r}, found {len(cells)}"
    texts = []
    for output in cells[0].outputs:
        texts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def course_rfm() -> pd.DataFrame:
    """Lesson 03's RFM table: duplicates and staff test orders dropped, one row per customer."""
    orders = load_orders()
    lines = order_values(orders[~orders.duplicated() & orders["category"].ne("test")])
    return rfm_table(lines, order="order_id")


def _scores_by_hand(values: pd.Series, bins: int, *, higher_is_better: bool) -> pd.Series:
    """1 + floor(bins * (number of customers strictly worse) / n): equal values, equal score."""
    sorted_values = np.sort(values.to_numpy() if higher_is_better else -values.to_numpy())
    worse = np.searchsorted(sorted_values, values.to_numpy() if higher_is_better else -values.to_numpy(), side="left")
    return pd.Series(1 + (bins * worse) // len(values), index=values.index)


# ----------------------------------------------------------------------------- 03: ties


def test_default_scores_give_equal_values_equal_scores_on_the_course_data(course_rfm):
    scores = rfm_scores(course_rfm)
    for column, score in (("recency", "r_score"), ("frequency", "f_score"), ("monetary", "m_score")):
        assert scores.groupby(column)[score].nunique().max() == 1, f"equal {column} got different {score}s"
    # The default is the by-hand rule: a score depends on the value only, never on the id.
    pd.testing.assert_series_equal(
        scores["f_score"], _scores_by_hand(course_rfm["frequency"], 5, higher_is_better=True), check_names=False
    )
    pd.testing.assert_series_equal(
        scores["r_score"], _scores_by_hand(course_rfm["recency"], 5, higher_is_better=False), check_names=False
    )


def test_breaking_ties_by_id_would_score_older_customers_lower_on_the_course_data(course_rfm):
    by_id = rfm_scores(course_rfm, ties="first")
    # Customers with 2 orders are split between two F scores by id; the lower score goes to the
    # lower ids, who signed up earlier and so have the longer tenure.
    two_orders = by_id[by_id["frequency"] == 2]
    assert two_orders["f_score"].nunique() == 2
    low, high = (two_orders[two_orders["f_score"] == score] for score in sorted(two_orders["f_score"].unique()))
    assert low.index.max() < high.index.min()
    assert low["tenure"].median() > high["tenure"].median()


def test_lesson_03_states_the_share_that_moves_segment_as_computed_by_hand(course_rfm):
    by_hand = course_rfm.assign(
        r_score=_scores_by_hand(course_rfm["recency"], 5, higher_is_better=False),
        f_score=_scores_by_hand(course_rfm["frequency"], 5, higher_is_better=True),
    )
    # ties="first" by hand: rank by (value, id), stable
    order_f = course_rfm.reset_index().sort_values(["frequency", "customer_id"], kind="stable")
    order_r = course_rfm.reset_index().sort_values(["recency", "customer_id"], ascending=[False, True], kind="stable")
    n = len(course_rfm)
    first = course_rfm.assign(
        f_score=pd.Series(1 + (5 * np.arange(n)) // n, index=order_f["customer_id"].to_numpy()),
        r_score=pd.Series(1 + (5 * np.arange(n)) // n, index=order_r["customer_id"].to_numpy()),
    )
    moved = (assign_segments(first)["segment"] != assign_segments(by_hand)["segment"]).sum()
    stated = _stored_text("03_rfm.ipynb", "moved = assign_segments(by_id)")
    match = re.search(r"([\d,]+) of ([\d,]+) \((\d+)%\) land in another segment", stated)
    assert match, stated
    assert int(match.group(1).replace(",", "")) == moved
    assert int(match.group(2).replace(",", "")) == n
    assert int(match.group(3)) == round(100 * moved / n)


# ----------------------------------------------------------------------------- 07: leakage


def _run_cells(notebook_name: str, needles: list[str], namespace: dict) -> dict:
    notebook = nbformat.read(NOTEBOOKS / notebook_name, as_version=4)
    for needle in needles:
        (cell,) = [cell for cell in notebook.cells if cell.cell_type == "code" and needle in cell.source]
        exec(compile(cell.source, f"{notebook_name}:{needle}", "exec"), namespace)  # noqa: S102 (our own lesson)
    return namespace


def test_lesson_07_learns_nothing_from_the_respondents_it_scores_on():
    """Scramble the set-aside respondents' answers: the segments of everyone else and the gold
    questions must not move (they would if k-means or the questions had seen those rows)."""
    import course_lib.datasets as datasets

    cells = ["import matplotlib.pyplot as plt", "train_ids, test_ids = train_test_split", "gold = GoldQuestions("]
    original = _run_cells("07_segments_to_action.ipynb", cells, {})
    test_ids = set(original["test_ids"])

    real_load_survey = datasets.load_survey

    def scrambled_survey():
        survey = real_load_survey()
        rows = survey["customer_id"].isin(test_ids) & survey["survey"].eq("relationship")
        items = [column for column in survey.columns if column.startswith("q_")]
        rng = np.random.default_rng(1)
        survey.loc[rows, items] = rng.integers(1, 6, size=(rows.sum(), len(items)))
        return survey

    namespace = {}
    _run_cells("07_segments_to_action.ipynb", cells[:1], namespace)
    namespace["load_survey"] = scrambled_survey
    _run_cells("07_segments_to_action.ipynb", cells[1:], namespace)

    train_ids = original["train_ids"]
    assert set(namespace["test_ids"]) == test_ids
    pd.testing.assert_series_equal(namespace["survey_segment"][train_ids], original["survey_segment"][train_ids])
    assert namespace["gold"].questions_ == original["gold"].questions_
    assert namespace["held_out_accuracy"] != original["held_out_accuracy"]  # the scramble did reach the test rows


# ----------------------------------------------------------------------------- 08: hold-out size


def test_lesson_08_plans_a_hold_out_only_where_it_can_detect_a_useful_uplift():
    text = _stored_text("08_capstone.ipynb", "def detectable_uplift(")
    segments = re.findall(r"^(.+?): (\d+) customers?, .*\n.*\n    measure: (.*)$", text, flags=re.M)
    assert segments, text
    for name, customers, measure in segments:
        customers = int(customers)
        held_out = round(0.2 * customers)
        contacted = customers - held_out
        # 80 % power, 95 % two-sided, base rate 20 %: z = 1.96 + 0.84
        detectable = (
            (1.959964 + 0.841621) * np.sqrt(0.16 * (1 / contacted + 1 / held_out)) if held_out else float("inf")
        )
        if "hold-out" in measure and "no hold-out" not in measure:
            assert detectable <= 0.10, f"{name}: a hold-out of {held_out} of {customers} customers measures nothing"
        else:
            assert detectable > 0.10, f"{name}: large enough for a hold-out, yet none is planned"
    assert all(int(customers) < 100 for _, customers, _ in segments)  # the sample's segments are all small


# ----------------------------------------------------------------------------- 06: colour bar


def test_lesson_06_reads_the_retention_colour_bar_the_right_way_round():
    """The lesson says dark means low retention; the kit's sequential map must agree."""
    from course_lib.plots import SEQUENTIAL_CMAP

    cmap = mpl.colormaps[SEQUENTIAL_CMAP] if isinstance(SEQUENTIAL_CMAP, str) else SEQUENTIAL_CMAP
    luminance = [float(np.dot(cmap(value)[:3], [0.2126, 0.7152, 0.0722])) for value in (0.0, 1.0)]
    notebook = nbformat.read(NOTEBOOKS / "06_customer_journey.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "dark means *low* retention" in text
    assert "darkens downward would mean newer customers stay longer" not in text
    assert luminance[0] < luminance[1], "low values are not the dark end of the colour map"


# ----------------------------------------------------------------------------- 03: fits its time


def test_lesson_03_fits_its_stated_time_and_keeps_going_further_optional():
    notebook = nbformat.read(NOTEBOOKS / "03_rfm.ipynb", as_version=4)
    stated = re.search(r"About \*\*(\d+) minutes\*\*", "\n".join(cell.source for cell in notebook.cells))
    timed = [cell.metadata.get("course", {}).get("minutes", 0) for cell in notebook.cells]
    assert stated and sum(timed) == int(stated.group(1)) == notebook.metadata.course.minutes
    start = next(i for i, cell in enumerate(notebook.cells) if cell.source.startswith("## Going further (optional)"))
    recap = next(i for i, cell in enumerate(notebook.cells) if cell.source.startswith("## Recap"))
    assert recap < start, "the optional sections come after the recap"
    assert not any(timed[start:]), "optional sections must not count in the lesson's time"
    headings = [cell.source.splitlines()[0] for cell in notebook.cells[start:] if cell.source.startswith("#")]
    assert len([heading for heading in headings if heading.startswith("### Going further")]) == 3


# ----------------------------------------------------------------------------- 01: no causal claim, no welcome-code artefact


def test_lesson_01_reads_discount_use_on_repeat_orders_computed_by_hand():
    from course_lib.datasets import load_customers

    orders = load_orders()
    delivered = order_values(orders[orders["category"].ne("test")].drop_duplicates(["order_id", "line_number"]))
    delivered = delivered[delivered["status"] == "delivered"]
    per_order = delivered.groupby("order_id").agg(
        customer_id=("customer_id", "first"), ordered_at=("ordered_at", "first"), promo_code=("promo_code", "first")
    )
    per_order = per_order.dropna(subset=["customer_id"]).sort_values("ordered_at", kind="stable")
    repeat = per_order[per_order.groupby("customer_id").cumcount() > 0]  # each customer's first order left out
    diet = load_customers().set_index("customer_id")["diet"]
    expected = repeat["promo_code"].notna().groupby(repeat["customer_id"].map(diet)).mean().round(3)
    stored = _stored_text("01_segmentation.ipynb", "repeat_orders_with_a_promo_code")
    for name, share in expected.items():
        row = re.search(rf"^{name}\s+([\d.]+)\s+([\d.]+)", stored, flags=re.M)
        assert row and float(row.group(2)) == pytest.approx(share, abs=0.0015), (name, share, stored)
    notebook = nbformat.read(NOTEBOOKS / "01_segmentation.ipynb", as_version=4)
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "respond to offers" not in prose  # the causal claim of the first version
    assert "lifetime value** (CLV) is all the money" not in prose


# ----------------------------------------------------------------------------- 02: test orders


def test_lesson_02_unknown_customers_are_the_staff_test_orders():
    from course_lib.datasets import load_customers

    orders = load_orders()
    known = set(load_customers()["customer_id"])
    unknown = orders[orders["customer_id"].notna() & ~orders["customer_id"].isin(known)]
    assert set(unknown.index) == set(orders.index[orders["category"] == "test"])
    stored = _stored_text("02_customer_data.ipynb", "known_ids = set(")
    assert f"{len(unknown)} lines from unknown customers" in stored and "the same lines: True" in stored


# ----------------------------------------------------------------------------- 04: Hennig, weak structure


def test_lesson_04_and_clustering_do_not_credit_hennig_with_an_ari_cut_off():
    from course_lib import clustering

    notebook = nbformat.read(NOTEBOOKS / "04_clustering.ipynb", as_version=4)
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for text in (prose, clustering.cluster_stability.__doc__):
        assert "not a real structure" not in text
        assert "Hennig" in text and "Jaccard" in text
    assert "necessary, not sufficient" in clustering.cluster_stability.__doc__
    assert "no maths beyond averages" not in prose
    assert "weak" in prose and "shuffled" in prose


# ----------------------------------------------------------------------------- 07: power


def test_lesson_07_minimum_detectable_uplift_is_computed_at_80_percent_power():
    from contextlib import closing

    from course_lib.datasets import connect_crm

    with closing(connect_crm()) as crm:
        held_out = pd.read_sql(
            "SELECT r.ordered_within_14_days FROM campaign_responses AS r JOIN campaigns AS c "
            "ON c.campaign_id = r.campaign_id WHERE r.holdout = 1 AND c.name LIKE '%winback%'",
            crm,
        )["ordered_within_14_days"]
    stored = _stored_text("07_segments_to_action.ipynb", "detectable = (norm.ppf(0.975)")
    counts = re.search(r"(\d+) contacted, (\d+) held out", stored)
    contacted, holdout = int(counts.group(1)), int(counts.group(2))
    rate = held_out.mean()
    standard_error = np.sqrt(rate * (1 - rate) * (1 / contacted + 1 / holdout))
    detectable = re.search(r"Minimum detectable uplift at 80% power: ([\d.]+) percentage points", stored)
    assert float(detectable.group(1)) == pytest.approx(100 * (1.959964 + 0.841621) * standard_error, abs=0.05)
    half_width = re.search(r"Half-width of the interval: ([\d.]+) points", stored)
    assert float(half_width.group(1)) == pytest.approx(100 * 1.959964 * standard_error, abs=0.05)
