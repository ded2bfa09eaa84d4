"""fetch: the only stage that touches the network. Polite, bounded, SSRF-guarded HTTP GETs."""

from akhbar.fetch.client import Fetcher, FetchResult, FetchSettings, FetchStats
from akhbar.fetch.ssrf import is_blocked_address

__all__ = ["FetchResult", "FetchSettings", "FetchStats", "Fetcher", "is_blocked_address"]
