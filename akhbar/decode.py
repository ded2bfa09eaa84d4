"""Bytes to text for Arabic news inputs: BOM, strict UTF-8, declared charset, then detection.

Arabic pages reach us as UTF-8 (most), windows-1256 or ISO-8859-6 (older outlets), UTF-16
(Windows exports) and, when a scraper got it wrong, as UTF-8 that was read as cp1252 and saved
again ("Ø§Ù„Ø®Ø¨Ø±"). `decode_bytes` returns the text and the name of the encoding it used and
never returns mojibake; bytes that are no text at all raise `DecodeError`.

Why our own plausibility score on top of charset-normalizer: a single-byte charset decodes any
byte string "cleanly", so a wrong declared charset (iso-8859-1 on windows-1256 bytes) only shows
in *what* the text looks like. windows-1256 and ISO-8859-6 share ء..ض but differ at ل م ن ه و ي
ك ف ق, so each misread leaves traces we can count: Latin letters inside Arabic words, harakat at
the start of a word, and the article «ال» turned into «ان» or «اف».
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

from akhbar.errors import DecodeError

__all__ = ["charset_from_content_type", "decode_bytes", "repair_mojibake"]

# Candidates tried after strict UTF-8, in order of preference when scores tie.
_ARABIC_SINGLE_BYTE = ("windows-1256", "iso-8859-6")
_LAST_RESORT = "iso-8859-1"
_DETECT_ISOLATION = ["utf_8", "cp1256", "iso8859_6", "utf_16", "latin_1"]
# Scoring looks at the start of the input only: enough to decide, cheap on a 100 MB dump.
_SAMPLE_BYTES = 64 * 1024
# A declared charset wins unless another candidate reads clearly better.
_DECLARED_MARGIN = 0.01
# Below this score the bytes are not text in any candidate encoding.
_MIN_TEXT_SCORE = 0.75
_MAX_CONTROL_SHARE = 0.05

_CANONICAL = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "cp1256": "windows-1256",
    "iso8859-6": "iso-8859-6",
    "latin-1": "iso-8859-1",
    "iso8859-1": "iso-8859-1",
    "cp1252": "windows-1252",
    "ascii": "ascii",
}

_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([\w.:()+-]+)""", re.IGNORECASE)


def charset_from_content_type(value: str) -> str | None:
    """The charset parameter of a Content-Type header (`text/html; charset="UTF-8"` → 'utf-8')."""
    match = _CHARSET_PARAM.search(value or "")
    return match.group(1).lower() if match else None


def canonical_encoding(name: str) -> str | None:
    """The name we report for a codec label, or None if Python does not know the label."""
    try:
        codec = codecs.lookup(name.strip())
    except LookupError:
        return None
    return _CANONICAL.get(codec.name, codec.name)


# --- plausibility ------------------------------------------------------------------------------


# Letters (category Lo) of the Arabic blocks, harakat and tanween, as sets built once: scoring
# asks about every character of every odd word, and a set lookup is several times cheaper than
# unicodedata.category per call.
_ARABIC_LETTERS = frozenset(
    chr(code)
    for first, last in ((0x0620, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFEFC))
    for code in range(first, last + 1)
    if unicodedata.category(chr(code)) == "Lo"
)
_HARAKAT = frozenset([*map(chr, range(0x064B, 0x0660)), "\u0670"])
_TANWEEN = frozenset(map(chr, range(0x064B, 0x064E)))


def _is_arabic_letter(ch: str) -> bool:
    return ch in _ARABIC_LETTERS


def _is_harakah(ch: str) -> bool:
    return ch in _HARAKAT


def _is_tanween(ch: str) -> bool:
    return ch in _TANWEEN


# Approximate letter frequencies (%) in Arabic news prose. Only their ratios matter: they break
# ties between readings that are both "clean" Arabic (8859-6 read as cp1256 turns ل into ن and
# م into ه, which no rule on odd characters can see in a two-word title).
_LETTER_PERCENT = {
    "ا": 12.5,
    "ل": 11.0,
    "ي": 7.0,
    "م": 6.0,
    "و": 5.5,
    "ن": 5.5,
    "ت": 4.5,
    "ر": 4.5,
    "ب": 4.0,
    "ه": 3.0,
    "ع": 3.5,
    "ف": 3.0,
    "ة": 2.8,
    "د": 2.8,
    "أ": 2.5,
    "س": 2.5,
    "ك": 2.3,
    "ق": 2.2,
    "ح": 2.0,
    "ى": 1.5,
    "ج": 1.3,
    "ش": 1.0,
    "ط": 1.0,
    "ص": 1.0,
    "خ": 1.0,
    "إ": 1.0,
    "ذ": 0.8,
    "ز": 0.6,
    "ث": 0.6,
    "ض": 0.6,
    "غ": 0.5,
    "ئ": 0.5,
    "ء": 0.4,
    "ظ": 0.3,
    "آ": 0.2,
    "ؤ": 0.2,
}
_LETTER_LOG = {ch: math.log(pct / 100) for ch, pct in _LETTER_PERCENT.items()}
_RARE_LETTER_LOG = math.log(0.05 / 100)


def _is_bad_char(ch: str) -> bool:
    """Control, private-use, unassigned or replacement characters: never in real text."""
    if ch in "\t\n\r\f":
        return False
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs")


# Runs of Arabic letters (category Lo, U+0621-064A without tatweel), each with ة/ى at most at
# its end, mixed with ASCII and Arabic punctuation (، ؛ ؟). _word_oddity finds nothing odd in
# such a word, and prose words usually carry punctuation ("الماضي،" or "(2024)."): without it
# they all took the slow path and scoring a windows-1256 page cost more than extracting it.
# The look-ahead keeps a run from ending in ة/ى right before another Arabic letter.
_CLEAN_WORD = re.compile(
    "(?:[\u0621-\u0628\u062a-\u063a\u0641-\u0648\u064a]*[\u0621-\u063a\u0641-\u064a]"
    "(?![\u0621-\u064a])|[\x00-\x7f\u060c\u061b\u061f])+"
)


@dataclass(frozen=True, slots=True)
class Plausibility:
    """How much a decoded text looks like real (Arabic or Latin) text."""

    score: float  # 1.0 = nothing odd; lower = odd or bad characters
    control_share: float  # share of control / unassigned characters
    arabic_words: int
    article_share: float  # share of Arabic words starting with «ال»
    letter_fit: float  # mean log-frequency of the Arabic letters (higher = more typical)


# Cached: prose repeats its words (في، من، على ...), within a page and across a site's pages,
# and a misread candidate sends every word here.
@functools.lru_cache(maxsize=16384)
def _word_oddity(word: str) -> int:
    """How many characters of one whitespace-separated word look misdecoded."""
    has_arabic = any(_is_arabic_letter(c) for c in word)
    has_ascii_letter = any(c.isascii() and c.isalpha() for c in word)
    odd = 0
    previous = " "
    for index, ch in enumerate(word):
        following = word[index + 1] if index + 1 < len(word) else " "
        if _is_tanween(ch) and _is_arabic_letter(following) and following not in "اى":
            odd += 1  # tanween ends a word (ً may carry an alef); mid-word it is a misread ي
        elif ch in "ةى" and _is_arabic_letter(following):
            odd += 1  # teh marbuta and alef maksura end a word
        elif _is_harakah(ch):
            # A haraka sits on a letter; one at a word start is a misread ي/ى/ة (cp1256 as 8859-6).
            if not (_is_arabic_letter(previous) or _is_harakah(previous) or previous == "\u0640"):
                odd += 1
        elif (
            ord(ch) > 0x7F
            and ch.isalpha()
            and not _is_arabic_letter(ch)
            and (has_arabic or not has_ascii_letter)
        ):
            odd += 1  # «ÇáÎÈÑ» (Arabic bytes read as Latin-1) or «الè» (8859-6 read as cp1256)
        previous = ch
    return odd


def score_text(text: str) -> Plausibility:
    """Score a decoded text; used to choose between candidate encodings."""
    odd = arabic_words = with_article = 0
    # Per distinct character, not per character: a page has ~100 distinct characters among
    # thousands, and unicodedata per character made scoring cost more than extraction.
    counts = Counter(text)
    # Counted over the whole text: str.split() treats some controls (\x1c-\x1f) as spaces.
    bad = sum(n for ch, n in counts.items() if _is_bad_char(ch))
    total = sum(n for ch, n in counts.items() if not ch.isspace()) + bad
    for word in text.split():
        # Most words are plain Arabic letters (ة/ى only at the end) or plain ASCII: nothing in
        # them can be odd, so only the others take the character-by-character look.
        if not _CLEAN_WORD.fullmatch(word):
            odd += _word_oddity(word)
        if _is_arabic_letter(word[0]):
            arabic_words += 1
            with_article += word.startswith(("ال", "وال", "بال", "لل"))
    if total == 0:
        return Plausibility(1.0, 0.0, 0, 0.0, 0.0)
    score = max(0.0, 1.0 - (odd + 3 * bad) / total)
    article_share = with_article / arabic_words if arabic_words else 0.0
    return Plausibility(score, bad / total, arabic_words, article_share, _letter_fit(counts))


def _letter_fit(counts: Counter[str]) -> float:
    logs = [
        _LETTER_LOG.get(ch, _RARE_LETTER_LOG)
        for ch, n in counts.items()
        if _is_arabic_letter(ch)
        for _ in range(n)
    ]
    return sum(logs) / len(logs) if logs else 0.0


def _rank(plausibility: Plausibility, encoding: str) -> float:
    # The «ال» share and the letter frequencies separate cp1256 from 8859-6 when neither shows
    # odd characters (short titles): a misread turns «ال» into «ان» or «اف». Both stay small
    # next to one odd character so they only break near-ties.
    rank = plausibility.score + 0.02 * plausibility.article_share + 0.01 * plausibility.letter_fit
    if encoding in _ARABIC_SINGLE_BYTE and plausibility.arabic_words == 0:
        rank -= 0.001  # French in cp1256 reads the same as latin-1: call it latin-1
    return rank


# --- mojibake ----------------------------------------------------------------------------------

# Characters that a cp1252 / latin-1 reader produces for each byte, mapped back to the byte.
_TO_BYTE: dict[str, int] = {chr(b): b for b in range(0x80, 0x100)}
for _b in range(0x80, 0xA0):
    # 0x81 0x8D 0x8F 0x90 0x9D are undefined in cp1252; latin-1 gives U+0081 ... (above).
    with contextlib.suppress(UnicodeDecodeError):
        _TO_BYTE[bytes([_b]).decode("cp1252")] = _b
_CONTINUATION = "".join(re.escape(c) for c, b in _TO_BYTE.items() if 0x80 <= b <= 0xBF)
# A UTF-8 lead byte (Â..ô) followed by 1-3 continuation bytes, repeated, spaces allowed between.
_UTF8_SEQUENCE = rf"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}"
_MOJIBAKE_RUN = re.compile(rf"{_UTF8_SEQUENCE}(?:[ \t]*{_UTF8_SEQUENCE})*")
# Ø Ù Ú Û + continuation: the UTF-8 lead bytes of Arabic letters, read as Latin.
_ARABIC_MOJIBAKE = re.compile(rf"[\u00d8-\u00db][{_CONTINUATION}]")


def _unmangle(match: re.Match[str]) -> str:
    run = match.group()
    try:
        return bytes(_TO_BYTE.get(c, ord(c)) for c in run).decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return run  # not a clean UTF-8 sequence: leave the text as it was


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was read as cp1252 / latin-1 («Ø§Ù„Ø®Ø¨Ø±» → «الخبر»).

    Only runs that re-encode to valid UTF-8 are replaced, so real Latin text («café») and
    real Arabic mixed into the same text are left alone.
    """
    # Plain substring checks first: this runs on every line of a dump and almost never fires.
    if "Ø" not in text and "Ù" not in text and "Ã" not in text:
        return text
    if len(_ARABIC_MOJIBAKE.findall(text)) < 2 and "Ã" not in text:
        return text
    return _MOJIBAKE_RUN.sub(_unmangle, text)


# --- decoding ----------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _binary_error(path: str | None, why: str) -> DecodeError:
    return DecodeError(f"not text ({why}); is this a binary file?", path=path)


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_utf16_without_bom(data: bytes, path: str | None) -> tuple[str, str]:
    """NUL bytes: UTF-16 without a BOM, or binary."""
    best: tuple[float, str, str] | None = None
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _try_decode(data, encoding)
        if text is None:
            continue
        plausibility = score_text(text[: _SAMPLE_BYTES // 2])
        if plausibility.score >= _MIN_TEXT_SCORE and (best is None or plausibility.score > best[0]):
            best = (plausibility.score, text, encoding)
    if best is None:
        raise _binary_error(path, "contains NUL bytes and is not UTF-16")
    return best[1], best[2]


# Controls (C0 but tab/newlines, DEL, C1), private use and U+FFFD: never in real text. A regex
# (C speed) rather than score_text's per-character loop: text that decoded as strict UTF-8 or
# after a BOM needs no choosing between encodings, only a binary check, and this path runs for
# every fetched page (score_text cost 6-17 ms on a 5 KB page, more than extracting it).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
_SPACES = re.compile(r"\s")


def _control_share(sample: str) -> float:
    # Nearly every page has no such character: one scan that stops at the first one settles it,
    # and counting the spaces (the costlier half, ~30 us a page) is left to the rare others.
    if _BAD_CHARS.search(sample) is None:
        return 0.0
    bad = len(_BAD_CHARS.findall(sample))
    visible = len(sample) - len(_SPACES.findall(sample)) + bad
    return bad / visible if visible else 0.0


def _check_text(text: str, encoding: str, path: str | None) -> tuple[str, str]:
    share = _control_share(text[:_SAMPLE_BYTES])
    if share > _MAX_CONTROL_SHARE:
        raise _binary_error(path, f"{share:.0%} control characters as {encoding}")
    return repair_mojibake(text), encoding


def _detected(sample: bytes) -> str | None:
    """charset-normalizer's guess, restricted to encodings Arabic news actually uses."""
    best = from_bytes(sample, cp_isolation=_DETECT_ISOLATION).best()
    return canonical_encoding(best.encoding) if best is not None else None


def _candidates(declared: str | None, sample: bytes) -> list[str]:
    names = [canonical_encoding(declared) if declared else None]
    names += [*_ARABIC_SINGLE_BYTE, _detected(sample), _LAST_RESORT]
    unique: list[str] = []
    for name in names:
        if name and name not in unique and not name.startswith(("utf-8", "utf-16", "utf-32")):
            unique.append(name)
    return unique


def _decode_single_byte(data: bytes, declared: str | None, path: str | None) -> tuple[str, str]:
    sample = data[:_SAMPLE_BYTES]
    declared_name = canonical_encoding(declared) if declared else None
    scored: list[tuple[float, str, Plausibility]] = []
    for encoding in _candidates(declared, sample):
        text = _try_decode(sample, encoding)
        if text is not None:
            plausibility = score_text(_scoring_sample(text))
            scored.append((_rank(plausibility, encoding), encoding, plausibility))
    if not scored:
        raise _binary_error(path, "no candidate encoding decodes it")
    best_rank = max(rank for rank, _, _ in scored)
    # The declared charset wins ties and near-ties: the publisher usually knows best. Otherwise
    # the first candidate with the best rank (windows-1256 before 8859-6 before latin-1).
    for rank, encoding, plausibility in scored:
        if encoding == declared_name and rank >= best_rank - _DECLARED_MARGIN:
            return _finish_single_byte(data, encoding, path, plausibility)
    chosen, plausibility = next((e, p) for rank, e, p in scored if rank == best_rank)
    return _finish_single_byte(data, chosen, path, plausibility)


def _finish_single_byte(
    data: bytes, encoding: str, path: str | None, plausibility: Plausibility
) -> tuple[str, str]:
    """Decode the whole input. The chosen encoding's sample score stands for the text (the
    scoring sample is the same characters), unless a later byte forces latin-1."""
    text = _try_decode(data, encoding)
    if text is None:  # the sample decoded, a later byte did not: fall back to latin-1
        encoding = _LAST_RESORT
        text = data.decode("latin-1")
        plausibility = score_text(_scoring_sample(text))
    if plausibility.score < _MIN_TEXT_SCORE:
        raise _binary_error(path, f"does not read as text in {encoding}")
    return _check_text(text, encoding, path)


_MARKUP = re.compile(r"<[^<>]{0,2000}>|&[#\w]{1,10};")
_SCORING_CHARS = 2000


def _scoring_sample(text: str) -> str:
    """The part of a text that tells encodings apart: markup is ASCII and reads the same in
    every candidate, so drop it and score the first few thousand characters of what is left."""
    return _MARKUP.sub(" ", text[:_SAMPLE_BYTES])[:_SCORING_CHARS]


def decode_bytes(
    data: bytes, *, declared: str | None = None, path: str | None = None
) -> tuple[str, str]:
    """Decode `data` and return (text, encoding name).

    Order: byte-order mark > strict UTF-8 > the declared charset if it reads as plausible text
    > detection among windows-1256, ISO-8859-6 and latin-1. Raises DecodeError(path=path) for
    binary data.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _try_decode(data, encoding)
            if text is None:
                raise DecodeError(f"invalid {encoding} after its byte-order mark", path=path)
            return _check_text(text, encoding, path)
    if b"\x00" in data[:_SAMPLE_BYTES]:
        text, encoding = _decode_utf16_without_bom(data, path)
        return _check_text(text, encoding, path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_single_byte(data, declared, path)
    return _check_text(text, "utf-8", path)
