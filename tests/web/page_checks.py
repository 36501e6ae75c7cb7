"""Checks a screenshot read by eye would make, done by the browser on every page the browser tests open:

- no text over text: no two pieces of visible text overlap, and no painted box (a background, a border)
  lies over text it does not hold. On 501b07a's programme page the web app's `.note` message-box style hit
  the programme's participant notes, whose grey boxes then covered the line above: this check finds 19
  such overlaps there on a desktop and 17 on a phone (and none on the fixed page);
- no word of the other language: a Dutch page shows none of a list of English interface words and an
  English page none of a list of Dutch ones (the event's own texts, Dutch, are left out: the lists hold
  words of the interface that a programme does not use; room names such as "Zaal 2" are names, so "Zaal"
  is not on the list). On 501b07a it finds "optimal" on the scheduler page and "unknown" on the invitees
  page;
- axe-core: no WCAG 2.1 A or AA violation.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: Interface words that must not show on a Dutch page (whole words, case as written).
ENGLISH = (
    "optimal", "feasible", "infeasible", "unknown", "queued", "running", "failed", "accepted", "rejected",
    "Published", "Version", "Save", "Search", "Log out", "Log in", "Invitees", "Waiting", "places left",
    "place left", "Full", "Registered", "Present", "Capacity", "Room", "Session", "Answer", "Sent",
    "Export", "Send", "Invite", "Round", "Undo", "Mark present", "Not published", "the", "and", "with",
)  # fmt: skip
#: Interface words that must not show on an English page.
DUTCH = (
    "Opslaan", "Zoeken", "Uitloggen", "Inloggen", "Genodigden", "plaatsen", "plaats", "Wachtlijst",
    "wachtlijst", "Aanwezig", "Capaciteit", "Sessie", "Antwoord", "Verstuurd", "Versturen",
    "Uitnodigen", "Ronde", "Ongedaan", "gepubliceerd", "Gepubliceerd", "komt", "niet", "geen", "het", "een",
)  # fmt: skip

_TEXT_BOXES = r"""
() => {
  // Every piece of visible text (a box per line it takes), and every painted box (a background or a
  // border), which covers what lies under it. Text over text, or a painted box over text it does not
  // hold, is something a reader cannot read.
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
  });
  // Seen by a sighted reader: rendered (not in a closed <details>, not display: none), not clipped away
  // as text for screen readers only is.
  const shown = (el) => {
    if (!el.checkVisibility({contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true})) {
      return false;
    }
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.clip !== "auto" || style.clipPath !== "none") return false;
    }
    return true;
  };
  let node;
  while ((node = walker.nextNode())) {
    if (!shown(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 2 && r.height > 2) texts.push({r, node, label: node.textContent.trim().slice(0, 40)});
    }
  }
  const painted = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el)) continue;
    const style = getComputedStyle(el);
    const clear = /rgba\(0, 0, 0, 0\)|transparent/.test(style.backgroundColor);
    const filled = !clear || style.backgroundImage !== "none";
    if (!filled) continue;
    for (const r of el.getClientRects()) {
      if (r.width > 2 && r.height > 2) painted.push({r, el, label: "[" + (el.className || el.tagName) + "]"});
    }
  }
  const meet = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
  const found = [];
  for (let i = 0; i < texts.length && found.length < 50; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (meet(texts[i].r, texts[j].r)) found.push(texts[i].label + " / " + texts[j].label);
    }
    for (const box of painted) {
      // A box over text it does not hold, painted after that text (later in the document).
      if (box.el.contains(texts[i].node)) continue;
      const after = texts[i].node.compareDocumentPosition(box.el) & Node.DOCUMENT_POSITION_FOLLOWING;
      if (after && meet(texts[i].r, box.r)) found.push(box.label + " over " + texts[i].label);
    }
  }
  return found;
}
"""

_TEXT_IN_LANGUAGE = """
(lang) => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const owner = node.parentElement.closest("[lang]");
    const said = owner ? owner.getAttribute("lang").split("-")[0] : lang;
    if (said !== lang || node.parentElement.closest("[data-content], script, style")) continue;
    const style = getComputedStyle(node.parentElement);
    if (style.display === "none" || style.visibility === "hidden") continue;
    parts.push(node.textContent);
  }
  for (const el of document.querySelectorAll("input[placeholder], [aria-label], img[alt]")) {
    if (el.closest("[data-content]")) continue;
    const said = ["placeholder", "aria-label", "alt"].map((name) => el.getAttribute(name) || "");
    parts.push(said.join(" "));
  }
  return parts.join("\\n");
}
"""


def text_overlaps(page: Any) -> list[str]:
    """Pairs of visible texts whose boxes overlap."""
    return list(page.evaluate(_TEXT_BOXES))


def other_language_words(page: Any) -> list[str]:
    """Interface words of the other language on the page (outside what the event file says, which the
    templates mark `data-content`)."""
    lang = page.evaluate("document.documentElement.lang") or "nl"
    text = page.evaluate(_TEXT_IN_LANGUAGE, lang)
    words = ENGLISH if lang == "nl" else DUTCH
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def axe_violations(page: Any) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in results.response["violations"]
    ]


def check_page(page: Any) -> dict[str, list[str]]:
    """Everything wrong with the page as a person would see it; empty lists when nothing is."""
    return {
        "overlapping text": text_overlaps(page),
        "words of the other language": other_language_words(page),
        "axe": axe_violations(page),
    }


def shoot(page: Any, name: str, *, full_page: bool = True) -> None:
    """With NETWERKDAG_SCREENSHOTS=docs/img, keep a screenshot of the page (JPEG: a small folder)."""
    target = os.environ.get("NETWERKDAG_SCREENSHOTS")
    if target:
        page.screenshot(path=str(Path(target) / name), full_page=full_page, type="jpeg", quality=70)
