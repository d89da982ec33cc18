"""Plan cards in Chromium (mouse and touch): each kind with its details, the same size as
in the picture export, semantic zoom at "Vis alt", the plan's ties drawn and following
the cards, cards placed in the layout when added and removed with their item, lanes that
light up while a card is dragged over them."""

from __future__ import annotations

import json

import pytest

from board.read import read_plan
from board.templates import TEMPLATES
from plan_export.cards import card_size, content
from tests import board_page
from tests.board_page import WHITE, add, near, new_board, pixel, pointer, settle, to_screen
from tests.export_samples import EXAMPLE, TAND_TASK, example_doc

opener = board_page.opener
shared_server = board_page.shared_server
RELATION = (0x8A, 0x99, 0xAD)
BLUE = (0x0B, 0x63, 0xCE)
IPAD = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
FONT_READY = """() => document.fonts.check('12px "Tavle Sans"') && window.__tavle.ready"""


@pytest.fixture
def server(shared_server):  # one server for the module
    return shared_server


def imported(server, template: str) -> dict:
    done = server.cli("board", "import", str(EXAMPLE), "--template", template)
    return json.loads(done.stdout)


def open_(opener, board: dict, **kw):
    page = opener(board, **kw)
    page.wait_for_function(FONT_READY)
    settle(page)
    return page


def boxes(page) -> dict:
    """Card boxes as the page computed them, by "kind:id"."""
    return page.evaluate(
        """() => { const r = window.__tavle.renderer, out = {};
            for (const [key, id] of r.cardOf()) out[key] = r.items.get(id).box;
            return out; }"""
    )


def shown(page, key: str) -> list[str]:
    """The lines card ``key`` draws once it fills the view (zoomed in: its details)."""
    page.evaluate(
        """(key) => { const r = window.__tavle.renderer, b = r.items.get(r.cardOf().get(key)).box;
            r.showBox([b[0] - 300, b[1] - 300, b[2] + 300, b[3] + 300]);
            r.schedule(); }""",  # a full frame, not the cached bitmap of a view change
        key,
    )
    settle(page)
    return page.evaluate(
        """(key) => { const r = window.__tavle.renderer;
            return r.items.get(r.cardOf().get(key)).cardSteps.flatMap((s) => s.lines || []); }""",
        key,
    )


@pytest.mark.parametrize("template", [t for t in TEMPLATES if t != "blank"])
def test_each_template_shows_the_example_plan_at_the_sizes_of_the_picture(
    server, opener, template: str
) -> None:
    page = open_(opener, imported(server, template))
    elements = page.evaluate("[...window.__tavle.doc.getMap('elements').values()]")
    plan, _ = read_plan(example_doc())
    cards = {
        f"{e['ref']['kind']}:{e['ref']['id'] or 'null'}": e for e in elements if e["type"] == "card"
    }
    seen = boxes(page)
    assert set(seen) == set(cards)  # every card of the layout is drawn
    for key, el in cards.items():  # the browser and the exporter agree within 2 px
        w, h = card_size(el, plan, "da")
        box = seen[key]
        assert abs((box[2] - box[0]) - w) <= 20 and abs((box[3] - box[1]) - h) <= 20, key
    listed = list(seen.items())
    for i, (ka, a) in enumerate(listed):  # and none covers another
        for kb, b in listed[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (ka, kb)
    page.screenshot(path=str(server.data_dir / f"cards-{template}.png"))


@pytest.mark.parametrize("kw", [{}, IPAD], ids=["mouse", "touch"])
def test_each_card_kind_shows_what_the_room_needs(server, opener, kw) -> None:
    page = open_(opener, imported(server, "vejen"), **kw)
    own = " ".join(shown(page, "own_goal:null"))
    assert "Mit mål" in own and "»Jeg vil have et arbejde" in own and "sove om natten.«" in own
    task = shown(page, "action:a-tand")
    assert set(task) >= TAND_TASK
    box = boxes(page)["action:a-tand"]
    assert near(
        pixel(page, *to_screen(page, (box[0] + box[2]) / 2, box[1] + 35)), (0xF4, 0xA2, 0x61)
    )  # the magnet colour, besides its word
    assert {"? Forslag", "Hvornår: Senere", "Hvor: Familieafdelingen"} <= set(
        shown(page, "goal:g-fritid")
    )
    step = shown(page, "goal:g-kursus")
    assert {"✓ Aftalt", "Hvornår: Nu"} <= set(step)
    assert "Delmål til: Få et arbejde i et køkken" in " ".join(step)  # wrapped, never cut
    assert "❚❚ Sat på pause" in shown(page, "goal:g-korekort")
    page = open_(opener, imported(server, "netvaerk"), **kw)
    assert {"Mette Larsen", "✓ Kontaktperson", "Familieafdelingen", "Telefon: 72 30 11 00"} <= set(
        shown(page, "participant:p-mette")
    )
    assert "Pårørende" in shown(page, "participant:p-karen")


DRAWN = """() => { const r = window.__tavle.renderer, s = r.view.s, out = {};
    for (const [key, id] of r.cardOf()) {
      const steps = r.items.get(id).cardSteps.filter((x) => x.what === 'text');
      out[key] = { px: steps.map((x) => x.size * s), lines: steps.flatMap((x) => x.lines),
                   texts: steps.map((x) => x.lines.join(' ')) };
    }
    return out; }"""


def fitted(page) -> dict:
    """Each card's text at "Vis alt", as the renderer drew it: sizes in CSS px, lines, and
    the text of each step (a badge, the title, a detail)."""
    page.locator('[data-key="fit"]').click()
    page.evaluate("window.__tavle.renderer.schedule()")  # a full frame, not the cached bitmap
    settle(page)
    return page.evaluate(DRAWN)


@pytest.mark.parametrize("template", ["blank", "vejen", "netvaerk", "familie", "tre_kolonner"])
def test_vis_alt_on_the_shared_screen_shows_every_title_at_20_px_with_its_details(
    server, opener, template: str
) -> None:
    """1920×1080, the board beside the plan in brief: read from across the room."""
    page = open_(
        opener,
        imported(server, template),
        query="?screen=1",
        viewport={"width": 1920, "height": 1080},
    )
    drawn = fitted(page)
    assert len(drawn) == page.evaluate(
        "[...window.__tavle.doc.getMap('elements').values()].filter((e) => e.type === 'card')"
        ".length"
    )
    for key, card in drawn.items():
        assert max(card["px"]) >= 20 and min(card["px"]) >= 12 - 1e-6, (key, card["px"])
        kind = key.split(":")[0]
        if kind == "action":  # Hvem and Senest, not only the title
            assert any(x.startswith("Hvem: ") for x in card["lines"]), key
            assert any(x.startswith("Senest: ") for x in card["lines"]), key
        assert not any(x.startswith("? ") and x != "? Forslag" for x in card["lines"]), key
    page.screenshot(path=str(server.data_dir / f"vis-alt-screen-{template}.png"))


@pytest.mark.parametrize("template", ["vejen", "familie"])
@pytest.mark.parametrize("viewport", [(1024, 768), (820, 1180)], ids=["landscape", "portrait"])
def test_vis_alt_on_a_tablet_shows_every_whole_title_and_its_mark_in_words(
    server, opener, viewport: tuple[int, int], template: str
) -> None:
    page = open_(
        opener,
        imported(server, template),
        has_touch=True,
        viewport={"width": viewport[0], "height": viewport[1]},
    )
    drawn = fitted(page)
    plan, _ = read_plan(example_doc())
    assert len(drawn) == 17  # the own goal, 8 goals and sub-goals, 8 tasks
    for key, card in drawn.items():
        kind, item_id = key.split(":")
        made = content({"kind": kind, "id": None if item_id == "null" else item_id}, plan, "da")
        assert min(card["px"]) >= 12 - 1e-6, (key, card["px"])
        assert not any(x.endswith("…") for x in card["lines"]), key  # wrapped, never cut
        assert made.title.replace(" ", "") in "".join(card["lines"]).replace(" ", ""), key
        if made.mark:  # its state in words: "? Forslag", "◐ I gang", never a bare "?"
            assert card["texts"][0] == f"{made.mark.icon} {made.mark.text}", key
    assert drawn["goal:g-fritid"]["texts"][0] == "? Forslag"
    page.screenshot(path=str(server.data_dir / f"vis-alt-tablet-{template}-{viewport[0]}.png"))


@pytest.mark.parametrize("kw", [{}, IPAD], ids=["mouse", "touch"])
def test_a_task_is_tied_to_its_goal_and_the_tie_follows_the_card(server, opener, kw) -> None:
    page = open_(opener, new_board(server, "Bånd"), **kw)
    page.evaluate(
        """() => { const d = window.__tavle.doc;
            d.getMap('goals').set('g1', {id: 'g1', title: 'Bo for mig selv', description: '',
              horizon: 'now', rank: 0, office: '', parent: null, member: null,
              proposed_by: null, agreed_at: null, status: 'active', created: null});
            d.getMap('actions').set('a1', {id: 'a1', what: 'Se på lejligheder', goal: 'g1',
              owner: null, office: '', due: null, status: 'not_started', approval: 'not_needed',
              follow_up: null, carried_over: 0, note: '', expected_result: '', member: null,
              proposed_by: null, agreed_at: null, rank: 0, created: null}); }"""
    )
    goal = add(
        page,
        {"type": "card", "x": 0, "y": 0, "w": 3000, "h": 900, "ref": {"kind": "goal", "id": "g1"}},
    )
    add(
        page,
        {
            "type": "card",
            "x": 8000,
            "y": 0,
            "w": 3000,
            "h": 900,
            "ref": {"kind": "action", "id": "a1"},
        },
    )
    page.evaluate(  # and a full frame, not the scaled bitmap of the last one
        "() => { const r = window.__tavle.renderer; r.showBox([-500, -3000, 11500, 5000]);"
        " r.schedule(); }"
    )
    settle(page)

    def middle() -> tuple[float, float]:  # of the line between the two cards' centres
        b = boxes(page)
        (a0, a1, a2, a3), (b0, b1, b2, b3) = b["goal:g1"], b["action:a1"]
        return to_screen(page, (a0 + a2 + b0 + b2) / 4, (a1 + a3 + b1 + b3) / 4)

    def tie_at(x: float, y: float) -> bool:  # a thin, antialiased line: look a pixel around
        return any(near(pixel(page, x, y + d), RELATION, 30) for d in (-1.5, -0.5, 0.5, 1.5))

    before = middle()
    assert tie_at(*before)
    page.evaluate("(id) => window.__tavle.editor.patch(id, {y: 2000})", goal)
    settle(page)
    for _ in range(30):  # the next full frame may be a moment behind on a loaded machine
        if near(pixel(page, *before), WHITE, 10) and tie_at(*middle()):
            break
        page.wait_for_timeout(100)
    assert near(pixel(page, *before), WHITE, 10)  # it moved with the card
    assert tie_at(*middle())


@pytest.mark.parametrize("kw", [{}, IPAD], ids=["mouse", "touch"])
def test_a_task_added_goes_to_its_place_and_leaves_with_its_item(server, opener, kw) -> None:
    page = open_(opener, imported(server, "status"), **kw)
    moved = page.evaluate(
        """() => { const r = window.__tavle.renderer, id = r.cardOf().get('action:a-mappe');
            window.__tavle.editor.patch(id, {x: r.items.get(id).el.x + 150}); return id; }"""
    )
    before = boxes(page)
    page.evaluate(
        """() => { const d = window.__tavle.doc;
            d.getMap('actions').set('a-ny', {id: 'a-ny', what: 'Ringe til køreskolen',
              goal: 'g-korekort', owner: 'p-jonas', office: '', due: '2026-12-10',
              status: 'not_started', approval: 'not_needed', follow_up: null, carried_over: 0,
              note: '', expected_result: '', member: 'm1', proposed_by: null, agreed_at: null,
              rank: 9, created: null});
            window.__tavle.ctx.canvas.addCard({kind: 'action', id: 'a-ny'}); }"""
    )
    settle(page)
    after = boxes(page)
    new = after["action:a-ny"]
    lane = page.evaluate(
        """() => [...window.__tavle.doc.getMap('elements').values()]
            .find((e) => e.type === 'frame' && e.lane && e.lane.value === 'not_started')"""
    )
    assert lane["x"] <= new[0] and new[2] <= lane["x"] + lane["w"]  # in "Ikke startet"
    rows = sorted(
        after[f"goal:{g}"][1] for g in ("g-penge", "g-job", "g-skole", "g-fritid", "g-korekort")
    )
    row = after["goal:g-korekort"][1]  # the last row; its "Ikke startet" is empty
    assert row == max(rows) and row <= new[1] < row + 1000  # in its goal's row
    for key, b in after.items():
        if key != "action:a-ny":
            assert b == before[key]  # nothing else moved, the moved card stayed
            assert b[2] <= new[0] or new[2] <= b[0] or b[3] <= new[1] or new[3] <= b[1], key
    assert (
        page.evaluate("(id) => window.__tavle.doc.getMap('elements').get(id).x", moved)
        == before["action:a-mappe"][0]
    )
    page.evaluate("() => window.__tavle.doc.getMap('actions').delete('a-ny')")
    page.wait_for_function(
        """() => ![...window.__tavle.doc.getMap('elements').values()]
            .some((e) => e.type === 'card' && e.ref.id === 'a-ny')"""
    )


def test_a_lane_lights_up_under_a_dragged_card_and_sets_the_status(server, opener) -> None:
    for kw in ({}, IPAD):
        page = open_(opener, imported(server, "tre_kolonner"), **kw)
        page.evaluate("window.__tavle.tools.setTool('select')")
        b = boxes(page)["action:a-laerer"]  # not started
        lane = page.evaluate(
            """() => [...window.__tavle.doc.getMap('elements').values()]
                .find((e) => e.type === 'frame' && e.lane && e.lane.value === 'done')"""
        )
        start = to_screen(page, (b[0] + b[2]) / 2, b[1] + 200)
        end = to_screen(page, lane["x"] + lane["w"] / 2, b[1] + 200)
        kind = "touch" if kw else "mouse"
        steps = [
            ("pointermove", 3, kind, start[0] + (end[0] - start[0]) * i / 8, start[1])
            for i in range(1, 9)
        ]
        pointer(page, [("pointerdown", 3, kind, *start), *steps])
        settle(page)
        assert page.evaluate("window.__tavle.renderer.laneHint") == lane["id"]
        edge = to_screen(page, lane["x"], b[1] + 200)  # its left edge, beside the card
        assert any(near(pixel(page, edge[0] + d, edge[1]), BLUE, 60) for d in (0, 1, 2))
        pointer(page, [("pointerup", 3, kind, *end)])
        page.wait_for_function(
            "window.__tavle.doc.getMap('actions').get('a-laerer').status === 'done'"
        )
        assert page.evaluate("window.__tavle.renderer.laneHint") is None
        shown_lines = shown(page, "action:a-laerer")
        assert "● Klaret" in shown_lines  # the card says it too


INSIDE = """(id) => { const r = window.__tavle.renderer, b = r.items.get(id)?.box,
    v = r.visibleBox();
    return Boolean(b) && b[0] >= v[0] && b[1] >= v[1] && b[2] <= v[2] && b[3] <= v[3]; }"""


def test_the_shared_screen_shown_whole_takes_in_what_others_add(server, opener) -> None:
    """A card or note placed outside the shared screen's whole-board view by someone else
    comes into view by itself; once the coordinator zooms, the view is hers and stays."""
    board = imported(server, "vejen")
    screen = open_(opener, board, viewport={"width": 1920, "height": 1080})
    laptop = open_(opener, board, viewport={"width": 1366, "height": 768})
    assert screen.evaluate("window.__tavle.renderer.fitted")
    far = {
        "type": "note",
        "x": 0,
        "y": 90_000,
        "w": 1800,
        "h": 1200,
        "text": "Ny idé",
        "color": "yellow",
    }
    note = add(laptop, far)
    screen.wait_for_function(INSIDE, arg=note, timeout=5000)
    assert screen.evaluate("window.__tavle.renderer.fitted")
    screen.locator('#corner button[data-key="zoom_in"]').click()
    view = screen.evaluate("window.__tavle.renderer.view")
    other = add(laptop, {**far, "y": -90_000, "text": "Endnu en"})
    screen.wait_for_function(
        "(id) => window.__tavle.renderer.items.has(id)", arg=other, timeout=5000
    )
    screen.wait_for_timeout(800)  # longer than the follow delay (300 ms)
    assert screen.evaluate("window.__tavle.renderer.view") == view
    assert not screen.evaluate(INSIDE, other)


def test_a_note_has_the_same_lines_on_the_screen_and_in_the_picture(server, opener) -> None:
    """A note is wrapped by the picture's font and rule in the browser too: a long word is
    split, and what does not fit ends in "…", on the screen as in the exported picture."""
    from plan_export.cards.spec import Measure
    from plan_export.text import wrap

    page = open_(opener, new_board(server, "Seddel"))
    text = (
        "Husk: ring til Ydelseskontoret om tandlægeregningen før fredag, "
        "gældsrådgivningsordningen og boligstøtteansøgningsskemaet – og så en kop kaffe "
        "bagefter med Karen, Jonas og Mette, hvis der er tid til det hele"
    )
    note = {"type": "note", "x": 0, "y": 0, "w": 2400, "h": 1300, "text": text, "color": "yellow"}
    nid = add(page, note)
    page.evaluate("() => window.__tavle.renderer.fit()")
    page.wait_for_function(
        "(id) => Boolean(window.__tavle.renderer.items.get(id)?.lines)", arg=nid, timeout=5000
    )
    shown = page.evaluate("(id) => window.__tavle.renderer.items.get(id).lines", nid)
    size = max(80, min(200, note["h"] / 6))
    room = max(1, int((note["h"] - 160) // (size * 1.25)))
    assert shown == wrap(text, note["w"] - 160, Measure(size, False), room)
    assert shown[-1].endswith("…") and len(shown) == room  # the rest is cut, visibly
