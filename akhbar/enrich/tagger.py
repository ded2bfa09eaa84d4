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
   stronger tags exist; stopwords, weekdays and months are never tags.

Pure and fast: the gazetteer is compiled once into first word → name lengths, so most words
cost one dict lookup (see benchmarks/bench_tags.py).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.stopwords import is_stopword
from akhbar.arabic.tokens import words
from akhbar.enrich.candidates import Candidate, find_name_candidates
from akhbar.enrich.gazetteer import Entity, Gazetteer

__all__ = [
    "LearnedEntity",
    "TagResult",
    "TagSuggestion",
    "analyze_article",
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
    "topic": 0.8,
}
#: Evidence below this is "mentioned once in passing"; dropped when STRONG_ENOUGH tags beat it.
WEAK_EVIDENCE = 1.0
STRONG_ENOUGH = 3
#: An unknown titled name must be this prominent (in the lead, or twice) to become a tag.
NEW_PERSON_EVIDENCE = 2.0
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
    """One tag for an article. `score` is in (0, 1], relative to the article's best tag."""

    entity_id: str | None
    display: str
    type: str
    score: float
    aliases_seen: list[str] = field(default_factory=list)
    qid: str = ""
    #: normalize_for_match(display): the store's canonical key.
    key: str = ""
    #: The store tag of a learned name, when known.
    tag_id: int | None = None
    #: A publisher tag named it (so the step links it with origin 'publisher' too).
    from_publisher: bool = False


# --- the compiled index ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    """First word of a name → the word counts of the names starting with it, longest first."""

    lengths: dict[str, tuple[int, ...]]


def _compile(keys: Sequence[str]) -> _Index:
    by_first: dict[str, set[int]] = {}
    for key in keys:
        parts = key.split()
        if parts:
            by_first.setdefault(parts[0], set()).add(len(parts))
    return _Index({k: tuple(sorted(v, reverse=True)) for k, v in by_first.items()})


@functools.lru_cache(maxsize=4)
def _gazetteer_index(gazetteer: Gazetteer) -> _Index:
    return _compile(list(gazetteer.alias_index()))


@functools.lru_cache(maxsize=4)
def _alias_spellings(gazetteer: Gazetteer) -> dict[str, str]:
    """Normalised name → its spelling in the gazetteer data (for `aliases_seen`)."""
    spellings: dict[str, str] = {}
    for entity in gazetteer.entities():
        for name in (entity.canonical, *entity.aliases):
            name = name.removeprefix("~")
            spellings.setdefault(normalize_for_match(name), name)
    return spellings


@functools.lru_cache(maxsize=4)
def _countries(gazetteer: Gazetteer) -> dict[str, Entity]:
    """ISO code → the country entity."""
    return {e.country: e for e in gazetteer.entities() if e.type == "country" and e.country}


@functools.lru_cache(maxsize=4096)
def _role_words(roles: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(normalize_for_match(r).split()) for r in roles if r.strip())


class _LearnedCache:
    """The compiled index of the last learned mapping seen (the step reuses one mapping)."""

    def __init__(self) -> None:
        self.source: Mapping[str, LearnedEntity] | None = None
        self.size = -1
        self.index = _Index({})

    def get(self, learned: Mapping[str, LearnedEntity]) -> _Index:
        if learned is not self.source or len(learned) != self.size:
            self.source, self.size, self.index = learned, len(learned), _compile(list(learned))
        return self.index


_learned_cache = _LearnedCache()


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

    def total(self) -> float:
        evidence = self.names + self.adjectives + (self.uncued if self.cued else 0.0)
        return evidence + (PUBLISHER_BONUS if self.publisher else 0.0)


@dataclass(frozen=True, slots=True)
class _Hit:
    key: str
    entity: Entity | None
    learned: LearnedEntity | None
    is_adjective: bool
    needs_cue: bool
    length: int


class _Reader:
    """Matches names in one article and accumulates `_Evidence` per tag key."""

    def __init__(self, gazetteer: Gazetteer, learned: Mapping[str, LearnedEntity]) -> None:
        self.gazetteer = gazetteer
        self.learned = learned
        self.index = _gazetteer_index(gazetteer)
        self.learned_index = _learned_cache.get(learned) if learned else _Index({})
        self.spellings = _alias_spellings(gazetteer)
        self.countries = _countries(gazetteer)
        self.evidence: dict[str, _Evidence] = {}
        self.position = 0

    # matching

    def _resolve(self, key: str, length: int) -> _Hit | None:
        match = self.gazetteer.resolve(key)
        if match is not None:
            return _Hit(key, match.entity, None, match.is_adjective, match.needs_cue, length)
        learned = self.learned.get(key)
        if learned is not None:
            entity = self.gazetteer.get(learned.entity_id) if learned.entity_id else None
            return _Hit(key, entity, None if entity else learned, False, False, length)
        return None

    def _longest(self, first: str, tokens: list[str], i: int) -> _Hit | None:
        """The longest name whose first word is `first` (tokens[i] or its bare form)."""
        lengths = self.index.lengths.get(first, ())
        extra = self.learned_index.lengths.get(first, ())
        if extra:
            lengths = tuple(sorted({*lengths, *extra}, reverse=True))
        for n in lengths:
            if i + n > len(tokens):
                continue
            key = first if n == 1 else first + " " + " ".join(tokens[i + 1 : i + n])
            hit = self._resolve(key, n)
            if hit is not None:
                return hit
        return None

    def match_at(self, tokens: list[str], i: int) -> _Hit | None:
        """The longest name starting at word i, trying the word bare of clitics second."""
        hit = self._longest(tokens[i], tokens, i)
        if hit is not None:
            return hit
        for bare in strip_clitic_variants(tokens[i]):
            hit = self._longest(bare, tokens, i)
            if hit is not None:
                return hit
        return None

    # accumulating

    def tag_key(self, hit: _Hit) -> str:
        if hit.entity is not None:
            return "e:" + hit.entity.id
        assert hit.learned is not None
        return "l:" + normalize_for_match(hit.learned.display)

    def evidence_for(self, hit: _Hit) -> _Evidence:
        key = self.tag_key(hit)
        found = self.evidence.get(key)
        if found is None:
            if hit.entity is not None:
                e = hit.entity
                found = _Evidence(e.canonical, e.type, e.qid, e.id)
            else:
                assert hit.learned is not None
                lr = hit.learned
                found = _Evidence(lr.display, lr.type or "person", lr.qid, None, lr.tag_id)
            self.evidence[key] = found
        return found

    def read(self, tokens: list[str], weight: float) -> None:
        i = 0
        while i < len(tokens):
            hit = self.match_at(tokens, i)
            if hit is None:
                i += 1
                continue
            self._record(hit, tokens, i, weight)
            i += hit.length

    def _record(self, hit: _Hit, tokens: list[str], i: int, weight: float) -> None:
        if hit.length == 1 and not hit.needs_cue and hit.entity and is_stopword(hit.key):
            # A one-word name that is also a stopword (علي) is too weak alone: it needs a cue.
            hit = _Hit(hit.key, hit.entity, None, hit.is_adjective, True, 1)
        ev = self.evidence_for(hit)
        ev.first = min(ev.first, self.position + i)
        if hit.is_adjective:
            ev.adjectives += weight * ADJECTIVE_FACTOR
            return
        ev.aliases.setdefault(self.spellings.get(hit.key, hit.key), None)
        entity = hit.entity
        if entity is not None and entity.type == "city" and not hit.needs_cue:
            country = self.countries.get(entity.country)
            if country is not None:
                home = self.evidence_for(_Hit(country.id, country, None, True, False, 0))
                home.adjectives += weight * CITY_COUNTRY_FACTOR
                home.first = min(home.first, self.position + i)
        if hit.needs_cue:
            ev.uncued += weight
            if hit.entity is not None and _has_role_before(hit.entity, tokens, i):
                ev.cued = True
            return
        ev.names += weight

    def resolve_phrase(self, norm: str) -> _Hit | None:
        hit = self._resolve(norm, len(norm.split()))
        if hit is None:
            for bare in strip_clitic_variants(norm):
                hit = self._resolve(bare, len(bare.split()))
                if hit is not None:
                    break
        return hit


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


def _sections(title: str, body: str) -> list[tuple[str, float]]:
    """(text, weight): the title, the lead paragraph and the rest of the body."""
    body = body.strip()
    if "\n\n" in body:
        lead, _, rest = body.partition("\n\n")
    else:
        lead, _, rest = body.partition("\n")
    return [(title, TITLE_WEIGHT), (lead, LEAD_WEIGHT), (rest, BODY_WEIGHT)]


def _is_blocked(norm: str) -> bool:
    """Never a tag: empty, numbers, stopwords, weekdays and months (all in the stopword list)."""
    parts = norm.split()
    if not parts or all(p.isdigit() for p in parts):
        return True
    return all(is_stopword(p) or p.isdigit() for p in parts)


def _is_section_label(norm: str, text: str) -> bool:
    """«سياسة», «علوم وفضاء», «شؤون إنسانية»: an outlet's section, not what the article is about.

    Such labels are indefinite common nouns and rarely appear as such in the text (which says
    «السياسة», «الطاقة»). A name (جوهانسبرغ) is indefinite too, but the article uses it.
    """
    if any(word.startswith("ال") for word in norm.split()):
        return False
    return f" {norm} " not in text


def _apply_publisher_tags(reader: _Reader, publisher_tags: Sequence[str], text: str) -> None:
    for position, tag in enumerate(publisher_tags):
        norm = normalize_for_match(tag)
        if _is_blocked(norm):
            continue
        hit = reader.resolve_phrase(norm)
        if hit is None and _is_section_label(norm, text):
            continue
        if hit is None or hit.is_adjective:
            key = "t:" + norm
            ev = reader.evidence.get(key)
            if ev is None:
                ev = reader.evidence[key] = _Evidence(tag.strip(), "topic")
            ev.publisher, ev.first = True, min(ev.first, -1000 + position)
            ev.aliases.setdefault(tag.strip(), None)
            continue
        ev = reader.evidence_for(hit)
        ev.publisher = ev.cued = True
        ev.aliases.setdefault(tag.strip(), None)


def _apply_candidates(
    reader: _Reader, candidates: list[Candidate], sections: list[tuple[list[str], float]]
) -> list[Candidate]:
    """A titled name cues the entity it names; an unknown one may become a new person.
    Returns the unknown ones."""
    unknown = []
    for candidate in candidates:
        hit = reader.resolve_phrase(candidate.name_norm)
        if hit is None:
            # «الرئيس X بوتين»: the name's last word alone may be the known surname.
            last = candidate.name_norm.split()[-1]
            hit = reader.resolve_phrase(last)
            if hit is not None and (hit.entity is None or hit.entity.type != "person"):
                hit = None
        if hit is not None:
            ev = reader.evidence_for(hit)
            ev.cued = True
            continue
        if not _is_blocked(candidate.name_norm):
            unknown.append(candidate)
            _add_new_person(reader, candidate, sections)
    return unknown


def _add_new_person(
    reader: _Reader, candidate: Candidate, sections: list[tuple[list[str], float]]
) -> None:
    name = candidate.name_norm.split()
    if _is_blocked(candidate.name_norm):
        return
    weight, first = 0.0, 1 << 30
    offset = 0
    for tokens, section_weight in sections:
        n = len(name)
        for i in range(len(tokens) - n + 1):
            if tokens[i : i + n] == name:
                weight += section_weight
                first = min(first, offset + i)
        offset += len(tokens)
    if weight < NEW_PERSON_EVIDENCE:
        return
    key = "p:" + candidate.name_norm
    reader.evidence[key] = _Evidence(
        candidate.name_display, "person", names=weight, first=first, cued=True
    )
    reader.evidence[key].aliases[candidate.name_display] = None


def _is_kept(ev: _Evidence) -> bool:
    if ev.entity_id is None and ev.tag_id is None and ev.type != "topic" and ev.names <= 0:
        return False
    if ev.publisher:
        return True
    if ev.names <= 0 and not (ev.cued and ev.uncued > 0):
        return ev.adjectives >= ADJECTIVE_ONLY_EVIDENCE
    # A news agency named outside the title is cited as a source, not reported on.
    return ev.type != "agency" or ev.names >= TITLE_WEIGHT


def _rank(reader: _Reader, max_tags: int) -> list[TagSuggestion]:
    kept = [ev for ev in reader.evidence.values() if _is_kept(ev) and ev.total() > 0]
    scored = sorted(
        ((ev.total() * TYPE_PRIOR.get(ev.type, 1.0), ev) for ev in kept),
        key=lambda pair: (-pair[0], pair[1].first),
    )
    strong = sum(1 for raw, ev in scored if ev.total() > WEAK_EVIDENCE)
    if strong >= STRONG_ENOUGH:
        scored = [(raw, ev) for raw, ev in scored if ev.total() > WEAK_EVIDENCE]
    scored = [(raw, ev) for raw, ev in scored if not _is_blocked(normalize_for_match(ev.display))]
    scored = scored[:max_tags]
    top = scored[0][0] if scored else 1.0
    return [
        TagSuggestion(
            entity_id=ev.entity_id,
            display=ev.display,
            type=ev.type,
            score=round(raw / top, 3),
            aliases_seen=list(ev.aliases),
            qid=ev.qid,
            key=normalize_for_match(ev.display),
            tag_id=ev.tag_id,
            from_publisher=ev.publisher,
        )
        for raw, ev in scored
    ]


@dataclass(slots=True)
class TagResult:
    """`tag_article`'s tags plus what the pipeline learns from: the titled names found, and
    those of them no vocabulary knows (candidates for new person tags)."""

    tags: list[TagSuggestion]
    candidates: list[Candidate]
    new_names: list[Candidate]


def analyze_article(
    title: str,
    body: str,
    *,
    publisher_tags: Sequence[str],
    gazetteer: Gazetteer,
    learned: Mapping[str, LearnedEntity] | None = None,
    max_tags: int = 8,
    keyphrases: int = 0,
) -> TagResult:
    """`tag_article` with the name candidates it saw (see TagResult)."""
    reader = _Reader(gazetteer, learned or {})
    sections = [(words(text), weight) for text, weight in _sections(title, body)]
    for tokens, weight in sections:
        reader.read(tokens, weight)
        reader.position += len(tokens)
    text = " " + " ".join(" ".join(tokens) for tokens, _ in sections) + " "
    _apply_publisher_tags(reader, publisher_tags, text)
    candidates = find_name_candidates(title, body, gazetteer=gazetteer)
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
