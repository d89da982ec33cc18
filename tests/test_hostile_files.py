"""Hostile plan files and board ids at the command line (issue 13, item 9).

Each file is refused with one line and exit status 2, and nothing is created; a board
id that begins with ``-`` works in every command that takes one.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import pytest

from plan_export.untrusted import BadJson, parse_json
from tests.export_samples import EXAMPLE, example_record


def board_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "tavle.db") as db:
        return db.execute("select count(*) from boards").fetchone()[0]


def with_field(path: tuple, value: object) -> str:
    record = example_record()
    node = record
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(record)


HOSTILE = {
    "deep": ("[" * 5000 + "]" * 5000, "nested more than"),
    "huge integer": ('{"record_version": 1, "x": ' + "9" * 5000 + "}", "too long"),
    "lone surrogate": (with_field(("title",), "\ud800 Familien"), "/title: text holds a lone"),
    "surrogate key": ('{"\\udfff": 1}', "lone surrogate"),
    "NaN rank": (with_field(("goals", 0, "rank"), float("nan")), "NaN"),
    "Infinity": ('{"record_version": 1e999}', "out of range"),
    "month 13": (with_field(("exported_at",), "2026-13-45T99:99:00Z"), "/exported_at"),
    "day 31 in June": (with_field(("next_meeting", "date"), "2026-06-31"), "/next_meeting/date"),
    "not UTF-8": (b"\xff{}", "not UTF-8"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_one_line_exit_2_and_creates_nothing(server, tmp_path, name) -> None:
    text, expected = HOSTILE[name]
    path = tmp_path / "plan.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    before = board_count(server.data_dir)
    done = server.cli("board", "import", str(path), check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tavle board import: refused"), lines
    assert expected in lines[0]
    assert board_count(server.data_dir) == before


def test_a_byte_order_mark_is_accepted(server, tmp_path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    created = json.loads(server.cli("board", "import", str(path)).stdout)
    assert created["board_id"]


def test_parse_json_refuses_what_python_json_lets_through() -> None:
    assert parse_json(b'\xef\xbb\xbf{"a": [1, 2.5, "\\u00e6"]}') == {"a": [1, 2.5, "æ"]}
    for bad in ("[NaN]", "[-Infinity]", '["\\ud800"]', "[" * 40 + "]" * 40, "1" * 50):
        with pytest.raises(BadJson):
            parse_json(bad)


def test_a_board_id_that_begins_with_a_dash_works_in_every_command(server, tmp_path) -> None:
    created = json.loads(server.cli("board", "import", str(EXAMPLE)).stdout)
    dash_id = "-" + created["board_id"][1:]
    with sqlite3.connect(server.data_dir / "tavle.db") as db:
        db.execute("update boards set id = ? where id = ?", (dash_id, created["board_id"]))
        for table in ("doc_updates", "doc_snapshots"):
            db.execute(
                f"update {table} set doc_key = ? where doc_key = ?",  # noqa: S608
                (dash_id, created["board_id"]),
            )
    record = json.loads(server.cli("board", "export", dash_id, "--format", "json").stdout)
    assert record["board_id"] == dash_id and record["goals"]
    out = tmp_path / "plan.pdf"
    server.cli("export", dash_id, "--format", "pdf", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    server.cli("export", "--format", "svg", "-o", str(out.with_suffix(".svg")), dash_id)
    assert b"<svg" in out.with_suffix(".svg").read_bytes()


BODIES = [b"[" * 5000, b'{"title": "x", "template": NaN}', b'{"title": "\\ud800"}']


@pytest.mark.parametrize("body", BODIES)
def test_a_hostile_request_body_is_a_400_not_a_server_error(server, body) -> None:
    answer = httpx.post(
        f"{server.http}/api/boards", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json() == {"error": "body must be JSON"}
