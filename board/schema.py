"""Names and shapes inside a board's Y document — the one place they are spelled.

A board document has these top-level shared types (all ``Y.Map``; a Yjs client
uses ``doc.getMap(NAME)``, pycrdt ``doc.get(NAME, type=Map)``). Every entry of
a collection map is ONE plain JSON value (an object) keyed by its ``id``:
changing an item replaces its value. That keeps a board small and fast to join
(see docs/board-format.md) and makes each item last-writer-wins as a whole.

Coordinates are integers in tenths of a CSS pixel ("board units").
Dates are ISO ``YYYY-MM-DD`` strings; timestamps ISO 8601 UTC strings.
"""

from __future__ import annotations

FORMAT_VERSION = 2  # 2: strokes keep their points in ``ink`` bytes (board/ink.py)

# top-level maps
META = "meta"  # singletons: format, kind, title, template, created, language
ELEMENTS = "elements"  # id -> drawing element
PLAN = "plan"  # singletons: citizen, own_goal, dreams, resources, challenges, next_meeting
GOALS = "goals"  # id -> goal or sub-goal (sub-goal has "parent")
ACTIONS = "actions"  # id -> action / task
PARTICIPANTS = "participants"  # id -> participant (network)
AGREEMENTS = "agreements"  # id -> agreement / decision
MEMBERS = "members"  # id -> household member (family plans: one lane each)
PROGRESS = "progress"  # id -> one rating of one goal at one date
ORGANISATIONS = "organisations"  # id -> the board's copy of an organisation it refers to
CONSENTS = "consents"  # id -> the citizen's consent for one organisation (server writes only)

COLLECTIONS = (
    ELEMENTS,
    GOALS,
    ACTIONS,
    PARTICIPANTS,
    AGREEMENTS,
    MEMBERS,
    PROGRESS,
    ORGANISATIONS,
    CONSENTS,
)
# maps only the server writes (import, consent routes); a client's change is undone
SERVER_ONLY = (CONSENTS,)
ALL_MAPS = (META, PLAN, *COLLECTIONS)

# board kinds (meta.kind)
KIND_CASE = "case"
KIND_TEAM = "team"

# element types
ELEMENT_TYPES = ("stroke", "shape", "note", "text", "connector", "frame", "card")
SHAPES = ("rect", "ellipse", "line", "arrow")
STROKE_TOOLS = ("pen", "highlighter")
NOTE_COLOURS = ("yellow", "pink", "blue", "green", "orange", "purple", "white")

# board templates (board/templates.py draws them, in this order in menus)
TEMPLATE_NAMES = ("blank", "vejen", "netvaerk", "familie", "tre_kolonner", "status")

# plan vocabularies
HORIZONS = ("now", "next", "later", "parked")
STATUSES = ("not_started", "in_progress", "done")
APPROVALS = ("not_needed", "awaiting", "approved", "refused")
ROLES = ("citizen", "relative", "coordinator", "professional", "support", "observer")
CARD_KINDS = ("own_goal", "goal", "action", "participant", "agreement", "case")  # case: team board
GOAL_STATUSES = ("active", "completed", "cancelled")
# goal kinds: an ordinary goal, or a job goal (beskæftigelsesmål, as in Min Plan)
GOAL_KINDS = ("goal", "job")
# kinds of organisation: an authority (myndighed: jobcentre, family department, benefits),
# a provider (udfører: school, psychiatry, treatment), a volunteer organisation, other
ORG_KINDS = ("authority", "provider", "volunteer", "other")
# activity types of a task, as Min Plan (the job-plan system) names them
ACTIVITY_TYPES = (
    "",
    "conversation",
    "guidance",
    "internship",
    "wage_subsidy",
    "education",
    "mentor",
    "job_search",
    "treatment",
    "other",
)
CONSENT_STATUSES = ("active", "withdrawn")
LANE_FIELDS = ("status", "horizon", "member")  # frame.lane.field

# server-side limits (validation refuses, reading skips beyond these)
MAX_TEXT = 2000  # characters in one text field
MAX_TITLE = 200  # characters in one short text (title, name, office, phone…)
MAX_LIST = 50  # strings in plan.dreams / resources / challenges
MAX_ID = 64  # characters in an id
MAX_COORD = 10_000_000  # absolute value of a coordinate, board units
MAX_ITEMS = {
    ELEMENTS: 50_000,
    GOALS: 500,
    ACTIONS: 2000,
    PARTICIPANTS: 200,
    AGREEMENTS: 500,
    MEMBERS: 30,
    PROGRESS: 10_000,
    ORGANISATIONS: 200,
    CONSENTS: 200,
}
MAX_STROKE_POINTS = 20_000  # triples (x, y, pressure)
