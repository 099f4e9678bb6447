"""Tests of reading your own orders (course_lib.column_mapping) and of the one-page report (course_lib.report).

Numbers are checked by hand on tiny files, or against a second method: the
Online Retail sample's cleaning against ``clean_online_retail``. The report
runs on a folder of deliberately broken files (``report_fixtures``): each gives
a useful report or a clear ``ValueError``, never another exception, and no
input file changes.
"""

from __future__ import annotations

import codecs
import hashlib
import re

import numpy as np
import pandas as pd
import pytest
from report_fixtures.broken_files import BROKEN_FILES

from course_lib import report
from course_lib.column_mapping import (
    ColumnMapping,
    guess_column_mapping,
    parse_dates,
    parse_numbers,
    read_orders_file,
    standardise_orders,
)
from course_lib.datasets import clean_online_retail, data_dir, load_online_retail_sample
from course_lib.journey import cohort_retention
from course_lib.report import GENERAL_ACTIONS, build_report


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(tmp_path, name: str, content: str | bytes, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


# ------------------------------------------------------------------ reading one column


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.50", 12.5),
        ("12,50", 12.5),  # decimal comma
        ("1.020,00", 1020.0),  # thousands dot, decimal comma
        ("1,020.50", 1020.5),  # thousands comma, decimal point
        ("€ 1.020,00", 1020.0),  # currency sign and space
        ("3.50 EUR", 3.5),  # currency code
        ("1'250.00", 1250.0),  # Swiss thousands apostrophe
        ("(3,00)", -3.0),  # accounting negative
        ("-4", -4.0),
        ("abc", np.nan),
        ("12.50.3", np.nan),  # two decimal points
        ("n/a", np.nan),
        (None, np.nan),
    ],
)
def test_parse_numbers_reads_amounts_the_way_people_write_them(text, expected):
    # Each value alone and next to a decimal-comma value, which sets the column's mark to ",".
    alone = parse_numbers(pd.Series([text], dtype="str"))
    assert alone.dtype == "float64"
    assert alone.iloc[0] == pytest.approx(expected, nan_ok=True)


def test_parse_numbers_decides_the_decimal_mark_per_column():
    # "1,500" alone is a thousand five hundred; next to "2,25" the comma is the decimal mark.
    assert parse_numbers(pd.Series(["1,500", "7"])).tolist() == [1500.0, 7.0]
    assert parse_numbers(pd.Series(["1,500", "2,25"])).tolist() == [1.5, 2.25]
    assert parse_numbers(pd.Series(["1,500"]), decimal=",").tolist() == [1.5]
    with pytest.raises(ValueError, match="'decimal' parameter"):
        parse_numbers(pd.Series(["1"]), decimal=";")


def test_parse_numbers_keeps_numbers_and_leaves_its_input_alone():
    numbers = pd.Series([1, 2, 3])
    assert parse_numbers(numbers).tolist() == [1.0, 2.0, 3.0]
    text = pd.Series(["1,5", "x"], index=[10, 20])
    before = text.copy()
    result = parse_numbers(text)
    pd.testing.assert_series_equal(text, before)
    assert list(result.index) == [10, 20]
    assert parse_numbers(pd.Series(["inf", "1"])).isna().tolist() == [True, False]


def test_parse_dates_finds_the_format_and_combines_formats():
    dates, formats = parse_dates(pd.Series(["1/3/2024 8:26", "12/31/2024 23:59", None]))
    assert formats == ("%m/%d/%Y %H:%M",)  # 12/31 cannot be day-first
    assert dates.iloc[:2].tolist() == [pd.Timestamp("2024-01-03 08:26"), pd.Timestamp("2024-12-31 23:59")]
    assert pd.isna(dates.iloc[2])
    mixed, formats = parse_dates(pd.Series(["2024-02-01", "15.02.2024", "20/02/2024", "never"]))
    assert mixed.iloc[:3].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01", "2024-02-15", "2024-02-20"]
    assert pd.isna(mixed.iloc[3])
    assert formats == ("ISO8601", "%d/%m/%Y", "%d.%m.%Y")  # equal coverage: the earlier format first


def test_parse_dates_never_reads_one_file_both_day_first_and_month_first():
    # 13/01 is day-first only; 01/13 month-first only. One format wins; the other value stays unread.
    dates, formats = parse_dates(pd.Series(["13/01/2024", "14/01/2024", "01/13/2024"]))
    assert formats == ("%d/%m/%Y",)
    assert dates.isna().tolist() == [False, False, True]


def test_parse_dates_explicit_format_time_zones_and_datetimes():
    dates, formats = parse_dates(pd.Series(["01/02/2024"]), date_format="%m/%d/%Y")
    assert (dates.iloc[0], formats) == (pd.Timestamp("2024-01-02"), ("%m/%d/%Y",))
    aware, _ = parse_dates(pd.Series(["2024-03-01T10:00:00+01:00", "2024-03-01T10:00:00Z"]))
    assert aware.tolist() == [pd.Timestamp("2024-03-01 09:00"), pd.Timestamp("2024-03-01 10:00")]
    already = pd.Series(pd.to_datetime(["2024-05-06"], format="%Y-%m-%d"))
    same, formats = parse_dates(already)
    assert same.iloc[0] == pd.Timestamp("2024-05-06") and formats == ()


# ------------------------------------------------------------------ reading a file


@pytest.mark.parametrize(
    ("content", "encoding", "separator"),
    [
        ("customer,date,amount\na,2024-01-05,1.5\n", "utf-8", ","),
        ("customer;date;amount\na;2024-01-05;1,5\n", "utf-8", ";"),
        ("customer\tdate\tamount\na\t2024-01-05\t1.5\n", "utf-8", "\t"),
        ("customer|date|amount\na|2024-01-05|1.5\n", "utf-8", "|"),
        ("customer,date,amount\nRenée,2024-01-05,1.5\n", "cp1252", ","),
    ],
)
def test_read_orders_file_finds_separator_and_encoding(tmp_path, content, encoding, separator):
    path = write(tmp_path, "orders.csv", content, encoding)
    orders_file = read_orders_file(path)
    assert (orders_file.separator, orders_file.encoding, orders_file.kind) == (separator, encoding, "csv")
    assert list(orders_file.data.columns) == ["customer", "date", "amount"]
    assert orders_file.data.iloc[0, 1] == "2024-01-05"
    assert orders_file.decimal == ("," if separator == ";" else None)


def test_read_orders_file_keeps_values_as_text(tmp_path):
    # Leading zeros and long ids survive: nothing is interpreted before the mapping.
    path = write(tmp_path, "orders.csv", "customer,date,amount\n007,2024-01-05,10\n,2024-01-06,\n")
    data = read_orders_file(path).data
    assert data["customer"].tolist()[0] == "007"
    assert data["customer"].isna().tolist() == [False, True]


def test_read_orders_file_strips_a_byte_order_mark_from_the_first_name(tmp_path):
    path = write(tmp_path, "orders.csv", codecs.BOM_UTF8 + b"Customer ID,Date,Total\n1,2024-01-05,3\n")
    orders_file = read_orders_file(path)
    assert orders_file.encoding == "utf-8-sig"
    assert list(orders_file.data.columns)[0] == "Customer ID"


def test_read_orders_file_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="No file at"):
        read_orders_file(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="is a folder"):
        read_orders_file(tmp_path)


# ------------------------------------------------------------------ guessing the mapping


def test_guess_column_mapping_on_the_online_retail_schema():
    data = read_orders_file(data_dir() / "online_retail_sample.csv").data
    mapping = guess_column_mapping(data)
    assert mapping == ColumnMapping(
        customer="CustomerID", date="InvoiceDate", quantity="Quantity", price="UnitPrice", order="InvoiceNo"
    )
    found = mapping.describe()["found_by"]
    assert found["customer"] == "name" and found["amount"] == "not found" and found["status"] == "not found"


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["Kunde", "Bestelldatum", "Betrag"], ("Kunde", "Bestelldatum", "Betrag")),
        (["Cliente", "Fecha", "Importe"], ("Cliente", "Fecha", "Importe")),
        (["E-mail", "Order Date", "Order Total"], ("E-mail", "Order Date", "Order Total")),
        (["Client Name", "Created At", "Grand Total"], ("Client Name", "Created At", "Grand Total")),
    ],
)
def test_guess_column_mapping_reads_names_in_several_languages(columns, expected):
    data = pd.DataFrame([["x", "2024-01-05", "9,50"], ["y", "2024-01-06", "3"]], columns=columns)
    mapping = guess_column_mapping(data)
    assert (mapping.customer, mapping.date, mapping.amount) == expected


def test_guess_column_mapping_checks_content_and_finds_dates_by_content():
    # "date" holds no dates, so the column of dates is found by its content instead.
    data = pd.DataFrame(
        {"client": ["a", "b"], "date": ["soon", "later"], "when": ["2024-01-05", "2024-01-06"], "total": ["1", "2"]}
    )
    mapping = guess_column_mapping(data)
    assert mapping.date == "when" and mapping.found_by["date"] == "content"


def test_guess_column_mapping_overrides(tmp_path):
    data = pd.DataFrame({"who": ["a"], "day": ["2024-01-05"], "units": ["2"], "each": ["1.5"], "total": ["3"]})
    mapping = guess_column_mapping(data, customer="who", quantity="units", price="each")
    assert (mapping.customer, mapping.amount, mapping.quantity, mapping.price) == ("who", None, "units", "each")
    assert mapping.found_by["customer"] == "given" and mapping.found_by["date"] == "name"
    with pytest.raises(ValueError, match=r"has no column 'buyer' \(given as the customer column\)"):
        guess_column_mapping(data, customer="buyer")
    with pytest.raises(ValueError, match="given for several roles"):
        guess_column_mapping(data, customer="who", order="who")
    with pytest.raises(ValueError, match="not both"):
        guess_column_mapping(data, customer="who", amount="total", quantity="units")
    with pytest.raises(TypeError, match="named by a str"):
        guess_column_mapping(data, customer=3)


def test_guess_column_mapping_errors_list_the_columns():
    with pytest.raises(ValueError, match=r"no column that looks like a customer.*\['Date', 'Total'\].*--customer"):
        guess_column_mapping(pd.DataFrame({"Date": ["2024-01-05"], "Total": ["3"]}))
    with pytest.raises(ValueError, match=r"found only a quantity column, 'Qty'.*--price COLUMN"):
        guess_column_mapping(pd.DataFrame({"Customer": ["a"], "Date": ["2024-01-05"], "Qty": ["3"]}))


# ------------------------------------------------------------------ tidy orders


def test_standardise_orders_counts_every_dropped_row_by_hand():
    raw = pd.DataFrame(
        {
            "Invoice": ["1", "1", "2", "C3", "4", "5", "6"],
            "Customer": ["17850.0", "17850.0", "17850.0", "17850.0", None, "13047.0", "13047.0"],
            "Date": ["01/12/2010", "01/12/2010", "02/12/2010", "03/12/2010", "03/12/2010", "??", "05/12/2010"],
            "Qty": ["2", "2", "1", "-2", "1", "1", "0"],
            "Price": ["1,50", "1,50", "4", "1,50", "3", "2", "5"],
        }
    )
    before = raw.copy()
    tidy = standardise_orders(raw, guess_column_mapping(raw))
    pd.testing.assert_frame_equal(raw, before)
    assert tidy.report["rows_dropped"].tolist() == [0, 1, 1, 0, 1, 1, 1]  # dup, date, -, customer, C3, qty 0
    assert tidy.report["rows_remaining"].tolist() == [7, 6, 5, 5, 4, 3, 2]
    assert tidy.orders["customer_id"].tolist() == ["17850", "17850"]  # a spreadsheet's 17850.0, tidied
    assert tidy.orders["amount"].tolist() == [3.0, 4.0]
    assert tidy.orders["order_id"].tolist() == ["1", "2"]
    # Every day is 12 or less: 01/12/2010 could be 12 January too, and the report must say so.
    assert tidy.date_formats == ("%d/%m/%Y",) and tidy.day_month_ambiguous


def test_standardise_orders_cancellations_by_status_and_c_ids():
    raw = pd.DataFrame(
        {
            "customer": ["a", "b", "c", "d"],
            "date": ["2024-01-05"] * 4,
            "amount": ["5", "5", "5", "5"],
            "status": ["Delivered", "CANCELLED", "refunded", "paid"],
        }
    )
    assert standardise_orders(raw, guess_column_mapping(raw)).orders["customer_id"].tolist() == ["a", "d"]
    # A shop whose every order id starts with C has no cancellation invoices: nothing is dropped.
    shop = pd.DataFrame(
        {"customer": ["a", "b"], "date": ["2024-01-05"] * 2, "amount": ["5", "6"], "order": ["C1001", "C1002"]}
    )
    assert len(standardise_orders(shop, guess_column_mapping(shop)).orders) == 2


def test_standardise_orders_with_nothing_left_says_why():
    raw = pd.DataFrame({"customer": [None, None], "date": ["2024-01-05"] * 2, "amount": ["5", "6"]})
    mapping = ColumnMapping(customer="customer", date="date", amount="amount")
    with pytest.raises(ValueError, match=r"No purchase is left.*missing customer: 2"):
        standardise_orders(raw, mapping)
    with pytest.raises(TypeError, match="must be a ColumnMapping"):
        standardise_orders(raw, {"customer": "customer"})


def test_standardise_orders_agrees_with_clean_online_retail():
    """Second method: the UCI cleaning of course_lib.datasets keeps the same lines (products or not)."""
    orders_file = read_orders_file(data_dir() / "online_retail_sample.csv")
    tidy = standardise_orders(orders_file.data, guess_column_mapping(orders_file.data))
    clean, _ = clean_online_retail(load_online_retail_sample(), drop_non_products=False)
    assert len(tidy.orders) == len(clean)
    assert tidy.orders["amount"].sum() == pytest.approx((clean["Quantity"] * clean["UnitPrice"]).sum())
    assert tidy.orders["customer_id"].nunique() == clean["CustomerID"].nunique()


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
    result, page, before, after = sample_report
    assert before == after, "the report changed its input file"
    clean, _ = clean_online_retail(load_online_retail_sample(), drop_non_products=False)
    assert result.headline["customers"] == clean["CustomerID"].nunique()
    assert result.headline["purchases"] == clean["InvoiceNo"].nunique()
    assert result.headline["revenue"] == pytest.approx((clean["Quantity"] * clean["UnitPrice"]).sum())
    assert result.segments["customers"].sum() == result.headline["customers"]
    assert result.segments["revenue_share"].sum() == pytest.approx(1.0)
    assert set(result.segments["action"]) <= set(GENERAL_ACTIONS.values())
    assert result.period == "M"
    by_hand = cohort_retention(result.tidy.orders, period="M").tail(len(result.retention))
    np.testing.assert_allclose(result.retention.to_numpy(float), by_hand.to_numpy(float), equal_nan=True)
    assert len(result.best_customers) == 10
    assert result.best_customers["monetary"].is_monotonic_decreasing


def test_report_page_is_self_contained(sample_report):
    _, page, _, _ = sample_report
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('src="data:image/png;base64,') == 3
    assert not re.search(r"https?://|<script|<link|@import|src=\"(?!data:)", page)
    for heading in ("Headline numbers", "Customer segments", "cohort retention", "What the data could not tell"):
        assert heading in page


def test_report_summary_shows_the_guessed_mapping(sample_report):
    result, *_ = sample_report
    summary = result.summary()
    assert "customer  CustomerID" in summary and "(name)" in summary
    assert "dates read as %m/%d/%Y %H:%M" in summary
    assert f"kept {len(result.tidy.orders):,} of 6,593 rows" in summary


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
    if "unreadable money" in expected:
        steps = outcome.tidy.report.set_index("step")["rows_dropped"]
        assert steps["unreadable money"] == expected["unreadable money"]
    assert outcome.tidy.day_month_ambiguous == expected.get("ambiguous", False)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


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
    assert any(note.startswith("Orders: the file has no order id") for note in result.limitations)
    assert any(note.startswith("Segments: with only 2 customers") for note in result.limitations)


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


def test_a_given_date_format_settles_the_ambiguity():
    raw = pd.DataFrame({"customer": ["a", "b"], "date": ["01/02/2024", "03/04/2024"], "amount": ["1", "2"]})
    guessed = standardise_orders(raw, guess_column_mapping(raw))
    assert guessed.day_month_ambiguous and guessed.orders["ordered_at"].dt.month.tolist() == [2, 4]
    given = standardise_orders(raw, guess_column_mapping(raw), date_format="%m/%d/%Y")
    assert not given.day_month_ambiguous and given.orders["ordered_at"].dt.month.tolist() == [1, 3]
