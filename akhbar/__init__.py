"""akhbar (أخبار): an Arabic-first, self-hosted news aggregator and news-intelligence engine."""

__version__ = "0.1.0"
