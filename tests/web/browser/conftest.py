"""Browser fixtures: a small store, the web app on a loopback port, Debian's Chromium.

The store is built the way `saywho ingest` builds one (read → extract → analyse → store, through
the library): the RT sample, four Wikinews demo articles (so licence lines exist) and a hostile
page whose title and body carry script payloads as text. The app from
``saywho.web.create_app(db=...)`` runs under uvicorn in a thread on a free 127.0.0.1 port.

Playwright never downloads a browser here: it launches the ``chromium`` Debian installs
(``make chromium``), headless, with ``--no-sandbox`` when running as root (the sandbox refuses
root). When that binary is missing the tests skip with the reason; nothing else skips them.
Screenshots go to ``build/screenshots/`` (git-ignored), full page at 1280 px wide.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    ECHO_HTML,
    TIMEOUT_MS,
    VIEWPORT,
    BrowserStore,
    Console,
    chromium_path,
    hostile_html,
)
from required import missing

from saywho.model import FactCheck


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's Chromium through Playwright (part of `make test`)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _article_ids(db: str) -> dict[str, int]:
    """source → article id, read straight from the store (read-only)."""
    from sqlalchemy import select

    from saywho.store import make_engine
    from saywho.store.schema import article_versions, articles

    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(article_versions.c.source, articles.c.id)
                .join(articles, articles.c.current_version_id == article_versions.c.id)
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    return {str(source): int(aid) for source, aid in rows}


FACT_CHECK = FactCheck(
    claim_reviewed="The US is covertly sponsoring Islamic State militants in Afghanistan.",
    claimant="Zamir Kabulov", claim_date="2023-01-20", rating="Unproven", verdict="unverifiable",
    fact_checker="Example Fact Check", review_date="2023-01-24", url="https://factcheck.example/us-isis",
    language="en", identifier="efc-2023-0117", title="Is the US sponsoring IS in Afghanistan?", source="browser test",
)  # fmt: skip
FACT_CHECK_COPY = dataclasses.replace(
    FACT_CHECK, claim_reviewed=FACT_CHECK.claim_reviewed.upper(), identifier="efc-2023-0117-b",
    url="https://factcheck.example/us-isis-b", review_date="2023-02-02",
)  # fmt: skip


@pytest.fixture(scope="session")
def browser_store(tmp_path_factory: pytest.TempPathFactory) -> BrowserStore:
    """A SQLite store of the sample, four Wikinews articles and the hostile page."""
    from saywho.config import Settings
    from saywho.pipeline import demo_corpus, ingest
    from saywho.sources import read_documents
    from saywho.store import open_store
    from saywho.store.factchecks import import_fact_checks

    folder = tmp_path_factory.mktemp("browser-store")
    hostile = folder / "hostile.html"
    hostile.write_text(hostile_html(), encoding="utf-8")
    echo = folder / "echo.html"
    echo.write_text(ECHO_HTML, encoding="utf-8")
    paths, meta = demo_corpus()
    sample, wikinews = paths[0], paths[1:5]
    inputs = [sample, *wikinews, str(hostile), str(echo)]
    db = str(folder / "store.db")
    settings = Settings(db=db)
    engine = open_store(db)
    try:
        summary = ingest(engine, read_documents(inputs, settings), settings, inputs=inputs,
                         meta=meta)  # fmt: skip
        # a fact-check of the sample's claim, so that its claim page shows "Fact-checked by"
        # and the same review republished under another identifier, its case changed: a copy
        import_fact_checks(engine, [FACT_CHECK, FACT_CHECK_COPY])
    finally:
        engine.dispose()
    assert summary.errors == 0 and summary.stored == len(inputs), summary.failures
    ids = _article_ids(db)
    return BrowserStore(db=db, sample=ids[sample], hostile=ids[str(hostile)],
                        wikinews=[ids[p] for p in wikinews], echo=ids[str(echo)])  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(browser_store: BrowserStore) -> Iterator[str]:
    """The app over `browser_store`, served by uvicorn from a thread; its ``http://`` root."""
    import uvicorn

    from saywho.web import create_app

    app = create_app(db=browser_store.db)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, name="saywho-web", daemon=True)
    thread.start()
    # server.started is set once the socket listens; a crash at start-up ends the thread instead
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the web app did not start on 127.0.0.1:{port} (see the log above)")
        thread.join(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (skips only when Chromium is missing, and
    fails then where the run requires the browser: tests/required.py)."""
    executable = chromium_path()
    if executable is None:
        missing("browser", "Chromium is not installed (make chromium installs Debian's as root): "
                "browser tests skipped")  # fmt: skip
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    # /dev/shm is tiny in many CI containers and Chromium's renderer crashes when it fills up
    args = ["--disable-dev-shm-usage"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, headless=True, args=args)
        yield launched
        launched.close()


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, base_url: str, console: Console) -> Iterator[Any]:
    """A fresh page (its own context) on the app, 1280 px wide, logging into `console`."""
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    pg.on(
        "console",
        lambda msg: console.messages.append((msg.type, f"{msg.text} ({msg.location.get('url')})")),
    )
    pg.on("pageerror", lambda exc: console.errors.append(str(exc)))
    pg.on("requestfailed", lambda req: None if _cancelled_icon(req) else console.failed.append(
        f"{req.url}: {req.failure}"))  # fmt: skip
    pg.on(
        "response",
        lambda r: console.failed.append(f"{r.url}: {r.status}") if r.status >= 400 else None,
    )
    yield pg
    context.close()


def _cancelled_icon(request: Any) -> bool:
    """Chromium fetches a page's icon last, at idle priority, and cancels that fetch
    (net::ERR_ABORTED) when a test moves on to the next page first: the app did not fail. A
    missing or refused icon still counts (a 404 response, a CSP console error)."""
    return bool(
        request.url.endswith("/static/favicon.svg") and request.failure == "net::ERR_ABORTED"
    )
