"""The CDNOW sample: the real purchases behind the published CLV models.

CDNOW was an online music shop. Fader, Hardie & Lee (2005) took the 23,570
customers who made their first purchase there in the first 12 weeks of 1997,
followed them to the end of June 1998, and fitted the BG/NBD and Gamma-Gamma
models to a 1/10 systematic sample of them: 2,357 customers and 6,919
purchases. That sample ships with the kit as ``datasets/cdnow_sample.csv``, so
lesson 09 can check :mod:`course_lib.clv` against the published parameters.

Unlike the Green Fork files, this file is real data and is not generated: it
is the same for every seed, lives only in the kit's own ``datasets/`` folder
(:func:`write_world` copies it into a new data folder), and
:func:`load_cdnow_sample` reads it from there unless given ``data_dir=``.
Provenance: ``datasets/README.md``.

Examples
--------
>>> cdnow = load_cdnow_sample()
>>> len(cdnow), cdnow["customer_id"].nunique()
(6919, 2357)
>>> cdnow["ordered_at"].min().date(), cdnow["ordered_at"].max().date()
(datetime.date(1997, 1, 1), datetime.date(1998, 6, 30))
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from course_lib import KIT_ROOT
from course_lib.datasets.loaders import read_table
from course_lib.datasets.schema import Column, Table

__all__ = ["CDNOW_SAMPLE", "copy_cdnow_sample", "load_cdnow_sample"]

#: The file's schema: one row per purchase record, as in the source file (some days have several).
CDNOW_SAMPLE = Table(
    "cdnow_sample",
    "cdnow_sample.csv",
    "One row per purchase of the 1/10 CDNOW sample (Fader, Hardie & Lee 2005): real data, in dollars.",
    (
        Column("customer_id", "id", "The customer's id in the whole cohort of 23,570 (4 to 23,569)."),
        Column("sample_customer_id", "id", "The same customer's number in the sample, 1 to 2,357."),
        Column(
            "ordered_at",
            "date",
            "The day of the purchase, 1997-01-01 to 1998-06-30.",
            datetime_format="%Y-%m-%d",
        ),
        Column("quantity", "int", "CDs bought that day.", unit="count", low=1),
        Column("amount", "float", "Value of the purchase; 8 purchases are worth $0.", unit="USD", low=0),
    ),
)
#: Where the kit keeps the file.
SHIPPED_FOLDER = KIT_ROOT / "datasets"


def load_cdnow_sample(*, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Load ``cdnow_sample.csv``: the purchases of the published CDNOW sample.

    Parameters
    ----------
    data_dir : str or Path, optional
        The folder holding the file; by default the kit's own ``datasets/``
        (the file is the same for every seed, so ``$COURSE_KIT_DATA`` is not
        consulted).

    Returns
    -------
    DataFrame
        6,919 rows: ``customer_id``, ``sample_customer_id`` (Int64),
        ``ordered_at`` (datetime, midnight), ``quantity`` (int64), ``amount``
        (float64, US dollars), in the order of the source file (by customer,
        then day).

    Raises
    ------
    FileNotFoundError
        The file is not there.
    ValueError, TypeError
        The file does not fit its schema; the message names the column.
    """
    return read_table(CDNOW_SAMPLE, SHIPPED_FOLDER if data_dir is None else data_dir)


def copy_cdnow_sample(path: str | Path) -> None:
    """Copy the kit's ``cdnow_sample.csv`` to `path` (nothing to do when `path` is that file).

    Used by :func:`course_lib.datasets.write_world`, so a freshly generated
    data folder holds every file the lessons load.
    """
    source = SHIPPED_FOLDER / CDNOW_SAMPLE.file
    if Path(path).resolve() == source.resolve():
        return
    if not source.is_file():
        raise FileNotFoundError(f"No file {source}: restore it with `git checkout -- datasets/{CDNOW_SAMPLE.file}`.")
    shutil.copyfile(source, path)
