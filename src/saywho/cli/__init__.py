"""The `saywho` command: a thin shell over the library (Typer + Rich).

`common` holds the app, the shared options and the failure reporting; each of the other modules
registers its commands on `app` when imported here:

- `documents`: extract, analyze;
- `store`: ingest, db, search, speakers, speaker, about, export, stats;
- `claims`: claims, claim, similar, cluster, checkworthy;
- `factchecks`: factchecks import|match|list|show;
- `figures`: figures;
- `serve`: serve (the web UI and REST API).
"""

# ruff: noqa: I001 - the imports register the commands, and --help lists them in this order

from __future__ import annotations

from . import documents, store, claims, factchecks, figures, serve  # noqa: F401
from .common import app, run

__all__ = ["app", "run"]
