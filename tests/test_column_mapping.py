"""Tests of reading your own orders: course_lib.column_mapping.

Numbers are checked by hand on tiny frames, or against a second method: the
Online Retail sample's cleaning against ``clean_online_retail``. Every guessing
rule of ``guess_column_mapping`` has a test of its own, including the ways it
must refuse.
"""

from __future__ import annotations

import codecs

import numpy as np
import pandas as pd
import pytest

from course_lib.column_mapping import (
    ColumnMapping,
    detect_currency,
    guess_column_mapping,
    order_lines,
    parse_dates,
    parse_numbers,
    read_orders_file,
    standardise_orders,
)
from course_lib.datasets import clean_online_retail, data_dir, load_online_retail_sample
from course_lib.datasets.online_retail import cancellation_invoices


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
    dates, formats = parse_dates(pd.Series(["1/3/2024 8:26", "12/31/2024 23:59", None]), return_formats=True)
    assert formats == ("%m/%d/%Y %H:%M",)  # 12/31 cannot be day-first
    assert dates.iloc[:2].tolist() == [pd.Timestamp("2024-01-03 08:26"), pd.Timestamp("2024-12-31 23:59")]
    assert pd.isna(dates.iloc[2])
    mixed, formats = parse_dates(pd.Series(["2024-02-01", "15.02.2024", "20/02/2024", "never"]), return_formats=True)
    assert mixed.iloc[:3].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01", "2024-02-15", "2024-02-20"]
    assert pd.isna(mixed.iloc[3])
    assert formats == ("ISO8601", "%d/%m/%Y", "%d.%m.%Y")  # equal coverage: the earlier format first


def test_parse_dates_never_reads_one_file_both_day_first_and_month_first():
    # 13/01 is day-first only; 01/13 month-first only. One format wins; the other value stays unread.
    dates, formats = parse_dates(pd.Series(["13/01/2024", "14/01/2024", "01/13/2024"]), return_formats=True)
    assert formats == ("%d/%m/%Y",)
    assert dates.isna().tolist() == [False, False, True]


def test_parse_dates_explicit_format_time_zones_and_datetimes():
    dates, formats = parse_dates(pd.Series(["01/02/2024"]), date_format="%m/%d/%Y", return_formats=True)
    assert (dates.iloc[0], formats) == (pd.Timestamp("2024-01-02"), ("%m/%d/%Y",))
    aware = parse_dates(pd.Series(["2024-03-01T10:00:00+01:00", "2024-03-01T10:00:00Z"]), return_formats=False)
    assert aware.tolist() == [pd.Timestamp("2024-03-01 09:00"), pd.Timestamp("2024-03-01 10:00")]
    already = pd.Series(pd.to_datetime(["2024-05-06"], format="%Y-%m-%d"))
    same, formats = parse_dates(already, return_formats=True)
    assert same.iloc[0] == pd.Timestamp("2024-05-06") and formats == ()


def test_parse_dates_returns_the_formats_on_request_and_warns_on_the_old_call():
    text = pd.Series(["13/03/2024", "14/03/2024"])
    dates = parse_dates(text, return_formats=False)
    assert isinstance(dates, pd.Series)
    with pytest.warns(FutureWarning, match=r"`dates, formats = parse_dates\(\.\.\., return_formats=True\)`"):
        old_dates, old_formats = parse_dates(text)
    pd.testing.assert_series_equal(old_dates, dates)
    assert old_formats == ("%d/%m/%Y",)


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
    orders, report = standardise_orders(raw, guess_column_mapping(raw), return_report=True)
    pd.testing.assert_frame_equal(raw, before)
    assert report.steps["rows_dropped"].tolist() == [0, 1, 1, 0, 1, 1, 1]  # dup, date, -, customer, C3, qty 0
    assert report.steps["rows_remaining"].tolist() == [7, 6, 5, 5, 4, 3, 2]
    assert orders["customer_id"].tolist() == ["17850", "17850"]  # a spreadsheet's 17850.0, tidied
    assert orders["amount"].tolist() == [3.0, 4.0]
    assert orders["order_id"].tolist() == ["1", "2"]
    # Every day is 12 or less: 01/12/2010 could be 12 January too, and the report must say so.
    assert report.date_formats == ("%d/%m/%Y",) and report.day_month_ambiguous
    assert repr(report) == "CleaningReport(2 of 7 rows kept, dates read as ['%d/%m/%Y'])"
    pd.testing.assert_frame_equal(standardise_orders(raw, guess_column_mapping(raw)), orders, check_frame_type=False)


def test_standardise_orders_cancellations_by_status_and_c_ids():
    raw = pd.DataFrame(
        {
            "customer": ["a", "b", "c", "d"],
            "date": ["2024-01-05"] * 4,
            "amount": ["5", "5", "5", "5"],
            "status": ["Delivered", "CANCELLED", "refunded", "paid"],
        }
    )
    assert standardise_orders(raw, guess_column_mapping(raw))["customer_id"].tolist() == ["a", "d"]
    # A shop whose every order id starts with C has no cancellation invoices: nothing is dropped.
    shop = pd.DataFrame(
        {"customer": ["a", "b"], "date": ["2024-01-05"] * 2, "amount": ["5", "6"], "order": ["C1001", "C1002"]}
    )
    assert len(standardise_orders(shop, guess_column_mapping(shop))) == 2


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
    clean = clean_online_retail(load_online_retail_sample(), drop_non_products=False, return_report=False)
    assert len(tidy) == len(clean)
    assert tidy["amount"].sum() == pytest.approx((clean["Quantity"] * clean["UnitPrice"]).sum())
    assert tidy["customer_id"].nunique() == clean["CustomerID"].nunique()


def test_a_given_date_format_settles_the_ambiguity():
    raw = pd.DataFrame({"customer": ["a", "b"], "date": ["01/02/2024", "03/04/2024"], "amount": ["1", "2"]})
    guessed, guessed_report = standardise_orders(raw, guess_column_mapping(raw), return_report=True)
    assert guessed_report.day_month_ambiguous and guessed["ordered_at"].dt.month.tolist() == [2, 4]
    given, given_report = standardise_orders(raw, guess_column_mapping(raw), date_format="%m/%d/%Y", return_report=True)
    assert not given_report.day_month_ambiguous and given["ordered_at"].dt.month.tolist() == [1, 3]


def test_standardise_orders_old_attributes_work_for_one_release_with_a_warning():
    raw = pd.DataFrame({"customer": ["a", "b"], "date": ["2024-01-05", "2024-01-07"], "total": ["10", "4"]})
    orders, report = standardise_orders(raw, guess_column_mapping(raw), return_report=True)
    tidy = standardise_orders(raw, guess_column_mapping(raw))
    with pytest.warns(FutureWarning, match=r"standardise_orders now returns the tidy orders themselves"):
        pd.testing.assert_frame_equal(tidy.orders, orders)
    with pytest.warns(FutureWarning, match=r"return_report=True\)` and read report\.steps"):
        pd.testing.assert_frame_equal(tidy.report, report.steps)
    with pytest.warns(FutureWarning, match=r"report\.date_formats"):
        assert tidy.date_formats == report.date_formats == ("ISO8601",)
    with pytest.warns(FutureWarning, match=r"report\.day_month_ambiguous"):
        assert tidy.day_month_ambiguous is report.day_month_ambiguous is False


# ------------------------------------------------------------------ one test per guessing rule


def test_rule_given_columns_win_and_are_checked():
    data = pd.DataFrame({"Cliente": ["a"], "Comprador": ["b"], "Fecha": ["2024-01-05"], "Importe": ["3"]})
    mapping = guess_column_mapping(data, customer="Comprador")
    assert mapping.customer == "Comprador" and mapping.found_by["customer"] == "given"
    assert mapping.found_by["amount"] == "name"


def test_rule_by_name_takes_the_best_ranked_readable_column():
    # Both names announce an amount; "Total" ranks above "Revenue" but holds words, so "Revenue" is taken.
    data = pd.DataFrame(
        {"Customer": ["a", "b"], "Date": ["2024-01-05"] * 2, "Total": ["n/a", "?"], "Revenue": ["3", "4"]}
    )
    assert guess_column_mapping(data).amount == "Revenue"


def test_rule_a_column_plays_one_role():
    # "Pedido" is the order; it is not taken again for the customer even if nothing else fits.
    data = pd.DataFrame({"Nº pedido": ["1"], "Cliente": ["a"], "Fecha": ["2024-01-05"], "Monto": ["3"]})
    mapping = guess_column_mapping(data)
    assert (mapping.order, mapping.customer, mapping.amount) == ("Nº pedido", "Cliente", "Monto")
    assert len(set(mapping.columns().values())) == len(mapping.columns())


def test_rule_quantity_and_price_only_without_an_amount():
    data = pd.DataFrame({"Client": ["a"], "Date": ["2024-01-05"], "Cantidad": ["2"], "Precio": ["1,5"]})
    mapping = guess_column_mapping(data)
    assert (mapping.amount, mapping.quantity, mapping.price) == (None, "Cantidad", "Precio")
    with_amount = data.assign(Total=["3"])
    assert guess_column_mapping(with_amount).found_by["quantity"] == "not needed"


def test_rule_names_with_a_currency_still_match():
    for column in ("Importe (€)", "Total R$", "Valor [BRL]", "Amount USD"):
        data = pd.DataFrame({"Cliente": ["a"], "Fecha": ["2024-01-05"], column: ["3"]})
        assert guess_column_mapping(data).amount == column, column


def test_rule_status_is_optional():
    data = pd.DataFrame({"Cliente": ["a"], "Fecha": ["2024-01-05"], "Importe": ["3"], "Estado": ["pagado"]})
    assert guess_column_mapping(data).status == "Estado"
    assert guess_column_mapping(data.drop(columns="Estado")).found_by["status"] == "not found"


# ------------------------------------------------------------------ currencies, statuses, every row read


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("Importe (€)", ["14,95"], "€"),
        ("Total", ["14,95 €", "3,00 €"], "€"),
        ("Valor", ["R$ 14,95"], "R$"),
        ("Amount", ["$5.00"], "$"),
        ("Amount (GBP)", ["5.00"], "£"),
        ("Monto MXN", ["5.00"], "MXN"),
        ("Total", ["12.50", "3"], None),
    ],
)
def test_detect_currency_from_the_name_or_the_values(column, values, expected):
    data = pd.DataFrame({"Cliente": ["a"] * len(values), "Fecha": ["2024-01-05"] * len(values), column: values})
    assert detect_currency(data, guess_column_mapping(data)) == expected


def test_parse_numbers_reads_brazilian_and_peruvian_amounts():
    assert parse_numbers(pd.Series(["R$ 1.234,56", "S/ 12,50", "US$ 3,00"])).tolist() == [1234.56, 12.5, 3.0]


def test_statuses_partial_refunds_keep_the_sale():
    raw = pd.DataFrame(
        {
            "customer": ["a", "b", "c", "d", "e"],
            "date": ["2024-01-05"] * 5,
            "amount": ["5"] * 5,
            "status": ["partially_refunded", "reembolso parcial", "Cancelado", "devolvido", "pago"],
        }
    )
    lines = order_lines(raw, guess_column_mapping(raw)).lines
    assert lines["cancelled"].tolist() == [False, False, True, True, False]


def test_order_lines_keeps_every_row_and_its_input():
    raw = pd.DataFrame(
        {"customer": ["a", "a", None], "date": ["2024-01-05", "2024-01-05", "x"], "amount": ["1", "1", "-2"]}
    )
    before = raw.copy()
    lines = order_lines(raw, guess_column_mapping(raw)).lines
    pd.testing.assert_frame_equal(raw, before)
    assert list(lines.index) == [0, 1, 2]
    assert lines["duplicate"].tolist() == [False, True, False]
    assert lines["ordered_at"].isna().tolist() == [False, False, True]
    assert lines["amount"].tolist() == [1.0, 1.0, -2.0]


def test_one_cancellation_rule_for_both_cleanings():
    """clean_online_retail and standardise_orders drop exactly the lines cancellation_invoices names."""
    raw = load_online_retail_sample()
    rule = cancellation_invoices(raw["InvoiceNo"], raw["Quantity"] * raw["UnitPrice"])
    assert rule.sum() > 0 and rule.tolist() == raw["InvoiceNo"].str.fullmatch(r"C\d+").tolist()
    _, report = clean_online_retail(raw, return_report=True)
    kept_before = raw[~raw.duplicated() & raw["CustomerID"].notna()]
    assert report.set_index("step").at["cancellations", "rows_dropped"] == rule[kept_before.index].sum()
    text = read_orders_file(data_dir() / "online_retail_sample.csv").data
    lines = order_lines(text, guess_column_mapping(text)).lines
    assert lines["cancelled"].tolist() == rule.tolist()
