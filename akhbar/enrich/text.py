"""One article text read once: its normalised words, and where each word sits in the original.

The tagger scans the normalised words for gazetteer names, and the name-candidate scan
(akhbar/enrich/candidates.py) reads the same words for title + name patterns. Both sometimes
need the original: the spelling of a matched name (a tag's display is the spelling the corpus
uses) and the punctuation between two words (a name never runs across a comma). `Words` keeps
the normalised words and cuts the original words only when first asked for them.

Why not `akhbar.arabic.tokens.tokenize`: it builds a frozen `Token` per word (~1.7 µs each,
measured 0.5 ms for a 2,000-character article, more than all of tagging is allowed); most
words of an article are never a name, so the original is cut only when a name or a title
word was found in the text, with one `re.split`.
`split_words` follows `tokenize`'s span rule exactly (one `re.split`, no object per word) and
falls back to `tokenize` itself for the rare texts it does not cover (ligatures, İ);
tests/enrich/test_text.py checks the two agree.
"""

from __future__ import annotations

import re

from akhbar.arabic.normalize import HARAKAT, INVISIBLE, TATWEEL
from akhbar.arabic.tokens import tokenize, words

__all__ = ["Words", "split_words"]

# The span rule of akhbar/arabic/tokens.py: a word starts on a letter or digit and takes
# letters, digits and every character normalisation deletes (harakat, tatweel, zero-width).
_PRESENTATION = "\ufb50-\ufdff\ufe70-\ufefe"
_SILENT = "".join(HARAKAT) + TATWEEL + "".join(INVISIBLE)
_SPAN = re.compile(rf"((?![_\u0640])[\w{_PRESENTATION}][\w{_PRESENTATION}{_SILENT}]*)")
#: Without silent characters, presentation forms, "_" and İ in the text, a word is a plain run
#: of letters and digits: the same words as _SPAN, found twice as fast (measured).
_PLAIN = re.compile(r"([^\W_]+)")
_NOT_PLAIN = re.compile(rf"[{_SILENT}_\u0130{_PRESENTATION}]")
#: Characters that can make one span several words (ligatures, underscore, İ): slow path.
_SPLITTING = re.compile(rf"[_\u0130{_PRESENTATION}]")
_INVISIBLE = frozenset(INVISIBLE)
#: Punctuation between two words (anything but letters, marks and spaces) ends a name.
_BREAK = re.compile(r"[^\w\s\u0610-\u061a\u064b-\u065f\u0670\u0640\u200c-\u200f]")
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})


def split_words(text: str, norms: list[str]) -> tuple[list[str], list[str]]:
    """(surfaces, gaps) of `text` whose words are `norms` (== `words(text)`): surfaces[i] is
    word i as published (as `tokenize` cuts it), gaps[i] the text before it (gaps[-1]: after
    the last word)."""
    if not _NOT_PLAIN.search(text):
        parts = _PLAIN.split(text)
    elif not _SPLITTING.search(text):
        parts = _SPAN.split(text)
        # A bidi mark or zero-width joiner after a word is layout, not spelling: to the gap.
        for k in range(1, len(parts), 2):
            word = parts[k]
            if word[-1] in _INVISIBLE and len(word) > 1:
                kept = word.rstrip("".join(_INVISIBLE)) or word[0]
                parts[k], parts[k + 1] = kept, word[len(kept) :] + parts[k + 1]
    else:
        parts = []
    if len(parts) == 2 * len(norms) + 1:
        return parts[1::2], parts[0::2]
    # Ligatures, underscores, İ: tokenize maps each word back to its characters.
    tokens = tokenize(text)
    surfaces = [t.surface for t in tokens]
    ends = [0, *(t.end for t in tokens)]
    starts = [t.start for t in tokens] + [len(text)]
    return surfaces, [text[ends[k] : starts[k]] for k in range(len(starts))]


class Words:
    """The normalised words of one text; surfaces and breaks on demand."""

    __slots__ = ("_gaps", "_surfaces", "norms", "text")

    def __init__(self, text: str, norms: list[str] | None = None) -> None:
        self.text = text
        self.norms = words(text) if norms is None else norms
        self._surfaces: list[str] | None = None
        self._gaps: list[str] = []

    def __len__(self) -> int:
        return len(self.norms)

    def _split(self) -> list[str]:
        if self._surfaces is None:
            self._surfaces, self._gaps = split_words(self.text, self.norms)
        return self._surfaces

    def surface(self, i: int) -> str:
        """Word i as published."""
        return self._split()[i]

    def phrase(self, i: int, n: int) -> str:
        """Words i .. i+n-1 as published (a hyphen kept, runs of spaces made one space)."""
        surfaces = self._split()
        if n == 1:
            return surfaces[i]
        gaps = self._gaps
        cut = surfaces[i] + "".join(gaps[k] + surfaces[k] for k in range(i + 1, i + n))
        return " ".join(cut.split())

    def broke(self, i: int) -> bool:
        """Punctuation or a line break between word i-1 and word i (a hyphen does not count:
        عبد المجيد-تبون, جونج-أون are one name)."""
        self._split()
        gap = self._gaps[i]
        if not gap or gap == " ":
            return False
        return "\n" in gap or (gap not in _HYPHENS and bool(_BREAK.search(gap)))

    def breaks_within(self, i: int, n: int) -> bool:
        """A break between any two of words i .. i+n-1."""
        return any(self.broke(k) for k in range(i + 1, i + n))
