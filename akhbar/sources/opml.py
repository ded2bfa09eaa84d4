"""OPML in and out: the subscription lists other readers import and export.

Reading uses defusedxml with entities forbidden: an OPML file comes from a user (or from a
site they were told to download it from), and a billion-laughs or external-entity file must
fail with a clean FormatError, not exhaust memory or read local files.

Categories are the titles of the enclosing folder outlines joined with "/" (what Miniflux,
FreshRSS and Feedly write), falling back to OPML 2.0's `category` attribute; `write_opml`
nests folders the same way, so a file written by akhbar reads back unchanged.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from akhbar.errors import FormatError

__all__ = ["OpmlDocument", "OpmlFeed", "SkippedOutline", "parse_opml", "read_opml", "write_opml"]

log = logging.getLogger(__name__)

# XML 1.0 forbids these even as character references; titles from feeds do contain them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    title: str
    xml_url: str
    html_url: str = ""
    category: str = ""


@dataclass(frozen=True, slots=True)
class SkippedOutline:
    """An outline that is not a usable feed. `reason`: missing_xml_url, invalid_xml_url,
    duplicate."""

    title: str
    reason: str
    xml_url: str = ""


@dataclass(slots=True)
class OpmlDocument:
    title: str = ""
    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[SkippedOutline] = field(default_factory=list)


def parse_opml(data: bytes, *, path: str = "") -> list[OpmlFeed]:
    """The feeds of an OPML file. Outlines that are not feeds are logged with a reason."""
    document = read_opml(data, path=path)
    for skipped in document.skipped:
        log.warning(
            "opml.skipped path=%s title=%s reason=%s xml_url=%s",
            path, skipped.title, skipped.reason, skipped.xml_url,
        )  # fmt: skip
    return document.feeds


def read_opml(data: bytes, *, path: str = "") -> OpmlDocument:
    """The whole OPML file: its title, its feeds and the outlines skipped (with reasons).

    Raises FormatError (with `path`, and the line when the XML parser knows it) when the
    bytes are not well-formed XML, use entities or a DTD, or are not an OPML document.
    """
    root = _parse_xml(data, path)
    if _local(root.tag) != "opml":
        raise FormatError(f"not OPML: the root element is <{_local(root.tag)}>", path=path)
    body = _child(root, "body")
    if body is None:
        raise FormatError("not OPML: no <body> element", path=path)
    head = _child(root, "head")
    title_element = _child(head, "title") if head is not None else None
    document = OpmlDocument(title=_clean(title_element.text if title_element is not None else ""))
    _walk(body, (), document, seen=set())
    return document


def write_opml(feeds: Sequence[OpmlFeed], *, title: str) -> bytes:
    """OPML 2.0, UTF-8, one folder outline per category level, in first-seen order."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    body = ET.SubElement(root, "body")
    folders: dict[tuple[str, ...], ET.Element] = {(): body}
    for feed in feeds:
        parent = _folder(folders, _category_path(feed.category))
        attributes = {"type": "rss", "text": _xml_text(feed.title or feed.xml_url)}
        if feed.title:
            attributes["title"] = _xml_text(feed.title)
        attributes["xmlUrl"] = _xml_text(feed.xml_url)
        if feed.html_url:
            attributes["htmlUrl"] = _xml_text(feed.html_url)
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _parse_xml(data: bytes, path: str) -> ET.Element:
    try:
        # A bare DTD is harmless (expat loads nothing external); entity declarations and
        # external references are what the attacks need, and both are refused.
        root: ET.Element = fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise FormatError(f"not well-formed XML: {exc}", path=path, line=line) from None
    except DefusedXmlException as exc:
        raise FormatError(f"refused XML feature: {exc}", path=path) from None
    return root


def _walk(
    element: ET.Element, folders: tuple[str, ...], document: OpmlDocument, *, seen: set[str]
) -> None:
    for outline in element:
        if _local(outline.tag) != "outline":
            continue
        title = _clean(outline.get("text") or outline.get("title") or "")
        children = [child for child in outline if _local(child.tag) == "outline"]
        xml_url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if xml_url:
            _add_feed(outline, title, xml_url, folders, document, seen)
        elif not children:
            document.skipped.append(SkippedOutline(title, "missing_xml_url"))
        if children:
            # A folder without a name adds no level: its feeds belong to the parent folder.
            _walk(outline, (*folders, title) if title else folders, document, seen=seen)


def _add_feed(
    outline: ET.Element,
    title: str,
    xml_url: str,
    folders: tuple[str, ...],
    document: OpmlDocument,
    seen: set[str],
) -> None:
    parts = urlsplit(xml_url)
    # Only web feeds: a "file:" or "javascript:" xmlUrl in a shared OPML file is an attack
    # on the fetcher, and a relative one has nothing to be relative to.
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        document.skipped.append(SkippedOutline(title, "invalid_xml_url", xml_url))
        return
    if xml_url in seen:
        document.skipped.append(SkippedOutline(title, "duplicate", xml_url))
        return
    seen.add(xml_url)
    category = "/".join(folders) if folders else _first_category(outline.get("category", ""))
    html_url = (outline.get("htmlUrl") or outline.get("htmlurl") or "").strip()
    document.feeds.append(OpmlFeed(title, xml_url, html_url, category))


def _first_category(value: str) -> str:
    """OPML 2.0: `category="/News/Egypt,/Sport"` — comma-separated slash paths; take the
    first (a feed sits in one folder here)."""
    first = value.split(",")[0]
    return "/".join(_category_path(first))


def _category_path(category: str) -> tuple[str, ...]:
    return tuple(part for part in (_clean(p) for p in category.split("/")) if part)


def _folder(folders: dict[tuple[str, ...], ET.Element], path: tuple[str, ...]) -> ET.Element:
    if path not in folders:
        parent = _folder(folders, path[:-1])
        name = _xml_text(path[-1])
        folders[path] = ET.SubElement(parent, "outline", {"text": name, "title": name})
    return folders[path]


def _local(tag: object) -> str:
    # Some exporters put OPML in a namespace; the element names are what matter.
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)
