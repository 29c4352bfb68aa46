"""saywho's web face: an HTML UI and a REST API over the store (``saywho serve``).

    from saywho.web import create_app
    app = create_app(Settings.from_env(), db="saywho.db")   # then run it with uvicorn

Modules: `app` (the factory, security headers, body limit, the one error shape), `api` (the
``/api/v1`` routes and `schemas`), `pages` (the HTML routes and `templates/`), `highlight`
(attribution spans as nested HTML), `charts` (SVG timelines), `documents` (pasted text, HTML or
URLs through the CLI's pipeline), `docs` (the vendored Swagger UI at ``/api/docs``).
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
