"""Green Fork's order lines at any size, for the "at scale" lesson (03b) and its benchmarks.

The course world has a few thousand customers. To practise on tens or hundreds of millions of
order lines, :func:`write_order_lines` scales it up: it simulates one block of order lines with
the course's generator, then writes copies of that block, each copy a new set of customers (new
ids) whose orders are moved by a few days, so no two copies are the same and every month keeps
its seasonality. Memory stays flat: one block is in memory at a time, whatever the total size.

The files are partitioned by month (``month=2024-03/lines_00000.parquet``), the layout that
DuckDB, Spark and warehouses read fastest when a query needs only some months.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from tqdm.auto import tqdm

from course_lib.datasets._generator.generate import DEFAULT_SEED, _rng, generate_transactions
from course_lib.datasets._generator.world import END, START
from course_lib.validation import require_one_of, require_positive_int

__all__ = ["BLOCK_LINES", "LINES_PER_CUSTOMER", "write_order_lines"]

#: Order lines simulated per block (about 100 MB in memory).
BLOCK_LINES = 1_000_000
#: Lines per customer in a block: the course world's own ratio, about ten.
LINES_PER_CUSTOMER = 10
#: Id offsets between copies: copy k of customer c is customer c + k * CUSTOMER_STRIDE.
CUSTOMER_STRIDE = 10_000_000
ORDER_STRIDE = 100_000_000
#: Each copy's customers move their orders by up to this many days, earlier or later.
MAX_SHIFT_DAYS = 21
FORMATS = ("parquet", "csv")


def write_order_lines(
    out: str | Path,
    *,
    n_lines: int,
    seed: int = DEFAULT_SEED,
    file_format: str = "parquet",
    block_lines: int = BLOCK_LINES,
    progress: bool = False,
) -> list[Path]:
    """Write `n_lines` order lines in the schema of ``orders.csv``, partitioned by month.

    Parameters
    ----------
    out : str or Path
        Folder to write into (created). Files already in it are not deleted, but files of the same
        name are replaced: use an empty folder.
    n_lines : int
        Number of order lines, exactly.
    seed : int, default=DEFAULT_SEED
        Random seed: the same seed and size give the same lines.
    file_format : {"parquet", "csv"}, default="parquet"
        Parquet (compressed, typed, what engines read fastest) or CSV.
    block_lines : int, default=BLOCK_LINES
        Lines simulated and held in memory at a time.
    progress : bool, default=False
        Show a progress bar.

    Returns
    -------
    list of Path
        The files written, one per block and month.

    Examples
    --------
    >>> import tempfile, duckdb
    >>> folder = tempfile.mkdtemp()
    >>> files = write_order_lines(folder, n_lines=2_500, block_lines=1_000, seed=1)
    >>> files[0].relative_to(folder).parent.name.startswith("month=")
    True
    >>> duckdb.sql(f"SELECT COUNT(*) FROM read_parquet('{folder}/**/*.parquet')").fetchall()[0][0]
    2500
    """
    require_positive_int(n_lines, parameter="n_lines", function="write_order_lines")
    require_positive_int(block_lines, parameter="block_lines", function="write_order_lines", minimum=500)
    require_one_of(file_format, FORMATS, parameter="file_format", function="write_order_lines")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    block = generate_transactions(
        min(n_lines, block_lines), n_customers=max(min(n_lines, block_lines) // LINES_PER_CUSTOMER, 200), seed=seed
    )
    n_blocks = -(-n_lines // len(block))
    written: list[Path] = []
    with duckdb.connect() as connection:
        for copy in tqdm(range(n_blocks), desc="Writing order lines", unit="block", disable=not progress):
            size = min(len(block), n_lines - copy * len(block))
            lines = _scaled_copy(block.iloc[:size], copy=copy, seed=seed)
            written += _write_by_month(connection, lines, folder, name=f"lines_{copy:05d}", file_format=file_format)
    return written


def _scaled_copy(block: pd.DataFrame, *, copy: int, seed: int) -> pd.DataFrame:
    """Copy `copy` of the block: new customer and order ids, each customer's dates moved a little.

    Copy 0 is the simulated block itself. Guests (no customer id) move order by order.
    """
    if copy == 0:
        return block
    rng = _rng(seed, f"scaled copy {copy}")
    customer = block["customer_id"]
    mover, movers = pd.factorize(customer.astype("float64").fillna(-block["order_id"].astype("float64")))
    shift = pd.to_timedelta(rng.integers(-MAX_SHIFT_DAYS, MAX_SHIFT_DAYS + 1, len(movers))[mover], unit="D")
    moved = block["ordered_at"] + shift
    # Keep every date inside the course's period: a move past either end is reflected back inside.
    start, end = pd.Timestamp(START), pd.Timestamp(END)
    moved = moved.where(moved >= start, block["ordered_at"] - shift)
    moved = moved.where(moved <= end, block["ordered_at"] - shift)
    return block.assign(
        customer_id=customer + copy * CUSTOMER_STRIDE,
        order_id=block["order_id"] + copy * ORDER_STRIDE,
        ordered_at=moved.astype(block["ordered_at"].dtype),
    )


def _write_by_month(
    connection: duckdb.DuckDBPyConnection, lines: pd.DataFrame, folder: Path, *, name: str, file_format: str
) -> list[Path]:
    """Write one file per month of `lines` under ``folder/month=YYYY-MM/`` (with DuckDB: no pyarrow needed)."""
    months = lines["ordered_at"].dt.strftime("%Y-%m")
    connection.register("block_lines", lines.assign(month=months))
    options = "FORMAT parquet, COMPRESSION zstd" if file_format == "parquet" else "FORMAT csv, HEADER true"
    paths = []
    for month in sorted(months.unique()):
        path = folder / f"month={month}" / f"{name}.{file_format}"
        path.parent.mkdir(exist_ok=True)
        connection.execute(
            f"COPY (SELECT * EXCLUDE (month) FROM block_lines WHERE month = '{month}') TO '{path}' ({options})"
        )
        paths.append(path)
    connection.unregister("block_lines")
    return paths
