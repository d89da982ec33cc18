"""Small things that broke the flow (issue 14.7), in Chromium with a mouse and a finger:
a long word wraps inside its card and in the plan panel and never widens the panel."""

from __future__ import annotations

import pytest

from tests import board_page
from tests.board_page import new_board, settle

opener = board_page.opener
shared_server = board_page.shared_server
LONG = "Sagsbehandlingsfristforlængelsesansøgningsskemaudfyldningsvejledning" * 2  # ≤ 200


@pytest.fixture
def server(shared_server):
    return shared_server


@pytest.mark.parametrize(
    "kw",
    [{}, {"viewport": {"width": 1024, "height": 768}, "has_touch": True}],
    ids=["mouse", "touch"],
)
def test_a_long_word_wraps_in_its_card_and_never_widens_the_panel(server, opener, kw) -> None:
    page = opener(new_board(server, "Lange ord"), **kw)
    side = page.locator("#side").bounding_box()["width"]
    page.evaluate(
        """(title) => { const d = window.__tavle.doc;
            d.getMap('goals').set('g1', {id: 'g1', title, description: title, horizon: 'now',
              rank: 0, office: '', parent: null, member: null, proposed_by: null,
              agreed_at: null, status: 'active', created: null});
            window.__tavle.ctx.canvas.addCard({kind: 'goal', id: 'g1'}); }""",
        LONG,
    )
    page.wait_for_function("() => document.querySelector('#plan').textContent.includes('Sags')")
    settle(page)
    assert page.locator("#side").bounding_box()["width"] <= side + 1
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )  # no sideways page
    page.evaluate(
        """() => { const r = window.__tavle.renderer;
            const b = r.items.get(r.cardOf().get('goal:g1')).box;
            r.showBox([b[0] - 200, b[1] - 200, b[2] + 200, b[3] + 200]); r.schedule(); }"""
    )
    page.wait_for_function(  # the full frame after the view change, with the card font
        """(title) => { const r = window.__tavle.renderer;
            const steps = r.items.get(r.cardOf().get('goal:g1')).cardSteps || [];
            return document.fonts.check('12px "Tavle Sans"')
                && steps.some((x) => (x.lines || []).join('') === title); }""",
        arg=LONG,
    )
    lines = page.evaluate(
        """() => { const r = window.__tavle.renderer, item = r.items.get(r.cardOf().get('goal:g1'));
            const w = item.box[2] - item.box[0], s = r.view.s;
            return item.cardSteps.filter((x) => x.what === 'text').map((x) => {
              const c = document.createElement('canvas').getContext('2d');
              c.font = `bold ${x.size}px "Tavle Sans"`;
              const widest = Math.max(...x.lines.map((l) => c.measureText(l).width));
              return { n: x.lines.length, widest, room: w - 2 * x.x,
                       joined: x.lines.join('') }; }); }"""
    )
    title = next(x for x in lines if x["joined"] == LONG)  # all of it, in several lines
    assert title["n"] >= 3 and title["widest"] <= title["room"] + 1
