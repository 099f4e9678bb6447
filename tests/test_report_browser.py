"""The report page in a real browser: nothing wider than the screen at 1280 px and at 390 px (a phone).

Debian's Chromium (``/usr/bin/chromium``), driven by Playwright, opens the page
written for the Spanish shop export and for the Online Retail sample (more
groups, longer tables). Every request that would leave the machine is blocked
and recorded, so the test also proves the page works offline. A full-page
screenshot of each width is kept in ``test-artifacts/`` (not committed).
Without Chromium the tests are skipped with the command that installs it.

The figures' own layout (a legend never on the bars, the retention cells
labelled, month 0 off the colour scale) is checked without a browser, on the
Matplotlib figures themselves.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from report_fixtures.shop_exports import write_shop_export

from course_lib import KIT_ROOT
from course_lib.datasets import data_dir
from course_lib.report import build_report, retention_figure, segment_figure

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = KIT_ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
WIDTHS = (1280, 390)
# Every element's right edge, and the page's scroll width, against the window's width.
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const wider = [...document.querySelectorAll('main *')]
        .filter(element => element.getBoundingClientRect().right > width + 0.5)
        .map(element => element.tagName + (element.className ? '.' + element.className : '')
             + ' ' + (element.textContent || '').trim().slice(0, 40));
    return {width, scroll: document.documentElement.scrollWidth, wider: wider.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    shop = write_shop_export(folder / "tienda.csv")
    sample = folder / "online_retail_sample.csv"
    sample.write_bytes((data_dir() / "online_retail_sample.csv").read_bytes())
    return {
        "shop": build_report(shop, folder / "tienda.html").path,
        "sample": build_report(sample, folder / "sample.html").path,
    }


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "no Chromium at /usr/bin/chromium: install it with `apt-get install -y chromium` "
            "(Debian/Ubuntu) to run the report's layout test"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["shop", "sample"])
def test_the_page_fits_the_screen_offline(pages, browser, which, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    left_the_machine = []

    def block(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            left_the_machine.append(url)
            route.abort()

    page.route("**/*", block)
    page.goto(pages[which].as_uri())
    measured = page.evaluate(OVERFLOW)
    images = page.evaluate("() => [...document.images].map(image => image.complete && image.naturalWidth > 0)")
    links = page.evaluate("() => [...document.querySelectorAll('a[download]')].map(link => link.href.slice(0, 30))")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{which}-{width}.png"), full_page=True)
    page.close()
    assert left_the_machine == []
    assert measured["scroll"] <= measured["width"], measured
    assert measured["wider"] == [], measured
    assert images and all(images), "an image did not load"
    assert links and all(link.startswith("data:text/csv") for link in links)


# ------------------------------------------------------------------ the figures themselves


def test_the_legend_covers_no_bar_and_no_label():
    summary = pd.DataFrame(
        {"customers": [5, 3, 0], "customer_share": [0.625, 0.375, 0.0], "revenue_share": [0.9, 0.1, 0.0]},
        index=pd.Index(["Champions", "Lost", "Other"], name="segment"),
    )
    figure = segment_figure(summary, "es")
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    ax = figure.axes[0]
    legend = figure.legends[0].get_window_extent(renderer)
    drawn = [patch.get_window_extent(renderer) for patch in ax.patches]
    drawn += [text.get_window_extent(renderer) for text in ax.texts]
    drawn.append(ax.title.get_window_extent(renderer))
    assert len(ax.patches) == 4  # two groups with customers, two bars each; "Other" is empty
    assert [text.get_text() for text in ax.texts] == ["62%", "38%", "90%", "10%"]
    assert not any(legend.overlaps(box) for box in drawn)


def test_retention_cells_show_their_percentages_and_month_0_is_off_the_scale():
    index = pd.MultiIndex.from_arrays(
        [pd.period_range("2024-01", periods=3, freq="M"), [10, 8, 4]], names=["cohort", "customers"]
    )
    retention = pd.DataFrame(
        [[1.0, 0.3, 0.1], [1.0, 0.25, np.nan], [1.0, np.nan, np.nan]], index=index, columns=[0, 1, 2]
    )
    figure = retention_figure(retention, "M", "pt")
    ax = figure.axes[0]
    cells = [text.get_text() for text in ax.texts]
    assert cells == ["100%", "30%", "10%", "100%", "25%", "100%"]  # every observed cell, blank ones left blank
    image = ax.images[0]
    assert image.norm.vmax == pytest.approx(0.3)  # the scale ends at the highest share after month 0
    assert np.ma.getmaskarray(image.get_array())[:, 0].all()  # month 0 is not coloured by the scale
    assert [label.get_text() for label in ax.get_yticklabels()] == ["jan 2024 (10)", "fev 2024 (8)", "mar 2024 (4)"]
