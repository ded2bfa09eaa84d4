"""Turn a fetched page (bytes) into an `ExtractedArticle`, or say why not.

    bytes -> decode (akhbar.decode) -> lxml tree -> metadata (ours) -> boilerplate pruned
          -> trafilatura main text -> paragraphs filtered -> ExtractedArticle

trafilatura finds the main text well, but Arabic news pages put "اقرأ أيضاً" boxes, related
lists and share bars inside the article container, so we prune those from the tree before it
runs and drop any label or link-only paragraph that still gets through afterwards.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from datetime import datetime

import py3langid
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document, Extractor

from akhbar.arabic import normalize_for_match
from akhbar.decode import charset_from_content_type, decode_bytes
from akhbar.errors import DecodeError, ExtractionRejected
from akhbar.extract.metadata import PageMetadata, parse_timestamp, read_metadata, split_keywords

#: Below this many characters of body text a page is a stub, a teaser or a gallery caption.
MIN_BODY_CHARS = 200

_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/plain")
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

# Labels of boxes that are never article text, compared after normalize_for_match (so أ/ا,
# ة/ه and harakat do not matter). A paragraph equal to one of these, or starting with one of
# the "read also" family and followed by a headline, is dropped.
_READ_ALSO = (
    "اقرا ايضا", "اقرا كذلك", "اقرا المزيد", "طالع ايضا", "طالع كذلك", "شاهد ايضا",
    "اقرا اكثر", "read also", "read more", "see also", "also read",
)  # fmt: skip
_BOX_LABELS = frozenset(
    (*_READ_ALSO, "مواضيع ذات صله", "اخبار ذات صله", "مقالات ذات صله", "ذات صله",
     "اخبار متعلقه", "مواضيع متعلقه", "الاكثر قراءه", "الاكثر مشاهده", "الاكثر تداولا",
     "شارك", "شارك الخبر", "شارك المقال", "شارك هذا المقال", "شارك عبر", "تابعنا", "تابعونا",
     "تابعنا علي", "تابعونا علي", "التعليقات", "اضف تعليق", "اترك تعليقا", "الوسوم",
     "كلمات مفتاحيه", "الكلمات المفتاحيه", "كلمات دلاليه", "related", "related articles",
     "related news", "more news", "share", "share this", "comments", "tags", "most read")
)  # fmt: skip
# Longest label with harakat and punctuation ("اقْرَأْ أَيْضًا ..." ~ 20 characters) plus room.
_LABEL_MAX_CHARS = 48
_LABEL_PUNCTUATION = " :：.-–—|»«>…\u061b\u060c"
# class/id words of containers that hold no article text. Matched as whole words between
# - and _ so "shares-count" matches "share" but "sharepoint-guide" does not.
_BOILERPLATE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:related|read-?also|readalso|read-?more|more-?news|share|sharing|"
    r"social|comments?|newsletter|subscribe|breadcrumbs?|most-?read|popular|sidebar|"
    r"tags?|keywords|footer|navbar|menu)(?:$|[\s_-])",
    re.I,
)
_BOILERPLATE_TAGS = ("nav", "footer", "aside", "form", "button", "menu")
_HTML_PARSER = lxml_html.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False
)
# trafilatura's settings, built once: an Extractor reads its ConfigParser and the clock when
# constructed (~0.1 ms, a tenth of a typical page), and only the URL differs between pages.
# No metadata: ours is read before extraction, trafilatura's only when ours missed something.
_EXTRACTOR = Extractor(output_format="python", precision=True, comments=False, with_metadata=False)


@dataclass(slots=True)
class ExtractedArticle:
    """The article a page carries. `body` is paragraphs joined by blank lines, letters as
    published; `published_text` is the raw date string the page gave."""

    url: str
    canonical_url: str
    title: str
    author: str
    published_at: datetime | None
    published_text: str
    updated_at: datetime | None
    body: str
    image_url: str
    language: str
    tags: list[str] = field(default_factory=list)
    encoding: str = ""
    site_name: str = ""


def extract_article(html: bytes, *, url: str, content_type: str = "") -> ExtractedArticle:
    """Extract the main article of a page.

    Raises ExtractionRejected with reason "not_html", "undecodable", "no_content" or
    "too_short" (with `length`), always carrying `url`.
    """
    _check_is_html(html, url=url, content_type=content_type)
    text, encoding = _decode(html, url=url, content_type=content_type)
    tree = _parse(text, url=url)
    meta = read_metadata(tree, url=url)
    prune_boilerplate(tree)
    # Our own metadata reading runs first (trafilatura keeps only the day of a date), so
    # trafilatura's metadata pass is needed only when ours missed the title or the date: it
    # cost ~1.2 ms of a ~6 ms page, most of our overhead over bare trafilatura.
    # A JSON-LD block we could not parse may still name the publisher; trafilatura's lenient
    # reader recovers it, so that case pays for the extra pass too (a page whose JSON-LD
    # parsed and names no publisher does not: the pass would find nothing more, at ~0.5 ms).
    needs_metadata = (
        not meta.title or not meta.published_text or (not meta.site_name and meta.json_ld_broken)
    )
    # The fast pass first; the fallback extractors only for a page it finds (nearly) nothing in.
    # bare_extraction works on its own copy of the tree, so each pass sees the same pruned page.
    main_text = _main_text(tree, url=url, fast=True)
    rescued = main_text is None
    if rescued:
        main_text = _main_text(tree, url=url, fast=False)
    if main_text is None:
        raise ExtractionRejected("no_content", url=url)
    if needs_metadata:
        _fill_from_trafilatura(meta, extract_metadata(tree, default_url=url))
    body = _body_of(main_text, title=meta.title)
    if len(body) < MIN_BODY_CHARS and not rescued:
        main_text = _main_text(tree, url=url, fast=False)
        body = _body_of(main_text, title=meta.title) if main_text else body
    if len(body) < MIN_BODY_CHARS:
        raise ExtractionRejected("too_short", url=url, length=len(body))
    return ExtractedArticle(
        url=url,
        canonical_url=meta.canonical_url or url,
        title=meta.title,
        author=meta.author,
        published_at=meta.published_at,
        published_text=meta.published_text,
        updated_at=meta.updated_at,
        body=body,
        image_url=meta.image_url,
        language=meta.language or _detect_language(body),
        tags=meta.tags,
        encoding=encoding,
        site_name=meta.site_name,
    )


# --- bytes to tree -------------------------------------------------------------------------------


def _check_is_html(data: bytes, *, url: str, content_type: str) -> None:
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime and mime not in _HTML_TYPES:
        raise ExtractionRejected("not_html", url=url, content_type=mime)
    head = data[:1024]
    if head.startswith(_BINARY_MAGIC) or (b"\x00" in head and not head.startswith(b"\xff\xfe")):
        raise ExtractionRejected("not_html", url=url, content_type=mime or "binary")
    if b"<" not in data[:65536]:
        raise ExtractionRejected("not_html", url=url, content_type=mime or "text")


def _decode(data: bytes, *, url: str, content_type: str) -> tuple[str, str]:
    # The HTTP header outranks <meta charset> (as browsers do); decode_bytes still checks that
    # the declaration fits the bytes, since Arabic sites often declare iso-8859-1 wrongly.
    declared = charset_from_content_type(content_type) if content_type else None
    if declared is None:
        found = _META_CHARSET.search(data[:4096])
        declared = found.group(1).decode("ascii") if found else None
    try:
        return decode_bytes(data, declared=declared, path=url)
    except DecodeError as error:
        raise ExtractionRejected("undecodable", url=url, detail=error.message) from error


def _parse(text: str, *, url: str) -> lxml_html.HtmlElement:
    try:
        # Re-encoded as UTF-8 with a fixed parser encoding, so a stale <meta charset> or an XML
        # declaration in the text cannot make lxml decode it a second time.
        tree = lxml_html.document_fromstring(text.encode("utf-8"), parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionRejected("no_content", url=url, detail=str(error)) from error
    return tree


def _extractor_for(url: str, *, fast: bool) -> Extractor:
    options = copy.copy(_EXTRACTOR)
    # What Extractor(url=url, fast=fast) would set: the URL, the same URL as the name used in
    # logs, and the switch for the fallback extractors.
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8")
    options.fast = fast
    return options


def _main_text(tree: lxml_html.HtmlElement, *, url: str, fast: bool) -> str | None:
    """trafilatura's text of the page, lines per paragraph; None when it finds none.

    fast=True skips trafilatura's fallback extractors (readability, then justext): they cost a
    third of the extraction of a pruned page and changed no body of our fixtures, and they
    matter only where the main extractor finds (nearly) nothing, as in a layout <table>, so
    extract_article runs them only then.
    """
    document = trafilatura.bare_extraction(tree, options=_extractor_for(url, fast=fast))
    # as_dict is off, so a result is a Document; the isinstance check is for the type checker.
    if not isinstance(document, Document) or not document.text:
        return None
    return str(document.text)


def _body_of(main_text: str, *, title: str) -> str:
    paragraphs = filter_paragraphs(main_text.split("\n"))
    # trafilatura often keeps the <h1> as the first line; the title has its own field.
    if paragraphs and normalize_for_match(paragraphs[0]) == normalize_for_match(title):
        paragraphs = paragraphs[1:]
    return "\n\n".join(paragraphs)


# --- boilerplate ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _label_key(text: str) -> str:
    # Cached: every page of a site repeats its menu items, section names and box labels, and
    # nested containers ask for the same leading text, so most keys were already computed.
    return normalize_for_match(text).strip(_LABEL_PUNCTUATION)


def is_box_label(text: str) -> bool:
    """True for a line that only names a non-article box: "اقرأ أيضاً:", "مواضيع ذات صلة" ..."""
    # Labels are short; skipping long text first keeps normalisation off every paragraph.
    return len(text) <= _LABEL_MAX_CHARS and _label_key(text) in _BOX_LABELS


def _opens_with_label(text: str) -> bool:
    """True for text that starts with a "read also" label or is only a box label."""
    # One normalisation serves both checks: a whole box label fits in the first
    # _LABEL_MAX_CHARS, and normalisation was most of the cost of pruning a page.
    key = _label_key(text[:_LABEL_MAX_CHARS])
    return key.startswith(_READ_ALSO) or (len(text) <= _LABEL_MAX_CHARS and key in _BOX_LABELS)


def _link_share(element: lxml_html.HtmlElement) -> float:
    """Fraction of an element's text that sits inside links."""
    text = len("".join(element.text_content().split()))
    if not text:
        return 0.0
    linked = sum(len("".join(a.text_content().split())) for a in element.iter("a"))
    return linked / text


def _is_boilerplate_container(element: lxml_html.HtmlElement) -> bool:
    if element.tag in _BOILERPLATE_TAGS:
        return True
    attrs = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(attrs.strip()) and _BOILERPLATE_ATTR.search(attrs) is not None


def _leading_text(element: lxml_html.HtmlElement) -> str:
    """The text an element opens with: its own text, else its first child's."""
    if element.text and element.text.strip():
        return str(element.text)
    for child in element:
        if isinstance(child.tag, str):
            return _text_prefix(child, 200)
        if child.tail and child.tail.strip():
            return str(child.tail)
    return ""


def _text_prefix(element: lxml_html.HtmlElement, size: int) -> str:
    """The first `size` characters of text_content(), without building the whole text."""
    # Every container on the page asks for its first child's text, and that child is often the
    # article's whole body: reading on only until `size` characters keeps this linear.
    parts: list[str] = []
    length = 0
    for part in element.itertext():
        parts.append(part)
        length += len(part)
        if length >= size:
            break
    return "".join(parts)[:size]


def _is_read_also_block(element: lxml_html.HtmlElement) -> bool:
    """An inline "اقرأ أيضاً: <a>headline</a>" paragraph, or a box headed by a label."""
    if not _opens_with_label(_leading_text(element)):
        return False
    # Only now pay for the full text: a long, link-poor block is prose that merely opens with
    # the words (a paragraph quoting "اقرأ أيضاً" in a sentence).
    return len(element.text_content()) < 400 or _link_share(element) > 0.3


def _is_link_only(element: lxml_html.HtmlElement) -> bool:
    # An article paragraph is never just one link: such lines are teasers for other stories.
    return element.find(".//a") is not None and _link_share(element) > 0.9


def prune_boilerplate(tree: lxml_html.HtmlElement) -> None:
    """Remove menus, share bars, comments, read-also and related boxes from the tree in place.

    A container holding most of the page's text is kept whatever its class says ("post
    has-comments"), so a careless class name cannot remove the article itself.
    """
    body = tree.find("body")
    root = body if body is not None else tree
    total = len(root.text_content()) or 1
    doomed = [
        element
        for element in root.iter("*")
        if isinstance(element.tag, str)
        and element.tag not in ("html", "body", "article", "main")
        and _should_drop(element, total)
    ]
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            _drop_keep_tail(element, parent)


def _should_drop(element: lxml_html.HtmlElement, total: int) -> bool:
    suspect = (
        _is_boilerplate_container(element)
        or (
            element.tag in ("p", "li", "div", "section", "ul", "ol")
            and _is_read_also_block(element)
        )
        or (element.tag in ("p", "li") and _is_link_only(element))
    )
    return suspect and len(element.text_content()) < total * 0.5


def _drop_keep_tail(element: lxml_html.HtmlElement, parent: lxml_html.HtmlElement) -> None:
    # The text after an element (its tail) belongs to the parent paragraph, not the box.
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def filter_paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs of trafilatura's text minus empty lines, box labels and read-also teasers."""
    kept: list[str] = []
    for line in lines:
        line = " ".join(line.split())
        # Drops box labels and read-also teasers; a paragraph of 300+ characters is prose even
        # when it opens with the words, and skipping it first keeps normalisation off the body.
        if not line or (len(line) < 300 and _opens_with_label(line)):
            continue
        kept.append(line)
    return kept


# --- finishing -----------------------------------------------------------------------------------


def _fill_from_trafilatura(meta: PageMetadata, document: Document) -> None:
    """Fill what our own reading missed with trafilatura's guesses (its date is day-only)."""
    meta.title = meta.title or (document.title or "")
    meta.author = meta.author or (document.author or "")
    meta.site_name = meta.site_name or (document.sitename or "")
    meta.image_url = meta.image_url or (document.image or "")
    if not meta.published_text and document.date:
        meta.published_text = document.date
        meta.published_at = parse_timestamp(document.date)
    if not meta.tags:
        meta.tags = [t for value in (document.tags or []) for t in split_keywords(value)]


def _detect_language(body: str) -> str:
    language, _score = py3langid.classify(body[:2000])
    return str(language)
