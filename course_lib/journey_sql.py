"""The funnel of :mod:`course_lib.journey` as one SQL query, for event logs that have outgrown pandas.

:func:`funnel_sql` writes a query that computes, inside a database, exactly what
:func:`course_lib.journey.funnel` computes in pandas: how many sessions (or
people) reach each stage, per group, with the conversion and drop-off rates.
It runs on DuckDB (over a pandas frame, a CSV or a folder of Parquet files),
on Spark SQL and on SQLite, with the dialects of :data:`course_lib.rfm_sql.SQL_DIALECTS`.

The strict funnel needs an order *within* a session: stage k counts only when
it comes after the event that reached stage k - 1. The query numbers each
session's events by time (``ROW_NUMBER``), breaking ties in time with the
`sequence` column when there is one (the log's own order, which is what pandas
uses), then follows the stages one common table expression at a time.

Examples
--------
>>> import duckdb
>>> import pandas as pd
>>> from course_lib.journey import funnel
>>> events = pd.DataFrame({
...     "session_id": ["s1", "s1", "s1", "s2", "s2", "s2", "s3"],
...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:01", "2024-05-01 12:02",
...                                  "2024-05-02 19:00", "2024-05-02 19:01", "2024-05-02 19:02",
...                                  "2024-05-03 08:00"], format="%Y-%m-%d %H:%M"),
...     "event": ["visit", "view_menu", "add_to_cart", "visit", "add_to_cart", "view_menu", "visit"],
... })
>>> stages = ["visit", "view_menu", "add_to_cart"]
>>> query = funnel_sql(table="events", stages=stages)
>>> in_sql = duckdb.connect().execute(query.replace('"events"', "events")).df()
>>> in_sql[["stage", "reached", "conversion_from_previous"]]
         stage  reached  conversion_from_previous
0        visit        3                  1.000000
1    view_menu        2                  0.666667
2  add_to_cart        1                  0.500000
>>> in_pandas = funnel(events, stages=stages)
>>> in_sql["reached"].tolist() == in_pandas["reached"].tolist()
True
"""

from __future__ import annotations

from collections.abc import Sequence

from course_lib.journey import DEFAULT_STAGES
from course_lib.rfm_sql import SQL_DIALECTS, sql_name
from course_lib.validation import require_one_of

__all__ = ["funnel_sql"]


def funnel_sql(
    *,
    table: str = "events",
    stages: Sequence[str] = DEFAULT_STAGES,
    by: str | Sequence[str] | None = None,
    mode: str = "strict",
    session: str = "session_id",
    timestamp: str = "timestamp",
    event: str = "event",
    sequence: str | None = None,
    dialect: str = "duckdb",
) -> str:
    """Return a SQL query computing :func:`course_lib.journey.funnel` inside a database.

    Parameters
    ----------
    table : str, default="events"
        The table (or view) of events.
    stages : sequence of str, default=DEFAULT_STAGES
        Event names in funnel order.
    by : str or list of str, optional
        Column(s) to compare funnels by (``"channel"``, ``"device"``, ...).
    mode : {"strict", "any_order"}, default="strict"
        As in :func:`course_lib.journey.funnel`.
    session : str, default="session_id"
        Column of what is counted: sessions, or ``"customer_id"`` for people.
    timestamp, event : str, default="timestamp", "event"
        Columns of event times and event names.
    sequence : str or None, default=None
        A column that numbers the rows in the log's order, used only to order
        events that happened at the same time in strict mode (pandas keeps the
        log's order there). None: events at the same time are ordered by event
        name, which can differ from pandas when a session logs two funnel
        events in the same second.
    dialect : {"sqlite", "duckdb", "spark"}, default="duckdb"
        The SQL engine.

    Returns
    -------
    str
        One ``SELECT`` statement with one row per group and stage, sorted by
        the `by` columns and then the stage order: the `by` columns, ``stage``,
        ``reached``, ``conversion_from_previous``, ``conversion_from_start``,
        ``dropped`` and ``drop_off_rate``. Rates whose base is 0 are NULL.

    Notes
    -----
    Rows without a session, a time, an event or a `by` value are left out, as
    in pandas. The same session in two groups is two journeys.

    Examples
    --------
    >>> print(funnel_sql(stages=["visit", "place_order"]).splitlines()[0])
    -- Funnel: sessions reaching each stage, as course_lib.journey.funnel counts them.
    """
    require_one_of(dialect, SQL_DIALECTS, parameter="dialect", function="funnel_sql")
    require_one_of(mode, ("strict", "any_order"), parameter="mode", function="funnel_sql")
    stages = list(stages)
    if not stages or not all(isinstance(stage, str) and stage for stage in stages):
        raise ValueError(f"The 'stages' parameter of funnel_sql must be a list of event names. Got {stages!r} instead.")
    by_columns = [by] if isinstance(by, str) else list(by or [])

    def quote(name: str, parameter: str) -> str:
        return sql_name(name, parameter=parameter, dialect=dialect, function="funnel_sql")

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    groups = [quote(column, "by") for column in by_columns]
    source, session_q, time_q, event_q = (
        quote(table, "table"),
        quote(session, "session"),
        quote(timestamp, "timestamp"),
        quote(event, "event"),
    )
    journey = [*groups, session_q]
    group_list = ", ".join(groups)
    group_prefix = f"{group_list}, " if groups else ""
    required = [*journey, time_q, event_q]
    tie_break = quote(sequence, "sequence") if sequence is not None else event_q
    stage_rows = " UNION ALL ".join(
        f"SELECT {position} AS stage_number, {literal(stage)} AS stage" for position, stage in enumerate(stages)
    )
    journey_match = " AND ".join(f"e.{column} = r.{column}" for column in journey)
    journey_list = ", ".join(journey)

    if mode == "strict":
        steps = []
        for k, stage in enumerate(stages):
            if k == 0:
                steps.append(
                    f"reach_0 AS (\n    SELECT {journey_list}, MIN(step) AS step FROM numbered\n"
                    f"    WHERE {event_q} = {literal(stage)} GROUP BY {journey_list}\n)"
                )
            else:
                steps.append(
                    f"reach_{k} AS (\n    -- the first {stage} after the event that reached the stage before\n"
                    f"    SELECT {', '.join(f'r.{column}' for column in journey)}, MIN(e.step) AS step\n"
                    f"    FROM reach_{k - 1} AS r JOIN numbered AS e ON {journey_match}\n"
                    f"    WHERE e.{event_q} = {literal(stage)} AND e.step > r.step\n"
                    f"    GROUP BY {', '.join(f'r.{column}' for column in journey)}\n)"
                )
        counted = " UNION ALL ".join(
            f"SELECT {group_prefix}{k} AS stage_number, COUNT(*) AS reached FROM reach_{k}"
            + (f" GROUP BY {group_list}" if groups else "")
            for k in range(len(stages))
        )
        journeys = (
            f"numbered AS (\n    -- each journey's events in time order; ties follow {tie_break}\n"
            f"    SELECT {journey_list}, {event_q},\n"
            f"           ROW_NUMBER() OVER (PARTITION BY {journey_list} ORDER BY {time_q}, {tie_break}) AS step\n"
            f"    FROM kept\n),\n" + ",\n".join(steps)
        )
    else:
        flags = ",\n".join(
            f"           MAX(CASE WHEN {event_q} = {literal(stage)} THEN 1 ELSE 0 END) AS has_{k}"
            for k, stage in enumerate(stages)
        )
        counted = " UNION ALL ".join(
            f"SELECT {group_prefix}{k} AS stage_number, "
            f"SUM(CASE WHEN {' AND '.join(f'has_{j} = 1' for j in range(k + 1))} THEN 1 ELSE 0 END) AS reached "
            f"FROM has_stage" + (f" GROUP BY {group_list}" if groups else "")
            for k in range(len(stages))
        )
        journeys = (
            f"has_stage AS (\n    -- does each journey have an event of each stage, in any order?\n"
            f"    SELECT {journey_list},\n{flags}\n    FROM kept GROUP BY {journey_list}\n)"
        )

    group_rows = f"SELECT DISTINCT {group_list} FROM kept" if groups else "SELECT 1 AS one_group"
    on_group = " AND ".join(f"c.{column} = g.{column}" for column in groups) if groups else "1 = 1"
    partition = f"PARTITION BY {', '.join(f'g.{column}' for column in groups)} " if groups else ""
    previous = f"LAG(COALESCE(c.reached, 0), 1) OVER ({partition}ORDER BY s.stage_number)"
    first = f"FIRST_VALUE(COALESCE(c.reached, 0)) OVER ({partition}ORDER BY s.stage_number)"
    select_groups = "".join(f"g.{column}, " for column in groups)
    order_groups = "".join(f"{column}, " for column in groups)

    def share(numerator: str, denominator: str) -> str:
        return f"CASE WHEN {denominator} = 0 THEN NULL ELSE CAST({numerator} AS DOUBLE) / {denominator} END"

    return f"""-- Funnel: sessions reaching each stage, as course_lib.journey.funnel counts them.
WITH kept AS (
    -- Rows that can be placed in a journey (pandas leaves the others out too).
    SELECT * FROM {source}
    WHERE {" AND ".join(f"{column} IS NOT NULL" for column in required)}
),
{journeys},
counted AS (
    {counted}
),
stage_list AS (
    {stage_rows}
),
grid AS (
    -- every group with every stage, so a stage nobody reached shows 0
    SELECT {select_groups}s.stage_number, s.stage,
           COALESCE(c.reached, 0) AS reached,
           COALESCE({previous}, COALESCE(c.reached, 0)) AS previous_reached,
           {first} AS started
    FROM ({group_rows}) AS g CROSS JOIN stage_list AS s
    LEFT JOIN counted AS c ON {on_group} AND c.stage_number = s.stage_number
)
SELECT {order_groups}stage, reached,
       {share("reached", "previous_reached")} AS conversion_from_previous,
       {share("reached", "started")} AS conversion_from_start,
       previous_reached - reached AS dropped,
       1 - {share("reached", "previous_reached")} AS drop_off_rate
FROM grid
ORDER BY {order_groups}stage_number
"""
