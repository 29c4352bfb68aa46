"""Make the kind of text a naive scraper produces from an HTML page, for flattened-mode benchmarks.

    python benchmarks/flatten.py [--out DIR] [--style blocks|inline|markdown]

`flatten_html` keeps every *visible* text of the page, chrome included (menus, icon labels,
share buttons, footers). It deliberately does nothing clever: it is the input saywho's
flattened-text cleaner must cope with, so it must not pre-clean what a real scraper would leave
in. Three styles, as scrapers differ (`STYLES`):

- ``blocks``: one block-level element per line, inline elements joined into their line;
- ``inline``: every element's text on its own line, inline ones too (a link, a bold word, an
  icon label each break the line, as the sample's "Follow RT on" labels do);
- ``markdown``: html2text's rendering with its defaults: Markdown links ``[text](url)``, list
  bullets, ``#`` headings, emphasis marks and lines wrapped at 78 columns.

The CLI writes one ``<id>.txt`` per page of the extraction benchmark into a git-ignored folder;
the benchmark's pages are never copied into committed paths.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
import lxml.html

REPO = Path(__file__).resolve().parents[1]
BENCHMARK = REPO.parent / "shared" / "data" / "extraction-benchmark"
DEFAULT_OUT = REPO / "benchmarks" / "out" / "flattened"

# Elements whose content is never shown as text. Everything else stays, as it does for a naive
# scraper: svg <title> icon labels, <option> lists, button captions. An iframe's inner text is
# fallback markup that browsers with frames never show.
INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "iframe"})

# Elements a browser lays out as blocks (or table cells / list items): each starts a new line.
BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "br",
    }
)


def _hidden(el: lxml.html.HtmlElement) -> bool:
    """Hidden by markup a scraper can see without CSS: `hidden`, inline display/visibility."""
    if el.get("hidden") is not None:
        return True
    if el.tag == "input" and (el.get("type") or "").lower() == "hidden":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


#: the flattening styles (see the module docstring)
STYLES = ("blocks", "inline", "markdown")


def _lines(root: lxml.html.HtmlElement, every_element: bool = False) -> Iterator[str]:
    """Walk the tree once, yielding the text of each block as one line (with `every_element`,
    of each element: inline ones break the line too)."""
    buf: list[str] = []

    def flush() -> Iterator[str]:
        line = " ".join(" ".join(buf).split())
        buf.clear()
        if line:
            yield line

    # an explicit stack instead of recursion: some pages nest deeper than Python's limit
    stack: list[tuple[lxml.etree._Element, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        name = tag.rsplit("}", 1)[-1].lower()
        if closing:
            if name in BLOCK or every_element:
                yield from flush()
            if el.tail:
                buf.append(el.tail)
            continue
        if not tag:  # comment or processing instruction: its text is not shown, its tail is
            if el.tail:
                buf.append(el.tail)
            continue
        if name in INVISIBLE or _hidden(el):
            if el.tail:
                buf.append(el.tail)
            continue
        if name in BLOCK or every_element:
            yield from flush()
        if el.text:
            buf.append(el.text)
        stack.append((el, True))
        for child in reversed(el):
            stack.append((child, False))
    yield from flush()


def flatten_html(html: str, style: str = "blocks") -> str:
    """All visible text of `html` in one of `STYLES`.

    >>> page = ("<html><head><title>T</title></head><body><h1>Hi <b>there</b></h1>"
    ...         "<script>x()</script><p>One.</p><div>Two</div></body></html>")
    >>> flatten_html(page)
    'Hi there\\nOne.\\nTwo'
    >>> flatten_html(page, "inline")
    'Hi\\nthere\\nOne.\\nTwo'
    >>> flatten_html(page, "markdown")
    '# Hi **there**\\n\\nOne.\\n\\nTwo'
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of {STYLES}")
    if not html.strip():
        return ""
    if style == "markdown":
        import html2text  # the bench extra (pyproject.toml)

        return str(html2text.HTML2Text().handle(html)).strip()
    # lxml refuses str input that declares an encoding; the text is already decoded
    html = html.replace("\x00", "")
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"))
    return "\n".join(_lines(root, every_element=style == "inline"))


def read_page(path: Path) -> str:
    """Decode one benchmark page the way saywho decodes HTML (BOM, meta charset, UTF-8, guess)."""
    from saywho.extract.decode import decode

    return decode(gzip.decompress(path.read_bytes()), source=str(path), html=True)


def page_ids(data_dir: Path) -> list[str]:
    return sorted(p.name.removesuffix(".html.gz") for p in (data_dir / "html").glob("*.html.gz"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for <id>.txt files")
    parser.add_argument("--data", type=Path, default=BENCHMARK, help="extraction-benchmark folder")
    parser.add_argument("--style", choices=STYLES, default="blocks", help="how to flatten")
    args = parser.parse_args(argv)
    ids = page_ids(args.data)
    if not ids:
        print(f"no pages under {args.data / 'html'}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for page_id in ids:
        text = flatten_html(read_page(args.data / "html" / f"{page_id}.html.gz"), args.style)
        (args.out / f"{page_id}.txt").write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(ids)} flattened pages to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
