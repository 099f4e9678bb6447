"""Present a lesson as a static reveal.js slide deck that opens from disk, with no network.

Every cell of a lesson carries ``metadata.slideshow.slide_type``, and that alone
decides the deck's shape:

========== ==========================================================
slide_type what it becomes
========== ==========================================================
slide      a new slide (left/right arrows move between slides)
subslide   a new slide below the current one (down arrow)
fragment   a part of the current slide that appears on the next key press
``-``      continues the current slide, fragment or note
notes      a speaker note: hidden on the slide, shown in the speaker view (key ``S``)
skip       left out of the deck
========== ==========================================================

nbconvert's own slide deck loads reveal.js, jQuery, require.js, Mermaid and
MathJax from the web, so it is blank offline. :func:`build_deck` uses the kit's
template (``slides_assets/templates/course_deck``) instead: reveal.js is loaded
with plain ``<script>`` tags from a copy placed next to the deck (vendored in
``slides_assets/reveal.js``: reveal.js 6.0.2 from npm, MIT licence, only the
files a deck needs), everything else is dropped, and figures are embedded in
the HTML file. Consequences worth knowing:

- widgets need a running kernel: a static deck shows a line saying where to
  run them instead;
- LaTeX between ``$`` signs is shown as written (MathJax is not bundled).

Examples
--------
>>> import tempfile
>>> import nbformat
>>> from nbformat.v4 import new_markdown_cell, new_notebook
>>> title = new_markdown_cell("# Hello", metadata={"slideshow": {"slide_type": "slide"}})
>>> with tempfile.TemporaryDirectory() as folder:
...     nbformat.write(new_notebook(cells=[title]), Path(folder) / "01_hello.ipynb")
...     deck = build_deck(Path(folder) / "01_hello.ipynb", Path(folder) / "slides")
...     print(deck.name, (deck.parent / "reveal.js" / "dist" / "reveal.js").is_file())
01_hello.slides.html True
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbformat import NotebookNode

__all__ = ["REVEAL_FOLDER", "build_deck"]

_ASSETS = Path(__file__).resolve().parent / "slides_assets"
#: The folder, next to each deck, that holds the vendored copy of reveal.js.
REVEAL_FOLDER = "reveal.js"


def _without_speaker_notes(notebook: NotebookNode) -> NotebookNode:
    """A copy of `notebook` whose "notes" cells are skipped, so they are not in the file at all."""
    handout = copy.deepcopy(notebook)
    for cell in handout.cells:
        slideshow = cell.metadata.get("slideshow", {})
        if slideshow.get("slide_type") == "notes":
            slideshow["slide_type"] = "skip"
    return handout


def _deck_title(notebook: NotebookNode, fallback: str) -> str:
    course = notebook.metadata.get("course", {})
    if course.get("lesson") and course.get("title"):
        return f"{course['lesson']} · {course['title']}"
    return fallback


def build_deck(notebook_path: Path | str, out_dir: Path | str, *, speaker_notes: bool = True) -> Path:
    """Write the lesson at `notebook_path` as an offline reveal.js deck into `out_dir`.

    Parameters
    ----------
    notebook_path : path
        A lesson notebook (``.ipynb``), usually stored executed, so the deck shows its outputs.
    out_dir : path
        Folder for the deck; created when missing. The deck is ``<notebook name>.slides.html``,
        and the folder ``reveal.js/`` beside it (shared by every deck in `out_dir`) holds the
        reveal.js files it loads. Copy both together to present elsewhere.
    speaker_notes : bool, default=True
        Keep the cells of slide type "notes" as speaker notes: hidden on the slides, shown in
        the speaker view (press ``S``). ``False`` leaves them out of the file entirely, for a
        deck handed out to students.

    Returns
    -------
    Path
        The deck's HTML file.

    Notes
    -----
    The HTML references no remote URL in any ``script``, ``link`` or ``img``: stylesheets are
    inlined or local, images are embedded as ``data:`` URIs. Links *in the lesson's text*
    (``<a href="https://...">``) stay as they are; following one needs the network.
    """
    notebook_path = Path(notebook_path)
    if notebook_path.suffix != ".ipynb":
        raise ValueError(f"`notebook_path` must be a Jupyter notebook (.ipynb); got {str(notebook_path)!r}.")
    if not notebook_path.is_file():
        raise FileNotFoundError(f"No notebook at {str(notebook_path)!r}.")
    if not isinstance(speaker_notes, bool):
        raise TypeError(f"`speaker_notes` must be True or False; got {speaker_notes!r}.")
    notebook = nbformat.read(notebook_path, as_version=4)
    if not speaker_notes:
        notebook = _without_speaker_notes(notebook)

    exporter = SlidesExporter(
        template_name="course_deck",
        extra_template_basedirs=[str(_ASSETS / "templates")],
        reveal_url_prefix=REVEAL_FOLDER,
        reveal_theme="white",
        embed_images=True,
        exclude_anchor_links=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    title = _deck_title(notebook, fallback=notebook_path.stem)
    # `path` lets nbconvert find the images a markdown cell shows, to embed them.
    resources = {"metadata": {"name": title, "path": str(notebook_path.parent)}}
    html, _ = exporter.from_notebook_node(notebook, resources=resources)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(_ASSETS / REVEAL_FOLDER, out_dir / REVEAL_FOLDER, dirs_exist_ok=True)
    deck = out_dir / f"{notebook_path.stem}.slides.html"
    deck.write_text(html, encoding="utf-8")
    return deck
