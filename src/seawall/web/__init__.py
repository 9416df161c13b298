"""The web pages: a public transparency explorer (markets, log, proofs checked in the browser,
reserves), a client page (signed requests and one's own liabilities proof checked in the
browser) and a regulator console, served by the API application under ``/web``.

Attach with ``mount_web(api, data_dir, admin_token)`` after ``seawall.api.app.create_app``.
"""

from __future__ import annotations

from seawall.web.app import CONSOLE_TOKEN_HEADER, STATIC_DIR, mount_web, web_routes

__all__ = ["CONSOLE_TOKEN_HEADER", "STATIC_DIR", "mount_web", "web_routes"]
