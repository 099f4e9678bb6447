"""Read your own orders export: open a messy file, guess which column is which, tidy the orders.

Real exports are messy. A spreadsheet in Germany writes ``12,50`` for twelve
and a half and separates columns with ``;``; Excel adds an invisible mark (a
byte-order mark) at the start of a "UTF-8" CSV; one shop writes dates
``2024-03-01``, another ``01/03/2024``, the UCI Online Retail copy
``3/1/2011 8:26``. This module is the kit's one path from such a file to the
tidy orders every analysis of the course takes:

1. :func:`read_orders_file` opens a CSV (any common separator and encoding)
   or an Excel ``.xlsx`` file, as text, without changing it, and says clearly
   what is wrong with a file it cannot read;
2. :func:`guess_column_mapping` finds the columns that hold the customer, the
   date, the money (an amount, or a quantity and a unit price), the order id
   and a status, from their names (in several languages) and their content;
   any guess can be overridden, and :meth:`ColumnMapping.describe` shows how
   each column was found;
3. :func:`standardise_orders` turns the mapped columns into the course's
   names and types (``customer_id``, ``ordered_at``, ``amount``,
   ``order_id``), nets refunds and cancellations against the sales they
   reverse (:mod:`course_lib.refunds`, as the one-command report does) and
   drops the rows an RFM analysis must not count, with a report of how many
   rows and how much money each step took, down to the input's total.

:func:`parse_numbers` and :func:`parse_dates` do the reading of one column
and can be used on their own.

Examples
--------
>>> raw = pd.DataFrame({
...     "Client": ["ana", "ben", "ana"],
...     "Datum": ["01.03.2024", "15.03.2024", "02.04.2024"],
...     "Betrag": ["12,50", "8,00", "1.020,00"],
... })
>>> mapping = guess_column_mapping(raw)
>>> mapping
ColumnMapping(customer='Client', date='Datum', amount='Betrag')
>>> standardise_orders(raw, mapping)
  customer_id ordered_at  amount
0         ana 2024-03-01    12.5
1         ben 2024-03-15     8.0
2         ana 2024-04-02  1020.0
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineError

from course_lib.datasets.online_retail import cancellation_invoices
from course_lib.refunds import COUNTED, net_refunds, shared_orders
from course_lib.validation import (
    require_columns,
    require_dataframe,
    require_non_empty,
    return_flag,
    sample_of,
    with_old_attributes,
)

__all__ = [
    "CANCELLED_STATUS",
    "CURRENCIES",
    "DATE_FORMATS",
    "ROLES",
    "ColumnMapping",
    "OrdersFile",
    "OrderLines",
    "CleaningReport",
    "detect_currency",
    "guess_column_mapping",
    "order_lines",
    "parse_dates",
    "parse_numbers",
    "read_orders_file",
    "standardise_orders",
]

#: The roles a column can play, and what each means. ``customer`` and ``date``
#: are required, and the money as ``amount`` or as ``quantity`` x ``price``.
ROLES: Mapping[str, str] = {
    "customer": "who bought: a customer id, e-mail or name",
    "date": "when the order was placed",
    "amount": "money of the row (line or order total)",
    "quantity": "units on the row (amount = quantity x price)",
    "price": "price of one unit (amount = quantity x price)",
    "order": "order or invoice id, shared by the lines of one order",
    "status": "order status (cancelled and refunded rows are netted against their sale or left out)",
}

#: Column names that announce each role, written lower-case without spaces,
#: dots, dashes or underscores; earlier names win when several columns match.
#: English first, then German, Spanish, French, Portuguese, Italian, Dutch.
NAME_HINTS: Mapping[str, tuple[str, ...]] = {
    "customer": (
        "customerid",
        "customerno",
        "customernumber",
        "customercode",
        "clientid",
        "clientno",
        "clientnumber",
        "userid",
        "accountid",
        "memberid",
        "buyerid",
        "shopperid",
        "contactid",
        "customer",
        "client",
        "buyer",
        "customeremail",
        "email",
        "emailaddress",
        "customername",
        "clientname",
        "buyername",
        "name",
        "kundennummer",
        "kundenid",
        "kundennr",
        "kunde",
        "idcliente",
        "clienteid",
        "cliente",
        "nombrecliente",
        "nomecliente",
        "comprador",
        "correo",
        "correoelectronico",
        "numeroclient",
        "klant",
        "klantnummer",
    ),
    "date": (
        "invoicedate",
        "orderdate",
        "orderedat",
        "purchasedate",
        "transactiondate",
        "saledate",
        "paidat",
        "createdat",
        "orderdatetime",
        "date",
        "datetime",
        "timestamp",
        "created",
        "time",
        "day",
        "bestelldatum",
        "rechnungsdatum",
        "datum",
        "fechapedido",
        "fechadepedido",
        "fechadelpedido",
        "fechadecompra",
        "fechadeventa",
        "fechafactura",
        "fecha",
        "datadopedido",
        "datadacompra",
        "datadavenda",
        "datecommande",
        "data",
        "datum",
    ),
    "amount": (
        "amount",
        "totalamount",
        "ordertotal",
        "linetotal",
        "totalprice",
        "total",
        "netamount",
        "grossamount",
        "revenue",
        "sales",
        "salesamount",
        "value",
        "ordervalue",
        "subtotal",
        "grandtotal",
        "spend",
        "paid",
        "betrag",
        "umsatz",
        "gesamtbetrag",
        "importe",
        "importetotal",
        "monto",
        "montototal",
        "totalpedido",
        "valordopedido",
        "montant",
        "montanttotal",
        "valor",
        "valortotal",
        "importo",
        "bedrag",
    ),
    "quantity": (
        "quantity",
        "qty",
        "units",
        "quantityordered",
        "itemcount",
        "pieces",
        "menge",
        "anzahl",
        "cantidad",
        "quantite",
        "quantidade",
        "quantita",
        "aantal",
    ),
    "price": (
        "unitprice",
        "priceeach",
        "itemprice",
        "priceperunit",
        "unitcost",
        "price",
        "preis",
        "einzelpreis",
        "precio",
        "preciounitario",
        "prix",
        "prixunitaire",
        "preco",
        "prezzo",
        "prijs",
    ),
    "order": (
        "invoiceno",
        "invoicenumber",
        "invoiceid",
        "invoice",
        "orderid",
        "orderno",
        "ordernumber",
        "order",
        "transactionid",
        "transaction",
        "receiptno",
        "receiptid",
        "receipt",
        "basketid",
        "checkoutid",
        "bestellnummer",
        "rechnungsnummer",
        "auftragsnummer",
        "pedido",
        "numeropedido",
        "numerodepedido",
        "numerodopedido",
        "idpedido",
        "factura",
        "commande",
        "numerocommande",
        "bestelling",
    ),
    "status": (
        "orderstatus",
        "status",
        "state",
        "paymentstatus",
        "financialstatus",
        "estado",
        "estadodelpedido",
        "situacion",
        "situacao",
        "statut",
    ),
}

#: Status words (lower-case, matched inside the status) of rows that were not a
#: sale that stuck: cancelled, refunded, returned, voided, failed.
CANCELLED_STATUS = (
    "cancel",
    "refund",
    "return",
    "void",
    "fail",
    "reject",
    "storn",
    "zurück",
    "anul",
    "devol",
    "devuel",
    "reembols",
    "estorn",
    "rechaz",
    "recusad",
    "fallid",
    "falhou",
    "rembours",
    "annul",
)
#: Status words that mean only part of the order was refunded: the sale stands (no row is left out).
PARTIAL_STATUS = ("partial", "parcial")

#: Date formats tried on text dates, most common first. Day-first formats come
#: before month-first ones: when every date fits both, day-first is assumed
#: (and :func:`parse_dates` reports the ambiguity).
DATE_FORMATS = (
    "ISO8601",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
    "%d.%m.%y",
    "%Y%m%d",
)

#: Share of the sampled values a column must read as dates (or numbers) to be
#: taken for a date (or money) column: less when its name says what it is, more
#: when only its content does.
READABLE_SHARE = {"name": 0.5, "content": 0.8}
#: Values looked at when guessing (the whole column is parsed afterwards).
SAMPLE_SIZE = 2_000
#: The separators a CSV file may use, tried in this order.
SEPARATORS = (",", ";", "\t", "|")
#: Lines above the header that are skipped (a title, the export's date, ...).
MAX_PREAMBLE_LINES = 5


def _per_distinct_value(values: pd.Series, convert) -> pd.Series:
    """Apply `convert` (a Series -> Series function) once per distinct value, then spread back.

    Exports repeat values a lot (a date per line of an order, a few thousand
    customers over half a million lines): converting each distinct value once
    is many times faster than converting every row.
    """
    codes, distinct = pd.factorize(values)
    # A missing value goes last, where factorize's code -1 for missing points.
    distinct = pd.Series([*distinct, None], dtype=values.dtype)
    return convert(distinct).take(codes).set_axis(values.index)


# Starts of files that are not text tables, and what to do about them.
_NOT_A_TABLE = {
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls). Open it in a spreadsheet and save it as .xlsx or .csv",
    b"%PDF": "a PDF document, not a table. Export the orders from your shop system as CSV or Excel",
    b"\x1f\x8b": "a compressed (gzip) file. Decompress it first",
    b"PAR1": "a Parquet file. Save it as CSV, for example with pandas: pd.read_parquet(path).to_csv(...)",
    b"SQLite format 3": "an SQLite database. Export the orders table as CSV",
}
_ZIP_START = b"PK\x03\x04"


# --------------------------------------------------------------------------------------
# Reading a file
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrdersFile:
    """A file read as a table, and how it was read.

    Attributes
    ----------
    data : DataFrame
        Every column as text (``str``; missing cells NaN), except the cells an
        Excel file stores as numbers or dates, which keep that type.
    name : str
        The file's name (not its folder), for messages and reports.
    kind : {"csv", "xlsx"}
        How the file was read.
    encoding : str or None
        The text encoding of a CSV file ("utf-8", "utf-8-sig" when it starts
        with a byte-order mark, "utf-16", "cp1252" or "latin-1").
    separator : str or None
        The column separator of a CSV file.
    decimal : {".", ","} or None
        The decimal mark the file is likely to use: "," for a CSV separated by
        ";" (the spreadsheet convention where the comma is the decimal mark),
        None when nothing suggests one.
    """

    data: pd.DataFrame
    name: str
    kind: str
    encoding: str | None = None
    separator: str | None = None
    decimal: str | None = None

    def describe(self) -> str:
        """One line on how the file was read, for a report."""
        if self.kind == "xlsx":
            return f"{self.name}: Excel workbook, first sheet, {len(self.data):,} rows x {self.data.shape[1]} columns"
        separator = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "vertical bar"}[self.separator]
        return (
            f"{self.name}: CSV, {self.encoding}, {separator}-separated, "
            f"{len(self.data):,} rows x {self.data.shape[1]} columns"
        )


def read_orders_file(path: str | Path) -> OrdersFile:
    """Read an orders export (CSV or Excel ``.xlsx``) as text, never changing the file.

    Parameters
    ----------
    path : str or Path
        The file. CSV: separated by commas, semicolons, tabs or vertical bars;
        UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
        mark, Windows-1252 or Latin-1. Excel: the first sheet of an ``.xlsx``
        workbook, with the column names in the first row.

    Returns
    -------
    OrdersFile
        The table and how it was read. No value is interpreted yet (a CSV's
        ``"007"`` stays ``"007"``); :func:`standardise_orders` does that for
        the mapped columns.

    Raises
    ------
    FileNotFoundError
        No file at `path`.
    ValueError
        A folder, an empty file, a header without rows, a file that is not a
        table (binary data, a PDF, an old ``.xls``, ...), rows with more cells
        than the header, or a workbook that cannot be opened; the message
        names the file and says what to do.

    Notes
    -----
    The file is opened for reading only. The type is recognised from the
    file's first bytes, not its extension: an ``.xlsx`` workbook is a zip
    archive (it starts with ``PK``). A text file is decoded with the first of
    UTF-8, Windows-1252, Latin-1 that reads it; the separator is the one of
    :data:`SEPARATORS` that splits the first lines into the same number of
    cells (more than one). Up to :data:`MAX_PREAMBLE_LINES` lines above the
    header with fewer cells (a title, the date of the export) are skipped.
    """
    path = Path(path).expanduser()
    name = path.name
    if path.is_dir():
        raise ValueError(f"`{name}` is a folder; give the path of an orders file (.csv or .xlsx) inside it.")
    if not path.is_file():
        raise FileNotFoundError(f"No file at {path}. Check the path (and the spelling of the file name).")
    try:
        content = path.read_bytes()
    except OSError as error:
        raise ValueError(f"`{name}` cannot be read ({error.strerror}). Check that you may open it.") from None
    if not content.strip():
        raise ValueError(f"`{name}` is empty: no header and no rows. Export the orders again.")
    for start, what in _NOT_A_TABLE.items():
        if content.startswith(start):
            raise ValueError(f"`{name}` is {what}.")
    if content.startswith(_ZIP_START):
        return OrdersFile(data=_read_xlsx(content, name), name=name, kind="xlsx")
    text, encoding = _decode(content, name)
    if not text.strip():
        raise ValueError(f"`{name}` is empty: no header and no rows (only a byte-order mark). Export the orders again.")
    try:
        separator, header_line = _sniff_layout(text, name)
    except csv.Error as error:
        raise ValueError(f"`{name}` cannot be read as a table ({error}). Save it as CSV again.") from None
    header = text.lstrip("\ufeff").splitlines()[header_line]
    _require_distinct_names(next(csv.reader([header], delimiter=separator)), name)
    data = _read_csv_bytes(content, encoding, separator, name, skip=header_line)
    return OrdersFile(
        data=data,
        name=name,
        kind="csv",
        encoding=encoding,
        separator=separator,
        decimal="," if separator == ";" else None,
    )


def _decode(content: bytes, name: str) -> tuple[str, str]:
    """The file's text and its encoding, or a ValueError when it is not text."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(encoding), encoding
            except UnicodeDecodeError:
                break
    head = content[:4096]
    controls = sum(byte < 32 and byte not in b"\t\r\n" for byte in head)
    if b"\x00" in head or controls > 0.05 * len(head):
        raise ValueError(
            f"`{name}` is not a text table (it holds binary data). Export the orders as CSV "
            "(text) or Excel (.xlsx) and try again."
        )
    for encoding in ("utf-8", "cp1252"):
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1"), "latin-1"  # Latin-1 decodes any bytes


def _sniff_layout(text: str, name: str) -> tuple[str, int]:
    """The separator, and the line of the header (after a title or a few notes above the table).

    The header is the first line with at least two filled cells; the lines
    above it (at most :data:`MAX_PREAMBLE_LINES`, each with one filled cell at
    most, like a title) are skipped. From the header on, every sampled line
    must split into the same number of cells. Of the separators that fit, the
    one that skips the fewest lines wins, then the one that gives more cells.
    """
    lines = text[:65_536].splitlines()[:30]
    if len(text) > 65_536 and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut short
    numbered = [(number, line) for number, line in enumerate(lines) if line.strip()]
    best: tuple[int, int, str] | None = None  # (lines skipped, -cells, separator): smallest wins
    for separator in SEPARATORS:
        rows = list(csv.reader([line for _, line in numbered], delimiter=separator))
        filled = [sum(bool(cell.strip()) for cell in row) for row in rows]
        start = next((position for position, count in enumerate(filled) if count >= 2), None)
        if start is None or start > MAX_PREAMBLE_LINES:
            continue
        cells = len(rows[start])
        if all(len(row) == cells for row in rows[start:]):
            candidate = (start, -cells, separator)
            best = candidate if best is None or candidate < best else best
    if best is None:
        if numbered and all(len(row) == 1 for row in csv.reader([line for _, line in numbered], delimiter=",")):
            raise ValueError(
                f"`{name}` has a single column (no comma, semicolon, tab or '|' separates its cells). "
                "An orders file needs at least a customer, a date and an amount column."
            )
        raise ValueError(
            f"`{name}` has rows with different numbers of cells for every separator tried "
            f"({', '.join(repr(separator) for separator in SEPARATORS)}). Open it in a spreadsheet, "
            "check that every row has as many cells as the header, and save it as CSV again."
        )
    skipped, _, separator = best
    return separator, numbered[skipped][0]


def _read_csv_bytes(content: bytes, encoding: str, separator: str, name: str, *, skip: int) -> pd.DataFrame:
    """Every column as text, from line `skip` on; blank lines skipped; a clear error for ragged rows or no rows."""
    try:
        # pandas' C parser reads bytes faster than an already decoded str.
        data = pd.read_csv(
            io.BytesIO(content),
            encoding=encoding,
            sep=separator,
            skiprows=skip,
            dtype="str",
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise ValueError(f"`{name}` is empty: no header and no rows. Export the orders again.") from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().splitlines()[-1]
        raise ValueError(
            f"`{name}` cannot be read as a table: {detail}. A row has more cells than the header; "
            "check the separator and the quotes around texts that contain it."
        ) from None
    return _tidy_table(data, name)


def _read_xlsx(content: bytes, name: str) -> pd.DataFrame:
    """The first sheet of a workbook; numbers and dates keep their type, everything else is text."""
    try:
        # calamine reads a 500,000-row workbook in seconds; openpyxl takes about a minute.
        raw = pd.read_excel(io.BytesIO(content), sheet_name=0, dtype=object, engine="calamine")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, CalamineError) as error:
        raise ValueError(
            f"`{name}` looks like a zip archive but cannot be opened as an Excel workbook "
            f"({type(error).__name__}). Open it in a spreadsheet and save it as .xlsx or .csv."
        ) from None
    if raw.columns.empty:
        raise ValueError(f"The first sheet of `{name}` is empty. Put the orders on the first sheet, header in row 1.")
    return _tidy_table(raw.apply(_typed_cells), name)


def _typed_cells(values: pd.Series) -> pd.Series:
    """An Excel column: datetimes or numbers when every cell is one, else text."""
    present = values.dropna()
    if len(present) and present.map(lambda cell: isinstance(cell, (datetime.datetime, np.datetime64))).all():
        return pd.to_datetime(values)
    is_number = present.map(lambda cell: isinstance(cell, (int, float, np.number)) and not isinstance(cell, bool))
    if len(present) and is_number.all():
        return pd.to_numeric(values).astype("float64")
    return values.map(_cell_text, na_action="ignore").astype("str")


def _cell_text(cell: object) -> str:
    """A spreadsheet cell as text: whole floats without '.0', dates in ISO format."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, pd.Timestamp):
        return cell.isoformat(sep=" ")
    return str(cell)


def _require_distinct_names(columns: Sequence[object], name: str) -> None:
    """Raise ValueError when two columns have the same name (pandas would quietly rename one)."""
    names = [str(column).strip() for column in columns]
    repeated = [column for column in dict.fromkeys(names) if names.count(column) > 1]
    if repeated:
        raise ValueError(f"`{name}` has several columns named {sample_of(repeated)}; give each column its own name.")


def _tidy_table(data: pd.DataFrame, name: str) -> pd.DataFrame:
    """Column names as stripped text (unique), rows with no value at all dropped; no rows is an error."""
    columns = [str(column).strip() for column in data.columns]
    _require_distinct_names(columns, name)
    data = data.set_axis(columns, axis="columns").dropna(how="all").reset_index(drop=True)
    if data.empty:
        raise ValueError(
            f"`{name}` has a header ({sample_of(columns, limit=8)}) but no rows. Export the orders again, "
            "with the rows."
        )
    return data


# --------------------------------------------------------------------------------------
# Reading one column
# --------------------------------------------------------------------------------------

_CURRENCY = re.compile(
    r"R\$|US\$|S/\.?|[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|JPY|CAD|AUD|MXN|BRL|ARS|COP|CLP|PEN|UYU|SEK|NOK|DKK|PLN)\b",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_NUMBER_SHAPE = re.compile(r"^[+-]?(\d[\d.,]*)?\d([.,]\d*)?$|^[+-]?[.,]\d+$")


def parse_numbers(values: pd.Series, *, decimal: str | None = None) -> pd.Series:
    """Read a column of amounts written the way people write them: ``12.50``, ``12,50``, ``€ 1.020,00``.

    Parameters
    ----------
    values : Series
        Text (or numbers, returned as float64 unchanged).
    decimal : {".", ","} or None, default=None
        The decimal mark. None: decided from the values (see Notes).

    Returns
    -------
    Series
        float64, same index; NaN where a value is missing or is not a number
        (``"abc"``, ``"12.50.3"``, ``"n/a"``).

    Notes
    -----
    Before reading, currency signs and codes (€, $, £, EUR, USD, ...), spaces
    and apostrophes (``1'020.00``) are removed, and an amount in parentheses,
    ``(12.50)``, is negative (the accounting convention). With both marks in
    one value, the last one is the decimal mark (``1.020,50``, ``1,020.50``).
    Without `decimal`, the column's decimal mark is ``","`` when some value
    has a comma followed by one, two or more than three digits (``12,5``,
    ``8,00``) or a comma after a dot (``1.020,00``), and ``"."`` otherwise; so
    ``1,500`` alone reads as one thousand five hundred. Pass ``decimal=","``
    for a file where ``1,500`` means one and a half.

    Examples
    --------
    >>> parse_numbers(pd.Series(["12,50", "€ 1.020,00", "(3,00)", "abc", None])).tolist()
    [12.5, 1020.0, -3.0, nan, nan]
    >>> parse_numbers(pd.Series(["1,020.50", "7"])).tolist()
    [1020.5, 7.0]
    """
    if decimal not in (None, ".", ","):
        raise ValueError(f"The 'decimal' parameter of parse_numbers must be '.', ',' or None. Got {decimal!r} instead.")
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index, dtype="float64")
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    return _per_distinct_value(values, lambda distinct: _numbers_from_text(distinct, decimal))


def _numbers_from_text(values: pd.Series, decimal: str | None) -> pd.Series:
    """The work of :func:`parse_numbers` on text values (finite float64 or NaN)."""
    text = values.astype("str").where(values.notna())
    numbers = pd.to_numeric(text, errors="coerce")
    if decimal == "," or not (numbers.notna() | text.isna()).all():
        text = text.str.replace(_CURRENCY, "", regex=True).str.replace(_SPACES, "", regex=True)
        negative = text.str.startswith("(") & text.str.endswith(")")
        text = text.where(~negative, "-" + text.str.slice(1, -1))
        text = text.where(text.str.match(_NUMBER_SHAPE, na=False))
        mark = decimal or _decimal_mark(text.dropna())
        thousands = "." if mark == "," else ","
        # Only the last mark of a value can be the decimal one: a value with the
        # thousands mark after its decimal mark (12,50.3 when the mark is ",") is no number.
        last_decimal = text.str.rfind(mark)
        misplaced = (last_decimal >= 0) & (text.str.rfind(thousands) > last_decimal)
        twice = text.str.count(re.escape(mark)) > 1
        cleaned = text.str.replace(thousands, "", regex=False).str.replace(mark, ".", regex=False)
        numbers = pd.to_numeric(cleaned.where(~(misplaced | twice)), errors="coerce")
    numbers = numbers.astype("float64")
    return numbers.where(np.isfinite(numbers))


def _decimal_mark(text: pd.Series) -> str:
    """',' when some values can only be read with a decimal comma, else '.'."""
    sample = text.drop_duplicates().head(SAMPLE_SIZE)
    comma_decimal = sample.str.contains(r",(?:\d{1,2}|\d{4,})$", regex=True) | sample.str.contains(
        r"\.\d*,", regex=True
    )
    return "," if comma_decimal.any() else "."


def parse_dates(
    values: pd.Series, *, date_format: str | None = None, return_formats: bool | None = None
) -> pd.Series | tuple[pd.Series, tuple[str, ...]]:
    """Read a column of dates written in one or several common formats.

    Parameters
    ----------
    values : Series
        Text dates (or datetimes, returned unchanged).
    date_format : str, optional
        A ``strftime`` format such as ``"%d/%m/%Y"``, or ``"ISO8601"``; None:
        chosen from :data:`DATE_FORMATS` (see Notes).
    return_formats : bool, optional
        Also return the formats the dates were read with. Say True or False:
        until the next release, leaving it out returns both (the old
        behaviour) with a ``FutureWarning``; from then on the default is False.

    Returns
    -------
    dates : Series
        datetime64 (time-zone naive: times with an offset are converted to
        UTC and the zone dropped); NaT where a value is missing or unreadable.
    formats : tuple of str, only when `return_formats` is True
        The formats used, the one that read the most values first; empty for
        a column that already held datetimes.

    Notes
    -----
    On a sample of the distinct values, the format that reads the most wins;
    the values it cannot read are given to the next best format, and so on
    (a file whose dates changed format half-way through is read whole). A
    format is never combined with its day/month swap (``%d/%m/%Y`` with
    ``%m/%d/%Y``): a date like 03/04/2024 would mean two days. When every
    value fits both (no day above 12), day-first wins because it comes first
    in :data:`DATE_FORMATS`; :func:`standardise_orders` reports that
    ambiguity.

    Examples
    --------
    >>> dates, formats = parse_dates(pd.Series(["2024-03-01", "13/03/2024", "oops"]), return_formats=True)
    >>> dates.dt.strftime("%Y-%m-%d").tolist(), formats
    (['2024-03-01', '2024-03-13', nan], ('ISO8601', '%d/%m/%Y'))
    """
    dates, formats = _parse_dates_and_formats(values, date_format=date_format)
    if not return_flag(return_formats, parameter="return_formats", function="parse_dates", names=("dates", "formats")):
        return dates
    return dates, formats


def _parse_dates_and_formats(values: pd.Series, *, date_format: str | None) -> tuple[pd.Series, tuple[str, ...]]:
    """:func:`parse_dates`, with the formats it chose."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return _naive(values), ()
    if date_format is not None:
        chosen = [date_format]
    else:
        sample = _date_text(values.dropna().drop_duplicates().head(SAMPLE_SIZE))
        chosen = []
        unread = sample
        while len(unread):
            allowed = [fmt for fmt in DATE_FORMATS if fmt not in chosen and _swap(fmt) not in chosen]
            coverage = {fmt: int(_to_datetime(unread, fmt).notna().sum()) for fmt in allowed}
            best = max(coverage, key=coverage.get, default=None)  # the first of equals wins
            if best is None or coverage[best] == 0:
                break
            chosen.append(best)
            unread = unread[_to_datetime(unread, best).isna()]
    return _per_distinct_value(values, lambda distinct: _read_dates(_date_text(distinct), chosen)), tuple(chosen)


def _date_text(values: pd.Series) -> pd.Series:
    """Dates as stripped text (missing stays missing)."""
    return values.astype("str").where(values.notna()).str.strip()


def _read_dates(text: pd.Series, formats: Sequence[str]) -> pd.Series:
    """Each value read with the first of `formats` that fits it; NaT when none does."""
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for fmt in formats:
        missing = dates.isna() & text.notna()
        dates = dates.where(~missing, _to_datetime(text.where(missing), fmt))
    return dates


def _swap(date_format: str) -> str:
    """The day/month swap of a format: '%d/%m/%Y' <-> '%m/%d/%Y'."""
    return date_format.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _to_datetime(text: pd.Series, date_format: str) -> pd.Series:
    """Parse with one format; NaT where it does not fit. Aware times become naive UTC."""
    if date_format == "ISO8601":
        # Only values that start like a year: pandas' ISO8601 parser would read '03/04/2024' too.
        text = text.where(text.str.match(r"^\d{4}-\d{1,2}-\d{1,2}", na=False))
    try:
        parsed = pd.to_datetime(text, format=date_format, errors="coerce", utc=True)
    except (ValueError, TypeError):
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    return _naive(parsed)


def _naive(dates: pd.Series) -> pd.Series:
    """Datetimes without a time zone, in microseconds (one dtype for every source)."""
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates.astype("datetime64[us]")


def _day_month_ambiguous(values: pd.Series, formats: Sequence[str]) -> bool:
    """True when the dates were read day-first but every one of them also reads month-first."""
    day_first = [fmt for fmt in formats if fmt.startswith("%d") and _swap(fmt) != fmt]
    if not day_first or pd.api.types.is_datetime64_any_dtype(values):
        return False
    text = values.dropna().astype("str").str.strip().drop_duplicates().head(SAMPLE_SIZE)
    swapped = pd.Series(False, index=text.index)
    for fmt in day_first:
        swapped |= _to_datetime(text, _swap(fmt)).notna()
    read = pd.Series(False, index=text.index)
    for fmt in day_first:
        read |= _to_datetime(text, fmt).notna()
    return bool(read.any() and (swapped | ~read).all())


# --------------------------------------------------------------------------------------
# Guessing the mapping
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a file plays which role, and how each was found.

    Attributes
    ----------
    customer, date : str
        The customer column and the date column (always found, or an error).
    amount : str or None
        The money column; None when the money is `quantity` x `price`.
    quantity, price : str or None
        Units and unit price; both set when `amount` is None.
    order, status : str or None
        The order id and the status column, when the file has them.
    found_by : dict
        For each role, how its column was found: ``"given"``, ``"name"`` or
        ``"content"``, or why it is missing.
    """

    customer: str
    date: str
    amount: str | None = None
    quantity: str | None = None
    price: str | None = None
    order: str | None = None
    status: str | None = None
    found_by: dict[str, str] = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:
        used = ", ".join(f"{role}={column!r}" for role, column in self.columns().items())
        return f"ColumnMapping({used})"

    def columns(self) -> dict[str, str]:
        """The roles that have a column, in the order of :data:`ROLES`."""
        return {role: getattr(self, role) for role in ROLES if getattr(self, role) is not None}

    def money(self) -> str:
        """How the money of a row is read, in words."""
        return repr(self.amount) if self.amount is not None else f"{self.quantity!r} x {self.price!r}"

    def describe(self) -> pd.DataFrame:
        """One row per role: the column used (or "-") and how it was found.

        Examples
        --------
        >>> mapping = ColumnMapping(customer="Client", date="Day", amount="Total",
        ...                         found_by={"customer": "given", "date": "name", "amount": "name",
        ...                                   "quantity": "not needed"})
        >>> mapping.describe().loc[["customer", "quantity"]]
                 column        found_by
        role
        customer Client           given
        quantity      -  not needed
        """
        rows = [(role, getattr(self, role) or "-", self.found_by.get(role, "not found")) for role in ROLES]
        return pd.DataFrame(rows, columns=["role", "column", "found_by"]).set_index("role")


#: Hints that match only a whole name: 'lastname' is no customer, 'runtime' no date.
_TOO_GENERIC_ENDINGS = frozenset({"name", "time", "data", "state", "paid", "value", "sales"})


def _normalised(name: str) -> str:
    """Lower case, accents, a currency and everything but letters and digits removed:
    'Order Date' -> 'orderdate', 'Importe (€)' -> 'importe', 'Total R$' -> 'total'."""
    name = _CURRENCY.sub("", re.sub(r"\(.*?\)|\[.*?\]", "", str(name)))
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _name_rank(column: str, role: str) -> int | None:
    """Position of the column's name in the role's hints (lower is better); None: no hint matches.

    A name matches a hint exactly, or ends with it after a word ('Order Date'
    ends with 'date'; 'Shipping Date' does not rank above 'Order Date' because
    exact hints come first).
    """
    name = _normalised(column)
    hints = NAME_HINTS[role]
    if name in hints:
        return hints.index(name)
    endings = [
        position
        for position, hint in enumerate(hints)
        if len(hint) >= 4 and hint not in _TOO_GENERIC_ENDINGS and name.endswith(hint)
    ]
    return len(hints) + min(endings) if endings else None


def _reads_as_dates(values: pd.Series, *, found_by: str = "name") -> bool:
    sample = values.dropna().head(SAMPLE_SIZE)
    if pd.api.types.is_datetime64_any_dtype(values):
        return len(sample) > 0
    if pd.api.types.is_numeric_dtype(values) or sample.empty:
        return False
    dates = parse_dates(sample, return_formats=False)
    return bool(dates.notna().mean() >= READABLE_SHARE[found_by])


def _reads_as_numbers(values: pd.Series, decimal: str | None) -> bool:
    sample = values.dropna().head(SAMPLE_SIZE)
    if sample.empty or pd.api.types.is_datetime64_any_dtype(values):
        return False
    return bool(parse_numbers(sample, decimal=decimal).notna().mean() >= READABLE_SHARE["name"])


def guess_column_mapping(
    data: pd.DataFrame,
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    quantity: str | None = None,
    price: str | None = None,
    order: str | None = None,
    status: str | None = None,
    decimal: str | None = None,
    name: str = "data",
) -> ColumnMapping:
    """Find the customer, date, money, order and status columns of an orders table.

    Parameters
    ----------
    data : DataFrame
        The table, as :func:`read_orders_file` returns it (or any DataFrame).
    customer, date, amount, quantity, price, order, status : str, optional
        Columns you name yourself; each must exist. The others are guessed.
        Naming `quantity` and `price` without `amount` reads the money as
        their product.
    decimal : {".", ","} or None, default=None
        Decimal mark, for checking that a money column reads as numbers.
    name : str, default="data"
        The table's name in error messages (the file name, say).

    Returns
    -------
    ColumnMapping
        The columns, and how each was found (:meth:`ColumnMapping.describe`).

    Raises
    ------
    ValueError
        A named column does not exist, a column is named for two roles, or no
        customer, date or money column can be found; the message lists the
        columns of `data` and says which parameter to set.

    Notes
    -----
    A role's column is found by its **name** first: the column whose name,
    lower-cased without spaces and punctuation, is earliest in the role's
    list of :data:`NAME_HINTS` (``CustomerID`` and ``Kunde`` are customers,
    ``Order Date`` and ``Fecha`` dates, ``Total`` and ``Betrag`` amounts).
    A date or money column must also read as dates or numbers (at least half
    of the values, :data:`READABLE_SHARE`); a customer column must not be
    empty. Without a date name, the first column of which at least 80 % reads
    as dates is taken (by **content**). Money is an amount column when there is one, else a
    quantity and a unit price. A column plays one role only: names are
    matched for the roles in the order customer, order, date, amount,
    quantity, price, status.

    Examples
    --------
    >>> lines = pd.DataFrame({"InvoiceNo": ["536365"], "Quantity": ["6"], "UnitPrice": ["2.55"],
    ...                       "InvoiceDate": ["12/1/2010 8:26"], "CustomerID": ["17850.0"]})
    >>> guess_column_mapping(lines)
    ColumnMapping(customer='CustomerID', date='InvoiceDate', quantity='Quantity', price='UnitPrice', order='InvoiceNo')
    """
    require_dataframe(data, name=name)
    require_non_empty(data, name=name)
    given = _given_columns(
        data,
        {
            "customer": customer,
            "date": date,
            "amount": amount,
            "quantity": quantity,
            "price": price,
            "order": order,
            "status": status,
        },
        name=name,
    )
    guess = _Guess(data, chosen=dict(given), found_by=dict.fromkeys(given, "given"))
    guess.by_name("customer", _has_values)
    guess.by_name("order", _has_values)
    guess.by_name("date", _reads_as_dates)
    guess.date_by_content()
    reads_as_money = lambda values: _reads_as_numbers(values, decimal)  # noqa: E731
    if not {"quantity", "price"} & given.keys():
        guess.by_name("amount", reads_as_money)
    if "amount" not in guess.chosen:
        guess.by_name("quantity", reads_as_money)
        guess.by_name("price", reads_as_money)
    guess.by_name("status", _has_values)
    _require_customer(guess.chosen, data, name)
    _require_date(guess.chosen, data, name)
    _require_money(guess.chosen, data, name)
    _require_amount_or_product(guess.chosen, given)
    found_by = {role: guess.found_by.get(role) or _why_missing(role, guess.chosen) for role in ROLES}
    return ColumnMapping(**{role: guess.chosen.get(role) for role in ROLES}, found_by=found_by)


def _given_columns(data: pd.DataFrame, given: Mapping[str, object], *, name: str) -> dict[str, str]:
    """The columns named by the caller: each a str, each in `data`, none named for two roles."""
    given = {role: column for role, column in given.items() if column is not None}
    for role, column in given.items():
        if not isinstance(column, str):
            raise TypeError(
                f"The {role!r} column must be named by a str. Got {column!r} of type {type(column).__name__}."
            )
        if column not in data.columns:
            raise ValueError(
                f"`{name}` has no column {column!r} (given as the {role} column). "
                f"Available columns: {list(data.columns)}."
            )
    columns = list(given.values())
    doubled = [column for column in dict.fromkeys(columns) if columns.count(column) > 1]
    if doubled:
        roles = [role for role, column in given.items() if column == doubled[0]]
        raise ValueError(
            f"Column {doubled[0]!r} is given for several roles ({', '.join(roles)}); give each role its own column."
        )
    return given


@dataclass
class _Guess:
    """The columns chosen so far; a column plays one role only."""

    data: pd.DataFrame
    chosen: dict[str, str]
    found_by: dict[str, str]

    def _take(self, role: str, column: str, how: str) -> None:
        self.chosen[role], self.found_by[role] = column, how

    def by_name(self, role: str, accept: Callable[[pd.Series], bool]) -> None:
        """Rule 1: the free column whose name ranks best for `role` and whose values `accept` takes."""
        if role in self.chosen:
            return
        taken = set(self.chosen.values())
        ranked = sorted(
            (rank, position, column)
            for position, column in enumerate(self.data.columns)
            if column not in taken and (rank := _name_rank(column, role)) is not None
        )
        for _, _, column in ranked:
            if accept(self.data[column]):
                self._take(role, column, "name")
                return

    def date_by_content(self) -> None:
        """Rule 2: without a date name, the first free column of which 80 % reads as dates."""
        if "date" in self.chosen:
            return
        taken = set(self.chosen.values())
        for column in self.data.columns:
            if column not in taken and _reads_as_dates(self.data[column], found_by="content"):
                self._take("date", column, "content")
                return


def _has_values(values: pd.Series) -> bool:
    return bool(values.notna().any())


def _require_customer(chosen: Mapping[str, str], data: pd.DataFrame, name: str) -> None:
    if "customer" not in chosen:
        raise ValueError(
            f"`{name}` has no column that looks like a customer (an id, e-mail or name, called for "
            f"example 'CustomerID', 'Client' or 'Email'). Columns in the file: {list(data.columns)}. Name the "
            "customer column yourself (--customer COLUMN, or customer=...); without customers there "
            "is no segmentation."
        )


def _require_date(chosen: Mapping[str, str], data: pd.DataFrame, name: str) -> None:
    if "date" not in chosen:
        raise ValueError(
            f"`{name}` has no column that reads as dates. Columns in the file: {list(data.columns)}. Name the "
            f"date column yourself (--date COLUMN, or date=...); dates written in one of the formats "
            f"{list(DATE_FORMATS[:4])} and similar are read."
        )


def _require_money(chosen: Mapping[str, str], data: pd.DataFrame, name: str) -> None:
    if "amount" in chosen or {"quantity", "price"} <= chosen.keys():
        return
    half = [role for role in ("quantity", "price") if role in chosen]
    also = f" (found only a {half[0]} column, {chosen[half[0]]!r})" if half else ""
    raise ValueError(
        f"`{name}` has no column that reads as money{also}: neither an amount (called for example "
        f"'Amount', 'Total' or 'Revenue') nor both a quantity and a unit price. Columns in the "
        f"file: {list(data.columns)}. Name them yourself (--amount COLUMN, or --quantity COLUMN --price COLUMN)."
    )


def _require_amount_or_product(chosen: Mapping[str, str], given: Mapping[str, str]) -> None:
    if "amount" in chosen and {"quantity", "price"} & given.keys():
        raise ValueError("Give either an amount column or a quantity and a price column, not both.")


def _why_missing(role: str, chosen: Mapping[str, str]) -> str:
    return "not needed" if role in ("quantity", "price") and "amount" in chosen else "not found"


# --------------------------------------------------------------------------------------
# Tidy orders and the cleaning report
# --------------------------------------------------------------------------------------

#: The cleaning steps of :func:`standardise_orders`, in order, and why each drops or nets rows.
#: Refunds and cancellations follow :func:`course_lib.refunds.net_refunds`, the rule of the report.
CLEANING_STEPS: Mapping[str, str] = {
    "exact duplicates": "the same row exported twice; the first is kept",
    "unreadable date": "the date is missing or in no known format",
    "unreadable money": "the amount (or quantity or price) is missing or not a number",
    "refunded in full": (
        "a sale and the refund or cancellation (a C invoice, a refunded status) that reverses it in full, "
        "matched by order id, else by customer and amount on or after the sale: together they are 0"
    ),
    "cancelled": "a status that says cancelled or refunded, with no refund row to match: not a sale that stuck",
    "unmatched refund": "a refund or negative amount with no sale in the file to match (the sale may be older)",
    "zero money": "no money: neither a sale nor a refund (free items, adjustments)",
    "missing customer": "cannot be attributed to a customer (a guest order)",
    "partial refunds netted": (
        "a refund of part of an order: kept, negative, on its order's id and date, so the order counts what was kept"
    ),
}
#: The fates of :func:`course_lib.refunds.net_refunds` each netting step of :data:`CLEANING_STEPS` takes.
_NETTING_STEPS: Mapping[str, tuple[str, ...]] = {
    "refunded in full": ("refunded sale", "refund"),
    "cancelled": ("cancelled",),
    "unmatched refund": ("unmatched refund",),
    "zero money": ("zero amount",),
}


def _customer_ids(values: pd.Series) -> pd.Series:
    """Customer ids as stripped text; '17850.0' becomes '17850' (a number a spreadsheet made a float)."""
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")
    return _per_distinct_value(values, _id_text)


def _id_text(values: pd.Series) -> pd.Series:
    text = values.astype("str").where(values.notna()).str.strip()
    text = text.where(text != "")
    if text.dropna().str.fullmatch(r"\d+\.0+").any() and text.dropna().str.fullmatch(r"\d+(\.0+)?").all():
        text = text.str.replace(r"\.0+$", "", regex=True)
    return text


def _cancelled_status(status: pd.Series) -> pd.Series:
    """Rows whose status says cancelled, refunded, returned, ... (see CANCELLED_STATUS), but not
    "partially refunded" (PARTIAL_STATUS): such an order still stands."""
    words = "|".join(re.escape(word) for word in CANCELLED_STATUS)
    partial = "|".join(re.escape(word) for word in PARTIAL_STATUS)

    def says_cancelled(distinct: pd.Series) -> pd.Series:
        text = distinct.astype("str").str.lower()
        return text.str.contains(words, regex=True, na=False) & ~text.str.contains(partial, regex=True, na=False)

    return _per_distinct_value(status, says_cancelled)


def _duplicate_rows(data: pd.DataFrame) -> pd.Series:
    """Rows identical in every column to an earlier row.

    Rows are hashed first (one number per row, fast); only the rows whose hash
    repeats are then compared value by value, so the result is exact.
    """
    hashes = pd.util.hash_pandas_object(data, index=False)
    candidates = hashes.duplicated(keep=False)
    duplicated = pd.Series(False, index=data.index)
    duplicated[candidates] = data[candidates].duplicated(keep="first")
    return duplicated


def _sum(money: pd.Series) -> float:
    """A sum of money without float noise: a sale and its refund make 0.0, not -1.4e-13 (shown "-0.00")."""
    return round(float(money.sum()), 9) + 0.0  # + 0.0 turns -0.0 into 0.0


@dataclass(frozen=True)
class CleaningReport:
    """How :func:`standardise_orders` made the tidy orders (``return_report=True``).

    Attributes
    ----------
    steps : DataFrame
        One row per cleaning step: ``step``, ``rows_dropped`` and
        ``money_dropped`` (the rows it left out and their money),
        ``rows_netted`` and ``money_netted`` (partial refunds kept as
        negative rows of their order), ``rows_remaining`` and
        ``money_remaining`` (after the step), ``why``. The first row is the
        input itself: all its rows and its total (an unreadable amount counts
        as 0). The money dropped by the steps plus the money remaining after
        the last one is the input's total.
    date_formats : tuple of str
        The formats the dates were read with (empty when they were datetimes).
    day_month_ambiguous : bool
        True when the dates were read day-first (the format guessed, not
        given) but every one of them would also read month-first: only the
        person who exported the file knows.
    """

    steps: pd.DataFrame
    date_formats: tuple[str, ...] = ()
    day_month_ambiguous: bool = False

    def __repr__(self) -> str:
        kept, read = int(self.steps["rows_remaining"].iloc[-1]), int(self.steps["rows_remaining"].iloc[0])
        return f"CleaningReport({kept:,} of {read:,} rows kept, dates read as {list(self.date_formats) or 'datetimes'})"


def standardise_orders(
    data: pd.DataFrame,
    mapping: ColumnMapping,
    *,
    date_format: str | None = None,
    decimal: str | None = None,
    name: str = "data",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, CleaningReport]:
    """Turn the mapped columns into tidy orders, refunds netted, and report every row left out and why.

    Parameters
    ----------
    data : DataFrame
        The table (not modified).
    mapping : ColumnMapping
        Its columns, from :func:`guess_column_mapping`.
    date_format : str, optional
        Passed to :func:`parse_dates`; None chooses the format from the values.
    decimal : {".", ","} or None, default=None
        Passed to :func:`parse_numbers`.
    name : str, default="data"
        The table's name in error messages.
    return_report : bool, default=False
        Also return a :class:`CleaningReport`: the rows and money each step
        dropped or netted and why, the date formats read, and whether day
        and month could be swapped.

    Returns
    -------
    orders : DataFrame
        The purchases, in their original order (a new index from 0):
        ``customer_id`` (text), ``ordered_at`` (datetime), ``amount`` (float)
        and, when mapped, ``order_id`` (text). A partial refund is a row with
        a negative amount, carrying the id and the date of the order it
        reduces; every order's amounts add up to what the customer kept.
    report : CleaningReport, only when `return_report` is True

    Raises
    ------
    ValueError
        No row is left, or the date column reads as no date at all; the
        message gives the cleaning counts.

    Notes
    -----
    Refunds and cancellations are **netted** against the sales they reverse
    by :func:`course_lib.refunds.net_refunds`, the rule of the one-command
    report (:mod:`course_lib.report`), so both give the same revenue for the
    same file: same order id (``C536379`` matches ``536379``), else same
    customer and amount on or after the sale. A sale refunded in full leaves
    with its refund; a partial refund stays, negative, in its order; a
    refund with no sale to match, and a row whose status says cancelled with
    no refund row, are left out. Order ids shared by two customers are no
    order ids: then refunds are matched by customer and amount only.

    The steps, in order, each counting only the rows still there (the names
    and reasons are :data:`CLEANING_STEPS`): exact duplicate rows; a date
    that does not read; money that does not read (the amount, or the
    quantity or price; ``amount = quantity x price`` when there is no amount
    column); refunded in full; cancelled; unmatched refund; zero money; a
    missing customer (a guest's purchases, after their refunds are netted);
    and partial refunds netted, which drops nothing. The report's money
    reconciles: the input's total is the money dropped by the steps plus the
    money of the orders returned.

    Examples
    --------
    >>> raw = pd.DataFrame({"customer": ["a", "a", None, "b", "b", "a", "b"],
    ...                     "date": ["2024-01-05", "2024-01-05", "2024-01-06", "2024-01-07", "soon",
    ...                              "2024-01-09", "2024-01-10"],
    ...                     "total": ["10", "10", "5", "8", "3", "-4", "-8"]})
    >>> orders, report = standardise_orders(raw, guess_column_mapping(raw), return_report=True)
    >>> report
    CleaningReport(1 of 7 rows kept, dates read as ['ISO8601'])
    >>> report.steps[["step", "rows_dropped", "money_dropped", "money_remaining"]]
                         step  rows_dropped  money_dropped  money_remaining
    0                   input             0            0.0             24.0
    1        exact duplicates             1           10.0             14.0
    2         unreadable date             1            3.0             11.0
    3        unreadable money             0            0.0             11.0
    4        refunded in full             2            0.0             11.0
    5               cancelled             0            0.0             11.0
    6        unmatched refund             1           -4.0             15.0
    7              zero money             0            0.0             15.0
    8        missing customer             1            5.0             10.0
    9  partial refunds netted             0            0.0             10.0
    >>> orders
      customer_id ordered_at  amount
    0           a 2024-01-05    10.0
    """
    lines = order_lines(data, mapping, date_format=date_format, decimal=decimal, name=name)
    table = lines.lines
    money = table["amount"].fillna(0.0)
    unreadable_date = table["ordered_at"].isna()
    unreadable_money = table["amount"].isna()
    readable = ~(table["duplicate"] | unreadable_date | unreadable_money)
    # The report's rule (course_lib.report): an order id shared by customers is not an order id.
    trust_orders = "order_id" in table.columns and not len(shared_orders(table))
    netted = net_refunds(table[readable], order="order_id" if trust_orders else None)
    fate = pd.Series(np.nan, index=data.index, dtype=object)
    fate[readable.to_numpy()] = netted["fate"].to_numpy()
    counted = fate.isin(COUNTED)
    steps = {
        "exact duplicates": table["duplicate"],
        "unreadable date": unreadable_date,
        "unreadable money": unreadable_money,
        **{step: fate.isin(fates) for step, fates in _NETTING_STEPS.items()},
        "missing customer": counted & table["customer_id"].isna(),
    }
    keep = pd.Series(True, index=data.index)
    rows = [("input", 0, 0.0, 0, 0.0, len(data), _sum(money), "rows read; their money is the input's total")]
    for step, drop in steps.items():
        dropped = keep & drop.fillna(False).astype(bool)
        keep &= ~dropped
        rows.append(
            (step, int(dropped.sum()), _sum(money[dropped]), 0, 0.0)
            + (int(keep.sum()), _sum(money[keep]), CLEANING_STEPS[step])
        )
    partial = keep & (fate == "refund netted")
    rows.append(
        ("partial refunds netted", 0, 0.0, int(partial.sum()), _sum(money[partial]))
        + (int(keep.sum()), _sum(money[keep]), CLEANING_STEPS["partial refunds netted"])
    )
    report = pd.DataFrame(
        rows,
        columns=[
            "step",
            "rows_dropped",
            "money_dropped",
            "rows_netted",
            "money_netted",
            "rows_remaining",
            "money_remaining",
            "why",
        ],
    )
    if not keep.any():
        counts = ", ".join(f"{row[0]}: {row[1]:,}" for row in rows[1:] if row[1])
        raise ValueError(
            f"No purchase is left in `{name}` after cleaning: every one of its {len(data):,} rows was "
            f"dropped ({counts}). Columns used: customer={mapping.customer!r}, date={mapping.date!r}, "
            f"money={mapping.money()}. If a column was guessed wrong, name it yourself."
        )
    kept = netted.loc[keep[readable].to_numpy()]
    orders = pd.DataFrame(
        {"customer_id": kept["customer_id"], "ordered_at": kept["purchased_at"], "amount": kept["amount"]}
    )
    if mapping.order is not None:  # a netted refund belongs to its sale's order ("C536379" counts in "536379")
        orders["order_id"] = kept["purchase_order"].where(kept["purchase_order"].notna(), kept["order_id"])
    orders = orders.reset_index(drop=True)
    cleaning = CleaningReport(
        steps=report, date_formats=lines.date_formats, day_month_ambiguous=lines.day_month_ambiguous
    )
    if return_report:
        return orders, cleaning
    call = "Write `orders, report = standardise_orders(..., return_report=True)` and read report"
    return with_old_attributes(  # the old TidyOrders' attributes, until the next release
        orders,
        function="standardise_orders",
        now_returns="the tidy orders themselves",
        attributes={
            "orders": (orders, "Use the result directly."),
            "report": (report, f"{call}.steps."),
            "date_formats": (lines.date_formats, f"{call}.date_formats."),
            "day_month_ambiguous": (lines.day_month_ambiguous, f"{call}.day_month_ambiguous."),
        },
    )


@dataclass(frozen=True)
class OrderLines:
    """What :func:`order_lines` returns: every row of the file, read, nothing dropped.

    Attributes
    ----------
    lines : DataFrame
        One row per row of the input, same index: ``customer_id`` (text, NaN
        for a guest), ``ordered_at`` (datetime, NaT when unreadable),
        ``amount`` (float, NaN when unreadable), ``order_id`` (text, when
        mapped), ``duplicate`` (an exact copy of an earlier row) and
        ``cancelled`` (a status that says cancelled or refunded, or an Online
        Retail cancellation invoice).
    date_formats : tuple of str
        The formats the dates were read with.
    day_month_ambiguous : bool
        The dates were read day-first but would also read month-first.
    """

    lines: pd.DataFrame
    date_formats: tuple[str, ...] = ()
    day_month_ambiguous: bool = False


def order_lines(
    data: pd.DataFrame,
    mapping: ColumnMapping,
    *,
    date_format: str | None = None,
    decimal: str | None = None,
    name: str = "data",
) -> OrderLines:
    """Read the mapped columns of every row, in the course's names and types; drop nothing.

    :func:`standardise_orders` and the report both start from this and net
    refunds against their sales (:func:`course_lib.refunds.net_refunds`).

    Parameters
    ----------
    data : DataFrame
        The table (not modified).
    mapping : ColumnMapping
        Its columns, from :func:`guess_column_mapping`.
    date_format, decimal, name
        As in :func:`standardise_orders`.

    Returns
    -------
    OrderLines
        The rows read (see :class:`OrderLines`), the date formats and the
        day/month ambiguity.

    Raises
    ------
    ValueError
        The date column holds no readable date.

    Examples
    --------
    >>> raw = pd.DataFrame({"Pedido": ["1", "1", "C2"], "Cliente": ["ana", "ana", None],
    ...                     "Fecha": ["05/01/2024", "05/01/2024", "13/01/2024"], "Importe": ["10,50", "10,50", "-3"]})
    >>> order_lines(raw, guess_column_mapping(raw)).lines
      customer_id ordered_at  amount order_id  duplicate  cancelled
    0         ana 2024-01-05    10.5        1      False      False
    1         ana 2024-01-05    10.5        1       True      False
    2         NaN 2024-01-13    -3.0       C2      False       True
    """
    require_dataframe(data, name=name)
    if not isinstance(mapping, ColumnMapping):
        raise TypeError(f"`mapping` must be a ColumnMapping (from guess_column_mapping), got {type(mapping).__name__}.")
    require_columns(data, list(mapping.columns().values()), name=name)
    require_non_empty(data, name=name)

    dates, formats = parse_dates(data[mapping.date], date_format=date_format, return_formats=True)
    if dates.notna().sum() == 0:
        raise ValueError(
            f"Column {mapping.date!r} of `{name}` holds no readable date (values like "
            f"{sample_of(data[mapping.date].dropna().astype(str))}). Name the right date column "
            "(--date COLUMN), or give its format."
        )
    if mapping.amount is not None:
        money = parse_numbers(data[mapping.amount], decimal=decimal)
    else:
        money = parse_numbers(data[mapping.quantity], decimal=decimal) * parse_numbers(
            data[mapping.price], decimal=decimal
        )
    cancelled = pd.Series(False, index=data.index)
    if mapping.order is not None:
        cancelled |= cancellation_invoices(data[mapping.order], money)
    if mapping.status is not None:
        cancelled |= _cancelled_status(data[mapping.status])
    lines = pd.DataFrame({"customer_id": _customer_ids(data[mapping.customer]), "ordered_at": dates, "amount": money})
    if mapping.order is not None:
        lines["order_id"] = _per_distinct_value(data[mapping.order], _id_text)
    lines["duplicate"] = _duplicate_rows(data)
    lines["cancelled"] = cancelled.fillna(False).astype(bool)
    return OrderLines(
        lines=lines,
        date_formats=formats,
        day_month_ambiguous=date_format is None and _day_month_ambiguous(data[mapping.date], formats),
    )


#: Currencies recognised in a money column's name or values, and how the report writes them.
CURRENCIES: Mapping[str, str] = {
    "R$": "R$",
    "BRL": "R$",
    "US$": "US$",
    "USD": "US$",
    "S/": "S/",
    "PEN": "S/",
    "€": "€",
    "EUR": "€",
    "£": "£",
    "GBP": "£",
    "MXN": "MXN",
    "ARS": "ARS",
    "COP": "COP",
    "CLP": "CLP",
    "UYU": "UYU",
    "CHF": "CHF",
    "$": "$",
}


def detect_currency(data: pd.DataFrame, mapping: ColumnMapping) -> str | None:
    """The currency of the money, from the money column's name or, failing that, its values.

    Parameters
    ----------
    data : DataFrame
        The table.
    mapping : ColumnMapping
        Its columns; the amount column (or the price column) is looked at.

    Returns
    -------
    str or None
        A symbol or code from :data:`CURRENCIES` (``"€"``, ``"R$"``,
        ``"MXN"``, ...), or None when neither the name nor the values name one.

    Examples
    --------
    >>> raw = pd.DataFrame({"Cliente": ["a"], "Fecha": ["2024-01-05"], "Importe (€)": ["14,95"]})
    >>> detect_currency(raw, guess_column_mapping(raw))
    '€'
    >>> raw = pd.DataFrame({"Cliente": ["a"], "Data": ["2024-01-05"], "Valor": ["R$ 14,95"]})
    >>> detect_currency(raw, guess_column_mapping(raw))
    'R$'
    """
    column = mapping.amount if mapping.amount is not None else mapping.price
    texts = [str(column)]
    values = data[column]
    if not pd.api.types.is_numeric_dtype(values):
        texts.extend(values.dropna().astype("str").drop_duplicates().head(SAMPLE_SIZE).tolist())
    for text in texts:
        found = _CURRENCY.search(text)
        if found is not None:
            token = found.group(0).upper().rstrip(".")
            return CURRENCIES.get(token, token)
    return None
