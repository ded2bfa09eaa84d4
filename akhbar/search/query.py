"""The search query language: a small hand-written parser → an AST → tantivy Query objects.

    كيم يونغ أون            words: every one must match (AND), in any inflection
    "قطاع غزة"              a phrase: the words in this order; one quoted word = that exact form
    هدنة OR تهدئة           either side (also `|`)
    -كرة  -"كأس العالم"     exclude a word or a phrase
    source:الجزيرة  tag:"كوريا الشمالية"  from:2024-03-01  to:"١٥ مارس ٢٠٢٤"
                            filters (also مصدر: وسم: من: إلى:); they do not change the score

We build tantivy Query objects with its Query API and never concatenate tantivy's own query
syntax: user text then cannot inject operators, and every malformed query fails here with a
QueryError that says what to fix, never with an engine error or a panic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeGuard

import tantivy

from akhbar.arabic import normalize_for_match
from akhbar.arabic.dates import parse_date_detail
from akhbar.arabic.stopwords import is_stopword
from akhbar.arabic.tokens import words
from akhbar.errors import QueryError
from akhbar.search.analysis import (
    BODY_STEM,
    BODY_SURFACE,
    PUBLISHED,
    SOURCE,
    TAG_KEY,
    TAGS,
    TITLE_STEM,
    TITLE_SURFACE,
    epoch_seconds,
    query_word_stem,
    tag_keys,
)

#: BM25 boosts per field: an exact form (surface) outranks a match through the stem only.
SURFACE_BOOSTS = {TITLE_SURFACE: 3.0, BODY_SURFACE: 1.5, TAGS: 2.5}
STEM_BOOSTS = {TITLE_STEM: 1.2, BODY_STEM: 0.6}
TAG_KEY_BOOST = 2.5
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

#: `aliases_for(normalised phrase)` → every normalised alias of the tag that has this phrase
#: as a name or alias (the phrase included), or [] when no tag has it.
AliasLookup = Callable[[str], Sequence[str]]


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
            if not value and j < n and text[j] in QUOTES:
                value, j = _read_quoted(text, j)
            items.append(_filter_item(kind, name, value, negated))
        elif colon and name.isascii() and name.isalpha() and value and not value.startswith("/"):
            raise QueryError(f"unknown filter {name}: — the filters are {FILTER_HELP}")
        elif token in ("OR", "|") and not negated:
            items.append(_Item("or"))
        else:
            items.append(_Item("word", token, negated))
        i = j
    return items


def _filter_item(kind: str, name: str, value: str, negated: bool) -> _Item:
    if negated:
        raise QueryError(f"-{name}: cannot be excluded; filters only narrow the results")
    if not value.strip():
        raise QueryError(f'{name}: needs a value, e.g. {name}:مصر or {name}:"كوريا الشمالية"')
    return _Item("filter", value.strip(), name=kind)


# --- parsing -----------------------------------------------------------------------------------


def parse_query(
    text: str, *, default_tz: str | None = None, reference: datetime | None = None
) -> ParsedQuery:
    """Parse a query; QueryError (with what to fix) for anything malformed.

    `default_tz` is the zone of from:/to: dates (UTC when None); `reference` anchors relative
    dates such as «أمس» (default: now).
    """
    required: list[Clause] = []
    excluded: list[Atom] = []
    filters: dict[str, list[str]] = {"source": [], "tag": [], "from": [], "to": []}
    pending_or, last_positive = False, False
    for item in _scan(text):
        if item.kind == "or":
            if pending_or or not last_positive:
                raise QueryError("OR needs a word or a phrase on both sides, e.g. هدنة OR تهدئة")
            pending_or = True
            continue
        if item.kind == "filter":
            if pending_or:
                raise QueryError("OR cannot join a filter; put the filter apart")
            filters[item.name].append(item.text)
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
    parsed: ParsedQuery, schema: tantivy.Schema, aliases_for: AliasLookup | None = None
) -> CompiledQuery:
    """The tantivy query for a parsed query; `aliases_for` enables tag-alias expansion."""
    return _Compiler(schema, aliases_for).compile(parsed)


class _Compiler:
    def __init__(self, schema: tantivy.Schema, aliases_for: AliasLookup | None) -> None:
        self.schema = schema
        self.aliases_for = aliases_for
        self.terms: set[str] = set()

    def compile(self, parsed: ParsedQuery) -> CompiledQuery:
        must = self._required(parsed.required)
        if not must:
            must = [tantivy.Query.all_query()]
        subqueries = [(tantivy.Occur.Must, q) for q in must]
        subqueries += [(tantivy.Occur.Must, self._zero(f)) for f in self._filters(parsed)]
        subqueries += [
            (tantivy.Occur.MustNot, self._atom(a, expand=False)) for a in parsed.excluded
        ]
        return CompiledQuery(tantivy.Query.boolean_query(subqueries), frozenset(self.terms))

    # --- clauses ---

    def _required(self, clauses: Sequence[Clause]) -> list[tantivy.Query]:
        # A lone stopword among content words (رئيس في مصر) would only slow the query down and
        # narrow nothing a reader cares about; alone (a search for «في») it is kept.
        content = [c for c in clauses if not _is_stopword_clause(c)]
        clauses = content or list(clauses)
        out: list[tantivy.Query] = []
        run: list[str] = []  # consecutive plain words, looked up together as tag aliases
        for clause in clauses:
            if _single_word(clause):
                run.append(clause.norms[0])
                continue
            if run:
                out.extend(self._word_run(run))
                run = []
            out.append(self._clause(clause))
        if run:
            out.extend(self._word_run(run))
        return out

    def _clause(self, clause: Clause) -> tantivy.Query:
        if isinstance(clause, AnyOf):
            return _should([self._atom(a, expand=True) for a in clause.options])
        return self._atom(clause, expand=True)

    def _word_run(self, norms: list[str]) -> list[tantivy.Query]:
        """Consecutive plain words; the longest sequences that name a tag expand to its aliases
        (كيم يونغ أون also finds كيم جونج أون)."""
        out: list[tantivy.Query] = []
        i = 0
        while i < len(norms):
            for n in range(min(MAX_ALIAS_WORDS, len(norms) - i), 0, -1):
                aliases = self._aliases(" ".join(norms[i : i + n]))
                if aliases:
                    out.append(self._alias_group(norms[i : i + n], aliases, quoted=False))
                    i += n
                    break
            else:
                out.append(self._words(norms[i : i + 1], quoted=False))
                i += 1
        return out

    def _atom(self, atom: Atom, *, expand: bool) -> tantivy.Query:
        quoted = isinstance(atom, Phrase)
        if expand:
            aliases = self._aliases(" ".join(atom.norms))
            if aliases:
                return self._alias_group(list(atom.norms), aliases, quoted=quoted)
        return self._words(list(atom.norms), quoted=quoted)

    def _aliases(self, phrase: str) -> list[str]:
        if self.aliases_for is None:
            return []
        return tag_keys(self.aliases_for(phrase))

    def _alias_group(self, norms: list[str], aliases: list[str], *, quoted: bool) -> tantivy.Query:
        options = [self._words(words(alias), quoted=True) for alias in aliases]
        options.append(
            self._boost(tantivy.Query.term_set_query(self.schema, TAG_KEY, aliases), TAG_KEY_BOOST)
        )
        if len(norms) > 1 and not quoted:
            # The words apart too, so expansion never finds less than the plain query would.
            options.append(_must([self._words([w], quoted=False) for w in norms]))
        return _should(options)

    # --- words and phrases ---

    def _words(self, norms: Sequence[str], *, quoted: bool) -> tantivy.Query:
        """One word (all inflections; quoted: that exact form only), or a phrase."""
        self.terms.update(norms)
        if len(norms) == 1:
            return self._word(norms[0], exact=quoted)
        return self._phrase(list(norms))

    def _word(self, norm: str, *, exact: bool) -> tantivy.Query:
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
        return _should(options)

    def _phrase(self, norms: list[str]) -> tantivy.Query:
        surface: list[str | tuple[int, str]] = list(norms)
        options = [
            self._boost(tantivy.Query.phrase_query(self.schema, f, surface), b)
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
        return _should(options)

    # --- filters ---

    def _filters(self, parsed: ParsedQuery) -> list[tantivy.Query]:
        out = []
        if parsed.sources:
            out.append(tantivy.Query.term_set_query(self.schema, SOURCE, list(parsed.sources)))
        for tag in parsed.tags:
            keys = self._aliases(tag) or [tag]
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


def _must(options: list[tantivy.Query]) -> tantivy.Query:
    if len(options) == 1:
        return options[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in options])


def _single_word(clause: Clause) -> TypeGuard[Word]:
    return isinstance(clause, Word) and len(clause.norms) == 1


def _is_stopword_clause(clause: Clause) -> bool:
    return _single_word(clause) and is_stopword(clause.norms[0])
