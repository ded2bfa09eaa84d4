"""Stories (streaming clustering), "read also", and tag trends.

`choose_story` decides where a new article goes; `related_articles` lists what to read next;
`tag_trend` summarises a tag over time. `akhbar.pipeline.intel_step` wires them to the store.
"""

from akhbar.cluster.related import RelatedArticle, related_articles
from akhbar.cluster.stories import StoryParams, choose_story
from akhbar.cluster.trends import TagTrend, tag_trend

__all__ = [
    "RelatedArticle",
    "StoryParams",
    "TagTrend",
    "choose_story",
    "related_articles",
    "tag_trend",
]
