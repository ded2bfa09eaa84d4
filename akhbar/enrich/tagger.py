"""Entity tags («كلمات دلالية») for one article: the people, countries, cities and
organisations it is about, plus publisher topics and (optionally) a few keyphrases.

How an article is read:

1. Gazetteer names are matched on the normalised words of the title, the lead paragraph and the
   rest of the body, longest name first. A word that is not the start of a name is tried again
   without a leading clitic (وروسيا → روسيا, للأمم → الأمم, بالقاهرة → القاهرة): the bare word
   is tried only after the whole word failed, so بغداد, فلسطين and لبنان are never cut.
2. Each mention is evidence weighted by where it is (title 3, lead 2, body 1); a demonym
   (الروسية → روسيا) counts half. A name that is also an ordinary word (`~` in the gazetteer)
   counts only with a cue: one of the entity's role phrases right before it, a publisher tag
   naming the entity, or a title + name pattern (akhbar/enrich/candidates.py) that names it.
3. Publisher tags that name an entity add a bonus to it; the others stay as topic tags.
4. Names introduced by a title that no vocabulary knows («وزير النقل X Y») become person tags
   when mentioned prominently enough.
5. Ranking: the evidence times a type prior; single weak mentions are dropped once enough
   stronger tags exist; regions and news agencies count only when the title names them (or
   the text keeps naming them); stopwords, weekdays and months are never tags.

A city is not a name of its country (جدة does not tag السعودية), but a country named inside a
longer name (البنك المركزي «المصري») is named by the text, as weakly as by a demonym.

Each tag carries the spellings of its name as cut from the text (كيم جونج أون, not the
gazetteer's كيم جونغ أون): the store counts them and shows the most seen (tag_step.py).

Pure and fast: the text is normalised and split once (akhbar/enrich/text.py) and shared with the
name-candidate scan; the gazetteer and learned names are compiled once into first word → name
lengths, each distinct word's plan is cached, and only words that can start a name are visited
(see benchmarks/bench_tags.py).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.stopwords import is_stopword
from akhbar.arabic.tokens import words
from akhbar.enrich.candidates import (
    TITLE_LINKS,
    TITLE_WORDS,
    Candidate,
    candidates_in,
    looks_like_new_name,
)
from akhbar.enrich.gazetteer import Entity, Gazetteer
from akhbar.enrich.text import Words

__all__ = [
    "LearnedEntity",
    "TagResult",
    "TagSuggestion",
    "analyze_article",
    "preferred_spelling",
    "strip_clitic_variants",
    "tag_article",
]

TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
BODY_WEIGHT = 1.0
ADJECTIVE_FACTOR = 0.5
#: A city also says something about its country (القاهرة → مصر), as weakly as a demonym.
CITY_COUNTRY_FACTOR = 0.5
PUBLISHER_BONUS = 2.0
#: How much a mention of each type says about what the article is about. News agencies are
#: mostly cited as sources («وفقا لوكالة ...»), not reported on.
TYPE_PRIOR = {
    "person": 1.2,
    "country": 1.0,
    "city": 0.9,
    "region": 0.6,  # continents and seas are mostly backdrop (أفريقيا، البحر الأسود)
    "org": 1.0,
    "group": 1.0,
    "agency": 0.4,
    "company": 1.0,
    "club": 1.0,
    "event": 1.0,
    "facility": 1.0,
    "topic": 0.8,
}
#: Types named inside a longer name that count as named by the text (see `_Reader._nested`).
NESTED_TYPES = frozenset({"country", "city"})
#: Types an article is about only when its title names them, the text keeps naming them
#: (TITLE_WEIGHT of name evidence) or a publisher tag does.
BACKDROP_TYPES = frozenset({"agency", "region"})
#: Evidence below this is "mentioned once in passing"; dropped when STRONG_ENOUGH tags beat it.
WEAK_EVIDENCE = 1.0
STRONG_ENOUGH = 3
#: An unknown titled name must be this prominent (in the lead, or twice) to become a tag.
NEW_PERSON_EVIDENCE = 2.0
#: ... and named at least this often (in full, or by a surname of MIN_SURNAME+ letters).
NEW_PERSON_MENTIONS = 2
MIN_SURNAME = 4
#: An entity seen only through demonyms needs this much (e.g. one in the title, three in body).
ADJECTIVE_ONLY_EVIDENCE = 1.5

#: Proclitics removed from a word that is not a name itself, longest first, with what replaces
#: them: ل + ال is written لل (للأمم → الأمم), every other clitic is simply dropped.
_CLITICS: tuple[tuple[str, str], ...] = (
    ("ولل", "ال"),
    ("فلل", "ال"),
    ("لل", "ال"),
    ("وب", ""),
    ("ول", ""),
    ("وك", ""),
    ("فب", ""),
    ("فل", ""),
    ("و", ""),
    ("ف", ""),
    ("ب", ""),
    ("ل", ""),
    ("ك", ""),
)
_MIN_BARE = 2  # letters that must remain after a clitic


@dataclass(frozen=True, slots=True)
class LearnedEntity:
    """A name the store learned (a promoted candidate, an alias added by hand ...).

    `entity_id` is set when the learned name belongs to a gazetteer entity; `tag_id` is the
    store's tag. The mapping given to `tag_article` goes from each normalised alias to it.
    """

    tag_id: int | None
    display: str
    type: str
    qid: str = ""
    entity_id: str | None = None


@dataclass(slots=True)
class TagSuggestion:
    """One tag for an article. `score` is in (0, 1], relative to the article's best tag.

    `display` is the spelling this article uses most for the tag (the product rule: a tag reads
    as the text spells it), `canonical` the vocabulary's spelling (gazetteer canonical, learned
    display). The store's key and the entity never depend on the display.
    """

    entity_id: str | None
    display: str
    type: str
    score: float
    aliases_seen: list[str] = field(default_factory=list)
    qid: str = ""
    #: normalize_for_match(canonical): the store's canonical key.
    key: str = ""
    #: The store tag of a learned name, when known.
    tag_id: int | None = None
    #: A publisher tag named it (so the step links it with origin 'publisher' too).
    from_publisher: bool = False
    #: The vocabulary's spelling; `display` when empty.
    canonical: str = ""
    #: Spellings of the tag's own name as cut from the text → times seen in this article
    #: (short forms, acronyms and demonyms are not spellings of the name: see `_spelling_skeleton`).
    spellings: dict[str, int] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Callable[..., TagSuggestion], tuple[object, ...]]:
        # Readings cross from the worker process with every article: the positional form
        # unpickles several times faster than the per-field state of a slots dataclass.
        return TagSuggestion, (
            self.entity_id,
            self.display,
            self.type,
            self.score,
            self.aliases_seen,
            self.qid,
            self.key,
            self.tag_id,
            self.from_publisher,
            self.canonical,
            self.spellings,
        )


# --- the compiled matcher --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Name:
    """What one normalised name means, compiled once (no object is built per match)."""

    key: str
    entity: Entity | None
    learned: LearnedEntity | None
    is_adjective: bool
    needs_cue: bool
    #: The tag key it accumulates under: 'e:<entity id>' or 'l:<learned display>'.
    tag_key: str


#: A word's plan: (the form that starts a name — the word or its bare form, name lengths in
#: words, longest first, what was cut off and put back: ("و", "") for وروسيا, ("لل", "ال")).
_Plan = tuple[tuple[str, tuple[int, ...], str, str], ...]
#: Words seen are remembered with their plan (most have none); cleared past this size so a
#: long-running pipeline does not grow without bound.
_PLAN_CACHE_SIZE = 300_000


class _Matcher:
    """Gazetteer + learned names compiled into first word → name lengths and name → `_Name`."""

    def __init__(self, gazetteer: Gazetteer, learned: Mapping[str, LearnedEntity]) -> None:
        self.names: dict[str, _Name] = {}
        for key in gazetteer.alias_index():
            match = gazetteer.resolve(key)
            assert match is not None
            e = match.entity
            self.names[key] = _Name(key, e, None, match.is_adjective, match.needs_cue, "e:" + e.id)
        for key, lr in learned.items():
            if key in self.names:
                continue  # the gazetteer reading wins, as it always did
            entity = gazetteer.get(lr.entity_id) if lr.entity_id else None
            if entity is not None:
                self.names[key] = _Name(key, entity, None, False, False, "e:" + entity.id)
            else:
                tag_key = "l:" + normalize_for_match(lr.display)
                self.names[key] = _Name(key, None, lr, False, False, tag_key)
        by_first: dict[str, set[int]] = {}
        for key in self.names:
            parts = key.split(" ")
            by_first.setdefault(parts[0], set()).add(len(parts))
        self.lengths = {k: tuple(sorted(v, reverse=True)) for k, v in by_first.items()}
        #: The first 2+ words of a known person's longer name → that person (one owner only).
        prefixes: dict[str, _Name | None] = {}
        for key, name in self.names.items():
            parts = key.split(" ")
            if name.entity is None or name.entity.type != "person" or name.is_adjective:
                continue
            for k in range(2, len(parts)):
                prefix = " ".join(parts[:k])
                owner = prefixes.get(prefix, name)
                same = owner is not None and owner.entity is name.entity
                prefixes[prefix] = name if same else None
        self.person_prefixes = {k: v for k, v in prefixes.items() if v is not None}
        self.plans: dict[str, _Plan] = {}
        #: The words seen whose plan is not empty.
        self.starters: set[str] = set()

    def plan(self, word: str) -> _Plan:
        """How names may start at `word`: itself first, then each bare form (cached)."""
        found = self.plans.get(word)
        if found is not None:
            return found
        options = []
        lengths = self.lengths.get(word)
        if lengths:
            options.append((word, lengths, "", ""))
        for clitic, replacement in _CLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= _MIN_BARE:
                bare = replacement + word[len(clitic) :]
                lengths = self.lengths.get(bare)
                if lengths:
                    options.append((bare, lengths, clitic, replacement))
        plan = self.plans[word] = tuple(options)
        if plan:
            self.starters.add(word)
        return plan

    def resolve_phrase(self, norm: str) -> _Name | None:
        name = self.names.get(norm)
        if name is None:
            for bare in strip_clitic_variants(norm):
                name = self.names.get(bare)
                if name is not None:
                    break
        return name


class _MatcherCache:
    """The matcher of the last (gazetteer, learned mapping) seen: the step reuses one mapping
    (and extends it when it promotes a name, hence the size check)."""

    def __init__(self) -> None:
        self.key: tuple[int, int, int] = (0, 0, -1)
        self.matcher: _Matcher | None = None

    def get(self, gazetteer: Gazetteer, learned: Mapping[str, LearnedEntity]) -> _Matcher:
        key = (id(gazetteer), id(learned), len(learned))
        if self.matcher is None or key != self.key:
            self.matcher, self.key = _Matcher(gazetteer, learned), key
            # Hold the objects so their ids are not reused by others while cached.
            self._held = (gazetteer, learned)
        return self.matcher


_matchers = _MatcherCache()
_NO_LEARNED: dict[str, LearnedEntity] = {}


@functools.lru_cache(maxsize=4)
def _countries(gazetteer: Gazetteer) -> dict[str, Entity]:
    """ISO code → the country entity."""
    return {e.country: e for e in gazetteer.entities() if e.type == "country" and e.country}


@functools.lru_cache(maxsize=4096)
def _role_words(roles: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize_for_match(r).split()) for r in roles if r.strip())


_CLITIC_LETTERS = frozenset(c for clitic, _ in _CLITICS for c in clitic[:1])


def strip_clitic_variants(word: str) -> tuple[str, ...]:
    """The bare forms of a normalised word behind each proclitic: وللامم → (الامم, للامم ...)."""
    if not word or word[0] not in _CLITIC_LETTERS:
        return ()
    return _strip_clitics(word)


@functools.lru_cache(maxsize=200_000)
def _strip_clitics(word: str) -> tuple[str, ...]:
    # Cached: news vocabulary is Zipfian, so most words come back many times.
    return tuple(
        replacement + word[len(clitic) :]
        for clitic, replacement in _CLITICS
        if word.startswith(clitic) and len(word) - len(clitic) >= _MIN_BARE
    )


# --- spellings -------------------------------------------------------------------------------

#: Letters that transliterations swap (ج/غ/ك/ق for g, ت/ط, س/ص/ث, ز/ذ/ظ, د/ض) → one letter.
_SKELETON_FOLD = str.maketrans(
    {"غ": "ج", "ك": "ج", "ق": "ج", "ط": "ت", "ص": "س", "ث": "س", "ذ": "ز", "ظ": "ز", "ض": "د"}
)
#: Vowel letters, hamza and ta marbuta come and go between spellings (أون/اون, غوتيريش/غوتيرش).
_SKELETON_DROP = str.maketrans(dict.fromkeys("اويىءه -", None))


#: normalize_for_match for names (displays, surfaces, publisher tags): the same few thousand
#: strings come back article after article, and normalising each costs ~2 µs.
_norm = functools.lru_cache(maxsize=100_000)(normalize_for_match)


@functools.lru_cache(maxsize=100_000)
def _surface_skeleton(surface: str) -> str:
    return _spelling_skeleton(_norm(surface))


@functools.lru_cache(maxsize=50_000)
def _spelling_skeleton(norm: str) -> str:
    """What two spellings of one name share: كيم جونج أون ≡ كيم جونغ أون ≡ کیم جونج-اون.

    A tag's display may follow the corpus among *spellings of its name*, never switch to another
    name of it: بوتين (a short form), الناتو (an acronym), أمريكا, واشنطن (another name) have
    another skeleton than the canonical فلاديمير بوتين, حلف شمال الأطلسي, الولايات المتحدة.
    """
    return norm.translate(_SKELETON_FOLD).translate(_SKELETON_DROP)


def _cut_clitic(surface: str, clitic: str, replacement: str) -> str:
    """The surface of a word without its proclitic: وروسيا → روسيا, للأمم → الأمم.

    Harakat and tatweel may sit between the letters (وَروسيا), so letters are counted, not
    characters."""
    if not clitic:
        return surface
    letters = 0
    for index, char in enumerate(surface):
        if char.isalpha() and not unicodedata.combining(char) and char != "\u0640":
            letters += 1
            if letters == len(clitic):
                return replacement + surface[index + 1 :].lstrip("\u0640")
    return surface


# --- evidence --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Evidence:
    """What the article says about one tag."""

    display: str
    type: str
    qid: str = ""
    entity_id: str | None = None
    tag_id: int | None = None
    names: float = 0.0
    adjectives: float = 0.0
    #: Mentions by a `~` name that wait for a cue.
    uncued: float = 0.0
    cued: bool = False
    publisher: bool = False
    first: int = 1 << 30
    aliases: dict[str, None] = field(default_factory=dict)
    #: Surface spellings of name mentions → count.
    surfaces: dict[str, int] = field(default_factory=dict)

    def total(self) -> float:
        evidence = self.names + self.adjectives + (self.uncued if self.cued else 0.0)
        return evidence + (PUBLISHER_BONUS if self.publisher else 0.0)


class _Reader:
    """Matches names in one article and accumulates `_Evidence` per tag key."""

    def __init__(self, gazetteer: Gazetteer, learned: Mapping[str, LearnedEntity]) -> None:
        self.gazetteer = gazetteer
        self.matcher = _matchers.get(gazetteer, learned)
        self.countries = _countries(gazetteer)
        self.evidence: dict[str, _Evidence] = {}
        self.position = 0

    def evidence_for(self, name: _Name) -> _Evidence:
        found = self.evidence.get(name.tag_key)
        if found is None:
            if name.entity is not None:
                e = name.entity
                found = _Evidence(e.canonical, e.type, e.qid, e.id)
            else:
                assert name.learned is not None
                lr = name.learned
                found = _Evidence(lr.display, lr.type or "person", lr.qid, None, lr.tag_id)
            self.evidence[name.tag_key] = found
        return found

    def read(self, ws: Words, weight: float) -> None:
        norms = ws.norms
        count = len(norms)
        matcher = self.matcher
        plans = matcher.plans
        names = matcher.names
        if len(plans) >= _PLAN_CACHE_SIZE:
            plans.clear()  # before this text's words are planned: they are all needed below
            matcher.starters.clear()
        # Plans for the words never seen before (a set difference, in C), then only the words
        # that can start a name are visited: ~1 word in 10 in news text.
        for word in set(norms).difference(plans):
            matcher.plan(word)
        starters = matcher.starters
        resume = 0
        for i in [k for k, word in enumerate(norms) if word in starters]:
            if i < resume:
                continue  # inside the name matched before
            for first, lengths, clitic, replacement in plans[norms[i]]:
                name = None
                for n in lengths:
                    if i + n > count:
                        continue
                    key = first if n == 1 else " ".join((first, *norms[i + 1 : i + n]))
                    name = names.get(key)
                    # A name never runs across punctuation: «مؤتمر الأطراف «كوب 28».
                    if name is not None and (n == 1 or not ws.breaks_within(i, n)):
                        break
                    name = None
                if name is not None:
                    self._record(name, ws, i, n, weight, clitic, replacement)
                    resume = i + n
                    break

    def _record(
        self, name: _Name, ws: Words, i: int, n: int, weight: float, clitic: str, replacement: str
    ) -> None:
        needs_cue = name.needs_cue
        if n == 1 and not needs_cue and name.entity is not None and is_stopword(name.key):
            # A one-word name that is also a stopword (علي) is too weak alone: it needs a cue.
            needs_cue = True
        ev = self.evidence_for(name)
        position = self.position + i
        if position < ev.first:
            ev.first = position
        if name.is_adjective:
            ev.adjectives += weight * ADJECTIVE_FACTOR
            return
        surface = ws.phrase(i, n)
        if clitic:
            surface = _cut_clitic(surface, clitic, replacement)
        ev.surfaces[surface] = ev.surfaces.get(surface, 0) + 1
        ev.aliases.setdefault(surface, None)
        if n > 1:
            self._nested(ws, i, n, weight)
        if needs_cue:
            ev.uncued += weight
            if name.entity is not None and _has_role_before(name.entity, ws.norms, i):
                ev.cued = True
            return
        ev.names += weight

    def _nested(self, ws: Words, i: int, n: int, weight: float) -> None:
        """A country named inside a longer name (البنك المركزي «المصري», معرض «القاهرة» ...)
        is named by the text too, as weakly as by a demonym. Only countries and cities: a
        continent or sea inside an event's name (دوري أبطال أفريقيا) is not what it is about."""
        names = self.matcher.names
        for k in range(i, i + n):
            for form in (ws.norms[k], *strip_clitic_variants(ws.norms[k])):
                inner = names.get(form)
                if inner is None or inner.entity is None:
                    continue
                if inner.entity.type in NESTED_TYPES and not inner.needs_cue:
                    ev = self.evidence_for(inner)
                    ev.adjectives += weight * ADJECTIVE_FACTOR
                    ev.first = min(ev.first, self.position + k)
                break

    def resolve_phrase(self, norm: str) -> _Name | None:
        return self.matcher.resolve_phrase(norm)


def _has_role_before(entity: Entity, tokens: list[str], i: int) -> bool:
    for role in _role_words(entity.roles):
        n = len(role)
        if n and i >= n and tuple(tokens[i - n : i]) == role:
            return True
        # The title word alone («الرئيس X»), with or without the role's qualifiers.
        if n and i >= 1 and tokens[i - 1] == role[0]:
            return True
    return False


# --- the article -----------------------------------------------------------------------------


#: «أوبك+»: a plus sign glued to a name is read «بلس» (أوبك بلس); words drop the sign.
_PLUS = re.compile(r"(?<=[^\W\d_])\+")
#: The word pattern of akhbar.arabic.tokens.words, for text already normalised.
_WORD = re.compile(r"[^\W_]+")


def _sections(title: str, body: str) -> list[tuple[str, float]]:
    """(text, weight): the title, the lead paragraph and the rest of the body."""
    body = body.strip()
    if "\n\n" in body:
        lead, _, rest = body.partition("\n\n")
    else:
        lead, _, rest = body.partition("\n")
    sections = [(title, TITLE_WEIGHT), (lead, LEAD_WEIGHT), (rest, BODY_WEIGHT)]
    return [(_PLUS.sub(" بلس", t) if "+" in t else t, w) for t, w in sections]


def _section_words(
    title: str, body: str, norms: tuple[str, str] | None
) -> list[tuple[Words, float]]:
    """The sections of `_sections`, each with its normalised words.

    With `norms`, the title's words are those of the normalised title, and the body's are
    split between lead and rest at the lead's word count: normalisation never acts across a
    line break (it deletes and folds characters, and unfolds a hyphen only between two
    letters), so the words of the body are the lead's followed by the rest's. Only the lead
    is normalised here, to find where it ends and to check that it does.
    """
    sections = _sections(title, body)
    if norms is None or "+" in title or "+" in body:
        # `_sections` may spell out a "+" (أوبك+): its texts are then not the ones normalised.
        return [(Words(text), weight) for text, weight in sections]
    (title_text, title_weight), (lead, lead_weight), (rest, rest_weight) = sections
    body_words = _WORD.findall(norms[1])
    lead_words = words(lead)
    if body_words[: len(lead_words)] != lead_words:
        return [(Words(text), weight) for text, weight in sections]
    return [
        (Words(title_text, _WORD.findall(norms[0])), title_weight),
        (Words(lead, lead_words), lead_weight),
        (Words(rest, body_words[len(lead_words) :]), rest_weight),
    ]


@functools.lru_cache(maxsize=100_000)
def _is_blocked(norm: str) -> bool:
    """Never a tag: empty, numbers, stopwords, weekdays and months (all in the stopword list)."""
    parts = norm.split()
    if not parts or all(p.isdigit() for p in parts):
        return True
    return all(is_stopword(p) or p.isdigit() for p in parts)


def _is_section_label(norm: str, sections: Sequence[Words]) -> bool:
    """«سياسة», «علوم وفضاء», «شؤون إنسانية»: an outlet's section, not what the article is about.

    Such labels are indefinite common nouns and rarely appear as such in the text (which says
    «السياسة», «الطاقة»). A name (جوهانسبرغ) is indefinite too, but the article uses it.
    """
    if any(word.startswith("ال") for word in norm.split()):
        return False
    return all(f" {norm} " not in " " + " ".join(ws.norms) + " " for ws in sections)


def _without_title(norm: str) -> str:
    """A publisher tag without the title words in front: «الرئيس السيسي» → «السيسي»,
    «ولي العهد» → "" (a title alone names nobody for sure)."""
    parts = norm.split()
    k = 0
    while k < len(parts) and (parts[k] in TITLE_WORDS or (k and parts[k] in TITLE_LINKS)):
        k += 1
    # A definite word right after the title is still the title («ولي العهد», «الرئيس الروسي»)
    # when nothing follows it.
    if 0 < k == len(parts) - 1 and parts[k].startswith("ال") and len(parts) == 2:
        return ""
    return " ".join(parts[k:])


def _apply_publisher_tags(
    reader: _Reader, publisher_tags: Sequence[str], sections: Sequence[Words]
) -> None:
    for position, tag in enumerate(publisher_tags):
        norm = _norm(tag)
        if _is_blocked(norm):
            continue
        name = reader.resolve_phrase(norm)
        if name is None:
            bare = _without_title(norm)
            if bare != norm:
                if not bare:
                    continue  # «ولي العهد»: the text's own names say who is meant
                name = reader.resolve_phrase(bare)
                if name is None or name.entity is None or name.entity.type != "person":
                    name = None
        if name is None and _is_section_label(norm, sections):
            continue
        if name is None or name.is_adjective:
            key = "t:" + norm
            ev = reader.evidence.get(key)
            if ev is None:
                ev = reader.evidence[key] = _Evidence(tag.strip(), "topic")
            ev.publisher, ev.first = True, min(ev.first, -1000 + position)
            ev.aliases.setdefault(tag.strip(), None)
            continue
        ev = reader.evidence_for(name)
        ev.publisher = ev.cued = True
        ev.aliases.setdefault(tag.strip(), None)


def _known_person(reader: _Reader, norm: str) -> _Name | None:
    """The known person a candidate name starts with or ends on: «محمد بن سلمان أعمال» (a
    headline runs the name into the next word), «الرئيس X بوتين» (the surname alone)."""
    parts = norm.split()
    full = reader.matcher.person_prefixes.get(norm)
    if full is not None:
        return full  # «حمد بن عيسى»: the start of a longer known name (… آل خليفة)
    for n in range(len(parts) - 1, 0, -1):
        name = reader.resolve_phrase(" ".join(parts[:n]))
        if name is not None and name.entity is not None and name.entity.type == "person":
            return name
    name = reader.resolve_phrase(parts[-1])
    if name is not None and name.entity is not None and name.entity.type == "person":
        return name
    return None


def _apply_candidates(
    reader: _Reader, candidates: list[Candidate], sections: list[tuple[Words, float]]
) -> list[Candidate]:
    """A titled name cues the entity it names; an unknown one may become a new person.
    Returns the unknown ones that look like names (what the store counts to learn)."""
    unknown = []
    for candidate in candidates:
        name = reader.resolve_phrase(candidate.name_norm)
        if name is None:
            name = _known_person(reader, candidate.name_norm)
        if name is not None:
            reader.evidence_for(name).cued = True
            continue
        if not _is_blocked(candidate.name_norm) and looks_like_new_name(candidate):
            unknown.append(candidate)
            _add_new_person(reader, candidate, sections)
    return unknown


def _add_new_person(
    reader: _Reader, candidate: Candidate, sections: list[tuple[Words, float]]
) -> None:
    name = candidate.name_norm.split()
    n = len(name)
    # The surname alone also names the person («وأوضح الجلاجل»), when it is a real word.
    surname = name[-1] if len(name[-1]) >= MIN_SURNAME and not is_stopword(name[-1]) else None
    weight, first, mentions = 0.0, 1 << 30, 0
    in_text = False
    offset = 0
    for ws, section_weight in sections:
        tokens = ws.norms
        i = 0
        while i < len(tokens):
            if tokens[i] == name[0] and tokens[i : i + n] == name:
                found = n
                in_text = in_text or section_weight != TITLE_WEIGHT
            elif tokens[i] == surname:
                found = 1
            else:
                i += 1
                continue
            weight += section_weight
            mentions += 1
            first = min(first, offset + i)
            i += found
        offset += len(tokens)
    # A headline has no punctuation to end a name («ولي العهد يفتتح القمة»): a new person must
    # be named in full in the body, where commas and full stops cut the name right. And once
    # is not enough: a phrase the pattern misread («لاستضافة نهائيات كأس») is not repeated,
    # while an article about a person keeps naming them.
    if weight < NEW_PERSON_EVIDENCE or not in_text or mentions < NEW_PERSON_MENTIONS:
        return
    key = "p:" + candidate.name_norm
    ev = reader.evidence[key] = _Evidence(
        candidate.name_display, "person", names=weight, first=first, cued=True
    )
    ev.aliases[candidate.name_display] = None
    ev.surfaces[candidate.name_display] = 1


def _is_kept(ev: _Evidence) -> bool:
    if ev.entity_id is None and ev.tag_id is None and ev.type != "topic" and ev.names <= 0:
        return False
    if ev.publisher:
        return True
    if ev.names <= 0 and not (ev.cued and ev.uncued > 0):
        return ev.adjectives >= ADJECTIVE_ONLY_EVIDENCE
    # A news agency named outside the title is cited as a source, not reported on; a region
    # (continent, sea, province) named once or twice in the body is the backdrop of the news.
    return ev.type not in BACKDROP_TYPES or ev.names >= TITLE_WEIGHT


def _spellings(ev: _Evidence) -> dict[str, int]:
    """The surfaces that spell the tag's own name (see `_spelling_skeleton`)."""
    target = _surface_skeleton(ev.display)
    return {
        surface: count
        for surface, count in ev.surfaces.items()
        if _surface_skeleton(surface) == target
    }


def preferred_spelling(spellings: Mapping[str, int], canonical: str, current: str = "") -> str:
    """The most seen spelling; a tie goes to the canonical, then to the current display, then
    to the spelling seen first (mapping order). `canonical` when nothing was seen."""
    if not spellings:
        return current or canonical
    best = max(spellings.values())
    tied = [s for s, c in spellings.items() if c == best]
    for preferred in (canonical, current):
        if preferred in tied:
            return preferred
    return tied[0]


def _rank(reader: _Reader, max_tags: int) -> list[TagSuggestion]:
    kept = [ev for ev in reader.evidence.values() if _is_kept(ev) and ev.total() > 0]
    scored = sorted(
        ((ev.total() * TYPE_PRIOR.get(ev.type, 1.0), ev) for ev in kept),
        key=lambda pair: (-pair[0], pair[1].first),
    )
    strong = sum(1 for raw, ev in scored if ev.total() > WEAK_EVIDENCE)
    if strong >= STRONG_ENOUGH:
        scored = [(raw, ev) for raw, ev in scored if ev.total() > WEAK_EVIDENCE]
    scored = [(raw, ev) for raw, ev in scored if not _is_blocked(_norm(ev.display))]
    scored = scored[:max_tags]
    top = scored[0][0] if scored else 1.0
    tags = []
    for raw, ev in scored:
        spellings = _spellings(ev) if ev.type != "topic" else {}
        tags.append(
            TagSuggestion(
                entity_id=ev.entity_id,
                display=preferred_spelling(spellings, ev.display),
                type=ev.type,
                score=round(raw / top, 3),
                aliases_seen=list(ev.aliases),
                qid=ev.qid,
                key=_norm(ev.display),
                tag_id=ev.tag_id,
                from_publisher=ev.publisher,
                canonical=ev.display,
                spellings=spellings,
            )
        )
    return tags


@dataclass(slots=True)
class TagResult:
    """`tag_article`'s tags plus what the pipeline learns from: the titled names found, and
    those of them no vocabulary knows (candidates for new person tags)."""

    tags: list[TagSuggestion]
    candidates: list[Candidate]
    new_names: list[Candidate]

    def __reduce__(self) -> tuple[type[TagResult], tuple[object, ...]]:
        return TagResult, (self.tags, self.candidates, self.new_names)  # see TagSuggestion's


def analyze_article(
    title: str,
    body: str,
    *,
    publisher_tags: Sequence[str],
    gazetteer: Gazetteer,
    learned: Mapping[str, LearnedEntity] | None = None,
    max_tags: int = 8,
    keyphrases: int = 0,
    norms: tuple[str, str] | None = None,
) -> TagResult:
    """`tag_article` with the name candidates it saw (see TagResult). `norms`: the title and
    body as `normalize_for_match` made them, when the caller has them (the pipeline does):
    most of the text is then not normalised again."""
    reader = _Reader(gazetteer, learned if learned else _NO_LEARNED)
    # Each text is normalised and split once; the candidate scan reads the same words.
    sections = _section_words(title, body, norms)
    for ws, weight in sections:
        reader.read(ws, weight)
        reader.position += len(ws)
    texts = [ws for ws, _ in sections]
    _apply_publisher_tags(reader, publisher_tags, texts)
    candidates = candidates_in(texts, gazetteer)
    new_names = _apply_candidates(reader, candidates, sections)
    tags = _rank(reader, max_tags)
    if keyphrases > 0:
        tags.extend(_keyphrase_tags(title, body, tags, keyphrases))
    return TagResult(tags, candidates, new_names)


def _keyphrase_tags(
    title: str, body: str, tags: list[TagSuggestion], limit: int
) -> list[TagSuggestion]:
    # Imported here: yake (and numpy under it) load only when keyphrases are asked for.
    from akhbar.enrich.keyphrases import topic_keyphrases

    covered = {t.key for t in tags} | {normalize_for_match(a) for t in tags for a in t.aliases_seen}
    return [
        TagSuggestion(None, phrase.display, "topic", phrase.score, [phrase.display], "", phrase.key)
        for phrase in topic_keyphrases(title, body, limit=limit, covered=covered)
    ]


def tag_article(
    title: str,
    body: str,
    *,
    publisher_tags: Sequence[str],
    gazetteer: Gazetteer,
    learned: Mapping[str, LearnedEntity] | None = None,
    max_tags: int = 8,
    keyphrases: int = 0,
) -> list[TagSuggestion]:
    """The article's tags, best first: entities, new titled persons and publisher topics (at
    most `max_tags`), then up to `keyphrases` yake topic phrases (about 25 ms an article, 40x
    the rest of tagging, so off unless asked for)."""
    return analyze_article(
        title,
        body,
        publisher_tags=publisher_tags,
        gazetteer=gazetteer,
        learned=learned,
        max_tags=max_tags,
        keyphrases=keyphrases,
    ).tags
