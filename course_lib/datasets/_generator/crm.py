"""Simulate Green Fork's CRM and write it as a real SQLite database.

Five tables (``schema.CRM_TABLES``): contacts, support tickets, campaigns,
campaign responses with their hold-out flag, and leads. Like any CRM, it
disagrees a little with the shop's own tables: a few customers were typed in
twice by customer service, a few moved and the CRM kept the old zone, a few
consent flags were changed in one system and not the other.

Examples
--------
>>> sorted(CRM_TABLES)
['campaign_responses', 'campaigns', 'contacts', 'leads', 'tickets']
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from course_lib.datasets._generator.campaigns import CAMPAIGN_PLANS
from course_lib.datasets._generator.generate import STAFF_TEST_ACCOUNTS, _rng
from course_lib.datasets._generator.world import COVERED_ZONES, END, UNCOVERED_ZONE
from course_lib.datasets.schema import CRM_TABLES

__all__ = ["simulate_crm", "write_crm"]

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chiara",
    "Dmitri",
    "Elif",
    "Farah",
    "Gustavo",
    "Hana",
    "Ivo",
    "Jana",
    "Kofi",
    "Lea",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tove",
    "Ugo",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Amara",
    "Bruno",
    "Carmen",
    "Daan",
    "Emma",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kasia",
    "Luca",
    "Mei",
    "Nico",
    "Olga",
    "Paulo",
    "Rania",
    "Sven",
    "Tariq",
    "Uma",
    "Viktor",
    "Yara",
)
LAST_NAMES = (
    "Almeida",
    "Berg",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jansen",
    "Kowalski",
    "Laine",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zeller",
    "Andersen",
    "Bianchi",
    "Chen",
    "Diallo",
    "Esposito",
    "Ferreira",
    "Gruber",
    "Horvat",
    "Iqbal",
    "Jovanovic",
    "Kim",
    "Lindqvist",
    "Mendes",
    "Nakamura",
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
#: Share of customers typed in a second time by customer service, of CRM zones left stale, of consent flags out of sync.
DUPLICATE_SHARE = 0.015
STALE_ZONE_SHARE = 0.03
CONSENT_CONFLICT_SHARE = 0.015
#: Ticket channels and what a ticket is about, for tickets raised outside the event log.
TICKET_CHANNELS = {"chat": 0.5, "email": 0.3, "phone": 0.2}
REFUND_TICKET_SHARE = 0.8
#: Mean satisfaction with support, per ticket category (1-5), and the share of tickets rated.
SATISFACTION = {
    "payment": 2.4,
    "late_delivery": 3.0,
    "missing_item": 3.6,
    "food_quality": 3.2,
    "delivery_area": 2.8,
    "recipe_help": 4.3,
    "account_privacy": 3.8,
}
RATED_SHARE = 0.55
#: When the CRM was exported: tickets opened later are not in it; tickets not closed by then are open.
EXPORTED_AT = END + pd.Timedelta(hours=17)
#: Share of tickets that wait for a reply, and their mean time to close (hours).
SLOW_TICKET_SHARE = 0.2
SLOW_TICKET_HOURS = 240.0


def _names(rng: np.random.Generator, size: int, *, first_number: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First names, last names and e-mail addresses (on the reserved example domains).

    Each address gets its own number (drawn without replacement from
    `first_number` on), so no two people share an address; callers give
    disjoint ranges to keep customers and other leads apart too.
    """
    first = rng.choice(FIRST_NAMES, size=size)
    last = rng.choice(LAST_NAMES, size=size)
    number = first_number + rng.choice(10 * size + 100, size=size, replace=False)
    domain = rng.choice(EMAIL_DOMAINS, size=size)
    email = (
        pd.Series(first).str.lower() + "." + pd.Series(last).str.lower() + pd.Series(number).astype(str) + "@" + domain
    )
    return first, last, email.to_numpy()


def _clock(rng: np.random.Generator, days: np.ndarray, low_hour: float = 8.0, high_hour: float = 21.0) -> np.ndarray:
    """Timestamps (second precision) at a random time of day on each of `days`."""
    seconds = (rng.uniform(low_hour, high_hour, len(days)) * 3600).astype(np.int64)
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _contacts(customers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(customers)
    first, last, email = _names(rng, n)
    zones = COVERED_ZONES["zone"].to_numpy()
    zone = customers["zone"].astype(str).to_numpy()
    stale = rng.random(n) < STALE_ZONE_SHARE
    zone = np.where(stale, rng.choice(zones, size=n), zone)
    created = _clock(rng, customers["signup_date"].to_numpy())
    end = np.datetime64(END + pd.Timedelta(hours=20), "s")
    updated = created + (rng.random(n) * (end - created).astype(np.int64)).astype("timedelta64[s]")
    conflict = rng.random(n) < CONSENT_CONFLICT_SHARE
    people = pd.DataFrame(
        {
            "customer_id": customers["customer_id"].to_numpy(),
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": np.where(
                rng.random(n) < 0.65, [f"+99 555 {value:07d}" for value in rng.integers(0, 10**7, n)], None
            ),
            "zone": zone,
            "consent_email": customers["consent_email"].to_numpy() ^ conflict,
            "consent_sms": customers["consent_sms"].to_numpy(),
            "created_at": created,
            "updated_at": updated,
        }
    )
    twice = people.loc[rng.random(n) < DUPLICATE_SHARE].copy()
    twice["customer_id"] = None
    twice["email"] = twice["email"].str.title()
    twice["phone"] = None
    twice["created_at"] = twice["updated_at"] = (
        twice["created_at"] + pd.to_timedelta(rng.integers(1, 90, len(twice)), unit="D").to_numpy()
    )
    staff = pd.DataFrame(
        {
            "customer_id": list(STAFF_TEST_ACCOUNTS),
            "first_name": ["QA", "QA"],
            "last_name": ["Test One", "Test Two"],
            "email": [f"qa.test{k}@greenfork.example" for k in (1, 2)],
            "phone": [None, None],
            "zone": ["Old Town", "Old Town"],
            "consent_email": [False, False],
            "consent_sms": [False, False],
            "created_at": np.array(["2023-11-20T09:00:00", "2023-11-20T09:05:00"], dtype="datetime64[s]"),
            "updated_at": np.array(["2023-11-20T09:00:00", "2023-11-20T09:05:00"], dtype="datetime64[s]"),
        }
    )
    contacts = pd.concat([people, twice, staff], ignore_index=True)
    contacts = contacts.assign(updated_at=np.minimum(contacts["updated_at"].to_numpy(), end))
    contacts = contacts.iloc[np.lexsort((np.arange(len(contacts)), contacts["created_at"].to_numpy()))]
    contacts.insert(0, "contact_id", np.arange(1, len(contacts) + 1))
    return contacts.reset_index(drop=True)


def _order_tickets(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Tickets about refunded orders: late, missing or spoilt food."""
    refunded = orders.loc[(orders["status"] == "refunded") & orders["customer_id"].notna()].drop_duplicates("order_id")
    whole = orders["status"].eq("refunded").groupby(orders["order_id"]).all()
    refunded = refunded.loc[rng.random(len(refunded)) < REFUND_TICKET_SHARE]
    whole_order = whole.reindex(refunded["order_id"]).to_numpy()
    category = np.where(
        whole_order,
        rng.choice(["late_delivery", "food_quality", "missing_item"], size=len(refunded), p=[0.5, 0.3, 0.2]),
        rng.choice(["missing_item", "food_quality"], size=len(refunded), p=[0.6, 0.4]),
    )
    opened = refunded["ordered_at"].to_numpy().astype("datetime64[s]") + (
        rng.uniform(1, 4, len(refunded)) * 3600
    ).astype("timedelta64[s]")
    return pd.DataFrame(
        {
            "customer_id": refunded["customer_id"].to_numpy(),
            "order_id": refunded["order_id"].to_numpy(),
            "opened_at": opened,
            "category": category,
        }
    )


def _other_tickets(customers: pd.DataFrame, orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Recipe questions from type B, privacy requests, occasional payment trouble, delivery-area questions."""
    n = len(customers)
    signup = customers["signup_date"].to_numpy()
    last = customers["active_until"].to_numpy()
    span = np.maximum((last - signup) // np.timedelta64(1, "D"), 1)
    recipe = (customers["type"].to_numpy() == "B") & (rng.random(n) < 0.25)
    privacy = rng.random(n) < 0.015
    pieces = []
    for mask, category, extra_days in ((recipe, "recipe_help", 60), (privacy, "account_privacy", 700)):
        offset = rng.integers(3, extra_days, n) % span
        day = (signup + offset.astype("timedelta64[D]"))[mask]
        pieces.append(
            pd.DataFrame(
                {
                    "customer_id": customers["customer_id"].to_numpy()[mask],
                    "order_id": None,
                    "opened_at": _clock(rng, day),
                    "category": category,
                }
            )
        )
    placed = orders.loc[
        orders["customer_id"].notna() & (orders["ordered_at"] < pd.Timestamp("2025-12-01"))
    ].drop_duplicates("order_id")
    payment = placed.loc[rng.random(len(placed)) < 0.002]
    pieces.append(
        pd.DataFrame(
            {
                "customer_id": payment["customer_id"].to_numpy(),
                "order_id": payment["order_id"].to_numpy(),
                "opened_at": payment["ordered_at"].to_numpy().astype("datetime64[s]") + np.timedelta64(600, "s"),
                "category": "payment",
            }
        )
    )
    asked = max(10, n // 100)
    days = np.datetime64("2024-01-01") + rng.integers(0, 700, asked).astype("timedelta64[D]")
    pieces.append(
        pd.DataFrame(
            {"customer_id": None, "order_id": None, "opened_at": _clock(rng, days), "category": "delivery_area"}
        )
    )
    return pd.concat(pieces, ignore_index=True)


def _tickets(customers, orders, support_contacts, rng) -> pd.DataFrame:
    from_log = pd.DataFrame(
        {
            "customer_id": support_contacts["customer_id"].where(support_contacts["customer_id"] >= 0).to_numpy(),
            "order_id": support_contacts["order_id"].where(support_contacts["order_id"] >= 0).to_numpy(),
            "opened_at": support_contacts["timestamp"].to_numpy().astype("datetime64[s]"),
            "category": support_contacts["reason"].to_numpy(),
            "channel": "chat",
        }
    )
    raised = pd.concat([_order_tickets(orders, rng), _other_tickets(customers, orders, rng)], ignore_index=True)
    raised["channel"] = rng.choice(list(TICKET_CHANNELS), size=len(raised), p=list(TICKET_CHANNELS.values()))
    raised.loc[raised["category"].eq("recipe_help"), "channel"] = "email"
    tickets = pd.concat([raised, from_log], ignore_index=True)
    tickets = tickets.loc[tickets["opened_at"] <= np.datetime64(EXPORTED_AT, "s")]
    tickets = tickets.iloc[np.lexsort((np.arange(len(tickets)), tickets["opened_at"].to_numpy()))].reset_index(
        drop=True
    )
    size = len(tickets)
    # Most tickets close within hours; some wait days for a reply; payment trouble takes longer.
    mean_hours = np.where(rng.random(size) < SLOW_TICKET_SHARE, SLOW_TICKET_HOURS, 10.0)
    mean_hours = np.where(tickets["category"] == "payment", 3 * mean_hours, mean_hours)
    hours_to_close = rng.exponential(mean_hours) + 0.2
    closed = tickets["opened_at"].to_numpy() + (hours_to_close * 3600).astype("timedelta64[s]")
    still_open = closed > np.datetime64(EXPORTED_AT, "s")
    mean = tickets["category"].map(SATISFACTION).to_numpy(dtype=float)
    satisfaction = np.clip(np.rint(rng.normal(mean, 0.9)), 1, 5)
    rated = ~still_open & (rng.random(size) < RATED_SHARE)
    tickets.insert(0, "ticket_id", np.arange(1, size + 1))
    return tickets.assign(
        status=np.where(still_open, "open", "closed"),
        closed_at=np.where(still_open, np.datetime64("NaT"), closed),
        satisfaction=np.where(rated, satisfaction, np.nan),
    )


def _leads(
    customers: pd.DataFrame, contacts: pd.DataFrame, uncovered_visitors: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """The Northfield waiting list (from the site and before it), newsletter sign-ups, food-fair visitors."""
    n = len(customers)
    from_site = uncovered_visitors.loc[rng.random(len(uncovered_visitors)) < 0.15]
    earlier = max(20, n // 30)
    waitlist_days = np.datetime64("2024-01-01") + rng.integers(0, 700, earlier).astype("timedelta64[D]")
    newsletter = max(20, n // 20)
    newsletter_days = np.datetime64("2024-01-01") + rng.integers(0, 730, newsletter).astype("timedelta64[D]")
    fair = max(10, n // 50)
    fair_days = rng.choice(np.array(["2024-06-15", "2025-06-14"], dtype="datetime64[D]"), size=fair)
    covered = COVERED_ZONES["zone"].to_numpy()
    leads = pd.DataFrame(
        {
            "zone": np.concatenate(
                [np.full(len(from_site) + earlier, UNCOVERED_ZONE), rng.choice(covered, newsletter + fair)]
            ),
            "source": np.repeat(
                ["waitlist", "waitlist", "newsletter", "food_fair"], [len(from_site), earlier, newsletter, fair]
            ),
            "created_at": np.concatenate(
                [
                    from_site["timestamp"].to_numpy().astype("datetime64[s]"),
                    _clock(rng, waitlist_days),
                    _clock(rng, newsletter_days),
                    _clock(rng, fair_days, 10.0, 18.0),
                ]
            ),
        }
    )
    _, _, email = _names(rng, len(leads), first_number=10 * len(customers) + 1000)
    leads["email"] = email
    leads["customer_id"] = _converted_leads(leads, customers, rng)
    # A lead who became a customer kept the address: the CRM can join them on it.
    addresses = contacts.dropna(subset=["customer_id"]).drop_duplicates("customer_id").set_index("customer_id")["email"]
    converted = leads["customer_id"].notna()
    leads.loc[converted, "email"] = addresses.reindex(leads.loc[converted, "customer_id"].astype(int)).to_numpy()
    leads = leads.iloc[np.lexsort((np.arange(len(leads)), leads["created_at"].to_numpy()))].reset_index(drop=True)
    leads.insert(0, "lead_id", np.arange(1, len(leads) + 1))
    return leads


def _converted_leads(leads: pd.DataFrame, customers: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """About a third of newsletter and fair leads later signed up: link each to a customer who signed up after.

    Customers are sorted by sign-up day; each converted lead takes one of the
    30 customers who signed up next after it, and a customer claimed twice
    keeps only the first lead.
    """
    signups = customers.sort_values("signup_date", kind="stable")
    converted = leads["source"].isin(["newsletter", "food_fair"]).to_numpy() & (rng.random(len(leads)) < 0.33)
    first_later = np.searchsorted(signups["signup_date"].to_numpy(), leads["created_at"].to_numpy(), side="right")
    pick = first_later + rng.integers(0, 30, len(leads))
    converted &= pick < len(signups)
    chosen = pd.Series(signups["customer_id"].to_numpy()[np.minimum(pick, len(signups) - 1)])
    claimed_before = chosen.where(converted).duplicated(keep="first").to_numpy() & converted
    converted &= ~claimed_before
    return np.where(converted, chosen.to_numpy(), None)


def simulate_crm(
    customers, orders, audience, support_contacts, uncovered_visitors, *, seed: int
) -> dict[str, pd.DataFrame]:
    """Simulate every CRM table, in the column order of ``schema.CRM_TABLES``.

    Parameters
    ----------
    customers : DataFrame
        The output of :func:`~course_lib.datasets._generator.generate.simulate_customers`.
    orders : DataFrame
        Order lines.
    audience : DataFrame
        Campaign audiences with ``ordered_within_14_days``
        (:func:`~course_lib.datasets._generator.campaigns.campaign_outcomes`).
    support_contacts, uncovered_visitors : DataFrame
        From :func:`~course_lib.datasets._generator.events.simulate_events`.
    seed : int
        Random seed.

    Returns
    -------
    dict of str to DataFrame
        One frame per table name.
    """
    rng = _rng(seed, "crm")
    campaigns = pd.DataFrame([{key: plan[key] for key in CRM_TABLES["campaigns"].names} for plan in CAMPAIGN_PLANS])
    contacts = _contacts(customers, rng)
    tables = {
        "contacts": contacts,
        "tickets": _tickets(customers, orders, support_contacts, rng),
        "campaigns": campaigns,
        "campaign_responses": audience,
        "leads": _leads(customers, contacts, uncovered_visitors, rng),
    }
    return {name: frame[CRM_TABLES[name].names] for name, frame in tables.items()}


def _sql_values(frame: pd.DataFrame, name: str) -> list[tuple]:
    """Rows as plain Python values: integers, floats, text, or None; times as text in the column's format."""
    columns = []
    for column in CRM_TABLES[name].columns:
        values = frame[column.name]
        if column.kind in ("datetime", "date"):
            text = pd.to_datetime(values).dt.strftime(column.file_format)
            columns.append([None if pd.isna(value) else value for value in text])
        elif column.kind in ("id", "int", "bool"):
            columns.append([None if pd.isna(value) else int(value) for value in values])
        elif column.kind == "float":
            columns.append([None if pd.isna(value) else round(float(value), column.decimals) for value in values])
        else:
            columns.append([None if pd.isna(value) else str(value) for value in values])
    return list(zip(*columns, strict=True))


def write_crm(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write the CRM tables into a new SQLite file at `path` (replacing it).

    Each table is created from its schema (declared types, primary key) and
    filled in row order; the file is vacuumed, so the same tables always give
    the same bytes with the same SQLite library.
    """
    path = Path(path)
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA page_size = 4096")
        for name, table in CRM_TABLES.items():
            columns = ", ".join(f'"{column.name}" {column.sql_type}' for column in table.columns)
            key = f", PRIMARY KEY ({', '.join(table.key)})" if table.key else ""
            connection.execute(f'CREATE TABLE "{name}" ({columns}{key})')
            marks = ", ".join("?" for _ in table.columns)
            connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', _sql_values(tables[name], name))
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    return path
