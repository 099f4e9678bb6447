"""Refunds netted, and a reconciliation a shop owner can check against their books.

The two exports of ``report_fixtures/shop_exports.py`` have their totals
worked out by hand below, row by row (row numbers count data rows from 1).
The vectorised rules of ``course_lib.refunds`` are also compared with a
second, row-by-row method (``report_fixtures/naive_netting.py``) on seeded
random tables and on the Online Retail sample.
"""

from __future__ import annotations

import csv
import hashlib
import io

import numpy as np
import pandas as pd
import pytest
from report_fixtures.naive_netting import naive_fates
from report_fixtures.shop_exports import write_retail_export, write_shop_export

from course_lib.column_mapping import guess_column_mapping, order_lines, read_orders_file
from course_lib.datasets import data_dir
from course_lib.refunds import net_refunds, purchases
from course_lib.report import RECONCILIATION_STEPS, build_report, reconcile


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ the Spanish shop export, by hand

# Every amount as written: 120 + 45.50 + 30 + 80 - 80 + 1,250 - 250 + 60 - 60 - 35 + 22.40 + 99.90
# + 75.25 + 40 (row 14, no date) + 0 (row 16) + 75.25 (row 17) + 18 = 1,491.30; row 15 has no amount.
SHOP_STEPS = {
    "file_total": (18, 1491.30),
    "refunded": (5, 99.90),  # rows 4+5 (80 - 80), 8+9 (60 - 60), 12 (cancelled, 99.90)
    "unmatched": (1, -35.00),  # row 10
    "guests": (2, 52.40),  # rows 3 (30) and 11 (22.40)
    "no_date_or_amount": (2, 40.00),  # row 14 (40, no date), row 15 (no amount)
    "other": (2, 75.25),  # row 16 (0) and row 17 (row 13 twice, 75.25)
    "analysed": (6, 1258.75),  # 120 + 45.50 + 1,250 - 250 + 75.25 + 18
}
SHOP_CUSTOMERS = {  # customer: (purchases, revenue, last purchase)
    "ana@correo.mx": (3, 120 + 1000 + 75.25, "2024-03-10"),  # order 1005 lowered to 1,000 by row 7
    "beto@correo.mx": (1, 45.50, "2024-01-05"),  # order 1006 refunded in full (row 9, no order number)
    "carla@correo.mx": (1, 18.00, "2024-03-25"),  # order 1004 refunded in full (row 5)
}

# Every amount as written: 15.30 + 20.34 + 11.10 + 54.08 + 17.00 - 15.30 - 11.10 - 8.50 + 9.90 + 35.40
# + 35.40 - 35.40 + 0 + 15.30 + 15.30 - 15.30 = 143.52.
RETAIL_STEPS = {
    "file_total": (16, 143.52),
    "refunded": (6, 0.0),  # rows 1+6, 3+7, 11+12: customer and amount, on or after the sale
    "unmatched": (2, -23.80),  # row 8 (-8.50, no sale of 8.50) and row 16 (-15.30, before any sale)
    "guests": (1, 9.90),  # row 9
    "no_date_or_amount": (0, 0.0),
    "other": (2, 15.30),  # row 13 (price 0), row 15 (row 14 twice)
    "analysed": (5, 142.12),  # 20.34 + 54.08 + 17.00 + 35.40 + 15.30
}
RETAIL_CUSTOMERS = {
    "17850": (1, 20.34, "2010-12-01"),  # invoice 536365 keeps its lantern line; 536366 is cancelled in full
    "13047": (3, 54.08 + 17.00 + 15.30, "2010-12-22"),
    "12583": (1, 35.40, "2010-12-08"),  # the cancellation of the 21st takes the sale of the 20th, the latest
}


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    results = {}
    for name, write in (("tienda.csv", write_shop_export), ("retail.csv", write_retail_export)):
        path = write(folder / name)
        before = sha256(path)
        result = build_report(path, folder / f"{path.stem}.html")
        results[name] = (result, before, sha256(path), folder)
    return results


@pytest.mark.parametrize(
    ("name", "steps", "customers"),
    [("tienda.csv", SHOP_STEPS, SHOP_CUSTOMERS), ("retail.csv", RETAIL_STEPS, RETAIL_CUSTOMERS)],
)
def test_reconciliation_matches_the_totals_worked_out_by_hand(exports, name, steps, customers):
    result, before, after, _ = exports[name]
    assert before == after, "the report changed its input file"
    table = result.reconciliation
    assert list(table.index) == list(steps)
    for step, (rows, money) in steps.items():
        assert table.at[step, "rows"] == rows, step
        assert table.at[step, "money"] == pytest.approx(money, abs=1e-9), step
    h = result.headline
    assert h["customers"] == len(customers)
    assert h["purchases"] == sum(purchases for purchases, _, _ in customers.values())
    assert h["revenue"] == pytest.approx(steps["analysed"][1])
    for customer, (purchases_made, revenue, last) in customers.items():
        row = result.customers.loc[customer]
        assert (row["frequency"], row["last_purchase"]) == (purchases_made, pd.Timestamp(last)), customer
        assert row["monetary"] == pytest.approx(revenue), customer


def test_the_shop_export_reads_as_spanish_with_euros(exports):
    result, *_ = exports["tienda.csv"]
    assert (result.language, result.currency) == ("es", "€")
    assert result.mapping.order == "Nº pedido" and result.mapping.status == "Estado"
    page = result.path.read_text(encoding="utf-8")
    assert '<html lang="es">' in page
    assert "1.491,30 €" in page and "1.258,75 €" in page  # the file's total, the revenue analysed
    assert "-250,00 €" in page  # the partial refund, named beside the revenue
    assert "no dice en qué moneda" not in page and "Dinero: en €." in page
    assert "¿Cuadra con tus cuentas?" in page and "Devoluciones sin una venta" in page
    for jargon in ("utf-8-sig", "%d/%m/%Y", "RFM", "cohort"):
        body = page.split("<details>")[0]
        assert jargon not in body, jargon


def test_the_retail_export_reads_as_english_without_currency(exports):
    result, *_ = exports["retail.csv"]
    assert (result.language, result.currency) == ("en", None)
    page = result.path.read_text(encoding="utf-8")
    assert "143.52" in page and "142.12" in page
    assert "names no currency" in page


def test_one_list_per_segment_beside_the_page_and_inside_it(exports):
    result, _, _, folder = exports["tienda.csv"]
    page = result.path.read_text(encoding="utf-8")
    assert set(result.segment_files) == set(result.customers["segment"])
    listed = 0
    for segment, path in result.segment_files.items():
        assert path.parent == folder and path.name.startswith("tienda-")
        content = path.read_bytes()
        assert content.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel shows the accents
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == ["cliente", "grupo", "última compra", "compras", "ingresos", "acción recomendada"]
        members = result.customers[result.customers["segment"] == segment]
        assert sorted(row[0] for row in rows[1:]) == sorted(members.index)
        listed += len(rows) - 1
        assert f'download="{path.name}"' in page  # the same list, downloadable from the page
    assert listed == result.headline["customers"]
    ana = [
        row
        for path in result.segment_files.values()
        for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")), delimiter=";")
        if row[0] == "ana@correo.mx"
    ]
    assert ana[0][2:5] == ["2024-03-10", "3", "1195,25"]  # last purchase, purchases, revenue with a decimal comma


def test_the_language_can_be_chosen_and_numbers_follow_it(tmp_path):
    path = write_shop_export(tmp_path / "tienda.csv")
    english = build_report(path, tmp_path / "en.html", lang="en")
    portuguese = build_report(path, tmp_path / "pt.html", lang="pt")
    assert "€1,491.30" in (tmp_path / "en.html").read_text(encoding="utf-8")
    page = (tmp_path / "pt.html").read_text(encoding="utf-8")
    assert "Bate com as suas contas?" in page and "1.491,30 €" in page
    assert english.headline == portuguese.headline
    with pytest.raises(ValueError, match="'lang' parameter"):
        build_report(path, tmp_path / "fr.html", lang="fr")


# ------------------------------------------------------------------ the netting rules, one by one


def lines_of(rows, columns=("customer_id", "order_id", "ordered_at", "amount")) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"], format="%Y-%m-%d")
    return frame


def test_net_refunds_leaves_its_input_alone_and_keeps_the_index():
    lines = lines_of([("a", "1", "2024-01-05", 30.0), ("a", "1", "2024-01-06", -30.0)]).set_axis([10, 20])
    before = lines.copy()
    netted = net_refunds(lines)
    pd.testing.assert_frame_equal(lines, before)
    assert list(netted.index) == [10, 20]
    assert netted["fate"].tolist() == ["refunded sale", "refund"]


def test_a_refund_of_another_customer_does_not_take_an_order_number():
    lines = lines_of([("a", "1", "2024-01-05", 30.0), ("b", "1", "2024-01-06", -30.0)])
    assert net_refunds(lines)["fate"].tolist() == ["sale", "unmatched refund"]


def test_a_refund_before_its_sale_is_matched_by_order_number_only():
    # Same order number: the file says which sale it is, whatever the dates.
    by_order = lines_of([("a", "1", "2024-01-05", 30.0), ("a", "1", "2024-01-01", -10.0)])
    assert net_refunds(by_order)["fate"].tolist() == ["sale", "refund netted"]
    assert net_refunds(by_order)["purchased_at"].tolist() == [pd.Timestamp("2024-01-05")] * 2
    # Without an order number, a refund dated before the sale cannot reverse it.
    by_customer = lines_of([("a", None, "2024-01-05", 30.0), ("a", None, "2024-01-01", -30.0)])
    assert net_refunds(by_customer)["fate"].tolist() == ["sale", "unmatched refund"]


def test_refunds_larger_than_the_order_leave_it_out():
    lines = lines_of([("a", "1", "2024-01-05", 30.0), ("a", "1", "2024-01-06", -20.0), ("a", "1", "2024-01-07", -15.0)])
    assert net_refunds(lines)["fate"].tolist() == ["refunded sale", "refund", "refund"]


def test_a_c_invoice_matches_its_order_without_the_c():
    lines = lines_of([("a", "536365", "2024-01-05", 30.0), ("a", "C536365", "2024-01-06", -12.0)])
    netted = net_refunds(lines)
    assert netted["fate"].tolist() == ["sale", "refund netted"]
    assert netted["purchase_order"].tolist() == ["536365", "536365"]


def test_a_cancelled_status_with_a_positive_amount_is_a_cancelled_sale():
    lines = lines_of([("a", "1", "2024-01-05", 30.0)]).assign(cancelled=[True])
    assert net_refunds(lines)["fate"].tolist() == ["cancelled"]
    assert net_refunds(lines, cancelled=None)["fate"].tolist() == ["sale"]


def test_purchases_are_the_counted_rows_of_known_customers():
    lines = lines_of([("a", "1", "2024-01-05", 30.0), ("a", "1", "2024-01-09", -5.0), (None, "2", "2024-01-06", 7.0)])
    table = purchases(net_refunds(lines))
    assert table.to_dict("list") == {
        "customer_id": ["a", "a"],
        "order_id": ["1", "1"],
        "purchased_at": [pd.Timestamp("2024-01-05")] * 2,
        "amount": [30.0, -5.0],
    }


def test_net_refunds_names_missing_values():
    lines = lines_of([("a", "1", None, 30.0)])
    with pytest.raises(ValueError, match="'ordered_at' of `lines` has 1 missing value"):
        net_refunds(lines)


def random_lines(seed: int) -> pd.DataFrame:
    """Small tables where matches are likely: few customers, few amounts, few days, some C invoices."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 40))
    order = rng.integers(1, 8, size).astype(str)
    c_invoice = rng.random(size) < 0.2
    order = np.where(c_invoice, np.char.add("C", order), order).astype(object)
    order[rng.random(size) < 0.15] = None
    customer = rng.choice(["a", "b", "c"], size).astype(object)
    customer[rng.random(size) < 0.1] = None
    amount = rng.choice([5.0, 10.0, 12.5, 20.0], size) * np.where(rng.random(size) < 0.35, -1, 1)
    amount[rng.random(size) < 0.05] = 0.0
    return pd.DataFrame(
        {
            "customer_id": customer,
            "order_id": order,
            "ordered_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 6, size), unit="D"),
            "amount": amount,
            "cancelled": rng.random(size) < 0.05,
        }
    )


@pytest.mark.parametrize("seed", range(200))
def test_net_refunds_agrees_with_the_row_by_row_method(seed):
    lines = random_lines(seed)
    assert net_refunds(lines)["fate"].tolist() == naive_fates(lines), lines
    assert net_refunds(lines, order=None)["fate"].tolist() == naive_fates(lines, use_orders=False)


def test_the_online_retail_sample_agrees_with_the_row_by_row_method():
    raw = read_orders_file(data_dir() / "online_retail_sample.csv").data
    lines = order_lines(raw, guess_column_mapping(raw)).lines
    readable = lines[lines["ordered_at"].notna() & lines["amount"].notna() & ~lines["duplicate"]]
    fates = net_refunds(readable)["fate"]
    assert fates.tolist() == naive_fates(readable)
    # The sample's cancellations copy earlier lines: most of them find their sale.
    assert (fates == "refund").sum() > 5 * (fates == "unmatched refund").sum() > 0


# ------------------------------------------------------------------ the steps add up on any table


@pytest.mark.parametrize("seed", range(50))
def test_the_steps_always_add_up_to_the_file_total(seed):
    lines = random_lines(seed)
    rng = np.random.default_rng(seed)
    lines["ordered_at"] = lines["ordered_at"].where(rng.random(len(lines)) > 0.1)
    lines["amount"] = lines["amount"].where(rng.random(len(lines)) > 0.1)
    lines["duplicate"] = rng.random(len(lines)) < 0.1
    rows = reconcile(lines)
    assert set(rows["step"]) <= set(RECONCILIATION_STEPS)
    assert rows["amount"].fillna(0).groupby(rows["step"]).sum().sum() == pytest.approx(lines["amount"].sum())
    assert len(rows) == len(lines)
