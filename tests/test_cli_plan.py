"""``tavle board import`` / ``export`` for real: subprocesses, a running server, a WebSocket."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from pycrdt import Map

from board import schema
from board.read import read_elements, read_meta, read_plan
from plan_export.record import COLLECTIONS, RecordError, plan_to_record, validate_record
from server.config import Settings
from server.plan_io import PlanIOError, board_from_record, export_record, read_json
from tests.conftest import ROOT, VENV_BIN
from tests.export_samples import EXAMPLE, example_record
from tests.yclient import connected


def by_id(record: dict) -> dict:
    return {
        k: ({i["id"]: i for i in v} if k in COLLECTIONS else v)
        for k, v in record.items()
        if k not in ("board_id", "exported_at")
    }


def board_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "tavle.db") as db:
        return db.execute("select count(*) from boards").fetchone()[0]


def export(server, board_id: str) -> dict:
    return json.loads(server.cli("board", "export", board_id, "--format", "json").stdout)


def test_import_then_a_running_server_serves_the_plan_and_export_follows_edits(server) -> None:
    created = json.loads(server.cli("board", "import", str(EXAMPLE), "--template", "status").stdout)
    assert set(created) == {"board_id", "edit_token", "view_token"}
    example = example_record()

    record = export(server, created["board_id"])
    validate_record(record)
    assert record["board_id"] == created["board_id"] and record["exported_at"]
    assert by_id(record) == by_id(example)  # import -> export keeps every field

    async def over_the_socket() -> None:
        client = await connected(server.ws, created["board_id"], created["edit_token"])
        plan, problems = read_plan(client.doc)
        assert problems == []
        assert by_id(plan_to_record(plan)) == by_id(example)
        elements, _ = read_elements(client.doc)
        tasks = [e for e in elements if e["type"] == "card" and e["ref"]["kind"] == "action"]
        assert len(tasks) == len(example["actions"])
        action = dict(client.doc.get(schema.ACTIONS, type=Map)["a-praktik"])
        await client.edit(
            lambda doc: doc.get(schema.ACTIONS, type=Map).__setitem__(
                "a-praktik", {**action, "status": "in_progress"}
            )
        )
        await client.close()

    asyncio.run(over_the_socket())
    settings = Settings(data_dir=server.data_dir)
    for _ in range(100):  # the room group-commits its log; the export reads the store
        record, _ = asyncio.run(export_record(settings, created["board_id"]))
        actions = {a["id"]: a for a in record["actions"]}
        if actions["a-praktik"]["status"] == "in_progress":
            break
        time.sleep(0.1)
    assert actions["a-praktik"]["status"] == "in_progress"


def test_the_guard_in_the_live_server_keeps_agreement_for_the_citizen(server) -> None:
    created = json.loads(server.cli("board", "import", str(EXAMPLE)).stdout)

    async def professional_agrees() -> None:
        client = await connected(server.ws, created["board_id"], created["edit_token"])
        goal = dict(client.doc.get(schema.GOALS, type=Map)["g-fritid"])
        await client.edit(
            lambda doc: doc.get(schema.GOALS, type=Map).__setitem__(
                "g-fritid", {**goal, "agreed_at": "2026-11-23T10:00:00Z"}
            )
        )
        assert await client.wait_closed() == 4403  # the edit token is a coordinator's
        check = await connected(server.ws, created["board_id"], created["view_token"])
        assert check.doc.get(schema.GOALS, type=Map)["g-fritid"]["agreed_at"] is None
        await check.close()

    asyncio.run(professional_agrees())


def test_invalid_files_are_refused_naming_the_field_and_create_nothing(server, tmp_path) -> None:
    before = board_count(server.data_dir)
    bad = example_record()
    bad["actions"][3]["owner"] = "p-nobody"
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    result = server.cli("board", "import", str(tmp_path / "bad.json"), check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert "nothing was created" in result.stderr and "/actions/3/owner" in result.stderr
    assert board_count(server.data_dir) == before
    missing = server.cli("board", "export", "no-such-board", check=False)
    assert missing.returncode == 1 and "no board" in missing.stderr


def test_a_refused_import_leaves_a_fresh_data_directory_empty(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"record_version": 1, "citizen": {}}), encoding="utf-8")
    data = tmp_path / "data"
    result = subprocess.run(
        [str(VENV_BIN / "tavle"), "board", "import", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "TAVLE_DATA_DIR": str(data)},
    )
    assert result.returncode == 2 and "/own_goal: is required" in result.stderr
    assert not data.exists() or not any(data.iterdir())


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"record_version": 1,', "not JSON (line 1"),
        ('{"record_version": 7}', "/record_version: must be 1"),
        ("[]", "/: must be of type object"),
    ],
)
def test_board_from_record_refuses_before_building(tmp_path, content: str, words: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises((PlanIOError, RecordError), match=re.escape(words)):
        board_from_record(read_json(str(path)))


def test_board_from_record_builds_meta_plan_and_template() -> None:
    record = example_record()
    title, doc = board_from_record(record, template="tre_kolonner", lang="en")
    meta, problems = read_meta(doc)
    assert title == "Familien Jensens plan" and problems == []
    assert (meta["title"], meta["template"], meta["language"]) == (title, "tre_kolonner", "en")
    assert by_id(plan_to_record(read_plan(doc)[0])) == by_id(record)
    frames = {e["title"] for e in read_elements(doc)[0] if e["type"] == "frame"}
    assert frames == {"Not started", "In progress", "Done"}
