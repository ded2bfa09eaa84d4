"""The only package that chains the stages.

ingest.py   RawArticle -> normalise -> dedupe -> store -> tag -> relate -> index
poll.py     sources -> fetch -> parse feed -> fetch page -> extract -> ingest
"""

from akhbar.pipeline.ingest import (
    Ingestor,
    IngestReport,
    PreparedArticle,
    fingerprint_of,
    ingest,
    prepare_article,
)

__all__ = [
    "IngestReport",
    "Ingestor",
    "PreparedArticle",
    "fingerprint_of",
    "ingest",
    "prepare_article",
]
