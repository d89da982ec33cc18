"""The server's guard over one live board document: limits, shapes and roles.

A :class:`Guard` watches the document's top-level maps and remembers which keys
changed (and their value before the change). After the room applies a client's
update it calls :meth:`Guard.after_update` with that client's role: only the
changed keys are checked, and whatever is wrong is repaired in one transaction
with origin :data:`REPAIR_ORIGIN` — items over the count limits are removed,
wrong shapes and values are repaired field by field or removed, texts clipped;
a non-citizen's change of ``agreed_at`` is undone, an observer's change is undone
entirely, and so is any client's change of a map only the server writes
(``schema.SERVER_ONLY``: the consents); only professionals change or remove an
organisation. A rating (``progress``) must be a whole number on the configured scale
(:func:`board.progress.rating_fields`); any other is removed. A plan item may lack
optional fields (one written before they were added keeps that shape when a client
changes it): every reader takes them at their defaults, so the guard leaves it as
written — a repair of the whole item would also overwrite the client's next change of
it (say the citizen's agreement) made before the repair reached it. The returned
problems tell the room to close the client (:func:`close_code`: 4403 for a role
problem, 4413 otherwise).
"""

from __future__ import annotations

from functools import partial

from pycrdt import Doc, Map

from board import schema
from board.elements import clean_element, is_clean_element
from board.fields import Field, clean_item
from board.progress import Scale, rating_fields
from board.read import META_FIELDS, PLAN_FIELDS, clean_plan_item

REPAIR_ORIGIN = "tavle-guard"
# transaction origins whose changes are not a client's: the guard's own repairs, server
# edits (rooms.edit), loading from the store, updates relayed from another process
TRUSTED_ORIGINS = frozenset({REPAIR_ORIGIN, "server", "store", "remote"})
ROLE_PREFIX = "role: "
CITIZEN_ONLY_FIELD = "agreed_at"
# an organisation's codes reach the case systems: only professionals change or remove one
# (anyone who may write may add one, e.g. a new person's workplace)
ORGANISATION_EDITORS = ("coordinator", "professional")

_COUNT_STEP = {"add": 1, "delete": -1}  # an event key's action → change of the item count
MISSING = object()  # the key did not exist before the change
UNKNOWN = object()  # changed deep inside a nested shared type: old value not known

_LIMITS = tuple((name, schema.MAX_ITEMS[name]) for name in schema.COLLECTIONS)
_SINGLETON_FIELDS = {
    schema.PLAN: {f.name: f for f in PLAN_FIELDS},
    schema.META: {f.name: f for f in META_FIELDS},
}


def apply_update(doc: Doc, update: bytes) -> None:
    """``doc.apply_update(update)`` in a plain transaction with no origin (a client's).

    pycrdt's own ``Doc.apply_update`` wraps the Rust call in its Python transaction
    class (a lock, origin bookkeeping, nesting): ~4 µs of the ~30 a stroke costs the
    room, on the hottest path of the server. The guard's observers are called from
    Rust either way. ``ValueError`` if the update does not decode.
    """
    inner = doc._doc
    txn = inner.create_transaction()
    try:
        inner.apply_update(txn, update)
    finally:
        txn.commit()
        txn.drop()


def close_code(problems: list[str]) -> int:
    """The WebSocket close code for a client whose update produced ``problems``."""
    return 4403 if any(p.startswith(ROLE_PREFIX) for p in problems) else 4413


class Guard:
    """Checks and repairs the keys changed since the last call; cheap when nothing changed.

    ``scale``: the ratings' scale (``TAVLE_PROGRESS_SCALE``; None: the default 1–10).
    """

    def __init__(self, doc: Doc, scale: Scale | None = None) -> None:
        self._doc = doc
        # checked more strictly than the reader does (None: the reader's fields)
        self._fields: dict[str, tuple[Field, ...]] = {
            schema.PROGRESS: rating_fields(scale or Scale())
        }
        self._maps = {name: doc.get(name, type=Map) for name in schema.ALL_MAPS}
        self._before: dict[tuple[str, str], object] = {}
        self._after: dict[tuple[str, str], object] = {}  # the new values the events carried
        # item counts kept up to date from the events: len() of a big Y.Map is O(n)
        self._counts = {name: len(self._maps[name]) for name in schema.COLLECTIONS}
        self.repair = b""  # the update made by the last after_update's repair (b"": none)
        # pycrdt's own observe_deep wraps every event and converts every value recursively
        # in Python (~45 µs per stroke); the integrated (Rust) events give the same data
        self._origins = doc._origins
        self._subscriptions = [
            m.integrated.observe_deep(partial(self._collect, name))
            for name, m in self._maps.items()
        ]

    def _collect(self, name: str, events: list) -> None:
        if not events:
            return
        # one callback per transaction: one origin for all its events
        trusted = self._origins.get(events[0].transaction.origin()) in TRUSTED_ORIGINS
        for event in events:
            if event.path:
                self._after[(name, str(event.path[0]))] = UNKNOWN
                if not trusted:
                    self._before.setdefault((name, str(event.path[0])), UNKNOWN)
                continue
            for key, change in event.keys.items():
                action = change.get("action")
                self._after[(name, key)] = change.get("newValue", MISSING)
                if name in self._counts:
                    self._counts[name] += _COUNT_STEP.get(action, 0)
                if not trusted:
                    old = MISSING if action == "add" else change.get("oldValue")
                    self._before.setdefault((name, key), old)

    def accept(self) -> None:
        """Trust every change made so far: for changes that are not a client's but were made
        in a transaction whose origin is not in :data:`TRUSTED_ORIGINS`."""
        self._before.clear()
        self._after.clear()

    def close(self) -> None:
        """Stop watching the document."""
        for subscription in self._subscriptions:
            subscription.drop()
        self._subscriptions.clear()

    def after_update(self, role: str) -> list[str]:
        """Check what changed since the last call as written by ``role``; repair; report.

        The repair's own update is left in :attr:`repair` for the caller to send on.
        """
        after, self._after = self._after, {}
        self.repair = b""
        if not self._before:
            return []
        changed, self._before = self._before, {}
        problems: list[str] = []
        repairs: dict[tuple[str, str], object] = {}
        over = self._over_limit(changed)
        for (name, key), before in changed.items():
            if (name, key) in over and role in schema.ROLES and role != "observer":
                limit = schema.MAX_ITEMS[name]
                problems.append(f"{name}: more than {limit} items, {key[:80]} removed")
                repairs[(name, key)] = MISSING
                continue
            current = after.get((name, key), UNKNOWN)
            if current is UNKNOWN:
                current = self._maps[name].get(key, MISSING)
            value = self._check(name, key, before, current, role, problems)
            if value is not current:
                repairs[(name, key)] = value
        if repairs:
            state = self._doc.get_state()
            with self._doc.transaction(origin=REPAIR_ORIGIN):
                for (name, key), value in repairs.items():
                    if value is MISSING:
                        self._maps[name].pop(key, None)
                    else:
                        self._maps[name][key] = value
            self.repair = self._doc.get_update(state)
        return problems

    def _over_limit(self, changed: dict[tuple[str, str], object]) -> set[tuple[str, str]]:
        """Newly added keys beyond a collection's item limit (only maps that grew are counted)."""
        over: set[tuple[str, str]] = set()
        crowded = [n for n, limit in _LIMITS if self._counts[n] > limit]
        for name in crowded:
            added = [
                key
                for (n, key), before in changed.items()
                if n == name and before is MISSING and key in self._maps[name]
            ]
            excess = self._counts[name] - schema.MAX_ITEMS[name] if added else 0
            over.update((name, key) for key in added[max(0, len(added) - excess) :] if excess > 0)
        return over

    def _check(
        self, name: str, key: str, before: object, current: object, role: str, problems: list[str]
    ) -> object:
        """The value ``key`` should have (``current`` itself when it is fine)."""
        changes_org = name == schema.ORGANISATIONS and before is not MISSING
        if (
            role == "observer"
            or role not in schema.ROLES
            or name in schema.SERVER_ONLY
            or (changes_org and role not in ORGANISATION_EDITORS)
        ):
            if current == before:
                return current
            problems.append(f"{ROLE_PREFIX}{role!r} may not change {name}/{key[:80]}")
            return MISSING if before is UNKNOWN else before
        if current is MISSING:
            return current
        if name in _SINGLETON_FIELDS:
            return self._check_singleton(name, key, current, problems)
        if name == schema.ELEMENTS:
            if is_clean_element(key, current):
                return current
            clean, found = clean_element(key, current)
        else:
            clean, found = clean_plan_item(name, key, current, self._fields.get(name))
        problems.extend(found)
        if clean is None:
            return MISSING
        if role != "citizen" and CITIZEN_ONLY_FIELD in clean:
            agreed_before = before.get(CITIZEN_ONLY_FIELD) if isinstance(before, dict) else None
            if clean[CITIZEN_ONLY_FIELD] != agreed_before:
                problems.append(f"{ROLE_PREFIX}only the citizen may agree to {name}/{key[:80]}")
                clean[CITIZEN_ONLY_FIELD] = agreed_before
                return clean
        if found:
            return clean
        if current.keys() - clean.keys():  # type: ignore[attr-defined]
            problems.append(f"{name}/{key[:80]}: unknown keys removed")
            return clean
        if name == schema.ELEMENTS and clean.keys() != current.keys():  # type: ignore[attr-defined]
            problems.append(f"{name}/{key[:80]}: missing fields set to their defaults")
            return clean  # the browser draws an element as stored
        # at most numbers that readers round, or (a plan item) fields it was written without,
        # which every reader takes at their defaults: left as the client wrote them
        return current

    def _check_singleton(self, name: str, key: str, current: object, problems: list[str]) -> object:
        field = _SINGLETON_FIELDS[name].get(key)
        if field is None:
            problems.append(f"{name}.{key[:80]}: unknown key, removed")
            return MISSING
        clean, found = clean_item({key: current}, (field,), name)
        problems.extend(found)
        value = clean[key] if clean is not None else MISSING
        return current if value == current else value
