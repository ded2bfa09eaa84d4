"""The entity knowledge akhbar ships: people, countries, cities, organisations and their names.

Three sources make one `Gazetteer`:

* every ISO country from Babel's CLDR (`build_countries`), merged with the curated country
  rows of `data/entities.tsv` (news spelling as canonical, more aliases, demonyms);
* `data/capitals.tsv`: each country's capital, as a city entity;
* the rest of `data/entities.tsv`: people, cities, regions, organisations, groups, agencies,
  companies and clubs.

Lookups take text already passed through `normalize_for_match`, so the data lists only the
variants the normaliser does not fold (ج/غ/ك in transliterations, with or without a first
name or ال), never hamza or alef variants.

Two marks in the data:

* `~name` (aliases): a name that is also an ordinary word (القاعدة "the base", الشباب
  "the youth"); `resolve()` reports `needs_cue` so a tagger accepts it only after a title
  or context cue. Listing `~` + the canonical name demotes the canonical name the same way.
* adjectives are nisba stems ("روسي", "كوري شمالي") that the loader inflects into
  definite/indefinite × masculine/feminine/plural forms; `=form` is taken literally (broken
  plurals such as الروس, or a stem whose bare form is a first name, like تركي).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from importlib import resources
from typing import NamedTuple

from akhbar.arabic import normalize_for_match
from akhbar.enrich.build_countries import babel_countries
from akhbar.errors import FormatError

#: event and facility: the named events, facilities and projects news follows as topics
#: (كأس آسيا، معرض القاهرة الدولي للكتاب، محطة الفضاء الدولية، مترو الرياض).
ENTITY_TYPES = frozenset(
    {
        "person",
        "country",
        "city",
        "region",
        "org",
        "group",
        "agency",
        "company",
        "club",
        "event",
        "facility",
    }
)
ENTITY_COLUMNS = ("id", "type", "canonical", "aliases", "adjectives", "qid", "country", "roles")
CAPITAL_COLUMNS = ("country", "id", "canonical", "aliases", "qid")
CUE_MARK = "~"
LITERAL_MARK = "="

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_QID = re.compile(r"Q[1-9][0-9]*")
_ISO = re.compile(r"[A-Z]{2}")
#: Nisba inflection: (suffix, is the form definite?). رُوسي → روسي روسية روسيون روسيين, each
#: also with ال. Duals and feminine plurals are rare in news and left out.
_NISBA_FORMS = tuple(
    (suffix, definite) for definite in (False, True) for suffix in ("", "ة", "ون", "ين")
)


@dataclass(frozen=True, slots=True)
class Entity:
    """One thing the news names. `aliases` keep their `~` marks; `adjectives` are inflected."""

    id: str
    type: str
    canonical: str
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]
    qid: str
    country: str
    roles: tuple[str, ...]


class AliasMatch(NamedTuple):
    entity: Entity
    #: The phrase is a demonym or adjective (الروسية): weaker evidence than a name.
    is_adjective: bool
    #: The phrase is also an ordinary word: accept it only with a title or context cue.
    needs_cue: bool


class _Candidate(NamedTuple):
    entity_id: str
    is_adjective: bool
    needs_cue: bool


class Gazetteer:
    """Normalised name → entity. Names shared by two entities belong to neither."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self._entities: dict[str, Entity] = {}
        for entity in entities:
            if entity.id in self._entities:
                raise ValueError(f"duplicate entity id: {entity.id}")
            self._entities[entity.id] = entity
        candidates: dict[str, dict[str, _Candidate]] = {}
        for entity in self._entities.values():
            for key, candidate in _candidates(entity):
                per_entity = candidates.setdefault(key, {})
                per_entity[entity.id] = _merge(per_entity.get(entity.id), candidate)
        self._index: dict[str, _Candidate] = {}
        self._ambiguous: dict[str, tuple[str, ...]] = {}
        for key, per_entity in candidates.items():
            winner = self._pick(per_entity)
            if winner is None:
                self._ambiguous[key] = tuple(sorted(per_entity))
            else:
                self._index[key] = winner
        self.max_alias_words: int = max((len(k.split()) for k in self._index), default=0)

    def _pick(self, per_entity: dict[str, _Candidate]) -> _Candidate | None:
        if len(per_entity) == 1:
            return next(iter(per_entity.values()))
        # A country and its namesake capital (الكويت, جيبوتي, تونس, الجزائر): the country is
        # what a news text means far more often, and the city keeps a longer canonical name.
        types = [self._entities[entity_id].type for entity_id in per_entity]
        if types.count("country") == 1 and types.count("city") == len(types) - 1:
            return next(
                c for c in per_entity.values() if self._entities[c.entity_id].type == "country"
            )
        return None

    def resolve(self, norm_phrase: str) -> AliasMatch | None:
        """The entity a normalised phrase names, with how strong the evidence is."""
        candidate = self._index.get(norm_phrase)
        if candidate is None:
            return None
        entity = self._entities[candidate.entity_id]
        return AliasMatch(entity, candidate.is_adjective, candidate.needs_cue)

    def lookup(self, norm_phrase: str) -> Entity | None:
        """The entity a normalised name, alias or adjective names; `resolve` adds the flags."""
        candidate = self._index.get(norm_phrase)
        return None if candidate is None else self._entities[candidate.entity_id]

    def get(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    def entities(self) -> list[Entity]:
        return list(self._entities.values())

    def alias_index(self) -> dict[str, tuple[str, bool]]:
        """Normalised alias → (entity id, is_adjective), for every unambiguous alias."""
        return {key: (c.entity_id, c.is_adjective) for key, c in self._index.items()}

    def cued_aliases(self) -> frozenset[str]:
        """Normalised aliases that need a title or context cue (`~` in the data)."""
        return frozenset(key for key, c in self._index.items() if c.needs_cue)

    def ambiguous_aliases(self) -> dict[str, tuple[str, ...]]:
        """Normalised aliases dropped because several entities claim them → their ids."""
        return dict(self._ambiguous)


def _candidates(entity: Entity) -> Iterator[tuple[str, _Candidate]]:
    cued = {normalize_for_match(a[1:]) for a in entity.aliases if a.startswith(CUE_MARK)}
    for name in (entity.canonical, *entity.aliases):
        key = normalize_for_match(name.removeprefix(CUE_MARK))
        if key:
            yield key, _Candidate(entity.id, False, key in cued)
    for adjective in entity.adjectives:
        key = normalize_for_match(adjective)
        if key:
            yield key, _Candidate(entity.id, True, False)


def _merge(old: _Candidate | None, new: _Candidate) -> _Candidate:
    # Within one entity the strongest reading wins: a name beats an adjective, an unmarked
    # name beats a `~` one (السعودية is the country's name and also a feminine adjective).
    if old is None:
        return new
    return _Candidate(
        new.entity_id,
        old.is_adjective and new.is_adjective,
        old.needs_cue and new.needs_cue,
    )


# --- reading the packaged data -----------------------------------------------------------------


def inflect_nisba(stem: str) -> tuple[str, ...]:
    """ "كوري شمالي" → كوري شمالي, كورية شمالية, ... الكوريين الشماليين (8 forms).

    Every word of a multi-word stem takes the same suffix and article, as Arabic agreement
    requires. A stem must end each word in ي; `=form` entries skip inflection.
    """
    if stem.startswith(LITERAL_MARK):
        return (stem[1:],)
    words = stem.split()
    if not words or any(not w.endswith("ي") or w.startswith("ال") for w in words):
        raise ValueError(f"not a nisba stem (indefinite, every word ending in ي): {stem!r}")
    return tuple(
        " ".join(("ال" if definite else "") + w + suffix for w in words)
        for suffix, definite in _NISBA_FORMS
    )


def _split(field: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in field.split("|") if part.strip()))


def _rows(text: str, path: str, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """Data rows of a TSV with a header; `#` lines and blank lines are skipped."""
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != columns:
                raise FormatError(f"header must be {'<TAB>'.join(columns)}", path=path, line=number)
            header_seen = True
            continue
        if len(cells) > len(columns):
            raise FormatError(f"{len(cells)} cells, at most {len(columns)}", path=path, line=number)
        yield number, [c.strip() for c in cells] + [""] * (len(columns) - len(cells))


def _check(ok: bool, message: str, path: str, line: int) -> None:
    if not ok:
        raise FormatError(message, path=path, line=line)


def parse_entities(text: str, path: str = "entities.tsv") -> list[Entity]:
    """Curated rows: id, type, canonical, aliases, adjectives, qid, country, roles."""
    entities = []
    for line, (id_, type_, canonical, aliases, adjectives, qid, country, roles) in _rows(
        text, path, ENTITY_COLUMNS
    ):
        _check(bool(_ID.fullmatch(id_)), f"bad id {id_!r}", path, line)
        _check(type_ in ENTITY_TYPES, f"unknown type {type_!r}", path, line)
        _check(bool(canonical) and not canonical.startswith(CUE_MARK), "bad canonical", path, line)
        _check(not qid or bool(_QID.fullmatch(qid)), f"bad QID {qid!r}", path, line)
        _check(not country or bool(_ISO.fullmatch(country)), f"bad country {country!r}", path, line)
        _check(type_ != "country" or bool(country), "a country row needs its ISO code", path, line)
        try:
            forms = tuple(f for stem in _split(adjectives) for f in inflect_nisba(stem))
        except ValueError as error:
            raise FormatError(str(error), path=path, line=line) from None
        entities.append(
            Entity(
                id_,
                type_,
                canonical,
                _split(aliases),
                tuple(dict.fromkeys(forms)),
                qid,
                country,
                _split(roles),
            )
        )
    return entities


def parse_capitals(text: str, path: str = "capitals.tsv") -> list[Entity]:
    """Capital rows: country (ISO codes, `|` when disputed), id, canonical, aliases, qid."""
    cities = []
    for line, (countries, id_, canonical, aliases, qid) in _rows(text, path, CAPITAL_COLUMNS):
        codes = _split(countries)
        _check(bool(codes) and all(_ISO.fullmatch(c) for c in codes), "bad country", path, line)
        _check(bool(_ID.fullmatch(id_)), f"bad id {id_!r}", path, line)
        _check(bool(canonical), "empty canonical", path, line)
        _check(not qid or bool(_QID.fullmatch(qid)), f"bad QID {qid!r}", path, line)
        # A city two states call their capital is tied to neither in the data.
        country = codes[0] if len(codes) == 1 else ""
        cities.append(Entity(id_, "city", canonical, _split(aliases), (), qid, country, ()))
    return cities


def merge_countries(curated: list[Entity]) -> list[Entity]:
    """Every CLDR country, with the curated country row (same ISO code) laid over it."""
    by_code = {e.country: e for e in curated}
    countries = []
    for babel in babel_countries():
        row = by_code.pop(babel.code, None)
        if row is None:
            countries.append(
                Entity(babel.slug, "country", babel.display, babel.variants, (), "", babel.code, ())
            )
        else:
            aliases = tuple(dict.fromkeys((*row.aliases, *babel.variants)))
            countries.append(replace(row, aliases=aliases))
    if by_code:
        raise FormatError(f"country rows with codes CLDR does not know: {sorted(by_code)}")
    return countries


def _read(name: str) -> str:
    return resources.files("akhbar.enrich").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The packaged gazetteer, built once per process (~0.1 s)."""
    curated = parse_entities(_read("entities.tsv"))
    countries = merge_countries([e for e in curated if e.type == "country"])
    others = [e for e in curated if e.type != "country"]
    return Gazetteer([*countries, *parse_capitals(_read("capitals.tsv")), *others])
