"""Static files: safe path resolution under a root, MIME types, ETag/304, HEAD and gzip.

`resolve_static(root, rel_path)` never returns a path outside `root`: "..", backslashes, NUL,
absolute paths, drive letters, symlinks that lead out of the root, and dotfiles or anything
inside a dot-directory (``.env``, ``.git/config``) all give None.
`serve_static(request, root, rel_path)` turns that into a `Response` (404 when None).
`serve_bytes(request, data, ...)` answers with content made in memory (the linked and compacted
frontend files), with the same validators, 304s and gzip.
`rel_path` must already be percent-decoded (as `Request.path` is); it is not decoded again, so
"%2e%2e" arriving here is just a file name that does not exist.

Off the event loop: `serve_static` returns a `DeferredResponse`, made when first needed; the
server makes it in a worker thread (resolving, stat, reading and compressing never block the
loop), any other reader (a test, a framework adapter) on first access. A file over STREAM_MIN
bytes that is not gzipped comes as a `FileResponse`, which the server sends in pieces read in a
worker thread instead of reading it whole (its `body`, read on access, is for other readers).
"""
from __future__ import annotations

import gzip
import mimetypes
import pathlib
import threading
from email.utils import formatdate, parsedate_to_datetime

from ..protocol.http import Request, Response

__all__ = ["serve_static", "serve_bytes", "resolve_static", "content_type", "DeferredResponse",
           "FileResponse", "STREAM_MIN", "STREAM_CHUNK"]

# Explicit types, so the answer does not depend on the machine's /etc/mime.types.
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".xml": "application/xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
}
_COMPRESSIBLE = ("text/", "application/json", "application/xml", "image/svg+xml",
                 "application/javascript")
GZIP_MIN_SIZE = 1024
#: Files bigger than this that are not gzipped are sent in pieces of STREAM_CHUNK bytes.
STREAM_MIN = 1 << 20
STREAM_CHUNK = 256 << 10
_GZIP_CACHE_LIMIT = 32 << 20  # bytes of compressed data kept in memory
_gzip_cache: dict[tuple, bytes] = {}
_gzip_cache_size = 0
_gzip_lock = threading.Lock()


class DeferredResponse(Response):
    """A Response that `make()` makes when it is first needed (see the module docstring):
    `resolve()` returns it; reading `status`, `headers` or `body` resolves it too."""

    __slots__ = ("_make", "_made")

    def __init__(self, make):
        self._make = make
        self._made = None

    def resolve(self) -> Response:
        made = self._made
        if made is None:
            made = self._make()
            while isinstance(made, DeferredResponse):
                made = made.resolve()
            self._made = made
        return made

    @property
    def status(self) -> int:
        return self.resolve().status

    @property
    def headers(self) -> list:
        return self.resolve().headers

    @property
    def body(self) -> bytes:
        return self.resolve().body

    def __repr__(self) -> str:
        return f"<DeferredResponse {'made' if self._made is not None else 'not made yet'}>"


class FileResponse(Response):
    """A 200 whose body is the first `size` bytes of the file at `path`, sent by the server in
    pieces; `body` reads it whole (for readers other than the server)."""

    __slots__ = ("path", "size")

    def __init__(self, headers, path: pathlib.Path, size: int):
        self.status = 200
        self.headers = list(headers)
        self.path = path
        self.size = size

    @property
    def body(self) -> bytes:
        with open(self.path, "rb") as f:
            return f.read(self.size)

    def __repr__(self) -> str:
        return f"<FileResponse {self.path.name} {self.size} bytes>"


def content_type(path: pathlib.Path | str) -> str:
    """The Content-Type for a file name (text types carry charset=utf-8)."""
    suffix = pathlib.PurePosixPath(str(path)).suffix.lower()
    if suffix in _TYPES:
        return _TYPES[suffix]
    guessed = mimetypes.guess_type("x" + suffix)[0] if suffix else None
    if not guessed:
        return "application/octet-stream"
    if guessed.startswith("text/"):
        guessed += "; charset=utf-8"
    return guessed


def resolve_static(root: pathlib.Path | str, rel_path: str) -> pathlib.Path | None:
    """The regular file `rel_path` names under `root`, or None if it is missing or unsafe."""
    if not isinstance(rel_path, str):
        raise TypeError("rel_path must be a str")
    if not rel_path or "\x00" in rel_path or "\\" in rel_path or rel_path.startswith("/"):
        return None
    parts = rel_path.split("/")
    for part in parts:
        # ".." climbs out; ":" is a drive letter or an NTFS stream; "." and "" are harmless but
        # are never produced by a well-formed URL to one of our files.
        if part in ("", ".", "..") or ":" in part:
            return None
        if part.startswith("."):
            return None  # dotfiles and dot-directories (.git, .env, .htpasswd) are never served
    try:
        base = pathlib.Path(root).resolve(strict=True)
        path = base.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None  # missing, symlink loop, name too long...
    # A symlink may point anywhere: only what really lives under root is served.
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


def _etag_matches(header: str, etag: str) -> bool:
    """RFC 9110 §13.1.2 If-None-Match: "*" or a list of entity-tags, compared weakly."""
    if header.strip() == "*":
        return True
    tag = etag[2:] if etag.startswith("W/") else etag
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == tag:
            return True
    return False


def _accepts_gzip(header: str | None) -> bool:
    """RFC 9110 §12.5.3 Accept-Encoding: gzip (or *) with a non-zero q-value."""
    if not header:
        return False
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _gzipped(key: tuple, data: bytes) -> bytes:
    global _gzip_cache_size
    cached = _gzip_cache.get(key)
    if cached is not None:
        return cached
    compressed = gzip.compress(data, compresslevel=6, mtime=0)
    with _gzip_lock:
        if _gzip_cache_size + len(compressed) > _GZIP_CACHE_LIMIT:
            _gzip_cache.clear()
            _gzip_cache_size = 0
        if key not in _gzip_cache:
            _gzip_cache[key] = compressed
            _gzip_cache_size += len(compressed)
    return compressed


def serve_static(request: Request, root: pathlib.Path | str, rel_path: str, *,
                 cache_control: str = "no-cache") -> Response:
    """Answer `request` with the file `rel_path` under `root`.

    GET and HEAD only (405 otherwise); 404 for anything missing or outside root; 304 when
    If-None-Match (or If-Modified-Since) says the client's copy is current; gzip for text files
    over 1 KiB when the client accepts it. The answer is a `DeferredResponse` (see the module
    docstring): the file system is touched when it is made.
    """
    return DeferredResponse(lambda: _serve_static_now(request, root, rel_path, cache_control))


def _serve_static_now(request: Request, root, rel_path: str, cache_control: str) -> Response:
    if request.method not in ("GET", "HEAD"):
        return Response.text(405, "method not allowed", headers=[("Allow", "GET, HEAD")])
    path = resolve_static(root, rel_path)
    if path is None:
        return Response.text(404, "not found")
    try:
        st = path.stat()
    except OSError:
        return Response.text(404, "not found")
    validator = f"{st.st_size:x}-{st.st_mtime_ns:x}"
    return serve_bytes(request, path.read_bytes, content_type(path), validator, size=st.st_size,
                       last_modified=st.st_mtime, cache_control=cache_control,
                       cache_key=(str(path), st.st_size, st.st_mtime_ns), stream_path=path)


def serve_bytes(request: Request, data, ctype: str, validator: str, *, size: int | None = None,
                last_modified: float | None = None, cache_control: str = "no-cache",
                cache_key: tuple | None = None, stream_path: pathlib.Path | None = None) -> Response:
    """Answer a GET/HEAD with `data` of type `ctype`: bytes, or a function returning them (called
    only if a body is sent; then give its `size`). `validator` names this content: the ETag.
    304 when If-None-Match (or If-Modified-Since, with `last_modified`) says the client's copy is
    current; gzip over 1 KiB when accepted, cached under `cache_key` (default: the validator).
    With `stream_path` (the file `data` reads), a body over STREAM_MIN bytes that is not gzipped
    is a `FileResponse`."""
    if size is None:
        size = len(data)
    compressible = ctype.startswith(_COMPRESSIBLE) and size > GZIP_MIN_SIZE
    use_gzip = compressible and _accepts_gzip(request.headers.get("accept-encoding"))
    # A strong validator per representation (RFC 9110 §8.8.3): the gzip body gets its own tag.
    etag = f'"{validator}{"-gz" if use_gzip else ""}"'
    headers = [("ETag", etag)]
    if last_modified is not None:
        headers.append(("Last-Modified", formatdate(last_modified, usegmt=True)))
    headers.append(("Cache-Control", cache_control))
    if compressible:
        headers.append(("Vary", "Accept-Encoding"))
    # RFC 9110 §13.1.2 / §13.1.3: If-None-Match wins; If-Modified-Since only without it.
    inm = request.headers.get("if-none-match")
    if inm is not None:
        not_modified = _etag_matches(inm, etag)
    else:
        not_modified = False
        ims = request.headers.get("if-modified-since")
        if ims and last_modified is not None:
            try:
                since = parsedate_to_datetime(ims).timestamp()
                not_modified = int(last_modified) <= since
            except (TypeError, ValueError, IndexError, OverflowError):
                not_modified = False
    if not_modified:
        return Response(304, headers)
    if stream_path is not None and not use_gzip and size > STREAM_MIN:
        headers.insert(0, ("Content-Type", ctype))
        headers.append(("X-Content-Type-Options", "nosniff"))
        return FileResponse(headers, stream_path, size)
    if callable(data):
        try:
            data = data()
        except OSError:
            return Response.text(404, "not found")
    headers.insert(0, ("Content-Type", ctype))
    headers.append(("X-Content-Type-Options", "nosniff"))
    if use_gzip:
        data = _gzipped(cache_key or (validator,), bytes(data))
        headers.append(("Content-Encoding", "gzip"))
    return Response(200, headers, data)
