"""``tavle serve``: run the server with uvicorn (access log off, tokens redacted)."""

from __future__ import annotations

import argparse
import logging

from server.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run the board server")
    parser.add_argument("--host", help="interface to listen on (default TAVLE_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (default TAVLE_PORT)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    settings = Settings.from_env(**overrides)
    import uvicorn

    from server import logsafe

    logsafe.configure(settings.log_level)
    logging.getLogger("tavle.serve").info(
        "data folder %s (%s); other tavle commands use the same one from any folder",
        settings.data_dir,
        "SQLite" if not settings.database_url else "database from TAVLE_DATABASE_URL",
    )
    from server.app import create_app  # imported here: the other commands stay light
    from server.sync.wsfast import FastSocket

    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_config=None,
        log_level=settings.log_level.lower(),
        # our own check answers up to this size with 4413; beyond it the socket closes 1009
        ws_max_size=2 * settings.max_message_bytes,
        ws=FastSocket,
        # uvloop: its C transports cut the per-frame cost of every read and write, which
        # is most of a busy room's work below saturation (docs/benchmarks.md)
        loop="uvloop",
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=5,
        # X-Forwarded-For / -Proto only from the configured proxies (uvicorn's own default
        # trusts 127.0.0.1, which let anyone on the machine pick their address)
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )
    return 0
