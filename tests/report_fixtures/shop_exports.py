"""Two small orders exports with refunds, written from code; their totals are worked out by hand in the tests.

``SHOP_EXPORT`` is a Spanish-language shop's export: semicolons, decimal
commas, dd/mm/yyyy dates, a byte-order mark, the currency in the money
column's name, a status column, guest orders, a refund matched by its order
number, a partial refund, a refund without an order number (matched by
customer and amount), a refund with no sale, a cancelled order, a row with
no date, a row with no amount, an amount of zero and a row exported twice.

``RETAIL_EXPORT`` is the same kinds of rows in the UCI Online Retail
convention: cancellation invoices ``C`` + digits with negative quantities,
month-first dates, ``17850.0`` customer ids.

``tests/test_report_reconciliation.py`` states, row by row, what each one
must become. Row numbers in the comments count data rows from 1.
"""

from __future__ import annotations

import codecs
from pathlib import Path

SHOP_EXPORT = (
    "Nº pedido;Cliente;Fecha;Importe (€);Estado\n"
    "1001;ana@correo.mx;03/01/2024;120,00;pagado\n"  # 1 sale
    "1002;beto@correo.mx;05/01/2024;45,50;pagado\n"  # 2 sale
    "1003;;06/01/2024;30,00;pagado\n"  # 3 guest
    "1004;carla@correo.mx;10/01/2024;80,00;pagado\n"  # 4 refunded in full by row 5
    "1004;carla@correo.mx;15/01/2024;-80,00;reembolsado\n"  # 5 refund, same order number
    "1005;ana@correo.mx;02/02/2024;1.250,00;pagado\n"  # 6 sale, lowered by row 7
    "1005;ana@correo.mx;09/02/2024;-250,00;reembolso parcial\n"  # 7 partial refund
    "1006;beto@correo.mx;14/02/2024;60,00;pagado\n"  # 8 refunded in full by row 9
    ";beto@correo.mx;20/02/2024;-60,00;devuelto\n"  # 9 refund without order number: customer and amount
    "1007;dani@correo.mx;01/03/2024;-35,00;reembolsado\n"  # 10 refund of an order not in the file
    "1008;;03/03/2024;22,40;pagado\n"  # 11 guest
    "1009;eva@correo.mx;05/03/2024;99,90;cancelado\n"  # 12 cancelled order
    "1010;ana@correo.mx;10/03/2024;75,25;pagado\n"  # 13 sale
    "1011;fer@correo.mx;;40,00;pagado\n"  # 14 no date
    "1012;fer@correo.mx;12/03/2024;;pagado\n"  # 15 no amount
    "1013;beto@correo.mx;20/03/2024;0,00;pagado\n"  # 16 amount of zero
    "1010;ana@correo.mx;10/03/2024;75,25;pagado\n"  # 17 row 13 exported twice
    "1014;carla@correo.mx;25/03/2024;18,00;pagado\n"  # 18 sale
)

RETAIL_EXPORT = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,MUG,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"  # 1 15.30, cancelled by row 6
    "536365,71053,LANTERN,6,12/1/2010 8:26,3.39,17850.0,United Kingdom\n"  # 2 20.34, its order stays
    "536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,17850.0,United Kingdom\n"  # 3 11.10, cancelled by row 7
    "536367,84879,BIRD,32,12/1/2010 8:34,1.69,13047.0,United Kingdom\n"  # 4 54.08
    "536368,22960,JAM SET,4,12/1/2010 8:34,4.25,13047.0,United Kingdom\n"  # 5 17.00
    "C536379,85123A,MUG,-6,12/2/2010 9:41,2.55,17850.0,United Kingdom\n"  # 6 -15.30
    "C536380,22633,HAND WARMER,-6,12/3/2010 10:00,1.85,17850.0,United Kingdom\n"  # 7 -11.10
    "C536381,22960,JAM SET,-2,12/3/2010 11:00,4.25,13047.0,United Kingdom\n"  # 8 -8.50, no sale of 8.50
    "536369,21730,LANTERN,2,12/5/2010 9:00,4.95,,United Kingdom\n"  # 9 guest 9.90
    "536370,22086,PAPER CHAIN,12,12/8/2010 9:00,2.95,12583.0,France\n"  # 10 35.40
    "536371,22086,PAPER CHAIN,12,12/20/2010 9:00,2.95,12583.0,France\n"  # 11 35.40, cancelled by row 12
    "C536372,22086,PAPER CHAIN,-12,12/21/2010 10:00,2.95,12583.0,France\n"  # 12 -35.40: the latest sale
    "536373,22633,HAND WARMER,6,12/22/2010 9:00,0,13047.0,United Kingdom\n"  # 13 price 0
    "536374,22752,SET 7,2,12/22/2010 9:30,7.65,13047.0,United Kingdom\n"  # 14 15.30
    "536374,22752,SET 7,2,12/22/2010 9:30,7.65,13047.0,United Kingdom\n"  # 15 row 14 twice
    "C536375,85123A,MUG,-6,11/30/2010 9:00,2.55,17850.0,United Kingdom\n"  # 16 -15.30, before any sale
)


def write_shop_export(path: Path) -> Path:
    """The shop export as Excel's "CSV UTF-8" writes it: a byte-order mark first."""
    path.write_bytes(codecs.BOM_UTF8 + SHOP_EXPORT.encode("utf-8"))
    return path


def write_retail_export(path: Path) -> Path:
    path.write_bytes(RETAIL_EXPORT.encode("utf-8"))
    return path
