"""Loaders, checksums and the Online Retail reader of course_lib.datasets.

The files under test are generated into temporary folders (a small world of
300 customers), so corrupting them never touches the shipped data.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import course_lib
from course_lib.datasets import (
    CRM_TABLES,
    TABLES,
    clean_online_retail,
    connect_crm,
    data_dir,
    generate_world,
    load_customers,
    load_events,
    load_online_retail,
    load_online_retail_sample,
    load_orders,
    load_survey,
    load_truth,
    read_online_retail,
    read_table,
    verify_checksums,
    write_world,
)
from course_lib.datasets import online_retail as online_retail_module
from course_lib.datasets._generator.build import write_csv

SMALL = {"seed": 11, "n_customers": 300}

#: loader, its file, a numeric column, a column that must hold times (or None).
LOADERS = [
    (load_customers, "customers.csv", "household_size", "signup_date"),
    (load_orders, "orders.csv", "quantity", "ordered_at"),
    (load_survey, "survey.csv", "nps", "answered_at"),
    (load_events, "events.csv", "session_id", "timestamp"),
    (load_online_retail_sample, "online_retail_sample.csv", "Quantity", "InvoiceDate"),
    (
        lambda data_dir: load_truth(data_dir=data_dir).customer_types,
        "truth/customer_types.csv",
        "customer_id",
        "active_until",
    ),
]
LOADER_IDS = [file for _, file, _, _ in LOADERS]


@pytest.fixture(scope="module")
def small_world(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small_world")
    write_world(folder, **SMALL)
    return folder


@pytest.fixture()
def world_copy(small_world, tmp_path) -> Path:
    """A fresh copy of the small world that a test may break."""
    return Path(shutil.copytree(small_world, tmp_path / "world"))


def _rewrite(path: Path, change) -> None:
    """Read a CSV as text cells, apply `change` to the frame, write it back."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame).to_csv(path, index=False, lineterminator="\n")


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --------------------------------------------------------------------- data_dir


def test_data_dir_follows_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_KIT_DATA", raising=False)
    assert data_dir() == course_lib.KIT_ROOT / "datasets"
    monkeypatch.setenv("COURSE_KIT_DATA", str(tmp_path))
    assert data_dir() == tmp_path


def test_loaders_read_the_folder_named_by_the_environment_variable(monkeypatch, small_world):
    monkeypatch.setenv("COURSE_KIT_DATA", str(small_world))
    assert len(load_customers()) == SMALL["n_customers"]


# --------------------------------------------------------------------- types


def _expected_dtype(column) -> str:
    if column.kind == "id" or (column.kind == "int" and column.nullable):
        return "Int64"
    return {"int": "int64", "float": "float64", "bool": "bool", "text": "str"}.get(column.kind, column.kind)


@pytest.mark.parametrize("table_name", list(TABLES))
def test_each_file_loads_with_the_schema_types(small_world, table_name):
    table = TABLES[table_name]
    frame = read_table(table, small_world)
    assert list(frame.columns) == table.names
    for column in table.columns:
        dtype = frame[column.name].dtype
        if column.kind in ("datetime", "date"):
            assert pd.api.types.is_datetime64_dtype(dtype), column.name
        elif column.kind == "category":
            assert isinstance(dtype, pd.CategoricalDtype), column.name
            assert list(dtype.categories) == list(column.allowed)
            assert dtype.ordered == column.ordered
        else:
            assert str(dtype) == _expected_dtype(column), column.name
        if not column.nullable:
            assert frame[column.name].notna().all(), column.name


def test_written_files_load_back_to_the_generated_values(tmp_path):
    world = generate_world(**SMALL)
    for table, frame in (
        (TABLES["orders"], world.orders),
        (TABLES["survey"], world.survey),
        (TABLES["events"], world.events),
    ):
        write_csv(frame, table, tmp_path / table.file)
        loaded = read_table(table, tmp_path)
        expected = frame[table.names].reset_index(drop=True)
        pd.testing.assert_frame_equal(loaded, expected)


def test_datetime_columns_keep_their_format_in_the_file(small_world):
    first = (small_world / "events.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    assert len(first[3]) == len("2025-12-01 00:00:00")
    retail = (small_world / "online_retail_sample.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    month, day, rest = retail[4].split("/")
    assert int(month) == 12 and int(day) >= 1 and rest.startswith("2010 ")
    assert retail[6].endswith(".0")


# --------------------------------------------------------------------- bad files


@pytest.mark.parametrize(("loader", "file", "numeric", "when"), LOADERS, ids=LOADER_IDS)
def test_loader_rejects_a_missing_column(world_copy, loader, file, numeric, when):
    _rewrite(world_copy / file, lambda frame: frame.drop(columns=[when]))
    with pytest.raises(ValueError, match=rf"`{re.escape(file)}` has no column '{when}'"):
        loader(data_dir=world_copy)


@pytest.mark.parametrize(("loader", "file", "numeric", "when"), LOADERS, ids=LOADER_IDS)
def test_loader_rejects_text_in_a_numeric_column(world_copy, loader, file, numeric, when):
    def spoil(frame):
        frame.loc[0, numeric] = "twelve"
        return frame

    _rewrite(world_copy / file, spoil)
    with pytest.raises(
        TypeError, match=rf"Column '{numeric}' of `{re.escape(file)}` must hold numbers.*'twelve'.*row 2"
    ):
        loader(data_dir=world_copy)


@pytest.mark.parametrize(("loader", "file", "numeric", "when"), LOADERS, ids=LOADER_IDS)
def test_loader_rejects_a_time_in_another_format(world_copy, loader, file, numeric, when):
    def spoil(frame):
        frame.loc[1, when] = "31.12.2025"
        return frame

    _rewrite(world_copy / file, spoil)
    with pytest.raises(
        TypeError, match=rf"Column '{when}' of `{re.escape(file)}` must hold times written .*'31.12.2025'.*row 3"
    ):
        loader(data_dir=world_copy)


@pytest.mark.parametrize(("loader", "file", "numeric", "when"), LOADERS, ids=LOADER_IDS)
def test_loader_rejects_an_empty_file(world_copy, loader, file, numeric, when):
    (world_copy / file).write_text("", encoding="utf-8")
    with pytest.raises(
        ValueError, match=rf"`{re.escape(file)}` is empty: no header and no rows. Expected the columns \[.*'{when}'"
    ):
        loader(data_dir=world_copy)


@pytest.mark.parametrize(("loader", "file", "numeric", "when"), LOADERS, ids=LOADER_IDS)
def test_loader_rejects_a_file_with_a_header_only(world_copy, loader, file, numeric, when):
    path = world_copy / file
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"`{re.escape(file)}` has 0 rows"):
        loader(data_dir=world_copy)


@pytest.mark.parametrize(("loader", "file", "numeric", "when"), LOADERS, ids=LOADER_IDS)
def test_loader_says_where_a_missing_file_comes_from(tmp_path, loader, file, numeric, when):
    with pytest.raises(FileNotFoundError, match=r"python -m course_lib data"):
        loader(data_dir=tmp_path)


def test_loader_rejects_a_value_outside_the_vocabulary(world_copy):
    def spoil(frame):
        frame.loc[4, "status"] = "shipped"
        return frame

    _rewrite(world_copy / "orders.csv", spoil)
    with pytest.raises(
        ValueError,
        match=r"Column 'status' of `orders.csv` must be one of \['delivered', 'cancelled', 'refunded'\].*'shipped'",
    ):
        load_orders(data_dir=world_copy)


def test_loader_rejects_a_score_outside_its_range(world_copy):
    def spoil(frame):
        frame.loc[0, "nps"] = "11"
        return frame

    _rewrite(world_copy / "survey.csv", spoil)
    with pytest.raises(ValueError, match=r"Column 'nps' of `survey.csv` must lie between 0 and 10.*11"):
        load_survey(data_dir=world_copy)


def test_loader_rejects_a_missing_value_where_none_may_be(world_copy):
    def spoil(frame):
        frame.loc[2, "order_id"] = ""
        return frame

    _rewrite(world_copy / "orders.csv", spoil)
    with pytest.raises(ValueError, match=r"Column 'order_id' of `orders.csv` may not be missing.*row 4"):
        load_orders(data_dir=world_copy)


def test_loader_rejects_fractions_in_a_whole_number_column(world_copy):
    def spoil(frame):
        frame.loc[0, "quantity"] = "1.5"
        return frame

    _rewrite(world_copy / "orders.csv", spoil)
    with pytest.raises(TypeError, match=r"Column 'quantity' of `orders.csv` must hold whole numbers.*1.5"):
        load_orders(data_dir=world_copy)


def test_loader_rejects_a_repeated_key(world_copy):
    _rewrite(world_copy / "customers.csv", lambda frame: pd.concat([frame, frame.iloc[[0]]]))
    with pytest.raises(ValueError, match=r"`customers.csv` must have one row per \['customer_id'\]; repeated: \(1,\)"):
        load_customers(data_dir=world_copy)


def test_loader_rejects_a_flag_that_is_not_true_or_false(world_copy):
    def spoil(frame):
        frame.loc[0, "consent_sms"] = "yes"
        return frame

    _rewrite(world_copy / "customers.csv", spoil)
    with pytest.raises(TypeError, match=r"Column 'consent_sms' of `customers.csv` must be True or False.*'yes'"):
        load_customers(data_dir=world_copy)


def test_load_truth_rejects_invalid_json(world_copy):
    (world_copy / "truth" / "planted.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"`truth/planted.json` is not valid JSON"):
        load_truth(data_dir=world_copy)


def test_load_truth_gives_types_and_planted_facts(small_world):
    truth = load_truth(data_dir=small_world)
    assert set(truth.customer_types["type"].unique()) <= {"A", "B", "C", "D", "business"}
    assert len(truth.customer_types) == SMALL["n_customers"]
    assert truth.planted["seed"] == SMALL["seed"]
    assert truth.planted["pain_points"]["payment_failure"]["app_version"] == "4.2.0"


# --------------------------------------------------------------------- the CRM


def test_connect_crm_gives_every_table_and_is_read_only(small_world):
    before = _digests(small_world)
    crm = connect_crm(data_dir=small_world)
    try:
        for name, table in CRM_TABLES.items():
            frame = pd.read_sql(f'SELECT * FROM "{name}"', crm)
            assert list(frame.columns) == table.names
            assert len(frame) > 0, name
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            crm.execute("DELETE FROM contacts")
    finally:
        crm.close()
    assert _digests(small_world) == before


def test_campaign_responses_have_a_holdout_group_that_was_not_contacted(small_world):
    crm = connect_crm(data_dir=small_world)
    try:
        responses = pd.read_sql("SELECT * FROM campaign_responses", crm)
    finally:
        crm.close()
    holdout = responses["holdout"] == 1
    assert holdout.any() and (~holdout).any()
    assert responses.loc[holdout, ["opened", "clicked"]].isna().all().all()
    assert responses.loc[~holdout, ["opened", "clicked"]].notna().all().all()


def _crm_file(path: Path, create_sql: str) -> None:
    connection = sqlite3.connect(path)
    connection.executescript(create_sql)
    connection.close()


def _full_schema_sql(skip_column: str | None = None, retype: tuple[str, str] | None = None) -> str:
    statements = []
    for name, table in CRM_TABLES.items():
        columns = [
            f'"{column.name}" {retype[1] if retype and column.name == retype[0] and name == "tickets" else column.sql_type}'
            for column in table.columns
            if not (name == "tickets" and column.name == skip_column)
        ]
        statements.append(f'CREATE TABLE "{name}" ({", ".join(columns)});')
    return "\n".join(statements)


def test_connect_crm_rejects_a_missing_column(tmp_path):
    _crm_file(tmp_path / "crm.sqlite", _full_schema_sql(skip_column="category"))
    with pytest.raises(ValueError, match=r"Table 'tickets' of `crm.sqlite` has no column 'category'"):
        connect_crm(data_dir=tmp_path)


def test_connect_crm_rejects_a_column_of_another_type(tmp_path):
    _crm_file(tmp_path / "crm.sqlite", _full_schema_sql(retype=("opened_at", "INTEGER")))
    with pytest.raises(
        ValueError,
        match=r"Column 'opened_at' of table 'tickets' in `crm.sqlite` must be declared TEXT; it is declared INTEGER",
    ):
        connect_crm(data_dir=tmp_path)


def test_connect_crm_rejects_an_empty_file(tmp_path):
    (tmp_path / "crm.sqlite").write_bytes(b"")
    with pytest.raises(ValueError, match=r"`crm.sqlite` has no table 'contacts'"):
        connect_crm(data_dir=tmp_path)


def test_connect_crm_rejects_a_file_that_is_not_a_database(tmp_path):
    (tmp_path / "crm.sqlite").write_text("customer_id,name\n1,Ana\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"`crm.sqlite` is not a readable SQLite database"):
        connect_crm(data_dir=tmp_path)


# --------------------------------------------------------------------- files are never changed


def test_loading_everything_changes_no_file(small_world):
    before = _digests(small_world)
    times = {path: path.stat().st_mtime_ns for path in small_world.rglob("*") if path.is_file()}
    for loader, _, _, _ in LOADERS:
        loader(data_dir=small_world)
    load_online_retail(small_world / "online_retail_sample.csv", return_report=False)
    connect_crm(data_dir=small_world).close()
    assert _digests(small_world) == before
    assert {path: path.stat().st_mtime_ns for path in times} == times
    assert not list(small_world.glob("*-journal")) and not list(small_world.glob("*-wal"))


# --------------------------------------------------------------------- checksums


def test_checksum_file_lists_every_file_in_sha256sum_format(small_world):
    lines = (small_world / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, relative = line.split("  ")
        listed[relative] = digest
    files = {str(path.relative_to(small_world).as_posix()) for path in small_world.rglob("*") if path.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    assert {"truth/customer_types.csv", "truth/planted.json", "README.md", "crm.sqlite"} <= set(listed)
    for relative, digest in listed.items():
        assert hashlib.sha256((small_world / relative).read_bytes()).hexdigest() == digest


def test_verify_checksums_is_empty_for_a_fresh_folder(small_world):
    assert verify_checksums(small_world) == []


def test_verify_checksums_names_a_changed_and_a_missing_file(world_copy):
    with (world_copy / "orders.csv").open("a", encoding="utf-8") as handle:
        handle.write("999999,1,,2025-12-31 12:00,web,Old Town,Falafel Bowl,bowl,1,9.50,0.00,,delivered\n")
    (world_copy / "truth" / "planted.json").unlink()
    problems = verify_checksums(world_copy)
    assert problems == [
        "orders.csv has changed since it was generated (its checksum differs)",
        "truth/planted.json is missing",
    ]


def test_verify_checksums_reports_a_missing_or_malformed_checksum_file(world_copy):
    (world_copy / "SHA256SUMS").write_text("not a checksum line\n", encoding="utf-8")
    assert verify_checksums(world_copy) == ["SHA256SUMS line 1 is not 'HASH  PATH': 'not a checksum line'"]
    (world_copy / "SHA256SUMS").unlink()
    assert verify_checksums(world_copy) == [
        f"{world_copy / 'SHA256SUMS'} is missing, so the data files cannot be checked"
    ]


# --------------------------------------------------------------------- the Online Retail reader


def _cleaning_by_hand(raw: pd.DataFrame) -> list[int]:
    """The same steps as clean_online_retail, written independently with successive filters."""
    counts = []
    step = raw.drop_duplicates()
    counts.append(len(raw) - len(step))
    for keep in (
        lambda frame: frame[frame["CustomerID"].notna()],
        lambda frame: frame[~frame["InvoiceNo"].str.startswith("C")],
        lambda frame: frame[frame["Quantity"] > 0],
        lambda frame: frame[frame["UnitPrice"] > 0],
        lambda frame: frame[
            ~frame["StockCode"].isin(
                ["POST", "DOT", "D", "M", "C2", "BANK CHARGES", "CRUK", "AMAZONFEE", "PADS", "B", "S"]
            )
        ],
    ):
        kept = keep(step)
        counts.append(len(step) - len(kept))
        step = kept
    return counts


def test_load_online_retail_cleans_the_sample_and_reports_each_step(small_world):
    path = small_world / "online_retail_sample.csv"
    raw = load_online_retail_sample(data_dir=small_world)
    clean, report = load_online_retail(path, return_report=True)
    assert report["step"].tolist() == [
        "input",
        "exact duplicates",
        "missing CustomerID",
        "cancellations",
        "non-positive Quantity",
        "non-positive UnitPrice",
        "non-product codes",
    ]
    assert report["rows_dropped"].tolist() == [0, *_cleaning_by_hand(raw)]
    assert report["rows_remaining"].iloc[0] == len(raw)
    assert report["rows_remaining"].iloc[-1] == len(clean)
    assert (
        report["rows_remaining"].iloc[:-1].to_numpy() - report["rows_dropped"].iloc[1:].to_numpy()
        == report["rows_remaining"].iloc[1:].to_numpy()
    ).all()
    for step in (
        "exact duplicates",
        "missing CustomerID",
        "cancellations",
        "non-positive UnitPrice",
        "non-product codes",
    ):
        assert report.set_index("step").at[step, "rows_dropped"] > 0, step
    assert clean["CustomerID"].notna().all() and (clean["Quantity"] > 0).all() and (clean["UnitPrice"] > 0).all()
    assert not clean["InvoiceNo"].str.startswith("C").any() and not clean.duplicated().any()


def test_clean_online_retail_keeps_the_callers_frame(small_world):
    raw = load_online_retail_sample(data_dir=small_world)
    copy = raw.copy()
    clean_online_retail(raw, return_report=True)
    pd.testing.assert_frame_equal(raw, copy)


def test_clean_online_retail_returns_the_report_on_request_and_warns_on_the_old_call(small_world):
    raw = load_online_retail_sample(data_dir=small_world)
    clean = clean_online_retail(raw, return_report=False)
    assert isinstance(clean, pd.DataFrame)
    same, report = clean_online_retail(raw, return_report=True)
    pd.testing.assert_frame_equal(same, clean)
    assert report["rows_remaining"].iloc[-1] == len(clean)
    with pytest.warns(FutureWarning, match=r"`clean, report = clean_online_retail\(\.\.\., return_report=True\)`"):
        old_clean, old_report = clean_online_retail(raw)  # the old call, for one release
    pd.testing.assert_frame_equal(old_clean, clean)
    pd.testing.assert_frame_equal(old_report, report)
    with pytest.warns(FutureWarning, match=r"load_online_retail will return only `clean`"):
        from_file, _ = load_online_retail(small_world / "online_retail_sample.csv")
    assert len(from_file) == len(clean)


def test_clean_online_retail_rejects_a_frame_without_the_columns():
    with pytest.raises(ValueError, match=r"`data` has no columns 'InvoiceNo', 'StockCode'"):
        clean_online_retail(pd.DataFrame({"Invoice": ["536365"]}))


def _retail_rows(small_world, rows: int = 40) -> pd.DataFrame:
    return pd.read_csv(small_world / "online_retail_sample.csv", dtype=str, keep_default_na=False).head(rows)


def test_read_online_retail_reads_xlsx_like_csv(small_world, tmp_path):
    rows = _retail_rows(small_world)
    rows.to_csv(tmp_path / "part.csv", index=False)
    from_csv = read_online_retail(tmp_path / "part.csv")
    from_csv.to_excel(tmp_path / "part.xlsx", index=False, engine="openpyxl")
    from_xlsx = read_online_retail(tmp_path / "part.xlsx")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)


def test_read_online_retail_asks_for_calamine_when_it_is_missing(monkeypatch, tmp_path):
    (tmp_path / "Online Retail.xlsx").write_bytes(b"PK")
    monkeypatch.setattr(online_retail_module, "_excel_reader_installed", lambda: False)
    with pytest.raises(
        ImportError, match=r"needs the python-calamine package.*pip install python-calamine.*save it as CSV"
    ):
        read_online_retail(tmp_path / "Online Retail.xlsx")


def test_read_online_retail_reads_a_latin1_csv_with_iso_dates(small_world, tmp_path):
    rows = _retail_rows(small_world, rows=5)
    rows.loc[0, "Description"] = "TEA SET £ EDITION"
    rows["InvoiceDate"] = "2010-12-01 08:26:00"
    rows.to_csv(tmp_path / "latin.csv", index=False, encoding="latin-1")
    frame = read_online_retail(tmp_path / "latin.csv")
    assert frame.loc[0, "Description"] == "TEA SET £ EDITION"
    assert frame["InvoiceDate"].eq(pd.Timestamp("2010-12-01 08:26")).all()
    assert str(frame["CustomerID"].dtype) == "Int64"


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda rows: rows.drop(columns="Country"), ValueError, r"`bad.csv` has no column 'Country'"),
        (
            lambda rows: rows.assign(InvoiceDate="yesterday"),
            ValueError,
            r"Column 'InvoiceDate' of `bad.csv` holds dates in none of the formats",
        ),
        (
            lambda rows: rows.assign(Quantity="many"),
            TypeError,
            r"Column 'Quantity' of `bad.csv` must hold numbers; found 5 other value\(s\), like 'many'",
        ),
        (
            lambda rows: rows.assign(CustomerID="17850.5"),
            TypeError,
            r"Column 'CustomerID' of `bad.csv` must hold whole numbers.*'17850.5'",
        ),
        (lambda rows: rows.iloc[0:0], ValueError, r"`bad.csv` has 0 rows"),
    ],
    ids=["missing column", "bad dates", "text quantity", "fractional id", "header only"],
)
def test_read_online_retail_rejects_a_bad_file(small_world, tmp_path, change, error, message):
    change(_retail_rows(small_world, rows=5)).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(error, match=message):
        read_online_retail(tmp_path / "bad.csv")


def test_read_online_retail_rejects_empty_missing_and_unknown_files(tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match=r"`empty.csv` is empty"):
        read_online_retail(tmp_path / "empty.csv")
    with pytest.raises(FileNotFoundError, match=r"load_online_retail_sample"):
        read_online_retail(tmp_path / "nowhere.csv")
    (tmp_path / "data.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match=r"`data.txt` must be a .csv or .xlsx file. Got '.txt' instead."):
        read_online_retail(tmp_path / "data.txt")


def test_read_online_retail_leaves_the_file_unchanged(small_world, tmp_path):
    path = tmp_path / "copy.csv"
    shutil.copy(small_world / "online_retail_sample.csv", path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    load_online_retail(path, return_report=False)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert np.isclose(len(read_online_retail(path)), len(load_online_retail_sample(data_dir=small_world)))
