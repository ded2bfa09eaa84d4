"""Read a response body within bounds: raw size, decoded size and compression ratio.

We decompress ourselves (from `aiter_raw`) instead of letting httpx do it, because httpx
inflates each network chunk in one go: 64 KiB of gzip can become 64 MiB, and a brotli chunk far
more, before any counter sees it. Here every decoder hands out at most PIECE bytes per step, so
memory stays near max_body_bytes whatever the server sends.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import brotli
import httpx

from akhbar.errors import FetchError

PIECE = 64 * 1024  # largest output one decoder step may produce
RATIO_FLOOR = 1024 * 1024  # below this decoded size the ratio check is not meaningful
ACCEPT_ENCODING = "gzip, deflate, br"  # only what _make_decoder can bound


@dataclass(frozen=True, slots=True)
class BodyLimits:
    max_bytes: int
    max_ratio: float


class _Decoder(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]: ...

    def flush(self) -> bytes: ...


class _ZlibDecoder:
    """gzip (wbits 31) or deflate; deflate may be zlib-wrapped or raw, as servers disagree."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self._obj = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback

    def decode(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._obj.decompress(data, PIECE)
        except zlib.error:
            if not self._raw_fallback:
                raise
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, PIECE)
        self._raw_fallback = False
        yield out
        while self._obj.unconsumed_tail:
            yield self._obj.decompress(self._obj.unconsumed_tail, PIECE)

    def flush(self) -> bytes:
        return self._obj.flush()


class _BrotliDecoder:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def decode(self, data: bytes) -> Iterator[bytes]:
        yield self._obj.process(data, output_buffer_limit=PIECE)
        # With a limit, brotli keeps the rest of the output until asked with empty input.
        while not self._obj.can_accept_more_data():
            yield self._obj.process(b"", output_buffer_limit=PIECE)

    def flush(self) -> bytes:
        return b""


def _make_decoder(content_encoding: str, url: str) -> _Decoder | None:
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        # Stacked encodings are legal but practically unseen; refusing keeps the bounds simple.
        raise FetchError("unsupported_encoding", url=url, detail=content_encoding)
    coding = codings[0]
    if coding in {"gzip", "x-gzip"}:
        return _ZlibDecoder(zlib.MAX_WBITS | 16)
    if coding == "deflate":
        return _ZlibDecoder(zlib.MAX_WBITS, raw_fallback=True)
    if coding == "br":
        return _BrotliDecoder()
    raise FetchError("unsupported_encoding", url=url, detail=coding)


def check_declared_length(response: httpx.Response, limits: BodyLimits, url: str) -> None:
    """Refuse a body whose Content-Length already says it is too large, before reading it."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(
            "too_large", url=url, detail=f"content-length {declared} > {limits.max_bytes}"
        )


class BodyReader:
    """Streams one response body; `raw_bytes` says how much came off the network."""

    def __init__(self, limits: BodyLimits, url: str) -> None:
        self._limits = limits
        self._url = url
        self.raw_bytes = 0
        self._body = bytearray()

    async def read(self, response: httpx.Response) -> bytes:
        check_declared_length(response, self._limits, self._url)
        decoder = _make_decoder(response.headers.get("content-encoding", ""), self._url)
        try:
            async for chunk in response.aiter_raw():
                self._take_raw(chunk)
                if decoder is None:
                    self._body += chunk
                    continue
                for piece in decoder.decode(chunk):
                    self._take_decoded(piece)
            if decoder is not None:
                self._take_decoded(decoder.flush())
        except (zlib.error, brotli.error) as exc:
            raise FetchError("decode_error", url=self._url, detail=str(exc)) from exc
        return bytes(self._body)

    def _take_raw(self, chunk: bytes) -> None:
        self.raw_bytes += len(chunk)
        if self.raw_bytes > self._limits.max_bytes:
            raise FetchError(
                "too_large",
                url=self._url,
                detail=f"read {self.raw_bytes} bytes, limit {self._limits.max_bytes}",
            )

    def _take_decoded(self, piece: bytes) -> None:
        self._body += piece
        size = len(self._body)
        if size > self._limits.max_bytes:
            raise FetchError(
                "decompression_bomb",
                url=self._url,
                detail=f"decoded {size} bytes, limit {self._limits.max_bytes}",
            )
        # Real feeds and pages compress 3-20x; 100x past a megabyte is a bomb, not an article.
        if size >= RATIO_FLOOR and size > self._limits.max_ratio * max(self.raw_bytes, 1):
            raise FetchError(
                "decompression_bomb",
                url=self._url,
                detail=f"decoded {size} bytes from {self.raw_bytes} on the wire",
            )
