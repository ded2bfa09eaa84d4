"""The web reader: right-to-left pages, a JSON API (/api/v1) and RSS/Atom output feeds."""

from akhbar.web.app import create_app

__all__ = ["create_app"]
