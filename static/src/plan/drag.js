// Dragging a plan item between lanes with pointer events (mouse, pen and touch alike).
// Drag is never the only way: every move also has buttons or a select (keyboard).

const THRESHOLD = 6; // px before a press becomes a drag
let active = 0;

/** True while an item is being dragged (re-drawing then would drop it). */
export const isDragging = () => active > 0;

/** Where a drop at (x, y) lands: the lane element under it and the index among its items. */
function dropTarget(x, y, laneSelector, itemSelector, dragged) {
  const under = document.elementFromPoint(x, y);
  const lane = under?.closest(laneSelector);
  if (!lane) return null;
  const others = [...lane.querySelectorAll(itemSelector)].filter(
    (el) => el !== dragged && el.closest(laneSelector) === lane,
  );
  const index = others.findIndex((el) => {
    const r = el.getBoundingClientRect();
    return y < r.top + r.height / 2;
  });
  return { lane, index: index === -1 ? others.length : index, ids: others.map((el) => el.dataset.id) };
}

/**
 * Make `handle` drag `item` (an element inside a lane). On drop over a lane,
 * `onDrop(lane.dataset, index, ids)` is called with the index among the other items shown
 * in that lane (`ids`); a drop outside any lane does nothing.
 */
export function draggable(handle, item, { lane: laneSelector, item: itemSelector, onDrop }) {
  let start = null;
  let ghost = null;
  let over = null;

  const mark = (lane) => {
    if (over === lane) return;
    over?.classList.remove("plan-drop-over");
    over = lane;
    over?.classList.add("plan-drop-over");
  };

  handle.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    start = { x: e.clientX, y: e.clientY, id: e.pointerId };
    handle.setPointerCapture(e.pointerId);
  });
  handle.addEventListener("pointermove", (e) => {
    if (!start || e.pointerId !== start.id) return;
    if (!ghost) {
      if (Math.hypot(e.clientX - start.x, e.clientY - start.y) < THRESHOLD) return;
      const r = item.getBoundingClientRect();
      ghost = item.cloneNode(true);
      ghost.classList.add("plan-ghost");
      ghost.setAttribute("aria-hidden", "true");
      Object.assign(ghost.style, { width: `${r.width}px`, left: `${r.left}px`, top: `${r.top}px` });
      ghost.dataset.dx = String(start.x - r.left);
      ghost.dataset.dy = String(start.y - r.top);
      document.body.append(ghost);
      item.classList.add("plan-dragging");
      active += 1;
    }
    ghost.style.left = `${e.clientX - Number(ghost.dataset.dx)}px`;
    ghost.style.top = `${e.clientY - Number(ghost.dataset.dy)}px`;
    mark(dropTarget(e.clientX, e.clientY, laneSelector, itemSelector, item)?.lane ?? null);
  });
  const finish = (e, drop) => {
    if (!start || e.pointerId !== start.id) return;
    const wasDrag = Boolean(ghost);
    if (wasDrag) active -= 1;
    ghost?.remove();
    ghost = null;
    start = null;
    mark(null);
    item.classList.remove("plan-dragging");
    if (!wasDrag || !drop) return;
    const target = dropTarget(e.clientX, e.clientY, laneSelector, itemSelector, item);
    if (target) onDrop({ ...target.lane.dataset }, target.index, target.ids);
  };
  handle.addEventListener("pointerup", (e) => finish(e, true));
  handle.addEventListener("pointercancel", (e) => finish(e, false));
}
