"""Figures for clustering: choosing k, snake plot, relative importance, a 2-D map, persona cards.

Each function takes the table made by :mod:`course_lib.clustering` (or the
features and labels), draws on the Axes it is given (the current one when
``ax=None``) in the kit's palette, and returns it.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> import pandas as pd
>>> from course_lib.clustering import relative_importance
>>> data = pd.DataFrame({"spend": [10.0, 20.0, 90.0, 80.0], "orders": [2, 4, 8, 10]})
>>> fig, ax = plt.subplots()
>>> ax = plot_relative_importance(relative_importance(data, [1, 1, 0, 0]), ax=ax)
>>> [text.get_text() for text in ax.texts]
['+70%', '+50%', '-70%', '-50%']
>>> plt.close(fig)
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch
from sklearn.decomposition import PCA

from course_lib.clustering import as_label_series, check_features
from course_lib.plots.style import DIVERGING_CMAP, PALETTE, finish_axes, resolve_ax
from course_lib.validation import require_columns, require_non_empty

__all__ = [
    "plot_clusters_2d",
    "plot_k_selection",
    "plot_persona_card",
    "plot_relative_importance",
    "plot_snake",
]

#: The panels of :func:`plot_k_selection`: column, title, y label, and which k is best.
_K_SELECTION_PANELS = (
    ("inertia", "Elbow: inertia", "Inertia (sum of squared distances)", None),
    ("silhouette", "Silhouette (higher is better)", "Mean silhouette (-1 to 1)", "max"),
    ("calinski_harabasz", "Calinski–Harabasz (higher is better)", "Index (ratio)", "max"),
    ("davies_bouldin", "Davies–Bouldin (lower is better)", "Index (ratio)", "min"),
)


#: Characters per line of a persona card's quote.
_CARD_WIDTH = 34


def _cluster_colour(position: int) -> str:
    """The palette colour of the cluster at `position` (the palette repeats after 8)."""
    return PALETTE[position % len(PALETTE)]


def plot_k_selection(table: pd.DataFrame, *, axes: Sequence[Axes] | None = None) -> np.ndarray:
    """Draw the four k-selection metrics against k, one panel each, best k marked.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`course_lib.clustering.k_selection_table`: indexed
        by k, with columns ``inertia``, ``silhouette``, ``calinski_harabasz``
        and ``davies_bouldin``.
    axes : sequence of 4 Axes, optional
        Where to draw; by default a new 2 × 2 figure.

    Returns
    -------
    ndarray of Axes
        The four Axes, in the order inertia, silhouette, Calinski–Harabasz, Davies–Bouldin.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"inertia": [90.0, 40.0, 30.0], "silhouette": [0.4, 0.6, 0.5],
    ...      "calinski_harabasz": [50.0, 80.0, 70.0], "davies_bouldin": [0.9, 0.6, 0.7]},
    ...     index=pd.Index([2, 3, 4], name="k"),
    ... )
    >>> axes = plot_k_selection(table)
    >>> [ax.get_title() for ax in axes]  # doctest: +NORMALIZE_WHITESPACE
    ['Elbow: inertia', 'Silhouette (higher is better)',
     'Calinski–Harabasz (higher is better)', 'Davies–Bouldin (lower is better)']
    >>> plt.close(axes[0].figure)
    """
    require_non_empty(table, name="table")
    require_columns(table, [column for column, *_ in _K_SELECTION_PANELS], name="table")
    if axes is None:
        _, grid = plt.subplots(2, 2, figsize=(9, 6), layout="constrained")
        axes = grid.ravel()
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) != len(_K_SELECTION_PANELS) or not all(isinstance(ax, Axes) for ax in axes):
        raise TypeError(f"`axes` must be 4 matplotlib Axes, got {len(axes)} object(s) instead.")
    ks = table.index.to_numpy()
    for ax, (column, title, ylabel, best) in zip(axes, _K_SELECTION_PANELS, strict=True):
        ax.plot(ks, table[column], marker="o", color=PALETTE[0])
        if best is not None:
            best_k = table[column].idxmax() if best == "max" else table[column].idxmin()
            ax.plot(
                [best_k],
                [table.loc[best_k, column]],
                marker="o",
                markersize=12,
                markerfacecolor="none",
                markeredgecolor=PALETTE[5],
                markeredgewidth=2,
                linestyle="none",
                label=f"best: k = {best_k}",
            )
            ax.legend(loc="best")
        ax.set_xticks(ks)
        finish_axes(ax, title=title, xlabel="Number of clusters k", ylabel=ylabel)
    return axes


def plot_snake(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Snake plot: one line per cluster through its standardised mean of each feature.

    Parameters
    ----------
    data : DataFrame
        Long format, the output of :func:`course_lib.clustering.standardised_means`:
        columns ``cluster``, ``feature`` and ``standardised_mean``.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes

    Notes
    -----
    The dashed line at 0 is the average member; a point at +1 means the
    cluster's mean lies one standard deviation above the population mean.

    Examples
    --------
    >>> means = pd.DataFrame(
    ...     {
    ...         "cluster": [0, 1, 0, 1],
    ...         "feature": ["spend", "spend", "orders", "orders"],
    ...         "standardised_mean": [0.9, -0.9, 0.5, -0.5],
    ...     }
    ... )
    >>> fig, ax = plt.subplots()
    >>> ax = plot_snake(means, ax=ax)
    >>> [line.get_label() for line in ax.get_lines()[:2]]
    ['0', '1']
    >>> plt.close(fig)
    """
    require_non_empty(data)
    require_columns(data, ["cluster", "feature", "standardised_mean"])
    ax = resolve_ax(ax)
    features = pd.unique(data["feature"])
    position = {feature: x for x, feature in enumerate(features)}
    for rank, (cluster, rows) in enumerate(data.groupby("cluster", observed=True, sort=True)):
        ax.plot(
            rows["feature"].map(position),
            rows["standardised_mean"],
            marker="o",
            color=_cluster_colour(rank),
            label=str(cluster),
        )
    ax.axhline(0, color="grey", linewidth=1, linestyle="--")
    ax.set_xticks(range(len(features)), features, rotation=30, ha="right")
    ax.legend(title="Cluster", loc="best")
    return finish_axes(
        ax,
        title="Snake plot: cluster profiles",
        xlabel="Feature",
        ylabel="Mean (standard deviations from the average)",
    )


def plot_relative_importance(data: pd.DataFrame, *, annotate: bool = True, ax: Axes | None = None) -> Axes:
    """Heatmap of relative importance, cluster by feature, centred at 0 (the average member).

    Parameters
    ----------
    data : DataFrame
        The output of :func:`course_lib.clustering.relative_importance`: one row
        per cluster, one column per feature, fractions (0.5 = 50 % above average).
    annotate : bool, default=True
        Write each value in its cell as a signed percentage.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes

    Notes
    -----
    The colour scale is symmetric around 0 (``±`` the largest absolute value), so
    equal distances above and below average get equally strong colours.
    """
    require_non_empty(data)
    if data.shape[1] == 0:
        raise ValueError("`data` has no columns: expected one column per feature.")
    ax = resolve_ax(ax)
    values = data.to_numpy(dtype="float64")
    largest = float(np.nanmax(np.abs(values)))
    limit = largest if largest > 0 else 1.0
    # Drawn with matplotlib: seaborn's heatmap(center=...) warns with matplotlib 3.11.
    image = ax.imshow(values, cmap=DIVERGING_CMAP, vmin=-limit, vmax=limit, aspect="auto")
    ax.figure.colorbar(image, ax=ax, label="Cluster mean ÷ population mean − 1", format="{x:+.0%}")
    if annotate:
        for (row, column), value in np.ndenumerate(values):
            if np.isfinite(value):
                # White text on the darkest cells, black elsewhere.
                colour = "white" if abs(value) > 0.6 * limit else "black"
                ax.text(column, row, f"{value:+.0%}", ha="center", va="center", color=colour)
    ax.set_xticks(range(data.shape[1]), [str(column) for column in data.columns], rotation=30, ha="right")
    ax.set_yticks(range(data.shape[0]), [str(label) for label in data.index])
    ax.grid(False)
    return finish_axes(
        ax,
        title="Relative importance: how each cluster differs from the average",
        xlabel="Feature",
        ylabel="Cluster",
    )


def plot_clusters_2d(features: pd.DataFrame, labels: Any, *, ax: Axes | None = None) -> Axes:
    """Scatter the members on the first two principal components, coloured by cluster.

    Parameters
    ----------
    features : DataFrame
        The prepared features the clusters were fitted on (at least 2 columns).
    labels : Series or array-like
        One cluster label per row of `features`.
    ax : Axes, optional
        Where to draw; by default the current Axes.

    Returns
    -------
    Axes
        One scatter per cluster, then the cluster centres (crosses).

    Notes
    -----
    Principal component analysis turns the features into uncorrelated
    directions ordered by the variance they carry; the axis labels say how much
    of the total variance each of the two shown keeps. Clusters that overlap
    here may still be apart in the dimensions not shown.

    Examples
    --------
    >>> features = pd.DataFrame(
    ...     {"x": [0.0, 0.2, 5.0, 5.2], "y": [0.0, 0.1, 3.0, 3.3], "z": [1.0, 0.0, 1.0, 0.0]}
    ... )
    >>> fig, ax = plt.subplots()
    >>> ax = plot_clusters_2d(features, [0, 0, 1, 1], ax=ax)
    >>> len(ax.collections)  # two clusters and the centres
    3
    >>> plt.close(fig)
    """
    check_features(features)
    if features.shape[1] < 2:
        raise ValueError(f"`features` has {features.shape[1]} column: a 2-D map needs at least 2 feature columns.")
    labels = as_label_series(labels, features)
    ax = resolve_ax(ax)
    pca = PCA(n_components=2, svd_solver="full")
    points = pd.DataFrame(
        pca.fit_transform(features.to_numpy(dtype="float64")),
        index=features.index,
        columns=["pc1", "pc2"],
    )
    centres = points.groupby(labels, observed=True).mean()
    for rank, (cluster, rows) in enumerate(points.groupby(labels, observed=True)):
        ax.scatter(
            rows["pc1"],
            rows["pc2"],
            s=18,
            alpha=0.7,
            color=_cluster_colour(rank),
            label=str(cluster),
        )
    ax.scatter(
        centres["pc1"],
        centres["pc2"],
        marker="X",
        s=140,
        color="white",
        edgecolors="black",
        linewidths=1.5,
        label="centres",
    )
    ax.legend(title="Cluster", loc="best")
    explained = pca.explained_variance_ratio_
    return finish_axes(
        ax,
        title="Clusters on the first two principal components",
        xlabel=f"Principal component 1 ({explained[0]:.0%} of variance)",
        ylabel=f"Principal component 2 ({explained[1]:.0%} of variance)",
    )


def plot_persona_card(persona_row: pd.Series, *, name: str, currency: str = "€", ax: Axes | None = None) -> Axes:
    """Draw a persona card: the chosen name, size, value, top traits and a typical quote.

    Parameters
    ----------
    persona_row : Series
        One row of :func:`course_lib.clustering.persona_table` (``size``,
        ``share``, ``trait_1``..., optionally ``value_mean``, ``value_share`` and
        ``quote``); its name is the cluster label.
    name : str
        The persona's name, chosen by the learner ("Busy Lunch Vegetarian").
    currency : str, default="€"
        Written before the mean value.
    ax : Axes, optional
        Where to draw; by default the current Axes. The card hides the axes' frame.

    Returns
    -------
    Axes

    Examples
    --------
    >>> row = pd.Series(
    ...     {"size": 120, "share": 0.3, "trait_1": "health +45%", "quote": "Fresh!"}, name=2
    ... )
    >>> fig, ax = plt.subplots()
    >>> ax = plot_persona_card(row, name="Health Seeker", ax=ax)
    >>> ax.get_title()
    'Health Seeker'
    >>> plt.close(fig)
    """
    if not isinstance(persona_row, pd.Series):
        raise TypeError(
            f"`persona_row` must be a pandas Series (one row of persona_table), "
            f"got {type(persona_row).__name__} instead."
        )
    missing = [key for key in ("size", "share", "trait_1") if key not in persona_row.index]
    if missing:
        raise ValueError(
            f"`persona_row` has no {', '.join(map(repr, missing))}: pass one row of "
            f"persona_table(...). Found: {list(persona_row.index)}."
        )
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"`name` must be a non-empty string, got {name!r} instead.")
    traits = [value for key, value in persona_row.items() if str(key).startswith("trait_")]
    size, share = int(persona_row["size"]), persona_row["share"]
    facts = [f"Cluster {persona_row.name} · {size} members ({share:.0%})"]
    if "value_mean" in persona_row.index:
        facts.append(f"Mean value {currency}{persona_row['value_mean']:,.2f}")
    if "value_share" in persona_row.index:
        facts.append(f"{persona_row['value_share']:.0%} of all value")
    blocks = [
        ("\n".join(facts), "normal"),
        ("Stands out by:\n" + "\n".join(f"• {trait}" for trait in traits), "normal"),
    ]
    quote = persona_row.get("quote")
    if quote is not None and not pd.isna(quote):
        blocks.append((textwrap.fill(f"“{quote}”", width=_CARD_WIDTH), "italic"))

    ax = resolve_ax(ax)
    ax.set_axis_off()
    ax.add_patch(
        FancyBboxPatch(
            (0.02, 0.02),
            0.96,
            0.96,
            boxstyle="round,pad=0,rounding_size=0.04",
            facecolor="#F7F7F7",
            edgecolor=PALETTE[0],
            linewidth=2,
            transform=ax.transAxes,
        )
    )
    # Each block starts below the previous one: one line takes about 6.5 % of the card's height.
    top = 0.9
    for text, style in blocks:
        ax.text(0.07, top, text, va="top", fontsize=10, style=style, transform=ax.transAxes)
        top -= 0.065 * (text.count("\n") + 1) + 0.05
    ax.set_title(name)
    return ax
