"""Access building blocks against a real SQLite file: keys, passwords, sessions, codes,
the policy, the audit CSV. No server; each test is quick."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from server.access import joincodes, policy
from server.access.accounts import AccountError, check_login, create_user, team_names
from server.access.audit import AuditEntry, csv_cell, entries_for_board, insert_event, to_csv
from server.access.grants import Grant
from server.access.keys import load_secret
from server.access.passwords import WeakPassword
from server.access.sessions import SessionCodec, account_of_session, end_session, start_session
from server.access.times import meeting_span, utcnow
from server.config import Settings
from server.store.engine import make_engine, migrate


@pytest.fixture
def engine(tmp_path: Path):
    engine = make_engine(Settings(data_dir=tmp_path))
    migrate(engine)
    yield engine
    engine.dispose()


def test_secret_is_made_once_with_owner_only_permissions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d")
    first = load_secret(settings)
    assert load_secret(settings) == first and len(first) >= 32
    mode = stat.S_IMODE((tmp_path / "d" / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert load_secret(Settings(data_dir=tmp_path, secret_key="x" * 40)) == b"x" * 40


def test_accounts_passwords_and_sessions(engine) -> None:
    with engine.begin() as conn:
        account = create_user(conn, "Mette", "lang-nok-kode", "Mette  Hansen", "Jobcenter", ["A"])
        assert account.username == "mette" and account.name == "Mette Hansen"
        with pytest.raises(AccountError):
            create_user(conn, "mette", "lang-nok-kode", "M", "J", [])
        with pytest.raises(WeakPassword):
            create_user(conn, "kort", "kort", "K", "J", [])
        with pytest.raises(AccountError):
            create_user(conn, "ny", "lang-nok-kode", "Navn\x07", "J", [])
        assert team_names(conn, account.id) == ["A"]
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar_one()
        assert stored.startswith("$argon2id$") and "lang-nok-kode" not in stored
        assert check_login(conn, "METTE ", "lang-nok-kode") == account
        assert check_login(conn, "mette", "forkert-kode") is None
        assert check_login(conn, "ingen", "lang-nok-kode") is None
        session_id = start_session(conn, account.id)
        assert account_of_session(conn, session_id) == account
        end_session(conn, session_id)
        assert account_of_session(conn, session_id) is None


def test_cookie_and_csrf_token_are_bound_to_the_secret_and_session() -> None:
    codec = SessionCodec(b"k" * 40)
    cookie = codec.cookie_for("sid-1")
    assert codec.session_id(cookie) == "sid-1"
    assert codec.session_id(cookie[:-2] + "xx") is None
    assert SessionCodec(b"z" * 40).session_id(cookie) is None
    token = codec.csrf_token("sid-1")
    assert codec.csrf_ok(cookie, token)
    assert not codec.csrf_ok(cookie, codec.csrf_token("sid-2"))
    assert not codec.csrf_ok(None, token) and not codec.csrf_ok(cookie, "")


def test_join_codes_are_unambiguous_hashed_and_forgiving_to_type() -> None:
    codes = {joincodes.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and not set(c) & set("0O1IL") for c in codes)
    code = next(iter(codes))
    assert joincodes.normalise(joincodes.display(code).lower()) == code
    assert joincodes.normalise(" " + code[:4] + " - " + code[4:]) == code
    assert joincodes.normalise("ABC") is None and joincodes.normalise("ABCDEFG0") is None
    assert joincodes.code_hash(b"a" * 32, code) != joincodes.code_hash(b"b" * 32, code)
    token, digest = joincodes.new_token()
    assert len(token) >= 40 and joincodes.token_hash(token) == digest


def facts(**over) -> policy.CaseFacts:
    now = utcnow()
    base = policy.CaseFacts(
        case_id="c",
        board_id="b",
        coordinator_id="u-koord",
        team_users=frozenset({"u-koord", "u-job"}),
        orgs={"u-koord": "Kommunen", "u-job": "Jobcenter"},
        names={"u-koord": "Karen", "u-job": "Jonas"},
        people={
            "p1": policy.Person("p1", "Mor", "citizen", True, frozenset(), None, None, True),
            "p2": policy.Person(
                "p2",
                "Moster",
                "relative",
                False,
                frozenset({"s1"}),
                None,
                now + timedelta(hours=1),
                True,
            ),
        },
        consents=(policy.ConsentFact("Jobcenter", None, False),),
        sections=frozenset({"s1", "s2"}),
    )
    return replace(base, **over)


def test_policy_roles_consent_and_scopes() -> None:
    now = utcnow()
    case = facts()
    coordinator = policy.grant_for_user(case, "u-koord", now)
    assert coordinator and coordinator.role == "coordinator" and coordinator.scopes == {"s1", "s2"}
    professional = policy.grant_for_user(case, "u-job", now)
    assert professional and professional.role == "professional" and professional.scopes == set()
    assert policy.grant_for_user(case, "u-stranger", now) is None
    withdrawn = facts(consents=(policy.ConsentFact("Jobcenter", None, True),))
    assert policy.grant_for_user(withdrawn, "u-job", now) is None
    expired = facts(consents=(policy.ConsentFact("Jobcenter", now - timedelta(days=1), False),))
    assert policy.grant_for_user(expired, "u-job", now) is None
    typed = facts(consents=(policy.ConsentFact(" JOBCENTER", None, False),))  # any case, spacing
    assert policy.grant_for_user(typed, "u-job", now) is not None
    assert policy.missing_consent(typed, "u-job", now) is None
    citizen = policy.grant_for_person(case, "p1", now)
    assert citizen and citizen.scopes == {"s1", "s2"} and citizen.can_write
    relative = policy.grant_for_person(case, "p2", now)
    assert relative and relative.scopes == {"s1"} and not relative.can_write
    assert policy.grant_for_person(case, "p2", now + timedelta(hours=2)) is None
    assert policy.write_right("observer", True) is False
    assert policy.write_right("relative", False) is False and policy.write_right("support", None)


def test_resolve_follows_changes_and_closes_lost_sections() -> None:
    now = utcnow()
    case = facts()
    in_section = Grant("b", "relative", False, "Moster", "participant:p2", frozenset({"s1"}), "s1")
    assert policy.resolve(case, in_section, now) == in_section
    moved = facts(people={**case.people, "p2": replace(case.people["p2"], scopes=frozenset())})
    assert policy.resolve(moved, in_section, now) is None
    main = replace(in_section, section=None)
    assert policy.resolve(moved, main, now) == replace(main, scopes=frozenset())
    assert policy.resolve(None, main, now) is None
    board_token = Grant("b", "coordinator", True, "", "token:edit")
    assert policy.resolve(None, board_token, now) == board_token


def test_audit_rows_and_csv_injection(engine) -> None:
    with engine.begin() as conn:
        insert_event(conn, "join", board_id="b1", actor="=cmd|' /C calc'!A0", detail={"role": "x"})
        insert_event(conn, "open", board_id="b2", actor="Ida")
        with pytest.raises(ValueError):
            insert_event(conn, "Not An Event", board_id="b1")
        entries = entries_for_board(conn, "b1")
    assert [(e.event, e.actor) for e in entries] == [("join", "=cmd|' /C calc'!A0")]
    for danger in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(danger).startswith("'")
    assert csv_cell("Ida") == "Ida" and csv_cell(None) == ""
    text = to_csv([AuditEntry(1, utcnow(), "join", "b", "@evil", {"k": "=2"})])
    assert "'@evil" in text and ";'{" not in text


def test_meeting_times_are_danish_local_time() -> None:
    start, end = meeting_span("2026-07-01", "10:00", 90)
    assert start.isoformat() == "2026-07-01T08:00:00+00:00"  # summer time: UTC+2
    assert (end - start) == timedelta(minutes=90)
    with pytest.raises(ValueError):
        meeting_span("01-07-2026", "10:00", 90)
