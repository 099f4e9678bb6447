"""Lesson 06's analysis finds every journey pain point planted in the course data.

Each test repeats one step of the lesson with the same library calls on the default data, and
compares what it finds with the truth file (``load_truth()``, which the lesson never reads):
the failing app release, the zone nobody delivers to, the channel and step that convert worse,
and the survey segment that churns. The last test reads the lesson's stored ranked list of
fixes (nbval proves the stored outputs are what the code produces today) and checks that it
names every planted pain point.
"""

from __future__ import annotations

import nbformat
import pytest

from course_lib import KIT_ROOT
from course_lib.checks import lesson06
from course_lib.datasets import load_events, load_truth
from course_lib.journey import funnel, link_anonymous

LESSON = KIT_ROOT / "notebooks" / "06_customer_journey.ipynb"


@pytest.fixture(scope="module")
def events():
    return load_events()


@pytest.fixture(scope="module")
def planted():
    return load_truth().planted["pain_points"]


def _later_share(log, source, target, *, by):
    """The lesson's `later_share`: of the sessions at `source`, the share reaching `target` after it."""
    table = funnel(log, stages=[source, target], by=by)
    return table[table["stage"] == target].set_index(by)


def test_the_failing_app_release(events, planted):
    truth = planted["payment_failure"]
    app = events[events["channel"] == "app"]
    failed = _later_share(app, "start_checkout", "payment_failed", by="app_version")
    assert failed["conversion_from_previous"].idxmax() == truth["app_version"]
    for version, measured in truth["measured_by_app_version"].items():
        row = failed.loc[version]
        assert row["reached"] == measured["sessions_with_payment_failed"]
        assert row["reached"] + row["dropped"] == measured["sessions_at_checkout"]
        assert row["conversion_from_previous"] == pytest.approx(measured["payment_failed_share_of_checkouts"], abs=1e-4)
    others = failed["conversion_from_previous"].drop(truth["app_version"])
    assert others.max() < failed.loc[truth["app_version"], "conversion_from_previous"] / 5


def test_the_zone_nobody_delivers_to(events, planted):
    truth = planted["uncovered_zone"]
    refused_zones = events.loc[events["event"].eq("address_outside_zone"), "zone"].unique()
    assert [str(zone) for zone in refused_zones] == [truth["zone"]]
    in_zone = events[events["zone"] == truth["zone"]]
    assert in_zone["session_id"].nunique() == truth["sessions"]
    turned_away = in_zone.loc[in_zone["event"] == "address_outside_zone", "session_id"].nunique()
    assert turned_away == truth["sessions_turned_away"]


def test_the_channel_and_step_that_convert_worse(events, planted):
    truth = planted["weak_channel"]
    channels = funnel(events, by="channel")
    paid = channels[channels["stage"] == "pay"].set_index("channel")
    for channel, measured in truth["measured_by_channel"].items():
        assert paid.loc[channel, "reached"] == measured["paid"]
        assert paid.loc[channel, "conversion_from_start"] == pytest.approx(measured["conversion"], abs=1e-4)
        assert paid.loc[channel, "conversion_from_previous"] == pytest.approx(measured["checkout_to_pay"], abs=1e-4)
    assert paid["conversion_from_start"].idxmin() == truth["channel"]
    # The lesson compares the self-service channels step by step on the served zones.
    refused_zones = events.loc[events["event"].eq("address_outside_zone"), "zone"].unique()
    served = funnel(events[~events["zone"].isin(refused_zones)], by="channel")
    steps = served.pivot(index="stage", columns="channel", values="conversion_from_previous")
    web_lag = steps["web"] - steps["app"]
    stages = list(steps.index.astype(str))
    weakest = str(web_lag.idxmin())
    assert f"{stages[stages.index(weakest) - 1]} -> {weakest}" == truth["weak_step"]


def test_the_segment_that_churns_is_the_planted_type_b():
    reference = lesson06._expected()  # the lesson's segment recipe (shared with exercise 06)
    segment = reference["segment"]
    types = load_truth().customer_types.set_index("customer_id")["type"]
    cooks = segment.index[segment == "Would-be cooks"]
    assert (types.reindex(cooks) == "B").mean() > 0.75
    # The lesson's finding: of each segment's members, the would-be cooks are the fewest still active.
    people = link_anonymous(load_events()).assign(segment=lambda frame: frame["linked_customer_id"].map(segment))
    active_share = people.groupby("segment")["linked_customer_id"].nunique() / segment.value_counts()
    assert active_share.idxmin() == "Would-be cooks"


def test_the_lessons_ranked_fixes_name_every_planted_pain_point(planted):
    notebook = nbformat.read(LESSON, as_version=4)
    cells = [cell for cell in notebook.cells if "ranked-fixes" in cell.metadata.get("tags", [])]
    assert len(cells) == 1
    texts = [output["data"]["text/plain"] for output in cells[0].outputs if "text/plain" in output.get("data", {})]
    assert len(texts) == 1
    table = texts[0]
    assert f"version {planted['payment_failure']['app_version']}" in table
    assert f"Deliver to {planted['uncovered_zone']['zone']}" in table
    assert f"{planted['weak_channel']['channel']} checkout" in table
