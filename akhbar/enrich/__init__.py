"""Enrichment: the entity gazetteer that entity tags ("كلمات دلالية") are matched against."""

from akhbar.enrich.gazetteer import Entity, Gazetteer, load_gazetteer

__all__ = ["Entity", "Gazetteer", "load_gazetteer"]
