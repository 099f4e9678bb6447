"""Make the whole world from one seed, write it as files, and check the files later.

:func:`generate_world` runs the simulations in dependency order (customers,
orders, campaigns, order lines, events, survey, CRM, the Online Retail
sample) so the same customers appear in every table; :func:`write_world`
writes the files, the planted truth, the README and ``SHA256SUMS``;
:func:`verify_checksums` tells whether a folder still holds what was written.

Files are written byte for byte reproducibly: fixed column order, fixed
date and number formats, ``\\n`` line endings, UTF-8.

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     paths = write_world(folder, seed=5, n_customers=200)
...     problems = verify_checksums(folder)
>>> [path.name for path in paths][:3], problems
(['customers.csv', 'orders.csv', 'survey.csv'], [])
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from course_lib.datasets._generator.campaigns import CAMPAIGN_PLANS, campaign_outcomes, plan_campaigns, without_orders
from course_lib.datasets._generator.crm import simulate_crm, write_crm
from course_lib.datasets._generator.events import simulate_events
from course_lib.datasets._generator.generate import (
    DEFAULT_CUSTOMERS,
    DEFAULT_SEED,
    FIRST_ORDER_ID,
    MINIMUM_CUSTOMERS,
    STAFF_TEST_ACCOUNTS,
    TEST_DISH,
    expand_order_lines,
    simulate_customers,
    simulate_orders,
)
from course_lib.datasets._generator.readme import render_readme
from course_lib.datasets._generator.survey import simulate_survey
from course_lib.datasets._generator.world import END, EVENTS_START, PAIN_POINTS, START, TYPE_PROFILES
from course_lib.datasets.cdnow import copy_cdnow_sample
from course_lib.datasets.online_retail import NON_PRODUCT_CODES, format_online_retail, simulate_online_retail
from course_lib.datasets.schema import LIKERT_ITEMS, TABLES, Table
from course_lib.validation import require_positive_int

__all__ = ["CHECKSUM_FILE", "World", "generate_world", "verify_checksums", "write_world"]

CHECKSUM_FILE = "SHA256SUMS"
#: The band of adjusted Rand index that k-means on the survey should reach against the planted types.
EXPECTED_ARI_BAND = (0.6, 0.85)


@dataclass(frozen=True)
class World:
    """Every table of one generated world, typed as the loaders return them.

    ``customers`` keeps the hidden simulation columns (``type``,
    ``active_until``, ...); ``crm`` maps table names to frames; ``planted``
    is what ``truth/planted.json`` holds.
    """

    seed: int
    n_customers: int
    customers: pd.DataFrame
    orders: pd.DataFrame
    survey: pd.DataFrame
    events: pd.DataFrame
    online_retail: pd.DataFrame
    crm: dict[str, pd.DataFrame]
    planted: dict


def generate_world(*, seed: int = DEFAULT_SEED, n_customers: int = DEFAULT_CUSTOMERS, progress: bool = False) -> World:
    """Simulate every table of the course data in memory.

    Parameters
    ----------
    seed : int, default=DEFAULT_SEED
        Random seed: the same seed and size always give the same world.
    n_customers : int, default=DEFAULT_CUSTOMERS
        Number of customer accounts (at least ``MINIMUM_CUSTOMERS``).
    progress : bool, default=False
        Show a progress bar.

    Returns
    -------
    World
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            f"The 'seed' parameter of generate_world must be an int. Got {seed!r} of type {type(seed).__name__} instead."
        )
    require_positive_int(n_customers, parameter="n_customers", function="generate_world", minimum=MINIMUM_CUSTOMERS)
    seed = int(seed)
    with tqdm(total=7, desc="Generating the course data", disable=not progress, unit="step") as bar:
        customers = simulate_customers(n_customers, seed=seed)
        bar.update()
        orders = simulate_orders(customers, seed=seed)
        draws = plan_campaigns(customers, orders, seed=seed)
        # Lines are drawn for every order before the skipped ones are removed, and the orders of the
        # harmful campaign get lines from their own stream: planting its effects moved no other order.
        drawn_lines = expand_order_lines(pd.concat([orders, draws.extra_orders], ignore_index=True), seed=seed)
        placed_lines = without_orders(drawn_lines, orders.loc[draws.skipped_orders])
        own_stream_lines = expand_order_lines(
            draws.own_stream_orders, seed=seed, stream="own-stream campaign order lines", first_order_id=LATE_ORDER_ID
        )
        all_lines = pd.concat([placed_lines, own_stream_lines], ignore_index=True)
        audience = campaign_outcomes(draws.audience, all_lines).assign(
            # What each customer would have done had no campaign been sent: the truth's counterfactual.
            without_campaign=campaign_outcomes(draws.audience, orders)["ordered_within_14_days"]
        )
        bar.update()
        # Events (December only), surveys and tickets are drawn as before the harmful campaign was
        # planted, then lose the rows about skipped orders, so it changed no other answer or ticket.
        log = simulate_events(customers, placed_lines, seed=seed)
        bar.update()
        survey = simulate_survey(customers, drawn_lines, seed=seed, payment_trouble=log.payment_trouble)
        survey = _about_placed_orders(survey, placed_lines)
        bar.update()
        crm = simulate_crm(customers, drawn_lines, audience, log.support_contacts, log.uncovered_visitors, seed=seed)
        crm["tickets"] = _about_placed_orders(crm["tickets"], placed_lines)
        bar.update()
        # Order numbers increase with time: number all orders again, and every reference with them.
        lines, new_number = _numbered_in_time_order(all_lines)
        survey = survey.assign(order_id=survey["order_id"].map(new_number).astype("Int64"))
        crm["tickets"] = crm["tickets"].assign(order_id=crm["tickets"]["order_id"].map(new_number).astype("Int64"))
        online_retail = simulate_online_retail(seed=seed)
        bar.update()
        planted = _planted(seed, customers, lines, log.events, survey, crm, online_retail, audience)
        bar.update()
    return World(seed, n_customers, customers, lines, survey, log.events, online_retail, crm, planted)


#: Temporary numbers for the orders drawn from their own stream, above any real order number.
LATE_ORDER_ID = 900_000_001


def _numbered_in_time_order(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Number the orders 100001, 100002, ... in time order; return the lines and old -> new numbers."""
    first_seen = lines.groupby("order_id")["ordered_at"].min().reset_index()
    first_seen = first_seen.sort_values(["ordered_at", "order_id"], kind="stable")
    new_number = pd.Series(FIRST_ORDER_ID + np.arange(len(first_seen)), index=first_seen["order_id"].to_numpy())
    numbered = lines.assign(order_id=lines["order_id"].map(new_number).astype("Int64"))
    return numbered.sort_values(["order_id", "line_number"], kind="stable").reset_index(drop=True), new_number


def _about_placed_orders(frame: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Drop the rows about orders that were never placed (``order_id`` missing: about no order, kept)."""
    placed = frame["order_id"].isna() | frame["order_id"].isin(lines["order_id"])
    return frame.loc[placed].reset_index(drop=True)


# --------------------------------------------------------------------- the planted truth


def _share(numerator: float, denominator: float) -> float:
    return round(float(numerator) / float(denominator), 4) if denominator else 0.0


def _journey_measures(events: pd.DataFrame) -> dict:
    """The pain points as the generated log shows them (sessions, not events)."""
    sessions = events.groupby("session_id").agg(
        channel=("channel", "first"),
        app_version=("app_version", "first"),
        zone=("zone", "first"),
    )
    reached = events.groupby(["session_id", "event"], observed=True).size().unstack(fill_value=0) > 0
    sessions = sessions.join(reached)
    app = sessions.loc[sessions["channel"] == "app"]
    by_version = {
        str(version): {
            "sessions_at_checkout": int(group["start_checkout"].sum()),
            "sessions_with_payment_failed": int(group["payment_failed"].sum()),
            "payment_failed_share_of_checkouts": _share(group["payment_failed"].sum(), group["start_checkout"].sum()),
        }
        for version, group in app.groupby("app_version", observed=True)
    }
    by_channel = {
        str(channel): {
            "sessions": int(len(group)),
            "paid": int(group["pay"].sum()),
            "conversion": _share(group["pay"].sum(), len(group)),
            "checkout_to_pay": _share((group["pay"] & group["start_checkout"]).sum(), group["start_checkout"].sum()),
        }
        for channel, group in sessions.groupby("channel", observed=True)
    }
    uncovered = sessions.loc[sessions["zone"] == PAIN_POINTS["uncovered_zone"]["zone"]]
    return {
        "payment_failure": {**PAIN_POINTS["payment_failure"], "measured_by_app_version": by_version},
        "uncovered_zone": {
            **PAIN_POINTS["uncovered_zone"],
            "sessions": int(len(uncovered)),
            "sessions_turned_away": int(uncovered["address_outside_zone"].sum()),
            "share_of_all_sessions": _share(len(uncovered), len(sessions)),
        },
        "weak_channel": {**PAIN_POINTS["weak_channel"], "measured_by_channel": by_channel},
    }


def _data_problems(customers: pd.DataFrame, lines: pd.DataFrame, crm: dict[str, pd.DataFrame]) -> dict:
    """The realistic problems planted in the tables, counted."""
    duplicated = lines.duplicated(keep="first")
    business_ids = customers.loc[customers["account_type"] == "business", "customer_id"]
    bulk = lines.loc[lines["customer_id"].isin(business_ids)]
    contacts = crm["contacts"]
    linked = contacts.dropna(subset=["customer_id"]).merge(
        customers[["customer_id", "zone", "consent_email"]].astype({"customer_id": "Int64"}),
        on="customer_id",
        suffixes=("", "_shop"),
    )
    return {
        "duplicate_order_lines": int(duplicated.sum()),
        "duplicated_order_ids": sorted(int(order) for order in lines.loc[duplicated, "order_id"].unique()),
        "guest_order_lines": int(lines["customer_id"].isna().sum()),
        "test_orders": {
            "staff_customer_ids": list(STAFF_TEST_ACCOUNTS),
            "dish": TEST_DISH,
            "category": "test",
            "orders": int(lines.loc[lines["category"] == "test", "order_id"].nunique()),
        },
        "bulk_business_orders": {
            "customer_ids": sorted(int(customer) for customer in business_ids),
            "orders": int(bulk["order_id"].nunique()),
            "median_quantity_per_line": float(bulk["quantity"].median()) if len(bulk) else 0.0,
        },
        "customers_who_never_ordered": int((~customers["customer_id"].isin(lines["customer_id"].dropna())).sum()),
        "crm_duplicate_contacts": int(contacts["customer_id"].isna().sum()),
        "crm_stale_zones": int((linked["zone"] != linked["zone_shop"].astype(str)).sum()),
        "crm_consent_email_conflicts": int((linked["consent_email"] != linked["consent_email_shop"]).sum()),
    }


def _effect(group: pd.DataFrame) -> float:
    """The exact effect on the contacted: how they ordered minus how they would have without it."""
    contacted = group.loc[~group["holdout"]]
    actual, counterfactual = contacted["ordered_within_14_days"], contacted["without_campaign"]
    return round(float(actual.mean() - counterfactual.mean()), 4) if len(contacted) else 0.0


def _campaign_truth(audience: pd.DataFrame) -> list[dict]:
    result = []
    for plan in CAMPAIGN_PLANS:
        group = audience.loc[audience["campaign_id"] == plan["campaign_id"]]
        holdout, contacted = group.loc[group["holdout"]], group.loc[~group["holdout"]]
        truth = {
            "campaign_id": plan["campaign_id"],
            "name": plan["name"],
            "holdout_share": plan["holdout_share"],
            "extra_order_probability": plan["extra_order_probability"],
            "true_uplift": _effect(group),
            "audience": int(len(group)),
            "holdout": int(len(holdout)),
            "response_rate_contacted": _share(contacted["ordered_within_14_days"].sum(), len(contacted)),
            "response_rate_holdout": _share(holdout["ordered_within_14_days"].sum(), len(holdout)),
        }
        if "harm" in plan:
            regular = group["regular"]
            truth["harm"] = {
                **plan["harm"],
                "who": (
                    f"regulars: {plan['harm']['regular_min_orders']} or more orders in the "
                    f"{plan['harm']['regular_window_days']} days before sending"
                ),
                "regulars": int(regular.sum()),
                "regulars_in_holdout": int((regular & group["holdout"]).sum()),
                "true_uplift_regulars": _effect(group.loc[regular]),
                "true_uplift_others": _effect(group.loc[~regular]),
            }
        result.append(truth)
    return result


def _retail_truth(sample: pd.DataFrame) -> dict:
    return {
        "rows": int(len(sample)),
        "missing_customer_id": int(sample["CustomerID"].isna().sum()),
        "cancellation_rows": int(sample["InvoiceNo"].str.startswith("C").sum()),
        "exact_duplicate_rows": int(sample.duplicated().sum()),
        "non_positive_price_rows": int((sample["UnitPrice"] <= 0).sum()),
        "non_product_rows": int(sample["StockCode"].isin(NON_PRODUCT_CODES).sum()),
    }


def _planted(seed, customers, lines, events, survey, crm, online_retail, audience) -> dict:
    relationship = survey.loc[survey["survey"] == "relationship"]
    respondents = customers.set_index("customer_id").loc[relationship["customer_id"].astype(int), "type"]
    counts = customers["type"].value_counts()
    return {
        "seed": seed,
        "n_customers": int(len(customers)),
        "orders_period": [str(START.date()), str(END.date())],
        "events_period": [str(EVENTS_START.date()), str(END.date())],
        "customer_types": {
            code: {
                "description": profile.description,
                "customers": int(counts.get(code, 0)),
                "relationship_respondents": int((respondents == code).sum()),
                "orders_per_month_while_active": profile.orders_per_month,
                "mean_lifetime_days": profile.mean_lifetime_days,
                "occasions": profile.occasions,
                "survey_means": dict(zip(LIKERT_ITEMS, profile.survey_means, strict=True)),
                "survey_sd": profile.survey_sd,
            }
            for code, profile in TYPE_PROFILES.items()
        },
        "survey_clustering": {
            "rows": "survey == 'relationship'",
            "features": list(LIKERT_ITEMS),
            "recipe": "impute each item's median, standardise, KMeans(n_clusters=4, n_init=10, random_state=0)",
            "expected_adjusted_rand_index": list(EXPECTED_ARI_BAND),
        },
        "pain_points": _journey_measures(events),
        "data_problems": _data_problems(customers, lines, crm),
        "campaigns": _campaign_truth(audience),
        "online_retail_sample": _retail_truth(online_retail),
    }


# --------------------------------------------------------------------- writing


def write_csv(frame: pd.DataFrame, table: Table, path: Path) -> Path:
    """Write `frame` as the schema's CSV: its columns in order, dates and decimals in fixed formats."""
    columns = {}
    for column in table.columns:
        values = frame[column.name]
        if column.kind in ("datetime", "date"):
            columns[column.name] = values.dt.strftime(column.file_format)
        elif column.kind == "float":
            columns[column.name] = values.map(f"{{:.{column.decimals}f}}".format, na_action="ignore")
        elif column.kind in ("id", "int"):
            columns[column.name] = values.astype("Int64")
        else:
            columns[column.name] = values
    pd.DataFrame(columns).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_world(
    out_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    n_customers: int = DEFAULT_CUSTOMERS,
    progress: bool = False,
) -> list[Path]:
    """Generate the course data and write every file into `out_dir`.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write into (created if needed; files of the same names are replaced).
    seed : int, default=DEFAULT_SEED
        Random seed; the shipped data uses the default.
    n_customers : int, default=DEFAULT_CUSTOMERS
        Number of customer accounts (at least ``MINIMUM_CUSTOMERS``).
    progress : bool, default=False
        Show a progress bar while generating.

    Returns
    -------
    list of Path
        The files written, ``SHA256SUMS`` last: ``customers.csv``,
        ``orders.csv``, ``survey.csv``, ``events.csv``,
        ``online_retail_sample.csv``, ``crm.sqlite``, ``cdnow_sample.csv`` (copied, not generated),
        ``truth/customer_types.csv``, ``truth/planted.json``, ``README.md``.

    Notes
    -----
    ``SHA256SUMS`` has the format of the ``sha256sum`` tool (hash, two
    spaces, path relative to `out_dir` with ``/``), one line per file, so
    ``sha256sum -c SHA256SUMS`` checks the folder too.
    """
    world = generate_world(seed=seed, n_customers=n_customers, progress=progress)
    folder = Path(out_dir)
    (folder / "truth").mkdir(parents=True, exist_ok=True)
    writers = {
        "customers.csv": lambda path: write_csv(world.customers, TABLES["customers"], path),
        "orders.csv": lambda path: write_csv(world.orders, TABLES["orders"], path),
        "survey.csv": lambda path: write_csv(world.survey, TABLES["survey"], path),
        "events.csv": lambda path: write_csv(world.events, TABLES["events"], path),
        "online_retail_sample.csv": lambda path: format_online_retail(world.online_retail).to_csv(
            path, index=False, lineterminator="\n", encoding="utf-8"
        ),
        "crm.sqlite": lambda path: write_crm(world.crm, path),
        "cdnow_sample.csv": copy_cdnow_sample,  # real data, not generated: copied from the kit
        "truth/customer_types.csv": lambda path: write_csv(world.customers, TABLES["customer_types"], path),
        "truth/planted.json": lambda path: path.write_text(
            json.dumps(world.planted, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n"
        ),
        "README.md": lambda path: path.write_text(render_readme(world), encoding="utf-8", newline="\n"),
    }
    paths = []
    for relative, write in tqdm(writers.items(), desc="Writing the files", disable=not progress, unit="file"):
        write(folder / relative)
        paths.append(folder / relative)
    lines = [f"{_sha256(path)}  {path.relative_to(folder).as_posix()}\n" for path in paths]
    checksums = folder / CHECKSUM_FILE
    checksums.write_text("".join(lines), encoding="utf-8", newline="\n")
    return [*paths, checksums]


def verify_checksums(folder: str | Path) -> list[str]:
    """Check the files of a data folder against its ``SHA256SUMS``; return the problems found.

    Parameters
    ----------
    folder : str or Path
        A folder written by :func:`write_world`.

    Returns
    -------
    list of str
        One sentence per problem (the checksum file missing or malformed, a
        file missing, a file changed); empty when every listed file is
        present and unchanged.
    """
    folder = Path(folder)
    checksums = folder / CHECKSUM_FILE
    if not checksums.is_file():
        return [f"{checksums} is missing, so the data files cannot be checked"]
    problems = []
    for number, line in enumerate(checksums.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        expected, separator, relative = line.partition("  ")
        if not separator or len(expected) != 64 or not relative:
            problems.append(f"{CHECKSUM_FILE} line {number} is not 'HASH  PATH': {line!r}")
            continue
        path = folder / relative.lstrip("*")
        if not path.is_file():
            problems.append(f"{relative} is missing")
        elif _sha256(path) != expected.lower():
            problems.append(f"{relative} has changed since it was generated (its checksum differs)")
    return problems
