"""The citizen's sheet ("Din plan på papir"): a phone-portrait PNG and an A4 PDF.

Three steps, so the citizen's choices are applied once and both formats agree:
:func:`build_sheet` picks what may and should appear (the citizen's options;
proposals not agreed, cancelled goals and anything not chosen never appear;
restricted sections live in other documents and are never read here),
:func:`layout` places it in blocks of drawing operations for a given page width
and type sizes, and a painter turns the blocks into a tall PNG (aggdraw, as the
board picture) or A4 pages (fpdf2, the shipped DejaVu font). Plain words from
``board/strings.json``, large type, calm colours: an adult document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from fpdf import FPDF

from board.i18n import t
from board.plan import Action, Goal, Plan
from board.progress import series
from plan_export.image import LINE_HEIGHT, PNG_LEVEL, Op, Scene, paint_png
from plan_export.text import (
    FONT_BOLD,
    FONT_REGULAR,
    clean,
    clock,
    drawable,
    font,
    long_date,
    short_date,
    wrap,
)

SECTIONS = ("own_goal", "goals", "tasks", "agreements", "contacts", "next_meeting")
HORIZON_ORDER = {"now": 0, "next": 1, "later": 2, "parked": 3}
INK = "#1d3557"
MUTED = "#52606d"
ACCENT = "#2a7f76"
ROAD = "#c9d2dc"
PANEL = "#eef3f7"
RULE = "#d9dee5"
SETBACK = "#b00020"
PROGRESS_BARS = 8  # the latest ratings of a goal on the sheet


@dataclass
class SheetOptions:
    """What the citizen chose to put on their sheet."""

    goals: frozenset[str] | None = None  # goal ids; None: every agreed goal
    sections: tuple[str, ...] = SECTIONS
    include_proposals: bool = True  # suggestions not agreed yet, marked "Forslag"
    lang: str = "da"
    office: str | None = None  # a per-office sheet: the organisation's name, shown at the top


@dataclass
class SheetGoal:
    title: str
    detail: str  # "Om 3 måneder · Jobcenter" ("Forslag · …" for a suggestion)
    done: bool
    steps: list[str] = field(default_factory=list)


@dataclass
class SheetTask:
    what: str
    who: str
    when: str  # "I gang · Senest mandag 7. december" ("Forslag · …" for a suggestion)
    done: bool


@dataclass
class SheetContact:
    label: str
    name: str
    organisation: str
    phone: str
    email: str


@dataclass
class SheetSeries:
    """The citizen's own ratings of one goal: (short date, value, setback) oldest first."""

    title: str
    points: list[tuple[str, float, bool]]


@dataclass
class Sheet:
    """Everything that appears on the sheet, as plain text in the chosen language."""

    lang: str
    heading: str
    name: str
    made: str
    title: str = ""  # the plan's name, on every page
    office: str = ""  # "Til Jobcenter": a per-office sheet
    own_goal: str = ""
    agreements: list[str] = field(default_factory=list)
    goals: list[SheetGoal] = field(default_factory=list)
    tasks: list[SheetTask] = field(default_factory=list)
    contacts: list[SheetContact] = field(default_factory=list)
    next_meeting: str = ""
    next_place: str = ""
    progress: list[SheetSeries] = field(default_factory=list)  # with the goals section


def _shown(item: Goal | Action, options: SheetOptions) -> bool:
    if isinstance(item, Goal) and item.status == "cancelled":
        return False
    return options.include_proposals or not item.is_proposal


def _goal_order(g: Goal) -> tuple[int, float]:
    return HORIZON_ORDER.get(g.horizon, 9), g.rank


def build_sheet(
    plan: Plan, options: SheetOptions | None = None, today: date | None = None
) -> Sheet:
    """Choose and word the sheet's content from the plan and the citizen's options."""
    options = options or SheetOptions()
    lang = options.lang
    sections = set(options.sections)
    day = today or datetime.now(UTC).date()
    sheet = Sheet(
        lang=lang,
        heading=t("plan.your_plan", lang),
        name=clean(plan.citizen.alias or plan.citizen.name, 200),
        made=t("sheet.made", lang, date=short_date(day.isoformat())),
        title=clean(plan.title, 200).strip() or t("plan.your_plan", lang),
        office=t("sheet.for_office", lang, org=clean(options.office, 200))
        if options.office
        else "",
    )
    if "own_goal" in sections:
        sheet.own_goal = clean(plan.own_goal.text).strip()
    chosen = [
        g
        for g in plan.goals
        if _shown(g, options) and (options.goals is None or g.id in options.goals)
    ]
    chosen_ids = {g.id for g in chosen}
    tops = [g for g in chosen if g.parent not in chosen_ids]
    if "goals" in sections:
        for goal in sorted(tops, key=_goal_order):
            steps = sorted((g for g in chosen if g.parent == goal.id), key=_goal_order)
            member = next((m.name for m in plan.members if m.id == goal.member), "")
            detail = [t("sheet.proposal", lang) if goal.is_proposal else ""]
            detail += [clean(member, 200), t(f"horizon.{goal.horizon}", lang)]
            detail.append(clean(goal.office, 200))
            if goal.status == "completed":
                detail.append(t("status.done", lang))
            sheet.goals.append(
                SheetGoal(
                    title=clean(goal.title, 200),
                    detail=" · ".join(x for x in detail if x),
                    done=goal.status == "completed",
                    steps=[clean(s.title, 200) for s in steps],
                )
            )
        sheet.progress = [
            SheetSeries(
                clean(r.title, 200), [(short_date(p.date), p.value, p.setback) for p in r.points]
            )
            for r in series(plan)
            if r.goal in chosen_ids
        ]
    if "tasks" in sections:
        known = {g.id for g in plan.goals}
        tasks = [
            a
            for a in plan.actions
            if _shown(a, options) and (a.goal in chosen_ids or a.goal not in known)
        ]
        tasks.sort(key=lambda a: (a.status == "done", a.due is None, a.due or "", a.rank))
        sheet.tasks = [_task(plan, a, lang, day) for a in tasks]
    if "agreements" in sections:
        sheet.agreements = [txt for a in plan.agreements if (txt := clean(a.text).strip())]
    if "contacts" in sections:
        sheet.contacts = _contacts(plan, lang)
    if "next_meeting" in sections:
        meeting = plan.next_meeting
        sheet.next_meeting = " ".join(
            x for x in (long_date(meeting.date, lang, day), clock(meeting.time, lang)) if x
        )
        sheet.next_place = clean(meeting.place, 200)
    return sheet


def _task(plan: Plan, action: Action, lang: str, today: date) -> SheetTask:
    owner = plan.participant(action.owner)
    if owner is None:
        who = clean(action.office, 200)
    elif owner.role == "citizen":
        who = t("sheet.you", lang)
    else:
        where = clean(action.office or owner.organisation, 200)
        who = ", ".join(x for x in (clean(owner.name, 200), where) if x)
    due = long_date(action.due, lang, today)
    done = action.status == "done"
    words = [t("sheet.proposal", lang) if action.is_proposal else ""]
    words.append(t(f"status.{action.status}", lang))
    if due and not done:
        words.append(t("sheet.by", lang, date=due))
    when = " · ".join(x for x in words if x)
    return SheetTask(what=clean(action.what, 200), who=who, when=when, done=done)


def _contacts(plan: Plan, lang: str) -> list[SheetContact]:
    """Everyone but the citizen and observers; the agreed contact (or the coordinator) first."""
    people = [p for p in plan.participants if p.role not in ("citizen", "observer")]
    main = next((p for p in people if p.contact_person), None) or next(
        (p for p in people if p.role == "coordinator"), None
    )
    ordered = ([main] if main else []) + [p for p in people if p is not main]
    return [
        SheetContact(
            label=t("sheet.contact_person", lang) if p is main else t(f"role.{p.role}", lang),
            name=clean(p.name, 200),
            organisation=clean(p.organisation, 200),
            phone=clean(p.phone, 200),
            email=clean(p.email, 200),
        )
        for p in ordered
    ]


# ---- layout ------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """Page width and type sizes in the painter's unit (PNG: pixels, PDF: points)."""

    width: float
    margin: float
    title: float
    heading: float
    body: float
    small: float
    gap: float
    columns: int = 1  # contacts side by side


PHONE = Style(width=1080, margin=72, title=72, heading=50, body=44, small=36, gap=36)
A4 = Style(width=595.28, margin=42, title=24, heading=15, body=12, small=10, gap=8, columns=2)
OWN_GOAL_LONG = 400  # characters: a longer own goal is printed at body size, whole
A4_HEIGHT = 841.89
_MEASURE = 4.0  # measure text with a font this many times larger than its size: finer widths


@dataclass
class Block:
    """Operations relative to the block's top; a block is never split across PDF pages."""

    height: float
    ops: list[Op] = field(default_factory=list)
    heading: bool = False  # a section heading: kept on the page of what follows it


class _Layout:
    def __init__(self, style: Style) -> None:
        self.s = style
        self.blocks: list[Block] = []
        self.block = Block(0)

    def new_block(self) -> None:
        if self.block.ops:
            self.blocks.append(self.block)
        self.block = Block(0)

    def space(self, amount: float) -> None:
        self.block.height += amount

    def text(
        self,
        text: str,
        size: float,
        *,
        x: float = 0,
        width: float = 0,
        bold: bool = False,
        colour: str = INK,
        max_lines: int = 8,
    ) -> float:
        """Wrapped text at ``x`` (from the left margin), ``width`` wide (0: to the right
        margin); returns the top it was placed at."""
        width = (width or self.s.width - 2 * self.s.margin - x) * 0.97  # slack for hinting
        measure = font(round(size * _MEASURE), bold)
        lines = wrap(drawable(text, bold), width * _MEASURE, measure, max_lines)
        top = self.block.height
        self.block.ops.append(
            Op("text", [self.s.margin + x, top], fill=colour, lines=lines, size=size, bold=bold)
        )
        self.block.height += len(lines) * size * LINE_HEIGHT
        return top

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: str) -> None:
        self.block.ops.insert(0, Op("rect", [x0, y0, x1, y1], fill=fill))

    def heading(self, text: str) -> None:
        self.new_block()
        self.block.heading = True
        self.space(self.s.gap * 1.5)
        self.text(text, self.s.heading, bold=True)
        self.space(self.s.gap * 0.5)
        self.new_block()


def layout(sheet: Sheet, style: Style) -> list[Block]:
    """Place the sheet's content in blocks, top to bottom."""
    s, lay = style, _Layout(style)
    lay.space(s.margin * 0.6)
    lay.text(sheet.heading, s.title, bold=True)
    lay.text(
        " · ".join(x for x in (sheet.name, sheet.office, sheet.made) if x), s.small, colour=MUTED
    )
    if sheet.own_goal:
        lay.heading(t("plan.own_goal", sheet.lang))
        top = lay.block.height
        lay.space(s.gap * 0.8)
        size = s.heading if len(sheet.own_goal) <= OWN_GOAL_LONG else s.body
        lay.text(f"„{drawable(sheet.own_goal).strip()}“", size, x=s.gap * 1.4, max_lines=0)
        lay.space(s.gap * 0.8)
        bottom = lay.block.height
        lay.rect(s.margin, top, s.margin + s.gap * 0.4, bottom, ACCENT)
        lay.rect(s.margin, top, s.width - s.margin, bottom, PANEL)  # goes below the bar
    if sheet.goals:
        _road(lay, sheet)
    if sheet.progress:
        _progress(lay, sheet)
    if sheet.tasks:
        lay.heading(t("sheet.tasks", sheet.lang))
        for i, task in enumerate(sheet.tasks):
            if i:
                lay.new_block()
            lay.space(s.gap * 0.3)
            mark = "✓ " if task.done else ""
            lay.text(mark + task.what, s.body, bold=True, max_lines=5)
            if task.who:
                lay.text(task.who, s.body, max_lines=3)
            if task.when:
                lay.text(task.when, s.body, colour=ACCENT if not task.done else MUTED)
            lay.space(s.gap * 0.3)
            h = lay.block.height
            lay.block.ops.append(Op("rect", [s.margin, h - 1, s.width - s.margin, h], fill=RULE))
    if sheet.agreements:
        lay.heading(t("sheet.agreements", sheet.lang))
        for i, text in enumerate(sheet.agreements):
            if i:
                lay.new_block()
            lay.text(f"• {text}", s.body, max_lines=0)
            lay.space(s.gap * 0.3)
    if sheet.next_meeting or sheet.next_place:  # where the tasks lead; before the contacts
        lay.heading(t("plan.next_meeting", sheet.lang))
        if sheet.next_meeting:
            lay.text(sheet.next_meeting, s.heading, bold=True)
        if sheet.next_place:
            lay.text(sheet.next_place, s.body, max_lines=3)
    if sheet.contacts:
        lay.heading(t("sheet.contacts", sheet.lang))
        _contacts_grid(lay, sheet)
    lay.new_block()
    return [*lay.blocks, Block(s.margin)]  # the bottom margin: an empty block


def _progress(lay: _Layout, sheet: Sheet) -> None:
    """Per goal a small bar chart of the latest ratings; a setback in red and named."""
    s = lay.s
    lay.heading(t("progress.title", sheet.lang))
    for i, goal in enumerate(sheet.progress):
        if i:
            lay.new_block()
        lay.text(goal.title, s.body, bold=True, max_lines=2)
        points = goal.points[-PROGRESS_BARS:]
        top, chart = lay.block.height + s.gap * 0.3, s.body * 3
        highest = max(10.0, *(value for _, value, _ in points))
        bar = min(s.body * 2.5, (s.width - 2 * s.margin) / len(points) - s.gap * 0.5)
        for j, (_, value, setback) in enumerate(points):
            x0 = s.margin + j * (bar + s.gap * 0.5)
            y0 = top + chart * (1 - max(value, 0) / highest)
            colour = SETBACK if setback else ACCENT
            lay.block.ops.append(Op("rect", [x0, y0, x0 + bar, top + chart], fill=colour))
        lay.space(chart + s.gap * 0.6)
        setback = t("team.setback", sheet.lang).lower()
        labels = [
            f"{day}: {value:g}" + (f" ({setback})" if back else "") for day, value, back in points
        ]
        lay.text(" · ".join(labels), s.small, colour=MUTED, max_lines=4)


def _contacts_grid(lay: _Layout, sheet: Sheet) -> None:
    """Contacts in ``style.columns`` columns; each row of them is one block."""
    s, cols = lay.s, lay.s.columns
    col_width = (s.width - 2 * s.margin - (cols - 1) * s.gap) / cols
    for row in range(0, len(sheet.contacts), cols):
        if row:
            lay.new_block()
        top, bottom = lay.block.height, lay.block.height
        for col, person in enumerate(sheet.contacts[row : row + cols]):
            first = row + col == 0
            lay.block.height = top + s.gap * 0.4
            at = {"x": col * (col_width + s.gap), "width": col_width}
            lay.text(person.label, s.small, colour=ACCENT if first else MUTED, bold=first, **at)
            lay.text(person.name, s.body, bold=True, max_lines=2, **at)
            if person.organisation:
                lay.text(person.organisation, s.body, max_lines=2, **at)
            if person.phone:
                phone = t("sheet.phone", sheet.lang, phone=person.phone)
                lay.text(phone, s.body, max_lines=2, **at)
            if person.email:
                lay.text(person.email, s.small, colour=MUTED, max_lines=2, **at)
            bottom = max(bottom, lay.block.height + s.gap * 0.4)
        lay.block.height = bottom


def _road(lay: _Layout, sheet: Sheet) -> None:
    """Goals as milestones on a calm road: a grey line, a ring per goal, filled when done."""
    s = lay.s
    lay.heading(t("sheet.goals", sheet.lang))
    road_x = s.margin + s.gap * 0.6
    r = s.body * 0.38
    for i, goal in enumerate(sheet.goals):
        if i:
            lay.new_block()
        top = lay.text(goal.title, s.body, x=s.gap * 2, bold=True, max_lines=4)
        lay.text(goal.detail, s.small, x=s.gap * 2, colour=MUTED, max_lines=2)
        for step in goal.steps:
            lay.text(f"– {step}", s.body, x=s.gap * 2.6, max_lines=3)
        lay.space(s.gap)
        cy = top + s.body * 0.62
        end = lay.block.height if i < len(sheet.goals) - 1 else cy
        start = 0 if i else cy
        lay.block.ops.insert(
            0, Op("rect", [road_x - r * 0.35, start, road_x + r * 0.35, end], fill=ROAD)
        )
        ring = Op("ellipse", [road_x - r, cy - r, road_x + r, cy + r], stroke=ACCENT)
        ring.stroke_width = r * 0.45
        ring.fill = ACCENT if goal.done else "#ffffff"
        lay.block.ops.append(ring)


# ---- painters ------------------------------------------------------------------------


def _stack(blocks: Iterable[Block]) -> tuple[list[Op], float]:
    """The blocks one below the other: their operations moved down, and the total height."""
    ops, y = [], 0.0
    for block in blocks:
        for op in block.ops:
            ops.append(_moved(op, y))
        y += block.height
    return ops, y


def _moved(op: Op, dy: float) -> Op:
    pts = list(op.points)
    for i in range(1, len(pts), 2):
        pts[i] += dy
    return Op(**{**op.__dict__, "points": pts})


def sheet_png(sheet: Sheet, style: Style = PHONE, compress_level: int = PNG_LEVEL) -> bytes:
    """The sheet as one tall phone-portrait PNG (1080 px wide by default)."""
    ops, height = _stack(layout(sheet, style))
    return paint_png(Scene(round(style.width), round(height), ops), compress_level)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def sheet_pdf(sheet: Sheet, style: Style = A4) -> bytes:
    """The sheet as an A4 PDF, blocks flowing onto new pages; text stays real, searchable text."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(sheet.heading + (f" – {sheet.name}" if sheet.name else ""))
    pdf.set_creator("Tavle")
    pdf.set_lang(sheet.lang)
    pdf.add_font("DejaVu", "", str(FONT_REGULAR))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pages = _paginate(layout(sheet, style), style)
    for number, placed in enumerate(pages, start=1):
        pdf.add_page()
        for block, y in placed:
            for op in block.ops:
                _pdf_op(pdf, _moved(op, y))
        _footer(pdf, sheet, style, number, len(pages))
    return bytes(pdf.output())


def _paginate(blocks: list[Block], style: Style) -> list[list[tuple[Block, float]]]:
    """The blocks on A4 pages (each with its top): a block is never split, and a heading
    moves to the next page with what follows it rather than stay alone at the bottom."""
    bottom = A4_HEIGHT - style.margin - style.small * 2  # room for the footer
    blocks = [b for b in blocks if b.ops]  # a page has its own margins
    pages: list[list[tuple[Block, float]]] = [[]]
    y = 0.0
    for i, block in enumerate(blocks):
        after = blocks[i + 1].height if block.heading and i + 1 < len(blocks) else 0
        if y + block.height + after > bottom and y > style.margin:
            pages.append([])
            y = style.margin
        pages[-1].append((block, y))
        y += block.height
    return pages


def _footer(pdf: FPDF, sheet: Sheet, style: Style, number: int, pages: int) -> None:
    """The plan's name and "Side 1 af 2" at the foot of a page."""
    pdf.set_font("DejaVu", "", style.small)
    pdf.set_text_color(*_rgb(MUTED))
    y = A4_HEIGHT - style.margin + style.small
    pdf.text(style.margin, y, drawable(sheet.title)[:90])
    page = t("sheet.page", sheet.lang, page=number, pages=pages)
    pdf.text(style.width - style.margin - pdf.get_string_width(page), y, page)


def _pdf_op(pdf: FPDF, op: Op) -> None:
    if op.kind == "text":
        pdf.set_font("DejaVu", "B" if op.bold else "", op.size)
        pdf.set_text_color(*_rgb(op.fill or INK))
        x, y = op.points[0], op.points[1]
        for i, line in enumerate(op.lines):
            if line:
                pdf.text(x, y + op.size * 0.93 + i * op.size * LINE_HEIGHT, line)
        return
    x0, y0, x1, y1 = op.points
    style = "".join(("F" if op.fill else "", "D" if op.stroke else ""))
    if op.fill:
        pdf.set_fill_color(*_rgb(op.fill))
    if op.stroke:
        pdf.set_draw_color(*_rgb(op.stroke))
        pdf.set_line_width(op.stroke_width)
    if op.kind == "rect":
        pdf.rect(x0, y0, x1 - x0, y1 - y0, style=style)
    else:
        pdf.ellipse(x0, y0, x1 - x0, y1 - y0, style=style)
