"""Light stemming of normalised Arabic words: Snowball, with names protected.

PyStemmer's Snowball "arabic" is the fastest stemmer measured here (1.8M words/s), but as every
light stemmer it reads a leading و ف ب ل as a clitic and cuts names: فلسطين→لسط, بغداد→غداد,
بيروت→يرو, بوتين→وتين. So a word is first looked up in a protected-name set (every CLDR
country name plus `data/protected_names.txt`), also behind a clitic prefix (وروسيا→روسيا,
بفلسطين→فلسطين, للعراق→العراق); only other words reach Snowball.

Snowball also stems our *normalised* words worse than raw text, for two reasons we fix before
calling it (20 word families, 126 forms, in
tests/arabic/test_stem.py: 70 distinct stems from bare Snowball, 30 with both fixes):

* `normalize_for_match` folds ة→ه, and Snowball strips a final ة but keeps ه: حكومه→حكوم yet
  الحكومه→حكومه. A final ه goes back to ة for Snowball (a pronoun ه goes too: كتابه→كتاب).
* Snowball removes ال only from long words and never و+ال: القمه→القم, والحكومه→والحكوم.
  We remove the article with its clitics (وال فال بال كال لل ...) when 3+ letters remain, and
  turn the sound feminine plural ات into ة (حكومات→حكومة), so it meets its singular.

`analyze(text)` is the one call search indexing and related-article matching use.
"""

from __future__ import annotations

import functools
import threading

import Stemmer
from babel import Locale

from akhbar.arabic.stopwords import read_word_list, stopwords
from akhbar.arabic.tokens import words

PROTECTED_NAMES_FILE = "protected_names.txt"

#: Clitics that attach in front of a name: conjunction, preposition, article, in that order.
#: Tried shortest first, so a name that itself starts with one (فرنسا, لبنان) is found whole.
CLITIC_PREFIXES = tuple(
    sorted(
        {c + p + a for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك") for a in ("", "ال")}
        | {"لل", "ولل", "فلل"},
        key=len,
    )[1:]  # drop the empty prefix
)
#: ل + ال is written لل: للعراق is ل + العراق, so the article goes back on what remains.
_LAM_ARTICLE = ("لل", "ولل", "فلل")
#: Article forms removed before Snowball, longest first.
_ARTICLES = ("وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
_MIN_STEM = 3  # letters that must remain after removing an article or a plural ending
_PREFIX_SET = frozenset(CLITIC_PREFIXES)
_PREFIX_SIZES = tuple(sorted({len(p) for p in CLITIC_PREFIXES}))
_ARTICLE_SET = frozenset(_ARTICLES)
_ARTICLE_SIZES = tuple(sorted({len(a) for a in _ARTICLES}, reverse=True))

#: Ordinary words inside multiword CLDR names (جزر, المتحدة, الاستوائية), never protected.
CLDR_GENERIC_WORDS_FILE = "cldr_generic_words.txt"
#: CLDR pseudo-territories: test locales and "unknown region".
_NOT_PLACES = frozenset({"XA", "XB", "ZZ"})
_CACHE_LIMIT = 500_000

_cache: dict[str, str] = {}
_local = threading.local()


def stem(norm_word: str) -> str:
    """The light stem of one normalised word; a protected name comes back as the bare name."""
    cached = _cache.get(norm_word)
    return cached if cached is not None else stem_words([norm_word])[0]


def stem_words(norm_words: list[str]) -> list[str]:
    """`stem` of each word, in order. Batched through Snowball and cached across calls."""
    cache = _cache
    try:
        return [cache[w] for w in norm_words]
    except KeyError:
        pass
    fresh = _stem_uncached({w for w in norm_words if w not in cache})
    if len(cache) + len(fresh) > _CACHE_LIMIT:
        # Crude but enough: news vocabulary is a few hundred thousand forms, and a miss only
        # costs a Snowball call.
        cache.clear()
    cache.update(fresh)
    return [fresh[w] if w in fresh else cache.get(w) or _stem_one(w) for w in norm_words]


def analyze(text: str) -> list[tuple[str, str]]:
    """(normalised word, stem) for each word of `text` that is not a stopword."""
    stop = stopwords()
    kept = [w for w in words(text) if w not in stop]
    return list(zip(kept, stem_words(kept), strict=True))


def is_protected(norm_word: str) -> bool:
    """True if the normalised word is itself a protected name (no clitic stripping)."""
    return norm_word in protected_names()


def protected_base(norm_word: str) -> str | None:
    """The protected name this word is, or carries behind clitics; None if neither.

    Where a name is protected both with and without the article (الناتو and ناتو, الدوحه and
    دوحه), the bare form is returned for both, so the two spellings share a stem.
    """
    base = _find_protected(norm_word, protected_names())
    return None if base is None else _article_aliases().get(base, base)


def _find_protected(word: str, names: frozenset[str]) -> str | None:
    if word in names:
        return word  # whole first: فرنسا is a name, not ف + رنسا
    # The word's own first 1-4 letters looked up, shortest first (as CLITIC_PREFIXES is
    # sorted): no two prefixes of one length fit one word. ~4 set lookups instead of 26
    # startswith calls, which were half the cost of stemming a word never seen before.
    for size in _PREFIX_SIZES:
        prefix = word[:size]
        if prefix not in _PREFIX_SET:
            continue
        rest = word[size:]
        if len(rest) >= 2 and rest in names:
            return rest
        if prefix in _LAM_ARTICLE and "ال" + rest in names:
            return "ال" + rest
    return None


@functools.cache
def protected_names() -> frozenset[str]:
    """Every protected word, normalised: CLDR territory names and our list, split into words."""
    names = {w for entry in read_word_list(PROTECTED_NAMES_FILE) for w in words(entry)}
    generic = {w for entry in read_word_list(CLDR_GENERIC_WORDS_FILE) for w in words(entry)}
    territories = Locale("ar").territories
    for code, name in territories.items():
        if code not in _NOT_PLACES:
            names.update(w for w in words(name) if w not in generic)
    stop = stopwords()
    # A stopword is never stemmed anyway (analyze drops it), and protecting one would let a
    # clitic-stripped form like وفي turn into a "name".
    return frozenset(w for w in names if w not in stop and len(w) >= 2)


@functools.cache
def _article_aliases() -> dict[str, str]:
    names = protected_names()
    return {name: name[2:] for name in names if name.startswith("ال") and name[2:] in names}


def _stem_uncached(norm_words: set[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    to_snowball: dict[str, str] = {}
    for word in norm_words:
        base = protected_base(word)
        if base is not None:
            result[word] = base
        else:
            to_snowball[word] = _prepare(word)
    stems = _stemmer().stemWords(list(to_snowball.values()))
    result.update(zip(to_snowball, stems, strict=True))
    return result


def _stem_one(norm_word: str) -> str:
    return _stem_uncached({norm_word})[norm_word]


def _prepare(word: str) -> str:
    """Undo what normalisation did that confuses Snowball, and do what it leaves undone."""
    for _ in range(2):  # a folded أل-word keeps its ال: الالتزام → التزام → تزام, as التزام
        word = _strip_article(word)
    if word.endswith("ات") and len(word) - 2 >= _MIN_STEM:
        word = word[:-2] + "ة"
    elif word.endswith("ه") and len(word) > _MIN_STEM:
        word = word[:-1] + "ة"
    return word


def _strip_article(word: str) -> str:
    for size in _ARTICLE_SIZES:  # longest first, as _ARTICLES
        if word[:size] in _ARTICLE_SET and len(word) - size >= _MIN_STEM:
            return word[size:]
    return word


def _stemmer() -> Stemmer.Stemmer:
    # Snowball stemmer objects are not thread-safe: one per thread. Its own cache is off
    # (measured 1.8M words/s without it, 0.7M with it); ours sits in front of it.
    stemmer: Stemmer.Stemmer | None = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer("arabic", 0)
        _local.stemmer = stemmer
    return stemmer
