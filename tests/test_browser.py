"""A real browser: JupyterLab, a lesson run by "Run All Cells", a slider moved with the keyboard,
and a lesson's link to its exercise followed with a click.

The test starts JupyterLab on a free local port with a random token and its own
settings (no news fetching, no autosave), copies the notebooks it needs into a
temporary root laid out like the kit (``notebooks/``, ``exercises/``), and drives
Chromium or Chrome through Playwright: ``COURSE_KIT_CHROMIUM`` when set, else a
``chromium``/``google-chrome`` on the PATH or in the usual place on macOS and Windows,
else Playwright's own (``python -m playwright install chromium``). Every request that would leave this machine is blocked and recorded,
so the test also proves the kit works offline. Screenshots go to
``test-artifacts/`` (not committed).

The widget test runs on a small notebook it writes itself (a test of the
machinery), and on the RFM lesson's explorer (``notebooks/03_rfm.ipynb``) once
that lesson exists. Without a browser the tests are skipped with a line saying how
to install one.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from helpers import jupyter_lab_server
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from playwright.sync_api import Locator, Page, expect, sync_playwright

from conftest import LESSONS
from course_lib import KIT_ROOT

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
BROWSER_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)


def find_chromium() -> Path | None:
    """The browser to drive: COURSE_KIT_CHROMIUM, a system Chromium or Chrome, or Playwright's own."""
    if os.environ.get("COURSE_KIT_CHROMIUM"):
        return Path(os.environ["COURSE_KIT_CHROMIUM"])
    for name in BROWSER_NAMES:
        if shutil.which(name):
            return Path(shutil.which(name))
    for candidate in map(Path, BROWSER_PATHS):
        if candidate.exists():
            return candidate
    with sync_playwright() as playwright:
        bundled = Path(playwright.chromium.executable_path)
    return bundled if bundled.exists() else None


CHROMIUM = find_chromium()
if CHROMIUM is None or not CHROMIUM.exists():
    pytest.skip(
        "no Chromium or Chrome found: install one (Debian/Ubuntu: `sudo apt-get install chromium`; "
        "or `.venv/bin/python -m playwright install chromium`), or set COURSE_KIT_CHROMIUM to the browser, "
        "to run the real-browser tests",
        allow_module_level=True,
    )

ARTIFACTS = KIT_ROOT / "test-artifacts"
RFM_LESSON = KIT_ROOT / "notebooks" / "03_rfm.ipynb"
RFM_EXERCISE = KIT_ROOT / "exercises" / "03_rfm.ipynb"
WIDGET_CHECK = "widget_check.ipynb"
SLOW = 60_000  # ms: generous waits for a loaded machine; each wait ends as soon as its condition holds
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LAB_SETTINGS = {
    ("apputils-extension", "notification"): {"fetchNews": "false", "checkForUpdates": False},
    ("notebook-extension", "tracker"): {"autoStartDefaultKernel": True, "windowingMode": "none"},
    ("docmanager-extension", "plugin"): {"autosave": False},
}
ALL_CELLS_RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(prompt => /\\[\\d+\\]/.test(prompt.textContent));
}"""


def widget_check_notebook(path: Path) -> Path:
    """An IntSlider at 3 whose interactive output prints the square of its value."""
    code = (
        "import ipywidgets as widgets\n"
        "slider = widgets.IntSlider(value=3, min=0, max=10, description='n')\n"
        "squared = widgets.interactive_output(lambda n: print(f'squared: {n * n}'), {'n': slider})\n"
        "display(slider, squared)"
    )
    cells = [
        new_markdown_cell("# Widget check", metadata={"slideshow": {"slide_type": "slide"}}),
        new_code_cell(code, metadata={"slideshow": {"slide_type": "-"}}),
    ]
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}}
    nbformat.write(new_notebook(cells=cells, metadata=kernel), path)
    return path


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory) -> Path:
    """The server's root: copies of the notebooks, so nothing in the kit can be changed."""
    root = tmp_path_factory.mktemp("lab-root")
    widget_check_notebook(root / WIDGET_CHECK)
    if RFM_LESSON.exists():
        shutil.copy(RFM_LESSON, root / RFM_LESSON.name)
    # The kit's layout, for following a lesson's link to its exercise.
    for notebook in (RFM_LESSON, RFM_EXERCISE):
        if notebook.exists():
            (root / notebook.parent.name).mkdir(exist_ok=True)
            shutil.copy(notebook, root / notebook.parent.name / notebook.name)
    return root


@pytest.fixture(scope="module")
def jupyter_lab(lab_root, tmp_path_factory):
    """A JupyterLab server on a free port with a random token; always stopped afterwards."""
    with jupyter_lab_server(lab_root, tmp_path_factory.mktemp("lab-config"), LAB_SETTINGS) as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium (a persistent context), with every off-machine request blocked and recorded."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 1600},  # tall enough for a whole explorer
        )
        context.external_requests = []

        def keep_local(route):
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith(("http://", "https://", "ws://", "wss://")) and host not in (
                "127.0.0.1",
                "localhost",
            ):
                context.external_requests.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", keep_local)
        try:
            yield context
        finally:
            context.close()


def open_notebook(browser, jupyter_lab, name: str) -> Page:
    """A new tab with `name` open in JupyterLab and its kernel idle."""
    page = browser.new_page()
    page.goto(f"{jupyter_lab['url']}/lab/tree/{name}?token={jupyter_lab['token']}&reset")
    expect(page.locator("#jp-main-statusbar")).to_contain_text("(ipykernel) | Idle", timeout=SLOW)
    return page


def run_all_cells(page: Page) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(ALL_CELLS_RAN, timeout=SLOW * 3)


def error_outputs(page: Page) -> list[str]:
    """Texts of every error or stderr output shown in the notebook."""
    return page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()


# What a widget cell shows, apart from its controls: images, HTML widgets, Output widgets.
SHOWN = """cell => [...cell.querySelectorAll(
    '.jp-OutputArea img, .jp-OutputArea .widget-html-content, .jp-OutputArea .widget-output')]
    .map(element => element.tagName === 'IMG' ? element.src : element.innerText).join('\\n')"""


def move_first_slider(page: Page) -> tuple[str, str, Locator]:
    """Move the first slider one step with the keyboard; return what its cell shows before and after."""
    cell = page.locator(".jp-CodeCell", has=page.locator(".widget-slider")).first
    handle = cell.locator(".widget-slider .noUi-handle").first
    expect(handle).to_be_visible(timeout=SLOW)
    page.wait_for_function(f"cell => ({SHOWN})(cell).trim().length > 0", arg=cell.element_handle(), timeout=SLOW)
    before_value, before = handle.get_attribute("aria-valuenow"), cell.evaluate(SHOWN)
    at_top = float(before_value) >= float(handle.get_attribute("aria-valuemax"))
    handle.focus()
    page.keyboard.press("ArrowLeft" if at_top else "ArrowRight")
    expect(handle).not_to_have_attribute("aria-valuenow", before_value, timeout=SLOW)
    page.wait_for_function(
        f"([cell, before]) => ({SHOWN})(cell) !== before", arg=[cell.element_handle(), before], timeout=SLOW
    )
    return before, cell.evaluate(SHOWN), cell


def screenshot(target: Page | Locator, name: str) -> Path:
    """Save a picture of the page, or of one element (scrolled into view), in test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"browser-{name}.png"
    target.screenshot(path=str(path))
    return path


# The notebooks whose first slider the test moves, with the widget output expected before and
# after (None: it must just change). By hand for the machinery check: the slider starts at 3
# (3 * 3 = 9), one step right is 4 (4 * 4 = 16).
EXPLORERS = {WIDGET_CHECK: ("squared: 9", "squared: 16")}
if RFM_LESSON.exists():
    EXPLORERS[RFM_LESSON.name] = None


@pytest.mark.parametrize("notebook", list(EXPLORERS))
def test_slider_moved_with_the_keyboard_updates_the_output(browser, jupyter_lab, notebook):
    page = open_notebook(browser, jupyter_lab, notebook)
    run_all_cells(page)
    assert error_outputs(page) == []
    before, after, cell = move_first_slider(page)
    if EXPLORERS[notebook]:
        assert (EXPLORERS[notebook][0] in before, EXPLORERS[notebook][1] in after) == (True, True)
    assert before != after
    assert error_outputs(page) == []
    assert screenshot(cell.locator(".jp-Cell-outputWrapper"), Path(notebook).stem).stat().st_size > 0
    assert browser.external_requests == []
    page.close()


def test_rise_presents_a_lesson_as_slides(browser, jupyter_lab):
    """jupyterlab-rise's toolbar button opens the lesson as a reveal.js slideshow, offline."""
    notebook = nbformat.read(LESSONS[0], as_version=4)
    note = "INSTRUCTOR-ONLY: ask who has used RFM before."
    notebook.cells.insert(1, new_markdown_cell(note, metadata={"slideshow": {"slide_type": "notes"}}))
    nbformat.write(notebook, jupyter_lab["root"] / "rise_lesson.ipynb")
    kinds = [cell.metadata.get("slideshow", {}).get("slide_type", "-") for cell in notebook.cells]
    visible = [kind for kind in kinds if kind not in ("skip", "notes")]
    # The first visible cell always opens a slide; every later "slide" cell opens another.
    slides = 1 + visible[1:].count("slide")
    page = open_notebook(browser, jupyter_lab, "rise_lesson.ipynb")
    page.get_by_role("button", name="Render the current notebook as Reveal Slideshow (Alt+R)").click()
    deck = page.frame_locator("iframe[src*='/rise/']")
    expect(deck.locator(".reveal .slides > section")).to_have_count(slides, timeout=SLOW)
    expect(deck.locator(".reveal .slides > section.present")).to_be_visible(timeout=SLOW)
    in_deck = deck.get_by_text(note)
    expect(in_deck.first).to_be_attached(timeout=SLOW)  # the note is in the deck (for the speaker view) ...
    assert [element.is_visible() for element in in_deck.all()] == [False] * in_deck.count()  # ... never on a slide
    screenshot(page, "rise")
    # RISE's default theme asks Google Fonts for its typefaces (blocked here; the slides fall
    # back to local fonts); nothing else leaves the machine.
    assert {urlparse(url).hostname for url in browser.external_requests} <= {"fonts.googleapis.com"}
    browser.external_requests.clear()
    page.close()


@pytest.mark.skipif(not (RFM_LESSON.exists() and RFM_EXERCISE.exists()), reason="lesson 03 or its exercise is missing")
def test_a_lessons_link_opens_its_exercise(browser, jupyter_lab):
    """Click the RFM lesson's link to its exercise: the exercise opens in JupyterLab, no 404."""
    lesson = nbformat.read(RFM_LESSON, as_version=4)
    exercise = nbformat.read(RFM_EXERCISE, as_version=4)
    exercise_title = exercise.cells[0].source.splitlines()[0].lstrip("# ").strip()
    lesson_title = lesson.cells[0].source.splitlines()[0].lstrip("# ").strip()
    assert exercise_title != lesson_title
    page = browser.new_page()  # no need to wait for a kernel: nothing runs here
    page.goto(f"{jupyter_lab['url']}/lab/tree/notebooks/03_rfm.ipynb?token={jupyter_lab['token']}&reset")
    expect(page.locator(".jp-RenderedMarkdown h1").first).to_contain_text(lesson_title, timeout=SLOW)
    link = page.locator(".jp-RenderedMarkdown a", has_text="exercises/03_rfm.ipynb").first
    link.scroll_into_view_if_needed(timeout=SLOW)
    link.click()
    # The exercise is now the current document: its tab's tooltip gives its path, its title shows.
    current_tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current")
    expect(current_tab).to_have_attribute("title", re.compile(r"exercises/03_rfm\.ipynb"), timeout=SLOW)
    shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1").first
    expect(shown).to_contain_text(exercise_title, timeout=SLOW)
    assert "404" not in page.title()
    screenshot(page, "lesson-link-to-exercise")
    assert browser.external_requests == []
    page.close()
