"""Validate annotations.jsonl of the wikinews-quotes dev set (stdlib only).

Checks, for every attribution: each span's text equals the slice of the article text
(read as ``Path(p).read_bytes().decode("utf-8")``, end-exclusive str offsets); spans lie
in the body (not in the title/date lines); the content list is non-empty, in text order
and non-overlapping; no content span overlaps its own cue or source; kind is one of
direct/indirect/mixed. Prints per-file counts and totals. Exit status 1 on any error.

    python benchmarks/data/wikinews-quotes/check.py
"""

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TEXTS = ROOT / "src" / "saywho" / "data" / "demo" / "wikinews"
ANN = HERE / "annotations.jsonl"
KINDS = ("direct", "indirect", "mixed")


def body_start(text):
    first = text.index("\n") + 1  # after the title line
    return text.index("\n", first) + 1  # after the date line


def overlaps(a, b):
    return a["start"] < b["end"] and b["start"] < a["end"]


def _check_span(span, role, where, text, b0, errors):
    if not isinstance(span, dict):
        errors.append(f"{where}: {role} is not a span")
        return False
    s, e, t = span.get("start"), span.get("end"), span.get("text")
    if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
        errors.append(f"{where}: {role} bad offsets {s}-{e}")
        return False
    if text[s:e] != t:
        errors.append(f"{where}: {role} text {t!r} != slice {text[s:e]!r}")
        return False
    if s < b0:
        errors.append(f"{where}: {role} lies in the title/date header")
    if t != t.strip():
        errors.append(f"{where}: {role} has leading/trailing whitespace")
    return True


def main():
    errors = []
    totals = Counter()
    seen = set()
    rows = []
    with open(ANN, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip()]
    for lineno, line in enumerate(lines, 1):
        rec = json.loads(line)
        fname = rec["file"]
        where0 = f"line {lineno} ({fname})"
        if fname in seen:
            errors.append(f"{where0}: file annotated twice")
        seen.add(fname)
        path = TEXTS / fname
        if not path.is_file():
            errors.append(f"{where0}: text not found at {path}")
            continue
        text = path.read_bytes().decode("utf-8")
        b0 = body_start(text)
        counts = Counter()
        for i, a in enumerate(rec["attributions"]):
            where = f"{where0} #{i}"

            def check_span(span, role, where=where, text=text, b0=b0):
                return _check_span(span, role, where, text, b0, errors)

            kind = a.get("kind")
            if kind not in KINDS:
                errors.append(f"{where}: bad kind {kind!r}")
            src, cue, content = a.get("source"), a.get("cue"), a.get("content")
            if src is not None:
                check_span(src, "source")
                if not a.get("speaker"):
                    errors.append(f"{where}: source given but no speaker")
            if cue is not None:
                check_span(cue, "cue")
            if src is None and cue is None:
                errors.append(f"{where}: neither source nor cue")
            if not isinstance(content, list) or not content:
                errors.append(f"{where}: content must be a non-empty list")
                continue
            ok = all(check_span(c, f"content[{j}]") for j, c in enumerate(content))
            if not ok:
                continue
            for j in range(1, len(content)):
                if content[j]["start"] < content[j - 1]["end"]:
                    errors.append(f"{where}: content spans out of order or overlapping")
            for c in content:
                if cue is not None and overlaps(c, cue):
                    errors.append(f"{where}: content {c['text'][:30]!r} overlaps cue")
                if src is not None and overlaps(c, src):
                    errors.append(f"{where}: content {c['text'][:30]!r} overlaps source")
            if cue is not None and src is not None and overlaps(cue, src):
                errors.append(f"{where}: cue overlaps source")
            if kind == "direct" and not all(c["text"][:1] in '"\u201c' for c in content):
                errors.append(f"{where}: direct content should start with a quotation mark")
            counts[kind] += 1
            counts["all"] += 1
            if len(content) > 1:
                counts["split"] += 1
                if kind == "direct":
                    counts["split_direct"] += 1
            if src is None:
                counts["no_source"] += 1
        totals.update(counts)
        rows.append((fname, counts))

    print(f"{'file':<66} {'all':>4} {'dir':>4} {'ind':>4} {'mix':>4} {'split':>5}")
    for fname, c in rows:
        print(
            f"{fname[:66]:<66} {c['all']:>4} {c['direct']:>4} {c['indirect']:>4} "
            f"{c['mixed']:>4} {c['split']:>5}"
        )
    print("-" * 92)
    print(
        f"{'TOTAL (' + str(len(rows)) + ' files)':<66} {totals['all']:>4} {totals['direct']:>4} "
        f"{totals['indirect']:>4} {totals['mixed']:>4} {totals['split']:>5}"
    )
    print(
        f"split contents (>1 span): {totals['split']} "
        f"(split direct quotes: {totals['split_direct']}); attributions without a source: "
        f"{totals['no_source']}"
    )
    if errors:
        print(f"\n{len(errors)} error(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("OK: all spans match the texts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
