"""One canonical form per article URL, so the same article reached two ways is one article.

Feeds hand out the same page as `…/amp/…`, on an `m.` host, with `utm_*` tags, with raw
Arabic in the path or with its percent-encoded twin (in either hex case). `canonicalize_url`
folds all of these to one string; the store uses it as the first dedup key and the fetcher
fetches it. What it will not do is guess: a trailing slash, `www.` or the order of the
remaining query parameters can change the page on some servers, so they are kept as given.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "canonicalize_url", "host_of"]

#: Query keys that only say who sent the reader (compared lower-cased). Prefixes in
#: _TRACKING_PREFIXES are matched too (utm_source, at_medium, pk_campaign, ...).
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "li_fat_id", "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl",
        "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "ref", "ref_src",
        "ref_url", "referrer", "spm", "share", "ocid", "cmpid", "xtor", "ito", "s_cid",
        "wt.mc_id", "oly_enc_id", "oly_anon_id", "vero_id", "rb_clickid", "smid",
        "__twitter_impression",
        # AMP markers: "?amp", "?amp=1", and what the AMP caches append.
        "amp", "amp_js_v", "amp_gsa", "usqp",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "fb_", "ga_", "hmb_", "__tn__")

#: Host prefixes of mobile and AMP copies of a site, folded to the main host.
_FOLDED_HOST_PREFIXES = ("m.", "mobile.", "amp.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left raw in each component (RFC 3986): unreserved + sub-delims + ":@", plus "/"
# in the path and "/?" in the query. "&", "=" and "+" stay raw: they carry the query's shape.
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_QUERY_SAFE = _PATH_SAFE | frozenset("?")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
# Bidi marks and zero-width characters ride along when a URL is copied out of Arabic text.
_INVISIBLE_EDGES = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_HOST = re.compile(r"[a-z0-9_.-]+|[0-9a-f:.]+")  # a name (IDNA already applied) or IPv6
_AMP_CACHE_PATH = re.compile(r"^/(?:[cvi]/)?(s/)?(.+)$")


def canonicalize_url(url: str, *, base: str | None = None) -> str:
    """The canonical form of `url` (resolved against `base` when relative).

    Lower-case scheme and host (IDNA for non-ASCII hosts), no default port, no fragment, no
    tracking parameters, AMP and mobile variants folded, dot segments and repeated slashes
    removed, percent-encoding in one form (unreserved characters decoded, everything else
    encoded as UTF-8 with upper-case hex). Something that cannot be made an absolute http(s)
    URL comes back stripped but otherwise unchanged: the caller's fetcher rejects it with
    a reason, which is more useful than an exception from a normaliser.
    """
    text = url.strip().strip(_INVISIBLE_EDGES).strip()
    if base:
        text = urljoin(base.strip(), text)
    elif text.startswith("//"):
        text = "https:" + text  # protocol-relative, no base: nearly every outlet serves https
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    unwrapped = _unwrap_amp_cache(parts.hostname.lower(), parts.path)
    if unwrapped is not None:
        return canonicalize_url(unwrapped + (f"?{parts.query}" if parts.query else ""))
    host = _ascii_host(parts.hostname)
    if not _HOST.fullmatch(host):
        return text  # spaces, quotes, "<": not a host any resolver will accept
    host = _fold_host(host)
    netloc = _netloc(parts.netloc, host, port, _DEFAULT_PORTS[scheme])
    path = _fold_amp_path(_normalize_path(parts.path))
    query = _clean_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    """The host of `url` as canonicalize_url writes it, without a leading "www." ("" if none).

    Used to name an outlet that has no title and to group feeds of one site.
    """
    url = url.strip()
    if "://" not in url and not url.startswith("//"):
        url = "//" + url  # a bare "www.youm7.com/rss", as people type it
    parts = urlsplit(canonicalize_url(url))
    host = parts.hostname or ""
    # canonicalize_url hands back what it could not read; such a "host" is no host.
    if parts.scheme not in _DEFAULT_PORTS or not _HOST.fullmatch(host):
        return ""
    return host.removeprefix("www.")


def _ascii_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        # IDNA so that موقع.مصر and its xn-- spelling are one host; the xn-- form is also
        # what the resolver and the TLS certificate use.
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _fold_host(host: str) -> str:
    for prefix in _FOLDED_HOST_PREFIXES:
        rest = host.removeprefix(prefix)
        # Only when a registrable name remains: "m.tv" is a site, "m.youm7.com" a copy.
        if rest != host and "." in rest:
            return rest
    return host


def _netloc(original: str, host: str, port: int | None, default_port: int) -> str:
    userinfo = original.rpartition("@")[0] if "@" in original else ""
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    if port is not None and port != default_port:
        netloc = f"{netloc}:{port}"
    return f"{userinfo}@{netloc}" if userinfo else netloc


def _normalize_encoding(component: str, safe: frozenset[str]) -> str:
    """Percent-decode what needs no encoding, percent-encode what does, hex in upper case."""
    out: list[str] = []
    i = 0
    while i < len(component):
        char = component[i]
        match = _PERCENT.match(component, i) if char == "%" else None
        if match:
            decoded = chr(int(match.group(1), 16))
            # "%2F" stays encoded: decoding it would turn one path segment into two.
            out.append(decoded if decoded in _UNRESERVED else "%" + match.group(1).upper())
            i += 3
            continue
        if char in safe:
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass")))
        i += 1
    return "".join(out)


def _normalize_path(path: str) -> str:
    path = re.sub("/{2,}", "/", path)  # "//rss/feed/" (seen in feed lists) is "/rss/feed/"
    return _remove_dot_segments(_normalize_encoding(path, _PATH_SAFE)) or "/"


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/".join(output)


def _fold_amp_path(path: str) -> str:
    """`/amp/news/1`, `/news/1/amp`, `/news/1.amp` -> `/news/1` (AMP copies of one page)."""
    segments = path.split("/")
    kept = [s for s in segments if s.lower() != "amp"]
    if kept and kept[-1].lower().endswith(".amp"):
        kept[-1] = kept[-1][: -len(".amp")]
    return "/".join(kept) or "/"


def _clean_query(query: str) -> str:
    if not query:
        return ""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        raw_key, _, raw_value = pair.partition("=")
        key = unquote_plus(raw_key).strip().lower()
        if key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES):
            continue
        if key in ("outputtype", "output") and unquote_plus(raw_value).lower() == "amp":
            continue
        kept.append(_normalize_encoding(pair, _QUERY_SAFE))
    return "&".join(kept)


def _unwrap_amp_cache(host: str, path: str) -> str | None:
    """The publisher URL inside a Google AMP cache or viewer URL, else None.

    `https://www-x-com.cdn.ampproject.org/c/s/www.x.com/a` and `https://www.google.com/amp/s/
    www.x.com/a` both serve https://www.x.com/a (the `s/` says the original is https).
    """
    if host.endswith(".cdn.ampproject.org"):
        rest = path
    elif host.removeprefix("www.").startswith("google.") and path.startswith("/amp/"):
        rest = path[len("/amp") :]
    else:
        return None
    match = _AMP_CACHE_PATH.match(rest)
    if not match or "." not in match.group(2).split("/", 1)[0]:
        return None
    return ("https://" if match.group(1) else "http://") + match.group(2)
