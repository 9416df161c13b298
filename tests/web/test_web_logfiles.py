"""The log directory is served whole-file: what is sent is what was read, dot-files never."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from seawall.web.logfiles import LogFiles


def _client(root: Path) -> TestClient:
    return TestClient(Starlette(routes=[Mount("/log", app=LogFiles(directory=root))]))


def test_files_are_served_whole_with_their_caching(tmp_path: Path) -> None:
    (tmp_path / "checkpoint").write_text("origin\n5\nroot\n")
    (tmp_path / "tile" / "0" / "x001.p").mkdir(parents=True)
    (tmp_path / "tile" / "0" / "000").write_bytes(b"\x01" * 8192)
    (tmp_path / "tile" / "0" / "x001.p" / "7").write_bytes(b"\x02" * 224)
    client = _client(tmp_path)
    checkpoint = client.get("/log/checkpoint")
    assert checkpoint.status_code == 200
    assert checkpoint.text == "origin\n5\nroot\n"
    assert checkpoint.headers["content-length"] == str(len(checkpoint.content))
    assert checkpoint.headers["cache-control"] == "no-cache"
    full = client.get("/log/tile/0/000")
    assert full.content == b"\x01" * 8192
    assert "immutable" in full.headers["cache-control"]
    partial = client.get("/log/tile/0/x001.p/7")
    assert partial.content == b"\x02" * 224
    assert partial.headers["cache-control"] == "no-cache"


def test_a_replaced_file_is_sent_as_read(tmp_path: Path) -> None:
    target = tmp_path / "public-state.json"
    target.write_text('{"size": 1}\n')
    client = _client(tmp_path)
    assert client.get("/log/public-state.json").json() == {"size": 1}
    replacement = tmp_path / ".public-state.json.tmp"
    replacement.write_text('{"size": 22, "more": "and longer"}\n')
    replacement.replace(target)
    response = client.get("/log/public-state.json")
    assert response.json() == {"size": 22, "more": "and longer"}
    assert response.headers["content-length"] == str(len(response.content))


def test_dot_files_are_not_served(tmp_path: Path) -> None:
    (tmp_path / ".publisher").mkdir()
    (tmp_path / ".publisher" / "state").write_text("private working file")
    (tmp_path / ".checkpoint.tmp").write_text("half")
    client = _client(tmp_path)
    assert client.get("/log/.publisher/state").status_code == 404
    assert client.get("/log/.checkpoint.tmp").status_code == 404
    assert client.get("/log/missing").status_code == 404
