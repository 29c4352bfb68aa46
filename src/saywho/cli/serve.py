"""`saywho serve`: the web UI and REST API (`saywho.web`) run by uvicorn. Registered on
`saywho.cli.app` when `saywho.cli` loads."""

from __future__ import annotations

import errno
import os
import socket
from typing import Annotated

import typer

from ..errors import SaywhoError
from .common import NotionOpt, _fail, app, err, load_settings
from .store import DbOpt

# uvicorn closes an idle keep-alive connection after 5 s by default, the same expiry httpx and
# many clients use: a client then reuses a connection the server is closing at that instant and
# gets a read error (seen as 1–2 errors per run in benchmarks/api.py). Outliving the clients'
# expiry, as nginx's 75 s default does, closes that race.
KEEP_ALIVE_S = 75


@app.command("serve")
def serve_command(
    db: DbOpt = None,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on; 127.0.0.1 keeps it to this machine."),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", "-p", min=1, max=65535, help="TCP port to listen on.")
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            max=64,
            help="Server processes sharing the port (each with its own connections); "
            "1 runs in this process.",
        ),
    ] = 1,
    root_path: Annotated[
        str,
        typer.Option(
            "--root-path",
            help="The path a reverse proxy serves saywho under (/saywho): "
            "links and the API's next URLs start with it.",
        ),
    ] = "",
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxies whose X-Forwarded-For/-Proto headers are "
            "trusted (comma-separated addresses, * for any).",
        ),
    ] = "127.0.0.1",
    notion: NotionOpt = None,
) -> None:
    """Serve the web UI and the REST API over the store (pages at /, API at /api/v1, docs at /api/docs).

    POST /api/v1/ingest is enabled only when SAYWHO_API_TOKEN is set (send it as a bearer token).
    Behind a reverse proxy, give --root-path when it serves saywho under a path.
    """
    import uvicorn

    from ..web import create_app

    settings = load_settings(db=db, notion=notion.value if notion else None)
    try:
        web_app = create_app(settings)
    except SaywhoError as exc:
        _fail(str(exc), 2)
        return
    if root_path and (not root_path.startswith("/") or root_path.endswith("/") or "?" in root_path):
        _fail(
            f"--root-path {root_path!r}: give a path such as /saywho (a leading /, no trailing /)",
            2,
        )
    _check_port(host, port)
    err.print(f"saywho: serving {settings.db} on http://{host}:{port}/ (Ctrl-C stops)",
              markup=False, highlight=False)  # fmt: skip
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="info", server_header=False,
                    timeout_keep_alive=KEEP_ALIVE_S, root_path=root_path, proxy_headers=True,
                    forwarded_allow_ips=forwarded_allow_ips)  # fmt: skip
        return
    # worker processes import the app by name and build it from the environment, so the store
    # this process checked above is handed down as SAYWHO_DB, the notion as SAYWHO_NOTION (the
    # other settings already are)
    os.environ["SAYWHO_DB"] = settings.db
    os.environ["SAYWHO_NOTION"] = settings.notion
    uvicorn.run("saywho.web:create_app", factory=True, workers=workers, host=host, port=port,
                log_level="info", server_header=False, timeout_keep_alive=KEEP_ALIVE_S,
                root_path=root_path, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips)  # fmt: skip


def _check_port(host: str, port: int) -> None:
    """Fail with one line, before uvicorn starts, when the address cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        _fail(f"--host {host}: cannot resolve ({exc.strerror or exc})", 2)
        return
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                _fail(f"{host}:{port}: the port is already in use (choose another with --port)", 2)
            _fail(f"{host}:{port}: cannot listen ({exc.strerror or exc})", 2)
