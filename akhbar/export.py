"""Reading articles back out: the JSON object of one article, JSON Lines and CSV streams.

The JSON object is akhbar's public article shape (export, `show --json`, the API): keys
id, url, canonical_url, title, body, published_at, source, tags, language, related, origin ...
`dumps.jsonl` reads the same keys back, so an export can be imported elsewhere.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TextIO

import orjson

from akhbar.cluster.trends import TagTrend
from akhbar.models import Article
from akhbar.store import utc_iso

CSV_COLUMNS = (
    "id",
    "url",
    "canonical_url",
    "title",
    "body",
    "published_at",
    "source",
    "tags",
    "language",
    "author",
    "origin",
    "imported_at",
    "related",
)


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "body": article.body,
        "published_at": utc_iso(article.published_at) if article.published_at else None,
        "source": article.source,
        "tags": [t.display for t in article.tags],
        "language": article.language,
        "author": article.author,
        "related": [{"id": r.id, "kind": r.kind, "title": r.title} for r in article.related],
        "origin": article.origin,
        "imported_at": utc_iso(article.imported_at),
        "fingerprint": article.fingerprint,
        "encoding": article.encoding,
        "partial": article.partial,
    }


def write_jsonl(articles: Iterable[Article], out: TextIO) -> int:
    count = 0
    for article in articles:
        out.write(orjson.dumps(article_to_dict(article)).decode())
        out.write("\n")
        count += 1
    return count


def write_csv(articles: Iterable[Article], out: TextIO) -> int:
    """CSV with a header; tags joined with '|', related as 'kind:id' joined with '|'."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for article in articles:
        row = article_to_dict(article)
        row["tags"] = "|".join(row["tags"])
        row["related"] = "|".join(f"{r['kind']}:{r['id']}" for r in row["related"])
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
        count += 1
    return count


def json_time(value: datetime | date | None) -> str | None:
    """A time as akhbar's JSON writes it: 'YYYY-MM-DDTHH:MM:SSZ' (UTC), a day as 'YYYY-MM-DD'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def trend_to_dict(trend: TagTrend) -> dict[str, Any]:
    """The shape of `akhbar trends --json` and /api/v1/tags/{name}/trends."""
    return {
        "tag_id": trend.tag_id,
        "tag": trend.display,
        "from": json_time(trend.first_day),
        "to": json_time(trend.last_day),
        "total": trend.total,
        "momentum": trend.momentum,
        "per_day": [{"day": json_time(day), "articles": n} for day, n in trend.per_day],
        "co_occurring": [
            {"tag_id": c.tag_id, "tag": c.display, "articles": c.articles, "share": c.share}
            for c in trend.co_tags
        ],
    }
