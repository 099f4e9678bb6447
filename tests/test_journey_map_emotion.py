"""The journey map's emotion line (issue 15): one point per stage, up for delighted, checked input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from course_lib.plots import plot_journey_map

TABLE = pd.DataFrame(
    {"Discover": ["visit 100%", "web"], "Choose": ["view menu 80%", "app"], "Order": ["pay 40%", "app"]},
    index=["Doing", "Touchpoints"],
)


def test_emotion_line_goes_up_for_a_good_feeling_and_skips_unrated_stages():
    fig, ax = plt.subplots(figsize=(9, 4))
    plot_journey_map(TABLE, emotion=pd.Series({"Discover": 0.5, "Order": -1.0}), ax=ax)
    line = ax.lines[-1]
    xs, ys = line.get_xdata(), line.get_ydata()
    assert len(xs) == 2  # Choose has no value: no point
    assert xs[0] < xs[1]  # in the map's stage order
    assert ys[0] < ys[1]  # the y axis points down: +0.5 is drawn above -1
    top, bottom = ax.get_ylim()[1], ax.get_ylim()[0]
    assert bottom - top == pytest.approx(0.45 + 3)  # header, two rows and the emotion strip
    assert any("Emotion" in text.get_text() for text in ax.texts)
    plt.close(fig)


def test_without_emotion_the_map_is_unchanged():
    fig, ax = plt.subplots(figsize=(9, 4))
    plot_journey_map(TABLE, ax=ax)
    assert ax.get_ylim()[0] == pytest.approx(0.45 + 2)
    assert not any("Emotion" in text.get_text() for text in ax.texts)
    plt.close(fig)


@pytest.mark.parametrize(
    ("emotion", "error", "message"),
    [
        ({"Discover": 0.5}, TypeError, "must be a pandas Series"),
        (pd.Series({"Checkout": 0.5}), ValueError, "not in the map: \\['Checkout'\\]"),
        (pd.Series({"Order": 3.0}), ValueError, "from -1 .* to 1"),
        (pd.Series({"Order": "happy"}), ValueError, "from -1 .* to 1"),
    ],
)
def test_bad_emotion_values_are_named(emotion, error, message):
    fig, ax = plt.subplots()
    with pytest.raises(error, match=message):
        plot_journey_map(TABLE, emotion=emotion, ax=ax)
    plt.close(fig)
