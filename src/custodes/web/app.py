"""The web atlas: a read-only Starlette app over one custodes database.

Every page is one view function (`custodes.web.views`) whose dict renders as
HTML, as its JSON twin at the same address plus `.json`, and as CSV (`.csv`,
one of the page's tables chosen by `?table=`). Only GET and HEAD exist.

    from custodes.web import create_app
    app = create_app("custodes.db")   # then serve it with uvicorn
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
from collections import OrderedDict
from datetime import datetime, timezone
from importlib import resources
from typing import Any, Callable
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from custodes.web import params as P
from custodes.web import views as V
from custodes.web.db import ReadOnlyDB

ALLOWED_METHODS = ("GET", "HEAD")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "json": "application/json",
               "csv": "text/csv; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}
DEFAULT_LIMIT = 50
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,80}")


class Guard:
    """ASGI wrapper: GET/HEAD only (405 otherwise) and the security headers on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ALLOWED_METHODS:
            body = json.dumps({"error": {"status": 405, "message": f"{scope['method']} is not allowed: "
                                         "the atlas is read-only (GET and HEAD only)"}}).encode()
            await send({"type": "http.response.start", "status": 405, "headers": [
                (b"allow", b"GET, HEAD"), (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), *SECURITY_HEADERS])
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ResponseCache:
    """Rendered responses by address, dropped whenever the database file changes.

    Holds at most `size` responses and `max_bytes` of bodies, least recently used out first.
    """

    def __init__(self, db: ReadOnlyDB, size: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.db, self.size, self.max_bytes = db, size, max_bytes
        self._bytes = 0
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._sig: tuple | None = None
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, str] | None:
        if self.size <= 0:
            return None
        sig = self.db.signature()
        with self._lock:
            if sig != self._sig:
                self._items.clear()
                self._bytes = 0
                self._sig = sig
                return None
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: tuple[bytes, str]) -> None:
        if self.size <= 0 or len(value[0]) > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._items[key] = value
            self._bytes += len(value[0])
            while len(self._items) > self.size or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped[0])


def _csv(rows: list[dict[str, Any]]) -> bytes:
    skip = {"segments", "title_segments", "snippet"}
    columns: list[str] = []
    for r in rows:
        for k in r:
            if k not in skip and k not in columns:
                columns.append(k)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for r in rows:
        out = []
        for c in columns:
            v = r.get(c)
            if isinstance(v, (list, tuple, set)):
                v = "; ".join(str(x) for x in v)
            elif isinstance(v, dict):
                v = json.dumps(v, sort_keys=True)
            out.append("" if v is None else v)
        writer.writerow(out)
    return buf.getvalue().encode("utf-8")


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def _split_key(key: str) -> tuple[str, str]:
    for fmt in ("json", "csv", "atom"):
        if key.endswith("." + fmt):
            return key[: -len(fmt) - 1], fmt
    return key, "html"


SQLITE_VIEW_THREADS = 2  # pages computed at once per process over SQLite: more only contend for the GIL
_view_limiters: dict[str, Any] = {}


async def _run_view(work: Callable[[], Any], dialect: str) -> Any:
    """Run a page's view in a worker thread; over SQLite (CPU-bound) at most SQLITE_VIEW_THREADS at once."""
    if dialect != "sqlite":  # PostgreSQL waits on the network: the default thread pool
        return await run_in_threadpool(work)
    import anyio
    import anyio.to_thread

    limiter = _view_limiters.get(dialect)
    if limiter is None:
        limiter = _view_limiters[dialect] = anyio.CapacityLimiter(SQLITE_VIEW_THREADS)
    return await anyio.to_thread.run_sync(work, limiter=limiter)


def create_app(db: str | os.PathLike[str], *, cache_size: int = 512) -> Starlette:
    """The atlas over one database (a SQLite path or a postgresql:// URL), read-only."""
    database = ReadOnlyDB(db)
    cache = ResponseCache(database, cache_size)
    env = Environment(loader=PackageLoader("custodes.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(country_name=V.country_name, technology_label=V.technology_label,
                       status_label=V.status_label, labels=V.labels(), statuses=V.STATUSES,
                       technologies=V.TECHNOLOGIES, segments=V.segments)
    env.filters["query"] = lambda d: urlencode({k: v for k, v in d.items() if v not in (None, "")})
    spec = json.loads(resources.files("custodes.web").joinpath("openapi.json").read_text("utf-8"))

    def render(request: Request, fmt: str, template: str, data: dict[str, Any]) -> tuple[bytes, str]:
        if fmt == "json":
            return _json({k: v for k, v in data.items() if k != "tables"} |
                         {"tables": sorted(data.get("tables", {}))}), MEDIA_TYPES["json"]
        if fmt == "csv":
            tables = data.get("tables", {})
            name = request.query_params.get("table") or next(iter(tables), None)
            if name not in tables:
                raise P.BadRequest("table", f"table must be one of {', '.join(tables)}; got {str(name)[:40]!r}")
            return _csv(tables[name]), MEDIA_TYPES["csv"]
        base_path = request.url.path
        twin = ("/index" if base_path == "/" else base_path)
        query = request.url.query
        data = dict(data, request_path=base_path, query_string=query,
                    json_url=twin + ".json" + ("?" + query if query else ""),
                    csv_base=twin + ".csv", base_url=str(request.base_url).rstrip("/"), generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return env.get_template(template).render(**data).encode("utf-8"), MEDIA_TYPES[fmt]

    def error_response(request: Request, fmt: str, status: int, message: str, parameter: str | None = None) -> Response:
        err: dict[str, Any] = {"status": status, "message": message}
        if parameter:
            err["parameter"] = parameter
        if fmt == "html":
            body = env.get_template("error.html").render(
                title=f"Error {status}", error=err, demo=V.is_demo(database), request_path=request.url.path)
            return Response(body, status_code=status, media_type=MEDIA_TYPES["html"])
        return Response(_json({"error": err}), status_code=status, media_type="application/json")

    def page(template: str, allowed: tuple[str, ...], call: Callable[..., dict[str, Any]],
             fmt: str | None = None, keyed: bool = False, formats: tuple[str, ...] = ("html", "json", "csv")):
        async def endpoint(request: Request) -> Response:
            key = None
            f = fmt or "html"
            if keyed:
                key, f = _split_key(request.path_params["key"])
            if f not in formats:
                return error_response(request, "json", 404, f"no .{f} form of this page")
            cache_key = request.url.path + "?" + request.url.query
            hit = cache.get(cache_key)
            if hit is not None:
                return Response(hit[0], media_type=hit[1])
            try:
                if keyed and not KEY_PATTERN.fullmatch(key or ""):
                    raise P.BadRequest(None, f"malformed address part {str(key)[:40]!r}")
                args = P.parse(request.query_params, allowed + (("table",) if f == "csv" else ()), database)
                args.pop("table", None)
                if f == "csv" and keyed:
                    args["rows_limit"] = V.DOWNLOAD_ROWS  # a download holds the whole table, not a page of it

                def work() -> tuple[bytes, str]:
                    data = call(database, key, args) if keyed else call(database, args)
                    return render(request, f, template, data)

                body, media_type = await _run_view(work, database.dialect)
            except P.BadRequest as e:
                return error_response(request, f, 400, e.message, e.parameter)
            except V.NotFound as e:
                return error_response(request, f, 404, str(e))
            cache.put(cache_key, (body, media_type))
            return Response(body, media_type=media_type)

        return endpoint

    filters = P.FILTERS
    paging = ("limit", "offset")

    def limit(args: dict[str, Any]) -> int:
        return args.pop("limit", DEFAULT_LIMIT)

    index = page("index.html", filters, lambda db, a: V.map_view(db, a))
    routes = [
        Route("/", index),
        Route("/index.json", page("index.html", filters, lambda db, a: V.map_view(db, a), fmt="json")),
        Route("/.json", page("index.html", filters, lambda db, a: V.map_view(db, a), fmt="json")),
        Route("/index.csv", page("index.html", filters, lambda db, a: V.map_view(db, a), fmt="csv")),
        Route("/countries/{key}", page("country.html", filters,
                                       lambda db, k, a: V.country_view(db, P.iso2(k), a), keyed=True)),
        Route("/vendors/{key}", page("vendor.html", filters + ("country",),
                                     lambda db, k, a: V.vendor_view(db, k, a), keyed=True)),
        Route("/technologies/{key}", page("technology.html", filters + ("country",),
                                          lambda db, k, a: V.technology_view(db, k, a), keyed=True)),
        Route("/deployments/{key}", page("deployment.html", (),
                                         lambda db, k, a: V.deployment_view(db, k), keyed=True)),
        Route("/documents/{key}", page("document.html", (),
                                       lambda db, k, a: V.document_view(db, k), keyed=True)),
    ]
    for fmt in ("html", "json", "csv"):
        suffix = "" if fmt == "html" else "." + fmt
        routes += [
            Route("/search" + suffix, page("search.html", ("q", "country") + filters + paging + ("sort",),
                                           lambda db, a: V.search_view(db, a.pop("q", None), a, limit(a),
                                                                       a.pop("offset", 0), a.pop("sort", "newest")),
                                           fmt=fmt)),
            Route("/new" + suffix, page("new.html", ("country",) + filters + ("limit",),
                                        lambda db, a: V.new_view(db, a, limit(a)), fmt=fmt)),
            Route("/method" + suffix, page("method.html", (), lambda db, a: V.method_view(db), fmt=fmt)),
            Route("/vendors" + suffix, page("vendors.html", (), lambda db, a: V.vendors_index(db), fmt=fmt)),
            Route("/technologies" + suffix, page("technologies.html", (),
                                                 lambda db, a: V.technologies_index(db), fmt=fmt)),
        ]
    routes += [
        Route("/new.atom", page("new.atom", ("country", "technology", "vendor", "status", "limit"),
                                lambda db, a: V.new_view(db, a, limit(a)), fmt="atom", formats=("atom",))),
        Route("/openapi.json", lambda request: Response(_json(spec), media_type="application/json")),
        Route("/favicon.ico", lambda request: RedirectResponse("/static/favicon.svg", status_code=301)),
        Mount("/static", StaticFiles(packages=[("custodes.web", "static")]), name="static"),
    ]

    async def not_found(request: Request, exc: HTTPException) -> Response:
        fmt = "json" if request.url.path.endswith((".json", ".csv", ".atom")) else "html"
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        return error_response(request, fmt, exc.status_code, message)

    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found})
    app.state.db = database
    app.state.openapi = spec
    return Guard(app)  # type: ignore[return-value]


def app_from_env() -> Any:
    """For uvicorn workers: the database comes from CUSTODES_DB, the cache size from CUSTODES_CACHE_SIZE."""
    return create_app(os.environ["CUSTODES_DB"], cache_size=int(os.environ.get("CUSTODES_CACHE_SIZE", "512")))


def serve(db: str, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1, cache_size: int = 512,
          log_level: str = "warning") -> None:
    """Serve the atlas with uvicorn until interrupted; `workers` > 1 forks processes sharing one socket."""
    import signal
    import socket

    import uvicorn

    ReadOnlyDB(db).close()  # fail here, with a clear message, before any worker starts
    os.environ["CUSTODES_DB"] = str(db)
    os.environ["CUSTODES_CACHE_SIZE"] = str(cache_size)
    config = dict(factory=True, log_level=log_level, access_log=False, server_header=False)
    if workers <= 1:
        uvicorn.run("custodes.web.app:app_from_env", host=host, port=port, **config)
        return
    # One TCP socket made here and inherited by fork: asyncio then sets TCP_NODELAY on every
    # connection (uvicorn's own --workers hands a socket over whose protocol asyncio does not
    # recognise, and small responses wait ~40 ms for delayed ACKs).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                server = uvicorn.Server(uvicorn.Config("custodes.web.app:app_from_env", **config))
                server.run(sockets=[sock])
            finally:
                os._exit(0)
        children.append(pid)

    def stop(signum: int, frame: Any) -> None:
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        while True:
            try:
                os.waitpid(child, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                break
    sock.close()
