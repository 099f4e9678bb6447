"""Every lesson builds as one self-contained slide deck: it loads nothing, local or remote.

The HTML is parsed (not grepped): every resource a browser would load by itself
(``src``/``href`` of scripts, stylesheets, images, frames, media; CSS ``url()``
and ``@import``) must be embedded (a ``data:`` URI). Links in the lesson's prose
(``<a href>``) may point to the web: following one is the reader's choice; links
to other files are rewritten, since a deck travels alone. Whether each slide
fits the screen is measured in a browser: tests/test_slides_browser.py.
"""

from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_lib.kit.plan import find_lessons
from course_lib.kit.slides import LONG_OUTPUT_LINES, RISE_SETTINGS, build_deck, tag_lesson

# Every lesson, 03b-style numbers included.
LESSONS = find_lessons()
MAX_DECK_BYTES = 5_000_000
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_REMOTE = re.compile(r"""(url\(\s*['"]?|@import\s+['"])\s*(https?:)?//""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?\s*([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
LOADING_ATTRIBUTES = {"src", "href", "data", "poster", "srcset", "background"}


class _DeckParser(HTMLParser):
    """Collects what a browser would fetch, the inline CSS, and where notes and slides are."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.links: list[str] = []  # href of every <a>
        self.inline_css: list[str] = []
        self.inline_scripts: list[str] = []
        self._open: list[str] = []
        self._in_notes = 0
        self.visible_text: list[str] = []
        self.notes_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
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
    """Every file the deck would load from disk: attributes and CSS url()/@import that are not data: URIs."""
    parsed = parse_deck(deck)
    found = [value for tag, name, value in parsed.loaded if not value.startswith(("data:", "#"))]
    for css in parsed.inline_css:
        for match in CSS_URL.finditer(CSS_COMMENT.sub("", css)):
            url = match.group(1) or match.group(2)
            if not url.startswith(("data:", "#")):
                found.append(f"CSS {url}")
    return [reference for reference in found if not REMOTE.match(reference.removeprefix("CSS "))]


def file_links(deck: Path) -> list[str]:
    """Links in the text that point to a file rather than to the web or inside the deck."""
    return [href for href in parse_deck(deck).links if not re.match(r"(https?:|mailto:|#)", href)]


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
        new_markdown_cell(
            "Open [the exercise](../exercises/98_deck_test.ipynb#task-1) or [`data.csv`](data/data.csv).",
            metadata={"slideshow": {"slide_type": "-"}},
        ),
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


def test_deck_is_one_file_that_loads_nothing(deck):
    assert deck.name == "98_deck_test.slides.html"
    assert sorted(path.name for path in deck.parent.iterdir()) == [deck.name], "a deck is one file, nothing beside it"
    assert local_references(deck) == []
    assert remote_references(deck) == []
    html = deck.read_text(encoding="utf-8")
    assert "Reveal.initialize" in html and "RevealNotes" in html  # reveal.js and the speaker view are inside
    print(f"{deck.name}: {deck.stat().st_size / 1e6:.2f} MB")


def test_the_checkers_would_see_a_local_file(tmp_path):
    """The local-file check itself can fail: a deck that links its image instead of embedding it."""
    from nbconvert import SlidesExporter

    notebook = teaching_notebook(tmp_path / "98_deck_test.ipynb")
    html, _ = SlidesExporter(embed_images=False).from_filename(str(notebook))
    linked = tmp_path / "linked.slides.html"
    linked.write_text(html, encoding="utf-8")
    assert "dot.png" in local_references(linked)
    assert "../exercises/98_deck_test.ipynb#task-1" in file_links(linked)


def test_links_to_other_files_become_their_names(deck):
    assert file_links(deck) == []
    visible = " ".join(parse_deck(deck).visible_text)
    assert "the exercise (98_deck_test.ipynb)" in re.sub(r"\s+", " ", visible)
    assert "data.csv" in visible and "data.csv (data.csv)" not in visible  # the name is not repeated


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


def test_handout_has_no_notes_no_speaker_view_and_no_file_links(tmp_path):
    notebook = teaching_notebook(tmp_path / "98_deck_test.ipynb")
    handout = build_deck(notebook, tmp_path / "handout", speaker_notes=False)
    html = handout.read_text(encoding="utf-8")
    assert "SPEAKER-ONLY" not in html
    assert "RevealNotes=" not in html and '"speakerNotes": false' in html  # no speaker view to open
    assert not re.search(r"press\s+S\b|speaker notes", " ".join(parse_deck(handout).visible_text), re.IGNORECASE)
    assert file_links(handout) == [] and local_references(handout) == [] and remote_references(handout) == []
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


def tagged(source: str, *tags: str, outputs=(), cell=new_code_cell):
    made = cell(source, metadata={"slideshow": {"slide_type": "-"}, "tags": list(tags)})
    if outputs:
        made.outputs = list(outputs)
    return made


def stream(lines: int):
    return new_output("stream", name="stdout", text="".join(f"line {number}\n" for number in range(1, lines + 1)))


@pytest.fixture(scope="module")
def tagged_deck(tmp_path_factory) -> str:
    """A deck of one cell per tag and rule; returns its HTML."""
    folder = tmp_path_factory.mktemp("tagged")
    widget = new_output(
        "display_data",
        data={"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0}},
    )
    cells = [
        new_markdown_cell("# Tags", metadata={"slideshow": {"slide_type": "slide"}}),
        tagged("folded_code = 1\nsecond_line = 2", "slides-fold-input", outputs=[stream(2)]),
        tagged("print('FOLDED-OUTPUT')", "slides-fold-output", outputs=[stream(3)]),
        tagged("HIDDEN_INPUT = 1", "slides-hide-input", outputs=[stream(1)]),
        tagged(
            "shown_code = 1",
            "slides-hide-output",
            outputs=[new_output("stream", name="stdout", text="HIDDEN-OUTPUT\n")],
        ),
        tagged("NOTE_CODE = 1", "slides-notes"),
        tagged("print(long)", outputs=[stream(LONG_OUTPUT_LINES + 1)]),
        tagged("print(short)", outputs=[stream(LONG_OUTPUT_LINES)]),
        tagged("print(query)", "slides-scroll", outputs=[stream(80)]),
        tagged("After the scrolling cell", cell=new_markdown_cell),
        tagged("explorer = Explorer()\ndisplay(explorer)", outputs=[widget]),
        tagged("draw_explorer(table)", "slides-widget-picture", outputs=[stream(1)]),
    ]
    path = folder / "97_tags.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return build_deck(path, folder / "out").read_text(encoding="utf-8")


def folds(html: str) -> list[str]:
    return re.findall(r"<summary>(.*?)</summary>", html)


def test_tags_and_rules_fold_what_is_long(tagged_deck):
    # By hand: the folded code has 2 lines, the folded output 3, the long print 13; the short
    # print (12 lines) and the scrolling cell's 80 lines are not folded.
    assert folds(tagged_deck) == [
        "Code (2 lines) (click to open)",
        "Output (3 lines) (click to open)",
        f"Output ({LONG_OUTPUT_LINES + 1} lines) (click to open)",
        "Code (2 lines) (click to open)",  # the widget cell's code
    ]


def test_tags_hide_input_or_output_and_move_code_to_the_notes(tagged_deck):
    assert "HIDDEN_INPUT" not in tagged_deck and "HIDDEN-OUTPUT" not in tagged_deck
    assert "shown_code" in tagged_deck
    notes = re.findall(r'<aside class="notes">(.*?)</aside>', tagged_deck, re.DOTALL)
    assert any("NOTE_CODE" in note for note in notes)


def test_scroll_tag_opens_a_sub_slide_of_its_own(tagged_deck):
    sections = re.findall(r"<section[^>]*>(.*?)</section>", tagged_deck, re.DOTALL)
    scrolling = [
        section for section in sections if 'print</span><span class="p">(</span><span class="n">query' in section
    ]
    assert len(scrolling) == 1
    assert "After the scrolling cell" not in scrolling[0]  # the next cell opens a new sub-slide
    assert re.search(r'<section class="course-scroll-slide"', tagged_deck)


def test_widget_becomes_a_note_and_its_picture_gets_a_caption(tagged_deck):
    assert "An interactive widget is here" not in tagged_deck
    note = re.search(r'class="course-widget-note">(.*?)</div>', tagged_deck, re.DOTALL)
    assert note and "97_tags.ipynb" in note.group(1) and "Run All Cells" in note.group(1)
    caption = tagged_deck.index('class="course-caption"')
    assert tagged_deck.index("course-widget-note") < tagged_deck.index("draw_explorer") < caption
    assert tagged_deck.count('class="course-caption"') == 1


def test_vendored_stylesheets_load_nothing_from_the_web():
    from course_lib.kit import slides

    stylesheets = sorted((Path(slides.__file__).parent / "slides_assets").rglob("*.css"))
    assert stylesheets
    for stylesheet in stylesheets:
        css = CSS_COMMENT.sub("", stylesheet.read_text(encoding="utf-8"))
        assert not CSS_REMOTE.search(css), f"{stylesheet.name} loads from the web"


@pytest.fixture(scope="module")
def lesson_decks(tmp_path_factory) -> dict[str, Path]:
    """Every lesson's deck, built once for the tests below."""
    folder = tmp_path_factory.mktemp("lesson-decks")
    return {path.name: build_deck(path, folder) for path in LESSONS}


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_every_lesson_is_one_self_contained_file(path, lesson_decks):
    deck = lesson_decks[path.name]
    size = deck.stat().st_size
    print(f"{deck.name}: {size / 1e6:.2f} MB")
    assert local_references(deck) == []
    assert remote_references(deck) == []
    assert file_links(deck) == []
    assert size < MAX_DECK_BYTES, f"{deck.name} is {size / 1e6:.1f} MB, over {MAX_DECK_BYTES / 1e6:g} MB"
    notebook = nbformat.read(path, as_version=4)
    notes = [cell for cell in notebook.cells if cell.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    visible = " ".join(parse_deck(deck).visible_text)
    for cell in notes:
        first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        if len(first_line) > 20:  # long enough not to appear by chance in the slides' text
            assert first_line.lstrip("#*- ") not in visible, "an instructor note shows on a slide"


def test_rfm_deck_shows_a_labelled_picture_of_the_explorer(lesson_decks):
    from course_lib.widgets import RFMExplorer, plot_rfm_explorer

    html = lesson_decks["03_rfm.ipynb"].read_text(encoding="utf-8")
    note = html.index('<div class="course-widget-note">')
    caption = html.index('<p class="course-caption">', note)
    picture = html.index('src="data:image/png;base64,', caption)
    assert "03_rfm.ipynb" in html[note : note + 600]
    assert picture - caption < 1000, "the caption sits right above the picture"
    assert "default settings" in html[caption:picture]
    # The picture is the explorer's default view: the lesson draws it with the explorer's own
    # default number of scores and default segment map.
    lesson = nbformat.read(find_lessons(["03"])[0], as_version=4)
    [drawing] = [cell for cell in lesson.cells if "slides-widget-picture" in cell.metadata.get("tags", [])]
    default_bins = inspect.signature(RFMExplorer).parameters["bins"].default
    assert f"plot_rfm_explorer(table, bins={default_bins}, ax=ax)" in drawing.source
    assert inspect.signature(plot_rfm_explorer).parameters["segment_map"].default is None
    assert any(output.get("data", {}).get("image/png") for output in drawing.outputs)


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_every_lesson_carries_its_presentation_settings(path):
    """RISE scrolls long slides (metadata.rise), and `slides --tag` has nothing left to change."""
    notebook = nbformat.read(path, as_version=4)
    rise = notebook.metadata.get("rise", {})
    assert {key: rise.get(key) for key in RISE_SETTINGS} == RISE_SETTINGS, "run `python -m course_lib slides --tag`"
    assert tag_lesson(notebook) is False, "run `python -m course_lib slides --tag`"


def test_tag_lesson_is_idempotent_and_touches_no_source_or_output():
    notebook = nbformat.read(find_lessons(["03"])[0], as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("tags", None)
    notebook.metadata.pop("rise", None)
    before = [(cell.source, cell.get("outputs")) for cell in notebook.cells]
    assert tag_lesson(notebook) is True
    assert tag_lesson(notebook) is False
    assert [(cell.source, cell.get("outputs")) for cell in notebook.cells] == before
    assert notebook.metadata["rise"]["scroll"] is True


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
    assert formulas == [], "write formulas in words or code (or bundle MathJax in course_lib/kit/slides_assets)"


@pytest.mark.parametrize(
    ("path", "error"),
    [("lesson.md", ValueError), ("missing.ipynb", FileNotFoundError)],
)
def test_bad_input_gets_a_clear_error(path, error, tmp_path):
    with pytest.raises(error, match="notebook"):
        build_deck(tmp_path / path, tmp_path / "out")
