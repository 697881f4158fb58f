"""Uploaded files, received in chunks (docs/input-protocol.md §3).

The browser sends each file as binary messages of at most 256 KiB. An `UploadTarget` collects the
files of one form submit (or one file-pin read) into temporary files, checking every limit as
chunks arrive, so a 1 GB upload never sits in memory and an oversize one is refused at once.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Callable

from ..clientlog import excerpt
from ..protocol.app import UploadChunk

logger = logging.getLogger("pywebio_lite.session")

__all__ = ["UploadTarget", "UploadError", "MEMORY_LIMIT", "MMAP_THRESHOLD"]

#: A file is kept in memory up to this size while it arrives, then moved to a temporary file.
MEMORY_LIMIT = 1 << 20
#: Files bigger than this are returned as a read-only mmap of their temporary file, not as bytes.
MMAP_THRESHOLD = 32 << 20


class UploadError(ValueError):
    """A file the server refuses (too big, incomplete, never sent...). The message is for the user."""


def format_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


class _File:
    __slots__ = ("name", "size", "received", "spool", "error")

    def __init__(self, name: str, size: int):
        self.name, self.size, self.received = name, size, 0
        import tempfile  # on first upload only: importing it is not free
        self.spool = tempfile.SpooledTemporaryFile(max_size=MEMORY_LIMIT)
        self.error: str | None = None

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()
            self.spool = None


class UploadTarget:
    """The files of one submit. `limits` maps an input name to (max_size, max_total_size) in bytes."""

    def __init__(self, target_id: str, limits: dict[str, tuple[int, int]],
                 on_refuse: Callable[[str, str], None] | None = None):
        self.target_id = target_id
        self.limits = limits
        self.on_refuse = on_refuse
        self.files: dict[int, _File] = {}
        self.closed = False
        # Chunks arrive in the event loop's thread; take() and close() run in the app's.
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- receiving
    def add_chunk(self, chunk: UploadChunk, name: str) -> None:
        """Store one chunk. A refused file is reported once through on_refuse and then ignored."""
        with self._lock:
            refused = self._add(chunk, name)
        if refused is not None and self.on_refuse is not None:
            self.on_refuse(*refused)

    def _add(self, chunk: UploadChunk, name: str) -> tuple[str, str] | None:
        if self.closed:
            return None
        f = self.files.get(chunk.file)
        if f is None:
            if name not in self.limits:
                logger.warning("dropped an upload chunk for an input this form does not have: %s",
                               excerpt(name, 40))
                return None
            # The page sends files one after another: an unfinished earlier file of this input
            # was cut off by a dropped connection, and the page is sending it again whole.
            for g in self.files.values():
                if g.name == name and g.error is None and g.received < g.size:
                    g.error = "The upload was interrupted; please try again"
                    g.close()
            f = self.files[chunk.file] = _File(name, chunk.size)
            max_size, max_total = self.limits[name]
            # files refused earlier do not count (the page sends new numbers when it submits again)
            total = sum(g.size for g in self.files.values() if g.name == name and g.error is None)
            if max_size and chunk.size > max_size:
                return self._refuse(f, f"The file is too big: {format_size(chunk.size)} "
                                       f"(the limit is {format_size(max_size)})")
            if max_total and total > max_total:
                return self._refuse(f, f"The files are too big together: {format_size(total)} "
                                       f"(the limit is {format_size(max_total)})")
        if f.error is not None:
            return None
        if chunk.size != f.size or chunk.offset != f.received or f.name != name:
            logger.warning("refused an upload: chunk out of order (offset %d, expected %d)", chunk.offset, f.received)
            return self._refuse(f, "The upload was interrupted; please try again")
        f.spool.write(chunk.data)
        f.received += len(chunk.data)
        return None

    @staticmethod
    def _refuse(f: _File, message: str) -> tuple[str, str]:
        f.error = message
        f.close()
        logger.info("refused an upload for %s: %s", excerpt(f.name, 40), message)
        return f.name, message

    # ---------------------------------------------------------------- taking
    def take(self, name: str, descriptor) -> dict:
        """The finished file a submit descriptor names: {filename, content, mime_type, last_modified}."""
        with self._lock:
            return self._take(name, descriptor)

    def _take(self, name: str, descriptor) -> dict:
        if not isinstance(descriptor, dict):
            raise UploadError("Invalid file")
        index = descriptor.get("file")
        f = self.files.get(index) if type(index) is int else None
        if f is None or f.name != name:
            raise UploadError("The file was not received; please choose it again")
        if f.error is not None:
            raise UploadError(f.error)
        if f.received != f.size:
            raise UploadError("The upload did not finish; please try again")
        filename = descriptor.get("filename")
        mime = descriptor.get("mime_type")
        modified = descriptor.get("last_modified")
        if not isinstance(filename, str) or not isinstance(mime, str):
            raise UploadError("Invalid file")
        if isinstance(modified, bool) or not isinstance(modified, (int, float)):
            modified = 0.0
        del self.files[index]  # taken once: a later submit sends the file again under a new number
        return {"filename": os.path.basename(filename.replace("\\", "/")), "content": self._content(f),
                "mime_type": mime, "last_modified": float(modified)}

    @staticmethod
    def _content(f: _File):
        spool = f.spool
        if f.size > MMAP_THRESHOLD:
            spool.rollover()
            spool.flush()
            import mmap
            content = mmap.mmap(spool.fileno(), 0, access=mmap.ACCESS_READ)
        else:
            spool.seek(0)
            content = spool.read()
        f.close()
        f.spool = None
        return content

    def close(self) -> None:
        """Free every file that was not taken."""
        with self._lock:
            self.closed = True
            for f in self.files.values():
                f.close()
            self.files.clear()
