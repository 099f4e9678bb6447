"""Tests of the one-page report (course_lib.report) on the Online Retail sample and on broken files.

The report runs on a folder of deliberately broken files (``report_fixtures``):
each gives a useful report or a clear ``ValueError``, never another exception,
and no input file changes. On every file that gives a report, the
reconciliation's steps add up to the file's total. The refund rules, on
exports whose totals were worked out by hand, are in
``test_report_reconciliation.py``; the layout in a real browser in
``test_report_browser.py``.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest
from report_fixtures.broken_files import BROKEN_FILES
from report_fixtures.naive_netting import naive_fates

from course_lib import report
from course_lib.datasets import clean_online_retail, data_dir, load_online_retail_sample
from course_lib.journey import cohort_retention
from course_lib.report import GENERAL_ACTIONS, build_report


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(tmp_path, name: str, content: str | bytes, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


# ------------------------------------------------------------------ the report


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    source = folder / "online_retail_sample.csv"
    source.write_bytes((data_dir() / "online_retail_sample.csv").read_bytes())
    before = sha256(source)
    result = build_report(source, folder / "report.html")
    return result, (folder / "report.html").read_text(encoding="utf-8"), before, sha256(source)


def test_report_on_the_online_retail_sample(sample_report):
    """Second method: the sample's lines netted row by row (naive_fates), then counted with plain pandas."""
    result, page, before, after = sample_report
    assert before == after, "the report changed its input file"
    raw = load_online_retail_sample()
    lines = pd.DataFrame(
        {
            "customer_id": raw["CustomerID"].astype("str").where(raw["CustomerID"].notna()),
            "order_id": raw["InvoiceNo"],
            "ordered_at": raw["InvoiceDate"],
            "amount": raw["Quantity"] * raw["UnitPrice"],
            "cancelled": raw["InvoiceNo"].str.match(r"C\d+$"),
        }
    )[~raw.duplicated()]
    lines["fate"] = naive_fates(lines)
    counted = lines[lines["fate"].isin(["sale", "refund netted"]) & lines["customer_id"].notna()]
    sales = counted[counted["fate"] == "sale"]
    assert result.headline["customers"] == sales["customer_id"].nunique()
    assert result.headline["purchases"] == sales["order_id"].nunique()
    assert result.headline["revenue"] == pytest.approx(counted["amount"].sum())
    assert result.reconciliation.at["analysed", "money"] == pytest.approx(counted["amount"].sum())
    assert result.reconciliation.at["file_total", "money"] == pytest.approx((raw["Quantity"] * raw["UnitPrice"]).sum())
    # Fewer purchases and less revenue than the cleaning that drops cancellations and keeps their sales.
    clean = clean_online_retail(raw, drop_non_products=False, return_report=False)
    assert result.headline["revenue"] < (clean["Quantity"] * clean["UnitPrice"]).sum()
    assert result.segments["customers"].sum() == result.headline["customers"]
    assert result.segments["revenue_share"].sum() == pytest.approx(1.0)
    assert set(result.segments["action"]) <= set(GENERAL_ACTIONS.values())
    assert result.period == "M"
    by_hand = cohort_retention(result.orders, period="M").tail(len(result.retention))
    np.testing.assert_allclose(result.retention.to_numpy(float), by_hand.to_numpy(float), equal_nan=True)
    assert len(result.best_customers) == 10
    assert result.best_customers["monetary"].is_monotonic_decreasing


def test_report_page_is_self_contained(sample_report):
    result, page, _, _ = sample_report
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('src="data:image/png;base64,') == 3
    assert page.count('href="data:text/csv;charset=utf-8;base64,') == len(result.segment_files) > 0
    assert not re.search(r"https?://|<script|<link|@import|src=\"(?!data:)|href=\"(?!data:)", page)
    for heading in (
        "Does this match your books?",
        "At a glance",
        "Your customers, in groups",
        "Do customers come back?",
    ):
        assert heading in page
    for reading_aid in ("for each group, the blue bar", "each bar is the revenue", "each row is the group"):
        assert "How to read this: " + reading_aid in page


def test_report_summary_shows_the_guessed_mapping_and_the_flags(sample_report):
    result, *_ = sample_report
    summary = result.summary()
    assert "customer  CustomerID" in summary and "(from its name)" in summary
    assert "dates read as %m/%d/%Y %H:%M" in summary
    for flag in ("--status", "--date-format", "--decimal", "--lang"):
        assert flag in summary
    total, analysed = result.reconciliation.loc[["file_total", "analysed"], "money"]
    assert f"Your file's total {total:,.2f} = revenue analysed {analysed:,.2f}" in summary


@pytest.fixture(scope="module")
def broken_reports(tmp_path_factory):
    """Run the report once on every broken file: its result or its error, and the file's hash before and after.

    The figures are left out here (drawing them takes most of the time); the
    sample's report above shows they are drawn and embedded.
    """
    folder = tmp_path_factory.mktemp("broken")
    outcomes = {}
    with pytest.MonkeyPatch.context() as patch:
        for figure in ("_segment_figure", "_retention_figure", "_revenue_figure"):
            patch.setattr(report, figure, lambda *args: "")
        for broken in BROKEN_FILES:
            path = folder / broken.name
            broken.write(path)
            before = sha256(path)
            out = folder / f"{path.stem}.report.html"
            try:
                outcome = build_report(path, out, **(broken.overrides or {}))
            except ValueError as error:  # any other exception fails the test: it would be a traceback
                outcome = error
            outcomes[broken.name] = (outcome, before, sha256(path), out)
    return outcomes


def test_the_broken_folder_has_at_least_ten_kinds():
    assert len(BROKEN_FILES) >= 10
    assert len({broken.name for broken in BROKEN_FILES}) == len(BROKEN_FILES)


@pytest.mark.parametrize("broken", BROKEN_FILES, ids=[broken.name for broken in BROKEN_FILES])
def test_broken_file_gives_a_report_or_a_clear_error(broken_reports, broken):
    outcome, before, after, out = broken_reports[broken.name]
    assert before == after, "the report changed its input file"
    if broken.error is not None:
        assert isinstance(outcome, ValueError), f"expected an error, got a report: {outcome}"
        assert broken.error in str(outcome)
        assert "Traceback" not in str(outcome)
        assert not out.exists()
        return
    assert not isinstance(outcome, ValueError), f"expected a report, got: {outcome}"
    expected = broken.expected
    headline = outcome.headline
    for key in ("customers", "purchases"):
        if key in expected:
            assert headline[key] == expected[key], key
    if "revenue" in expected:
        assert headline["revenue"] == pytest.approx(expected["revenue"])
    for key in ("first_day", "last_day"):
        if key in expected:
            assert headline[key] == pd.Timestamp(expected[key]), key
    if "no date or amount" in expected:
        assert outcome.reconciliation.at["no_date_or_amount", "rows"] == expected["no date or amount"]
    assert outcome.lines.day_month_ambiguous == expected.get("ambiguous", False)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "broken", [b for b in BROKEN_FILES if b.error is None], ids=[b.name for b in BROKEN_FILES if b.error is None]
)
def test_the_steps_add_up_to_the_file_total(broken_reports, broken):
    result, *_ = broken_reports[broken.name]
    table = result.reconciliation
    steps = table.drop(index="file_total")
    assert steps["rows"].sum() == table.at["file_total", "rows"] == len(result.source.data)
    assert steps["money"].sum() == pytest.approx(table.at["file_total", "money"])
    assert table.at["file_total", "money"] == pytest.approx(result.lines.lines["amount"].sum())
    assert table.at["analysed", "money"] == pytest.approx(result.headline["revenue"])


def test_html_in_the_data_is_shown_as_text(broken_reports):
    result, *_, out = broken_reports["script_customer.csv"]
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<b>amount</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # the customer, as text
    assert "&lt;b&gt;amount&lt;/b&gt;" in page  # the column name, as text
    assert "bob &amp; co" in page


def test_ambiguous_dates_are_reported(broken_reports):
    result, *_ = broken_reports["dates_ambiguous.csv"]
    assert any(note.startswith("Dates: every date") for note in result.limitations)
    assert any(note.startswith("Orders: the file has no order number") for note in result.limitations)
    assert any(note.startswith("Groups: with only 2 customers") for note in result.limitations)


def test_report_refuses_to_write_over_its_input(tmp_path):
    source = write(tmp_path, "orders.csv", "customer,date,amount\na,2024-01-05,1\n")
    before = sha256(source)
    with pytest.raises(ValueError, match="ending in .html"):
        build_report(source, source)
    html_source = write(tmp_path, "orders.html", "customer,date,amount\na,2024-01-05,1\n")
    with pytest.raises(ValueError, match="is the orders file itself"):
        build_report(html_source, tmp_path / "." / "orders.html")
    with pytest.raises(ValueError, match="does not exist"):
        build_report(source, tmp_path / "missing" / "report.html")
    assert sha256(source) == before
    with pytest.raises(FileNotFoundError):
        build_report(tmp_path / "absent.csv", tmp_path / "report.html")


def test_an_order_column_shared_by_customers_is_not_trusted(tmp_path):
    # Order 1 has two customers: the column cannot be an order id, so purchases are counted by day.
    path = write(
        tmp_path,
        "orders.csv",
        "order,customer,date,amount\n1,a,2024-01-05,10\n1,b,2024-01-05,5\n2,a,2024-01-05,4\n3,a,2024-01-09,3\n",
    )
    result = build_report(path, tmp_path / "report.html")
    assert result.mapping.order == "order"
    assert result.headline["purchases"] == 3  # a on the 5th (two orders, one day), b on the 5th, a on the 9th
    assert any("belong to more than one customer (like '1')" in note for note in result.limitations)


def test_the_command_line_names_the_less_known_flags_and_fails_plainly(tmp_path, capsys):
    from course_lib.kit.cli import build_parser, main

    help_text = build_parser()._subparsers._group_actions[0].choices["report"].format_help()
    for flag in ("--status", "--date-format", "--decimal", "--lang"):
        assert flag in help_text
    source = write(tmp_path, "pedidos.csv", "Cliente;Fecha;Importe\nana;05/01/2024;10,50\nben;06/01/2024;4\n")
    assert main(["report", str(source), "--out", str(tmp_path / "page.html"), "--lang", "pt"]) == 0
    printed = capsys.readouterr().out
    assert "--date-format" in printed and "--decimal" in printed and "--status" in printed
    assert "Total do seu arquivo 14,50" in printed
    empty = write(tmp_path, "empty.csv", "")
    assert main(["report", str(empty), "--out", str(tmp_path / "empty.html")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: `empty.csv` is empty") and "Traceback" not in error
    assert not (tmp_path / "empty.html").exists()
