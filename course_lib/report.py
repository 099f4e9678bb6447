"""The one-page report: the course's analysis of any orders file, as one self-contained HTML page.

For a shop owner who does not code: ``python -m course_lib report orders.csv
--out report.html`` reads the export (:mod:`course_lib.column_mapping`),
guesses which column is which, cleans the rows with a written report, and
writes a single HTML file that opens in any browser, offline:

* headline numbers (customers, purchases, revenue, period, repeat buyers);
* RFM segments (:mod:`course_lib.rfm`) with their sizes, revenue shares and a
  recommended action each, next to a figure;
* a cohort retention view (:func:`course_lib.journey.cohort_retention`);
* the best customers, the columns used and the cleaning steps;
* what the data could not tell.

The figures are PNG images embedded in the page (base64), so nothing is
fetched from the network, and every value taken from the file is escaped
(:func:`html.escape`): a customer called ``<script>`` shows as text. The input
file is only read, never written.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as folder:
...     orders = Path(folder) / "orders.csv"
...     _ = orders.write_text("Customer;Date;Total\\n"
...                           "ana;01/03/2024;12,50\\nben;15/03/2024;8,00\\nana;02/04/2024;20,00\\n")
...     result = build_report(orders, Path(folder) / "report.html")
...     page = (Path(folder) / "report.html").read_text(encoding="utf-8")
>>> result.mapping
ColumnMapping(customer='Customer', date='Date', amount='Total')
>>> result.headline["customers"], result.headline["revenue"]
(2, 40.5)
>>> 'src="data:image/png;base64,' in page, "http" in page
(True, False)
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from course_lib.column_mapping import (
    ColumnMapping,
    OrdersFile,
    TidyOrders,
    guess_column_mapping,
    read_orders_file,
    standardise_orders,
)
from course_lib.journey import cohort_retention
from course_lib.plots.journey import plot_cohort_retention
from course_lib.plots.rfm import plot_segment_sizes
from course_lib.plots.style import PALETTE, finish_axes, kit_style
from course_lib.rfm import assign_segments, default_segment_map, rfm_scores, rfm_table, segment_summary
from course_lib.validation import sample_of

__all__ = ["GENERAL_ACTIONS", "ReportResult", "build_report", "render_report"]

#: A recommended action per RFM segment that fits any business (the course's
#: default map speaks of Green Fork's dishes).
GENERAL_ACTIONS: Mapping[str, str] = {
    "Champions": "Reward them: early access to new products, ask for reviews and referrals.",
    "Loyal": "Offer a loyalty tier or a subscription; suggest your premium range.",
    "Potential loyalist": "Invite them to the loyalty programme; recommend products like the ones they bought.",
    "New customers": "Welcome them: a short onboarding series and a thank-you on the second purchase.",
    "Promising": "Build the habit: a time-limited offer on the category they tried.",
    "Need attention": "Send personalised recommendations and a reason to buy this month.",
    "About to sleep": "Reactivate with a popular new product or a small time-limited discount.",
    "At risk": "Win them back: a personal message, a meaningful offer, ask what changed.",
    "Can't lose them": "Get in touch personally with a strong win-back offer; learn why they left.",
    "Lost": "One low-cost reactivation campaign, then stop spending on them.",
    "Other": "No rule of the segment map matches these scores: look at them one by one.",
}
#: Segments ranked by how much they are worth keeping, for the one-line advice.
_AT_RISK = ("At risk", "Can't lose them")
#: Fewer customers than this make the quantile scores fragile.
FEW_CUSTOMERS = 50
#: At most this many cohorts (the most recent) are drawn.
MAX_COHORTS = 18
#: Customers listed in "Best customers".
TOP_CUSTOMERS = 10
FIGURE_DPI = 100


@dataclass(frozen=True)
class ReportResult:
    """What :func:`build_report` wrote, and the numbers behind it.

    Attributes
    ----------
    path : Path
        The HTML file written.
    source : str
        How the orders file was read (separator, encoding, size).
    mapping : ColumnMapping
        The columns used and how each was found.
    tidy : TidyOrders
        The tidy orders and the cleaning report.
    headline : dict
        ``customers``, ``purchases``, ``revenue``, ``first_day``,
        ``last_day``, ``days``, ``revenue_per_customer``,
        ``mean_purchase_value``, ``repeat_share`` (0-1) and
        ``top_fifth_revenue_share`` (0-1).
    segments : DataFrame
        :func:`course_lib.rfm.segment_summary` with a general ``action``.
    best_customers : DataFrame
        The customers with the highest revenue: their RFM values, scores and
        segment (the customer column first).
    period : {"W", "M", "Q"} or None
        The period of the cohorts and of the revenue figure; None when the
        orders span less than two weeks.
    retention : DataFrame or None
        :func:`course_lib.journey.cohort_retention` (the cohorts drawn), or
        None when `period` is None.
    limitations : tuple of str
        What the data could not tell, in sentences.
    """

    path: Path
    source: str
    mapping: ColumnMapping
    tidy: TidyOrders
    headline: dict[str, Any]
    segments: pd.DataFrame
    best_customers: pd.DataFrame
    period: str | None
    retention: pd.DataFrame | None
    limitations: tuple[str, ...]

    def summary(self) -> str:
        """The guessed mapping, the cleaning and the headline in a few lines of text (for the CLI)."""
        lines = [
            f"Read {self.source}.",
            "Columns used (change any with --customer, --date, --amount, --quantity, --price, --order):",
        ]
        for role, row in self.mapping.describe().iterrows():
            if row["column"] != "-" or role in ("customer", "date", "order"):
                lines.append(f"  {role:<9} {row['column']!s:<24} ({row['found_by']})")
        if self.tidy.date_formats:
            lines.append(f"  dates read as {', '.join(self.tidy.date_formats)}")
        report = self.tidy.report
        dropped = ", ".join(
            f"{int(row.rows_dropped):,} {row.step}" for row in report.iloc[1:].itertuples() if row.rows_dropped
        )
        lines.append(
            f"Cleaning: kept {len(self.tidy.orders):,} of {int(report['rows_remaining'].iloc[0]):,} rows"
            + (f" (dropped {dropped})." if dropped else ".")
        )
        h = self.headline
        lines.append(
            f"Found {h['customers']:,} customers and {h['purchases']:,} purchases worth {h['revenue']:,.2f}, "
            f"{h['first_day']:%Y-%m-%d} to {h['last_day']:%Y-%m-%d}."
        )
        lines.append(f"Wrote {self.path}")
        return "\n".join(lines)


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
    title: str | None = None,
) -> ReportResult:
    """Read an orders file, analyse it and write the one-page HTML report.

    Parameters
    ----------
    orders_path : str or Path
        The orders export: CSV (any common separator and encoding) or Excel
        ``.xlsx``; see :func:`course_lib.column_mapping.read_orders_file`. It
        is only read.
    out_path : str or Path
        The HTML file to write (``.html`` or ``.htm``), in an existing
        folder; replaced if it exists. It may not be the orders file.
    customer, date, amount, quantity, price, order, status : str, optional
        Column names that override the guess
        (:func:`course_lib.column_mapping.guess_column_mapping`).
    date_format : str, optional
        The dates' format, like ``"%m/%d/%Y"``; None: chosen from the values.
    decimal : {".", ","} or None, default=None
        The decimal mark of the money; None: from the file and the values.
    title : str, optional
        The page's title; default: "Customer report: " and the file name.

    Returns
    -------
    ReportResult
        The path written, the mapping, the cleaning and the numbers shown.

    Raises
    ------
    FileNotFoundError
        No file at `orders_path`.
    ValueError, TypeError
        The file cannot be read as a table, a column cannot be found or does
        not exist, no purchase is left after cleaning, or `out_path` is not a
        new ``.html`` file in an existing folder. Every message says what to
        do; none is a crash.

    Notes
    -----
    The analysis is the course's: RFM in the marketing convention
    (:func:`course_lib.rfm.rfm_table`, snapshot the day after the last
    order; a purchase is an order, or a customer's day of purchases when the
    file has no order id), quantile scores 1-5 where equal values share a
    score (``ties="min"``: every one-time buyer gets F = 1), the ten-segment
    map with :data:`GENERAL_ACTIONS`, and first-purchase cohorts by month
    (by week for less than three months of orders, by quarter for more than
    three years).
    """
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
    tidy = standardise_orders(
        orders_file.data, mapping, date_format=date_format, decimal=decimal, name=orders_file.name
    )
    result = _analyse(tidy, orders_file=orders_file, mapping=mapping, out_path=out_path)
    page = render_report(result, title=title or f"Customer report: {orders_file.name}")
    try:
        out_path.write_text(page, encoding="utf-8")
    except OSError as error:
        raise ValueError(f"Cannot write the report to {out_path} ({error.strerror}).") from None
    return result


def _check_out_path(orders_path: Path, out_path: Path) -> None:
    """The report goes to a .html file in an existing folder, never over the orders file."""
    if out_path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"The report is an HTML page: give an output file ending in .html (got {out_path.name!r}).")
    if not out_path.parent.is_dir():
        raise ValueError(f"The folder of the output file does not exist: {out_path.parent}. Create it first.")
    if out_path.is_dir():
        raise ValueError(f"{out_path} is a folder; give a file name ending in .html.")
    same = out_path.resolve() == orders_path.resolve() or (
        out_path.exists() and orders_path.exists() and out_path.samefile(orders_path)
    )
    if same:
        raise ValueError("The output file is the orders file itself; choose another name, the orders stay untouched.")


def _retention_period(first_day: pd.Timestamp, last_day: pd.Timestamp) -> str | None:
    """Cohorts by week for under 3 months of orders, by quarter beyond 3 years, else by month; None under 2 weeks."""
    days = (last_day - first_day).days
    if days < 14:
        return None
    if days < 91:
        return "W"
    return "Q" if days > 3 * 365 else "M"


def _analyse(tidy: TidyOrders, *, orders_file: OrdersFile, mapping: ColumnMapping, out_path: Path) -> ReportResult:
    """Every number of the report, from the tidy orders."""
    orders = tidy.orders
    # Ids are text (e-mails, names, codes); pandas groups integer codes many times faster.
    customer_codes, customer_ids = pd.factorize(orders["customer_id"])
    coded = orders.assign(customer_id=customer_codes)
    shared_orders = pd.Index([])
    if "order_id" in orders.columns:
        coded["order_id"], order_ids = pd.factorize(orders["order_id"])
        customers_per_order = coded.groupby("order_id")["customer_id"].nunique()
        shared_orders = order_ids[customers_per_order.index[customers_per_order > 1]]
        if len(shared_orders):  # an order has one customer: this column cannot be the order id
            coded = coded.drop(columns="order_id")
    has_order_id = "order_id" in coded.columns
    table = rfm_table(coded, order="order_id" if has_order_id else None)
    table.index = pd.Index(customer_ids[table.index], name="customer_id")
    segment_map = default_segment_map().assign(action=lambda frame: frame["segment"].map(GENERAL_ACTIONS))
    segmented = assign_segments(rfm_scores(table, ties="min"), segment_map=segment_map)
    summary = segment_summary(segmented, segment_map=segment_map)
    summary["action"] = summary.index.map(GENERAL_ACTIONS)

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
        retention = cohort_retention(coded, period=period, time="ordered_at").tail(MAX_COHORTS)
    best = (
        segmented.sort_values(["monetary", "frequency"], ascending=False, kind="stable")
        .head(TOP_CUSTOMERS)
        .reset_index()
    )
    return ReportResult(
        path=out_path,
        source=orders_file.describe(),
        mapping=mapping,
        tidy=tidy,
        headline=headline,
        segments=summary,
        best_customers=best,
        period=period,
        retention=retention,
        limitations=_limitations(
            tidy,
            mapping=mapping,
            headline=headline,
            period=period,
            has_order_id=has_order_id,
            shared_orders=shared_orders,
        ),
    )


def _limitations(
    tidy: TidyOrders,
    *,
    mapping: ColumnMapping,
    headline: Mapping[str, Any],
    period: str | None,
    has_order_id: bool,
    shared_orders: pd.Index,
) -> tuple[str, ...]:
    """What this file cannot say, as sentences: the general limits of orders data, then this file's."""
    steps = tidy.report.set_index("step")["rows_dropped"]
    rows_read = int(tidy.report["rows_remaining"].iloc[0])
    notes = [
        "Why customers buy, or stop buying: orders show what people did, not why. A short survey "
        "or a few conversations would tell you.",
        "Profit: the file holds revenue, not costs, so a big spender is not necessarily a profitable customer.",
        "What happens before a purchase: visits, abandoned carts and failed payments are not in an orders "
        "file; a web or app event log would show them.",
    ]
    if steps.get("missing customer", 0):
        share = steps["missing customer"] / rows_read
        notes.append(
            f"Guests: {share:.0%} of the rows have no customer and are left out of the segments; "
            "whoever placed them is invisible here."
        )
    if len(shared_orders):
        notes.append(
            f"Orders: {len(shared_orders):,} ids of column {mapping.order!r} belong to more than one customer "
            f"(like {sample_of(shared_orders.astype(str).tolist())}), so it cannot be an order id; each "
            "customer's purchase days were counted as purchases instead. Name the right column with --order."
        )
    elif not has_order_id:
        notes.append(
            "Orders: the file has no order id, so each customer's purchase days were counted as "
            "purchases (two orders on the same day count once)."
        )
    if headline["days"] < 365:
        notes.append(
            f"Seasons: the orders cover {headline['days']} days, less than a year, so a seasonal peak "
            "cannot be told apart from growth or decline."
        )
    if period is None:
        notes.append("Retention: the orders span less than two weeks, too short to see anyone come back.")
    if tidy.day_month_ambiguous:
        notes.append(
            "Dates: every date in the file reads both as day/month and as month/day; they were read "
            "day first. If your system writes the month first, run the report again with "
            "--date-format %m/%d/%Y."
        )
    if headline["customers"] < FEW_CUSTOMERS:
        notes.append(
            f"Segments: with only {headline['customers']} customers, the score boundaries are fragile: a "
            "few customers more or less move people from one segment to another."
        )
    returns = steps.get("cancelled or refunded", 0) + steps.get("zero or negative money", 0)
    if returns:
        notes.append(
            f"Returns: {returns:,} cancelled, refunded or negative rows were left out rather than netted, "
            "so customers who returned something look slightly more valuable."
        )
    notes.append(
        f"Money: amounts are the file's ({mapping.money()}); it does not say in which currency, "
        "nor whether taxes, discounts and shipping are included."
    )
    return tuple(notes)


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


def _png(figure: Figure) -> str:
    """The figure as base64 PNG text, for an <img src="data:..."> (no file, no network)."""
    buffer = io.BytesIO()
    # The layout is constrained already; a tight bounding box would draw the figure twice.
    figure.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches=None, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _segment_figure(summary: pd.DataFrame) -> str:
    with kit_style():
        figure = Figure(figsize=(8, max(3.0, 0.45 * int((summary["customers"] > 0).sum()) + 1.2)), layout="constrained")
        plot_segment_sizes(summary, ax=figure.subplots())
        return _png(figure)


def _retention_figure(retention: pd.DataFrame) -> str:
    with kit_style():
        width = min(10.0, 3.5 + 0.55 * retention.shape[1])
        figure = Figure(figsize=(width, min(7.0, max(2.6, 1.5 + 0.35 * len(retention)))), layout="constrained")
        plot_cohort_retention(retention, annotate=retention.shape[1] <= 14, ax=figure.subplots())
        return _png(figure)


def _revenue_figure(orders: pd.DataFrame, period: str) -> str:
    """Revenue per period (bars), the business's heartbeat over the file's time span."""
    per_period = orders.groupby(orders["ordered_at"].dt.to_period(period))["amount"].sum()
    names = {"W": "Week", "M": "Month", "Q": "Quarter"}
    with kit_style():
        figure = Figure(figsize=(8, 3.2), layout="constrained")
        ax = figure.subplots()
        ax.bar(range(len(per_period)), per_period.to_numpy(), color=PALETTE[0])
        step = max(1, len(per_period) // 12)
        ax.set_xticks(
            range(0, len(per_period), step), [str(label) for label in per_period.index[::step]], rotation=45, ha="right"
        )
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        finish_axes(ax, title="Revenue over time", xlabel=names[period], ylabel="Revenue (money of the file)")
        return _png(figure)


# --------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0;
       background: #f6f7f9; line-height: 1.45; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; } h2 { margin-top: 1.8em; border-bottom: 2px solid #0072B2;
     padding-bottom: 4px; font-size: 1.25em; }
.lead { color: #555; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; }
.card { border: 1px solid #dde1e6; border-radius: 8px; padding: 10px 14px; }
.card .value { font-size: 1.45em; font-weight: 700; color: #0072B2; }
.card .label { font-size: 0.85em; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 8px 0; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; } td.number, th.number { text-align: right; white-space: nowrap; }
img { max-width: 100%; height: auto; display: block; margin: 10px 0; }
.advice { background: #fff7e6; border-left: 4px solid #E69F00; padding: 8px 12px; }
footer { margin-top: 2.5em; font-size: 0.8em; color: #666; }
"""


def _e(value: Any) -> str:
    """Escape any value for HTML text or attributes (quotes included)."""
    return html.escape(str(value), quote=True)


def _html_table(frame: pd.DataFrame, *, numeric: Sequence[str] = ()) -> str:
    """A table whose every header and cell is escaped; `numeric` columns are right-aligned."""
    head = "".join(
        f'<th class="number">{_e(column)}</th>' if column in numeric else f"<th>{_e(column)}</th>"
        for column in frame.columns
    )
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="number">{_e(value)}</td>' if column in numeric else f"<td>{_e(value)}</td>"
            for column, value in zip(frame.columns, values, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _cards(headline: Mapping[str, Any]) -> str:
    cards = [
        (f"{headline['customers']:,}", "customers with a purchase"),
        (f"{headline['purchases']:,}", "purchases"),
        (_money(headline["revenue"]), "revenue (money of the file)"),
        (_money(headline["mean_purchase_value"]), "mean purchase value"),
        (f"{headline['repeat_share']:.0%}", "customers who came back (2+ purchases)"),
        (f"{headline['top_fifth_revenue_share']:.0%}", "of revenue from the best fifth of customers"),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="value">{_e(value)}</div><div class="label">{_e(label)}</div></div>'
            for value, label in cards
        )
        + "</div>"
    )


def _segment_rows(summary: pd.DataFrame) -> pd.DataFrame:
    shown = summary[summary["customers"] > 0]
    return pd.DataFrame(
        {
            "Segment": shown.index.astype(str),
            "Customers": shown["customers"].map("{:,}".format),
            "% of customers": shown["customer_share"].map("{:.0%}".format),
            "Revenue": shown["revenue"].map(_money),
            "% of revenue": shown["revenue_share"].map("{:.0%}".format),
            "Days since last purchase (mean)": shown["recency_mean"].map("{:.0f}".format),
            "Purchases (mean)": shown["frequency_mean"].map("{:.1f}".format),
            "Recommended action": shown["action"],
        }
    )


def _advice(summary: pd.DataFrame) -> str:
    """Two sentences on where the money is and who is slipping away, from the segment table."""
    shown = summary[summary["customers"] > 0]
    richest = shown["revenue_share"].idxmax()
    sentences = [
        f"The segment that brings the most revenue is {richest}: {shown.loc[richest, 'customer_share']:.0%} "
        f"of the customers and {shown.loc[richest, 'revenue_share']:.0%} of the revenue."
    ]
    at_risk = shown.loc[shown.index.isin(_AT_RISK)]
    if len(at_risk):
        sentences.append(
            f"{int(at_risk['customers'].sum()):,} customers who used to buy often have not come back for a "
            f"while (At risk, Can't lose them): {at_risk['revenue_share'].sum():.0%} of the revenue. "
            "Contact them first."
        )
    return " ".join(sentences)


def render_report(result: ReportResult, *, title: str) -> str:
    """The report as one self-contained HTML page (figures inline, every value escaped).

    Parameters
    ----------
    result : ReportResult
        The numbers, from :func:`build_report`.
    title : str
        The page's title.

    Returns
    -------
    str
        The HTML page: no script, no style sheet or image fetched from
        anywhere, UTF-8.
    """
    h = result.headline
    orders = result.tidy.orders
    mapping = result.mapping.describe().reset_index()
    mapping = mapping.rename(columns={"role": "Role", "column": "Column in the file", "found_by": "How it was found"})
    cleaning = result.tidy.report.rename(
        columns={"step": "Step", "rows_dropped": "Rows dropped", "rows_remaining": "Rows left", "why": "Why"}
    )
    best = result.best_customers
    best = pd.DataFrame(
        {
            "Customer": best[best.columns[0]],
            "Segment": best["segment"].astype(str),
            "Purchases": best["frequency"],
            "Revenue": best["monetary"].map(_money),
            "Days since last purchase": best["recency"],
        }
    )
    first_day, last_day = h["first_day"].strftime("%Y-%m-%d"), h["last_day"].strftime("%Y-%m-%d")
    sections = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="lead">{_e(result.source)}. Orders from {_e(first_day)} to {_e(last_day)} '
        f"({_e(h['days'])} days).</p>",
        "<h2>Headline numbers</h2>",
        _cards(h),
        "<h2>Customer segments (RFM)</h2>",
        "<p>Each customer is scored 1-5 on <b>recency</b> (days since the last purchase), <b>frequency</b> "
        "(number of purchases) and <b>monetary</b> value (total spend), compared with the other customers; "
        "the recency and frequency scores place them in a segment.</p>",
        f'<p class="advice">{_e(_advice(result.segments))}</p>',
        f'<img alt="Share of customers and of revenue per segment" src="data:image/png;base64,{_segment_figure(result.segments)}">',
        _html_table(
            _segment_rows(result.segments),
            numeric=(
                "Customers",
                "% of customers",
                "Revenue",
                "% of revenue",
                "Days since last purchase (mean)",
                "Purchases (mean)",
            ),
        ),
    ]
    if result.period is not None:
        sections += [
            "<h2>Revenue over time</h2>",
            "<p>Money of the kept rows per period; the first and last bars may cover part of a period only.</p>",
            f'<img alt="Revenue per period" src="data:image/png;base64,{_revenue_figure(orders, result.period)}">',
        ]
    if result.retention is not None and result.retention.shape[1] > 1:
        sections += [
            "<h2>Do customers come back? (cohort retention)</h2>",
            "<p>Each row is the group of customers whose first purchase fell in that period; each cell the "
            "share of them who bought again so many periods later. Blank cells have not happened yet.</p>",
            f'<img alt="Retention by cohort" src="data:image/png;base64,{_retention_figure(result.retention)}">',
        ]
    sections += [
        "<h2>Best customers</h2>",
        _html_table(best, numeric=("Purchases", "Revenue", "Days since last purchase")),
        "<h2>What the data could not tell</h2>",
        "<ul>" + "".join(f"<li>{_e(note)}</li>" for note in result.limitations) + "</ul>",
        "<h2>How the file was read</h2>",
        _html_table(mapping),
        (f"<p>Dates read as: {_e(', '.join(result.tidy.date_formats))}.</p>" if result.tidy.date_formats else ""),
        _html_table(cleaning, numeric=("Rows dropped", "Rows left")),
        "<footer>Made with the course kit's <code>python -m course_lib report</code>: RFM in the marketing "
        "convention, snapshot the day after the last purchase. The orders file was read, never changed.</footer>",
    ]
    body = "\n".join(section for section in sections if section)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
