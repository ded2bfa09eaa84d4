"""The shared `http_server` fixture lives in tests/conftest.py."""
