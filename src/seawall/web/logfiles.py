"""The published log directory served over HTTP, consistent while the publisher rewrites it.

Starlette's ``FileResponse`` takes a file's size from ``stat`` and streams the file later; the
publisher replaces the checkpoint, partial tiles and ``public-state.json`` every few seconds, so
a file replaced in between went out with a length that did not match its body (and a client saw
a truncated or refused response). ``LogFiles`` reads each file whole from one open and sends
exactly what it read: a reader gets the old file or the new one. Dot-files (the publisher's
temporary files and working directory) are not served.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

__all__ = ["LogFiles"]


class LogFiles(StaticFiles):
    """``StaticFiles`` for a directory whose files are replaced (atomically) while served."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        if any(part.startswith(".") for part in path.replace("\\", "/").split("/")):
            raise HTTPException(status_code=404)
        return await super().get_response(path, scope)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        try:
            with open(full_path, "rb") as handle:
                body = handle.read()
        except FileNotFoundError as exc:  # replaced away between lookup and open
            raise HTTPException(status_code=404) from exc
        media_type = mimetypes.guess_type(str(full_path))[0] or "text/plain"
        relative = str(full_path).replace("\\", "/")
        # full tiles and entry bundles never change (tlog-tiles); the rest is replaced as it grows
        immutable = "/tile/" in relative and ".p/" not in relative
        headers: dict[str, Any] = {
            "Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache"
        }
        return Response(body, status_code=status_code, media_type=media_type, headers=headers)
