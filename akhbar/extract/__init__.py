"""Extraction stage: a fetched page's bytes -> the article it carries (or a reasoned rejection)."""

from akhbar.extract.article import ExtractedArticle, extract_article
from akhbar.extract.fragment import html_to_text
from akhbar.extract.metadata import split_keywords

__all__ = ["ExtractedArticle", "extract_article", "html_to_text", "split_keywords"]
