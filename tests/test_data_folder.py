"""One data folder for the server and every ``tavle`` command, wherever they are run
from: the default is absolute (the per-user data folder), a relative TAVLE_DATA_DIR is
made absolute, and a board made by the CLI in another folder is on the running server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from server.config import Settings, default_data_dir
from tests.conftest import VENV_BIN


def test_default_is_the_per_user_data_folder(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TAVLE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Settings.from_env().data_dir == tmp_path / "xdg" / "tavle"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the XDG spec: absolute only
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "tavle"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TAVLE_DATA_DIR", "mine")
    assert Settings.from_env().data_dir == tmp_path / "mine"  # absolute from here on


@pytest.mark.timeout(120)
def test_a_board_made_by_the_cli_elsewhere_is_on_the_running_server(server_factory, tmp_path):
    xdg = tmp_path / "xdg"
    server = server_factory(env={"TAVLE_DATA_DIR": "", "XDG_DATA_HOME": str(xdg)})
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    made = subprocess.run(
        [str(VENV_BIN / "tavle"), "board", "create", "--title", "Fra en anden mappe"],
        cwd=elsewhere,
        env=server.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    board = json.loads(made.stdout)
    me = httpx.get(
        f"{server.http}/api/boards/{board['board_id']}/me",
        headers={"Authorization": f"Bearer {board['edit_token']}"},
        timeout=15,
    )
    assert me.status_code == 200 and me.json()["role"] == "coordinator"
    assert (xdg / "tavle" / "tavle.db").is_file()
    assert list(elsewhere.iterdir()) == []  # no second database where the CLI ran
    assert f"data folder {xdg / 'tavle'}" in server.log()
