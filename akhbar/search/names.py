"""Query expansion from the shipped gazetteer: a query that names a person, a place or an
organisation also finds the other spellings of that name.

A reader who types جوتيريش means the UN Secretary-General however the outlet spelled him
(غوتيريش, أنطونيو غوتيريش); الناتو means حلف شمال الأطلسي too; الرئيس الروسي means بوتين. The
gazetteer (akhbar.enrich) lists those spellings. A run of query words names an entity when it is,
after `normalize_for_match`:

1. one of the entity's names or aliases (adjectives and names that are also ordinary words,
   marked `~` in the data, never: الروسي is not "Russia" and الشباب is not the club);
2. the same behind a clitic or without / with the article, decided by the stemmer's own clitic
   list (بالناتو → الناتو, فيفا ↔ الفيفا);
3. a role phrase that the data ties to at most `MAX_ROLE_HOLDERS` people (الرئيس الروسي);
4. a foreign name spelled another way (transliteration): after folding the letters that
   transliterations swap (ج/غ, ت/ط ...), at most one long vowel apart from one alias of exactly
   one person or organisation (see `transliteration_key`).

`NameExpander.aliases(words)` returns the normalised alias phrases to search for, the typed
phrase first, or [] when the words name nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from akhbar.arabic import normalize_for_match
from akhbar.arabic.stopwords import is_stopword
from akhbar.arabic.tokens import words
from akhbar.enrich.gazetteer import CUE_MARK, Entity, Gazetteer, load_gazetteer
from akhbar.search.analysis import query_word_stem

#: Entity types whose names take the article or not, as the writer likes (الفيفا / فيفا).
ARTICLE_TYPES = frozenset({"org", "agency", "company", "group", "club"})
#: A role phrase held by more people than this (المتحدث باسم ...) is too vague to expand.
MAX_ROLE_HOLDERS = 3
#: Entity types whose names are transliterated from other languages often enough that their
#: Arabic spelling varies (جوتيريش / غوتيريش, ستولتنبرج / ستولتنبرغ). Countries and cities
#: have settled Arabic names, which the normaliser and the alias lists already cover.
TRANSLITERATED_TYPES = frozenset({"person", "org", "agency", "company", "club", "group"})
#: A folded name shorter than this (in letters) says too little to tell a name from a word.
MIN_FOLDED = 6

# Letters that transliterations of one foreign sound swap, folded to one letter each
# (g: ج غ ق ك; t: ت ط; s: س ص ث; z: ز ذ ظ; d: د ض; h: ه ح); spaces go, since a foreign name is
# written as one word or two (فون ديرلاين / فون دير لاين).
_FOLD = str.maketrans(
    {
        "غ": "ج",
        "ق": "ج",
        "ك": "ج",
        "ط": "ت",
        "ص": "س",
        "ث": "س",
        "ذ": "ز",
        "ظ": "ز",
        "ض": "د",
        "ح": "ه",
        " ": None,
    }
)
#: A name must be this long (folded) before a written vowel more or fewer still matches it:
#: among short words a vowel is what tells a word (ميدان) from a name.
MIN_VOWEL_EDIT = 7
#: Long vowels, which transliterations add or drop (إينفانتينو / إنفانتينو, جورجييفا / جورجيفا).
_VOWELS = frozenset("اوي")


def transliteration_key(norm_phrase: str) -> str:
    """A normalised name with the letters transliterations swap folded, spaces removed and
    doubled letters written once: جوتيريش and غوتيريش, فون ديرلاين and فون دير لاين, ستولتنبرج
    and ستولتنبرغ each give one key."""
    out: list[str] = []
    for ch in norm_phrase.translate(_FOLD):
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def one_vowel_fewer(key: str) -> set[str]:
    """Each form of `key` with one long vowel fewer (إينفانتينو → إنفانتينو, ...)."""
    # The first letter carries the word (ايجاد is not جاد): never dropped.
    return {key[:i] + key[i + 1 :] for i, ch in enumerate(key) if ch in _VOWELS and i > 0}


def _alias_phrases(entity: Entity) -> list[str]:
    """The entity's names to search for, normalised; names that are also ordinary words (`~`)
    are left out: searching for them would find every article that uses the word."""
    cued = {a for a in entity.aliases if a.startswith(CUE_MARK)}
    if CUE_MARK + entity.canonical in cued:
        names: Iterable[str] = (a for a in entity.aliases if a not in cued)
    else:
        names = (entity.canonical, *(a for a in entity.aliases if a not in cued))
    return list(dict.fromkeys(" ".join(words(n)) for n in names if words(n)))


class NameExpander:
    """Normalised query words → the alias phrases of the entity they name (see module doc)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        roles: dict[str, list[Entity]] = {}
        exact: dict[str, set[str]] = {}
        fewer: dict[str, set[str]] = {}
        for entity in gazetteer.entities():
            for role in entity.roles:
                key = normalize_for_match(role)
                if key:
                    roles.setdefault(key, []).append(entity)
            if entity.type in TRANSLITERATED_TYPES:
                for phrase in _alias_phrases(entity):
                    # Arabic names with the article (السيسي, المشري) are not transliterations,
                    # and folding them meets ordinary words (المشروع).
                    if phrase.isascii() or phrase.startswith("ال"):
                        continue
                    key = transliteration_key(phrase)
                    if len(key) >= MIN_FOLDED:
                        exact.setdefault(key, set()).add(entity.id)
                        for variant in one_vowel_fewer(key):
                            fewer.setdefault(variant, set()).add(entity.id)
        self._roles = {k: v for k, v in roles.items() if len(v) <= MAX_ROLE_HOLDERS}
        # Folded keys of alias spellings, and of those spellings with one vowel fewer.
        self._exact = exact
        self._fewer = fewer
        self.max_words = max(gazetteer.max_alias_words, *(len(k.split()) for k in roles), 1)

    def aliases(self, norm_words: Sequence[str]) -> list[str]:
        """Alias phrases of what `norm_words` names, the typed phrase first; [] for nothing."""
        typed = " ".join(norm_words)
        if not norm_words or all(is_stopword(w) for w in norm_words):
            return []
        entities = self._entities(list(norm_words))
        if not entities:
            return []
        phrases = [typed]
        for entity in entities:
            phrases.extend(_alias_phrases(entity))
        return list(dict.fromkeys(phrases))

    def all_forms(self, norm_words: Sequence[str]) -> list[str]:
        """`aliases` and the adjectives of what the words name: what an exclusion removes.
        -الكويت leaves out articles on Kuwait, also those that only say الكويتيون."""
        phrases = self.aliases(norm_words)
        if not phrases:
            return []
        for entity in self._entities(list(norm_words)):
            phrases.extend(" ".join(words(a)) for a in entity.adjectives)
        return list(dict.fromkeys(p for p in phrases if p))

    def _entities(self, norm_words: list[str]) -> list[Entity]:
        for variant, article_changed in _spellings(norm_words):
            match = self.gazetteer.resolve(" ".join(variant))
            if match is None or match.is_adjective or match.needs_cue:
                continue
            # Arabic puts the article on organisations known by an acronym (الفيفا, الناتو,
            # اليونسكو), not on people or places: السيول (the floods) is not سيول (Seoul).
            if article_changed and match.entity.type not in ARTICLE_TYPES:
                continue
            return [match.entity]
        typed = " ".join(norm_words)
        holders = self._roles.get(typed)
        if holders:
            return list(holders)
        return self._transliterated(norm_words)

    def _transliterated(self, norm_words: list[str]) -> list[Entity]:
        typed = " ".join(norm_words)
        if typed.startswith("ال") or any(is_stopword(w) for w in norm_words):
            return []
        key = transliteration_key(typed)
        if len(key) < MIN_FOLDED:
            return []
        # The typed name equals an alias once folded, or has one written vowel more or fewer:
        # one edit, never two (two would let ordinary words in: ملايين ≈ ميلان).
        ids = set(self._exact.get(key, ()))
        if len(key) >= MIN_VOWEL_EDIT:
            ids.update(self._fewer.get(key, ()))
            for shorter in one_vowel_fewer(key):
                ids.update(self._exact.get(shorter, ()))
        # A spelling that two entities could have is neither's.
        entity = self.gazetteer.get(ids.pop()) if len(ids) == 1 else None
        return [entity] if entity is not None else []


def _spellings(norm_words: list[str]) -> list[tuple[list[str], bool]]:
    """The typed words, then forms of the first word a name takes in running text, each with
    whether the article was added or removed: without / with the article (الفيفا ↔ فيفا), and
    without the clitics the index's own stemmer strips, protected names kept whole
    (بالناتو → ناتو, والسيسي → السيسي). A stem that also cut an ending (الرياضي → رياض) is not a
    clitic form and is left out."""
    first, rest = norm_words[0], norm_words[1:]
    has_article = first.startswith("ال")
    forms = [(first, False), (first[2:] if has_article else "ال" + first, True)]
    base = query_word_stem(first)
    if base and base != first and first.endswith(base):
        prefix = first[: -len(base)]
        had_article = prefix.endswith(("ال", "لل"))  # لل is ل + ال
        forms += [(base, had_article), ("ال" + base, not had_article)]
    seen: set[str] = set()
    out = []
    for form, changed in forms:
        if len(form) >= 2 and form not in seen:
            seen.add(form)
            out.append(([form, *rest], changed))
    return out


@functools.cache
def default_expander() -> NameExpander:
    """The expander over the packaged gazetteer, built once per process."""
    return NameExpander(load_gazetteer())
