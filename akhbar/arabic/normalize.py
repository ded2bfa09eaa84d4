"""Arabic text normalisation, composed from one-rule functions.

Two purposes, two compositions:

* `normalize_for_match` folds every spelling difference that should not stop two strings from
  matching (harakat, alef forms, Persian letters, digits, invisible characters ...). Its output
  is for comparison, hashing, indexing and queries only; it is never shown to a user.
* `clean_for_display` keeps the letters as published and only removes what is invisible or
  broken (bidi controls, zero-width characters, odd whitespace), so the original reads the same.

We write our own rather than use pyarabic / camel-tools: the whole rule set is a few
`str.translate` tables (measured ~20k docs/s of 800 characters here), camel-tools drags in torch,
and pyarabic covers only part of the rules (no Persian letters, no presentation forms).
"""

from __future__ import annotations

import re
import unicodedata

# --- character classes -------------------------------------------------------------------------

#: Tashkeel incl. tanween (U+064B-065F), superscript alef (U+0670), Quranic marks.
HARAKAT = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + [chr(c) for c in range(0x06E7, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)
TATWEEL = "\u0640"
#: Zero-width and bidi control characters, soft hyphen, BOM, Arabic letter mark.
INVISIBLE = (
    ["\u00ad", "\u061c", "\u180e", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
ALEF_FORMS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا"}
ALEF_MAKSURA = {"ى": "ي"}
TEH_MARBUTA = {"ة": "ه"}
HAMZA_CARRIERS = {"ؤ": "و", "ئ": "ي"}
#: Persian / Urdu / Kurdish letters that Arabic outlets and scrapers mix in (the seed's «کیم»).
PERSIAN_LETTERS = {
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "ی": "ي",
    "ې": "ي",
    "ے": "ي",
    "ۀ": "ه",
    "ە": "ه",
    "ھ": "ه",
    "ہ": "ه",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
    "ڨ": "ق",
}
DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}

_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
_HARAKAT_FORMS = re.compile("[\ufe70-\ufe72\ufe74\ufe76-\ufe7f]+")
_HYPHEN_IN_WORD = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")


def _table(
    *maps: dict[str, str], delete: list[str] | tuple[str, ...] = ()
) -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): None for c in delete}
    for mapping in maps:
        table.update({ord(k): v for k, v in mapping.items()})
    return table


_STRIP_HARAKAT = _table(delete=HARAKAT)
_STRIP_TATWEEL = _table(delete=[TATWEEL])
_STRIP_INVISIBLE = _table(delete=INVISIBLE)
_FOLD_ALEF = _table(ALEF_FORMS)
_FOLD_ALEF_MAKSURA = _table(ALEF_MAKSURA)
_FOLD_TEH_MARBUTA = _table(TEH_MARBUTA)
_FOLD_HAMZA_CARRIERS = _table(HAMZA_CARRIERS)
_FOLD_PERSIAN = _table(PERSIAN_LETTERS)
_FOLD_DIGITS = _table(DIGITS)
# Everything `normalize_for_match` does per character, as one table (one pass over the text).
_MATCH_TABLE = _table(
    ALEF_FORMS,
    ALEF_MAKSURA,
    TEH_MARBUTA,
    HAMZA_CARRIERS,
    PERSIAN_LETTERS,
    DIGITS,
    delete=[*HARAKAT, TATWEEL, *INVISIBLE],
)


# --- one rule each -----------------------------------------------------------------------------


def strip_harakat(text: str) -> str:
    """Remove tashkeel, tanween, shadda, sukun, superscript alef and Quranic marks."""
    return text.translate(_STRIP_HARAKAT)


def strip_tatweel(text: str) -> str:
    return text.translate(_STRIP_TATWEEL)


def strip_invisible(text: str) -> str:
    """Remove zero-width characters, bidi controls, soft hyphens and BOMs."""
    return text.translate(_STRIP_INVISIBLE)


def fold_alef(text: str) -> str:
    """أ إ آ ٱ → ا"""
    return text.translate(_FOLD_ALEF)


def fold_alef_maksura(text: str) -> str:
    """ى → ي"""
    return text.translate(_FOLD_ALEF_MAKSURA)


def fold_teh_marbuta(text: str) -> str:
    """ة → ه"""
    return text.translate(_FOLD_TEH_MARBUTA)


def fold_hamza_carriers(text: str) -> str:
    """ؤ → و, ئ → ي (مسئول ≡ مسؤول)."""
    return text.translate(_FOLD_HAMZA_CARRIERS)


def fold_persian_letters(text: str) -> str:
    """ک → ك, ی → ي, ۀ/ە → ه, گ → ك, پ → ب, چ → ج, ژ → ز, ڤ → ف ..."""
    return text.translate(_FOLD_PERSIAN)


def fold_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits → 0-9."""
    return text.translate(_FOLD_DIGITS)


def unfold_presentation_forms(text: str) -> str:
    """Arabic presentation forms and ligatures (U+FB50-FDFF, U+FE70-FEFE) → plain letters."""
    if not _may_hold_presentation_forms(text) or not _PRESENTATION_FORMS.search(text):
        return text
    # Isolated/medial harakat forms (U+FE70-FE7F) unfold to a space plus the mark, which would
    # split the word they sit in: they are harakat, so they go.
    text = _HARAKAT_FORMS.sub("", text)
    return _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def fold_hyphens_in_words(text: str) -> str:
    """A hyphen between two letters becomes a space: جونج-أون ≡ جونج أون."""
    return _HYPHEN_IN_WORD.sub(" ", text)


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


# --- compositions ------------------------------------------------------------------------------

# Speed (measured on 1,870-character bodies): str.translate with a dict table has no fast path
# for non-ASCII text and cost 205 µs per body; str.replace for the few deleted and mapped
# characters present gives the same output in ~15 µs. The one-rule functions above keep
# translate: they are for clarity and tests, the compositions are the hot path.
_INVISIBLE_RUN = re.compile("[" + "".join(re.escape(c) for c in INVISIBLE) + "]+")
_FOLDS = tuple(
    {
        **ALEF_FORMS,
        **ALEF_MAKSURA,
        **TEH_MARBUTA,
        **HAMZA_CARRIERS,
        **PERSIAN_LETTERS,
        **DIGITS,
    }.items()
)
_HYPHENS = re.compile("[-\u2010\u2011]")
#: What `normalize_for_match` deletes. In a long text, each is looked for on its own: `c in text`
#: is a memchr-like scan and most texts hold few of these, so the 72 scans cost ~6 µs on a
#: 1,555-character body, against ~45 µs for one regex pass (sre's cost is per position, not per
#: match). Below LONG_TEXT characters (a word, a title) the one regex pass is the cheaper.
_DELETABLE = tuple(dict.fromkeys([*HARAKAT, TATWEEL, *INVISIBLE]))
_DELETE = re.compile("[" + "".join(map(re.escape, _DELETABLE)) + "]+")
_DELETE_OR_UNFOLD = re.compile(f"{_DELETE.pattern}|{_PRESENTATION_FORMS.pattern}")
LONG_TEXT = 160


def _may_hold_presentation_forms(text: str) -> bool:
    """False only when `text` holds no character of U+F000-U+FFFF (their UTF-8 starts with
    0xEF): encoding and one byte search cost ~4 µs on a body, where max(text) cost ~50 µs."""
    return b"\xef" in text.encode("utf-8", "surrogatepass")


def _delete_and_unfold(text: str) -> str:
    """Unfold presentation forms, then delete harakat, tatweel and invisible characters."""
    if len(text) < LONG_TEXT:  # one scan does both
        return _DELETE_OR_UNFOLD.sub(_unfold_or_delete, text)
    text = unfold_presentation_forms(text)
    for deleted in _DELETABLE:
        if deleted in text:
            text = text.replace(deleted, "")
    return text


def _unfold_or_delete(match: re.Match[str]) -> str:
    found = match.group()
    if found[0] < "\ufb50":  # a run of deletable characters (all of them sit below U+FB50)
        return ""
    return _DELETE.sub("", unfold_presentation_forms(found))


def _fold_letters(text: str) -> str:
    for letter, folded in _FOLDS:
        if letter in text:
            text = text.replace(letter, folded)
    return text


def _fold_word_hyphens(text: str) -> str:
    """fold_hyphens_in_words without a look-around regex (which cost ~100 µs per body)."""
    cuts = [
        m.start()
        for m in _HYPHENS.finditer(text)
        if 0 < m.start() < len(text) - 1
        and _is_letter(text[m.start() - 1])
        and _is_letter(text[m.start() + 1])
    ]
    if not cuts:
        return text
    chars = list(text)
    for i in cuts:
        chars[i] = " "
    return "".join(chars)


def _is_letter(ch: str) -> bool:
    return ch.isalpha() or (not ch.isdigit() and ch != "_" and ch.isalnum())


def normalize_for_match(text: str) -> str:
    """Fold everything that should not stop two Arabic strings from matching.

    Idempotent: normalize_for_match(normalize_for_match(x)) == normalize_for_match(x).
    """
    # One scan deletes harakat/tatweel/invisibles and unfolds the (rare) presentation forms.
    text = _fold_letters(_delete_and_unfold(text))
    if "-" in text or "\u2010" in text or "\u2011" in text:
        text = _fold_word_hyphens(text)
    text = text.lower()
    if "\u0307" in text:  # "İ".lower() is "i" + a combining dot, which would split the word
        text = text.replace("\u0307", "")
    return " ".join(text.split())


def fold_in_place(text: str) -> str:
    """The letter folds and deletions of `normalize_for_match` (and its lower case), with the
    whitespace left as it is: line i of the result is line i of `text`, folded. For finding
    where in a text a normalised word may be, without normalising each line on its own."""
    return _fold_letters(_delete_and_unfold(text)).lower()


def clean_for_display(text: str) -> str:
    """Keep the published letters; remove invisible characters; NFC; tidy whitespace.

    Paragraphs (blank-line separated) and line breaks are kept; runs of spaces, tabs and
    no-break spaces become one space; lines are stripped; 2+ blank lines become one.
    """
    if _INVISIBLE_RUN.search(text):
        text = _INVISIBLE_RUN.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    lines: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)
