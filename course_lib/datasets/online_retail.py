"""The public UCI "Online Retail" data: a generated sample, a reader for the real file, and its cleaning.

The real data (a UK gift wholesaler's invoices, 2010-12-01 to 2011-12-09,
541,909 lines) is the standard practice set for RFM and clustering. It is
not shipped with the kit; :func:`load_online_retail` reads it when a learner
has downloaded it, as the original ``.xlsx`` or as a CSV copy. The kit ships
``online_retail_sample.csv`` instead: generated, smaller, in exactly the same
schema and with the same quirks, so every step can be practised offline.

The quirks, which :func:`clean_online_retail` deals with:

* invoices starting with ``C`` are cancellations, with negative quantities;
* about a quarter of the lines have no ``CustomerID``;
* some lines appear twice, identical in every column;
* some prices are zero (free items, stock adjustments, often with no
  description) and a few are negative (``A`` invoices: bad-debt adjustments);
* some stock codes are not products: postage, discounts, manual entries, fees.

Examples
--------
>>> raw = pd.DataFrame({
...     "InvoiceNo": ["536365", "536365", "C536379", "536380"],
...     "StockCode": ["85123A", "85123A", "85123A", "POST"],
...     "Description": ["WHITE MUG", "WHITE MUG", "WHITE MUG", "POSTAGE"],
...     "Quantity": [6, 6, -6, 1],
...     "InvoiceDate": pd.to_datetime(["2010-12-01 08:26"] * 4, format="%Y-%m-%d %H:%M"),
...     "UnitPrice": [2.55, 2.55, 2.55, 18.0],
...     "CustomerID": pd.array([17850, 17850, 17850, 12583], dtype="Int64"),
...     "Country": ["United Kingdom"] * 3 + ["France"],
... })
>>> clean, report = clean_online_retail(raw, return_report=True)
>>> len(clean), report["rows_dropped"].tolist()
(1, [0, 1, 0, 1, 0, 0, 1])
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from course_lib.datasets._generator.generate import _rng
from course_lib.datasets.schema import ONLINE_RETAIL_COLUMNS
from course_lib.validation import (
    require_columns,
    require_datetime,
    require_non_empty,
    require_numeric,
    return_flag,
    sample_of,
)

__all__ = [
    "NON_PRODUCT_CODES",
    "cancellation_invoices",
    "clean_online_retail",
    "load_online_retail",
    "read_online_retail",
    "simulate_online_retail",
]

#: Stock codes that are fees, postage or bookkeeping rather than products.
NON_PRODUCT_CODES = ("POST", "DOT", "D", "M", "C2", "BANK CHARGES", "CRUK", "AMAZONFEE", "PADS", "B", "S")
#: Date formats accepted in a CSV copy: the widely shared one first, then ISO.
DATE_FORMATS = ("%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")

COUNTRIES = {
    "United Kingdom": 0.86,
    "Germany": 0.025,
    "France": 0.022,
    "EIRE": 0.02,
    "Spain": 0.008,
    "Netherlands": 0.008,
    "Belgium": 0.007,
    "Switzerland": 0.006,
    "Portugal": 0.005,
    "Australia": 0.005,
    "Norway": 0.004,
    "Italy": 0.004,
    "Channel Islands": 0.003,
    "Finland": 0.003,
    "Sweden": 0.003,
    "Denmark": 0.002,
    "Japan": 0.002,
    "Poland": 0.002,
    "Austria": 0.002,
    "Cyprus": 0.002,
}
COLOURS = ("RED", "BLUE", "PINK", "GREEN", "IVORY", "BLACK", "WHITE", "PASTEL", "VINTAGE", "GOLD")
PATTERNS = ("POLKA DOT", "STRIPED", "FLORAL", "STAR", "HEART", "PAISLEY", "GINGHAM", "BIRD", "RETRO", "")
ITEMS = (
    ("CERAMIC MUG", 1.25),
    ("TEA LIGHT HOLDER", 2.55),
    ("LUNCH BAG", 1.65),
    ("PAPER NAPKINS", 0.85),
    ("CAKE STAND", 9.95),
    ("JAM JAR SET", 4.25),
    ("GARDEN SIGN", 3.75),
    ("PARTY BUNTING", 4.95),
    ("SHOPPING BAG", 2.10),
    ("WALL CLOCK", 8.50),
    ("PHOTO FRAME", 2.95),
    ("STORAGE TIN", 3.39),
    ("DOORMAT", 7.95),
    ("GIFT WRAP", 0.42),
    ("CUSHION COVER", 3.75),
    ("HOT WATER BOTTLE", 4.65),
    ("SNACK BOX", 1.95),
    ("CANDLE", 0.79),
)
QUANTITIES = {
    1: 0.14,
    2: 0.12,
    3: 0.06,
    4: 0.07,
    6: 0.15,
    8: 0.04,
    10: 0.06,
    12: 0.2,
    24: 0.08,
    36: 0.02,
    48: 0.03,
    96: 0.01,
    144: 0.02,
}
FIRST_INVOICE = 536365
#: Internal invoice keys: sales count from 0, cancellations from here, stock adjustments from here.
CANCELLATION_KEYS = 100_000
ADJUSTMENT_KEYS = 200_000
BAD_DEBT_KEY = 300_000


def _catalogue(rng: np.random.Generator, size: int = 180) -> pd.DataFrame:
    """Products: a five-digit code (sometimes with a letter), an upper-case name, a base price."""
    item = rng.integers(len(ITEMS), size=size)
    codes = rng.choice(np.arange(20_000, 90_000), size=size, replace=False).astype(str)
    suffix = np.where(rng.random(size) < 0.2, rng.choice(list("ABCDEFG"), size=size), "")
    names = [
        " ".join(part for part in (COLOURS[c], PATTERNS[p], ITEMS[i][0]) if part)
        for c, p, i in zip(
            rng.integers(len(COLOURS), size=size), rng.integers(len(PATTERNS), size=size), item, strict=True
        )
    ]
    price = np.array([ITEMS[i][1] for i in item]) * rng.choice([0.8, 1.0, 1.0, 1.25, 1.5], size=size)
    frame = pd.DataFrame(
        {"StockCode": np.char.add(codes, suffix), "Description": names, "UnitPrice": np.round(price, 2)}
    )
    return frame.drop_duplicates("Description").reset_index(drop=True)


def _invoice_times(rng: np.random.Generator, size: int) -> np.ndarray:
    """Invoice times on trading days (no Saturdays, as in the original), 7:00 to 20:00."""
    days = pd.date_range("2010-12-01", "2011-12-09", freq="D")
    days = days[days.day_of_week != 5]
    growth = np.linspace(1.0, 1.8, len(days)) * np.where(days.month.isin([9, 10, 11]), 1.5, 1.0)
    chosen = days.values[rng.choice(len(days), size=size, p=growth / growth.sum())]
    minutes = rng.integers(7 * 60, 20 * 60, size=size)
    return np.sort(chosen + minutes.astype("timedelta64[m]"))


def simulate_online_retail(*, seed: int, n_invoices: int = 500) -> pd.DataFrame:
    """Generate invoice lines in the UCI Online Retail schema, with its quirks.

    Parameters
    ----------
    seed : int
        Random seed.
    n_invoices : int, default=500
        Sales invoices (cancellations and adjustments come on top).

    Returns
    -------
    DataFrame
        Typed like :func:`read_online_retail` returns it, in time order.

    Examples
    --------
    >>> sample = simulate_online_retail(seed=0, n_invoices=50)
    >>> list(sample.columns) == list(ONLINE_RETAIL_COLUMNS)
    True
    """
    rng = _rng(seed, "online retail")
    products = _catalogue(rng)
    customers = np.sort(rng.choice(np.arange(12_346, 18_288), size=max(40, n_invoices // 3), replace=False))
    country_of = dict(
        zip(
            customers,
            rng.choice(
                list(COUNTRIES), size=len(customers), p=np.array(list(COUNTRIES.values())) / sum(COUNTRIES.values())
            ),
            strict=True,
        )
    )
    times = _invoice_times(rng, n_invoices)
    guest = rng.random(n_invoices) < 0.12
    buyer = np.where(guest, -1, rng.choice(customers, size=n_invoices, p=_loyalty(rng, len(customers))))
    n_lines = np.where(guest, 2 + rng.poisson(22, n_invoices), 1 + rng.poisson(10, n_invoices))
    invoice = np.repeat(np.arange(n_invoices), n_lines)
    product = rng.integers(len(products), size=len(invoice))
    chosen = products.iloc[product].reset_index(drop=True)
    quantity = rng.choice(
        list(QUANTITIES), size=len(invoice), p=np.array(list(QUANTITIES.values())) / sum(QUANTITIES.values())
    )
    lines = pd.DataFrame(
        {
            "invoice": invoice,
            "StockCode": chosen["StockCode"],
            "Description": chosen["Description"],
            "Quantity": quantity,
            "InvoiceDate": times[invoice],
            "UnitPrice": np.where(quantity >= 24, np.round(chosen["UnitPrice"] * 0.85, 2), chosen["UnitPrice"]),
            "CustomerID": buyer[invoice],
        }
    )
    lines["Country"] = lines["CustomerID"].map(country_of).fillna("United Kingdom")
    lines = pd.concat(
        [lines, _postage(lines, rng), _cancellations(lines, rng), _adjustments(lines, rng)], ignore_index=True
    )
    lines = _number_invoices(lines.sort_values(["InvoiceDate", "invoice"], kind="stable").reset_index(drop=True))
    lines = _duplicate_rows(lines, rng)
    lines["CustomerID"] = lines["CustomerID"].where(lines["CustomerID"] >= 0)
    return _typed_retail(lines[list(ONLINE_RETAIL_COLUMNS)])


def _number_invoices(lines: pd.DataFrame) -> pd.DataFrame:
    """Number invoices by time, as the shop's system did; C for cancellations, A for the bad-debt adjustment."""
    first_seen = lines.drop_duplicates("invoice")["invoice"]
    number = pd.Series(FIRST_INVOICE + np.arange(len(first_seen)), index=first_seen.to_numpy())
    digits = lines["invoice"].map(number).astype(str)
    prefix = np.select(
        [lines["invoice"].between(CANCELLATION_KEYS, ADJUSTMENT_KEYS - 1), lines["invoice"] == BAD_DEBT_KEY],
        ["C", "A"],
        "",
    )
    return lines.assign(InvoiceNo=prefix + digits)


def _loyalty(rng: np.random.Generator, size: int) -> np.ndarray:
    """A few customers buy very often (wholesalers), most rarely: a skewed share per customer."""
    weights = rng.pareto(1.2, size) + 0.05
    return weights / weights.sum()


def _postage(lines: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Foreign invoices carry a POSTAGE line."""
    foreign = lines.loc[lines["Country"] != "United Kingdom"].drop_duplicates("invoice")
    foreign = foreign.loc[rng.random(len(foreign)) < 0.8]
    return foreign.assign(
        StockCode="POST", Description="POSTAGE", Quantity=rng.integers(1, 4, len(foreign)), UnitPrice=18.0
    )


def _cancellations(lines: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """About 2 % of lines are cancelled later on a C invoice, with the quantity negated (and a few discounts)."""
    known = lines.loc[lines["CustomerID"] >= 0]
    cancelled = known.loc[rng.random(len(known)) < 0.022].copy()
    later = pd.to_datetime(cancelled["InvoiceDate"]) + pd.to_timedelta(rng.integers(1, 21, len(cancelled)), unit="D")
    later += pd.to_timedelta(np.where(later.dt.day_of_week == 5, 1, 0), unit="D")
    cancelled["InvoiceDate"] = np.minimum(later.to_numpy(), np.datetime64("2011-12-09T12:50"))
    cancelled["Quantity"] = -cancelled["Quantity"].to_numpy()
    discounts = cancelled.iloc[: max(1, len(cancelled) // 15)].assign(
        StockCode="D",
        Description="Discount",
        Quantity=-1,
        UnitPrice=np.round(rng.uniform(5, 60, max(1, len(cancelled) // 15)), 2),
    )
    cancelled = pd.concat([cancelled, discounts], ignore_index=True)
    cancelled["invoice"] = CANCELLATION_KEYS + cancelled["invoice"].to_numpy()
    return cancelled


def _adjustments(lines: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Zero-price stock adjustments without customer (some without description), free items given to
    customers, manual lines, bank fees, and one bad-debt adjustment."""
    size = max(8, len(lines) // 250)
    base = lines.iloc[rng.integers(len(lines), size=size)].copy()
    stock = base.assign(
        invoice=ADJUSTMENT_KEYS + np.arange(size),
        UnitPrice=0.0,
        CustomerID=-1,
        Country="United Kingdom",
        Quantity=np.where(rng.random(size) < 0.5, -rng.integers(1, 50, size), rng.integers(1, 50, size)),
        Description=np.where(rng.random(size) < 0.6, None, rng.choice(["damaged", "check", "?", "found"], size=size)),
    )
    fees = lines.iloc[rng.integers(len(lines), size=4)].assign(
        StockCode=["M", "M", "BANK CHARGES", "BANK CHARGES"],
        Description=["Manual", "Manual", "Bank Charges", "Bank Charges"],
        Quantity=1,
        UnitPrice=[2.95, 35.0, 15.0, 15.0],
    )
    bad_debt = lines.iloc[[len(lines) // 2]].assign(
        invoice=BAD_DEBT_KEY,
        StockCode="B",
        Description="Adjust bad debt",
        Quantity=1,
        UnitPrice=-11062.06,
        CustomerID=-1,
        Country="United Kingdom",
    )
    known = lines.loc[lines["CustomerID"] >= 0]
    free = known.iloc[rng.integers(len(known), size=max(3, len(lines) // 400))].assign(UnitPrice=0.0)
    return pd.concat([stock, free, fees, bad_debt], ignore_index=True)


def _duplicate_rows(lines: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """About 1 % of lines recorded twice, right after the original."""
    twice = rng.random(len(lines)) < 0.01
    repeated = np.repeat(np.arange(len(lines)), np.where(twice, 2, 1))
    return lines.iloc[repeated].reset_index(drop=True)


def _typed_retail(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        InvoiceNo=frame["InvoiceNo"].astype("str"),
        StockCode=frame["StockCode"].astype("str"),
        Description=frame["Description"].astype("str").where(frame["Description"].notna()),
        Quantity=frame["Quantity"].astype(np.int64),
        InvoiceDate=pd.to_datetime(frame["InvoiceDate"]).astype("datetime64[us]"),
        UnitPrice=frame["UnitPrice"].astype(np.float64),
        CustomerID=frame["CustomerID"].astype("Int64"),
        Country=frame["Country"].astype("str"),
    )


def format_online_retail(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as the widely shared CSV copy writes them: 12/1/2010 8:26, CustomerID 17850.0.

    Examples
    --------
    >>> frame = pd.DataFrame({"InvoiceDate": pd.to_datetime(["2010-12-01 08:26"], format="%Y-%m-%d %H:%M"),
    ...                       "CustomerID": pd.array([17850], dtype="Int64"), "UnitPrice": [2.5]})
    >>> format_online_retail(frame).iloc[0].tolist()
    ['12/1/2010 8:26', '17850.0', '2.50']
    """
    dates = frame["InvoiceDate"]
    text_dates = (
        dates.dt.month.astype(str)
        + "/"
        + dates.dt.day.astype(str)
        + "/"
        + dates.dt.year.astype(str)
        + " "
        + dates.dt.hour.astype(str)
        + ":"
        + dates.dt.strftime("%M")
    )
    customer = frame["CustomerID"].astype("Float64").map("{:.1f}".format, na_action="ignore")
    return frame.assign(
        InvoiceDate=text_dates,
        CustomerID=customer.astype("str").where(frame["CustomerID"].notna()),
        UnitPrice=frame["UnitPrice"].map("{:.2f}".format),
    )


# --------------------------------------------------------------------- reading a real file


def _excel_reader_installed() -> bool:
    return importlib.util.find_spec("python_calamine") is not None


def _parse_dates(values: pd.Series, *, name: str) -> pd.Series:
    """Parse with the first format of DATE_FORMATS that reads every non-missing value."""
    present = values.notna()
    for date_format in DATE_FORMATS:
        parsed = pd.to_datetime(values, format=date_format, errors="coerce")
        if not (parsed.isna() & present).any():
            return parsed.astype("datetime64[us]")
    failed = values[pd.to_datetime(values, format=DATE_FORMATS[0], errors="coerce").isna() & present]
    raise ValueError(
        f"Column 'InvoiceDate' of `{name}` holds dates in none of the formats {list(DATE_FORMATS)}; "
        f"for example {failed.iloc[0]!r}. Save the file with one of them, or parse the column yourself."
    )


def _numbers(values: pd.Series, column: str, *, name: str, whole: bool) -> pd.Series:
    """The column as numbers (Int64 when `whole`), or a TypeError quoting what is not a number."""
    numbers = pd.to_numeric(values, errors="coerce") if not pd.api.types.is_numeric_dtype(values) else values
    not_numbers = values[numbers.isna() & values.notna()]
    if len(not_numbers) or pd.api.types.is_bool_dtype(values):
        raise TypeError(
            f"Column {column!r} of `{name}` must hold numbers; found {len(not_numbers)} other value(s), "
            f"like {sample_of(not_numbers.astype(str).tolist())}."
        )
    if not whole:
        return numbers.astype(np.float64)
    fractional = values[numbers.notna() & (numbers % 1 != 0)]
    if len(fractional):
        raise TypeError(
            f"Column {column!r} of `{name}` must hold whole numbers; found {len(fractional)} other value(s), "
            f"like {sample_of(fractional.astype(str).tolist())}."
        )
    return numbers.astype("Int64")


def read_online_retail(path: str | Path) -> pd.DataFrame:
    """Read an Online Retail file (the UCI ``.xlsx`` or a CSV copy), check and type it; clean nothing.

    Parameters
    ----------
    path : str or Path
        The file. CSV: comma-separated, UTF-8 or Latin-1 (the widely shared
        copy is Latin-1). XLSX: needs the ``python-calamine`` package.

    Returns
    -------
    DataFrame
        The eight columns, typed: ``InvoiceNo``, ``StockCode``, ``Description``
        and ``Country`` as text, ``Quantity`` int64, ``InvoiceDate`` datetime,
        ``UnitPrice`` float64, ``CustomerID`` Int64 (missing where not recorded).

    Raises
    ------
    FileNotFoundError
        No file at `path`.
    ImportError
        An ``.xlsx`` file while ``python-calamine`` is not installed.
    ValueError, TypeError
        Another file type, an empty file, a missing column, or a column that
        cannot be read as its type; the message names the file and the column.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise FileNotFoundError(
            f"No file at {path}. Download the UCI Online Retail data, or use load_online_retail_sample()."
        )
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"`{name}` must be a .csv or .xlsx file. Got {path.suffix!r} instead.")
    text_columns = {column: "str" for column in ("InvoiceNo", "StockCode", "Description", "Country")}
    if suffix == ".xlsx":
        if not _excel_reader_installed():
            raise ImportError(
                f"Reading `{name}` needs the python-calamine package, which is not installed. Install it "
                "(pip install python-calamine), or open the file in a spreadsheet and save it as CSV."
            )
        # calamine reads the 541,909-row UCI workbook in seconds; openpyxl takes about a minute.
        raw = pd.read_excel(path, dtype=text_columns, engine="calamine")
    else:
        raw = _read_csv_any_encoding(path, text_columns)
    require_non_empty(raw, name=name)
    require_columns(raw, ONLINE_RETAIL_COLUMNS, name=name)
    frame = raw[list(ONLINE_RETAIL_COLUMNS)]
    quantity = _numbers(frame["Quantity"], "Quantity", name=name, whole=True)
    if quantity.isna().any():
        raise ValueError(
            f"Column 'Quantity' of `{name}` has {int(quantity.isna().sum())} missing value(s); every line needs a quantity."
        )
    dates = (
        frame["InvoiceDate"]
        if pd.api.types.is_datetime64_any_dtype(frame["InvoiceDate"])
        else _parse_dates(frame["InvoiceDate"], name=name)
    )
    return _typed_retail(
        frame.assign(
            Quantity=quantity.astype(np.int64),
            InvoiceDate=dates,
            UnitPrice=_numbers(frame["UnitPrice"], "UnitPrice", name=name, whole=False),
            CustomerID=_numbers(frame["CustomerID"], "CustomerID", name=name, whole=True),
        )
    )


def _read_csv_any_encoding(path: Path, text_columns: dict[str, str]) -> pd.DataFrame:
    """Read a CSV as UTF-8, or as Latin-1 when it is not valid UTF-8 (the widely shared copy)."""
    try:
        for encoding in ("utf-8", "latin-1"):
            try:
                return pd.read_csv(path, dtype=text_columns, encoding=encoding, keep_default_na=False, na_values=[""])
            except UnicodeDecodeError:
                continue
    except pd.errors.EmptyDataError:
        raise ValueError(
            f"`{path.name}` is empty: no header and no rows. Expected the columns {list(ONLINE_RETAIL_COLUMNS)}."
        ) from None
    raise AssertionError("unreachable: Latin-1 decodes any bytes")  # pragma: no cover


# --------------------------------------------------------------------- cleaning


def cancellation_invoices(invoices: pd.Series, money: pd.Series) -> pd.Series:
    """Which lines are cancellation invoices: the Online Retail convention, the kit's one rule for it.

    Parameters
    ----------
    invoices : Series
        Invoice (or order) ids, as text or numbers; missing values allowed.
    money : Series
        Each line's money (``Quantity * UnitPrice``, or an amount), same index.

    Returns
    -------
    Series
        bool, same index: True for a line whose invoice is ``C`` followed by
        digits (``C536379``), in a file where other invoices are plain digits
        or where the line's money is negative. A shop whose every order id
        starts with C (``C1001``, positive amounts) has no cancellation
        invoices.

    Notes
    -----
    :func:`clean_online_retail` drops these lines; the report
    (:func:`course_lib.refunds.net_refunds`) matches them to the sale they
    cancel instead. Both use this function, so the two never disagree.

    Examples
    --------
    >>> cancellation_invoices(pd.Series(["536365", "C536379", "c536380"]), pd.Series([15.3, -15.3, 2.0])).tolist()
    [False, True, True]
    >>> cancellation_invoices(pd.Series(["C1001", "C1002"]), pd.Series([5.0, 6.0])).tolist()
    [False, False]
    """
    codes, distinct = pd.factorize(invoices)
    text = pd.Series(distinct, dtype="object").astype("str").str.strip()
    c_digits = np.append(text.str.fullmatch(r"[Cc]\d+").to_numpy(dtype=bool), False)[codes]
    some_plain_digits = bool(text.str.fullmatch(r"\d+").any())
    negative = (pd.to_numeric(money, errors="coerce") < 0).to_numpy(dtype=bool)
    return pd.Series(c_digits & (some_plain_digits | negative), index=invoices.index)


def clean_online_retail(
    data: pd.DataFrame, *, drop_non_products: bool = True, return_report: bool | None = None
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Drop the lines an RFM or clustering analysis must not count, and say how many and why.

    Parameters
    ----------
    data : DataFrame
        Online Retail lines as :func:`read_online_retail` returns them.
    drop_non_products : bool, default=True
        Also drop postage, discounts, manual entries and fees (``NON_PRODUCT_CODES``).
    return_report : bool, optional
        Also return the report of what each step dropped. Say True or False:
        until the next release, leaving it out returns both (the old
        behaviour) with a ``FutureWarning``; from then on the default is False.

    Returns
    -------
    clean : DataFrame
        The remaining lines, in their original order and columns (a new frame).
    report : DataFrame, only when `return_report` is True
        One row per step: ``step``, ``rows_dropped``, ``rows_remaining``, ``why``.
        The first row is the input itself.

    Notes
    -----
    Steps, in this order (each counts only the rows still there):
    exact duplicate rows; missing ``CustomerID``; cancellations (``InvoiceNo``
    of "C" and digits, :func:`cancellation_invoices`); non-positive ``Quantity``; non-positive ``UnitPrice``;
    non-product stock codes. Dropping cancellations, rather than netting them
    against the purchase they cancel, is the usual choice for RFM; it slightly
    overstates the spend of customers who cancelled.
    """
    require_columns(data, ONLINE_RETAIL_COLUMNS, name="data")
    require_numeric(data, "Quantity", name="data")
    require_numeric(data, "UnitPrice", name="data")
    require_datetime(data, "InvoiceDate", name="data")
    cancelled = cancellation_invoices(data["InvoiceNo"], data["Quantity"] * data["UnitPrice"])
    steps = [
        ("exact duplicates", data.duplicated(keep="first"), "the same line recorded twice; keep the first"),
        ("missing CustomerID", data["CustomerID"].isna(), "cannot be attributed to a customer"),
        (
            "cancellations",
            cancelled,
            "invoice numbers of C and digits cancel an earlier purchase (see cancellation_invoices)",
        ),
        ("non-positive Quantity", data["Quantity"] <= 0, "returns and stock adjustments, not purchases"),
        ("non-positive UnitPrice", data["UnitPrice"] <= 0, "free items and bad-debt adjustments carry no revenue"),
    ]
    if drop_non_products:
        steps.append(
            (
                "non-product codes",
                data["StockCode"].astype("str").str.upper().isin(NON_PRODUCT_CODES),
                "postage, discounts, manual entries and fees are not products",
            )
        )
    keep = pd.Series(True, index=data.index)
    rows = [("input", 0, len(data), "lines read")]
    for step, drop, why in steps:
        dropped = keep & drop.fillna(False).astype(bool)
        keep &= ~dropped
        rows.append((step, int(dropped.sum()), int(keep.sum()), why))
    clean = data.loc[keep].copy()
    if not return_flag(
        return_report, parameter="return_report", function="clean_online_retail", names=("clean", "report")
    ):
        return clean
    return clean, pd.DataFrame(rows, columns=["step", "rows_dropped", "rows_remaining", "why"])


def load_online_retail(
    path: str | Path, *, drop_non_products: bool = True, return_report: bool | None = None
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Read the real UCI Online Retail file (CSV or XLSX), check it and clean it.

    Parameters
    ----------
    path : str or Path
        The downloaded file (see :func:`read_online_retail`).
    drop_non_products : bool, default=True
        See :func:`clean_online_retail`.
    return_report : bool, optional
        Also return what was dropped at each step; see :func:`clean_online_retail`.

    Returns
    -------
    clean : DataFrame
        The lines fit for RFM and clustering.
    report : DataFrame, only when `return_report` is True
        What was dropped at each step and why (see :func:`clean_online_retail`).

    Notes
    -----
    The file itself is never modified.
    """
    lines = read_online_retail(path)
    wants_report = return_flag(
        return_report, parameter="return_report", function="load_online_retail", names=("clean", "report")
    )
    return clean_online_retail(lines, drop_non_products=drop_non_products, return_report=wants_report)
