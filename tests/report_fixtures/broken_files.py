"""A folder of deliberately broken orders files, written from code so the repository stays small.

Each :class:`BrokenFile` says what is wrong with it and what the report must
do: write a useful report (``error`` is None), or stop with a ``ValueError``
whose message contains ``error``. ``tests/test_report.py`` runs the report on
every one of them; :func:`write_all` writes the folder for a look by hand::

    from report_fixtures.broken_files import write_all   # with tests/ on sys.path
    write_all("broken")
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class BrokenFile:
    name: str
    what: str
    write: Callable[[Path], None]
    error: str | None = None
    expected: dict | None = None  # headline numbers checked by hand, for files that give a report
    overrides: dict | None = None  # columns named by hand, as with --amount COLUMN


def _text(content: str, *, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


def _excel(path: Path) -> None:
    frame = pd.DataFrame(
        {
            "Order ID": ["A-1", "A-2", "A-3", "A-4"],
            "Customer": ["Ana Ortiz", "Ben Kim", "Ana Ortiz", "Chloé Dubois"],
            "Order Date": pd.to_datetime(
                ["2024-02-01 12:30", "2024-02-03 19:00", "2024-03-15 12:10", "2024-04-02 20:45"],
                format="%Y-%m-%d %H:%M",
            ),
            "Total": [23.5, 41.0, 18.25, 30.0],
        }
    )
    frame.to_excel(path, index=False, sheet_name="Orders", engine="openpyxl")


def _garbage(path: Path) -> None:
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes())


def _utf16_tab(path: Path) -> None:
    content = "Kunde\tDatum\tBetrag\nAnna\t01.03.2024\t12,50\nBernd\t02.03.2024\t7,00\nAnna\t20.03.2024\t3,50\n"
    path.write_bytes(codecs.BOM_UTF16_LE + content.encode("utf-16-le"))


UCI_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"

BROKEN_FILES: tuple[BrokenFile, ...] = (
    BrokenFile(
        "semicolons_decimal_commas.csv",
        "a European spreadsheet: ';' separators, decimal commas, thousands dots, euro signs, day.month.year",
        _text("Kunde;Datum;Betrag\nana;01.03.2024;12,50 €\nben;05.03.2024;1.020,00 €\nana;20.04.2024;7,50 €\n"),
        expected={"customers": 2, "purchases": 3, "revenue": 1040.0},
    ),
    BrokenFile(
        "dates_month_first.csv",
        "US dates (month/day/year, no zero padding, a 12-hour clock is not used), detected from a day above 12",
        _text("customer,date,amount\n1,3/1/2024 8:26,10\n2,3/15/2024 14:05,20\n1,4/2/2024 9:00,30\n"),
        expected={"customers": 2, "purchases": 3, "revenue": 60.0, "first_day": "2024-03-01", "last_day": "2024-04-02"},
    ),
    BrokenFile(
        "dates_mixed_formats.csv",
        "the date format changed half-way through the export (ISO, then day/month/year)",
        _text("customer,date,amount\na,2024-01-05,10\nb,2024-01-20 18:30,10\na,03/02/2024,10\nb,25/02/2024,10\n"),
        expected={"customers": 2, "purchases": 4, "revenue": 40.0, "first_day": "2024-01-05", "last_day": "2024-02-25"},
    ),
    BrokenFile(
        "dates_ambiguous.csv",
        "every date reads both day-first and month-first: read day-first, and the report says so",
        _text("customer,date,amount\na,01/02/2024,10\nb,03/04/2024,10\na,05/06/2024,10\n"),
        expected={"customers": 2, "first_day": "2024-02-01", "last_day": "2024-06-05", "ambiguous": True},
    ),
    BrokenFile(
        "byte_order_mark.csv",
        "Excel's 'CSV UTF-8': a byte-order mark before the first column name",
        lambda path: path.write_bytes(
            codecs.BOM_UTF8 + b"Customer ID,Order Date,Total\n7,2024-05-01,9.90\n8,2024-05-02,19.90\n"
        ),
        expected={"customers": 2, "purchases": 2, "revenue": 29.8},
    ),
    BrokenFile(
        "excel_workbook.xlsx",
        "an Excel workbook with real dates and numbers, and a sheet that is not called Sheet1",
        _excel,
        expected={"customers": 3, "purchases": 4, "revenue": 112.75},
    ),
    BrokenFile(
        "latin1_windows.csv",
        "a Windows-1252 file (accents, a euro sign) that is not valid UTF-8",
        _text("client,date,montant\nMüller,2024-01-02,€5\nRenée,2024-01-03,€7\n", encoding="cp1252"),
        expected={"customers": 2, "revenue": 12.0},
    ),
    BrokenFile(
        "unicode_text_tab.txt",
        "Excel's 'Unicode text': UTF-16 with a byte-order mark, separated by tabs",
        _utf16_tab,
        expected={"customers": 2, "purchases": 3, "revenue": 23.0},
    ),
    BrokenFile(
        "non_numeric_prices.csv",
        "some prices are words ('N/A', 'free') or carry a currency sign: the words are dropped and counted;"
        " every day is 12 or less, so the report says day and month could not be told apart",
        _text(
            UCI_HEADER
            + "".join(
                [
                    "536365,85123A,MUG,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n",
                    "536366,71053,LANTERN,2,12/1/2010 8:28,N/A,17850.0,United Kingdom\n",
                    "536367,84406B,CREAM CUPID,1,12/2/2010 9:00,free,13047.0,United Kingdom\n",
                    "536368,84029G,FLAG,4,12/3/2010 10:00,1.25,13047.0,United Kingdom\n",
                    "536369,22752,SET 7,3,12/3/2010 11:00,£7.65,13047.0,United Kingdom\n",
                ]
            )
        ),
        expected={
            "customers": 2,
            "purchases": 3,
            "revenue": 6 * 2.55 + 4 * 1.25 + 3 * 7.65,
            "no date or amount": 2,
            "ambiguous": True,
        },
    ),
    BrokenFile(
        "script_customer.csv",
        "HTML in the data: a customer called <script>..., a column name with a tag (named by hand)",
        _text("customer,date,<b>amount</b>\n\"<script>alert('x')</script>\",2024-01-05,50\nbob & co,2024-01-06,5\n"),
        expected={"customers": 2, "revenue": 55.0},
        overrides={"amount": "<b>amount</b>"},
    ),
    BrokenFile(
        "title_above_header.csv",
        "the shop system writes a title and the export date above the table, then a blank line",
        _text(
            "Orders export;;\nCreated 2024-06-30 08:00;;\n\nClient;Date;Total\nana;2024-06-01;10,00\nben;2024-06-02;5,50\n"
        ),
        expected={"customers": 2, "purchases": 2, "revenue": 15.5},
    ),
    BrokenFile(
        "no_customer_column.csv",
        "no column says who bought",
        _text("Date,Product,Total\n2024-01-05,Soup,4.50\n2024-01-06,Bowl,9.00\n"),
        error="no column that looks like a customer",
    ),
    BrokenFile("empty.csv", "zero bytes", _text(""), error="is empty"),
    BrokenFile("blank_lines.csv", "only blank lines", _text("\n\n  \n"), error="is empty"),
    BrokenFile(
        "only_a_byte_order_mark.csv",
        "Excel's empty 'CSV UTF-8': three invisible bytes",
        lambda path: path.write_bytes(codecs.BOM_UTF8),
        error="is empty",
    ),
    BrokenFile(
        "empty_sheet.xlsx",
        "a workbook whose first sheet is empty",
        lambda path: pd.DataFrame().to_excel(path, index=False, engine="openpyxl"),
        error="first sheet",
    ),
    BrokenFile(
        "header_only.csv",
        "a header and no rows",
        _text("customer,date,amount\n"),
        error="but no rows",
    ),
    BrokenFile(
        "all_cancellations.csv",
        "every invoice is a cancellation (C and digits, negative quantities)",
        _text(
            UCI_HEADER
            + "".join(
                f"C53637{i},22633,HAND WARMER,-{i + 1},12/1/2010 9:0{i},1.85,1485{i}.0,United Kingdom\n"
                for i in range(4)
            )
        ),
        error="No purchase is left",
    ),
    BrokenFile(
        "binary_garbage.csv",
        "random bytes with a .csv name",
        _garbage,
        error="not a text table",
    ),
    BrokenFile(
        "old_excel.xls",
        "an Excel 97-2003 workbook",
        lambda path: path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        error="old Excel workbook",
    ),
    BrokenFile(
        "fake_workbook.xlsx",
        "a zip archive that is no workbook",
        lambda path: path.write_bytes(b"PK\x03\x04" + bytes(60)),
        error="cannot be opened as an Excel workbook",
    ),
    BrokenFile(
        "ragged_rows.csv",
        "a row with more cells than the header (an unquoted comma inside a name)",
        _text("customer,date,amount\nAna,2024-01-05,10\n" + "Smith, John,2024-01-06,12\n" * 1 + "Bo,2024-01-07,3\n"),
        error="different numbers of cells",
    ),
    BrokenFile(
        "ragged_row_late.csv",
        "a row far down the file has more cells than the header",
        _text("customer,date,amount\n" + "Ana,2024-01-05,10\n" * 40 + "Smith, John,2024-01-06,12\n"),
        error="more cells than the header",
    ),
    BrokenFile(
        "single_column.csv",
        "no separator at all",
        _text("orders\n12\n15\n"),
        error="single column",
    ),
    BrokenFile(
        "repeated_column_names.csv",
        "two columns with the same name",
        _text("customer,date,amount,amount\na,2024-01-05,1,2\n"),
        error="several columns named",
    ),
    BrokenFile(
        "no_dates.csv",
        "the date column holds words",
        _text("customer,when,amount\na,soon,10\nb,later,12\n"),
        error="no column that reads as dates",
    ),
)


def write_all(folder: str | Path) -> list[Path]:
    """Write every broken file into `folder` (created if needed); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for broken in BROKEN_FILES:
        path = folder / broken.name
        broken.write(path)
        paths.append(path)
    return paths
