/* The course deck's last layout step, run in the browser before reveal.js starts.

   1. Figures are sized for the slide: as large as fits (up to a zoom limit), never larger.
   2. Slides are paginated: every slide is measured at 1280 x 720 (the real fonts, the real
      figures); what runs past the bottom moves to a continuation sub-slide ("... (continued)"),
      cut between cells, between a cell's code and its output, or between paragraphs and list
      items. A block that alone is taller than a slide becomes a scroll box.
   3. reveal.js starts with the deck's size and no margin, so on a 1280 x 720 screen one CSS
      pixel is one screen pixel.
   Settings come from window.COURSE_DECK (written by course_lib/kit/slides.py). */
(function () {
  "use strict";
  var deck = window.COURSE_DECK;
  var WIDTH = deck.width;
  var HEIGHT = deck.height;

  function innerSlides() {
    return Array.prototype.slice.call(document.querySelectorAll(".reveal .slides > section > section"));
  }

  function bottomLimit(section) {
    return HEIGHT - parseFloat(getComputedStyle(section).paddingBottom);
  }

  function fitFigures() {
    var images = document.querySelectorAll(".reveal .slides img");
    Array.prototype.forEach.call(images, function (img) {
      var width = img.naturalWidth;
      var height = img.naturalHeight;
      if (!width || !height) {
        return;
      }
      var scale = Math.min(deck.figureMaxWidth / width, deck.figureMaxHeight / height, deck.figureMaxZoom);
      img.style.width = Math.round(width * scale) + "px";
      img.style.height = Math.round(height * scale) + "px";
      img.style.maxWidth = "none";
    });
  }

  function overflows(section) {
    return section.scrollHeight > HEIGHT + 1 || section.scrollWidth > WIDTH + 1;
  }

  function blocks(section) {
    return Array.prototype.filter.call(section.children, function (element) {
      return element.tagName !== "ASIDE";
    });
  }

  // Where `element` ends, its bottom margin included, from the top of `section`.
  function bottomOf(element, section) {
    var margin = parseFloat(getComputedStyle(element).marginBottom) || 0;
    return element.getBoundingClientRect().bottom + margin - section.getBoundingClientRect().top;
  }

  function headingOf(section) {
    var heading = section.querySelector("h1, h2, h3");
    return heading ? heading.textContent.replace(/\u00b6/g, "").trim() : "";
  }

  // The title a slide goes under: its own heading, or the last one before it in the deck.
  function titleOf(section, previous) {
    return section.dataset.courseTitle || headingOf(section) || previous;
  }

  // A slide that opens with no heading of its own gets "<last title> (continued)" on top.
  function addTitle(section, title) {
    var first = blocks(section)[0];
    var opensWithHeading = first && first.querySelector(".jp-RenderedMarkdown > h1:first-child, .jp-RenderedMarkdown > h2:first-child, .jp-RenderedMarkdown > h3:first-child");
    if (!title || opensWithHeading || section.querySelector(".course-continued-title")) {
      return;
    }
    var heading = document.createElement("p");
    heading.className = "course-continued-title";
    heading.textContent = title + " (continued)";
    section.insertBefore(heading, section.firstChild);
  }

  function continuation(section, title) {
    var next = document.createElement("section");
    next.className = "course-continued";
    next.dataset.courseTitle = title;
    if (title) {
      var heading = document.createElement("p");
      heading.className = "course-continued-title";
      heading.textContent = title + " (continued)";
      next.appendChild(heading);
    }
    section.parentNode.insertBefore(next, section.nextSibling);
    return next;
  }

  // Split `element` before its child number `index` (of the children of `container`, a
  // descendant of `element`): the tail goes into a copy inserted after `element`.
  function splitBefore(element, container, index) {
    var copy = element.cloneNode(true);
    var path = [];
    for (var node = container; node !== element; node = node.parentNode) {
      path.unshift(Array.prototype.indexOf.call(node.parentNode.children, node));
    }
    var copyContainer = copy;
    path.forEach(function (position) {
      copyContainer = copyContainer.children[position];
    });
    var kept = Array.prototype.slice.call(container.children);
    var copied = Array.prototype.slice.call(copyContainer.children);
    kept.slice(index).forEach(function (child) {
      container.removeChild(child);
    });
    copied.slice(0, index).forEach(function (child) {
      copyContainer.removeChild(child);
    });
    if (container.tagName === "OL") {
      copyContainer.setAttribute("start", String((parseInt(container.getAttribute("start") || "1", 10)) + index));
    }
    copy.removeAttribute("id");
    element.parentNode.insertBefore(copy, element.nextSibling);
    return copy;
  }

  function unwrapFragment(element) {
    if (!element.classList.contains("fragment")) {
      return;
    }
    while (element.firstChild) {
      element.parentNode.insertBefore(element.firstChild, element);
    }
    element.parentNode.removeChild(element);
  }

  // The first child of `container` whose bottom passes `limit`, or -1.
  function firstPast(container, section, limit) {
    var children = container.children;
    for (var i = 0; i < children.length; i++) {
      if (bottomOf(children[i], section) > limit) {
        return i;
      }
    }
    return -1;
  }

  // Split a block that runs past the bottom into two, the cut as late as possible; false if it
  // cannot be split.
  function splitBlock(block, section, limit) {
    if (block.classList.contains("fragment") && block.children.length > 1) {
      var at = firstPast(block, section, limit);
      splitBefore(block, block, Math.max(at, 1));
      return true;
    }
    if (block.classList.contains("fragment") && block.children.length === 1) {
      return splitBlock(block.children[0], section, limit) && true;
    }
    var input = block.querySelector(":scope > .jp-Cell-inputWrapper");
    var output = block.querySelector(":scope > .jp-Cell-outputWrapper");
    if (input && output && block.classList.contains("jp-CodeCell")) {
      var wrapper = output.parentNode;
      splitBefore(block, wrapper, Array.prototype.indexOf.call(wrapper.children, output));
      return true;
    }
    var area = block.querySelector(":scope > .jp-Cell-outputWrapper > .jp-OutputArea");
    if (area && area.children.length > 1) {
      splitBefore(block, area, Math.max(firstPast(area, section, limit), 1));
      return true;
    }
    var text = block.classList.contains("jp-MarkdownCell") ? block.querySelector(".jp-RenderedMarkdown") : null;
    if (text) {
      var cut = firstPast(text, section, limit);
      if (cut > 0) {
        splitBefore(block, text, cut);
        return true;
      }
      if (cut === 0) {
        var list = text.children[0];
        if ((list.tagName === "UL" || list.tagName === "OL") && list.children.length > 1) {
          splitBefore(block, list, Math.max(firstPast(list, section, limit), 1));
          return true;
        }
      }
    }
    return false;
  }

  function paginate(section, previousTitle) {
    var title = titleOf(section, previousTitle);
    addTitle(section, title);
    for (var guard = 0; guard < 60 && overflows(section); guard++) {
      var limit = bottomLimit(section);
      var items = blocks(section);
      var lead = items[0] && items[0].classList.contains("course-continued-title") ? 1 : 0;
      var index = -1;
      for (var i = 0; i < items.length; i++) {
        if (bottomOf(items[i], section) > limit) {
          index = i;
          break;
        }
      }
      if (index < 0) {
        if (section.scrollHeight <= HEIGHT + 1 || items.length <= lead + 1) {
          return title; // too wide, not too tall: the probe in the tests reports it
        }
        index = items.length - 1; // margins that collapse out of a block: move the last one
      }
      if (index < lead) {
        return title;
      }
      if (index > lead) {
        // Keep a heading with what follows it.
        while (index > lead + 1 && /^H[1-6]$/.test((items[index - 1].querySelector(".jp-RenderedMarkdown > :last-child") || {}).tagName || "")) {
          index -= 1;
        }
        var next = continuation(section, title);
        items.slice(index).forEach(function (item) {
          next.appendChild(item);
        });
        // A fragment that opens a continuation shows at once: the slide is never empty.
        unwrapFragment(items[index]);
        section = next;
        continue;
      }
      var block = items[index];
      if (splitBlock(block, section, limit)) {
        continue;
      }
      if (block.classList.contains("course-fit")) {
        return title;
      }
      // One block alone is taller than a slide: it scrolls in the room left.
      var top = block.getBoundingClientRect().top - section.getBoundingClientRect().top;
      var margin = parseFloat(getComputedStyle(block).marginBottom) || 0;
      block.classList.add("course-scroll", "course-fit");
      block.style.maxHeight = Math.floor(limit - top - margin - 2) + "px";
    }
    return title;
  }

  function markScrollBoxes() {
    // A box that holds more than it shows must say so: reveal.js would otherwise swallow the
    // wheel and the arrow keys.
    var boxes = document.querySelectorAll(".reveal .course-scroll, .reveal .course-fold-body");
    Array.prototype.forEach.call(boxes, function (box) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-prevent-swipe", "");
    });
  }

  function start() {
    document.body.classList.add("course-measuring");
    fitFigures();
    var title = "";
    innerSlides().forEach(function (section) {
      title = paginate(section, title) || title;
    });
    markScrollBoxes();
    document.body.classList.remove("course-measuring");
    var plugins = window.RevealNotes && deck.speakerNotes ? [window.RevealNotes] : [];
    Reveal.initialize({
      width: WIDTH,
      height: HEIGHT,
      margin: 0,
      center: false,
      controls: true,
      progress: true,
      history: true,
      hash: true,
      slideNumber: "c/t",
      transition: "slide",
      plugins: plugins,
    }).then(function () {
      document.body.dataset.courseDeckReady = "true";
    });
  }

  // Measure with the real fonts and figures: show every slide (hidden) so the fonts load, then
  // wait for them and for every image.
  document.body.classList.add("course-measuring");
  var images = Array.prototype.slice.call(document.querySelectorAll(".reveal .slides img"));
  var waits = images.map(function (img) {
    return img.decode ? img.decode().catch(function () {}) : Promise.resolve();
  });
  if (document.fonts) {
    var reveal = document.querySelector(".reveal");
    var family = reveal ? getComputedStyle(reveal).fontFamily : "sans-serif";
    waits.push(document.fonts.load("28px " + family).catch(function () {}));
    waits.push(document.fonts.load("bold 40px " + family).catch(function () {}));
    waits.push(document.fonts.ready);
  }
  Promise.all(waits).then(start, start);
})();
