"""Figures of the kit: one style, one palette, seaborn's calling convention.

Every plotting function takes the data first, everything else keyword-only,
``ax=None`` (the current Axes when omitted; ``axes=None`` for multi-panel
figures), and returns what it drew on. The style and its helpers live in
:mod:`.style`; each topic has its own module (:mod:`.rfm`, :mod:`.clustering`,
:mod:`.journey`, :mod:`.nps`, :mod:`.clv`,
:mod:`.migration`), and the names below are the public ones.
"""

from course_lib.plots.clustering import (
    plot_clusters_2d,
    plot_k_selection,
    plot_persona_card,
    plot_relative_importance,
    plot_snake,
)
from course_lib.plots.clv import plot_clv_by_segment, plot_p_alive_by_segment, plot_repeat_purchases
from course_lib.plots.journey import (
    plot_cohort_retention,
    plot_funnel,
    plot_journey_map,
    plot_transition_flow,
)
from course_lib.plots.migration import plot_migration
from course_lib.plots.nps import plot_nps
from course_lib.plots.rfm import plot_rf_heatmap, plot_rfm_distributions, plot_segment_sizes
from course_lib.plots.style import (
    DIVERGING_CMAP,
    PALETTE,
    SEQUENTIAL_CMAP,
    finish_axes,
    kit_style,
    resolve_ax,
    use_kit_style,
)

__all__ = [
    "DIVERGING_CMAP",
    "PALETTE",
    "SEQUENTIAL_CMAP",
    "finish_axes",
    "kit_style",
    "plot_clusters_2d",
    "plot_clv_by_segment",
    "plot_cohort_retention",
    "plot_funnel",
    "plot_journey_map",
    "plot_k_selection",
    "plot_migration",
    "plot_nps",
    "plot_p_alive_by_segment",
    "plot_persona_card",
    "plot_relative_importance",
    "plot_repeat_purchases",
    "plot_rf_heatmap",
    "plot_rfm_distributions",
    "plot_segment_sizes",
    "plot_snake",
    "plot_transition_flow",
    "resolve_ax",
    "use_kit_style",
]
