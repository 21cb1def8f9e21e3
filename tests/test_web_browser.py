"""The atlas in a real browser: Debian's chromium, driven by Playwright, against `custodes serve`.

The server runs as a subprocess on loopback over a database this module
ingests (including hostile documents). Screenshots of every page, wide and on
a phone, go to test-artifacts/web/.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from web_support import CORPUS, build_db, sql

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "web"
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_db(tmp_path_factory.mktemp("web-browser"))


@pytest.fixture(scope="module")
def server(db: str, tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    log = (tmp_path_factory.mktemp("serve-log") / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "custodes.cli", "serve", "--db", db, "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/index.json", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"custodes serve did not start; see {log.name}")
            time.sleep(0.1)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser (scripts/setup --dev does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page that records dialogs, console messages and page errors."""

    def __init__(self, browser, viewport=WIDE):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


def get_json(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.loads(r.read())


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def mapped_countries(base: str) -> set[str]:
    geo = get_json(base, "/static/world.json")
    return {s["iso2"] for s in geo["shapes"]} | {p["iso2"] for p in geo["points"]}


def wait_for_map(page) -> None:
    page.wait_for_selector(".atlas-map[data-shaded]", timeout=15000)


def doc_id(db: str, corpus_id: str) -> str:
    url = next(d["url"] for d in CORPUS if d["id"] == corpus_id)
    return sql(db, "SELECT id FROM documents WHERE url = ?", (url,))[0][0]


def test_map_draws_country_shapes_shaded_from_the_data(server, watched):
    page = watched.page
    page.goto(server + "/")
    wait_for_map(page)
    assert page.locator(".atlas-map path.country").count() > 150
    data = get_json(server, "/index.json")["countries"]
    expected = {c["iso2"] for c in data} & mapped_countries(server)
    shaded = set(page.eval_on_selector_all(".atlas-map .has-data", "els => els.map(e => e.dataset.iso2)"))
    assert shaded == expected and "SG" in shaded  # Singapore is a dot: too small for a 1:110m shape
    for c in data:
        if c["iso2"] in expected:
            cls = page.get_attribute(f".atlas-map [data-iso2='{c['iso2']}']", "class")
            assert re.search(r"\bb[1-5]\b", cls), (c, cls)
    assert page.locator(".legend li").count() == 6
    shot(page, "index-wide")
    assert not watched.errors and not watched.dialogs


def test_hover_shows_figures_and_click_opens_the_profile(server, watched):
    page = watched.page
    page.goto(server + "/")
    wait_for_map(page)
    page.hover(".atlas-map path[data-iso2='KE']")
    info = page.locator(".map-info")
    assert info.locator("h3").inner_text() == "Kenya"
    ke = next(c for c in get_json(server, "/index.json")["countries"] if c["iso2"] == "KE")
    assert info.locator("dd").first.inner_text() == str(ke["technologies"])
    page.click(".atlas-map path[data-iso2='KE']")
    page.wait_for_url(server + "/countries/KE")
    assert "Kenya" in page.locator("h1").inner_text()


def test_keyboard_reaches_a_country_and_opens_it(server, watched):
    page = watched.page
    page.goto(server + "/")
    wait_for_map(page)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.dataset && document.activeElement.dataset.iso2"):
            break
    iso2 = page.evaluate("document.activeElement.dataset.iso2")
    assert iso2, "Tab never reached a country on the map"
    name = page.locator(".map-info h3").inner_text()
    assert name
    page.keyboard.press("Enter")
    page.wait_for_url(server + f"/countries/{iso2}")
    assert name in page.locator("h1").inner_text()


def test_a_filter_changes_the_map_without_reloading(server, watched):
    page = watched.page
    page.goto(server + "/")
    wait_for_map(page)
    page.evaluate("window.__same_page = true")
    before = set(page.eval_on_selector_all(".atlas-map .has-data", "els => els.map(e => e.dataset.iso2)"))
    expected = {c["iso2"] for c in get_json(server, "/index.json?technology=facial_recognition")["countries"]}
    assert expected and expected != before
    page.select_option("#f-technology", "facial_recognition")
    page.wait_for_function("() => location.search.includes('technology=facial_recognition')")
    page.wait_for_function(
        "n => document.querySelectorAll('.atlas-map .has-data').length === n", arg=len(expected & mapped_countries(server)))
    after = set(page.eval_on_selector_all(".atlas-map .has-data", "els => els.map(e => e.dataset.iso2)"))
    assert after == expected & mapped_countries(server)
    rows = page.eval_on_selector_all("#country-table tbody td:first-child a", "els => els.map(e => e.getAttribute('href'))")
    assert {r.rsplit("/", 1)[1] for r in rows} == expected
    assert page.evaluate("window.__same_page") is True  # no reload happened
    csv_href = page.get_attribute("a[href^='/index.csv']", "href")
    assert "technology=facial_recognition" in csv_href
    shot(page, "index-filtered-wide")
    page.fill("#f-from", "2099")
    page.fill("#f-to", "2000")
    page.press("#f-to", "Enter")
    page.wait_for_function("() => document.getElementById('filter-status').textContent.includes('year_to')")


def test_evidence_link_goes_to_the_right_document(server, watched, db):
    page = watched.page
    page.goto(server + "/countries/KE")
    first = page.locator("a.evidence-link").first
    sentence = page.locator(".stories ul.evidence li").first.locator("blockquote").inner_text()
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]+#ev-"))
    document_id, evidence_id = re.match(r"/documents/([0-9a-f]+)#ev-(.+)", href).groups()
    assert page.url.endswith(href)
    title, text = sql(db, "SELECT title, text FROM documents WHERE id = ?", (document_id,))[0]
    assert page.locator("h1").inner_text() == title
    target = page.locator(f"[id='ev-{evidence_id}']")
    assert target.inner_text() == sentence
    assert sql(db, "SELECT sentence FROM evidence WHERE id = ?", (evidence_id,))[0][0] == sentence
    assert page.evaluate("location.hash") == f"#ev-{evidence_id}"
    shot(page, "document-wide")


def hostile_pages(db: str) -> list[str]:
    return ["/countries/RS", "/countries/IR", f"/documents/{doc_id(db, 'rs-1')}", f"/documents/{doc_id(db, 'rs-2')}",
            f"/documents/{doc_id(db, 'ir-1')}", "/search?q=Belgrade", "/new", "/vendors/huawei",
            "/search?q=%3Cscript%3Ealert(1)%3C/script%3E"]


def test_hostile_documents_stay_inert(server, watched, db):
    page = watched.page
    for address in hostile_pages(db):
        page.goto(server + address)
        page.wait_for_load_state("networkidle")
        for mark in page.locator("mark, b, blockquote, h1").all()[:30]:
            mark.hover(timeout=2000)  # mouse-over handlers, had any been injected, would fire now
        state = page.evaluate("""() => ({
            scripts: [...document.scripts].map(s => s.getAttribute('src')),
            handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
            jsLinks: [...document.querySelectorAll('[href], [src]')].map(e => e.getAttribute('href') || e.getAttribute('src')).filter(u => /^\\s*javascript:/i.test(u)),
            frames: document.querySelectorAll('iframe, object, embed').length,
            imgs: [...document.images].map(i => i.getAttribute('src')),
        })""")
        assert state["scripts"] == ["/static/atlas.js"], (address, state)
        assert state["handlers"] == [], (address, state)
        assert state["jsLinks"] == [] and state["frames"] == 0 and state["imgs"] == [], (address, state)
        body = page.locator("body").inner_text()
        if "/documents/" in address:
            assert "alert(" in body  # the hostile text is shown, as text
    assert watched.dialogs == []
    assert watched.errors == []
    assert not [m for m in watched.console if "Content Security Policy" in m or "alert" in m], watched.console


def test_every_page_renders_wide_and_on_a_phone(server, browser, db):
    dep = sql(db, "SELECT id FROM deployments ORDER BY n_documents DESC LIMIT 1")[0][0]
    pages = {"index": "/", "country": "/countries/KE", "vendor": "/vendors/huawei",
             "technology": "/technologies/facial_recognition", "deployment": f"/deployments/{dep}",
             "document": f"/documents/{doc_id(db, 'rs-1')}", "search": "/search?q=police", "new": "/new",
             "method": "/method", "vendors": "/vendors", "technologies": "/technologies", "error": "/countries/FR"}
    for label, viewport in (("wide", WIDE), ("phone", PHONE)):
        w = Watched(browser, viewport)
        try:
            for name, address in pages.items():
                w.page.goto(server + address)
                if w.page.locator(".atlas-map").count():
                    wait_for_map(w.page)
                w.page.wait_for_load_state("networkidle")
                overflow = w.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                shot(w.page, f"{name}-{label}")
                assert overflow <= 1, f"{address} is {overflow}px wider than a {label} screen"
                assert w.page.locator("h1").count() == 1, address
                shot(w.page, f"{name}-{label}")
            assert not w.errors and not w.dialogs
        finally:
            w.close()


def test_every_form_control_is_labelled(server, watched, db):
    page = watched.page
    for address in ("/", "/countries/KE", "/search?q=police", "/new", "/vendors/huawei"):
        page.goto(server + address)
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select')]
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.outerHTML)""")
        assert unlabelled == [], (address, unlabelled)
