"""Lessons 01 and 02 show what issue 5 asks for, each point with a figure or a table.

A point "is shown" when a markdown cell names it (the regex below) and one of the
code cells that follow, before the next markdown cell that is not a fragment of the
same section, stores a figure (image/png) or a table (text/html) among its outputs.
Conclusions drawn from numbers may instead be printed sentences computed in code.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from course_lib import KIT_ROOT

LESSON_01 = KIT_ROOT / "notebooks" / "01_segmentation.ipynb"
LESSON_02 = KIT_ROOT / "notebooks" / "02_customer_data.ipynb"

#: Every basis and benefit of lesson 01, and the other points issue 5 lists for it.
LESSON_01_POINTS = {
    "definition and personalisation": r"^## What a segment is",
    "demographic basis": r"^### Demographic",
    "geographic basis: orders by zone and hour": r"^### Geographic",
    "psychographic basis": r"^### Psychographic",
    "behavioural: occasion": r"\*\*occasion\*\*",
    "behavioural: purchase decision": r"^#### Purchase decision",
    "behavioural: lifecycle stage": r"^#### Lifecycle stage",
    "behavioural: loyalty": r"^#### Loyalty",
    "firmographic basis": r"^### Firmographic",
    "benefit: customer lifetime value": r"^### Value per customer",
    "benefit: most profitable segment": r"^### Which segment is most profitable",
    "benefit: disengagement risk": r"^### Reducing disengagement",
    "benefit: product development": r"^### Product development",
    "benefit: experience and price sensitivity": r"^### Experience and price sensitivity",
    "privacy and consent": r"^## Privacy: convenient, not creepy",
    "consent-respecting audience": r"^## Worked example",
}


def _shown_with(cells: list, start: int) -> set[str]:
    """The kinds of output ("figure", "table", "printed") of the code cells after markdown cell `start`.

    The section runs until the next markdown cell that opens a new slide or
    sub-slide (fragments and notes continue it).
    """
    kinds: set[str] = set()
    for cell in cells[start + 1 :]:
        slide = cell.metadata.get("slideshow", {}).get("slide_type")
        if cell.cell_type == "markdown" and slide in {"slide", "subslide"}:
            break
        if cell.cell_type == "markdown" and kinds & {"figure", "table"}:
            break  # the point's own code cells come before the next explanation
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                kinds.add("printed")
            data = output.get("data", {})
            if "image/png" in data:
                kinds.add("figure")
            if "text/html" in data and "<table" in data["text/html"]:
                kinds.add("table")
    return kinds


def _markdown_index(cells: list, pattern: str) -> int:
    regex = re.compile(pattern, re.MULTILINE)
    matches = [index for index, cell in enumerate(cells) if cell.cell_type == "markdown" and regex.search(cell.source)]
    assert matches, f"no markdown cell matches {pattern!r}"
    return matches[0]


@pytest.fixture(scope="module")
def lesson_01():
    return nbformat.read(LESSON_01, as_version=4)


@pytest.mark.parametrize("point", sorted(LESSON_01_POINTS))
def test_lesson_01_shows_every_point_with_a_figure_or_table(lesson_01, point):
    start = _markdown_index(lesson_01.cells, LESSON_01_POINTS[point])
    assert _shown_with(lesson_01.cells, start) & {"figure", "table"}, f"{point}: no figure or table follows it"


def test_lesson_01_plots_orders_by_zone_and_hour(lesson_01):
    start = _markdown_index(lesson_01.cells, LESSON_01_POINTS["geographic basis: orders by zone and hour"])
    figure_cell = next(cell for cell in lesson_01.cells[start:] if cell.cell_type == "code")
    assert "zone" in figure_cell.source and ".dt.hour" in figure_cell.source
    assert any("image/png" in output.get("data", {}) for output in figure_cell.outputs)


def test_lesson_01_states_its_lifecycle_cut_offs_and_filters_by_consent(lesson_01):
    sources = "\n".join(cell.source for cell in lesson_01.cells)
    assert "lifecycle_stage(view, as_of=AS_OF, new_days=90, lapsed_days=90)" in sources
    assert "| new | signed up in the 90 days" in sources
    assert 'with_consent(lapsed_repeaters, consent=["consent_email", "consent_personalisation"])' in sources


def test_lesson_01_never_reads_the_planted_truth(lesson_01):
    sources = "\n".join(cell.source for cell in lesson_01.cells if cell.cell_type == "code")
    assert "load_truth" not in sources and "truth/" not in sources


#: What issue 5 lists for lesson 02, each with a figure or a table.
LESSON_02_POINTS = {
    "direct and indirect flows: how often": r"^### How often each flow arrives",
    "what a CRM holds": r"^## What a CRM holds",
    "SQL against the CRM": r"^## Asking the CRM questions in SQL",
    "SQL with parameters": r"^### Values go in `params`",
    "SQL for lead management": r"^### Lead management",
    "SQL with a JOIN (workflows)": r"^### Workflows",
    "the merged customer view": r"^One customer seen by every source",
    "what each source covers": r"^### What each source covers",
    "data-quality report": r"^## Data quality",
    "what the data lets us conclude": r"^### What we can conclude",
    "conflicting and stale records": r"^### Conflicting and stale records",
    "NPS computed by hand": r"^## NPS: one question",
    "NPS by survey (reliability)": r"^### Which survey\?",
    "NPS by segment with intervals": r"^### NPS by segment",
    "minimum count and interval width": r"^The interval narrows",
}


#: Points made as sentences printed from computed numbers (they read better than a table).
PRINTED_CONCLUSIONS = {"what the data lets us conclude"}


@pytest.fixture(scope="module")
def lesson_02():
    return nbformat.read(LESSON_02, as_version=4)


@pytest.mark.parametrize("point", sorted(LESSON_02_POINTS))
def test_lesson_02_shows_every_point_with_a_figure_or_table(lesson_02, point):
    start = _markdown_index(lesson_02.cells, LESSON_02_POINTS[point])
    shown = {"figure", "table", "printed"} if point in PRINTED_CONCLUSIONS else {"figure", "table"}
    assert _shown_with(lesson_02.cells, start) & shown, f"{point}: nothing computed follows it"


def test_lesson_02_queries_the_real_crm_with_sql(lesson_02):
    code_cells = [cell for cell in lesson_02.cells if cell.cell_type == "code"]
    queries = [cell for cell in code_cells if "pd.read_sql(" in cell.source]
    assert len(queries) >= 5
    sql = "\n".join(cell.source for cell in queries).upper()
    for clause in ("SELECT", "WHERE", "GROUP BY", "ORDER BY", "JOIN", "HAVING"):
        assert clause in sql, f"the lesson never shows {clause}"
    assert "params=(" in "\n".join(cell.source for cell in queries)
    assert all(cell.outputs for cell in queries)
    assert "connect_crm()" in code_cells[0].source


def test_lesson_02_merges_all_four_sources_and_reports_nps_by_diet_and_channel(lesson_02):
    code_text = "".join(cell.source for cell in lesson_02.cells if cell.cell_type == "code")
    sources = "".join(code_text.split())  # without whitespace, so that wrapping a call does not hide it
    for call in (
        "customer_view(customers, orders=orders, survey=relationship, events=events, tickets=tickets)",
        "data_quality_report(customers, orders=orders, survey=relationship, events=events, tickets=tickets)",
        'nps_by(view, ["diet", "acquisition_channel"], min_n=30)',
        'plot_nps(by_diet_channel, by=["diet", "acquisition_channel"]',
    ):
        assert "".join(call.split()) in sources, f"the lesson never calls {call}"


def test_lesson_02_never_reads_the_planted_truth(lesson_02):
    sources = "\n".join(cell.source for cell in lesson_02.cells if cell.cell_type == "code")
    assert "load_truth" not in sources and "truth/" not in sources
