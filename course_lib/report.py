"""The one-page report: the course's analysis of any orders file, as one self-contained HTML page.

For a shop owner who does not code: ``python -m course_lib report orders.csv
--out report.html`` reads the export (:mod:`course_lib.column_mapping`),
guesses which column is which, nets refunds and cancellations against the
sales they reverse (:mod:`course_lib.refunds`), and writes a single HTML file
that opens in any browser, offline, in English, Spanish or Portuguese
(:mod:`course_lib.report_text` holds every word):

* a reconciliation block: the file's total, then each step (refunds and
  cancellations, guest orders, rows with no date or amount, anything else
  left out), with rows and money, down to the revenue analysed;
* headline numbers, and the customers in groups (the course's RFM
  segments, :mod:`course_lib.rfm`) with an action each and a downloadable
  list per group (a CSV, also written next to the page);
* revenue over time and how often new customers come back
  (:func:`course_lib.journey.cohort_retention`), each with a reading aid;
* the best customers, what the data cannot tell, a glossary, and the
  technical details of how the file was read, in a fold.

The figures are PNG images and the lists ``data:`` links inside the page, so
nothing is fetched from the network; every value taken from the file is
escaped (:func:`html.escape`). The input file is only read, never written.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as folder:
...     orders = Path(folder) / "pedidos.csv"
...     _ = orders.write_text("Cliente;Fecha;Importe (€)\\n"
...                           "ana;01/03/2024;12,50\\nben;15/03/2024;8,00\\nana;02/04/2024;20,00\\n"
...                           "ben;20/03/2024;-8,00\\n", encoding="utf-8")
...     result = build_report(orders, Path(folder) / "informe.html")
...     page = (Path(folder) / "informe.html").read_text(encoding="utf-8")
>>> result.language, result.currency
('es', '€')
>>> result.headline["customers"], result.headline["revenue"]
(1, 32.5)
>>> result.reconciliation[["rows", "money"]].to_dict("index")["refunded"]
{'rows': 2, 'money': 0.0}
>>> "32,50 €" in page, 'src="data:image/png;base64,' in page, "http" in page
(True, True, False)
"""

from __future__ import annotations

import base64
import html
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from course_lib.column_mapping import (
    ColumnMapping,
    OrderLines,
    OrdersFile,
    detect_currency,
    guess_column_mapping,
    order_lines,
    read_orders_file,
)
from course_lib.journey import cohort_retention
from course_lib.plots.style import PALETTE, SEQUENTIAL_CMAP, finish_axes, kit_style
from course_lib.refunds import FATES, net_refunds, purchases
from course_lib.refunds import shared_orders as _shared_orders  # also used by standardise_orders
from course_lib.report_text import (
    LANGUAGES,
    SEGMENTS,
    TEXT,
    day,
    guess_language,
    money,
    number,
    percent,
    period_label,
    segment_action,
    segment_name,
)
from course_lib.rfm import assign_segments, default_segment_map, rfm_scores, rfm_table, segment_summary
from course_lib.validation import require_one_of, sample_of

__all__ = ["GENERAL_ACTIONS", "RECONCILIATION_STEPS", "ReportResult", "build_report", "reconcile", "render_report"]

#: A recommended action per segment that fits any business, in English (the
#: Spanish and Portuguese ones are in :mod:`course_lib.report_text`).
GENERAL_ACTIONS: Mapping[str, str] = {segment: action for segment, (_, action) in SEGMENTS["en"].items()}
#: The steps of the reconciliation block, in order: the rows each takes, by
#: the ``step`` column of :func:`reconcile`; "file_total" is the sum of all.
RECONCILIATION_STEPS = ("refunded", "unmatched", "guests", "no_date_or_amount", "other", "analysed")
#: Segments of customers who used to buy often and have stopped: contact them first.
_AT_RISK = ("At risk", "Can't lose them")
#: Fewer customers than this make the quantile scores fragile.
FEW_CUSTOMERS = 50
#: At most this many cohorts (the most recent) and periods after the first are drawn.
MAX_COHORTS = 12
MAX_PERIODS = 12
#: Customers listed in "Best customers".
TOP_CUSTOMERS = 10
FIGURE_DPI = 100


@dataclass(frozen=True)
class ReportResult:
    """What :func:`build_report` wrote, and the numbers behind it.

    Attributes
    ----------
    path : Path
        The HTML page written.
    source : OrdersFile
        The file as read (its ``describe()`` says how).
    mapping : ColumnMapping
        The columns used and how each was found.
    lines : OrderLines
        Every row of the file, read (dates, money, duplicates, statuses).
    reconciliation : DataFrame
        :func:`reconcile`'s table, indexed by step: ``rows`` and ``money``.
    rows : DataFrame
        Every row's ``step`` and ``fate`` (see :mod:`course_lib.refunds`).
    orders : DataFrame
        The purchases analysed: ``customer_id``, ``ordered_at``, ``amount``
        (netted refunds negative) and ``order_id`` when orders are trusted.
    headline : dict
        ``customers``, ``purchases``, ``revenue``, ``first_day``,
        ``last_day``, ``days``, ``revenue_per_customer``,
        ``mean_purchase_value``, ``repeat_share`` (0-1) and
        ``top_fifth_revenue_share`` (0-1).
    segments : DataFrame
        :func:`course_lib.rfm.segment_summary` with a general ``action``.
    customers : DataFrame
        One row per customer (index ``customer_id``): ``segment``,
        ``last_purchase``, ``frequency``, ``monetary``, ``recency``.
    best_customers : DataFrame
        The customers with the highest revenue (the customer column first).
    period : {"W", "M", "Q"} or None
        The period of the cohorts and of the revenue figure; None when the
        orders span less than two weeks.
    retention : DataFrame or None
        :func:`course_lib.journey.cohort_retention` (the cohorts drawn).
    limitations : tuple of str
        What the data could not tell, in sentences, in `language`.
    language : {"en", "es", "pt"}
        The page's language.
    currency : str or None
        The currency found in the money column's name or values.
    segment_files : dict
        Segment (the course's English name) -> the CSV list written next to the page.
    """

    path: Path
    source: OrdersFile
    mapping: ColumnMapping
    lines: OrderLines
    reconciliation: pd.DataFrame
    rows: pd.DataFrame
    orders: pd.DataFrame
    headline: dict[str, Any]
    segments: pd.DataFrame
    customers: pd.DataFrame
    best_customers: pd.DataFrame
    period: str | None
    retention: pd.DataFrame | None
    limitations: tuple[str, ...]
    language: str
    currency: str | None
    segment_files: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> str:
        """The guessed mapping, the reconciliation and the headline in a few lines (for the terminal)."""
        text, language = TEXT[self.language], self.language
        lines = [text["cli_read"].format(source=self.source.describe()), text["cli_columns"]]
        for role, row in self.mapping.describe().iterrows():
            if row["column"] != "-" or role in ("customer", "date", "order"):
                lines.append(f"  {role:<9} {row['column']!s:<24} ({text['found_' + row['found_by']]})")
        if self.lines.date_formats:
            lines.append(text["cli_dates"].format(formats=", ".join(self.lines.date_formats)))
        steps = self.reconciliation["money"]
        lines.append(
            text["cli_reconcile"].format(
                total=self._money(steps["file_total"]),
                analysed=self._money(steps["analysed"]),
                left_out=self._money(steps["file_total"] - steps["analysed"]),
            )
        )
        h = self.headline
        lines.append(
            text["cli_result"].format(
                customers=number(h["customers"], language),
                purchases=number(h["purchases"], language),
                revenue=self._money(h["revenue"]),
                first=day(h["first_day"], language),
                last=day(h["last_day"], language),
            )
        )
        lines.append(text["cli_wrote"].format(page=self.path, lists=len(self.segment_files)))
        return "\n".join(lines)

    def _money(self, value: float) -> str:
        return money(value, self.language, self.currency)


# --------------------------------------------------------------------------------------
# Building the report
# --------------------------------------------------------------------------------------


def build_report(
    orders_path: str | Path,
    out_path: str | Path,
    *,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    quantity: str | None = None,
    price: str | None = None,
    order: str | None = None,
    status: str | None = None,
    date_format: str | None = None,
    decimal: str | None = None,
    lang: str | None = None,
    title: str | None = None,
) -> ReportResult:
    """Read an orders file, analyse it and write the one-page HTML report and one CSV list per segment.

    Parameters
    ----------
    orders_path : str or Path
        The orders export: CSV (any common separator and encoding) or Excel
        ``.xlsx``; see :func:`course_lib.column_mapping.read_orders_file`. It
        is only read.
    out_path : str or Path
        The HTML file to write (``.html`` or ``.htm``), in an existing
        folder; replaced if it exists. It may not be the orders file. The
        lists are written next to it, as ``<name>-<segment>.csv``.
    customer, date, amount, quantity, price, order, status : str, optional
        Column names that override the guess
        (:func:`course_lib.column_mapping.guess_column_mapping`).
    date_format : str, optional
        The dates' format, like ``"%m/%d/%Y"``; None: chosen from the values.
    decimal : {".", ","} or None, default=None
        The decimal mark of the money; None: from the file and the values.
    lang : {"en", "es", "pt"} or None, default=None
        The page's language; None: Spanish or Portuguese when the column
        names clearly are (:func:`course_lib.report_text.guess_language`),
        else English.
    title : str, optional
        The page's title; default: from the file name, in `lang`.

    Returns
    -------
    ReportResult
        The path written, the mapping, the reconciliation and the numbers shown.

    Raises
    ------
    FileNotFoundError
        No file at `orders_path`.
    ValueError, TypeError
        The file cannot be read as a table, a column cannot be found or does
        not exist, no purchase is left, or `out_path` is not a new ``.html``
        file in an existing folder. Every message says what to do; nothing
        is written then.

    Notes
    -----
    Refunds are netted by :func:`course_lib.refunds.net_refunds`. The
    analysis is the course's: RFM in the marketing convention
    (:func:`course_lib.rfm.rfm_table`, snapshot the day after the last
    order; a purchase is an order, or a customer's day of purchases when the
    file has no order id), quantile scores 1-5 where equal values share a
    score (``ties="min"``), the ten-segment map with :data:`GENERAL_ACTIONS`,
    and first-purchase cohorts by month (by week for less than three months
    of orders, by quarter for more than three years).
    """
    if lang is not None:
        require_one_of(lang, LANGUAGES, parameter="lang", function="build_report")
    orders_path, out_path = Path(orders_path), Path(out_path)
    _check_out_path(orders_path, out_path)
    orders_file = read_orders_file(orders_path)
    decimal = decimal or orders_file.decimal
    mapping = guess_column_mapping(
        orders_file.data,
        customer=customer,
        date=date,
        amount=amount,
        quantity=quantity,
        price=price,
        order=order,
        status=status,
        decimal=decimal,
        name=orders_file.name,
    )
    lines = order_lines(orders_file.data, mapping, date_format=date_format, decimal=decimal, name=orders_file.name)
    language = lang or guess_language(orders_file.data.columns)
    currency = detect_currency(orders_file.data, mapping)
    segment_paths = _segment_paths(out_path, orders_path, language)
    result = _analyse(
        lines,
        orders_file=orders_file,
        mapping=mapping,
        out_path=out_path,
        language=language,
        currency=currency,
        segment_paths=segment_paths,
    )
    lists = {segment: _segment_csv(result, segment) for segment in result.segment_files}
    page = render_report(result, title=title, lists=lists)
    try:  # only now, with every number computed: a bad file leaves no partial page behind
        for segment, path in result.segment_files.items():
            path.write_bytes(lists[segment])
        out_path.write_text(page, encoding="utf-8")
    except OSError as error:
        raise ValueError(f"Cannot write the report to {out_path.parent} ({error.strerror}).") from None
    return result


def _check_out_path(orders_path: Path, out_path: Path) -> None:
    """The report goes to a .html file in an existing folder, never over the orders file."""
    if out_path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"The report is an HTML page: give an output file ending in .html (got {out_path.name!r}).")
    if not out_path.parent.is_dir():
        raise ValueError(f"The folder of the output file does not exist: {out_path.parent}. Create it first.")
    if out_path.is_dir():
        raise ValueError(f"{out_path} is a folder; give a file name ending in .html.")
    if _same_file(out_path, orders_path):
        raise ValueError("The output file is the orders file itself; choose another name, the orders stay untouched.")


def _same_file(one: Path, other: Path) -> bool:
    return one.resolve() == other.resolve() or (one.exists() and other.exists() and one.samefile(other))


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _segment_paths(out_path: Path, orders_path: Path, language: str) -> dict[str, Path]:
    """Where each segment's list goes: next to the page, named after it and the segment (never the input)."""
    paths = {}
    for segment in default_segment_map()["segment"].tolist() + ["Other"]:
        path = out_path.with_name(f"{out_path.stem}-{_slug(segment_name(segment, language))}.csv")
        if _same_file(path, orders_path):
            raise ValueError(
                f"A customer list would be written over the orders file ({path.name}); give the page another name."
            )
        paths[segment] = path
    return paths


def _retention_period(first_day: pd.Timestamp, last_day: pd.Timestamp) -> str | None:
    """Cohorts by week for under 3 months of orders, by quarter beyond 3 years, else by month; None under 2 weeks."""
    days = (last_day - first_day).days
    if days < 14:
        return None
    if days < 91:
        return "W"
    return "Q" if days > 3 * 365 else "M"


def reconcile(lines: pd.DataFrame, *, trust_orders: bool = True) -> pd.DataFrame:
    """Give every row of the file one step of the reconciliation, refunds netted; DataFrames in and out.

    Parameters
    ----------
    lines : DataFrame
        :attr:`course_lib.column_mapping.OrderLines.lines`: ``customer_id``,
        ``ordered_at``, ``amount``, ``duplicate``, ``cancelled`` and
        optionally ``order_id``. Not modified.
    trust_orders : bool, default=True
        False when the order column cannot be an order id (an id shared by
        customers): refunds are then matched by customer and amount only, and
        purchases counted by day.

    Returns
    -------
    DataFrame
        The rows of :func:`course_lib.refunds.net_refunds` (``fate``,
        ``matched_by``, ``purchase_order``, ``purchased_at``; a duplicate
        or unreadable row has its own fate), and ``step``, one of
        :data:`RECONCILIATION_STEPS`, for every row of `lines`, same index.

    Examples
    --------
    >>> lines = pd.DataFrame({"customer_id": ["ana", "ana", None, "ben"],
    ...     "ordered_at": pd.to_datetime(["2024-01-05", "2024-01-05", "2024-01-06", None], format="%Y-%m-%d"),
    ...     "amount": [10.0, 10.0, 5.0, 7.0], "duplicate": [False, True, False, False],
    ...     "cancelled": [False] * 4})
    >>> reconcile(lines)["step"].tolist()
    ['analysed', 'other', 'guests', 'no_date_or_amount']
    """
    unreadable = (lines["ordered_at"].isna() | lines["amount"].isna()).to_numpy()
    duplicate = lines["duplicate"].to_numpy(dtype=bool) & ~unreadable
    readable = ~unreadable & ~duplicate
    netted = net_refunds(lines[readable], order="order_id" if trust_orders else None)
    fate = np.full(len(lines), "no date or amount", dtype=object)
    fate[duplicate] = "duplicate"
    fate[readable] = netted["fate"].to_numpy()
    matched_by = np.full(len(lines), np.nan, dtype=object)
    matched_by[readable] = netted["matched_by"].to_numpy()
    purchase_order = np.full(len(lines), np.nan, dtype=object)
    purchase_order[readable] = netted["purchase_order"].to_numpy()
    purchased_at = pd.Series(pd.NaT, index=lines.index, dtype=lines["ordered_at"].dtype)
    purchased_at[readable] = netted["purchased_at"].to_numpy()
    fate = pd.Categorical(fate, categories=[*FATES, "duplicate", "no date or amount"])
    step_of_fate = {
        "refunded sale": "refunded",
        "refund": "refunded",
        "cancelled": "refunded",
        "unmatched refund": "unmatched",
        "no date or amount": "no_date_or_amount",
        "duplicate": "other",
        "zero amount": "other",
    }
    step_codes = np.array([RECONCILIATION_STEPS.index(step_of_fate.get(name, "analysed")) for name in fate.categories])[
        fate.codes
    ]
    guests = (step_codes == RECONCILIATION_STEPS.index("analysed")) & lines["customer_id"].isna().to_numpy()
    step_codes[guests] = RECONCILIATION_STEPS.index("guests")
    return lines.assign(
        fate=np.asarray(fate, dtype=object),
        matched_by=matched_by,
        purchase_order=purchase_order,
        purchased_at=purchased_at,
        step=pd.Categorical.from_codes(step_codes, categories=list(RECONCILIATION_STEPS)),
    )


def _reconciliation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows and money per step, the file's total first; the steps add up to the total."""
    money = rows["amount"].fillna(0.0)
    by_step = pd.DataFrame({"rows": rows.groupby("step").size(), "money": money.groupby(rows["step"]).sum()})
    table = by_step.reindex(list(RECONCILIATION_STEPS), fill_value=0)
    total = pd.DataFrame({"rows": [len(rows)], "money": [float(money.sum())]}, index=["file_total"])
    table = pd.concat([total, table]).astype({"rows": "int64", "money": "float64"})
    table.index.name = "step"
    return table


def _analysed_orders(rows: pd.DataFrame, trust_orders: bool) -> pd.DataFrame:
    """The purchases analysed, in the course's columns (a purchase's refunds dated on its day)."""
    counted = purchases(rows[rows["step"] == "analysed"])
    orders = counted.rename(columns={"purchased_at": "ordered_at"})
    if "order_id" in orders.columns:
        if not trust_orders:
            orders = orders.drop(columns="order_id")
        else:  # a sale without an order id is an order of its own
            missing = orders["order_id"].isna()
            orders.loc[missing, "order_id"] = "row " + orders.index[missing].astype("str")
    return orders[["customer_id", "ordered_at", "amount"] + [c for c in ("order_id",) if c in orders.columns]]


def _analyse(
    lines: OrderLines,
    *,
    orders_file: OrdersFile,
    mapping: ColumnMapping,
    out_path: Path,
    language: str,
    currency: str | None,
    segment_paths: Mapping[str, Path],
) -> ReportResult:
    """Every number of the report, from the rows read."""
    shared_orders = _shared_orders(lines.lines)
    trust_orders = "order_id" in lines.lines.columns and not len(shared_orders)
    rows = reconcile(lines.lines, trust_orders=trust_orders)
    reconciliation = _reconciliation_table(rows)
    orders = _analysed_orders(rows, trust_orders)
    if orders.empty:
        steps = ", ".join(
            f"{step}: {count:,}"
            for step, count in reconciliation["rows"].iloc[1:].items()
            if count and step != "analysed"
        )
        raise ValueError(
            f"No purchase is left in `{orders_file.name}` after cleaning: every one of its {len(rows):,} rows "
            f"was left out ({steps}). Columns used: customer={mapping.customer!r}, date={mapping.date!r}, "
            f"money={mapping.money()}. If a column was guessed wrong, name it yourself."
        )
    # Ids are text (e-mails, names, codes); pandas groups integer codes many times faster.
    customer_codes, customer_ids = pd.factorize(orders["customer_id"])
    coded = orders.assign(customer_id=customer_codes)
    if "order_id" in coded.columns:
        coded["order_id"] = pd.factorize(coded["order_id"])[0]
    table = rfm_table(coded, order="order_id" if trust_orders else None)
    table = table[table["frequency"] > 0]
    table.index = pd.Index(customer_ids[table.index], name="customer_id")
    segment_map = default_segment_map().assign(action=lambda frame: frame["segment"].map(GENERAL_ACTIONS))
    segmented = assign_segments(rfm_scores(table, ties="min"), segment_map=segment_map)
    summary = segment_summary(segmented, segment_map=segment_map)
    summary["action"] = summary.index.map(GENERAL_ACTIONS)
    last_purchase = orders.groupby("customer_id")["ordered_at"].max().dt.normalize()
    customers = segmented.assign(last_purchase=last_purchase.reindex(segmented.index))

    first_day, last_day = orders["ordered_at"].min().normalize(), orders["ordered_at"].max().normalize()
    revenue = float(table["monetary"].sum())
    sorted_spend = table["monetary"].sort_values(ascending=False)
    top_fifth = sorted_spend.iloc[: max(1, int(np.ceil(len(sorted_spend) / 5)))].sum()
    headline = {
        "customers": len(table),
        "purchases": int(table["frequency"].sum()),
        "revenue": revenue,
        "first_day": first_day,
        "last_day": last_day,
        "days": int((last_day - first_day).days) + 1,
        "revenue_per_customer": revenue / len(table),
        "mean_purchase_value": revenue / table["frequency"].sum(),
        "repeat_share": float((table["frequency"] >= 2).mean()),
        "top_fifth_revenue_share": float(top_fifth / revenue) if revenue > 0 else float("nan"),
    }
    period = _retention_period(first_day, last_day)
    retention = None
    if period is not None:
        retention = cohort_retention(coded, period=period).tail(MAX_COHORTS)
    best = (
        customers.sort_values(["monetary", "frequency"], ascending=False, kind="stable")
        .head(TOP_CUSTOMERS)
        .reset_index()
    )
    present = summary.index[summary["customers"] > 0]
    return ReportResult(
        path=out_path,
        source=orders_file,
        mapping=mapping,
        lines=lines,
        reconciliation=reconciliation,
        rows=rows,
        orders=orders,
        headline=headline,
        segments=summary,
        customers=customers,
        best_customers=best,
        period=period,
        retention=retention,
        limitations=_limitations(
            lines,
            reconciliation=reconciliation,
            mapping=mapping,
            headline=headline,
            period=period,
            trust_orders=trust_orders,
            shared_orders=shared_orders,
            language=language,
            currency=currency,
        ),
        language=language,
        currency=currency,
        segment_files={segment: segment_paths[segment] for segment in present},
    )


def _limitations(
    lines: OrderLines,
    *,
    reconciliation: pd.DataFrame,
    mapping: ColumnMapping,
    headline: Mapping[str, Any],
    period: str | None,
    trust_orders: bool,
    shared_orders: pd.Index,
    language: str,
    currency: str | None,
) -> tuple[str, ...]:
    """What this file cannot say, as sentences: the general limits of orders data, then this file's."""
    text = TEXT[language]
    notes = [text["limit_why"], text["limit_profit"], text["limit_before"]]
    guests = reconciliation.loc["guests"]
    total = reconciliation.at["file_total", "money"]
    if guests["rows"]:
        notes.append(
            text["limit_guests"].format(
                rows=number(guests["rows"], language),
                money=money(guests["money"], language, currency),
                share=percent(guests["money"] / total, language) if total > 0 else "–",
            )
        )
    if len(shared_orders):
        notes.append(
            text["limit_shared_orders"].format(
                count=number(len(shared_orders), language), examples=sample_of(shared_orders.astype(str).tolist())
            )
        )
    elif not trust_orders:
        notes.append(text["limit_no_orders"])
    unmatched = reconciliation.loc["unmatched"]
    if unmatched["rows"]:
        notes.append(
            text["limit_unmatched"].format(
                rows=number(unmatched["rows"], language), money=money(unmatched["money"], language, currency)
            )
        )
    if headline["days"] < 365:
        notes.append(text["limit_seasons"].format(days=number(headline["days"], language)))
    if period is None:
        notes.append(text["limit_short"])
    if lines.day_month_ambiguous:
        notes.append(text["limit_ambiguous"])
    if headline["customers"] < FEW_CUSTOMERS:
        notes.append(text["limit_few"].format(customers=number(headline["customers"], language)))
    notes.append(text["limit_money"].format(currency=currency) if currency is not None else text["limit_money_unknown"])
    return tuple(notes)


# --------------------------------------------------------------------------------------
# The lists
# --------------------------------------------------------------------------------------


def _segment_csv(result: ReportResult, segment: str) -> bytes:
    """One segment's customers as CSV bytes, best first, in the page's language.

    Spanish and Portuguese lists use ';' and a decimal comma, as spreadsheets
    set to those languages expect; UTF-8 with a byte-order mark, so Excel shows
    accents right.
    """
    language, text = result.language, TEXT[result.language]
    members = result.customers[result.customers["segment"] == segment].sort_values(
        ["monetary", "frequency"], ascending=False, kind="stable"
    )
    frame = pd.DataFrame(
        {
            text["csv_customer"]: members.index.astype("str"),
            text["csv_segment"]: segment_name(segment, language),
            text["csv_last_purchase"]: members["last_purchase"].dt.strftime("%Y-%m-%d").to_numpy(),
            text["csv_purchases"]: members["frequency"].to_numpy(),
            text["csv_revenue"]: members["monetary"].round(2).to_numpy(),
            text["csv_action"]: segment_action(segment, language),
        }
    )
    comma = language in ("es", "pt")
    content = frame.to_csv(index=False, sep=";" if comma else ",", decimal="," if comma else ".", lineterminator="\r\n")
    return content.encode("utf-8-sig")


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def _png(figure: Figure) -> str:
    """The figure as base64 PNG text, for an <img src="data:..."> (no file, no network)."""
    buffer = io.BytesIO()
    # The layout is constrained already; a tight bounding box would draw the figure twice.
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches=None, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _segment_figure(summary: pd.DataFrame, language: str) -> str:
    with kit_style():  # drawn under the style it was made with
        return _png(segment_figure(summary, language))


def segment_figure(summary: pd.DataFrame, language: str) -> Figure:
    """Share of customers and of revenue per segment; the legend sits above the bars, never on them."""
    text = TEXT[language]
    shown = summary[summary["customers"] > 0]
    with kit_style():
        figure = Figure(figsize=(8, max(3.0, 0.5 * len(shown) + 1.6)), layout="constrained")
        ax = figure.subplots()
        positions = np.arange(len(shown))[::-1]
        height = 0.4
        for offset, column, label, colour in (
            (height / 2, "customer_share", text["legend_customers"], PALETTE[0]),
            (-height / 2, "revenue_share", text["legend_revenue"], PALETTE[1]),
        ):
            bars = ax.barh(positions + offset, 100 * shown[column], height=height, color=colour, label=label)
            ax.bar_label(bars, labels=[percent(share, language) for share in shown[column]], padding=2, fontsize=8)
        ax.set_yticks(positions, [segment_name(segment, language) for segment in shown.index])
        ax.set_xlim(0, max(100 * shown[["customer_share", "revenue_share"]].to_numpy().max(), 1) * 1.2)
        figure.legend(loc="outside upper right", ncols=2, frameon=False)
        finish_axes(
            ax, title=text["figure_segments_title"], xlabel=text["figure_segments_x"], ylabel=text["figure_segments_y"]
        )
        return figure


def _retention_figure(retention: pd.DataFrame, period: str, language: str) -> str:
    with kit_style():
        return _png(retention_figure(retention, period, language))


def retention_figure(retention: pd.DataFrame, period: str, language: str) -> Figure:
    """Cohorts down, periods across, each cell's percentage written in it; column 0 in grey, off the scale."""
    text = TEXT[language]
    shown = retention.iloc[:, : MAX_PERIODS + 1]
    values = shown.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    later = values[:, 1:]
    top = np.nanmax(later) if np.isfinite(later).any() else 1.0
    norm = Normalize(vmin=0, vmax=max(top, 0.01))
    n_rows, n_columns = values.shape
    with kit_style():
        figure = Figure(
            figsize=(min(10.0, 3.8 + 0.62 * n_columns), max(2.8, 1.6 + 0.38 * n_rows)), layout="constrained"
        )
        ax = figure.subplots()
        image = ax.imshow(
            np.ma.masked_invalid(np.column_stack([np.full(n_rows, np.nan), later])),
            cmap=SEQUENTIAL_CMAP,
            norm=norm,
            aspect="auto",
        )
        cmap = image.get_cmap()
        for row in range(n_rows):
            ax.add_patch(Rectangle((-0.5, row - 0.5), 1, 1, facecolor="#e6e6e6", edgecolor="white"))
            for column in range(n_columns):
                value = values[row, column]
                if np.isnan(value):
                    continue
                dark = column > 0 and sum(cmap(norm(value))[:3]) < 1.5
                ax.text(
                    column,
                    row,
                    percent(value, language),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white" if dark else "#222222",
                )
        cohorts = shown.index.get_level_values("cohort")
        sizes = shown.index.get_level_values("customers")
        ax.set_yticks(
            range(n_rows),
            [
                f"{period_label(cohort, language)} ({number(size, language)})"
                for cohort, size in zip(cohorts, sizes, strict=True)
            ],
        )
        ax.set_xticks(range(n_columns), [str(column) for column in range(n_columns)])
        colorbar = figure.colorbar(image, ax=ax, shrink=0.8)
        colorbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: percent(value, language)))
        period_word = text[f"period_{period}"]
        finish_axes(
            ax,
            title=text["figure_retention_title"].format(period=period_word),
            xlabel=text["figure_retention_x"].format(periods=text[f"periods_{period}"]),
            ylabel=text["figure_retention_y"],
        )
        return figure


def _revenue_figure(orders: pd.DataFrame, period: str, language: str, currency: str | None) -> str:
    """Revenue per period (bars), the business's heartbeat over the file's time span."""
    text = TEXT[language]
    periods = orders["ordered_at"].dt.to_period(period)
    every_period = pd.period_range(periods.min(), periods.max(), freq=periods.dt.freq)
    per_period = orders.groupby(periods)["amount"].sum().reindex(every_period, fill_value=0.0)
    with kit_style():
        figure = Figure(figsize=(8, 3.4), layout="constrained")
        ax = figure.subplots()
        ax.bar(range(len(per_period)), per_period.to_numpy(), color=PALETTE[0])
        step = max(1, len(per_period) // 12)
        ax.set_xticks(
            range(0, len(per_period), step),
            [period_label(label, language) for label in per_period.index[::step]],
            rotation=45,
            ha="right",
        )
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: number(value, language)))
        ylabel = text["figure_revenue_y"].format(currency=currency) if currency else text["figure_revenue_y_plain"]
        period_word = text[f"period_{period}"]
        finish_axes(ax, title=text["figure_revenue_title"].format(period=period_word), xlabel="", ylabel=ylabel)
        return _png(figure)


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

_STYLE = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0;
       background: #f6f7f9; line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 20px 24px 48px; background: #fff; overflow-wrap: break-word; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; } h2 { margin-top: 1.8em; border-bottom: 2px solid #0072B2;
     padding-bottom: 4px; font-size: 1.25em; }
.lead { color: #555; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { border: 1px solid #dde1e6; border-radius: 8px; padding: 10px 14px; }
.card .value { font-size: 1.4em; font-weight: 700; color: #0072B2; }
.card .label { font-size: 0.85em; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 8px 0; table-layout: auto; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 5px 7px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; hyphens: auto; } td.number, th.number { text-align: right; }
td.number, td a { white-space: nowrap; } td.id { overflow-wrap: anywhere; } td.wide { min-width: 16em; }
tr.total td { font-weight: 700; border-top: 2px solid #888; } tr.first td { font-weight: 700; }
img { max-width: 100%; height: auto; display: block; margin: 10px 0; }
.advice { background: #fff7e6; border-left: 4px solid #E69F00; padding: 8px 12px; }
.read { color: #444; font-size: 0.92em; font-style: italic; }
.check { color: #1b6b3a; }
dt { font-weight: 700; } dd { margin: 0 0 8px 0; }
details { margin-top: 2em; border: 1px solid #dde1e6; border-radius: 8px; padding: 8px 12px; }
summary { cursor: pointer; font-weight: 600; }
code { overflow-wrap: anywhere; }
footer { margin-top: 2.5em; font-size: 0.8em; color: #666; }
@media (max-width: 700px) {
  main { padding: 12px 12px 32px; }
  table, thead, tbody, tr, th, td { display: block; width: 100%; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border: 1px solid #dde1e6; border-radius: 6px; margin: 0 0 10px; padding: 4px 8px; }
  td, td.wide { border: none; padding: 3px 0; min-width: 0; }
  td.number { text-align: left; white-space: normal; }
  tr.total td { border-top: none; } tr.total { border: 2px solid #888; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: #555; }
}
"""


def _e(value: Any) -> str:
    """Escape any value for HTML text or attributes (quotes included)."""
    return html.escape(str(value), quote=True)


def _html_table(
    frame: pd.DataFrame,
    *,
    numeric: Sequence[str] = (),
    raw: Sequence[str] = (),
    ids: Sequence[str] = (),
    wide: Sequence[str] = (),
    row_classes: Sequence[str] = (),
) -> str:
    """A table whose every header and cell is escaped (except `raw` columns, built here from escaped parts).

    Each cell carries its column's name (``data-label``), shown before it when
    a narrow screen stacks the cells.
    """

    def cell(column: str, value: Any) -> str:
        content = value if column in raw else _e(value)
        kind = (
            ' class="number"'
            if column in numeric
            else ' class="id"'
            if column in ids
            else ' class="wide"'
            if column in wide
            else ""
        )
        return f'<td{kind} data-label="{_e(column)}">{content}</td>'

    head = "".join(
        f'<th class="number">{_e(column)}</th>' if column in numeric else f"<th>{_e(column)}</th>"
        for column in frame.columns
    )
    rows = []
    for position, values in enumerate(frame.itertuples(index=False)):
        cells = "".join(cell(column, value) for column, value in zip(frame.columns, values, strict=True))
        kind = row_classes[position] if position < len(row_classes) else ""
        rows.append(f'<tr class="{kind}">{cells}</tr>' if kind else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _reconciliation_html(result: ReportResult) -> str:
    text, language = TEXT[result.language], result.language
    table = result.reconciliation
    labels = {
        "file_total": text["step_file_total"],
        "refunded": text["step_refunded"],
        "unmatched": text["step_unmatched"],
        "guests": text["step_guests"],
        "no_date_or_amount": text["step_no_date_or_amount"],
        "other": text["step_other"],
        "analysed": text["step_analysed"],
    }
    shown = [step for step in table.index if step in ("file_total", "analysed") or table.at[step, "rows"]]
    frame = pd.DataFrame(
        {
            text["col_step"]: [labels[step] for step in shown],
            text["col_rows"]: [number(table.at[step, "rows"], language) for step in shown],
            text["col_money"]: [result._money(table.at[step, "money"]) for step in shown],
        }
    )
    classes = ["first" if step == "file_total" else "total" if step == "analysed" else "" for step in shown]
    partial = result.rows[result.rows["fate"] == "refund netted"]
    notes = []
    if len(partial):
        notes.append(
            text["partial_refunds"].format(
                count=number(len(partial), language), money=result._money(partial["amount"].sum())
            )
        )
    left_out = table.loc[list(RECONCILIATION_STEPS[:-1]), "money"].sum()
    notes.append(
        text["reconcile_check"].format(
            analysed=result._money(table.at["analysed", "money"]),
            left_out=result._money(left_out),
            total=result._money(table.at["file_total", "money"]),
        )
    )
    return (
        f"<p>{_e(text['reconcile_intro'])}</p>"
        + _html_table(frame, numeric=(text["col_rows"], text["col_money"]), row_classes=classes)
        + "".join(f'<p class="check">{_e(note)}</p>' for note in notes)
    )


def _cards(result: ReportResult) -> str:
    text, language, h = TEXT[result.language], result.language, result.headline
    cards = [
        (number(h["customers"], language), text["card_customers"]),
        (number(h["purchases"], language), text["card_purchases"]),
        (result._money(h["revenue"]), text["card_revenue"]),
        (result._money(h["mean_purchase_value"]), text["card_mean_purchase"]),
        (percent(h["repeat_share"], language), text["card_repeat"]),
        (percent(h["top_fifth_revenue_share"], language), text["card_top_fifth"]),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="value">{_e(value)}</div><div class="label">{_e(label)}</div></div>'
            for value, label in cards
        )
        + "</div>"
    )


def _download_link(result: ReportResult, segment: str, content: bytes) -> str:
    text = TEXT[result.language]
    customers = int(result.segments.at[segment, "customers"])
    encoded = base64.b64encode(content).decode("ascii")
    return (
        f'<a download="{_e(result.segment_files[segment].name)}" href="data:text/csv;charset=utf-8;base64,{encoded}">'
        f"{_e(text['download'].format(customers=number(customers, result.language)))}</a>"
    )


def _segment_table(result: ReportResult, lists: Mapping[str, bytes]) -> str:
    text, language = TEXT[result.language], result.language
    shown = result.segments[result.segments["customers"] > 0]
    frame = pd.DataFrame(
        {
            text["col_segment"]: [segment_name(segment, language) for segment in shown.index],
            text["col_customers"]: [number(value, language) for value in shown["customers"]],
            text["col_customer_share"]: [percent(value, language) for value in shown["customer_share"]],
            text["col_revenue"]: [result._money(value) for value in shown["revenue"]],
            text["col_revenue_share"]: [percent(value, language) for value in shown["revenue_share"]],
            text["col_recency_mean"]: [number(value, language) for value in shown["recency_mean"]],
            text["col_frequency_mean"]: [number(value, language, decimals=1) for value in shown["frequency_mean"]],
            text["col_action"]: [segment_action(segment, language) for segment in shown.index],
            text["col_list"]: [_download_link(result, segment, lists[segment]) for segment in shown.index],
        }
    )
    numeric = [text[key] for key in ("col_customers", "col_customer_share", "col_revenue", "col_revenue_share")]
    numeric += [text["col_recency_mean"], text["col_frequency_mean"]]
    return _html_table(frame, numeric=numeric, raw=(text["col_list"],), wide=(text["col_action"],))


def _advice(result: ReportResult) -> str:
    """Two sentences on where the money is and who is slipping away, from the segment table."""
    text, language = TEXT[result.language], result.language
    shown = result.segments[result.segments["customers"] > 0]
    richest = shown["revenue_share"].idxmax()
    sentences = [
        text["advice_richest"].format(
            segment=segment_name(richest, language),
            customers=percent(shown.at[richest, "customer_share"], language),
            revenue=percent(shown.at[richest, "revenue_share"], language),
        )
    ]
    at_risk = shown.loc[shown.index.isin(_AT_RISK)]
    if len(at_risk):
        sentences.append(
            text["advice_at_risk"].format(
                customers=number(int(at_risk["customers"].sum()), language),
                segments=", ".join(segment_name(segment, language) for segment in at_risk.index),
                revenue=percent(at_risk["revenue_share"].sum(), language),
            )
        )
    return " ".join(sentences)


def _best_table(result: ReportResult) -> str:
    text, language = TEXT[result.language], result.language
    best = result.best_customers
    frame = pd.DataFrame(
        {
            text["col_customer"]: best["customer_id"],
            text["col_segment"]: [segment_name(segment, language) for segment in best["segment"]],
            text["col_purchases"]: [number(value, language) for value in best["frequency"]],
            text["col_revenue"]: [result._money(value) for value in best["monetary"]],
            text["col_last_purchase"]: [day(value, language) for value in best["last_purchase"]],
        }
    )
    return _html_table(frame, numeric=(text["col_purchases"], text["col_revenue"]), ids=(text["col_customer"],))


def _glossary(language: str) -> str:
    entries = [line.split("|", 1) for line in TEXT[language]["glossary"].splitlines()]
    return "<dl>" + "".join(f"<dt>{_e(term)}</dt><dd>{_e(meaning)}</dd>" for term, meaning in entries) + "</dl>"


def _technical(result: ReportResult) -> str:
    text, language = TEXT[result.language], result.language
    described = result.mapping.describe()
    mapping = pd.DataFrame(
        {
            text["col_role"]: [text[f"role_{role}"] for role in described.index],
            text["col_column"]: described["column"].astype(str).tolist(),
            text["col_found_by"]: [text[f"found_{how}"] for how in described["found_by"]],
        }
    )
    fates = result.rows["fate"].where(
        ~(result.rows["fate"].isin(["sale", "refund netted"]) & result.rows["customer_id"].isna()), "guest"
    )
    counts = fates.value_counts()
    fate_table = pd.DataFrame(
        {
            text["col_fate"]: [text[f"fate_{fate}"] for fate in counts.index],
            text["col_rows"]: [number(count, language) for count in counts],
        }
    )
    parts = [
        f"<p>{_e(text['technical_source'].format(source=result.source.describe()))}</p>",
        _html_table(mapping),
    ]
    if result.lines.date_formats:
        formats = ", ".join(result.lines.date_formats)
        parts.append(f"<p>{_e(text['technical_dates'].format(formats=formats))}</p>")
    currency = (
        text["technical_currency"].format(currency=result.currency)
        if result.currency
        else text["technical_currency_none"]
    )
    parts += [
        f"<p>{_e(currency)}</p>",
        _html_table(fate_table, numeric=(text["col_rows"],)),
        f"<p><code>{_e(text['technical_flags'])}</code></p>",
    ]
    return f"<details><summary>{_e(text['technical_heading'])}</summary>{''.join(parts)}</details>"


def render_report(result: ReportResult, *, title: str | None = None, lists: Mapping[str, bytes] | None = None) -> str:
    """The report as one self-contained HTML page (figures and lists inline, every value escaped).

    Parameters
    ----------
    result : ReportResult
        The numbers, from :func:`build_report`.
    title : str, optional
        The page's title; default: from the file name, in the result's language.
    lists : dict, optional
        Segment -> its CSV list as bytes, for the download links; default: made from `result`.

    Returns
    -------
    str
        The HTML page: no script, no style sheet or image fetched from
        anywhere, UTF-8.
    """
    text, language, h = TEXT[result.language], result.language, result.headline
    title = title or text["title"].format(file=result.source.name)
    lists = lists if lists is not None else {segment: _segment_csv(result, segment) for segment in result.segment_files}
    lead = text["lead"].format(
        first=day(h["first_day"], language), last=day(h["last_day"], language), days=number(h["days"], language)
    )
    files = ", ".join(path.name for path in result.segment_files.values())
    sections = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">{_e(lead)}</p>',
        f"<h2>{_e(text['reconcile_heading'])}</h2>",
        _reconciliation_html(result),
        f"<h2>{_e(text['headline_heading'])}</h2>",
        _cards(result),
        f"<h2>{_e(text['segments_heading'])}</h2>",
        f"<p>{_e(text['segments_intro'])}</p>",
        f'<p class="advice">{_e(_advice(result))}</p>',
        f'<img alt="{_e(text["figure_segments_title"])}" '
        f'src="data:image/png;base64,{_segment_figure(result.segments, language)}">',
        f'<p class="read">{_e(text["read_segments"])}</p>',
        _segment_table(result, lists),
        f"<p>{_e(text['downloads_note'].format(files=files))}</p>",
    ]
    if result.period is not None:
        reading = text["read_revenue"].format(
            period=text[f"period_{result.period}"], one_period=text[f"one_period_{result.period}"]
        )
        sections += [
            f"<h2>{_e(text['revenue_heading'])}</h2>",
            f'<img alt="{_e(text["revenue_heading"])}" src="data:image/png;base64,'
            f'{_revenue_figure(result.orders, result.period, language, result.currency)}">',
            f'<p class="read">{_e(reading)}</p>',
        ]
    if result.retention is not None and result.retention.shape[1] > 1:
        periods = text[f"periods_{result.period}"]
        sections += [
            f"<h2>{_e(text['retention_heading'])}</h2>",
            f'<img alt="{_e(text["retention_heading"])}" src="data:image/png;base64,'
            f'{_retention_figure(result.retention, result.period, language)}">',
            '<p class="read">'
            + _e(
                text["read_retention"].format(
                    period=text[f"period_{result.period}"],
                    that_period=text[f"that_period_{result.period}"],
                    periods_lower=periods.lower(),
                )
            )
            + "</p>",
        ]
    sections += [
        f"<h2>{_e(text['best_heading'])}</h2>",
        _best_table(result),
        f"<h2>{_e(text['limits_heading'])}</h2>",
        "<ul>" + "".join(f"<li>{_e(note)}</li>" for note in result.limitations) + "</ul>",
        f"<h2>{_e(text['glossary_heading'])}</h2>",
        _glossary(language),
        _technical(result),
        f"<footer>{_e(text['footer'])}</footer>",
    ]
    body = "\n".join(section for section in sections if section)
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
