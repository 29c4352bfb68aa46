"""What the browser tests share: the hostile page, Chromium's path, the store's ids,
console capture and screenshots (imported by conftest.py and the tests beside it)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "build" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000  # generous: the test machine is small and shared; nothing waits this long when all is well

# the policy every page must send (the web contract), written out here rather than imported
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

# Payloads a page must show as text. Entities in the HTML source so that the extracted article
# text holds them literally, as a scraped page quoting them would.
PAYLOADS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<svg onload=window.__xss=1>",
    '"><script>window.__xss=1</script>',
    "</textarea><script>window.__xss=1</script>",
)
HOSTILE_TITLE = (
    'Mayor says <script>window.__xss=1</script> is harmless <img src=x onerror="window.__xss=1">'
)
HOSTILE_PARAGRAPHS = (
    "The mayor of Springfield, Jane Doe, said on Monday that the string "
    "<script>window.__xss=1</script> found on the city website was harmless and that engineers "
    "had removed it within the hour.",
    '"Nobody should worry about <img src=x onerror="window.__xss=1"> or '
    '<svg onload=window.__xss=1> tags," Doe told reporters at the town hall.',
    'City engineer John Roe claimed that "><script>window.__xss=1</script> and '
    '<a href="javascript:window.__xss=1">a link</a> had been planted by an outside group, '
    "according to the council.",
    "The council said the investigation would continue next week and that residents would be "
    "informed of the outcome of </textarea><script>window.__xss=1</script> checks.",
)


def hostile_html() -> str:
    from html import escape

    paragraphs = "".join(f"<p>{escape(p, quote=False)}</p>\n" for p in HOSTILE_PARAGRAPHS)
    title = escape(HOSTILE_TITLE, quote=False)
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>\n"
            f"<h1>{title}</h1>\n{paragraphs}</article></body></html>\n")  # fmt: skip


ECHO_HTML = """<!DOCTYPE html><html><head><title>Russian envoy says Washington funds IS</title>
<meta property="og:site_name" content="Echo Daily">
<meta property="article:published_time" content="2023-01-21T10:00:00Z"></head><body><article>
<h1>Russian envoy says Washington funds IS</h1>
<p>Zamir Kabulov, Russia's presidential envoy for Afghanistan, has said that the US has been
secretly giving money to Islamic State and reaching out to armed groups opposed to the Taliban.</p>
<p>The State Department has not commented on the remarks, which were made in an interview.</p>
</article></body></html>
"""


def chromium_path() -> str | None:
    """Debian's Chromium, or None when it is not installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@dataclass(frozen=True)
class BrowserStore:
    """The store the app serves: its path, and the article id of each ingested input."""

    db: str
    sample: int
    hostile: int
    wikinews: list[int] = field(default_factory=list)
    #: another outlet's report repeating the sample's claim (one claim cluster across the two)
    echo: int = 0


class Console:
    """What the page logged (console messages, uncaught errors) and the requests that failed."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.failed: list[str] = []

    def problems(self) -> list[str]:
        """Console errors (a CSP violation is one), uncaught errors and failed requests."""
        logged = [text for kind, text in self.messages if kind == "error"]
        return logged + self.errors + self.failed


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as build/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
