"""Write the data folder's ``README.md`` from the schema and the generated world.

The column tables come from ``schema.TABLES`` and ``schema.CRM_TABLES``, so
the documentation cannot drift from what the loaders check; the prose below
explains the business, the planted problems and how to regenerate. To change
the README, change this module (or the schema) and regenerate.

Examples
--------
>>> print(column_table(TABLES["customer_types"]).splitlines()[2])
| `customer_id` | Int64 |  |  | Account (see customers.csv). | never |
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course_lib.datasets.cdnow import CDNOW_SAMPLE
from course_lib.datasets.schema import CRM_TABLES, TABLES, Column, Table

if TYPE_CHECKING:  # pragma: no cover - for type hints only, avoids an import cycle
    from course_lib.datasets._generator.build import World

__all__ = ["column_table", "render_readme"]


def _dtype(column: Column) -> str:
    """The pandas dtype the loader gives the column."""
    if column.kind == "id":
        return "Int64"
    if column.kind == "int":
        return "Int64" if column.nullable else "int64"
    if column.kind in ("datetime", "date"):
        return f"datetime (`{column.file_format}`)"
    return {"float": "float64", "category": "category", "bool": "bool", "text": "str"}[column.kind]


def _allowed(column: Column) -> str:
    if column.allowed:
        return ", ".join(f"`{value}`" for value in column.allowed) + (" (ordered)" if column.ordered else "")
    if column.low is not None and column.high is not None:
        return f"{column.low:g} to {column.high:g}"
    if column.low is not None:
        return f">= {column.low:g}"
    return ""


def column_table(table: Table) -> str:
    """A Markdown table of the columns: name, dtype, unit, allowed values, meaning, what missing means."""
    rows = [
        "| column | type | unit | allowed values | meaning | missing means |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for column in table.columns:
        cells = (
            f"`{column.name}`",
            _dtype(column),
            column.unit,
            _allowed(column),
            column.description,
            column.missing or "never",
        )
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


def _crm_table(table: Table) -> str:
    rows = ["| column | SQLite type | meaning | NULL means |", "| --- | --- | --- | --- |"]
    for column in table.columns:
        meaning = column.description + (f" Values: {_allowed(column)}." if column.allowed else "")
        if column.kind == "datetime":
            meaning += f" Text `{column.file_format}`."
        rows.append(f"| `{column.name}` | {column.sql_type} | {meaning} | {column.missing or 'never'} |")
    return "\n".join(rows)


def render_readme(world: World) -> str:
    """The README of a data folder holding `world`."""
    counts = {
        "customers.csv": len(world.customers),
        "orders.csv": len(world.orders),
        "survey.csv": len(world.survey),
        "events.csv": len(world.events),
        "online_retail_sample.csv": len(world.online_retail),
        "truth/customer_types.csv": len(world.customers),
    }
    problems = world.planted["data_problems"]
    tables = "\n\n".join(
        f"### `{table.file}`\n\n{table.description}\n\n{column_table(table)}" for table in TABLES.values()
    )
    crm = "\n\n".join(
        f"### table `{name}` ({len(world.crm[name]):,} rows)\n\n{table.description}\n\n{_crm_table(table)}"
        for name, table in CRM_TABLES.items()
    )
    return f"""# The course data: Green Fork, a vegetarian and vegan delivery service

Generated data of a fictional business, used by every lesson of the course. Green Fork delivers
vegetarian and vegan food in the fictional city of Verdale and the neighbouring town of Millhaven;
prices are in euros. Everything here is made up by `course_lib.datasets` from a seed: no real
person or business is described.

This folder was generated with seed {world.seed} and {world.n_customers:,} customers
(`python -m course_lib data --seed {world.seed} --customers {world.n_customers}`). This README is
generated too: to change it, edit `course_lib/datasets/readme.py` or the schema in
`course_lib/datasets/schema.py`, then regenerate.

## Files

| file | rows | what | load it with |
| --- | --- | --- | --- |
| `customers.csv` | {counts["customers.csv"]:,} | one row per customer account | `load_customers()` |
| `orders.csv` | {counts["orders.csv"]:,} | one row per order line, 2024-01-01 to 2025-12-31 | `load_orders()` |
| `survey.csv` | {counts["survey.csv"]:,} | relationship and post-purchase survey responses | `load_survey()` |
| `events.csv` | {counts["events.csv"]:,} | web, app and phone events, December 2025 | `load_events()` |
| `crm.sqlite` | 5 tables | the CRM: contacts, support tickets, campaigns, campaign responses, leads | `connect_crm()` |
| `online_retail_sample.csv` | {counts["online_retail_sample.csv"]:,} | a sample in the schema of the public UCI "Online Retail" data | `load_online_retail_sample()` |
| `cdnow_sample.csv` | 6,919 | real data: the CDNOW sample of the published CLV models (not generated; see below) | `load_cdnow_sample()` |
| `truth/customer_types.csv` | {counts["truth/customer_types.csv"]:,} | instructors and tests only: each customer's planted type | `load_truth()` |
| `truth/planted.json` | - | instructors and tests only: what was planted, and how it shows | `load_truth()` |
| `SHA256SUMS` | - | checksums of every file above (`python -m course_lib doctor` checks them) | - |

Every loader lives in `course_lib.datasets`, reads the folder given by the environment variable
`COURSE_KIT_DATA` (or this folder when it is not set; each loader also takes `data_dir=`), checks
the file against the schema below and returns a typed DataFrame: datetimes, categoricals for
closed vocabularies, `Int64` (pandas' nullable integer) for every identifier. A file that does
not fit raises an error naming the file and the column. The loaders never write to the files;
`connect_crm()` opens the database read-only.

## The business in brief

- **Zones.** Old Town, Riverside, University, Business Park, Station and Hillside (Verdale), and
  Millhaven. Green Fork does **not** deliver to Northfield (Verdale), yet many people there visit
  the website and the app.
- **Menu.** 34 dishes in the categories bowl, wrap, salad, soup, main, premium, meal_kit (ingredients
  and a recipe card, to cook at home), family, dessert and drink. Every list price rose by 5 %
  (rounded to 10 cents) on 2025-03-01.
- **Promotion codes.** `WELCOME20` (20 % off a first order), `VEGANUARY15` (15 % off in January,
  on the website for everyone and also e-mailed in campaign 1), `LUNCH10` (10 % off a weekday lunch),
  `WINBACK15` (15 %, only in the win-back e-mail of campaign 3). The discount is in euros off
  the whole line.
- **Statuses.** A cancelled line was never paid; a refunded line was delivered, paid, then paid
  back. Net revenue of a line = `quantity` × `unit_price` - `discount`, counted for delivered
  lines only.
- **Channels.** Orders and sessions come from the website, the app, or a call to the phone order
  line. Customers also came through partners (an employer lunch scheme, shops) when they signed up.

## Data problems planted on purpose, and why

Real exports are messy, and the lessons teach how to notice and handle it. Each problem below is
there on purpose and documented; none is a bug.

- **Exact duplicate lines** ({problems["duplicate_order_lines"]:,} lines): some orders were exported
  twice, every line repeated. Counting them would inflate frequency and revenue.
- **Guest checkouts** ({problems["guest_order_lines"]:,} lines): `customer_id` is empty; these orders
  cannot be linked to a customer (RFM leaves them out).
- **Test orders** ({problems["test_orders"]["orders"]} orders): staff test the app with accounts
  {", ".join(str(value) for value in problems["test_orders"]["staff_customer_ids"])} (not in `customers.csv`),
  always with the dish `{problems["test_orders"]["dish"]}` (category `test`, price 0.01). Spot them
  as you would in a real export, and drop them.
- **Bulk business orders** ({problems["bulk_business_orders"]["orders"]} orders): a few companies
  (`account_type` = `business`) order catering for meetings, 8 to 40 portions a line: outliers
  in any per-customer average.
- **Cancellations and refunds**: about 3 % of orders are cancelled (more on the website), about
  1 % of orders and 1 % of the other lines are refunded.
- **Customers who never ordered** ({problems["customers_who_never_ordered"]:,} accounts): they signed up and
  stopped there.
- **History cut at 2024-01-01**: customers who signed up before 2024 (Green Fork opened in March
  2022) have older orders that are not in the export; their tenure is longer than their order
  history.
- **The survey**: the eight `q_*` questions are asked only in the relationship survey (they are
  empty on post-purchase rows), and some answers are skipped. Who answers is not a random sample:
  unhappy customers answer the post-purchase survey more often.
- **The event log**: web visitors often browse logged out and log in at checkout, so
  `customer_id` appears only part-way through their session; `anonymous_id` (a cookie or
  device id) links the earlier events and their earlier visits.
- **The CRM disagrees with the shop**: {problems["crm_duplicate_contacts"]} contacts were typed in a
  second time by customer service (same person, e-mail in other letter case, no `customer_id`),
  {problems["crm_stale_zones"]} keep an old zone, and {problems["crm_consent_email_conflicts"]} have an
  e-mail consent that differs from `customers.csv`. Which source to trust is a question to ask,
  not to guess: for consent, the stricter one.
- **The Online Retail sample** has the quirks of the real data: cancellations (`C` invoices,
  negative quantities), about a quarter of lines without `CustomerID`, exact duplicates, zero and
  negative prices, postage and fee lines. `clean_online_retail()` removes them and reports how
  many and why.

## Structure planted for the lessons

The lessons discover, from the data alone, what was planted: seasonality (a January peak, weekday
lunch peaks), customers who churn while new ones keep arriving, customer types that differ both
in what they answer in the survey and in how they order, pain points in the customer journey
visible in the event log, and campaigns whose effect only the hold-out group reveals. The planted
truth is in `truth/` for instructors and tests; lessons never read it (looking first spoils the
exercise).

## Columns

Types are the pandas dtypes the loaders return; a time is written in the file in the format shown.

{tables}

## `crm.sqlite`

A real SQLite database. Query it with SQL, for example
`pd.read_sql("SELECT category, COUNT(*) AS n FROM tickets GROUP BY category", connect_crm())`.
Times are text in ISO format, flags are 0/1 integers, NULL is missing.

{crm}

## `cdnow_sample.csv`: real data, for checking the CLV models

The one file here that is **not** generated and not about Green Fork. CDNOW was an online music
shop. Fader, Hardie & Lee followed the 23,570 customers who made their first purchase there in
the first 12 weeks of 1997 up to 1998-06-30, and published their BG/NBD and Gamma-Gamma fits on a
1/10 systematic sample of them: 2,357 customers, 6,919 rows (one per purchase record; a customer
has several on some days, which the models count as one purchase day).
Lesson 09 and `tests/test_clv.py` check `course_lib.clv` against those published numbers.

{column_table(CDNOW_SAMPLE)}

- **Provenance.** `CDNOW_sample.txt` as distributed inside the `lifetimes` package's wheel on PyPI
  (`lifetimes/datasets/CDNOW_sample.txt`, an MIT-licensed package; fetch it with
  `pip download --no-deps lifetimes`); its SHA-256 is
  `6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a`. The source has no header and
  five whitespace-separated columns: the customer's id in the cohort, their number in the sample,
  the date as `YYYYMMDD`, the number of CDs, the dollar value. This file holds the same rows in the
  same order, with a header, commas, and the date written `YYYY-MM-DD`; no value was changed.
- **Published results on it** (Fader, Hardie & Lee 2005, "Counting your customers the easy way: an
  alternative to the Pareto/NBD model", *Marketing Science* 24(2); and Fader & Hardie's note on the
  Gamma-Gamma spend model). Calibration period 1997-01-01 to 1997-09-30 (39 weeks), time in
  weeks (days / 7), frequency = repeat purchase days, all 2,357 customers, including the 8 whose
  only purchase was worth $0: BG/NBD r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
  log-likelihood -9582.4; Gamma-Gamma on the 946 customers with a repeat purchase in the
  calibration period, spend averaged over their repeat purchases: p = 6.25, q = 3.74,
  gamma = 15.44.
- **Use.** Research and teaching data published with the papers above; cite Fader, Hardie & Lee
  (2005) when you use it. It is not covered by the CC0 dedication below.

## Regenerate

```
python -m course_lib data --seed {world.seed} --customers {world.n_customers} --out datasets
```

The same seed and size give byte-identical files (the SQLite file can differ between SQLite
library versions; its contents do not). Another seed gives another world with the same structure
and the same planted problems: an instructor can give each cohort its own data with
`--seed N --out SOMEWHERE` and point the loaders at it with `COURSE_KIT_DATA=SOMEWHERE`.
For benchmarks, `course_lib.datasets.generate_transactions(n_lines, n_customers=..., seed=...)`
makes millions of order lines in memory without writing anything.

## Licence

The generated data in this folder (every file except `cdnow_sample.csv`) is dedicated to the public domain under
[CC0 1.0](https://creativecommons.org/publicdomain/zero/1.0/): use it for anything, no attribution
needed. `online_retail_sample.csv` is generated too and holds no rows of the real UCI data; if
you download the real "Online Retail" data set (Daqing Chen, UCI Machine Learning Repository),
follow its own licence (CC BY 4.0 at the time of writing) and cite it.
"""
