"""Canvas rendering in headless Chromium: first render and pan/zoom frame rate.

Starts a real ``tavle serve``, opens a board page, and inside the page applies one
Yjs update holding N elements (as a late joiner receives them), then measures:

- first render: from applying the update to the end of the first drawn frame, with
  the whole board in view (every stroke outline computed and filled);
- pan/zoom fps while zoomed in (culling matters) with culling on and off;
- pan/zoom fps with the whole board in view.

Run: ``python -m bench.render_bench``; prints one line per case for 5,000 elements
and, for comparison, 500 elements. Target: first render < 1 s, ≥ 30 fps.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ServerProcess

FILL = """(n) => {
  const { Y, doc, renderer } = window.__tavle;
  const src = new Y.Doc(), map = src.getMap('elements');
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  src.transact(() => {
    for (let i = 0; i < n; i++) {
      const id = 'b' + i, x0 = Math.round(rnd() * 60000), y0 = Math.round(rnd() * 40000);
      if (i % 10 === 0) {
        map.set(id, {id, type: 'note', z: i, author: 'bench', created: 0, x: x0, y: y0,
                     w: 1800, h: 1200, text: 'Seddel ' + i, color: 'yellow'});
        continue;
      }
      const pts = [];
      let x = x0, y = y0;
      for (let k = 0; k < 32; k++) {
        x += Math.round((rnd() - 0.3) * 120); y += Math.round((rnd() - 0.5) * 120);
        pts.push(x, y, 500);
      }
      map.set(id, {id, type: 'stroke', z: i, author: 'bench', created: 0, points: pts,
                   color: '#1d3557', width: 40, tool: 'pen'});
    }
  });
  const update = Y.encodeStateAsUpdate(src);
  return new Promise((done) => {
    const t0 = performance.now();
    Y.applyUpdate(doc, update);
    renderer.fit();
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
  });
}"""

FPS = """([culling, zoomed, ms]) => {
  const r = window.__tavle.renderer;
  r.culling = culling;
  r.fit();
  if (zoomed) r.zoomAt(r.width / 2, r.height / 2, 8);
  return new Promise((done) => {
    const start = r.frames, t0 = performance.now();
    let i = 0, drawing = 0;
    const step = () => {
      i++;
      drawing += r.lastDrawMs;
      r.panBy(i % 40 < 20 ? 12 : -12, 3 * Math.sin(i / 10));
      r.zoomAt(r.width / 2, r.height / 2, i % 60 < 30 ? 1.01 : 1 / 1.01);
      if (performance.now() - t0 < ms) requestAnimationFrame(step);
      else done([(r.frames - start) / ((performance.now() - t0) / 1000), drawing / i]);
    };
    requestAnimationFrame(step);
  });
}"""


def new_board(server: ServerProcess) -> dict:
    req = urllib.request.Request(  # noqa: S310 - our own http:// server
        server.http + "/api/boards",
        data=json.dumps({"title": "Bench", "template": "blank"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as res:  # noqa: S310
        return json.load(res)


def measure(browser, server: ServerProcess, n: int) -> None:
    board = new_board(server)
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{server.http}/board/{board['board_id']}?screen=1#token={board['edit_token']}")
    page.wait_for_function("window.__tavle && window.__tavle.ready", timeout=20000)
    first = page.evaluate(FILL, n)
    print(f"{n:>5} elements  first render (update applied, first frame drawn): {first:6.0f} ms")
    cases = (
        (True, True, "zoomed in, culling on "),
        (False, True, "zoomed in, culling off"),
        (True, False, "whole board in view   "),
    )
    for culling, zoomed, label in cases:
        fps, draw_ms = page.evaluate(FPS, [culling, zoomed, 2500])
        print(f"{n:>5} elements  pan/zoom {label}: {fps:5.1f} fps, {draw_ms:5.1f} ms per draw")
    ctx.close()


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="tavle-render-bench-"))
    server = ServerProcess(data_dir=data).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for n in (5000, 500):
                measure(browser, server, n)
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
