"""Enrichment: the entity gazetteer, and the entity tags ("كلمات دلالية") matched against it.

`tag_article` is the entry point; `find_name_candidates` reads titled person names, and
`akhbar.enrich.keyphrases` (yake, loaded only when asked for) adds topic phrases.
"""

from akhbar.enrich.candidates import Candidate, find_name_candidates
from akhbar.enrich.gazetteer import Entity, Gazetteer, load_gazetteer
from akhbar.enrich.tagger import (
    LearnedEntity,
    TagResult,
    TagSuggestion,
    analyze_article,
    tag_article,
)

__all__ = [
    "Candidate",
    "Entity",
    "Gazetteer",
    "LearnedEntity",
    "TagResult",
    "TagSuggestion",
    "analyze_article",
    "find_name_candidates",
    "load_gazetteer",
    "tag_article",
]
