"""Present a lesson as one self-contained HTML slide deck that fits a 1280 x 720 projector.

The deck's shape comes from each cell's ``metadata.slideshow.slide_type``:

========== ==========================================================
slide_type what it becomes
========== ==========================================================
slide      a new slide (left/right arrows move between slides)
subslide   a new slide below the current one (down arrow)
fragment   a part of the current slide that appears on the next key press
``-``      continues the current slide, fragment or note
notes      a speaker note: never on a slide, shown in the speaker view (key ``S``)
skip       left out of the deck
========== ==========================================================

and what a slide shows from the cell tags of :data:`SLIDE_TAGS` that a lesson sets
(``slides-scroll``, ``slides-fold-input``, ``slides-notes``, ...), plus these rules,
so a lesson is never trimmed to fit:

- text is 28 px and code and outputs 24 px on a 1280 x 720 slide, in the kit's
  colour-blind-safe palette; code lines wrap instead of running off the edge;
- a code box or an output taller than about ten lines scrolls inside its box;
- a text output longer than :data:`LONG_OUTPUT_LINES` lines is folded behind a
  line that opens it;
- a cell that shows a widget has its code folded and, in place of the widget, a
  note on running it live from the notebook; the lesson's static picture of the
  widget (tag ``slides-widget-picture``) gets a caption saying what it shows;
- figures are sized for the slide, and what still runs past the bottom moves to
  a continuation sub-slide ("... (continued)"), measured in the browser with the
  real fonts (``slides_assets/deck.js``);
- links to other files of the kit (``../exercises/...``) become plain text,
  since the deck travels alone.

Everything is inlined: reveal.js (vendored in ``slides_assets/reveal.js``, MIT
licence), the stylesheets with their fonts, the scripts and every image. The
HTML loads nothing, so one file opens offline from anywhere. LaTeX between
``$`` signs is shown as written (MathJax is not bundled).

Examples
--------
>>> import tempfile
>>> import nbformat
>>> from nbformat.v4 import new_markdown_cell, new_notebook
>>> title = new_markdown_cell("# Hello", metadata={"slideshow": {"slide_type": "slide"}})
>>> with tempfile.TemporaryDirectory() as folder:
...     nbformat.write(new_notebook(cells=[title]), Path(folder) / "01_hello.ipynb")
...     deck = build_deck(Path(folder) / "01_hello.ipynb", Path(folder) / "slides")
...     print(deck.name, sorted(path.name for path in deck.parent.iterdir()))
01_hello.slides.html ['01_hello.slides.html']
"""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from nbformat import NotebookNode

__all__ = [
    "DECK_HEIGHT",
    "DECK_WIDTH",
    "LONG_OUTPUT_LINES",
    "RISE_SETTINGS",
    "SLIDE_TAGS",
    "build_deck",
    "deck_settings",
    "tag_lesson",
]

_ASSETS = Path(__file__).resolve().parent / "slides_assets"
_REVEAL = _ASSETS / "reveal.js" / "dist"

#: The slide size in CSS pixels: one CSS pixel is one screen pixel on a 1280 x 720 projector.
DECK_WIDTH, DECK_HEIGHT = 1280, 720
#: A text output (print) longer than this many lines is folded on the slide.
LONG_OUTPUT_LINES = 12
#: Cell tags a lesson sets to decide what a slide shows (``metadata.tags``).
SLIDE_TAGS = {
    "slides-scroll": "the cell opens a sub-slide of its own, which scrolls when the cell is long",
    "slides-fold-input": "the code is folded behind a line 'Code (N lines)' that opens it",
    "slides-fold-output": "the output is folded behind a line 'Output (N lines)' that opens it",
    "slides-hide-input": "the slide shows only the output",
    "slides-hide-output": "the slide shows only the code",
    "slides-notes": "the cell goes into the speaker notes (and out of handouts)",
    "slides-widget-picture": "the cell's figure is the static picture of the widget shown just before it",
}
#: RISE (jupyterlab-rise) settings every lesson carries in ``metadata.rise``: long slides
#: scroll instead of being cut, and the white theme (its fonts are bundled, nothing is fetched).
RISE_SETTINGS = {"scroll": True, "theme": "white", "transition": "none", "width": DECK_WIDTH, "height": DECK_HEIGHT}

_FIGURE_MAX_WIDTH = DECK_WIDTH - 2 * 48
_FIGURE_MAX_HEIGHT = 520
_FIGURE_MAX_ZOOM = 1.5
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_WEB_OR_ANCHOR = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
_PLACEHOLDER = "/*COURSE-DECK-ASSET:{}*/"


def deck_settings(*, speaker_notes: bool = True) -> dict:
    """The settings ``deck.js`` reads in the browser (``window.COURSE_DECK``).

    Examples
    --------
    >>> deck_settings()["width"], deck_settings()["height"], deck_settings(speaker_notes=False)["speakerNotes"]
    (1280, 720, False)
    """
    return {
        "width": DECK_WIDTH,
        "height": DECK_HEIGHT,
        "figureMaxWidth": _FIGURE_MAX_WIDTH,
        "figureMaxHeight": _FIGURE_MAX_HEIGHT,
        "figureMaxZoom": _FIGURE_MAX_ZOOM,
        "speakerNotes": speaker_notes,
    }


def _slide_type(cell: NotebookNode) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _set_slide_type(cell: NotebookNode, slide_type: str) -> None:
    cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type


def _add_tag(cell: NotebookNode, tag: str) -> None:
    tags = cell.metadata.setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


def _shows_widget(cell: NotebookNode) -> bool:
    return any(_WIDGET_MIME in output.get("data", {}) for output in cell.get("outputs", []))


def _for_slides(notebook: NotebookNode, *, speaker_notes: bool, widget_note: str) -> NotebookNode:
    """A copy of `notebook` with the tags and rules turned into slide types (the lesson is unchanged)."""
    deck = copy.deepcopy(notebook)
    cells = deck.cells
    for index, cell in enumerate(cells):
        tags = cell.metadata.get("tags", [])
        if "slides-notes" in tags:
            _set_slide_type(cell, "notes")
        if "slides-scroll" in tags:
            _set_slide_type(cell, "subslide")
            following = cells[index + 1] if index + 1 < len(cells) else None
            if following is not None and _slide_type(following) in ("-", "fragment"):
                _set_slide_type(following, "subslide")  # the scrolling slide holds this cell only
        if _shows_widget(cell):
            _add_tag(cell, "slides-fold-input")
            cell.outputs = [
                nbformat.v4.new_output("display_data", data={"text/html": widget_note})
                if _WIDGET_MIME in output.get("data", {})
                else output
                for output in cell.outputs
            ]
        if not speaker_notes and _slide_type(cell) == "notes":
            _set_slide_type(cell, "skip")
    return deck


def _css_variables() -> str:
    from course_lib.plots import PALETTE

    names = ["blue", "orange", "green", "purple", "sky", "vermillion", "yellow", "black"]
    return (
        ":root {" + " ".join(f"--course-{name}: {colour};" for name, colour in zip(names, PALETTE, strict=True)) + "}\n"
    )


def _assets(*, speaker_notes: bool) -> dict[str, str]:
    def read(path: Path) -> str:
        # "</script" or "</style" would end the inline element early (none is there today).
        text = path.read_text(encoding="utf-8")
        return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)

    return {
        "reveal_css": read(_REVEAL / "reveal.css"),
        "theme_css": read(_REVEAL / "theme" / "white.css"),
        "deck_css": _css_variables() + read(_ASSETS / "deck.css"),
        "reveal_js": read(_REVEAL / "reveal.js"),
        "notes_js": read(_REVEAL / "plugin" / "notes.js") if speaker_notes else "",
        "deck_js": read(_ASSETS / "deck.js"),
    }


def _wrap_in_fold(soup: BeautifulSoup, element, label: str) -> None:
    details = soup.new_tag("details", attrs={"class": "course-fold"})
    summary = soup.new_tag("summary")
    summary.string = f"{label} (click to open)"
    body = soup.new_tag("div", attrs={"class": "course-fold-body"})
    element.wrap(body)
    body.wrap(details)
    details.insert(0, summary)


def _line_count(element) -> int:
    return len(element.get_text().strip("\n").splitlines())


def _has_tag(cell, tag: str) -> bool:
    classes = set(cell.get("class", []))
    inner = cell.select_one(".jp-RenderedMarkdown")
    if inner is not None:
        classes |= set(inner.get("class", []))
    return f"celltag_{tag}" in classes


def _rewrite_file_links(soup: BeautifulSoup) -> None:
    """Links to other files become their text (the deck travels alone); web links stay."""
    for link in soup.select(".slides a[href]"):
        href = link["href"].strip()
        if _WEB_OR_ANCHOR.match(href):
            continue
        name = href.split("#")[0].rstrip("/").split("/")[-1]
        text = link.get_text()
        plain = soup.new_tag("span", attrs={"class": "course-file"})
        for child in list(link.contents):
            plain.append(child.extract())
        if name and name not in text:
            plain.append(f" ({name})")
        link.replace_with(plain)


def _shape_cells(soup: BeautifulSoup, *, notebook_name: str) -> None:
    for cell in soup.select(".slides .jp-Cell"):
        editor = cell.select_one(".jp-InputArea-editor")
        if editor is not None:
            editor["class"] = editor.get("class", []) + ["course-scroll"]
        for output in cell.select(".jp-OutputArea-output"):
            if output.select_one("img, .course-widget-note") is None:
                output["class"] = output.get("class", []) + ["course-scroll"]
        if _has_tag(cell, "slides-scroll"):
            cell["class"] = cell.get("class", []) + ["course-scroll-cell"]
            section = cell.find_parent("section")
            section["class"] = section.get("class", []) + ["course-scroll-slide"]
        input_wrapper = cell.select_one(".jp-Cell-inputWrapper")
        if input_wrapper is not None and "jp-CodeCell" in cell.get("class", []):
            if _has_tag(cell, "slides-fold-input"):
                _wrap_in_fold(soup, input_wrapper, f"Code ({_line_count(input_wrapper.select_one('pre'))} lines)")
        output_wrapper = cell.select_one(".jp-Cell-outputWrapper")
        if output_wrapper is None:
            continue
        if _has_tag(cell, "slides-fold-output"):
            lines = sum(_line_count(pre) for pre in output_wrapper.select("pre"))
            _wrap_in_fold(soup, output_wrapper, f"Output ({lines} lines)" if lines else "Output")
        elif not _has_tag(cell, "slides-scroll"):
            for stream in output_wrapper.select(".jp-OutputArea-output.jp-RenderedText"):
                lines = _line_count(stream)
                if lines > LONG_OUTPUT_LINES:
                    _wrap_in_fold(soup, stream, f"Output ({lines} lines)")
        if _has_tag(cell, "slides-widget-picture"):
            caption = soup.new_tag("p", attrs={"class": "course-caption"})
            caption.string = (
                "A picture, not the live widget: what it draws at the lesson's default settings. "
                f"To use it live, run {notebook_name} in JupyterLab."
            )
            output_wrapper.insert_before(caption)
            for image in output_wrapper.select("img"):
                image["alt"] = "A picture of the widget at the lesson's default settings"


def _postprocess(page: str, *, notebook_name: str) -> str:
    soup = BeautifulSoup(page, "html.parser")
    _rewrite_file_links(soup)
    _shape_cells(soup, notebook_name=notebook_name)
    return str(soup)


def _deck_title(notebook: NotebookNode, fallback: str) -> str:
    course = notebook.metadata.get("course", {})
    if course.get("lesson") and course.get("title"):
        return f"{course['lesson']} · {course['title']}"
    return fallback


def build_deck(notebook_path: Path | str, out_dir: Path | str, *, speaker_notes: bool = True) -> Path:
    """Write the lesson at `notebook_path` as one self-contained HTML slide deck into `out_dir`.

    Parameters
    ----------
    notebook_path : path
        A lesson notebook (``.ipynb``), usually stored executed, so the deck shows its outputs.
    out_dir : path
        Folder for the deck; created when missing. The deck is ``<notebook name>.slides.html``,
        a single file: reveal.js, the stylesheets, the fonts and every image are inside it.
    speaker_notes : bool, default=True
        Keep the cells of slide type "notes" (and tag ``slides-notes``) as speaker notes: never
        on a slide, shown in the speaker view (press ``S``). ``False`` makes a handout: the notes
        are not in the file at all, nor is the speaker view.

    Returns
    -------
    Path
        The deck's HTML file.

    Notes
    -----
    The HTML loads nothing: no ``src``/``href`` of a script, stylesheet or image outside the
    file, no CSS ``url()`` but ``data:`` URIs. Links in the lesson's text to web pages stay
    (following one needs the network); links to other files become plain text.
    """
    notebook_path = Path(notebook_path)
    if notebook_path.suffix != ".ipynb":
        raise ValueError(f"`notebook_path` must be a Jupyter notebook (.ipynb); got {str(notebook_path)!r}.")
    if not notebook_path.is_file():
        raise FileNotFoundError(f"No notebook at {str(notebook_path)!r}.")
    if not isinstance(speaker_notes, bool):
        raise TypeError(f"`speaker_notes` must be True or False; got {speaker_notes!r}.")
    widget_note = (
        '<div class="course-widget-note"><p><strong>Live in the notebook.</strong> '
        f"Open {html.escape(notebook_path.name)} in JupyterLab, choose Run → Run All Cells, "
        "and use the controls that appear under this cell.</p></div>"
    )
    notebook = _for_slides(
        nbformat.read(notebook_path, as_version=4), speaker_notes=speaker_notes, widget_note=widget_note
    )

    exporter = SlidesExporter(
        template_name="course_deck",
        extra_template_basedirs=[str(_ASSETS / "templates")],
        reveal_url_prefix="",
        embed_images=True,
        exclude_anchor_links=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_input_tags={"slides-hide-input"}, remove_all_outputs_tags={"slides-hide-output"}, enabled=True
        ),
        enabled=True,
    )
    assets = _assets(speaker_notes=speaker_notes)
    resources = {
        # `path` lets nbconvert find the images a markdown cell shows, to embed them.
        "metadata": {"name": _deck_title(notebook, fallback=notebook_path.stem), "path": str(notebook_path.parent)},
        "course_deck": {
            **{name: _PLACEHOLDER.format(name) for name in assets},
            "notes_js": _PLACEHOLDER.format("notes_js") if speaker_notes else "",
            "config_json": json.dumps(deck_settings(speaker_notes=speaker_notes)),
        },
    }
    page, _ = exporter.from_notebook_node(notebook, resources=resources)
    page = _postprocess(page, notebook_name=notebook_path.name)
    for name, text in assets.items():
        page = page.replace(_PLACEHOLDER.format(name), text)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    deck = out_dir / f"{notebook_path.stem}.slides.html"
    deck.write_text(page, encoding="utf-8")
    return deck


def tag_lesson(notebook: NotebookNode) -> bool:
    """Give a lesson its presentation settings; True when something changed (idempotent).

    Sets ``metadata.rise`` to :data:`RISE_SETTINGS` (RISE in JupyterLab then scrolls long
    slides instead of cutting them) and the slide tags the kit's rules ask for: the static
    picture of the RFM explorer (the cell calling ``plot_rfm_explorer``) is tagged
    ``slides-widget-picture``, and a one-line ``print(...)`` cell whose output is longer than
    twice :data:`LONG_OUTPUT_LINES` (a query, a script) opens a scrolling sub-slide
    (``slides-scroll``). Outputs and sources are never touched.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> lesson = new_notebook(cells=[new_code_cell("plot_rfm_explorer(table, bins=5, ax=ax)")])
    >>> tag_lesson(lesson), tag_lesson(lesson)
    (True, False)
    >>> lesson.metadata["rise"]["scroll"], lesson.cells[0].metadata["tags"]
    (True, ['slides-widget-picture'])
    """
    before = json.dumps(notebook, sort_keys=True)
    notebook.metadata["rise"] = {**notebook.metadata.get("rise", {}), **RISE_SETTINGS}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if "plot_rfm_explorer(" in cell.source:
            _add_tag(cell, "slides-widget-picture")
        printed = sum(len(output.get("text", "").splitlines()) for output in cell.get("outputs", []))
        if re.fullmatch(r"print\(.*\)", cell.source.strip()) and printed > 2 * LONG_OUTPUT_LINES:
            _add_tag(cell, "slides-scroll")
    return json.dumps(notebook, sort_keys=True) != before
