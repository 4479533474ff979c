"""How the recap workbook is zipped: faster than xlsxwriter's default, same contents.

Once the rows are rendered (or taken from :mod:`lketool.recap.rowstore`), deflating the
sheet XML - about 17 MB per 1,000 units - is the largest part of writing a recap.  Two
things make it cheaper:

* level 3 instead of zlib's default 6: half the time for a file about 15 % larger;
* large parts (the Temuan sheet) are deflated in 1 MB blocks on every core at once, the
  way ``pigz`` does: each block ends with a sync flush, so the blocks joined end to end,
  plus a final empty block, are one valid deflate stream that any unzip reads.

xlsxwriter has no option for either: within :class:`compressing`, its module-level
``ZipFile`` is swapped for a subclass (a lock keeps two writers from swapping at once).
"""
from __future__ import annotations

import os
import shutil
import sys
import threading
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

#: Deflate level of the recap's zip (see the module docstring).
ZIP_LEVEL = 3
#: Parts at least this big are deflated in parallel blocks of :data:`BLOCK` bytes.
PARALLEL_FROM = 4 << 20
BLOCK = 1 << 20

_LOCK = threading.Lock()
_FINAL = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15).flush()  # an empty final block


def _deflate_block(data: bytes, level: int) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)  # byte-aligned, not final


class ParallelDeflate:
    """zlib's compressor interface (``compress``/``flush``) producing one raw deflate
    stream from blocks compressed in ``pool``'s threads (zlib releases the GIL).  At most
    a few blocks are in flight, so memory stays bounded whatever the size."""

    def __init__(self, level: int, pool: ThreadPoolExecutor, workers: int):
        self.level, self.pool = level, pool
        self.ahead = 2 * max(1, workers)
        self.buf: list[bytes] = []
        self.size = 0
        self.futs: deque[Future] = deque()

    def compress(self, data: bytes) -> bytes:
        self.buf.append(data)
        self.size += len(data)
        if self.size >= BLOCK:
            self._submit()
        out = []
        while self.futs and (self.futs[0].done() or len(self.futs) > self.ahead):
            out.append(self.futs.popleft().result())
        return b"".join(out)

    def flush(self) -> bytes:
        if self.buf:
            self._submit()
        out = [f.result() for f in self.futs]
        self.futs.clear()
        out.append(_FINAL)
        return b"".join(out)

    def _submit(self) -> None:
        block = b"".join(self.buf)
        self.buf, self.size = [], 0
        self.futs.append(self.pool.submit(_deflate_block, block, self.level))


class compressing:
    """Within the block, xlsxwriter zips at :data:`ZIP_LEVEL`, large parts in parallel."""

    def __init__(self, level: int = ZIP_LEVEL):
        self.level = level
        self.pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> "compressing":
        import zipfile

        import xlsxwriter.workbook as xw

        _LOCK.acquire()
        level, outer = self.level, self
        # no threads in the browser (Pyodide): there every part is deflated in one go
        workers = 1 if sys.platform == "emscripten" else (os.cpu_count() or 1)

        class _Zip(zipfile.ZipFile):
            def __init__(self, *a, **k):
                k.setdefault("compresslevel", level)
                super().__init__(*a, **k)

            def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
                try:
                    big = os.path.getsize(filename) >= PARALLEL_FROM
                except OSError:
                    big = False
                if not big or workers < 2 or compress_type is not None or self.compression != zipfile.ZIP_DEFLATED:
                    return super().write(filename, arcname, compress_type, compresslevel)
                # ZipFile.write for a regular file, with the parallel compressor.
                zinfo = zipfile.ZipInfo.from_file(filename, arcname,
                                                  strict_timestamps=getattr(self, "_strict_timestamps", True))
                zinfo.compress_type = zipfile.ZIP_DEFLATED
                with open(filename, "rb") as src, self.open(zinfo, "w") as dest:
                    if not hasattr(dest, "_compressor"):  # another Python's zipfile: its own way
                        shutil.copyfileobj(src, dest, BLOCK)
                        return None
                    if outer.pool is None:
                        outer.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lketool-zip")
                    dest._compressor = ParallelDeflate(level, outer.pool, workers)
                    shutil.copyfileobj(src, dest, BLOCK)
                return None

        self._module, self._saved = xw, xw.ZipFile
        xw.ZipFile = _Zip
        return self

    def __exit__(self, *exc) -> None:
        self._module.ZipFile = self._saved
        if self.pool is not None:
            self.pool.shutdown()
        _LOCK.release()
