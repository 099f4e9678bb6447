"""Tests of course_lib.plots.clustering: what is on the Axes, checked against the input tables."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA

from course_lib.clustering import persona_table, relative_importance, standardised_means
from course_lib.plots.clustering import (
    plot_clusters_2d,
    plot_k_selection,
    plot_persona_card,
    plot_relative_importance,
    plot_snake,
)


@pytest.fixture
def k_table() -> pd.DataFrame:
    """A k-selection table where the metrics disagree (silhouette says 2, the others 3)."""
    return pd.DataFrame(
        {
            "inertia": [90.0, 40.0, 30.0, 25.0],
            "silhouette": [0.62, 0.60, 0.50, 0.45],
            "calinski_harabasz": [50.0, 80.0, 70.0, 60.0],
            "davies_bouldin": [0.9, 0.6, 0.7, 0.8],
        },
        index=pd.Index([2, 3, 4, 5], name="k"),
    )


@pytest.fixture
def members() -> pd.DataFrame:
    """Six members in two clusters, original units."""
    return pd.DataFrame(
        {
            "spend": [10.0, 20.0, 30.0, 100.0, 140.0, 180.0],
            "health": [5, 4, 3, 1, 2, 3],
            "budget": [2, 1, 2, 5, 4, 4],
        }
    )


LABELS = [0, 0, 0, 1, 1, 1]


# ------------------------------------------------------------------------------------------
# Choosing k
# ------------------------------------------------------------------------------------------


def test_plot_k_selection_draws_one_panel_per_metric(k_table):
    axes = plot_k_selection(k_table)

    assert len(axes) == 4
    assert [ax.get_title() for ax in axes] == [
        "Elbow: inertia",
        "Silhouette (higher is better)",
        "Calinski–Harabasz (higher is better)",
        "Davies–Bouldin (lower is better)",
    ]
    for ax, column in zip(axes, k_table.columns, strict=False):
        assert ax.get_xlabel() == "Number of clusters k"
        assert ax.get_ylabel()
        curve = ax.get_lines()[0]
        assert curve.get_xdata().tolist() == [2, 3, 4, 5]
        assert curve.get_ydata().tolist() == k_table[column].tolist()
    assert all(ax.figure is axes[0].figure for ax in axes)


def test_plot_k_selection_marks_the_best_k_of_each_metric(k_table):
    axes = plot_k_selection(k_table)

    assert len(axes[0].get_lines()) == 1  # the elbow has no "best" k
    best = {ax.get_title(): ax.get_lines()[1] for ax in axes[1:]}
    assert best["Silhouette (higher is better)"].get_xdata().tolist() == [2]
    assert best["Calinski–Harabasz (higher is better)"].get_xdata().tolist() == [3]
    assert best["Davies–Bouldin (lower is better)"].get_xdata().tolist() == [3]
    assert best["Davies–Bouldin (lower is better)"].get_label() == "best: k = 3"


def test_plot_k_selection_draws_on_given_axes(k_table):
    fig, grid = plt.subplots(1, 4)

    axes = plot_k_selection(k_table, axes=grid)

    assert list(axes) == list(grid)
    assert len(fig.axes) == 4


def test_plot_k_selection_rejects_bad_input(k_table):
    with pytest.raises(ValueError, match="`table` has no column 'davies_bouldin'"):
        plot_k_selection(k_table.drop(columns="davies_bouldin"))
    _, grid = plt.subplots(1, 3)
    with pytest.raises(TypeError, match=r"`axes` must be 4 matplotlib Axes, got 3"):
        plot_k_selection(k_table, axes=grid)


# ------------------------------------------------------------------------------------------
# Profiles
# ------------------------------------------------------------------------------------------


def test_plot_snake_draws_one_line_per_cluster(members):
    means = standardised_means(members, LABELS)
    fig, ax = plt.subplots()

    returned = plot_snake(means, ax=ax)

    assert returned is ax
    clusters = ax.get_lines()[:2]
    assert [line.get_label() for line in clusters] == ["0", "1"]
    expected = means.pivot(index="cluster", columns="feature", values="standardised_mean")
    for cluster, line in zip([0, 1], clusters, strict=False):
        assert line.get_xdata().tolist() == [0, 1, 2]
        np.testing.assert_allclose(line.get_ydata(), expected.loc[cluster, ["spend", "health", "budget"]])
    assert len(ax.get_lines()) == 3  # two clusters and the zero line
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["spend", "health", "budget"]
    assert ax.get_title() == "Snake plot: cluster profiles"
    assert ax.get_xlabel() == "Feature"
    assert "standard deviations" in ax.get_ylabel()


def test_plot_snake_uses_the_current_axes_by_default(members):
    fig, ax = plt.subplots()

    assert plot_snake(standardised_means(members, LABELS)) is ax


def test_plot_snake_names_a_missing_column(members):
    wide = relative_importance(members, LABELS)

    with pytest.raises(ValueError, match="no columns 'cluster', 'feature', 'standardised_mean'"):
        plot_snake(wide)


def test_plot_relative_importance_annotates_every_cell(members):
    importance = relative_importance(members, LABELS)
    fig, ax = plt.subplots()

    plot_relative_importance(importance, ax=ax)

    # Population means: spend 80, health 3, budget 3. Cluster means: spend 20 and 140,
    # health 4 and 2, budget 5/3 and 13/3. So spend -75 % / +75 %, health +33 % / -33 %,
    # budget 5/9 - 1 = -44 % / 13/9 - 1 = +44 %; cells are read row by row.
    cells = [text.get_text() for text in ax.texts]
    assert cells == ["-75%", "+33%", "-44%", "+75%", "-33%", "+44%"]
    image = ax.get_images()[0]
    np.testing.assert_allclose(image.get_array(), importance.to_numpy())
    low, high = image.get_clim()
    assert low == -high == pytest.approx(-0.75)  # symmetric: 0 is the middle colour
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["spend", "health", "budget"]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["0", "1"]
    assert ax.get_title().startswith("Relative importance")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Feature", "Cluster")
    assert len(fig.axes) == 2  # the heatmap and its colour bar
    assert fig.axes[1].get_ylabel() == "Cluster mean ÷ population mean − 1"


def test_plot_relative_importance_without_annotations(members):
    fig, ax = plt.subplots()

    plot_relative_importance(relative_importance(members, LABELS), annotate=False, ax=ax)

    assert len(ax.texts) == 0


def test_plot_relative_importance_rejects_an_empty_table():
    with pytest.raises(ValueError, match="0 rows"):
        plot_relative_importance(pd.DataFrame({"spend": []}))


# ------------------------------------------------------------------------------------------
# 2-D map
# ------------------------------------------------------------------------------------------


def test_plot_clusters_2d_scatters_the_principal_components():
    rng = np.random.default_rng(0)
    features = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    labels = np.repeat([0, 1, 2], 10)
    fig, ax = plt.subplots()

    plot_clusters_2d(features, labels, ax=ax)

    assert len(ax.collections) == 4  # three clusters and the centres
    projected = PCA(n_components=2, svd_solver="full").fit(features.to_numpy())
    points = projected.transform(features.to_numpy())
    np.testing.assert_allclose(ax.collections[0].get_offsets(), points[:10])
    np.testing.assert_allclose(ax.collections[3].get_offsets()[1], points[10:20].mean(axis=0))
    share = projected.explained_variance_ratio_
    assert ax.get_xlabel() == f"Principal component 1 ({share[0]:.0%} of variance)"
    assert ax.get_ylabel() == f"Principal component 2 ({share[1]:.0%} of variance)"
    assert ax.get_title() == "Clusters on the first two principal components"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["0", "1", "2", "centres"]


def test_plot_clusters_2d_rejects_bad_input():
    features = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [1.0, 0.0, 1.0]})

    with pytest.raises(ValueError, match="at least 2 feature columns"):
        plot_clusters_2d(features[["a"]], [0, 0, 1])
    with pytest.raises(ValueError, match=r"one label per row of the data \(3\)"):
        plot_clusters_2d(features, [0, 1])
    with pytest.raises(ValueError, match="missing or non-finite"):
        plot_clusters_2d(features.assign(b=[1.0, np.nan, 0.0]), [0, 0, 1])


# ------------------------------------------------------------------------------------------
# Persona card
# ------------------------------------------------------------------------------------------


def test_plot_persona_card_shows_name_size_value_traits_and_quote(members):
    data = members.assign(comment=["Fresh", None, "Good", "Pricey", "Too dear", "Fine"])
    personas = persona_table(data, LABELS, value="spend", comment="comment", n_traits=2)
    fig, ax = plt.subplots()

    plot_persona_card(personas.loc[1], name="Quality Seeker", ax=ax)

    assert ax.get_title() == "Quality Seeker"
    texts = [text.get_text() for text in ax.texts]
    assert texts[0] == "Cluster 1 · 3 members (50%)\nMean value €140.00\n88% of all value"
    assert texts[1] == "Stands out by:\n• spend +75%\n• budget +44%"
    assert texts[2] == f"“{personas.loc[1, 'quote']}”"
    assert ax.texts[2].get_style() == "italic"
    assert len(ax.patches) == 1  # the card
    assert not ax.axison


def test_plot_persona_card_without_value_or_quote(members):
    personas = persona_table(members, LABELS, n_traits=1)
    fig, ax = plt.subplots()

    plot_persona_card(personas.loc[0], name="Health First", currency="$", ax=ax)

    assert [text.get_text() for text in ax.texts] == [
        "Cluster 0 · 3 members (50%)",
        "Stands out by:\n• spend -75%",
    ]


def test_plot_persona_card_rejects_bad_input(members):
    row = persona_table(members, LABELS, n_traits=1).loc[0]

    with pytest.raises(TypeError, match="`persona_row` must be a pandas Series"):
        plot_persona_card(row.to_frame(), name="Health First")
    with pytest.raises(ValueError, match="`persona_row` has no 'trait_1'"):
        plot_persona_card(row.drop("trait_1"), name="Health First")
    with pytest.raises(ValueError, match="`name` must be a non-empty string"):
        plot_persona_card(row, name=" ")
