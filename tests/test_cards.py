"""Plan cards in the picture export: what each kind says, that it grows to fit and never
cuts silently, semantic zoom, the plan's ties, and glyphs the font lacks shown as □."""

from __future__ import annotations

import re

from board.read import read_plan
from plan_export.cards import card_drawing, default_size
from plan_export.cards.spec import SPEC
from plan_export.image import render_svg
from plan_export.text import MISSING, drawable
from tests.export_samples import TAND_TASK, example_doc

PLAN, _ = read_plan(example_doc())
# "Vis alt" on a tablet: 12 px text is zoomed_out × the title size
FAR = SPEC["min_screen_px"] / (SPEC["kinds"]["action"]["title"] * SPEC["zoomed_out"])


def lines(kind: str, item_id: str | None, scale: float = 0.1) -> list[str]:
    w, h = default_size({"kind": kind, "id": item_id}, PLAN, "da")
    el = {"w": w, "h": h, "ref": {"kind": kind, "id": item_id}}
    _, _, steps = card_drawing(el, PLAN, "da", scale)
    return [line for s in steps if s.what == "text" for line in s.lines]


def test_each_kind_says_what_the_room_needs() -> None:
    own = " ".join(lines("own_goal", None))
    assert own.startswith("Mit mål »Jeg vil have") and own.endswith("sove om natten.«")
    assert set(lines("action", "a-tand")) >= TAND_TASK
    assert {"○ Ikke startet", "Hvem: Sofie Jensen", "Senest: 07-12-2026"} <= set(
        lines("action", "a-mappe")
    )
    assert {"? Forslag", "Hvornår: Senere"} <= set(lines("goal", "g-fritid"))
    assert {"❚❚ Sat på pause", "✓ Aftalt"} <= set(lines("goal", "g-korekort"))
    assert {"Mette Larsen", "Koordinerende", "Telefon: 72 30 11 00"} <= set(
        lines("participant", "p-mette")
    )
    assert "Følges op af: Mette Larsen" in lines("agreement", "ag-kontakt")


def test_a_card_grows_with_its_text_and_zoomed_out_shows_its_title_large() -> None:
    short = default_size({"kind": "goal", "id": "g-penge"}, PLAN, "da")[1]
    long = default_size({"kind": "action", "id": "a-praktik"}, PLAN, "da")[1]
    assert long > short
    far = lines("action", "a-tand", scale=FAR)  # detail text would be under 12 px
    assert far[0] == "◐ I gang" and "Hvem: Peter Dahl" not in far  # the mark with its word
    title = "Søge om hjælp til tandlæge (enkeltydelse)"
    assert "".join(far[1:]).replace(" ", "") == title.replace(" ", "")  # whole, wrapped
    assert lines("goal", "g-fritid", scale=FAR)[0] == "? Forslag"  # never a bare "?"


def test_zoomed_out_every_card_keeps_its_mark_and_whole_title_and_titles_are_5_3_of_details() -> (
    None
):
    for kind, spec in SPEC["kinds"].items():
        if kind != "case":  # the team board's cases keep their compact size
            assert spec["title"] * 12 >= spec["detail"] * 20, kind
    refs = [("goal", g.id) for g in PLAN.goals] + [("action", a.id) for a in PLAN.actions]
    for kind, item_id in [*refs, ("own_goal", None)]:
        ref = {"kind": kind, "id": item_id}
        w, h = default_size(ref, PLAN, "da")
        made, _, steps = card_drawing({"w": w, "h": h, "ref": ref}, PLAN, "da", FAR)
        texts = [" ".join(s.lines) for s in steps if s.what == "text"]
        assert not any(text.endswith("…") for text in texts), ref
        assert texts[-1].replace(" ", "") == made.title.replace(" ", ""), ref  # whole
        if made.mark:  # its state in words, never a bare icon
            assert texts == [f"{made.mark.icon} {made.mark.text}", texts[-1]], ref


def test_the_plans_ties_are_drawn_between_the_cards() -> None:
    from board.read import read_elements
    from board.templates import apply_template

    doc = example_doc()
    apply_template(doc, "vejen")
    elements, _ = read_elements(doc)
    svg = render_svg(elements, PLAN)
    ties = re.findall(r'<polyline[^>]*stroke="#8a99ad"', svg)
    subgoals = sum(1 for g in PLAN.goals if g.parent)
    assert len(ties) == subgoals + sum(1 for a in PLAN.actions if a.goal)


def test_a_glyph_the_font_lacks_is_shown_not_dropped() -> None:
    assert drawable("Tak 😀👨‍👩‍👧 🇩🇰!") == f"Tak {MISSING}{MISSING} {MISSING}!"
    assert drawable("❤️ Æblegrød") == "❤ Æblegrød"


def test_an_empty_note_is_not_in_the_picture() -> None:
    def note(eid: str, text: str, x: int) -> dict:
        return {
            "id": eid,
            "type": "note",
            "z": 1,
            "author": "",
            "created": 0,
            "x": x,
            "y": 0,
            "w": 1800,
            "h": 1200,
            "text": text,
            "color": "pink",
        }

    svg = render_svg([note("n1", "Hej", 0), note("n2", "  ", 3000)], PLAN)
    assert svg.count("#ffc9de") == 1


def test_the_picture_draws_no_text_wider_than_its_layout() -> None:
    """aggdraw draws with hinted advances (up to ~5 % wider at 20 px than the exact ones the
    layout and the browser use): a badge's last letter ran past its coloured ground. The
    painter takes the size, or a pixel or two less, at which every line fits its width."""
    import aggdraw
    from PIL import Image

    from board.read import read_elements
    from board.templates import apply_template
    from plan_export.cards.spec import text_width
    from plan_export.image import _fitted_font, scene

    doc = example_doc()
    apply_template(doc, "vejen")
    elements, _ = read_elements(doc)
    draw, fonts = aggdraw.Draw(Image.new("RGB", (8, 8))), {}
    texts = 0
    for scale in (0.05, 0.08, 0.1, 0.15):
        for op in scene(elements, PLAN, scale=scale).ops:
            if op.kind != "text" or not op.exact or not any(op.lines) or op.size < 6:
                continue  # below 6 px a pixel more or less is no letter
            fnt = _fitted_font(draw, fonts, "#000000", op.size, op.bold, op.lines)
            room = max(text_width(line, op.size, op.bold) for line in op.lines) + 0.5
            texts += 1
            assert max(draw.textsize(line, fnt)[0] for line in op.lines if line) <= room
    assert texts > 50
