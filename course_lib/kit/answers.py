"""A task's answer as plain data: JSON (and a CSV or PNG copy to look at), never pickle.

The grader takes each answer variable out of a student's kernel with
:func:`dump_answer` and reads it back with :func:`load_answer` in a separate
Python process that has never run student code. Reading uses only ``json`` and
pandas/NumPy constructors, so a file cannot run code when it is read (pickle
could). Tables keep their dtypes, index and column labels; floats keep every
digit (JSON writes the shortest text that reads back to the same float).

What can be an answer: ``...`` (not answered yet), ``None``, numbers, text,
booleans, dates and durations, lists, tuples, sets and dicts of those, NumPy
arrays, pandas Series, Index and DataFrames (columns of any dtype, a category
included), and a matplotlib Axes or Figure (its title, labels, texts, lines
and bars; and a PNG for the instructor), and the kit's own dataclasses (a
``ColumnMapping``). Anything else is written as "unreadable" with its type, and
its check says so.

Examples
--------
>>> import tempfile
>>> table = pd.DataFrame({"customer_id": [3, 1], "share": [0.1, 1 / 3]}).set_index("customer_id")
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = dump_answer(table, folder, "table")
...     back = load_answer(folder, "table")
>>> back.equals(table) and back.index.name == "customer_id"
True
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAX_CELLS", "Unreadable", "dump_answer", "load_answer"]

#: Largest table (rows x columns) written out; a larger answer is "too large".
MAX_CELLS = 5_000_000


class Unreadable:
    """An answer the grader could not take out of the kernel (missing, unsupported, too large)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unreadable({self.reason!r})"


# ---------------------------------------------------------------- writing (in the student's kernel)


def _scalar(value: Any) -> Any:
    """A JSON value for one element; tagged dicts for what JSON has no type for."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else {"$t": "float", "v": repr(value)}
    if value is pd.NaT:
        return {"$t": "nat"}
    if value is pd.NA:
        return {"$t": "na"}
    if isinstance(value, pd.Timestamp):
        return {"$t": "timestamp", "v": value.isoformat(), "tz": str(value.tz) if value.tz else None}
    if isinstance(value, (np.datetime64,)):
        return {"$t": "timestamp", "v": pd.Timestamp(value).isoformat(), "tz": None}
    if isinstance(value, (pd.Timedelta, np.timedelta64)):
        return {"$t": "timedelta", "v": int(pd.Timedelta(value).value)}
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return _container(value)
    raise TypeError(type(value).__name__)


def _container(value: Any) -> Any:
    if isinstance(value, dict):
        return {"$t": "dict", "items": [[_scalar(key), _scalar(item)] for key, item in value.items()]}
    kind = {list: "list", tuple: "tuple", set: "set", frozenset: "set"}[type(value)]
    items = sorted(value, key=repr) if kind == "set" else value
    return {"$t": kind, "items": [_scalar(item) for item in items]}


def _column(values: pd.Series | pd.Index) -> dict[str, Any]:
    """One column (or index level) as {dtype, values[, categories, ordered]}."""
    dtype = values.dtype
    column: dict[str, Any] = {"dtype": str(dtype)}
    if isinstance(dtype, pd.CategoricalDtype):
        column["categories"] = _column(pd.Index(dtype.categories))
        column["ordered"] = bool(dtype.ordered)
        column["codes"] = [
            int(code) for code in np.asarray(values.codes if hasattr(values, "codes") else values.cat.codes)
        ]
        return column
    if pd.api.types.is_datetime64_any_dtype(dtype):
        column["values"] = [None if pd.isna(value) else pd.Timestamp(value).isoformat() for value in values]
    elif pd.api.types.is_timedelta64_dtype(dtype):
        column["values"] = [None if pd.isna(value) else int(pd.Timedelta(value).value) for value in values]
    else:
        column["values"] = [_scalar(value) for value in values.tolist()]
    return column


def _index(index: pd.Index) -> dict[str, Any]:
    if isinstance(index, pd.RangeIndex):
        return {"range": [index.start, index.stop, index.step], "names": [_scalar(index.name)]}
    if isinstance(index, pd.MultiIndex):
        levels = [_column(index.get_level_values(level)) for level in range(index.nlevels)]
    else:
        levels = [_column(index)]
    return {"levels": levels, "names": [_scalar(name) for name in index.names]}


def _frame(frame: pd.DataFrame) -> dict[str, Any]:
    if frame.size > MAX_CELLS:
        raise OverflowError(f"a table of {frame.shape[0]} x {frame.shape[1]}")
    return {
        "kind": "frame",
        "index": _index(frame.index),
        "columns": _index(frame.columns),
        "data": [_column(frame.iloc[:, position]) for position in range(frame.shape[1])],
    }


def _axes(ax: Any) -> dict[str, Any]:
    def numbers(values: Any) -> list:
        try:
            return [_scalar(float(value)) for value in np.asarray(values, dtype=float).ravel()]
        except (TypeError, ValueError):
            return [str(value) for value in np.asarray(values).ravel()]

    from matplotlib.patches import Rectangle

    return {
        "kind": "axes",
        "title": ax.get_title(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "texts": [[*numbers(text.get_position()), str(text.get_text())] for text in ax.texts],
        "lines": [[numbers(line.get_xdata()), numbers(line.get_ydata()), str(line.get_label())] for line in ax.lines],
        "bars": [
            numbers([patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()])
            for patch in ax.patches
            if isinstance(patch, Rectangle)
        ],
    }


def _describe(value: Any) -> dict[str, Any]:
    """The JSON description of an answer (without the side files)."""
    if value is Ellipsis:
        return {"kind": "ellipsis"}
    if isinstance(value, pd.DataFrame):
        return _frame(value)
    if isinstance(value, pd.Series):
        described = _frame(value.to_frame(name=0))
        return {**described, "kind": "series", "name": _scalar(value.name)}
    if isinstance(value, pd.Index):
        return {"kind": "index", "index": _index(value)}
    if isinstance(value, np.ndarray):
        if value.ndim > 2 or value.size > MAX_CELLS:
            raise OverflowError(f"an array of shape {value.shape}")
        return {
            "kind": "array",
            "frame": _frame(pd.DataFrame(value.reshape(len(value), -1)))["data"],
            "ndim": value.ndim,
        }
    type_names = {cls.__module__.split(".")[0] + "." + cls.__name__ for cls in type(value).__mro__}
    if "matplotlib.Axes" in type_names or "matplotlib._AxesBase" in type_names:
        return _axes(value)
    if "matplotlib.Figure" in type_names:
        return {"kind": "figure", "axes": [_axes(ax) for ax in value.axes]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {item.name: _scalar(getattr(value, item.name)) for item in dataclasses.fields(value)}
        return {"kind": "dataclass", "class": f"{type(value).__module__}.{type(value).__qualname__}", "fields": fields}
    return {"kind": "value", "value": _scalar(value)}


def dump_answer(value: Any, folder: Path | str, name: str) -> dict[str, Any]:
    """Write answer `value` as ``folder/name.json`` (and ``name.csv`` or ``name.png`` to look at).

    Returns the description written. An answer that cannot be written becomes
    ``{"kind": "unreadable", "reason": ...}``: the grader reports the reason.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        described = _describe(value)
    except OverflowError as error:
        described = {"kind": "unreadable", "reason": f"{error} is too large to grade"}
    except (TypeError, ValueError):
        described = {
            "kind": "unreadable",
            "reason": f"an answer of type {type(value).__name__}, which the grader cannot read",
        }
    described["type"] = f"{type(value).__module__}.{type(value).__qualname__}"
    try:
        text = json.dumps(described)
    except (TypeError, ValueError) as error:  # a part JSON cannot hold: the answer is reported, not lost silently
        text = json.dumps({"kind": "unreadable", "reason": f"a part of the answer cannot be written ({error})"})
    (folder / f"{name}.json").write_text(text, encoding="utf-8")
    # Copies for the instructor's eyes only; grading reads the JSON.
    try:
        if isinstance(value, (pd.DataFrame, pd.Series)) and described["kind"] in {"frame", "series"}:
            value.to_csv(folder / f"{name}.csv")
        elif described["kind"] in {"axes", "figure"}:
            figure = value if described["kind"] == "figure" else value.figure
            figure.savefig(folder / f"{name}.png", dpi=72)
    except Exception:  # a copy that cannot be written costs nothing: the JSON is what counts
        pass
    return described


# ---------------------------------------------------------------- reading (in the clean process)


def _from_scalar(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    tag = value.get("$t")
    if tag == "float":
        return float(value["v"])
    if tag == "nat":
        return pd.NaT
    if tag == "na":
        return pd.NA
    if tag == "timestamp":
        return pd.Timestamp(value["v"])
    if tag == "timedelta":
        return pd.Timedelta(value["v"], unit="ns")
    if tag == "dict":
        return {_hashable(_from_scalar(key)): _from_scalar(item) for key, item in value["items"]}
    items = [_from_scalar(item) for item in value["items"]]
    if tag == "tuple":
        return tuple(items)
    if tag == "set":
        return {_hashable(item) for item in items}
    return items


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _from_column(column: dict[str, Any]) -> pd.Index:
    dtype = column["dtype"]
    if "categories" in column:
        categories = _from_column(column["categories"])
        return pd.Index(pd.Categorical.from_codes(column["codes"], categories=categories, ordered=column["ordered"]))
    values = column["values"]
    if dtype.startswith("datetime64"):
        aware = "," in dtype
        parsed = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=aware)
        if aware:
            parsed = parsed.dt.tz_convert(dtype.split(",", 1)[1].rstrip("]").strip())
        return pd.Index(parsed.astype(dtype))
    if dtype.startswith("timedelta64"):
        return pd.Index(pd.to_timedelta(pd.Series(values, dtype=object), unit="ns").astype(dtype))
    values = [_from_scalar(value) for value in values]
    try:
        return pd.Index(pd.Series(values, dtype=dtype))
    except (TypeError, ValueError):
        return pd.Index(pd.Series(values, dtype=object))


def _from_index(described: dict[str, Any]) -> pd.Index:
    names = [_from_scalar(name) for name in described["names"]]
    if "range" in described:
        return pd.RangeIndex(*described["range"], name=names[0])
    levels = [_from_column(level) for level in described["levels"]]
    if len(levels) == 1:
        return levels[0].rename(names[0])
    return pd.MultiIndex.from_arrays(levels, names=names)


def _from_frame(described: dict[str, Any]) -> pd.DataFrame:
    index = _from_index(described["index"])
    columns = _from_index(described["columns"])
    frame = pd.DataFrame(
        {
            position: pd.Series(_from_column(column)).set_axis(index)
            for position, column in enumerate(described["data"])
        },
        index=index,
    )
    frame.columns = columns
    return frame


def _rebuild_axes(described: dict[str, Any], ax: Any = None) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if ax is None:
        _, ax = plt.subplots()
    ax.set_title(described["title"])
    ax.set_xlabel(described["xlabel"])
    ax.set_ylabel(described["ylabel"])
    for x, y, text in described["texts"]:
        ax.text(_from_scalar(x), _from_scalar(y), text)
    for xs, ys, label in described["lines"]:
        ax.plot([_from_scalar(x) for x in xs], [_from_scalar(y) for y in ys], label=label)
    for x, y, width, height in described["bars"]:
        ax.add_patch(Rectangle((x, y), width, height))
    return ax


def _from_description(described: dict[str, Any]) -> Any:
    kind = described["kind"]
    if kind == "ellipsis":
        return Ellipsis
    if kind == "frame":
        return _from_frame(described)
    if kind == "series":
        return _from_frame(described).iloc[:, 0].rename(_from_scalar(described["name"]))
    if kind == "index":
        return _from_index(described["index"])
    if kind == "array":
        columns = [_from_column(column).to_numpy() for column in described["frame"]]
        array = np.column_stack(columns) if columns else np.empty((0, 0))
        return array.ravel() if described["ndim"] == 1 else array
    if kind == "axes":
        return _rebuild_axes(described)
    if kind == "figure":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure = plt.figure()
        for axes in described["axes"]:
            _rebuild_axes(axes, figure.add_subplot())
        return figure
    if kind == "value":
        return _from_scalar(described["value"])
    if kind == "dataclass":
        return _from_dataclass(described)
    if kind == "unreadable":
        return Unreadable(described["reason"])
    raise ValueError(f"unknown answer kind {kind!r}")


def _from_dataclass(described: dict[str, Any]) -> Any:
    """A kit dataclass (``ColumnMapping``, ...) rebuilt from its fields; other classes stay unread.

    Only classes of ``course_lib`` are built: naming any other class in a file must not make the
    grader import and run it.
    """
    module_name, _, name = described["class"].rpartition(".")
    if not module_name.startswith("course_lib.") or "." in name:
        return Unreadable(f"an answer of type {name}, which the grader cannot read")
    import importlib

    cls = getattr(importlib.import_module(module_name), name, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        return Unreadable(f"an answer of type {name}, which the grader cannot read")
    return cls(**{key: _from_scalar(value) for key, value in described["fields"].items()})


def load_answer(folder: Path | str, name: str) -> Any:
    """Read the answer `name` written by :func:`dump_answer`; :class:`Unreadable` when there is none."""
    path = Path(folder) / f"{name}.json"
    if not path.is_file():
        return Unreadable(f"`{name}` was not defined when the notebook ended")
    try:
        return _from_description(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError, KeyError, IndexError) as error:
        return Unreadable(f"the answer file of `{name}` could not be read ({type(error).__name__}: {error})")
