"""The course data: Green Fork, a vegetarian and vegan food delivery service.

Loaders (files in, typed DataFrames out, schema checked)::

    load_customers()  load_orders()  load_survey()  load_events()
    connect_crm()  load_online_retail_sample()  load_truth()

and :func:`load_cdnow_sample` for the real CDNOW purchases of lesson 09 (not
generated, read from the kit's own ``datasets/``).

each reading :func:`data_dir` (``$COURSE_KIT_DATA``, else the kit's
``datasets/``) unless given ``data_dir=``. For the real UCI Online Retail file:
:func:`load_online_retail` (read, check, clean, report).

Generators: :func:`write_world` makes every file from a seed;
:func:`generate_transactions` makes order lines in memory for benchmarks;
:func:`verify_checksums` checks a data folder against its ``SHA256SUMS``.

Every file and column is described in ``datasets/README.md``; the schema the
loaders check is data, in :mod:`course_lib.datasets.schema`; the business
and what the generator plants, in :mod:`course_lib.datasets._generator.world`.
"""

from course_lib.datasets._generator.build import World, generate_world, verify_checksums, write_world
from course_lib.datasets._generator.generate import (
    DEFAULT_CUSTOMERS,
    DEFAULT_SEED,
    MINIMUM_CUSTOMERS,
    generate_transactions,
)
from course_lib.datasets.cdnow import load_cdnow_sample
from course_lib.datasets.loaders import (
    Truth,
    connect_crm,
    data_dir,
    load_customers,
    load_events,
    load_online_retail_sample,
    load_orders,
    load_survey,
    load_truth,
    read_table,
)
from course_lib.datasets.online_retail import clean_online_retail, load_online_retail, read_online_retail
from course_lib.datasets.schema import CRM_TABLES, EVENTS, LIKERT_ITEMS, TABLES

__all__ = [
    "CRM_TABLES",
    "DEFAULT_CUSTOMERS",
    "DEFAULT_SEED",
    "EVENTS",
    "LIKERT_ITEMS",
    "MINIMUM_CUSTOMERS",
    "TABLES",
    "Truth",
    "World",
    "clean_online_retail",
    "connect_crm",
    "data_dir",
    "generate_transactions",
    "generate_world",
    "load_cdnow_sample",
    "load_customers",
    "load_events",
    "load_online_retail",
    "load_online_retail_sample",
    "load_orders",
    "load_survey",
    "load_truth",
    "read_online_retail",
    "read_table",
    "verify_checksums",
    "write_world",
]
