"""Turn some demo page dumps (written in UTF-8) into the byte variants the importer must read.

The demo pages under data/demo are written as plain UTF-8 text. Real dumps come in other
encodings too, so this script re-encodes a few named files in place:

    windows-1256   two pages        (cp1256: no Arabic-Indic digits, no Persian yeh)
    iso-8859-6     one page         (no Persian letters, typographic quotes, Arabic-Indic digits)
    utf-16         one page         (little-endian, with BOM)
    utf-8-sig      one page         (UTF-8 with BOM)
    crlf           one page         (UTF-8 kept, Windows line endings)
    gzip           extra/one-page.txt -> extra/one-page.txt.gz (mtime 0, so the bytes never change)

It is deterministic and idempotent: a file already in its target form is left alone, so running
it twice changes nothing. Usage: python scripts/make_demo_encodings.py [DEMO_DIR]
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"

TARGETS: dict[str, str] = {
    "pages/04-shorouk-cairo-metro-line3.txt": "windows-1256",
    "pages/17-mosaiquefm-olive-oil-exports.txt": "windows-1256",
    "pages/07-alkhaleej-riyadh-book-fair.txt": "iso-8859-6",
    "pages/02-alquds-moscow-pyongyang-flights.txt": "utf-16",
    "pages/19-albawabh-cairo-book-fair.txt": "utf-8-sig",
    "pages/16-youm7-school-anemia-screening.txt": "crlf",
}
GZIP_SOURCE = "extra/one-page.txt"

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_LE_BOM = b"\xff\xfe"


def _as_plain_utf8(data: bytes) -> str | None:
    """The text if `data` is plain UTF-8 without BOM (i.e. not yet converted), else None."""
    if data.startswith(UTF8_BOM) or data.startswith(UTF16_LE_BOM) or data.startswith(b"\xfe\xff"):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def convert(path: Path, target: str) -> bool:
    """Re-encode `path` in place; return True when the file changed."""
    data = path.read_bytes()
    text = _as_plain_utf8(data)
    if text is None:  # already converted (BOM or non-UTF-8 bytes)
        return False
    if target == "crlf":
        if "\r\n" in text:
            return False
        new = text.replace("\n", "\r\n").encode("utf-8")
    elif target == "utf-16":
        new = UTF16_LE_BOM + text.encode("utf-16-le")
    elif target == "utf-8-sig":
        new = UTF8_BOM + text.encode("utf-8")
    else:
        if text.isascii():
            return False
        try:
            new = text.encode(target)  # strict: refuse characters the code page lacks
        except UnicodeEncodeError as exc:
            bad = text[exc.start : exc.end]
            raise SystemExit(
                f"{path}: {target} cannot encode {bad!r} (U+{ord(bad[0]):04X})"
            ) from exc
    path.write_bytes(new)
    return True


def make_gzip(demo: Path) -> bool:
    src = demo / GZIP_SOURCE
    dst = demo / (GZIP_SOURCE + ".gz")
    if not src.exists():
        return False
    payload = src.read_bytes()
    with dst.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(payload)
    src.unlink()
    return True


def main(argv: list[str]) -> int:
    demo = Path(argv[1]) if len(argv) > 1 else DEMO
    for rel, target in TARGETS.items():
        changed = convert(demo / rel, target)
        print(f"{'converted' if changed else 'unchanged'}  {target:<13} {rel}")
    changed = make_gzip(demo)
    print(f"{'converted' if changed else 'unchanged'}  {'gzip':<13} {GZIP_SOURCE}.gz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
