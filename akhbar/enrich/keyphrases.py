"""Topic keyphrases of an article with yake (وقف إطلاق النار, الرحلات الجوية).

yake is statistical and language-light, which suits Arabic once two things are fixed (measured
in the dependency notes): its built-in Arabic list is tiny, so it gets the 13k-form
arabic-stopwords list plus our news fillers; and it only knows ASCII punctuation, so ، ؛ ؟ « »
are turned into , ; ? " first, or «الاتفاق،» comes back as a word with its comma.

Cost: ~25 ms an article on generated 280-word articles (benchmarks/bench_tags.py), 40x the rest
of tagging. The tagger therefore calls this only when asked (`keyphrases=` > 0).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.stopwords import is_stopword, stopwords

__all__ = ["Keyphrase", "topic_keyphrases"]

MAX_WORDS = 2
CANDIDATES = 20
MIN_OCCURRENCES = 2
_PUNCTUATION = str.maketrans({"،": ",", "؛": ";", "؟": "?", "«": '"', "»": '"', "٪": "%"})
#: A first word glued to a clitic + article (والطاقة, بالمنطقة) makes an odd tag: yake saw the
#: surface form, and a tag should read as a name.
_CLITIC_ARTICLE = ("وال", "فال", "بال", "كال", "لل", "ول", "وب", "ف")
_ARABIC_WORD = re.compile(r"^[\u0621-\u064a]{3,}$")


@dataclass(frozen=True, slots=True)
class Keyphrase:
    display: str
    key: str
    #: 1 - yake's score (lower is better there), kept below entity scores by the caller.
    score: float


@functools.cache
def _extractor() -> Any:
    import yake

    # yake compares its stopwords to lower-cased surface words; give it both the normalised
    # forms and the package's own spellings (with hamza and alef maksura).
    from arabicstopwords.arabicstopwords import stopwords_list

    words = set(stopwords()) | set(stopwords_list())
    return yake.KeywordExtractor(lan="ar", n=MAX_WORDS, top=CANDIDATES, stopwords=words)


def _looks_like_phrase(norm: str) -> bool:
    parts = norm.split()
    if not parts or any(not _ARABIC_WORD.match(p) for p in parts):
        return False  # numbers, Latin, one- and two-letter fragments
    if is_stopword(parts[0]) or is_stopword(parts[-1]) or parts[0].startswith(_CLITIC_ARTICLE):
        return False
    # Noun phrases end on a definite word: «الرحلات الجوية» (noun + adjective), «وقف إطلاق
    # النار» / «استئناف الرحلات» (idafa). «يستقبل كيم», «الجوية يحذر» do not.
    return parts[-1].startswith("ال")


def _is_covered(norm: str, covered: Collection[str]) -> bool:
    return any(norm in c or c in norm for c in covered if c)


def topic_keyphrases(
    title: str, body: str, *, limit: int = 2, covered: Collection[str] = ()
) -> list[Keyphrase]:
    """Up to `limit` keyphrases that look like real phrases and are not already `covered`
    (normalised names of the article's other tags)."""
    if limit <= 0:
        return []
    text = f"{title}.\n{body}".translate(_PUNCTUATION)
    found: list[Keyphrase] = []
    seen: set[str] = set()
    padded = f" {normalize_for_match(text)} "
    for phrase, score in _extractor().extract_keywords(text):
        norm = normalize_for_match(phrase)
        if norm in seen or not _looks_like_phrase(norm) or _is_covered(norm, covered):
            continue
        if padded.count(f" {norm} ") < MIN_OCCURRENCES:
            continue  # a topic is repeated; a phrase said once is a detail
        seen.add(norm)
        # Single words are rarely good topics unless yake is sure of them.
        if len(norm.split()) == 1 and float(score) > 0.05:
            continue
        found.append(Keyphrase(phrase.strip(), norm, round(max(0.05, 0.3 - float(score)), 3)))
        if len(found) >= limit:
            break
    return found
