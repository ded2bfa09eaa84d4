"""Text of an HTML fragment (a feed item's content or summary), paragraphs kept.

Used when a page cannot be extracted and the feed's own content stands in for it (the article
is then marked partial). Markup is dropped, block elements and <br> become paragraph breaks,
scripts and styles are removed; the letters are kept as published.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from akhbar.arabic import clean_for_display

_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "section",
    "article",
    "figcaption",
}
_DROP = ("script", "style", "noscript", "iframe", "form", "nav", "footer")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z!/]")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment; paragraphs separated by a blank line."""
    if not fragment.strip():
        return ""
    if not _LOOKS_LIKE_HTML.search(fragment):
        return clean_for_display(fragment)
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean_for_display(re.sub(r"<[^>]+>", " ", fragment))
    for element in root.iter(*_DROP):
        element.drop_tree()
    return clean_for_display("".join(_text_in_order(root)))


def _text_in_order(root: lxml_html.HtmlElement) -> list[str]:
    """Text and tails in document order, with a paragraph break around block elements."""
    out: list[str] = []

    def walk(element: lxml_html.HtmlElement) -> None:
        block = isinstance(element.tag, str) and element.tag.lower() in _BLOCKS
        if block:
            out.append("\n\n")
        if element.text:
            out.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if block:
            out.append("\n\n")

    walk(root)
    return out
