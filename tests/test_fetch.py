"""``irt_elo.data.vintages`` and ``irt-elo fetch``: Epoch's zip downloaded into a per-user cache, checked before it
is kept, listed beside the bundled releases; every failure is one line and leaves the cache as it was.

Every download goes to a real HTTP server on 127.0.0.1 started by a fixture (bounded: short timeouts, a request
limit, shut down after each test); no test touches the network or the real home folder.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import socket
import struct
import threading
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from irt_elo.cli import main
from irt_elo.data.bundled import bundled_path
from irt_elo.data.vintages import CITATION, LICENCE, cache_root, fetch, list_vintages, resolve_vintage
from irt_elo.errors import IrtEloError

TIMEOUT = 3.0  # every request of these tests gives up after this long
MAX_REQUESTS = 10  # per test; more means a retry loop gone wrong
DAY = "2026-09-23"
RELEASE_READER = importlib.util.find_spec("irt_elo.data.readers.epoch_release") is not None


# -- fixtures: zips in the September 2026 layout, a local server, a private cache ----------------------------------

def release_zip(readme: str = "Epoch AI benchmark data. CC BY 4.0.\n", *, stored: bool = False) -> bytes:
    """A small zip in the layout Epoch publishes since September 2026, built from the bundled 2026-08-11 files."""
    src = bundled_path("epoch_eci_2026-08-11")
    members = {
        "README.md": readme.encode(),
        "epoch_capabilities_index/eci_scores.csv": (src / "eci_scores.csv").read_bytes(),
        "epoch_capabilities_index/edi_scores.csv": (src / "edi_scores.csv").read_bytes(),
        "epoch_capabilities_index/processed_data_for_eci.csv": (src / "eci_benchmarks.csv").read_bytes(),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 9, 23, 0, 0, 0)), data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def zip_a() -> bytes:
    return release_zip()


@pytest.fixture(scope="module")
def zip_b() -> bytes:
    return release_zip("Epoch AI benchmark data, a day later. CC BY 4.0.\n")


@dataclass
class Route:
    body: bytes
    ctype: str = "application/zip"
    mode: str = "ok"  # ok | truncated | reset | chunked-cut | close-cut | stall
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Seen:
    path: str
    headers: dict[str, str] = field(default_factory=dict)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT  # a client that stalls cannot hold a server thread for long
    server: LocalServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        srv = self.server
        srv.seen.append(Seen(self.path, dict(self.headers)))
        if len(srv.seen) > MAX_REQUESTS:
            self.send_error(429)
            return
        route = srv.routes.get(self.path)
        if route is None or route.status == 404:
            self.send_error(404, "Not Found")
            return
        if route.etag and self.headers.get("If-None-Match") == route.etag:
            self.send_response(304)
            self.send_header("ETag", route.etag)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            return
        body = route.body
        self.send_response(route.status)
        self.send_header("Content-Type", route.ctype)
        self.send_header("Connection", "close")
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        if route.mode == "stall":
            self.end_headers()
            srv.release.wait(TIMEOUT)
            return
        if route.mode == "chunked-cut":  # announces a chunk and closes inside it
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(f"{len(body):x}\r\n".encode() + body[: len(body) // 2])
            return
        if route.mode == "close-cut":  # no length announced; the connection closes half-way
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            return
        announced = len(body) + 1000 if route.mode == "truncated" else len(body)
        self.send_header("Content-Length", str(announced))
        self.end_headers()
        if route.mode == "reset":  # half the body, then a TCP reset
            self.wfile.write(body[: len(body) // 2])
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.release = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the broken connections are on purpose


@pytest.fixture
def server():
    srv = LocalServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.release.set()
        srv.shutdown()
        srv.server_close()
        thread.join(TIMEOUT)
    assert len(srv.seen) <= MAX_REQUESTS


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """No test reaches the real per-user cache: the environment points at a folder of the test's own."""
    monkeypatch.setenv("IRT_ELO_CACHE_DIR", str(tmp_path / "env-cache"))


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def good(server, cache, zip_a):
    """A good vintage fetched on 2026-09-20, before whatever the test does next."""
    server.routes["/good.zip"] = Route(zip_a)
    return fetch(server.url("/good.zip"), cache_dir=cache, timeout=TIMEOUT, today="2026-09-20")


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (hidden ones too) with its sha256."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- success -------------------------------------------------------------------------------------------------------

def test_fetch_stores_the_zip_under_its_date_and_sha256_with_its_provenance(server, cache, zip_a):
    server.routes["/benchmark_data.zip"] = Route(zip_a, etag='"v1"', last_modified="Wed, 23 Sep 2026 06:00:00 GMT")
    url = server.url("/benchmark_data.zip")
    v = fetch(url, cache_dir=cache, timeout=TIMEOUT, today=DAY)
    sha = hashlib.sha256(zip_a).hexdigest()
    folder = cache / "epoch" / f"{DAY}_{sha[:12]}"
    assert (v.status, v.kind, v.date, v.sha256, v.size) == ("new", "fetched", DAY, sha, len(zip_a))
    assert v.path == folder / "benchmark_data.zip" and v.path.read_bytes() == zip_a
    assert snapshot(cache) == {f"epoch/{folder.name}/benchmark_data.zip": sha,
                               f"epoch/{folder.name}/provenance.json": snapshot(folder)["provenance.json"]}
    prov = json.loads((folder / "provenance.json").read_text())
    assert prov["url"] == url and prov["final_url"] == url
    assert (prov["etag"], prov["last_modified"]) == ('"v1"', "Wed, 23 Sep 2026 06:00:00 GMT")
    assert prov["content_length"] == prov["size"] == len(zip_a) and prov["sha256"] == sha
    fetched_at = datetime.fromisoformat(prov["fetched_at"])
    assert fetched_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(timezone.utc) - fetched_at).total_seconds()) < 60
    assert prov["layout"] in (("epoch-release", "unknown") if RELEASE_READER else ("unknown",))
    assert prov["licence"] == LICENCE == "CC BY 4.0" and prov["citation"] == CITATION and "Epoch AI" in CITATION
    assert server.seen[0].headers["User-Agent"].startswith("irt-elo/")


def test_fetched_vintage_is_listed_first_and_is_what_latest_and_its_date_resolve_to(server, cache, zip_a, capsys):
    server.routes["/benchmark_data.zip"] = Route(zip_a)
    v = fetch(server.url("/benchmark_data.zip"), cache_dir=cache, timeout=TIMEOUT, today=DAY)
    listed = list_vintages(cache)
    assert [(x.date, x.kind) for x in listed] == [(DAY, "fetched"), ("2026-08-11", "bundled"),
                                                  ("2025-12-19", "bundled")]
    assert listed[0] == resolve_vintage("latest", cache) == resolve_vintage(DAY, cache) == \
        resolve_vintage(v.name, cache) and listed[0].path == v.path
    bundled = resolve_vintage("2026-08-11", cache)
    assert bundled.kind == "bundled" and bundled.path == bundled_path("epoch_eci_2026-08-11")
    assert len(bundled.sha256) == 64 and bundled.size > 0

    assert main(["fetch", "--list", "--cache-dir", str(cache)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["vintage", "kind", "layout"]
    assert lines[2].startswith(f"{v.name} (latest)") and "fetched" in lines[2] and str(v.path) in lines[2]
    assert [ln.split()[:2] for ln in lines[3:5]] == [["2026-08-11", "bundled"], ["2025-12-19", "bundled"]]
    assert lines[-1] == f"cache: {cache}"


def test_second_fetch_of_the_same_bytes_is_unchanged_and_keeps_one_copy(server, cache, zip_a, capsys):
    server.routes["/benchmark_data.zip"] = Route(zip_a)  # no ETag: the bytes are compared
    url = server.url("/benchmark_data.zip")
    first = fetch(url, cache_dir=cache, timeout=TIMEOUT, today=DAY)
    before = snapshot(cache)
    again = fetch(url, cache_dir=cache, timeout=TIMEOUT, today="2026-09-24")
    assert again.status == "unchanged" and again.path == first.path and again.date == DAY
    assert snapshot(cache) == before and len(server.seen) == 2

    assert main(["fetch", "--url", url, "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"fetched {url}: unchanged: the same content as vintage {first.name}\n")
    assert snapshot(cache) == before


def test_not_modified_answer_to_the_etag_reuses_the_vintage_without_a_body(server, cache, zip_a):
    server.routes["/benchmark_data.zip"] = Route(zip_a, etag='"abc"')
    url = server.url("/benchmark_data.zip")
    first = fetch(url, cache_dir=cache, timeout=TIMEOUT, today=DAY)
    again = fetch(url, cache_dir=cache, timeout=TIMEOUT, today="2026-09-24")
    assert server.seen[1].headers.get("If-None-Match") == '"abc"'
    assert again.status == "unchanged" and again.path == first.path
    assert len(list((cache / "epoch").iterdir())) == 1


def test_new_content_on_the_same_day_is_a_second_vintage_and_the_date_resolves_to_the_newer(
        server, cache, zip_a, zip_b):
    server.routes["/a.zip"], server.routes["/b.zip"] = Route(zip_a), Route(zip_b)
    a = fetch(server.url("/a.zip"), cache_dir=cache, timeout=TIMEOUT, today=DAY)
    b = fetch(server.url("/b.zip"), cache_dir=cache, timeout=TIMEOUT, today=DAY)
    assert b.status == "new" and a.path != b.path and a.path.read_bytes() == zip_a
    assert resolve_vintage(DAY, cache) == resolve_vintage("latest", cache) == list_vintages(cache)[0]
    assert resolve_vintage(DAY, cache).path == b.path
    assert resolve_vintage(a.name, cache).path == a.path


def test_cli_fetch_prints_date_path_sha256_and_size_and_quiet_prints_nothing(server, cache, zip_a, capsys):
    server.routes["/benchmark_data.zip"] = Route(zip_a)
    url = server.url("/benchmark_data.zip")
    assert main(["fetch", "--url", url, "--cache-dir", str(cache), "--timeout", str(TIMEOUT)]) == 0
    cap = capsys.readouterr()
    v = list_vintages(cache)[0]
    assert cap.out.splitlines() == [
        f"fetched {url}: new vintage", f"  date   {v.date}", f"  path   {v.path}", f"  sha256 {v.sha256}",
        f"  size   {v.size / 1000:.1f} kB ({v.size:,} bytes)", f"  layout {v.layout}"]
    assert v.date == datetime.now(timezone.utc).date().isoformat()
    assert cap.err == ""  # no progress bar when stderr is not a terminal
    assert main(["fetch", "--url", url, "--cache-dir", str(cache), "-q"]) == 0
    assert capsys.readouterr().out == ""


def test_cache_folder_comes_from_the_environment_unless_given(server, tmp_path, monkeypatch, zip_a):
    monkeypatch.setenv("IRT_ELO_CACHE_DIR", str(tmp_path / "from-env"))
    assert cache_root() == tmp_path / "from-env" and cache_root(tmp_path / "arg") == tmp_path / "arg"
    server.routes["/benchmark_data.zip"] = Route(zip_a)
    v = fetch(server.url("/benchmark_data.zip"), timeout=TIMEOUT, today=DAY)
    assert v.path.is_relative_to(tmp_path / "from-env" / "epoch")
    assert resolve_vintage("latest").path == v.path
    monkeypatch.delenv("IRT_ELO_CACHE_DIR")
    assert cache_root().name.lower() == "irt-elo"  # the per-user folder (only its name is looked at)


# -- failures: one line, the good vintage untouched, no temporary file ------------------------------------------------

@pytest.mark.parametrize("route, why", [
    (Route(b"", status=404), "HTTP 404"),
    (Route(b"", mode="truncated"), "announced"),
    (Route(b"<html><body>Please sign in</body></html>", ctype="text/html"), "text/html, not a zip"),
    (Route(b"", mode="reset"), "connection"),
    (Route(b"", mode="chunked-cut"), "interrupted"),
    (Route(b"", mode="close-cut"), "not a readable zip"),
    (Route(b"", mode="corrupt"), "corrupt"),
    (Route(b"PK\x03\x04 not really a zip", ctype="application/octet-stream"), "not a readable zip"),
], ids=["404", "truncated", "html", "reset-mid-body", "chunked-cut", "closed-mid-body", "bad-crc", "not-a-zip"])
def test_failed_download_leaves_the_previous_vintage_untouched_and_no_temporary_file(
        server, cache, good, zip_b, route, why):
    before = snapshot(cache)
    route = replace(route, body=route.body or zip_b)
    if route.mode == "corrupt":  # a zip whose member fails its CRC check
        body = bytearray(release_zip("corrupted\n", stored=True))
        body[body.index(b"benchmark,") + 3] ^= 0x01
        route.body, route.mode = bytes(body), "ok"
    server.routes["/benchmark_data.zip"] = route
    url = server.url("/benchmark_data.zip")
    with pytest.raises(IrtEloError) as e:
        fetch(url, cache_dir=cache, timeout=TIMEOUT, today=DAY)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"download of {url} failed: ") and why in msg
    assert f"available offline: {good.name} (fetched), 2026-08-11 (bundled), 2025-12-19 (bundled)" in msg
    assert snapshot(cache) == before  # nothing replaced, nothing added, no temporary file
    assert resolve_vintage("latest", cache) == replace(good, status=None)


def test_server_that_stops_answering_times_out(server, cache, good, zip_b):
    server.routes["/benchmark_data.zip"] = Route(zip_b, mode="stall")
    before = snapshot(cache)
    with pytest.raises(IrtEloError, match=r"failed: .*no answer within 0.3 s \(timed out\)"):
        fetch(server.url("/benchmark_data.zip"), cache_dir=cache, timeout=0.3, today=DAY)
    assert snapshot(cache) == before


def test_offline_is_one_line_naming_the_url_and_the_vintages_available(cache, capsys):
    url = f"http://127.0.0.1:{closed_port()}/benchmark_data.zip"
    with pytest.raises(IrtEloError) as e:
        fetch(url, cache_dir=cache, timeout=TIMEOUT)
    assert str(e.value) == (f"download of {url} failed: connection refused (offline, or nothing listens at that "
                            "address); available offline: 2026-08-11 (bundled), 2025-12-19 (bundled)")
    assert main(["fetch", "--url", url, "--cache-dir", str(cache), "--timeout", str(TIMEOUT)]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err == f"irt-elo fetch: error: {e.value}\n"
    assert not cache.exists()  # a failed download creates nothing


@pytest.mark.parametrize("argv, why", [
    (["--url", "ftp://example.org/benchmark_data.zip"], "is not an http(s) URL"),
    (["--url", "benchmark_data.zip"], "is not an http(s) URL"),
    (["--list", "--url", "http://127.0.0.1:9/x.zip"], "--list downloads nothing"),
    (["--timeout", "0"], "--timeout 0: give a positive number"),
])
def test_cli_bad_input_is_one_line_exit_2_and_writes_nothing(cache, capsys, argv, why):
    assert main(["fetch", *argv, "--cache-dir", str(cache)]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err.count("\n") == 1 and why in cap.err
    assert not cache.exists()


def test_unknown_vintage_is_one_line_listing_what_is_available(cache):
    with pytest.raises(IrtEloError) as e:
        resolve_vintage("2026-01-01", cache)
    assert str(e.value).startswith("no vintage '2026-01-01'; available: 2026-08-11 (bundled), 2025-12-19 (bundled)")
    assert "\n" not in str(e.value)


def test_layout_is_recorded_from_the_release_reader_and_unknown_without_it(server, cache, zip_a, monkeypatch):
    """The reader of the September 2026 layout is asked under the zip's own name; without that reader (or when it
    fails) the layout is 'unknown' and the download is kept all the same."""
    import sys
    import types

    asked: list[Path] = []

    def is_release(path):
        asked.append(Path(path))
        return Path(path).suffix == ".zip" and zipfile.is_zipfile(path)

    fake = types.ModuleType("irt_elo.data.readers.epoch_release")
    fake.is_release = is_release
    monkeypatch.setitem(sys.modules, "irt_elo.data.readers.epoch_release", fake)
    server.routes["/benchmark_data.zip"] = Route(zip_a)
    v = fetch(server.url("/benchmark_data.zip"), cache_dir=cache, timeout=TIMEOUT, today=DAY)
    assert v.layout == "epoch-release" and asked == [v.path]
    assert json.loads((v.path.parent / "provenance.json").read_text())["layout"] == "epoch-release"
    assert list_vintages(cache)[0].layout == "epoch-release"

    monkeypatch.setitem(sys.modules, "irt_elo.data.readers.epoch_release", None)  # import fails: not installed
    server.routes["/b.zip"] = Route(release_zip("another day\n"))
    assert fetch(server.url("/b.zip"), cache_dir=cache, timeout=TIMEOUT, today=DAY).layout == "unknown"
