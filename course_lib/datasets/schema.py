"""The course data's schema, held as data: every file, every column, its type and meaning.

One truth for three readers: the loaders validate and type each file from it,
the writers format each column from it, and ``datasets/README.md`` prints its
tables from it. A column's ``kind`` decides its pandas dtype on load:

=============  ====================================  ================================
kind           dtype after loading                   written as
=============  ====================================  ================================
``id``         ``Int64`` (nullable), in every table  whole number or empty
``int``        ``int64``; ``Int64`` if it may miss   whole number or empty
``float``      ``float64``                           fixed decimals (``decimals``)
``datetime``   ``datetime64``                        ``%Y-%m-%d %H:%M`` or ``:%S``
``date``       ``datetime64`` (midnight)             ``%Y-%m-%d``
``category``   ``category`` of ``allowed``           one of ``allowed`` or empty
``bool``       ``bool``                              ``True`` / ``False``
``text``       ``str``                               free text, empty when missing
=============  ====================================  ================================

A column whose ``missing`` text is empty may never be missing. Identifiers are
``Int64`` in every table, so that ids merge alike whether or not a table has
missing ones (guest orders, anonymous visitors).

Examples
--------
>>> column = TABLES["orders"].column("status")
>>> column.kind, column.allowed
('category', ('delivered', 'cancelled', 'refunded'))
>>> TABLES["customers"].file
'customers.csv'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACQUISITION_CHANNELS",
    "AGE_BANDS",
    "APP_VERSIONS",
    "CRM_TABLES",
    "CUSTOMER_TYPES",
    "DATETIME_DTYPE",
    "DEVICES",
    "DIETS",
    "EVENTS",
    "LIKERT_ITEMS",
    "ORDER_CHANNELS",
    "ORDER_STATUSES",
    "ONLINE_RETAIL_COLUMNS",
    "TABLES",
    "ZONES",
    "Column",
    "Table",
]

#: How a new customer first came to Green Fork.
ACQUISITION_CHANNELS = ("web", "app", "phone", "partner")
#: Where an order was placed or a session happened.
ORDER_CHANNELS = ("web", "app", "phone")
#: The diet a customer declared at sign-up.
DIETS = ("vegan", "vegetarian", "flexitarian", "curious")
#: Age bands, youngest first (an ordered category).
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
#: Delivery zones of Verdale and Millhaven; Green Fork does not deliver to Northfield.
ZONES = (
    "Old Town",
    "Riverside",
    "University",
    "Business Park",
    "Station",
    "Hillside",
    "Millhaven",
    "Northfield",
)
#: Order line statuses.
ORDER_STATUSES = ("delivered", "cancelled", "refunded")
#: Devices seen in the event log (``phone`` is a call to the order line).
DEVICES = ("desktop", "mobile", "tablet", "ios", "android", "phone")
#: Versions of the Green Fork app seen in the event log, oldest first.
APP_VERSIONS = ("4.1.3", "4.2.0", "4.2.1")
#: Event names, in the order of the purchase journey, then the side events.
EVENTS = (
    "visit",
    "view_menu",
    "view_dish",
    "add_to_cart",
    "start_checkout",
    "pay",
    "payment_failed",
    "order_delivered",
    "rate_order",
    "contact_support",
    "address_outside_zone",
)
#: The survey's eight Likert items (1 = strongly disagree ... 5 = strongly agree).
LIKERT_ITEMS = (
    "q_health",
    "q_variety",
    "q_no_time_to_cook",
    "q_budget",
    "q_pay_for_quality",
    "q_learn_to_cook",
    "q_shop_access",
    "q_few_restaurants_near_work",
)
#: Planted customer types (truth only): the seed worksheet's A, B, C, a looser D, and business accounts.
CUSTOMER_TYPES = ("A", "B", "C", "D", "business")
#: The columns of the public UCI "Online Retail" data, in its order.
ONLINE_RETAIL_COLUMNS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)

KINDS = ("id", "int", "float", "datetime", "date", "category", "bool", "text")
#: Resolution of every loaded datetime column (microseconds, what pandas parses text into).
DATETIME_DTYPE = "datetime64[us]"


@dataclass(frozen=True)
class Column:
    """One column of a data file.

    Parameters
    ----------
    name : str
        The column's name in the file.
    kind : {"id", "int", "float", "datetime", "date", "category", "bool", "text"}
        How it is stored and typed (see the module's table).
    description : str
        What a value means, for the README.
    unit : str, default=""
        Unit of a number ("EUR", "count", ...).
    allowed : tuple of str, default=()
        The closed vocabulary of a ``category`` column.
    ordered : bool, default=False
        Whether the categories have an order (age bands, app versions).
    low, high : float or None, default=None
        Inclusive range of a number, checked on load.
    missing : str, default=""
        What a missing value means; empty when the column is never missing.
    datetime_format : str, default="%Y-%m-%d %H:%M"
        Format of a ``datetime`` column in the file.
    decimals : int, default=2
        Decimals written for a ``float`` column.
    """

    name: str
    kind: str
    description: str
    unit: str = ""
    allowed: tuple[str, ...] = ()
    ordered: bool = False
    low: float | None = None
    high: float | None = None
    missing: str = ""
    datetime_format: str = "%Y-%m-%d %H:%M"
    decimals: int = 2

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.name!r}: kind must be one of {list(KINDS)}. Got {self.kind!r} instead.")
        if (self.kind == "category") != bool(self.allowed):
            raise ValueError(f"Column {self.name!r}: a category column, and only one, needs allowed values.")

    @property
    def nullable(self) -> bool:
        """Whether a value may be missing."""
        return bool(self.missing)

    @property
    def sql_type(self) -> str:
        """Declared type in SQLite: whole numbers and flags INTEGER, decimals REAL, the rest TEXT."""
        return {"id": "INTEGER", "int": "INTEGER", "bool": "INTEGER", "float": "REAL"}.get(self.kind, "TEXT")

    @property
    def file_format(self) -> str:
        """How a date or time is written in the file (empty for other kinds)."""
        if self.kind == "date":
            return "%Y-%m-%d"
        return self.datetime_format if self.kind == "datetime" else ""


@dataclass(frozen=True)
class Table:
    """One data file (or one table of the CRM database) and its columns."""

    name: str
    file: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """The column names, in file order."""
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        """The column called `name` (``KeyError`` when there is none)."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"Table {self.name!r} has no column {name!r}. Columns: {self.names}.")


def _likert(name: str, statement: str) -> Column:
    return Column(
        name,
        "int",
        f'Agreement with "{statement}" (1 = strongly disagree, 5 = strongly agree).',
        unit="Likert 1-5",
        low=1,
        high=5,
        missing="question skipped, or a post-purchase response (which does not ask it)",
    )


CUSTOMERS = Table(
    "customers",
    "customers.csv",
    "One row per customer account (personal or business), as the app's user table exports it.",
    (
        Column("customer_id", "id", "Customer's account number, unique."),
        Column("signup_date", "date", "Day the account was created (Green Fork opened in March 2022)."),
        Column(
            "acquisition_channel",
            "category",
            "How the customer first came: website, app store, phone line, or a partner (employer lunch scheme, shop).",
            allowed=ACQUISITION_CHANNELS,
        ),
        Column(
            "account_type",
            "category",
            "`personal`, or `business` for companies that order catering for their staff.",
            allowed=("personal", "business"),
        ),
        Column("city", "category", "City of the delivery address.", allowed=("Verdale", "Millhaven")),
        Column("zone", "category", "Delivery zone of the home (or office) address.", allowed=ZONES),
        Column(
            "age_band",
            "category",
            "Age band declared at sign-up.",
            allowed=AGE_BANDS,
            ordered=True,
            missing="business account, or not declared",
        ),
        Column(
            "household_size",
            "int",
            "People in the household, declared at sign-up.",
            unit="people",
            low=1,
            high=8,
            missing="business account, or not declared",
        ),
        Column(
            "diet",
            "category",
            "Diet declared at sign-up; `curious` = eats meat but wants to try vegetarian food.",
            allowed=DIETS,
            missing="business account",
        ),
        Column("consent_email", "bool", "Agreed to receive marketing e-mails."),
        Column("consent_sms", "bool", "Agreed to receive marketing text messages."),
        Column(
            "consent_personalisation",
            "bool",
            "Agreed that their order history may be used to personalise offers and recommendations.",
        ),
    ),
    key=("customer_id",),
)

ORDERS = Table(
    "orders",
    "orders.csv",
    "One row per order line (an order holds one or more lines), 2024-01-01 to 2025-12-31, "
    "as the shop system exports it: duplicates, test orders and bulk orders included.",
    (
        Column("order_id", "id", "Order number, increasing with time; shared by the lines of one order."),
        Column("line_number", "int", "Position of the line in its order (1, 2, ...)."),
        Column(
            "customer_id",
            "id",
            "Account that placed the order (see customers.csv).",
            missing="guest checkout (no account)",
        ),
        Column("ordered_at", "datetime", "Local time the order was paid (minute precision)."),
        Column("channel", "category", "Where the order was placed.", allowed=ORDER_CHANNELS),
        Column(
            "zone", "category", "Delivery zone of this order (an office at lunch, home in the evening).", allowed=ZONES
        ),
        Column("dish", "text", "Dish or product ordered."),
        Column(
            "category",
            "category",
            "Menu category of the dish; `test` marks the staff's test orders.",
            allowed=(
                "bowl",
                "wrap",
                "salad",
                "soup",
                "main",
                "premium",
                "meal_kit",
                "family",
                "dessert",
                "drink",
                "test",
            ),
        ),
        Column("quantity", "int", "Portions ordered on this line.", unit="count", low=1),
        Column(
            "unit_price", "float", "List price of one portion on the order day, before discount.", unit="EUR", low=0
        ),
        Column("discount", "float", "Discount on the whole line (not per portion).", unit="EUR", low=0),
        Column("promo_code", "text", "Promotion code used on the order.", missing="no promotion"),
        Column(
            "status",
            "category",
            "`delivered`; `cancelled` before delivery (never paid); `refunded` after delivery (paid back).",
            allowed=ORDER_STATUSES,
        ),
    ),
)

SURVEY = Table(
    "survey",
    "survey.csv",
    "One row per survey response: the relationship survey (about the customer, sent two weeks after sign-up, "
    "or in March 2024 to older customers) and the post-purchase survey (about one order).",
    (
        Column("response_id", "id", "Response number, increasing with time."),
        Column("customer_id", "id", "Account of the respondent (see customers.csv)."),
        Column(
            "survey",
            "category",
            "`relationship` (motivations and constraints) or `post_purchase` (one order).",
            allowed=("relationship", "post_purchase"),
        ),
        Column("order_id", "id", "The order a post-purchase response is about.", missing="relationship survey"),
        Column("answered_at", "datetime", "When the response was submitted."),
        _likert("q_health", "Eating healthily matters a lot to me"),
        _likert("q_variety", "I get bored when the menu does not change"),
        _likert("q_no_time_to_cook", "I have no time to cook on working days"),
        _likert("q_budget", "I have to watch my food budget closely"),
        _likert("q_pay_for_quality", "I am willing to pay more for better ingredients"),
        _likert("q_learn_to_cook", "I want to learn to cook vegetarian meals myself"),
        _likert("q_shop_access", "Shops near me lack the ingredients I need to cook vegetarian"),
        _likert("q_few_restaurants_near_work", "There are few places to eat well near where I work"),
        Column(
            "nps",
            "int",
            "How likely the respondent is to recommend Green Fork to a friend (0 = not at all, 10 = extremely).",
            unit="score 0-10",
            low=0,
            high=10,
            missing="question skipped",
        ),
        Column("comment", "text", 'Free-text answer to "Anything you want to tell us?".', missing="left empty"),
    ),
    key=("response_id",),
)

EVENT_LOG = Table(
    "events",
    "events.csv",
    "One row per event of the website, the app and the phone order line, 2025-12-01 to 2025-12-31.",
    (
        Column("session_id", "id", "Visit the event belongs to (numbered by start time)."),
        Column(
            "customer_id",
            "id",
            "Logged-in account.",
            missing="visitor not logged in (yet): web visitors log in at checkout, guests never",
        ),
        Column("anonymous_id", "text", "Cookie or device id: the same browser or phone keeps it across visits."),
        Column("timestamp", "datetime", "Local time of the event.", datetime_format="%Y-%m-%d %H:%M:%S"),
        Column("channel", "category", "Website, app, or a call to the phone order line.", allowed=ORDER_CHANNELS),
        Column("device", "category", "Device of the session; `phone` for calls to the order line.", allowed=DEVICES),
        Column(
            "app_version",
            "category",
            "Version of the app.",
            allowed=APP_VERSIONS,
            ordered=True,
            missing="not an app session",
        ),
        Column("zone", "category", "Delivery zone of the address entered (or located) in the session.", allowed=ZONES),
        Column(
            "event",
            "category",
            "What happened; the journey events in order: visit, view_menu, view_dish, add_to_cart, "
            "start_checkout, pay, order_delivered, rate_order; side events: payment_failed, contact_support, "
            "address_outside_zone (the address entered is not in a delivery zone).",
            allowed=EVENTS,
        ),
    ),
)

ONLINE_RETAIL_SAMPLE = Table(
    "online_retail_sample",
    "online_retail_sample.csv",
    'A generated sample in the exact schema of the public UCI "Online Retail" data (a UK gift wholesaler, '
    "2010-12-01 to 2011-12-09), with its quirks, for practising the course's methods on another business.",
    (
        Column(
            "InvoiceNo",
            "text",
            "Invoice number; a leading `C` marks a cancellation, a leading `A` a bad-debt adjustment.",
        ),
        Column("StockCode", "text", "Product code; `POST` postage, `D` discount, `M` manual, `BANK CHARGES` fees."),
        Column("Description", "text", "Product name.", missing="not recorded (zero-price stock adjustments)"),
        Column("Quantity", "int", "Units on the line; negative for cancellations and stock adjustments.", unit="count"),
        Column(
            "InvoiceDate",
            "datetime",
            "Invoice time, written month/day/year like the widely shared CSV copy (12/1/2010 8:26).",
            datetime_format="%m/%d/%Y %H:%M",
        ),
        Column(
            "UnitPrice", "float", "Price of one unit; 0 for free items, negative for bad-debt adjustments.", unit="GBP"
        ),
        Column(
            "CustomerID",
            "id",
            "Customer number (written 17850.0, as in the original).",
            missing="customer not recorded (about a quarter of the lines)",
        ),
        Column("Country", "text", "Customer's country."),
    ),
)

CUSTOMER_TYPE_TRUTH = Table(
    "customer_types",
    "truth/customer_types.csv",
    "Instructors and tests only: each customer's planted type and activity.",
    (
        Column("customer_id", "id", "Account (see customers.csv)."),
        Column("type", "category", "Planted type: A, B, C, D (see planted.json), or business.", allowed=CUSTOMER_TYPES),
        Column(
            "active_until", "date", "Last day the customer was planned to be active (2025-12-31 when still active)."
        ),
        Column("churned", "bool", "Whether the customer stopped ordering before 2025-12-31."),
    ),
    key=("customer_id",),
)

#: The CSV files, by table name (the loaders' and the writers' reference).
TABLES: dict[str, Table] = {
    table.name: table for table in (CUSTOMERS, ORDERS, SURVEY, EVENT_LOG, ONLINE_RETAIL_SAMPLE, CUSTOMER_TYPE_TRUTH)
}

CONTACTS = Table(
    "contacts",
    "crm.sqlite",
    "People in the CRM: customers (a few twice, a few with a stale zone) and staff test accounts.",
    (
        Column("contact_id", "id", "CRM record number."),
        Column(
            "customer_id",
            "id",
            "Account in customers.csv (staff test accounts have ids from 900001, absent from customers.csv).",
            missing="record typed in by customer service and never linked to the account (a duplicate)",
        ),
        Column("first_name", "text", "First name."),
        Column("last_name", "text", "Last name."),
        Column("email", "text", "E-mail address (fictional, @example domains)."),
        Column("phone", "text", "Phone number (fictional).", missing="not given"),
        Column("zone", "text", "Delivery zone as the CRM last recorded it (may be older than customers.csv)."),
        Column("consent_email", "bool", "Marketing e-mail consent as the CRM recorded it (stored 0/1)."),
        Column("consent_sms", "bool", "Marketing SMS consent as the CRM recorded it (stored 0/1)."),
        Column("created_at", "datetime", "When the record was created.", datetime_format="%Y-%m-%d %H:%M:%S"),
        Column("updated_at", "datetime", "When the record was last changed.", datetime_format="%Y-%m-%d %H:%M:%S"),
    ),
    key=("contact_id",),
)

TICKETS = Table(
    "tickets",
    "crm.sqlite",
    "Support tickets: every contact with customer service.",
    (
        Column("ticket_id", "id", "Ticket number, increasing with time."),
        Column("customer_id", "id", "Account of the person who wrote.", missing="not a customer (a prospect)"),
        Column("order_id", "id", "Order the ticket is about.", missing="not about one order"),
        Column("opened_at", "datetime", "When the ticket was opened.", datetime_format="%Y-%m-%d %H:%M:%S"),
        Column("channel", "category", "How the person got in touch.", allowed=("email", "phone", "chat")),
        Column(
            "category",
            "category",
            "What it was about.",
            allowed=(
                "payment",
                "late_delivery",
                "missing_item",
                "food_quality",
                "delivery_area",
                "recipe_help",
                "account_privacy",
            ),
        ),
        Column("status", "category", "Whether it is still open.", allowed=("open", "closed")),
        Column(
            "closed_at", "datetime", "When it was closed.", missing="still open", datetime_format="%Y-%m-%d %H:%M:%S"
        ),
        Column(
            "satisfaction",
            "int",
            "Rating of the support received (1-5).",
            unit="score 1-5",
            low=1,
            high=5,
            missing="not rated",
        ),
    ),
    key=("ticket_id",),
)

CAMPAIGNS = Table(
    "campaigns",
    "crm.sqlite",
    "Marketing campaigns; each kept a random hold-out group that was not contacted.",
    (
        Column("campaign_id", "id", "Campaign number."),
        Column("name", "text", "Short name."),
        Column("channel", "category", "How it was sent.", allowed=("email", "sms", "app_push")),
        Column("sent_at", "datetime", "When it was sent.", datetime_format="%Y-%m-%d %H:%M:%S"),
        Column("audience", "text", "Who was selected (before the hold-out draw)."),
        Column("offer", "text", "What the message offered."),
        Column("promo_code", "text", "Code of the offer.", missing="no code"),
        Column(
            "holdout_share", "float", "Share of the audience drawn at random into the hold-out group.", unit="share 0-1"
        ),
    ),
    key=("campaign_id",),
)

CAMPAIGN_RESPONSES = Table(
    "campaign_responses",
    "crm.sqlite",
    "One row per customer selected for a campaign, contacted (treatment) or held out.",
    (
        Column("campaign_id", "id", "Campaign (see campaigns)."),
        Column("customer_id", "id", "Customer selected."),
        Column("holdout", "bool", "Drawn at random into the hold-out group, so not contacted (stored 0/1)."),
        Column("opened", "bool", "Opened the message (stored 0/1).", missing="hold-out: nothing was sent"),
        Column("clicked", "bool", "Clicked the offer (stored 0/1).", missing="hold-out: nothing was sent"),
        Column(
            "ordered_within_14_days",
            "bool",
            "Placed an order (not cancelled, not a test) within 14 days after the send time (stored 0/1).",
        ),
    ),
    key=("campaign_id", "customer_id"),
)

LEADS = Table(
    "leads",
    "crm.sqlite",
    "Prospects who left an e-mail address: the waiting list of areas without delivery, newsletter sign-ups, "
    "food fair visitors.",
    (
        Column("lead_id", "id", "Lead number."),
        Column("email", "text", "E-mail address (fictional)."),
        Column("zone", "text", "Zone the prospect lives in."),
        Column("source", "category", "Where the lead came from.", allowed=("waitlist", "newsletter", "food_fair")),
        Column("created_at", "datetime", "When the lead was recorded.", datetime_format="%Y-%m-%d %H:%M:%S"),
        Column("customer_id", "id", "Account the lead became.", missing="not (yet) a customer"),
    ),
    key=("lead_id",),
)

#: The tables of ``crm.sqlite``, by name.
CRM_TABLES: dict[str, Table] = {
    table.name: table for table in (CONTACTS, TICKETS, CAMPAIGNS, CAMPAIGN_RESPONSES, LEADS)
}
