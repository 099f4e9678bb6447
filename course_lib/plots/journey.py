"""Figures for customer journeys: the funnel, the flow between events, cohort retention, the journey map.

Each function takes a table made by :mod:`course_lib.journey`, draws on the
Axes it is given (the current one when ``ax=None``) in the kit's palette, and
returns it. The journey map is meant to be projected in class: give it a wide
figure, ``plt.subplots(figsize=(16, 9))``, and save it with ``fig.savefig``
as PNG (slides) or SVG (print, editing).

Examples
--------
>>> import matplotlib.pyplot as plt
>>> import pandas as pd
>>> from course_lib.journey import funnel
>>> events = pd.DataFrame({
...     "session_id": ["s1", "s1", "s2"],
...     "timestamp": pd.to_datetime(["2024-05-01 12:00", "2024-05-01 12:01", "2024-05-02 19:00"],
...                                 format="%Y-%m-%d %H:%M"),
...     "event": ["visit", "view_menu", "visit"],
... })
>>> fig, ax = plt.subplots()
>>> ax = plot_funnel(funnel(events, stages=["visit", "view_menu"]), ax=ax)
>>> [label.get_text() for label in ax.get_yticklabels()]
['visit', 'view_menu']
>>> plt.close(fig)
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, Rectangle

from course_lib.journey import DEFAULT_STAGES, END, START
from course_lib.plots.style import PALETTE, SEQUENTIAL_CMAP, finish_axes, resolve_ax
from course_lib.validation import require_columns, require_dataframe, require_non_empty

__all__ = ["plot_cohort_retention", "plot_funnel", "plot_journey_map", "plot_transition_flow"]

_FUNNEL_COLUMNS = ["stage", "reached", "conversion_from_previous", "conversion_from_start"]
#: Background tint of the journey map's rows: what they are about, at a glance.
_ROW_TINTS = {"Thinking & feeling": PALETTE[4], "Pain points": PALETTE[5], "Opportunities": PALETTE[2]}
_SIDE_ROW = -0.8  # height of the flow figure's lower row; the funnel row is at 1
_LINE_SPACING = 1.25  # of the journey map's text, in font sizes
_PERIOD_NAMES = {"D": "days", "W": "weeks", "M": "months", "Q": "quarters", "Y": "years"}


def plot_funnel(table: pd.DataFrame, *, hue: str | None = None, ax: Axes | None = None) -> Axes:
    """Draw a funnel: bars of the units reaching each stage, or one line per group.

    Parameters
    ----------
    table : DataFrame
        A table made by :func:`course_lib.journey.funnel` or
        :func:`course_lib.journey.repeat_funnel`.
    hue : str, optional
        The grouping column of a funnel made with ``by=``: one line per group,
        showing the share of the first stage that reaches each stage, so groups
        of different sizes compare.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        Without `hue`: one horizontal bar per stage, first stage on top, each
        labelled with its count, its share of the start and of the previous
        stage. With `hue`: lines of conversion from the start (%) by stage.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> table = pd.DataFrame({"stage": ["visit", "pay"], "reached": [200, 50],
    ...                       "conversion_from_previous": [1.0, 0.25], "conversion_from_start": [1.0, 0.25]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_funnel(table, ax=ax)
    >>> [text.get_text() for text in ax.texts]
    ['200', '50  (25% of start, 25% of previous)']
    >>> plt.close(fig)
    """
    require_columns(table, [*_FUNNEL_COLUMNS, *([hue] if hue else [])], name="table")
    require_non_empty(table, name="table")
    ax = resolve_ax(ax)
    stages = [str(stage) for stage in dict.fromkeys(table["stage"])]
    if hue is not None:
        for number, (group, rows) in enumerate(table.groupby(hue, sort=True, observed=True)):
            shares = rows.set_index(rows["stage"].astype(str))["conversion_from_start"].reindex(stages) * 100
            colour = PALETTE[number % len(PALETTE)]
            ax.plot(stages, shares.to_numpy(), marker="o", color=colour, label=str(group))
        ax.set_ylim(0, 105)
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
        ax.legend(title=hue)
        return finish_axes(
            ax,
            title=f"Funnel by {hue}",
            xlabel="Stage (in funnel order)",
            ylabel="Reached (% of the first stage)",
        )
    if len(stages) != len(table):
        raise ValueError(
            "`table` has several rows per stage (a funnel made with by=...); "
            "pass hue=<that column> to draw one line per group."
        )
    positions = np.arange(len(table))[::-1]  # the first stage on top
    ax.barh(positions, table["reached"], color=PALETTE[0])
    for position, row in zip(positions, table.itertuples(index=False), strict=True):
        label = f"{row.reached:,}"
        if position != positions[0]:
            start, previous = row.conversion_from_start, row.conversion_from_previous
            label += f"  ({start:.0%} of start, {previous:.0%} of previous)"
        ax.annotate(label, (row.reached, position), xytext=(4, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(positions, stages)
    ax.set_xlim(0, table["reached"].max() * 1.6)  # room for the labels
    ax.grid(axis="y", visible=False)
    return finish_axes(
        ax, title="How far they get: the funnel", xlabel="Units reaching the stage (count)", ylabel="Stage"
    )


def _check_shares(matrix: pd.DataFrame) -> None:
    """Check that `matrix` is a transition matrix of shares, as made by transition_matrix(normalize=True)."""
    require_dataframe(matrix, name="matrix")
    if START not in matrix.index or END not in matrix.columns:
        raise ValueError(
            f"`matrix` must have a {START!r} row and an {END!r} column, as made by "
            "course_lib.journey.transition_matrix(events)."
        )
    values = matrix.to_numpy(dtype=float)
    if np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        raise ValueError(
            "`matrix` must hold shares between 0 and 1; got counts or missing values. "
            "Make it with transition_matrix(events, normalize=True)."
        )


def plot_transition_flow(
    matrix: pd.DataFrame,
    *,
    stages: Sequence[str] = DEFAULT_STAGES,
    min_share: float = 0.1,
    ax: Axes | None = None,
) -> Axes:
    """Draw where people go next: the events as boxes, the common transitions as arrows.

    Parameters
    ----------
    matrix : DataFrame
        Shares made by :func:`course_lib.journey.transition_matrix` with ``normalize=True``.
    stages : sequence of str, default=DEFAULT_STAGES
        Events drawn on the top row, left to right after the start; the other
        events go on a row below.
    min_share : float, default=0.1
        Transitions taken by a smaller share of those leaving an event are not
        drawn, to keep the figure readable.
    ax : Axes, optional
        Where to draw; by default the current Axes. A wide figure helps,
        ``plt.subplots(figsize=(14, 5))``.

    Returns
    -------
    Axes
        One box per event, with the share of its journeys that end there
        ("exit") and, when at least `min_share`, that repeat it ("again");
        one arrow per transition of at least `min_share`, its width and label
        the share of the next steps. Forward jumps curve below the row, steps
        back curve above it, and two neighbours linked both ways get two curves.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> matrix = pd.DataFrame([[1.0, 0.0, 0.0], [0.2, 0.5, 0.3], [0.0, 0.0, 1.0]],
    ...                       index=["(start)", "visit", "view_menu"],
    ...                       columns=["visit", "view_menu", "(end)"])
    >>> fig, ax = plt.subplots(figsize=(8, 3))
    >>> ax = plot_transition_flow(matrix, ax=ax)
    >>> [text.get_text() for text in ax.texts]
    ['100%', '50%', '(start)', 'visit\\nagain 20%\\nexit 30%', 'view\\nmenu\\nexit 100%']
    >>> plt.close(fig)
    """
    _check_shares(matrix)
    if not 0 <= min_share <= 1:
        raise ValueError(
            f"The 'min_share' parameter of plot_transition_flow must lie between 0 and 1. Got {min_share!r} instead."
        )
    ax = resolve_ax(ax)
    events = [state for state in matrix.index if state != START]
    top_row = [START, *[stage for stage in stages if stage in events]]
    position = {state: (1.5 * x, 1.0) for x, state in enumerate(top_row)}
    # Each other event sits below the funnel stage that most often leads to it, spread so boxes do not touch.
    bottom_row = [event for event in events if event not in top_row]
    leaders = top_row[1:] or top_row
    below = {event: position[matrix.loc[leaders, event].idxmax()][0] for event in bottom_row}
    x = -np.inf
    for event in sorted(bottom_row, key=lambda name: (below[name], name)):
        x = max(below[event], x + 1.5)
        position[event] = (x, _SIDE_ROW)
    # Equal scales on both axes, so the curves and their labels keep their shape.
    ax.set_aspect("equal", adjustable="box")

    flows = matrix.drop(columns=END).stack()
    flows = flows[(flows >= min_share) & (flows > 0)]
    label_heights = [_SIDE_ROW, 1.0]
    for (source, target), share in flows.items():
        if source == target:
            continue  # written in the box as "again"
        (x1, y1), (x2, y2) = position[source], position[target]
        distance = float(np.hypot(x2 - x1, y2 - y1))
        # Short steps are straight, unless the step back is drawn too; longer jumps curve (back:
        # above the row, forward: below it), further for longer jumps so they do not overlap.
        if distance > 1.6:
            bulge = 0.3 + 0.06 * distance
        else:
            bulge = 0.2 if (target, source) in flows.index else 0.0
        rad = 2 * bulge / distance
        colour = PALETTE[5] if target in bottom_row else PALETTE[0]
        ax.add_patch(
            FancyArrowPatch(
                (x1, y1),
                (x2, y2),
                connectionstyle=f"arc3,rad={rad}",
                arrowstyle="-|>",
                mutation_scale=14,
                linewidth=1 + 8 * share,
                color=colour,
                alpha=0.7,
                shrinkA=24,
                shrinkB=24,
            )
        )
        # The middle of matplotlib's arc3 curve lies rad / 2 of the way along the perpendicular.
        label_x = (x1 + x2) / 2 + rad / 2 * (y2 - y1)
        label_y = (y1 + y2) / 2 - rad / 2 * (x2 - x1)
        label_heights.append(label_y)
        ax.text(
            label_x,
            label_y,
            f"{share:.0%}",
            ha="center",
            va="center",
            fontsize=9,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
    for state, (x, y) in position.items():
        label = state
        if state != START:
            label = state.replace("_", "\n", 1)
            if matrix.loc[state, state] >= min_share and state in matrix.columns:
                label += f"\nagain {matrix.loc[state, state]:.0%}"
            label += f"\nexit {matrix.loc[state, END]:.0%}"
        face = "0.9" if state == START else "#FBE3D6" if state in bottom_row else "#DCEBF6"
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=10,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": face, "edgecolor": "0.4"},
        )
    right = max(x for x, _ in position.values())
    ax.set_xlim(-0.8, right + 0.8)
    ax.set_ylim(min(label_heights) - 0.7, max(label_heights) + 0.7)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return finish_axes(
        ax,
        title="What happens next: transitions between events",
        xlabel=f"Journey order, left to right (arrows: share of next steps, {min_share:.0%} or more)",
        ylabel="Funnel (top), other events (bottom)",
    )


def plot_cohort_retention(table: pd.DataFrame, *, annotate: bool | None = None, ax: Axes | None = None) -> Axes:
    """Draw a cohort retention table as a heatmap: cohorts down, periods since the start across.

    Parameters
    ----------
    table : DataFrame
        Made by :func:`course_lib.journey.cohort_retention` (shares or counts).
    annotate : bool, optional
        Write each cell's value in it. By default only when the table has at
        most 18 columns: more would not be legible.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        One row per cohort, labelled with its size; cells not observed yet are
        left blank; a colour bar.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from course_lib.journey import cohort_retention
    >>> orders = pd.DataFrame({"customer_id": [1, 1, 2],
    ...                        "ordered_at": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-02-01"],
    ...                                                     format="%Y-%m-%d")})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_cohort_retention(cohort_retention(orders), ax=ax)
    >>> [text.get_text() for text in ax.texts]
    ['100%', '100%', '100%']
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['2024-01 (n=1)', '2024-02 (n=1)']
    >>> plt.close(fig)
    """
    require_dataframe(table, name="table")
    require_non_empty(table, name="table")
    if "cohort" not in table.index.names:
        raise ValueError(
            f"`table` must be indexed by 'cohort', as made by course_lib.journey.cohort_retention; "
            f"its index levels are {list(table.index.names)}."
        )
    values = table.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    # cohort_retention gives shares as floats and counts as integers.
    shares = not pd.api.types.is_integer_dtype(table.dtypes.iloc[0]) and np.nanmax(values, initial=0) <= 1
    ax = resolve_ax(ax)
    image = ax.imshow(
        np.ma.masked_invalid(values),
        cmap=SEQUENTIAL_CMAP,
        aspect="auto",
        vmin=0,
        vmax=1 if shares else np.nanmax(values, initial=1),
    )
    if annotate is None:
        annotate = values.shape[1] <= 18
    if annotate:
        size = 9 if values.shape[1] <= 12 else 7
        middle = 0.5 if shares else np.nanmax(values, initial=1) / 2
        for (row, column), value in np.ndenumerate(values):
            if not np.isnan(value):
                ax.text(
                    column,
                    row,
                    f"{value:.0%}" if shares else f"{value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=size,
                    color="black" if value >= middle else "white",
                )
    cohorts = table.index.get_level_values("cohort")
    labels = [str(cohort) for cohort in cohorts]
    if "customers" in table.index.names:
        sizes = table.index.get_level_values("customers")
        labels = [f"{label} (n={size:,})" for label, size in zip(labels, sizes, strict=True)]
    ax.set_yticks(range(len(table)), labels)
    every = int(np.ceil(table.shape[1] / 24))  # at most 24 tick labels across
    ax.set_xticks(range(0, table.shape[1], every), [str(column) for column in table.columns[::every]])
    ax.grid(False)
    unit = "% of cohort" if shares else "count"
    ax.figure.colorbar(image, ax=ax, label=f"Customers ordering ({unit})")
    period = _PERIOD_NAMES.get(getattr(cohorts, "freqstr", "")[:1], "periods")
    return finish_axes(
        ax,
        title="Retention by cohort",
        xlabel=f"Time since the cohort started ({period})",
        ylabel="Cohort (customers in it)",
    )


def _fit_text(text: str, *, width: int, max_lines: int) -> str:
    """Wrap each line of `text` to `width` characters; keep at most `max_lines` lines ("…" marks a cut)."""
    lines = [wrapped for line in text.split("\n") for wrapped in (textwrap.wrap(line, width) or [""])]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "…"
    return "\n".join(lines)


def plot_journey_map(
    table: pd.DataFrame,
    *,
    title: str = "Customer journey map",
    fontsize: float = 13,
    emotion: pd.Series | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw the journey map: a grid of stages (columns) by rows of text, readable when projected.

    Parameters
    ----------
    table : DataFrame
        Made by :func:`course_lib.journey.journey_map_table` (or any table of
        text: row labels as index, stages as columns).
    title : str, default="Customer journey map"
        The figure's title (name the segment the map is for).
    fontsize : float, default=13
        Size of the cell text in points; headers and title are larger. 13 pt on
        a 16 x 9 inch figure stays legible at the back of a classroom.
    emotion : Series, optional
        The emotion line: one value per stage (index: stage names of `table`),
        from -1 (frustrated) to +1 (delighted). Drawn as a line in an extra strip
        under the grid, up for good; stages left out get no point. Say where the
        values come from (data or a hypothesis) in the title or a note.
    ax : Axes, optional
        Where to draw; by default the current Axes. Use a wide figure:
        ``fig, ax = plt.subplots(figsize=(16, 9))``.

    Returns
    -------
    Axes
        The grid: a header cell per stage, a label per row, each cell's text
        wrapped to the cell's width (computed from the figure size and
        `fontsize`) and cut with "…" if it does not fit; empty cells show "—".
        Export with ``ax.figure.savefig("map.png")`` or ``"map.svg"``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> table = pd.DataFrame({"Choose": ["view menu 90%", "web 60%"], "Order": ["pay 40%", ""]},
    ...                      index=["Doing", "Touchpoints"])
    >>> fig, ax = plt.subplots(figsize=(8, 4))
    >>> ax = plot_journey_map(table, ax=ax)
    >>> [text.get_text() for text in ax.texts]
    ['Choose', 'Order', 'Doing', 'view menu 90%', 'pay 40%', 'Touchpoints', 'web 60%', '—']
    >>> plt.close(fig)
    """
    require_dataframe(table, name="table")
    require_non_empty(table, name="table")
    if not fontsize > 0:
        raise ValueError(f"The 'fontsize' parameter of plot_journey_map must be positive. Got {fontsize!r} instead.")
    feeling = None if emotion is None else _emotion_values(emotion, table.columns)
    ax = resolve_ax(ax)
    n_rows, n_stages = table.shape
    n_strips = n_rows + (feeling is not None)  # the emotion line takes one more row
    label_width, header_height = 0.85, 0.45  # in units of one stage column and one row
    # One cell's size in points, from the Axes' size in inches (72 points to the inch), to wrap text to fit.
    box = ax.get_position()
    cell_width = box.width * ax.figure.get_figwidth() * 72 / (label_width + n_stages)
    cell_height = box.height * ax.figure.get_figheight() * 72 / (header_height + n_strips)
    # DejaVu Sans, matplotlib's default font, averages ~0.58 em a character (bold ~0.65 em).
    characters = max(int(cell_width / (0.58 * fontsize)) - 1, 6)
    label_characters = max(int(label_width * cell_width / (0.65 * (fontsize + 1))) - 1, 6)
    max_lines = max(int(0.9 * cell_height / (_LINE_SPACING * fontsize)), 1)
    padding = 0.04

    for number, stage in enumerate(table.columns):
        x = label_width + number
        ax.add_patch(Rectangle((x, 0), 1, header_height, facecolor=PALETTE[0], edgecolor="white", linewidth=2))
        ax.text(
            x + 0.5,
            header_height / 2,
            _fit_text(str(stage), width=characters, max_lines=2),
            ha="center",
            va="center",
            fontsize=fontsize + 2,
            fontweight="bold",
            color="white",
        )
    for row_number, (row, cells) in enumerate(table.iterrows()):
        y = header_height + row_number
        tint = _ROW_TINTS.get(str(row))
        ax.add_patch(Rectangle((0, y), label_width, 1, facecolor="0.88", edgecolor="white", linewidth=2))
        ax.text(
            padding,
            y + 0.5,
            _fit_text(str(row), width=label_characters, max_lines=max_lines),
            ha="left",
            va="center",
            fontsize=fontsize + 1,
            fontweight="bold",
        )
        for number, cell in enumerate(cells):
            x = label_width + number
            ax.add_patch(
                Rectangle(
                    (x, y), 1, 1, facecolor=tint or "0.97", alpha=0.18 if tint else 1.0, edgecolor="white", linewidth=2
                )
            )
            text = "" if pd.isna(cell) else str(cell).strip()
            shown = _fit_text(text, width=characters, max_lines=max_lines) if text else "—"
            ax.text(
                x + padding,
                y + 0.08,
                shown,
                ha="left",
                va="top",
                fontsize=fontsize,
                color="black" if text else "0.6",
                linespacing=_LINE_SPACING,
            )
    if feeling is not None:
        _draw_emotion_strip(
            ax,
            feeling,
            list(table.columns),
            top=header_height + n_rows,
            label_width=label_width,
            fontsize=fontsize,
            padding=padding,
        )
    ax.set_xlim(0, label_width + n_stages)
    ax.set_ylim(header_height + n_strips, 0)  # the header on top
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    finish_axes(ax, title=title, xlabel="Stages of the journey, in time order →", ylabel="What we map")
    ax.title.set_fontsize(fontsize + 6)
    ax.xaxis.label.set_fontsize(fontsize)
    ax.yaxis.label.set_fontsize(fontsize)
    return ax


def _emotion_values(emotion: pd.Series, stages: pd.Index) -> pd.Series:
    """The emotion line's values, checked: a Series of numbers from -1 to 1 indexed by stages of the map."""
    if not isinstance(emotion, pd.Series):
        raise TypeError(f"`emotion` must be a pandas Series indexed by stage; got {type(emotion).__name__}.")
    unknown = [stage for stage in emotion.index if stage not in stages]
    if unknown:
        raise ValueError(f"`emotion` names stages that are not in the map: {unknown}; the stages are {list(stages)}.")
    values = pd.to_numeric(emotion, errors="coerce").dropna()
    if len(values) < len(emotion.dropna()) or not values.between(-1, 1).all():
        raise ValueError(f"`emotion` must hold numbers from -1 (frustrated) to 1 (delighted); got {emotion.to_dict()}.")
    return values.reindex([stage for stage in stages if stage in values.index])


def _draw_emotion_strip(
    ax: Axes, feeling: pd.Series, stages: list, *, top: float, label_width: float, fontsize: float, padding: float
) -> None:
    """One strip under the grid: a dashed neutral line and the emotion line through the stages' centres."""
    ax.add_patch(Rectangle((0, top), label_width, 1, facecolor="0.88", edgecolor="white", linewidth=2))
    ax.text(
        padding, top + 0.5, "Emotion\n(up: delighted)", ha="left", va="center", fontsize=fontsize, fontweight="bold"
    )
    ax.add_patch(Rectangle((label_width, top), len(stages), 1, facecolor="0.97", edgecolor="white", linewidth=2))
    middle = top + 0.5
    ax.plot([label_width, label_width + len(stages)], [middle, middle], color="0.6", linestyle="--", linewidth=1)
    xs = [label_width + stages.index(stage) + 0.5 for stage in feeling.index]
    ys = [middle - 0.4 * value for value in feeling]  # the y axis points down: a good feeling sits higher
    ax.plot(xs, ys, color=PALETTE[0], marker="o", linewidth=2.5, markersize=8)
