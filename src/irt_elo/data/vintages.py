"""Vintages of Epoch's data: the bundled ECI releases and the ``benchmark_data.zip`` downloads kept in a per-user
cache.

Epoch republishes ``https://epoch.ai/data/benchmark_data.zip`` every day (CC BY 4.0). :func:`fetch` downloads it
into the cache, one folder per distinct content::

    <cache>/epoch/<YYYY-MM-DD>_<sha256[:12]>/benchmark_data.zip
    <cache>/epoch/<YYYY-MM-DD>_<sha256[:12]>/provenance.json

``<cache>`` is the ``cache_dir`` argument, else the environment variable ``IRT_ELO_CACHE_DIR``, else the platform's
per-user cache folder for ``irt-elo`` (:func:`cache_root`). The date is the (UTC) day of the download. A download
goes to a temporary file beside the vintages and is moved into place only once it is complete and checked (HTTP
200, a zip content type, the announced length, a readable zip), so an interrupted or corrupt download never
replaces a good vintage and leaves no file behind; a download with the same bytes as a vintage already kept is not
stored twice.

:func:`list_vintages` lists the bundled ECI releases beside the fetched vintages, newest first, and
:func:`resolve_vintage` turns ``'latest'``, a date or a vintage name into one :class:`Vintage`.

Only the standard library is imported here (``platformdirs``, ``tqdm`` and the layout readers when used), so the
command line can import this module cheaply.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import socket
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import date as Date
from datetime import datetime, timezone
from pathlib import Path

from irt_elo.data.files import new_file_mode
from irt_elo.errors import IrtEloError

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any, BinaryIO

DEFAULT_URL = "https://epoch.ai/data/benchmark_data.zip"
LICENCE = "CC BY 4.0"
CITATION = "Epoch AI, 'Capabilities & Benchmarking'. Published online at epoch.ai."
CACHE_ENV = "IRT_ELO_CACHE_DIR"
DEFAULT_TIMEOUT = 60.0  # seconds without an answer (connecting, or between two reads) before a download gives up
ZIP_NAME = "benchmark_data.zip"
PROVENANCE_NAME = "provenance.json"
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/x-zip", "multipart/x-zip",
             "application/octet-stream")
BUNDLED_PREFIX = "epoch_eci_"

_CHUNK = 1 << 16
_PART_PREFIX = ".download-"
_PART_SUFFIX = ".part"
_STALE_PART_S = 24 * 3600  # a temporary file this old is left over from a killed process
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FETCHED = re.compile(r"^(\d{4}-\d{2}-\d{2})_([0-9a-f]{12})$")


@dataclass(frozen=True)
class Vintage:
    """One vintage of Epoch's data.

    ``kind`` is ``'bundled'`` (``path``: the bundled folder of ECI files; ``sha256``: the digest of that folder's
    ``sha256sum *`` listing) or ``'fetched'`` (``path``: the cached ``benchmark_data.zip``; ``sha256``: its
    digest). ``status`` is set by :func:`fetch` only: ``'new'`` for a download stored now, ``'unchanged'`` when the
    content was already kept.
    """

    date: str
    kind: str
    path: Path
    sha256: str
    size: int
    layout: str = "unknown"
    url: str | None = None
    fetched_at: str | None = None
    status: str | None = None

    @property
    def name(self) -> str:
        """What :func:`resolve_vintage` accepts for exactly this vintage: the date of a bundled release, the cache
        folder name ``<date>_<sha256[:12]>`` of a fetched one."""
        return self.date if self.kind == "bundled" else f"{self.date}_{self.sha256[:12]}"


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """The cache folder: ``cache_dir``, else ``$IRT_ELO_CACHE_DIR``, else the per-user cache of ``irt-elo``.

    Examples
    --------
    >>> cache_root("/tmp/irt-elo-cache").as_posix()
    '/tmp/irt-elo-cache'
    """
    if cache_dir is not None and str(cache_dir) != "":
        return Path(cache_dir).expanduser()
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("irt-elo", appauthor=False))


def epoch_dir(cache_dir: str | os.PathLike | None = None) -> Path:
    """The folder holding the fetched vintages of Epoch's zip (``<cache>/epoch``)."""
    return cache_root(cache_dir) / "epoch"


# -- listing and resolving -----------------------------------------------------------------------------------------

def list_vintages(cache_dir: str | os.PathLike | None = None) -> list[Vintage]:
    """Every vintage available offline, newest first: the bundled ECI releases and the fetched zips.

    On the same day a fetched vintage counts as newer than a bundled one, and later fetches as newer than earlier.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as empty_cache:
    ...     [(v.date, v.kind) for v in list_vintages(empty_cache)]
    [('2026-08-11', 'bundled'), ('2025-12-19', 'bundled')]
    """
    found = bundled_vintages() + fetched_vintages(cache_dir)
    return sorted(found, key=lambda v: (v.date, v.kind == "fetched", v.fetched_at or ""), reverse=True)


def bundled_vintages() -> list[Vintage]:
    """The ECI releases bundled with the package (folders ``epoch_eci_<date>``)."""
    from irt_elo.data.bundled import bundled_dir

    out = []
    for folder in sorted(bundled_dir().glob(f"{BUNDLED_PREFIX}*")):
        day = folder.name[len(BUNDLED_PREFIX):]
        if not (folder.is_dir() and _DATE.match(day)):
            continue
        files = sorted(f for f in folder.iterdir() if f.is_file())
        listing = "".join(f"{file_sha256(f)}  {f.name}\n" for f in files)
        out.append(Vintage(date=day, kind="bundled", path=folder,
                           sha256=hashlib.sha256(listing.encode("utf-8")).hexdigest(),
                           size=sum(f.stat().st_size for f in files), layout="epoch-eci"))
    return out


def fetched_vintages(cache_dir: str | os.PathLike | None = None) -> list[Vintage]:
    """The complete vintages in the cache (a folder whose zip and ``provenance.json`` agree); others are skipped."""
    root = epoch_dir(cache_dir)
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(root.iterdir()):
        m = _FETCHED.match(folder.name)
        if not (m and folder.is_dir()):
            continue
        v = _read_vintage(folder)
        if v is not None:
            out.append(v)
    return out


def _read_vintage(folder: Path) -> Vintage | None:
    zpath, ppath = folder / ZIP_NAME, folder / PROVENANCE_NAME
    try:
        prov = json.loads(ppath.read_text(encoding="utf-8"))
        size = zpath.stat().st_size
    except (OSError, ValueError):
        return None
    sha = str(prov.get("sha256", ""))
    if size != prov.get("size") or not folder.name.endswith("_" + sha[:12]):
        return None
    return Vintage(date=folder.name[:10], kind="fetched", path=zpath, sha256=sha, size=size,
                   layout=str(prov.get("layout") or "unknown"), url=prov.get("url"), fetched_at=prov.get("fetched_at"))


def resolve_vintage(name: str, cache_dir: str | os.PathLike | None = None) -> Vintage:
    """The vintage ``name`` means: ``'latest'`` (the newest of all), a date ``YYYY-MM-DD`` (that day's vintage;
    of several fetches that day, the newest) or a fetched vintage's full name ``YYYY-MM-DD_<sha256[:12]>``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as empty_cache:
    ...     v = resolve_vintage("2025-12-19", cache_dir=empty_cache)
    >>> v.kind, v.path.name
    ('bundled', 'epoch_eci_2025-12-19')
    """
    wanted = str(name).strip()
    vintages = list_vintages(cache_dir)
    if wanted.lower() == "latest" and vintages:
        return vintages[0]
    for v in vintages:  # newest first, so the first match of a date is that day's newest
        if wanted in (v.date, v.name):
            return v
    raise IrtEloError(f"no vintage {wanted!r}; available: {available(vintages)} (or 'latest'; "
                      f"`irt-elo fetch` downloads today's)")


def available(vintages: list[Vintage]) -> str:
    """The vintages as one line for messages: ``2026-09-23_ab12cd34ef56 (fetched), 2026-08-11 (bundled), ...``."""
    return ", ".join(f"{v.name} ({v.kind})" for v in vintages) or "none"


# -- downloading ---------------------------------------------------------------------------------------------------

def fetch(url: str = DEFAULT_URL, *, cache_dir: str | os.PathLike | None = None, timeout: float = DEFAULT_TIMEOUT,
          progress: bool = False, today: Date | str | None = None) -> Vintage:
    """Download Epoch's ``benchmark_data.zip`` (or the zip at ``url``) into the cache and return its vintage.

    The body goes to a temporary file beside the vintages and is kept only if the answer was HTTP 200 with a zip
    (or octet-stream) content type, the body has the announced ``Content-Length`` and the file is a readable zip
    whose members pass their CRC checks. The same bytes as a vintage already kept (or a ``304 Not Modified``
    answer to the validators of the newest vintage from ``url``) reuse that vintage, with ``status='unchanged'``;
    otherwise the zip and its ``provenance.json`` (URLs, HTTP validators, sizes, sha256, time, layout, licence and
    citation) are stored as ``<cache>/epoch/<today>_<sha256[:12]>/`` and ``status`` is ``'new'``.

    ``timeout`` bounds every wait on the network (connecting, each read). ``progress`` draws a progress bar on
    stderr. ``today`` is the vintage's date (default: today in UTC). Any failure raises one
    :class:`~irt_elo.errors.IrtEloError` line saying what failed and which vintages are available offline;
    nothing is left behind.
    """
    import http.client
    import urllib.error
    import urllib.parse
    import urllib.request

    try:
        parts = urllib.parse.urlsplit(str(url))
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as e:
        raise IrtEloError(f"{url!r} is not a valid URL ({e}); give the address of the zip, e.g. "
                          f"{DEFAULT_URL}") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise IrtEloError(f"{url!r} is not an http(s) URL; give the address of the zip, e.g. {DEFAULT_URL}")
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise IrtEloError(f"timeout must be a positive number of seconds, not {timeout!r}")
    day = _day(today)
    root = epoch_dir(cache_dir)
    previous = [v for v in fetched_vintages(cache_dir) if v.url == url]
    previous.sort(key=lambda v: v.fetched_at or "", reverse=True)
    headers = {"User-Agent": user_agent(), "Accept": "application/zip, application/octet-stream;q=0.9, */*;q=0.1"}
    validators = _provenance(previous[0]) if previous else {}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]

    def failed(why: str) -> IrtEloError:
        return IrtEloError(f"download of {url} failed: {why}; available offline: {available(list_vintages(cache_dir))}")

    fetched_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    request = urllib.request.Request(url, headers=headers)
    tmp: Path | None = None
    try:
        try:
            response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - scheme checked above
        except urllib.error.HTTPError as e:
            e.close()
            if e.code == 304 and previous:
                return _with_status(previous[0], "unchanged")
            raise failed(f"HTTP {e.code} {e.reason}".rstrip()) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as e:
            raise failed(_network_reason(e, timeout)) from None
        with response:
            status = response.status
            info = response.headers
            if status != 200:
                raise failed(f"HTTP {status} {response.reason} (expected 200 with the zip)".rstrip())
            ctype = (info.get_content_type() if info.get("Content-Type") else None)
            if ctype is not None and ctype not in ZIP_TYPES and not ctype.endswith("+zip"):
                raise failed(f"the server sent {ctype}, not a zip (a login or error page?)")
            expected = _content_length(info.get("Content-Length"))
            _make_cache(root)  # only now: a failed request leaves no folder behind
            fd, name = tempfile.mkstemp(prefix=_PART_PREFIX, suffix=_PART_SUFFIX, dir=root)
            tmp = Path(name)
            with os.fdopen(fd, "wb") as out:
                size, sha = _copy(response, out, expected, progress, timeout, failed)
        if expected is not None and size != expected:
            raise failed(f"the body has {size} of the announced {expected} bytes (cut off)")
        _check_zip(tmp, failed)
        existing = next((v for v in fetched_vintages(cache_dir) if v.sha256 == sha), None)
        if existing is not None:
            return _with_status(existing, "unchanged")
        folder = root / f"{day}_{sha[:12]}"
        folder.mkdir(exist_ok=True)
        os.chmod(tmp, new_file_mode())  # mkstemp's 0600 would ignore the umask
        os.replace(tmp, folder / ZIP_NAME)
        tmp = None
        layout = detect_layout(folder / ZIP_NAME)  # under its own name: readers look at the suffix
        prov = {"url": url, "final_url": response.geturl(), "http_status": status, "content_type": ctype,
                "etag": info.get("ETag"), "last_modified": info.get("Last-Modified"), "content_length": expected,
                "size": size, "sha256": sha, "date": day, "fetched_at": fetched_at, "layout": layout,
                "licence": LICENCE, "citation": CITATION, "fetched_by": user_agent()}
        _write_json(folder / PROVENANCE_NAME, prov)  # written last: a folder without it is not a vintage
        return Vintage(date=day, kind="fetched", path=folder / ZIP_NAME, sha256=sha, size=size, layout=layout,
                       url=url, fetched_at=fetched_at, status="new")
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def user_agent() -> str:
    """The ``User-Agent`` of every download: ``irt-elo/<version> (+homepage)``."""
    from irt_elo._version import __version__

    return f"irt-elo/{__version__} (+https://github.com/irt-elo/irt-elo)"


def detect_layout(path: str | os.PathLike) -> str:
    """``'epoch-release'`` for the zip layout Epoch publishes since September 2026, ``'epoch-hub'`` for the layout
    before it, ``'unknown'`` otherwise (or when the reader of the new layout is not installed)."""
    try:
        from irt_elo.data.readers.epoch_release import is_release
    except ImportError:
        return "unknown"
    try:
        if is_release(path):
            return "epoch-release"
        from irt_elo.data.readers.epoch_hub import is_hub

        return "epoch-hub" if is_hub(path) else "unknown"
    except Exception:  # noqa: BLE001 - a reader's failure to recognise a file is not a failed download
        return "unknown"


def file_sha256(path: str | os.PathLike) -> str:
    """The sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _copy(response: Any, out: BinaryIO, expected: int | None, progress: bool, timeout: float,
          failed: Any) -> tuple[int, str]:
    """Stream the body into ``out`` in chunks; the number of bytes and their sha256."""
    import http.client

    h = hashlib.sha256()
    size = 0
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=expected, unit="B", unit_scale=True, unit_divisor=1024, desc=ZIP_NAME,
                   file=getattr(sys.stderr, "wrapped", sys.stderr), leave=False)  # past the CLI's escaping wrapper
    try:
        while True:
            try:
                chunk = response.read(_CHUNK)
            except http.client.IncompleteRead as e:
                raise failed(f"the connection closed after {size + len(e.partial)}+ bytes, before the end of the "
                             "body (interrupted)") from None
            except (OSError, http.client.HTTPException) as e:
                raise failed(f"the connection broke after {size} bytes ({_network_reason(e, timeout)})") from None
            if not chunk:
                break
            out.write(chunk)
            h.update(chunk)
            size += len(chunk)
            if expected is not None and size > expected:
                raise failed(f"the body is longer than the announced {expected} bytes")
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()
    return size, h.hexdigest()


def _check_zip(path: Path, failed: Any) -> None:
    from irt_elo.data.archive import check_zip_sizes

    try:
        with zipfile.ZipFile(path) as z:
            if not z.namelist():
                raise failed("the zip is empty")
            try:
                check_zip_sizes(z.infolist(), "the zip")  # from its directory, before testzip inflates anything
            except IrtEloError as e:
                raise failed(str(e)) from None
            bad = z.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError) as e:
        raise failed(f"the file is not a readable zip ({e})") from None
    if bad is not None:
        raise failed(f"the zip member {bad} is corrupt (CRC mismatch)")


def _network_reason(e: BaseException, timeout: float) -> str:
    """Why a connection failed, in words: DNS, refused, timed out, or the library's reason."""
    reason = getattr(e, "reason", e)
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return f"no answer within {timeout:g} s (timed out)"
    if isinstance(reason, socket.gaierror):
        return f"the host name could not be resolved (offline or DNS failure: {reason.strerror or reason})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (offline, or nothing listens at that address)"
    if isinstance(reason, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _content_length(value: str | None) -> int | None:
    try:
        n = int(value) if value is not None else None
    except ValueError:
        return None
    return n if n is not None and n >= 0 else None


def _day(today: Date | str | None) -> str:
    if today is None:
        return datetime.now(timezone.utc).date().isoformat()
    text = today.isoformat() if isinstance(today, Date) else str(today)
    text = text[:10]
    try:
        return Date.fromisoformat(text).isoformat()
    except ValueError:
        raise IrtEloError(f"today={today!r}: give a date YYYY-MM-DD") from None


def _provenance(v: Vintage) -> dict[str, Any]:
    try:
        return json.loads((v.path.parent / PROVENANCE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _with_status(v: Vintage, status: str) -> Vintage:
    return replace(v, status=status)


def _write_json(path: Path, obj: dict[str, Any]) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
        os.chmod(name, new_file_mode())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _make_cache(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise IrtEloError(f"cannot create the cache folder {root} ({e.strerror or e}); choose another with "
                          f"--cache-dir or ${CACHE_ENV}") from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise IrtEloError(f"the cache folder {root} is not writable; choose another with --cache-dir or "
                          f"${CACHE_ENV}")
    _remove_stale_parts(root)


def _remove_stale_parts(root: Path) -> None:
    """Delete temporary downloads a killed process left behind (older than a day, so never a running one's)."""
    now = time.time()
    for p in root.glob(f"{_PART_PREFIX}*{_PART_SUFFIX}"):
        try:
            if now - p.stat().st_mtime > _STALE_PART_S:
                p.unlink()
        except OSError:
            pass


__all__ = ["Vintage", "fetch", "list_vintages", "resolve_vintage", "bundled_vintages", "fetched_vintages",
           "cache_root", "epoch_dir", "available", "detect_layout", "file_sha256", "user_agent", "DEFAULT_URL",
           "DEFAULT_TIMEOUT", "LICENCE", "CITATION", "CACHE_ENV", "ZIP_NAME", "PROVENANCE_NAME"]
