"""The search query language: a small hand-written parser → an AST → tantivy Query objects.

    كيم يونغ أون            words, in any inflection: all of one or two, all but one in three
                            of more; a name also matches its other spellings (names.py)
    "قطاع غزة"              a phrase: the words in this order; one quoted word = that exact form
    هدنة OR تهدئة           either side (also `|`)
    -كرة  -"كأس العالم"     exclude a word or a phrase
    source:الجزيرة نت  tag:"كوريا الشمالية"  from:2024-03-01  to:"١٥ مارس ٢٠٢٤"
                            filters (also مصدر: وسم: من: إلى:); they do not change the score

We build tantivy Query objects with its Query API and never concatenate tantivy's own query
syntax: user text then cannot inject operators, and every malformed query fails here with a
QueryError that says what to fix, never with an engine error or a panic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeGuard

import tantivy

from akhbar.arabic import normalize_for_match
from akhbar.arabic.dates import parse_date_detail
from akhbar.arabic.stopwords import is_stopword
from akhbar.arabic.tokens import words
from akhbar.errors import QueryError
from akhbar.search.analysis import (
    BODY_PAIRS,
    BODY_STEM,
    BODY_SURFACE,
    PUBLISHED,
    SOURCE,
    TAG_KEY,
    TAGS,
    TITLE_PAIRS,
    TITLE_STEM,
    TITLE_SURFACE,
    clitic_forms,
    epoch_seconds,
    hamza_seat_variants,
    pair_term,
    query_word_stem,
    tag_keys,
)
from akhbar.search.engine import MAX_TERM_BYTES

#: BM25 boosts per field: an exact form (surface) outranks a match through the stem only.
SURFACE_BOOSTS = {TITLE_SURFACE: 3.0, BODY_SURFACE: 1.5, TAGS: 2.5}
STEM_BOOSTS = {TITLE_STEM: 1.2, BODY_STEM: 0.6}
#: The pair field that answers a two-word phrase holding a stopword, per surface field.
PAIR_FIELDS = {TITLE_SURFACE: TITLE_PAIRS, BODY_SURFACE: BODY_PAIRS}
TAG_KEY_BOOST = 2.5
#: Weight of a word behind a clitic (لتخفيف for تخفيف) or with its hamza on the other seat
#: (مسؤول for مسئول), against 1 for the typed form.
CLITIC_BOOST = 0.9
#: Weight of another name of what the reader typed (an alias), against 1 for the typed form.
ALIAS_BOOST = 0.8
#: Longest word sequence looked up as a tag alias (names rarely run past five words).
MAX_ALIAS_WORDS = 5

#: Opening quote → closing quote. Arabic keyboards type « » and word processors “ ”.
QUOTES = {'"': '"', "“": "”", "«": "»", "”": "”"}
FILTERS = {
    "source": "source",
    "مصدر": "source",
    "المصدر": "source",
    "tag": "tag",
    "وسم": "tag",
    "الوسم": "tag",
    "from": "from",
    "من": "from",
    "to": "to",
    "الى": "to",
    "حتي": "to",
}
FILTER_HELP = "source:, tag:, from: or to: (مصدر: وسم: من: إلى:)"
DATE_EXAMPLE = "2024-03-01 or «١ مارس ٢٠٢٤»"

#: `names(kind, normalised phrase)` → known normalised names of that kind ("source": outlets,
#: "tag": tags) that are the phrase, or (outlets) begin with it followed by more words; the
#: phrase itself first when known. The parser reads unquoted multi-word filter values with it.
FilterNames = Callable[[str, str], Sequence[str]]
#: Longest run of words after source:/tag: that may belong to the name (outlet and tag names
#: rarely run past four words: سكاي نيوز عربية, الشرق الأوسط).
MAX_FILTER_WORDS = 5

#: `aliases_for(normalised phrase)` → every normalised alias of the tag that has this phrase
#: as a name or alias (the phrase included), or [] when no tag has it.
AliasLookup = Callable[[str], Sequence[str]]


class NameLookup(Protocol):
    """Other names of what a run of normalised query words names (akhbar.search.names)."""

    def aliases(self, norm_words: Sequence[str]) -> list[str]:
        """Normalised alias phrases, the typed phrase first; [] when the words name nothing."""
        ...

    def all_forms(self, norm_words: Sequence[str]) -> list[str]:
        """`aliases` and adjectives (الكويتي for الكويت): what an exclusion leaves out."""
        ...


# --- the AST -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """One unquoted query word, normalised (a hyphenated word may give several)."""

    norms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Phrase:
    norms: tuple[str, ...]


Atom = Word | Phrase


@dataclass(frozen=True, slots=True)
class AnyOf:
    """`a OR b OR c`."""

    options: tuple[Atom, ...]


Clause = Atom | AnyOf


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    required: tuple[Clause, ...] = ()
    excluded: tuple[Atom, ...] = ()
    sources: tuple[str, ...] = ()  # normalised outlet names; any of them
    tags: tuple[str, ...] = ()  # normalised tag names; all of them
    date_from: datetime | None = None  # inclusive
    date_to: datetime | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    query: tantivy.Query
    #: Normalised words to highlight in snippets (query words and the aliases they expanded to).
    terms: frozenset[str] = field(default_factory=frozenset)


# --- scanning ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    kind: str  # "word", "phrase", "or", "filter"
    text: str = ""
    negated: bool = False
    name: str = ""
    quoted: bool = False  # a filter value typed in quotes: taken as it is, never extended


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    """The text inside the quote that opens at i, and the index after its closing quote."""
    end = text.find(QUOTES[text[i]], i + 1)
    if end < 0:
        raise QueryError(
            f"unbalanced quote: the phrase opened with {text[i]} at character {i + 1} is never"
            " closed; add the closing quote or remove it"
        )
    return text[i + 1 : end], end + 1


def _scan(text: str) -> list[_Item]:
    items: list[_Item] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        i += negated
        if text[i] in QUOTES:
            inner, i = _read_quoted(text, i)
            items.append(_Item("phrase", inner, negated))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in QUOTES:
            j += 1
        token = text[i:j]
        name, colon, value = token.partition(":")
        kind = FILTERS.get(normalize_for_match(name)) if colon and name else None
        if kind is not None:
            quoted = not value and j < n and text[j] in QUOTES
            if quoted:
                value, j = _read_quoted(text, j)
            items.append(_filter_item(kind, name, value, negated, quoted=quoted))
        elif colon and name.isascii() and name.isalpha() and value and not value.startswith("/"):
            raise QueryError(f"unknown filter {name}: — the filters are {FILTER_HELP}")
        elif token in ("OR", "|") and not negated:
            items.append(_Item("or"))
        else:
            items.append(_Item("word", token, negated))
        i = j
    return items


def _filter_item(kind: str, name: str, value: str, negated: bool, *, quoted: bool) -> _Item:
    if negated:
        raise QueryError(f"-{name}: cannot be excluded; filters only narrow the results")
    if not value.strip():
        raise QueryError(f'{name}: needs a value, e.g. {name}:مصر or {name}:"كوريا الشمالية"')
    return _Item("filter", value.strip(), name=kind, quoted=quoted)


def _read_filter_name(items: list[_Item], i: int, names: FilterNames | None) -> tuple[str, int]:
    """The value of the source:/tag: filter at items[i] and how many following words it took.

    Readers type multi-word outlet and tag names without quotes (source:الجزيرة نت السودان,
    source:سكاي نيوز عربية كوريا الشمالية): the value is the longest run of the words that
    follow which, with the typed value, is a known name. Failing that, an outlet is also found
    by the first words of its name when only one outlet begins with them (source:الجزيرة → الجزيرة
    نت), as readers shorten outlet names. Quoted values, and every value when no names are
    known, stay as typed.
    """
    item = items[i]
    if item.name not in ("source", "tag"):
        return item.text, 0  # a date: read by the date parser, as typed
    value = normalize_for_match(item.text)
    if item.quoted or names is None:
        return value, 0
    following: list[str] = []
    for nxt in items[i + 1 : i + 1 + MAX_FILTER_WORDS]:
        if nxt.kind != "word" or nxt.negated:
            break
        following.append(normalize_for_match(nxt.text))
    candidates = [" ".join([value, *following[:n]]).strip() for n in range(len(following) + 1)]
    known = [names(item.name, phrase) for phrase in candidates]
    for n in range(len(candidates) - 1, -1, -1):
        if candidates[n] in known[n]:
            return candidates[n], n
    if item.name == "source":
        for n in range(len(candidates) - 1, -1, -1):
            longer = [k for k in known[n] if k.startswith(candidates[n] + " ")]
            if len(longer) == 1:
                return longer[0], n
    return value, 0


# --- parsing -----------------------------------------------------------------------------------


def parse_query(
    text: str,
    *,
    default_tz: str | None = None,
    reference: datetime | None = None,
    names: FilterNames | None = None,
) -> ParsedQuery:
    """Parse a query; QueryError (with what to fix) for anything malformed.

    `default_tz` is the zone of from:/to: dates (UTC when None); `reference` anchors relative
    dates such as «أمس» (default: now); `names` lets unquoted multi-word outlet and tag names
    follow source:/tag: (see `_read_filter_name`).
    """
    required: list[Clause] = []
    excluded: list[Atom] = []
    filters: dict[str, list[str]] = {"source": [], "tag": [], "from": [], "to": []}
    pending_or, last_positive = False, False
    items = _scan(text)
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if item.kind == "or":
            if pending_or or not last_positive:
                raise QueryError("OR needs a word or a phrase on both sides, e.g. هدنة OR تهدئة")
            pending_or = True
            continue
        if item.kind == "filter":
            if pending_or:
                raise QueryError("OR cannot join a filter; put the filter apart")
            value, taken = _read_filter_name(items, i - 1, names)
            filters[item.name].append(value)
            i += taken
            last_positive = False
            continue
        atom = _atom(item)
        if atom is None:  # only punctuation: as if it were not there
            continue
        if item.negated:
            if pending_or:
                raise QueryError("OR cannot join an exclusion (-word)")
            excluded.append(atom)
            last_positive = False
        elif pending_or:
            required.append(_join_or(required.pop(), atom))
            pending_or, last_positive = False, True
        else:
            required.append(atom)
            last_positive = True
    if pending_or:
        raise QueryError("OR needs a word or a phrase on both sides, e.g. هدنة OR تهدئة")
    return _finish(required, excluded, filters, default_tz=default_tz, reference=reference)


def _atom(item: _Item) -> Atom | None:
    norms = tuple(words(item.text))
    if not norms:
        return None
    if item.kind == "phrase":
        return Phrase(norms)
    return Word(norms)


def _join_or(left: Clause, right: Atom) -> AnyOf:
    if isinstance(left, AnyOf):
        return AnyOf((*left.options, right))
    return AnyOf((left, right))


def _finish(
    required: list[Clause],
    excluded: list[Atom],
    filters: dict[str, list[str]],
    *,
    default_tz: str | None,
    reference: datetime | None,
) -> ParsedQuery:
    has_filter = any(filters.values())
    if not required and not has_filter:
        if excluded:
            raise QueryError(
                "the query only excludes words (-word); add at least one word to search for"
            )
        raise QueryError("the query is empty; type some words to search for")
    date_from = _one_date(filters["from"], "from", default_tz, reference, end_of_day=False)
    date_to = _one_date(filters["to"], "to", default_tz, reference, end_of_day=True)
    if date_from and date_to and date_from >= date_to:
        raise QueryError("from: is after to:; swap the two dates")
    return ParsedQuery(
        required=tuple(required),
        excluded=tuple(excluded),
        sources=tuple(normalize_for_match(s) for s in filters["source"]),
        tags=tuple(normalize_for_match(t) for t in filters["tag"]),
        date_from=date_from,
        date_to=date_to,
    )


def _one_date(
    values: list[str],
    name: str,
    default_tz: str | None,
    reference: datetime | None,
    *,
    end_of_day: bool,
) -> datetime | None:
    if not values:
        return None
    if len(values) > 1:
        raise QueryError(f"{name}: is given {len(values)} times; give it once")
    # A search may name any past or future day, so no "implausibly far in the future" check.
    parsed = parse_date_detail(
        values[0],
        default_tz=default_tz,
        reference=reference,
        future_tolerance=timedelta(days=365 * 100),
    )
    if parsed is None:
        raise QueryError(f"{name}: cannot read the date {values[0]!r}; write e.g. {DATE_EXAMPLE}")
    # to:DATE means "up to and including that day" when no time of day was given.
    if end_of_day and not parsed.has_time:
        return parsed.value + timedelta(days=1)
    return parsed.value


# --- compiling to tantivy ----------------------------------------------------------------------


def compile_query(
    parsed: ParsedQuery,
    schema: tantivy.Schema,
    aliases_for: AliasLookup | None = None,
    names_for: NameLookup | None = None,
) -> CompiledQuery:
    """The tantivy query for a parsed query; `aliases_for` enables tag-alias expansion and
    `names_for` expansion from the gazetteer (akhbar.search.names.NameExpander)."""
    return _Compiler(schema, aliases_for, names_for).compile(parsed)


class _Compiler:
    def __init__(
        self, schema: tantivy.Schema, aliases_for: AliasLookup | None, names_for: NameLookup | None
    ) -> None:
        self.schema = schema
        self.aliases_for = aliases_for
        self.names_for = names_for
        self.terms: set[str] = set()

    def compile(self, parsed: ParsedQuery) -> CompiledQuery:
        must, plain = self._required(parsed.required)
        if plain:
            must.append(_most_of(plain))
        if not must:
            must = [tantivy.Query.all_query()]
        subqueries = [(tantivy.Occur.Must, q) for q in must]
        subqueries += [(tantivy.Occur.Must, self._zero(f)) for f in self._filters(parsed)]
        subqueries += [(tantivy.Occur.MustNot, self._excluded(a)) for a in parsed.excluded]
        if len(subqueries) == 1:
            # One clause alone (a word, a phrase, an OR group) is the query itself. Wrapped in
            # a boolean query of one clause, tantivy makes a virtual call per matching document
            # (10-15 % of a one-word query at 1M articles); alone, a word's union of term
            # queries runs tantivy's loop specialised to term postings.
            return CompiledQuery(subqueries[0][1], frozenset(self.terms))
        return CompiledQuery(tantivy.Query.boolean_query(subqueries), frozenset(self.terms))

    # --- clauses ---

    def _required(
        self, clauses: Sequence[Clause]
    ) -> tuple[list[tantivy.Query], list[tantivy.Query]]:
        """(what must match: phrases and OR groups; the plain words and names, of which most
        must match — see `_most_of`)."""
        # A lone stopword among content words (رئيس في مصر) would only slow the query down and
        # narrow nothing a reader cares about; alone (a search for «في») it is kept.
        content = [c for c in clauses if not _is_stopword_clause(c)]
        clauses = content or list(clauses)
        must: list[tantivy.Query] = []
        plain: list[tantivy.Query] = []
        run: list[str] = []  # consecutive plain words, looked up together as names
        for clause in clauses:
            if _single_word(clause):
                run.append(clause.norms[0])
                continue
            if run:
                plain.extend(self._word_run(run))
                run = []
            must.append(self._clause(clause))
        if run:
            plain.extend(self._word_run(run))
        return must, plain

    def _clause(self, clause: Clause) -> tantivy.Query:
        if isinstance(clause, AnyOf):
            return _should([q for a in clause.options for q in self._atom(a, expand=True)])
        return _should(self._atom(clause, expand=True))

    def _word_run(self, norms: list[str]) -> list[tantivy.Query]:
        """Consecutive plain words; the longest sequences that name a tag or an entity expand
        to its other names (كيم يونغ أون also finds كيم جونغ أون)."""
        out: list[tantivy.Query] = []
        i = 0
        while i < len(norms):
            for n in range(min(MAX_ALIAS_WORDS, len(norms) - i), 0, -1):
                span = norms[i : i + n]
                aliases = self._aliases(span, quoted=False)
                if aliases:
                    out.append(_should(self._alias_group(span, aliases, quoted=False)))
                    i += n
                    break
            else:
                out.append(_should(self._words(norms[i : i + 1], quoted=False)))
                i += 1
        return out

    # Atoms, words and phrases compile to the list of their options, any of which matches;
    # `_should` joins a list into one query only where one is needed. One flat union of term
    # queries is what tantivy runs fastest (a loop specialised to term postings); a union of
    # unions costs a virtual call per document and level. The scores are the same sums.

    def _atom(self, atom: Atom, *, expand: bool) -> list[tantivy.Query]:
        quoted = isinstance(atom, Phrase)
        if expand:
            aliases = self._aliases(list(atom.norms), quoted=quoted)
            if aliases:
                return self._alias_group(list(atom.norms), aliases, quoted=quoted)
        return self._words(list(atom.norms), quoted=quoted)

    def _excluded(self, atom: Atom) -> tantivy.Query:
        """An excluded word leaves out what it names under any of its names and adjectives
        (-الكويت: no article on Kuwait, also one that only says الكويتيون); quoted, that
        spelling only."""
        forms = []
        if self.names_for is not None and isinstance(atom, Word):
            forms = self.names_for.all_forms(atom.norms)
        if not forms:
            return _should(self._atom(atom, expand=False))
        return _should([q for form in forms for q in self._words(words(form), quoted=False)])

    def _aliases(self, norms: list[str], *, quoted: bool) -> list[str]:
        """Other names of what `norms` names: its tag's aliases, and (unquoted only: quotes ask
        for that spelling) the gazetteer entity's names. [] when it names nothing."""
        found: list[str] = []
        if self.aliases_for is not None:
            found += tag_keys(self.aliases_for(" ".join(norms)))
        if self.names_for is not None and not quoted:
            found += self.names_for.aliases(norms)
        return list(dict.fromkeys(found))

    def _alias_group(
        self, norms: list[str], aliases: list[str], *, quoted: bool
    ) -> list[tantivy.Query]:
        typed = " ".join(norms)
        # The reader's own spelling at full weight (unquoted: in any inflection), the other
        # names a little lower, so that an article in the reader's spelling ranks first.
        options = self._words(norms, quoted=quoted)
        options += [
            self._boost(q, ALIAS_BOOST)
            for alias in aliases
            if alias != typed
            for q in self._words(words(alias), quoted=quoted)
        ]
        options.append(
            self._boost(tantivy.Query.term_set_query(self.schema, TAG_KEY, aliases), TAG_KEY_BOOST)
        )
        if len(norms) > 1 and not quoted:
            # The words apart too, so expansion never finds less than the plain query would.
            options.append(_most_of([_should(self._words([w], quoted=False)) for w in norms]))
        return options

    # --- words and phrases ---

    def _words(self, norms: Sequence[str], *, quoted: bool) -> list[tantivy.Query]:
        """One word (all inflections; quoted: that exact form only), or a phrase."""
        self.terms.update(norms)
        if len(norms) == 1:
            return self._word(norms[0], exact=quoted)
        return self._phrase(list(norms))

    def _word(self, norm: str, *, exact: bool) -> list[tantivy.Query]:
        options = [
            self._boost(tantivy.Query.term_query(self.schema, f, norm), b)
            for f, b in SURFACE_BOOSTS.items()
        ]
        stem = None if exact else query_word_stem(norm)
        if stem:
            options += [
                self._boost(tantivy.Query.term_query(self.schema, f, stem), b)
                for f, b in STEM_BOOSTS.items()
            ]
            forms = clitic_forms(norm) + hamza_seat_variants(norm)
            stems = {s for form in forms if (s := query_word_stem(form)) and s != stem}
            options += [
                self._boost(tantivy.Query.term_query(self.schema, f, term), b * CLITIC_BOOST)
                for fields, terms in ((SURFACE_BOOSTS, forms), (STEM_BOOSTS, sorted(stems)))
                for f, b in fields.items()
                for term in terms
            ]
        return options

    def _phrase(self, norms: list[str]) -> list[tantivy.Query]:
        options = [self._surface_phrase(norms, f, b) for f, b in SURFACE_BOOSTS.items()]
        # The phrase behind a clitic (لتخفيف الأحمال for "تخفيف الأحمال"): clitics attach to
        # the first word only.
        options += [
            self._surface_phrase([form, *norms[1:]], f, b * CLITIC_BOOST)
            for form in clitic_forms(norms[0])
            for f, b in SURFACE_BOOSTS.items()
        ]
        # The same phrase through stems (بقطاع غزة for "قطاع غزة") ranks below the exact form.
        # Only with two or more content words: fewer would match the words anywhere.
        stems: list[str | tuple[int, str]] = []
        for word in norms:
            stem = query_word_stem(word)
            if stem:
                stems.append(stem)
        if len(stems) >= 2:
            options += [
                self._boost(tantivy.Query.phrase_query(self.schema, f, stems), b)
                for f, b in STEM_BOOSTS.items()
            ]
        return options

    def _surface_phrase(self, norms: list[str], field: str, boost: float) -> tantivy.Query:
        """The phrase on one surface field; two words of which one is a stopword are looked up
        as their pair term instead (same matches: analysis.common_pairs), which spares the
        position-by-position intersection of two posting lists as long as the collection."""
        pair = pair_term(*norms) if len(norms) == 2 and field in PAIR_FIELDS else None
        if pair is not None and len(pair.encode()) <= MAX_TERM_BYTES:
            return self._boost(
                tantivy.Query.term_query(self.schema, PAIR_FIELDS[field], pair), boost
            )
        surface: list[str | tuple[int, str]] = list(norms)
        return self._boost(tantivy.Query.phrase_query(self.schema, field, surface), boost)

    # --- filters ---

    def _filters(self, parsed: ParsedQuery) -> list[tantivy.Query]:
        out = []
        if parsed.sources:
            out.append(tantivy.Query.term_set_query(self.schema, SOURCE, list(parsed.sources)))
        for tag in parsed.tags:
            keys = self._aliases(tag.split(), quoted=True) or [tag]
            out.append(tantivy.Query.term_set_query(self.schema, TAG_KEY, keys))
        if parsed.date_from or parsed.date_to:
            out.append(
                tantivy.Query.range_query(
                    self.schema,
                    PUBLISHED,
                    tantivy.FieldType.Integer,
                    epoch_seconds(parsed.date_from),
                    epoch_seconds(parsed.date_to),
                    include_lower=True,
                    include_upper=parsed.date_to is None,
                )
            )
        return out

    @staticmethod
    def _zero(query: tantivy.Query) -> tantivy.Query:
        """A filter: must match, adds nothing to the score."""
        return tantivy.Query.const_score_query(query, 0.0)

    @staticmethod
    def _boost(query: tantivy.Query, boost: float) -> tantivy.Query:
        return tantivy.Query.boost_query(query, boost)


def _should(options: list[tantivy.Query]) -> tantivy.Query:
    if len(options) == 1:
        return options[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in options])


def _most_of(options: list[tantivy.Query]) -> tantivy.Query:
    """All of one or two words; of three or more, all but one in three (`needed_words`)."""
    if len(options) == 1:
        return options[0]
    needed = needed_words(len(options))
    if needed == len(options):
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in options])
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, q) for q in options], minimum_number_should_match=needed
    )


def needed_words(count: int) -> int:
    """How many of `count` plain query words (a name counts as one) an article must contain.

    A reader's long query describes a story (قمة بريكس مصر, أسعار النفط أوبك): an article on
    it often lacks one of the words, and requiring every word would drop it. One word in three
    may be missing; one or two words are all required. BM25 still ranks articles with every
    word first, as each word adds to the score.
    """
    return count - count // 3


def _single_word(clause: Clause) -> TypeGuard[Word]:
    return isinstance(clause, Word) and len(clause.norms) == 1


def _is_stopword_clause(clause: Clause) -> bool:
    return _single_word(clause) and is_stopword(clause.norms[0])
