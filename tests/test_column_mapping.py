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
from report_fixtures.shop_exports import write_retail_export, write_shop_export

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
from course_lib.refunds import shared_orders
from course_lib.report import build_report, reconcile
from course_lib.rfm import rfm_table


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
    # Steps: dup (row 1), date "??" (row 5), money -, C3 (-3.00) with the sale of 3.00 it cancels (rows 0, 3:
    # no order "3", so same customer and amount), cancelled -, unmatched -, qty 0 (row 6), guest (row 4), netted -.
    assert report.steps["rows_dropped"].tolist() == [0, 1, 1, 0, 2, 0, 0, 1, 1, 0]
    assert report.steps["rows_remaining"].tolist() == [7, 6, 5, 5, 3, 3, 3, 2, 1, 1]
    # Money: 3 + 3 + 4 - 3 + 3 + 2 + 0 = 12 in; 3 (dup) + 2 (no date) + 0 (3 - 3) + 0 + 3 (guest) + 4 kept.
    assert report.steps["money_dropped"].tolist() == pytest.approx([0, 3, 2, 0, 0, 0, 0, 0, 3, 0])
    assert report.steps["money_remaining"].tolist() == pytest.approx([12, 9, 7, 7, 7, 7, 7, 7, 4, 4])
    assert orders["customer_id"].tolist() == ["17850"]  # a spreadsheet's 17850.0, tidied
    assert orders["amount"].tolist() == [4.0]
    assert orders["order_id"].tolist() == ["2"]
    # Every day is 12 or less: 01/12/2010 could be 12 January too, and the report must say so.
    assert report.date_formats == ("%d/%m/%Y",) and report.day_month_ambiguous
    assert repr(report) == "CleaningReport(1 of 7 rows kept, dates read as ['%d/%m/%Y'])"
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


def test_standardise_orders_agrees_with_clean_online_retail_once_refunds_are_netted():
    """Second method: the UCI cleaning of course_lib.datasets drops the C invoices and keeps their sales.

    standardise_orders keeps a subset of its lines; per customer, the money between the two is the C
    invoices of that customer that found their sale (all of them less the unmatched ones, which stay out).
    """
    orders_file = read_orders_file(data_dir() / "online_retail_sample.csv")
    tidy, report = standardise_orders(orders_file.data, guess_column_mapping(orders_file.data), return_report=True)
    clean = clean_online_retail(load_online_retail_sample(), drop_non_products=False, return_report=False)
    clean = clean.assign(amount=clean["Quantity"] * clean["UnitPrice"], customer_id=clean["CustomerID"].astype(str))
    assert tidy["amount"].min() > 0  # in the sample every C invoice cancels whole lines: nothing partial
    key = ["order_id", "customer_id", "amount"]
    tidy_keys = tidy[key].round(2).value_counts()
    clean_keys = clean.rename(columns={"InvoiceNo": "order_id"})[key].round(2).value_counts()
    assert (tidy_keys <= clean_keys.reindex(tidy_keys.index, fill_value=0)).all()  # every tidy line is a clean one
    raw = load_online_retail_sample()
    cancellations = raw[raw["InvoiceNo"].str.startswith("C") & raw["CustomerID"].notna() & ~raw.duplicated()]
    cancelled_money = (cancellations["Quantity"] * cancellations["UnitPrice"]).sum()
    unmatched = report.steps.set_index("step").loc["unmatched refund"]
    # One unmatched refund is a guest's: A536669, a bad-debt adjustment of -11,062.06, in no customer's spend.
    guest_adjustment = (
        raw.loc[raw["InvoiceNo"] == "A536669", "Quantity"] * raw.loc[raw["InvoiceNo"] == "A536669", "UnitPrice"]
    )
    assert raw.loc[raw["InvoiceNo"] == "A536669", "CustomerID"].isna().all()
    assert guest_adjustment.sum() == pytest.approx(-11062.06)
    assert unmatched["rows_dropped"] == 8 and len(tidy) < len(clean)
    unmatched_of_customers = unmatched["money_dropped"] - guest_adjustment.sum()
    assert tidy["amount"].sum() == pytest.approx(clean["amount"].sum() + cancelled_money - unmatched_of_customers)
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


# ------------------------------------------------------------------ refunds netted, as in the report


def test_standardise_orders_nets_refunds_by_hand():
    """The four kinds of refund, worked out by hand; the money reconciles to the input's total."""
    raw = pd.DataFrame(
        {
            "Order": ["10", "10", "11", "11", "12", None, "13", None, "14", "C14"],
            "Customer": ["ana", "ana", "ana", "ana", "ben", "ben", "ben", "eva", "eva", "eva"],
            "Date": [
                "2024-01-05",  # sale of 50 ...
                "2024-01-08",  # ... of which 20 refunded, same order id: netted, stays in order 10
                "2024-01-06",  # sale of 30 ...
                "2024-01-09",  # ... refunded in full, same order id: both out
                "2024-01-07",  # sale of 25 ...
                "2024-01-12",  # ... refunded without an order id: same customer and amount, both out
                "2024-01-15",  # sale of 40, stands
                "2024-01-16",  # a refund of 15 with no sale in the file: out, on its own
                "2024-01-18",  # sale of 12 ...
                "2024-01-20",  # ... cancelled by invoice C14 (Online Retail's convention): both out
            ],
            "Amount": ["50", "-20", "30", "-30", "25", "-25", "40", "-15", "12", "-12"],
        }
    )
    before = raw.copy()
    orders, report = standardise_orders(raw, guess_column_mapping(raw), return_report=True)
    pd.testing.assert_frame_equal(raw, before)
    assert orders["customer_id"].tolist() == ["ana", "ana", "ben"]
    assert orders["order_id"].tolist() == ["10", "10", "13"]
    assert orders["amount"].tolist() == [50.0, -20.0, 40.0]
    # The refund takes its sale's date: refunding never makes a customer look more recent.
    assert orders["ordered_at"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-01-05", "2024-01-15"]
    steps = report.steps.set_index("step")
    assert steps.at["input", "money_remaining"] == pytest.approx(55.0)  # 50 - 20 + 30 - 30 + ... + 12 - 12
    assert steps.loc["refunded in full", ["rows_dropped", "money_dropped"]].tolist() == [6, pytest.approx(0.0)]
    assert steps.loc["unmatched refund", ["rows_dropped", "money_dropped"]].tolist() == [1, pytest.approx(-15.0)]
    assert steps.loc["partial refunds netted", ["rows_dropped", "rows_netted", "money_netted"]].tolist() == [
        0,
        1,
        pytest.approx(-20.0),
    ]
    assert steps["rows_netted"].sum() == 1 and steps["money_netted"].sum() == pytest.approx(-20.0)
    assert steps["rows_dropped"].sum() + len(orders) == len(raw)
    assert steps["money_dropped"].sum() + orders["amount"].sum() == pytest.approx(55.0)
    assert orders["amount"].sum() == pytest.approx(70.0)  # 50 - 20 + 40


def test_standardise_orders_without_order_ids_matches_by_customer_and_amount():
    raw = pd.DataFrame(
        {
            "customer": ["a", "a", "a", "b"],
            "date": ["2024-01-05", "2024-01-06", "2024-01-09", "2024-01-10"],
            "total": ["20", "20", "-20", "-5"],
        }
    )
    orders, report = standardise_orders(raw, guess_column_mapping(raw), return_report=True)
    # The refund takes the latest sale of its customer and amount (the 6th), not the first.
    assert orders["ordered_at"].dt.day.tolist() == [5] and "order_id" not in orders.columns
    steps = report.steps.set_index("step")
    assert steps.at["refunded in full", "rows_dropped"] == 2 and steps.at["unmatched refund", "rows_dropped"] == 1


# Each step's (rows dropped, money dropped) for the two exports of tests/report_fixtures, worked out by hand from
# their row comments; the totals are those of tests/test_report_reconciliation.py.
SHOP_CLEANING = {
    "input": (0, 0.0),  # 18 rows, 1,491.30
    "exact duplicates": (1, 75.25),  # row 17
    "unreadable date": (1, 40.00),  # row 14
    "unreadable money": (1, 0.0),  # row 15
    "refunded in full": (4, 0.0),  # rows 4+5 (order 1004), 8+9 (beto, 60, no order number)
    "cancelled": (1, 99.90),  # row 12
    "unmatched refund": (1, -35.00),  # row 10
    "zero money": (1, 0.0),  # row 16
    "missing customer": (2, 52.40),  # rows 3 and 11
    "partial refunds netted": (0, 0.0),  # row 7 (-250) stays in order 1005
}
RETAIL_CLEANING = {
    "input": (0, 0.0),  # 16 rows, 143.52
    "exact duplicates": (1, 15.30),  # row 15
    "unreadable date": (0, 0.0),
    "unreadable money": (0, 0.0),
    "refunded in full": (6, 0.0),  # rows 1+6, 3+7, 11+12
    "cancelled": (0, 0.0),
    "unmatched refund": (2, -23.80),  # rows 8 and 16
    "zero money": (1, 0.0),  # row 13
    "missing customer": (1, 9.90),  # row 9
    "partial refunds netted": (0, 0.0),
}


@pytest.mark.parametrize(
    ("write", "cleaning", "total", "netted", "revenue"),
    [
        (write_shop_export, SHOP_CLEANING, 1491.30, (1, -250.0), 1258.75),
        (write_retail_export, RETAIL_CLEANING, 143.52, (0, 0.0), 142.12),
    ],
)
def test_the_cleaning_report_reconciles_the_report_fixtures_by_hand(tmp_path, write, cleaning, total, netted, revenue):
    orders_file = read_orders_file(write(tmp_path / "orders.csv"))
    mapping = guess_column_mapping(orders_file.data, decimal=orders_file.decimal)
    orders, report = standardise_orders(orders_file.data, mapping, decimal=orders_file.decimal, return_report=True)
    steps = report.steps.set_index("step")
    assert list(steps.index) == list(cleaning)
    for step, (rows, money) in cleaning.items():
        assert steps.at[step, "rows_dropped"] == rows, step
        assert steps.at[step, "money_dropped"] == pytest.approx(money, abs=1e-9), step
    assert steps.at["input", "money_remaining"] == pytest.approx(total)
    assert (steps["rows_netted"].sum(), steps["money_netted"].sum()) == (netted[0], pytest.approx(netted[1]))
    assert orders["amount"].sum() == pytest.approx(revenue)
    assert steps["money_dropped"].sum() + orders["amount"].sum() == pytest.approx(total)
    # Each step's remaining money is the previous one's less what it dropped.
    assert np.allclose(steps["money_remaining"].diff().iloc[1:], -steps["money_dropped"].iloc[1:])


@pytest.mark.parametrize("file", ["online_retail_sample.csv", "shop", "retail"])
def test_lesson_08_and_the_report_give_the_same_revenue(tmp_path, file):
    """Lesson 08's way (standardise_orders, then rfm_table by order) and the one-command report, on one file."""
    writers = {"shop": write_shop_export, "retail": write_retail_export}
    path = writers[file](tmp_path / f"{file}.csv") if file in writers else data_dir() / file
    content = path.read_bytes()
    orders_file = read_orders_file(path)
    mapping = guess_column_mapping(orders_file.data, decimal=orders_file.decimal, name=orders_file.name)
    orders = standardise_orders(orders_file.data, mapping, decimal=orders_file.decimal, return_report=False)
    table = rfm_table(orders, order="order_id")
    result = build_report(path, tmp_path / "report.html")
    assert path.read_bytes() == content
    assert table["monetary"].sum() == pytest.approx(result.headline["revenue"])
    assert orders["amount"].sum() == pytest.approx(result.reconciliation.at["analysed", "money"])
    assert len(table) == result.headline["customers"]
    assert table["frequency"].sum() == result.headline["purchases"]
    report_spend = result.customers["monetary"]
    assert np.allclose(table["monetary"].reindex(report_spend.index), report_spend)


def random_export(seed: int) -> pd.DataFrame:
    """A small export as text, where refunds often find a sale: few customers, amounts, days; C invoices."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(2, 40))
    negative = rng.random(size) < 0.35
    c_invoice = negative & (rng.random(size) < 0.5)
    missing_order = rng.random(size) < 0.15
    who = rng.choice(4, size, p=[0.3, 0.3, 0.3, 0.1])  # 3 is a guest
    # Order numbers 1-3 are a's, 4-6 b's, 7-9 c's, 10-12 guests': an order has one customer, as in a real shop.
    numbers = 3 * who + rng.integers(1, 4, size)
    ids = [
        None if missing else f"C{number}" if is_c else str(number)
        for number, is_c, missing in zip(numbers, c_invoice, missing_order, strict=True)
    ]
    amount = rng.choice([5.0, 10.0, 12.5, 20.0], size) * np.where(negative, -1, 1)
    amount[rng.random(size) < 0.05] = 0.0
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 6, size), unit="D")
    text = pd.DataFrame(
        {
            "Order": ids,
            "Customer": np.array(["a", "b", "c", None], dtype=object)[who],
            "Date": days.strftime("%Y-%m-%d"),
            "Amount": [f"{value:.2f}" for value in amount],
            "Status": rng.choice(["paid", "paid", "paid", "cancelled"], size),
        }
    )
    text.loc[rng.random(size) < 0.1, "Date"] = "unknown"
    text.loc[rng.random(size) < 0.1, "Amount"] = "n/a"
    if rng.random() < 0.3:
        text = pd.concat([text, text.sample(3, replace=True, random_state=seed)], ignore_index=True)
    return text


@pytest.mark.parametrize("seed", range(60))
def test_standardise_orders_keeps_what_the_report_analyses_and_reconciles(seed):
    """On any table: the same purchases and money as the report's reconciliation, and every cent accounted for."""
    raw = random_export(seed)
    before = raw.copy()
    mapping = ColumnMapping(customer="Customer", date="Date", amount="Amount", order="Order", status="Status")
    lines = order_lines(raw, mapping).lines
    trust = not len(shared_orders(lines))
    rows = reconcile(lines, trust_orders=trust)
    analysed = rows["step"] == "analysed"
    total = lines["amount"].fillna(0).sum()
    try:
        orders, report = standardise_orders(raw, mapping, return_report=True)
    except ValueError as error:
        assert not analysed.any() and "No purchase is left" in str(error)
        return
    pd.testing.assert_frame_equal(raw, before)
    assert len(orders) == analysed.sum()
    assert orders["amount"].sum() == pytest.approx(rows.loc[analysed, "amount"].sum())
    steps = report.steps
    assert steps.at[0, "money_remaining"] == pytest.approx(total)
    assert steps["money_dropped"].sum() + orders["amount"].sum() == pytest.approx(total)
    assert steps["rows_dropped"].sum() + len(orders) == len(raw)
    assert steps["rows_netted"].sum() == (rows.loc[analysed, "fate"] == "refund netted").sum()


def test_standardise_orders_nets_the_same_whatever_the_index():
    raw = pd.DataFrame(
        {
            "Order": ["1", "1", "2", "2"],
            "Customer": ["a", "a", "b", "b"],
            "Date": ["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-04"],
            "Amount": ["10", "-4", "5", "-5"],
        }
    )
    expected = standardise_orders(raw, guess_column_mapping(raw))
    assert expected["amount"].tolist() == [10.0, -4.0]  # order 1 lowered to 6; order 2 refunded in full
    for index in ([7, 7, 3, 3], ["w", "x", "y", "z"]):
        shifted = raw.set_axis(index)
        pd.testing.assert_frame_equal(
            standardise_orders(shifted, guess_column_mapping(shifted)), expected, check_frame_type=False
        )
