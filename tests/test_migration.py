"""Tests of course_lib.segments.migration and its flow chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from course_lib.plots.migration import plot_migration  # noqa: E402
from course_lib.segments import NOT_YET_A_CUSTOMER, migration  # noqa: E402


@pytest.fixture
def snapshots() -> tuple[pd.DataFrame, pd.DataFrame]:
    before = pd.DataFrame(
        {"segment": ["Champions"] * 4 + ["New customers"] * 3 + ["Lost"] * 3},
        index=pd.Index(range(1, 11), name="customer_id"),
    )
    after_segments = (
        ["Champions", "Champions", "Loyal", "At risk"]  # two champions slip
        + ["Loyal", "Potential loyalist", "Lost"]  # two new customers become loyal
        + ["Lost", "Lost", "Champions"]  # one lost customer won back
        + ["New customers", "New customers"]  # customers 11 and 12 arrive
    )
    after = pd.DataFrame({"segment": after_segments}, index=pd.Index(range(1, 13), name="customer_id"))
    return before, after


def test_counts_shares_and_flows_by_hand(snapshots):
    before, after = snapshots
    copies = before.copy(), after.copy()
    moves = migration(before, after)
    pd.testing.assert_frame_equal(before, copies[0])
    pd.testing.assert_frame_equal(after, copies[1])
    counts = moves.counts
    assert counts.loc["Champions", "Champions"] == 2
    assert counts.loc["Champions", "Loyal"] == 1
    assert counts.loc["Champions", "At risk"] == 1
    assert counts.loc["New customers", "Potential loyalist"] == 1
    assert counts.loc[NOT_YET_A_CUSTOMER, "New customers"] == 2
    # Every customer of the later snapshot is counted once; the rows reconcile to `before`.
    assert counts.to_numpy().sum() == len(after)
    assert counts.drop(index=NOT_YET_A_CUSTOMER).sum(axis=1).to_dict() == before["segment"].value_counts().to_dict()
    np.testing.assert_allclose(moves.shares.sum(axis=1), 1)
    assert moves.shares.loc["Champions", "Champions"] == pytest.approx(0.5)
    flows = moves.flows.set_index("flow")
    assert flows.loc["champions slipping", ["customers", "base"]].tolist() == [2, 4]
    assert flows.loc["loyal slipping to at risk", ["customers", "base"]].tolist() == [1, 4]
    # New customers (3) and arrivals (2) form the base; 2 of the new ones became loyal.
    assert flows.loc["new customers becoming loyal", ["customers", "base"]].tolist() == [2, 5]
    assert flows.loc["won back", ["customers", "base"]].tolist() == [1, 3]
    assert repr(moves) == "Migration(12 customers, 4 stayed in their segment, 4 named flow(s))"


def test_customer_column_and_custom_flows_and_category_order():
    order = ["Low", "High"]
    before = pd.DataFrame({"customer_id": [1, 2, 3], "tier": pd.Categorical(["Low", "High", "High"], categories=order)})
    after = pd.DataFrame({"customer_id": [3, 2, 1], "tier": pd.Categorical(["Low", "High", "High"], categories=order)})
    moves = migration(before, after, segment="tier", flows={"up": (["Low"], ["High"]), "down": (["High"], ["Low"])})
    assert moves.counts.index.tolist() == order
    assert moves.counts.loc["Low", "High"] == 1
    assert moves.flows.set_index("flow")["customers"].to_dict() == {"up": 1, "down": 1}


def test_mismatched_snapshots_get_clear_errors(snapshots):
    before, after = snapshots
    with pytest.raises(ValueError, match=r"1 customer\(s\) of `before` are missing from `after`"):
        migration(before, after.drop(index=3))
    with pytest.raises(ValueError, match="no customer in common"):
        migration(before, after.set_axis(pd.Index(range(101, 113), name="customer_id")))
    with pytest.raises(ValueError, match="different types"):
        migration(before, after.set_axis(pd.Index([str(i) for i in range(1, 13)], name="customer_id")))
    with pytest.raises(ValueError, match="more than once"):
        migration(before, after.set_axis(pd.Index([1] * 12, name="customer_id")))
    with pytest.raises(ValueError, match="'segment' of `after` has no segment"):
        migration(before, after.assign(segment=after["segment"].where(after.index != 5)))
    with pytest.raises(ValueError, match="segment"):
        migration(before.rename(columns={"segment": "rfm"}), after)
    with pytest.raises(ValueError, match="index named 'customer_id'"):
        migration(before.reset_index(drop=True), after)
    with pytest.raises(ValueError, match=r"Flow 'up' names segment\(s\) \['Gold'\]"):
        migration(before, after, flows={"up": (["Gold"], ["Champions"])})


def test_flow_chart_draws_one_band_per_move_and_blocks_as_tall_as_the_segments(snapshots):
    moves = migration(*snapshots)
    fig, ax = plt.subplots()
    returned = plot_migration(moves, before_label="Q3", after_label="Q4", ax=ax)
    assert returned is ax
    assert ax.get_title() and ax.get_ylabel() == "Customers (count)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Q3", "Q4"]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == int((moves.counts.to_numpy() > 0).sum())
    heights = sorted(p.get_height() for p in ax.patches if isinstance(p, Rectangle))
    expected = sorted([*moves.counts.sum(axis=1).tolist(), *moves.counts.sum(axis=0).tolist()])
    assert heights == expected
    plt.close(fig)


def test_flow_chart_rejects_what_is_not_a_migration():
    with pytest.raises(TypeError, match="migration"):
        plot_migration([[1, 2]])


def test_rfm_a_quarter_apart_on_the_course_data_reconciles():
    from course_lib.datasets import load_orders
    from course_lib.rfm import assign_segments, order_values, rfm_scores, rfm_table

    lines = order_values(load_orders())

    def snapshot(cut: str) -> pd.DataFrame:
        table = rfm_table(lines[lines["ordered_at"] < cut], order="order_id", as_of=cut)
        return assign_segments(rfm_scores(table))

    before, after = snapshot("2025-10-01"), snapshot("2026-01-01")
    moves = migration(before, after)
    assert moves.counts.to_numpy().sum() == len(after)
    assert moves.counts.loc[NOT_YET_A_CUSTOMER].sum() == len(after) - len(before)
    for name, size in before["segment"].value_counts().loc[lambda sizes: sizes > 0].items():
        assert moves.counts.loc[name].sum() == size
    champions = moves.flows.set_index("flow").loc["champions slipping"]
    assert champions["base"] == (before["segment"] == "Champions").sum()
    fig, ax = plt.subplots(figsize=(8, 6))
    plot_migration(moves, before_label="1 Oct 2025", after_label="1 Jan 2026", ax=ax)
    plt.close(fig)
