"""Every lesson builds as an offline slide deck: no remote URL, notes only as speaker notes.

The HTML is parsed (not grepped): every resource a browser would load by itself
(``src``/``href`` of scripts, stylesheets, images, frames, media; CSS ``url()``
and ``@import``) must be local or embedded. Links in the lesson's prose
(``<a href>``) may point to the web: following one is the reader's choice.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import LESSONS
from course_lib.kit.slides import REVEAL_FOLDER, build_deck

REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_REMOTE = re.compile(r"""(url\(\s*['"]?|@import\s+['"])\s*(https?:)?//""", re.IGNORECASE)
LOADING_ATTRIBUTES = {"src", "href", "data", "poster", "srcset", "background"}


class _DeckParser(HTMLParser):
    """Collects what a browser would fetch, the inline CSS, and where notes and slides are."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.inline_css: list[str] = []
        self.inline_scripts: list[str] = []
        self._open: list[str] = []
        self._in_notes = 0
        self.visible_text: list[str] = []
        self.notes_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if name in LOADING_ATTRIBUTES and value and tag != "a":
                self.loaded.append((tag, name, value))
            if name == "style" and value:
                self.inline_css.append(value)
        if tag in ("br", "img", "link", "meta", "input", "hr", "col", "source", "wbr"):
            return  # void elements have no end tag
        self._open.append(tag)
        if tag == "aside" and "notes" in (attributes.get("class") or "").split():
            self._in_notes += 1
        elif self._in_notes:
            self._in_notes += 1

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()
            if self._in_notes:
                self._in_notes -= 1

    def handle_data(self, data):
        current = self._open[-1] if self._open else ""
        if current == "style":
            self.inline_css.append(data)
        elif current == "script":
            self.inline_scripts.append(data)
        elif self._in_notes:
            self.notes_text.append(data)
        else:
            self.visible_text.append(data)


def parse_deck(deck: Path) -> _DeckParser:
    parser = _DeckParser()
    parser.feed(deck.read_text(encoding="utf-8"))
    return parser


def remote_references(deck: Path) -> list[str]:
    """Every remote URL the deck would load: attributes, CSS (comments aside), inline scripts."""
    parsed = parse_deck(deck)
    found = [f"<{tag} {name}={value}>" for tag, name, value in parsed.loaded if REMOTE.match(value)]
    for css in parsed.inline_css:
        found += [f"CSS {match.group(0)}" for match in CSS_REMOTE.finditer(CSS_COMMENT.sub("", css))]
    for script in parsed.inline_scripts:
        found += [f"script {url}" for url in re.findall(r"""['"](?:https?:)?//[^'"]+['"]""", script)]
    return found


def local_references(deck: Path) -> list[str]:
    parsed = parse_deck(deck)
    return [value for tag, name, value in parsed.loaded if not value.startswith(("data:", "#"))]


def teaching_notebook(path: Path) -> Path:
    """A small lesson with every slide type, a note, a skipped cell, a web link and an image."""
    cells = [
        new_markdown_cell("# 98 · Deck test", metadata={"slideshow": {"slide_type": "slide"}}),
        new_markdown_cell(
            "## First idea\nSee [the docs](https://example.org/docs).",
            metadata={"slideshow": {"slide_type": "subslide"}},
        ),
        new_markdown_cell("SPEAKER-ONLY remark for the instructor", metadata={"slideshow": {"slide_type": "notes"}}),
        new_markdown_cell("Appears on a key press", metadata={"slideshow": {"slide_type": "fragment"}}),
        new_markdown_cell("SKIPPED-CELL text", metadata={"slideshow": {"slide_type": "skip"}}),
        new_code_cell("total = 2 + 2", metadata={"slideshow": {"slide_type": "slide"}}),
        new_markdown_cell("![a dot](dot.png)", metadata={"slideshow": {"slide_type": "-"}}),
    ]
    # A 1x1 PNG next to the notebook: the deck must embed it, not link it.
    (path.parent / "dot.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
        )
    )
    notebook = new_notebook(cells=cells, metadata={"course": {"lesson": "98", "title": "Deck test", "minutes": 5}})
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("deck")
    return build_deck(teaching_notebook(folder / "98_deck_test.ipynb"), folder / "slides")


def test_deck_loads_reveal_from_its_local_copy(deck):
    assert deck.name == "98_deck_test.slides.html"
    loaded = local_references(deck)
    assert f"{REVEAL_FOLDER}/dist/reveal.js" in loaded
    assert f"{REVEAL_FOLDER}/dist/plugin/notes.js" in loaded
    for reference in loaded:
        assert (deck.parent / reference).is_file(), f"the deck loads {reference}, which is not next to it"
    assert remote_references(deck) == []


def test_the_checker_would_see_a_remote_script_or_stylesheet(tmp_path):
    """The URL check itself can fail: nbconvert's own deck loads from CDNs."""
    from nbconvert import SlidesExporter

    notebook = teaching_notebook(tmp_path / "98_deck_test.ipynb")
    html, _ = SlidesExporter().from_filename(str(notebook))
    cdn_deck = tmp_path / "cdn.slides.html"
    cdn_deck.write_text(html, encoding="utf-8")
    found = " ".join(remote_references(cdn_deck))
    assert "<script src=https://" in found
    assert "<link href=https://" in found


def test_notes_are_speaker_notes_and_skipped_cells_are_gone(deck):
    parsed = parse_deck(deck)
    visible, notes = " ".join(parsed.visible_text), " ".join(parsed.notes_text)
    assert "SPEAKER-ONLY remark" in notes
    assert "SPEAKER-ONLY remark" not in visible
    assert "SKIPPED-CELL" not in visible + notes
    assert "Appears on a key press" in visible
    assert 'class="fragment"' in deck.read_text(encoding="utf-8")


def test_student_deck_leaves_the_notes_out_of_the_file(tmp_path):
    notebook = teaching_notebook(tmp_path / "98_deck_test.ipynb")
    handout = build_deck(notebook, tmp_path / "handout", speaker_notes=False)
    assert "SPEAKER-ONLY" not in handout.read_text(encoding="utf-8")
    assert "SPEAKER-ONLY" in nbformat.read(notebook, as_version=4).cells[2].source, "the lesson itself is unchanged"


def test_images_are_embedded_and_prose_links_kept(deck):
    html = deck.read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in html
    assert 'href="https://example.org/docs"' in html


def test_slides_and_subslides_follow_the_metadata(deck):
    html = deck.read_text(encoding="utf-8")
    slides = html[html.index('<div class="slides">') :]
    # Each slide is an outer <section> holding one <section> per subslide: two slides, the
    # first with a subslide, make 2 outer + 3 inner sections.
    assert slides.count("<section") == 5


def test_vendored_stylesheets_load_nothing_from_the_web():
    from course_lib.kit import slides

    stylesheets = sorted((Path(slides.__file__).parent / "slides_assets").rglob("*.css"))
    assert stylesheets
    for stylesheet in stylesheets:
        css = CSS_COMMENT.sub("", stylesheet.read_text(encoding="utf-8"))
        assert not CSS_REMOTE.search(css), f"{stylesheet.name} loads from the web"


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_every_lesson_builds_an_offline_deck(path, tmp_path):
    deck = build_deck(path, tmp_path)
    assert remote_references(deck) == []
    for reference in local_references(deck):
        assert (deck.parent / reference).is_file(), f"the deck loads {reference}, which is not next to it"
    notebook = nbformat.read(path, as_version=4)
    notes = [cell for cell in notebook.cells if cell.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    visible = " ".join(parse_deck(deck).visible_text)
    for cell in notes:
        first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        if len(first_line) > 20:  # long enough not to appear by chance in the slides' text
            assert first_line.lstrip("#*- ") not in visible, "an instructor note shows on a slide"


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_lessons_use_no_latex_the_static_deck_cannot_show(path):
    """MathJax is not bundled: a formula between $ signs would show as TeX source on the slide."""
    notebook = nbformat.read(path, as_version=4)
    formulas = [
        match.group(0)
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for match in re.finditer(r"\$[^$\n]+\$", cell.source)
    ]
    assert formulas == [], "write formulas in words or code (or bundle MathJax in course_lib/slides_assets)"


@pytest.mark.parametrize(
    ("path", "error"),
    [("lesson.md", ValueError), ("missing.ipynb", FileNotFoundError)],
)
def test_bad_input_gets_a_clear_error(path, error, tmp_path):
    with pytest.raises(error, match="notebook"):
        build_deck(tmp_path / path, tmp_path / "out")
