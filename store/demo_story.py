"""The demo's story: who is in the team, what they meet about, and how things go.

The cast, the three series, the companies and campaigns, what people say, the objectives
and how each one moves over the year (one improves, one slips, one is dropped), the lead
sources and how their quality drifts (LinkedIn ads send agencies until the targeting is
narrowed; a purchased list decays until it is pulled), the agenda shapes and the shadow-day
takeaways. ``demo.py`` draws meetings from it with a seeded random generator; change the
story here, the mechanics there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from tandem.store.records import (
    Attendee,
    Series,
)

# --- the cast -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    team: str

    @property
    def first(self) -> str:
        return self.name.split()[0]

    def attendee(self) -> Attendee:
        return Attendee(name=self.name, team=self.team)


PEOPLE = (
    _Person("Maya Thompson", "sales"),  # VP Sales
    _Person("José Ramírez", "sales"),  # account executive
    _Person("Priya Natarajan", "sales"),  # SDR team lead
    _Person("Tom O'Brien", "sales"),  # account executive
    _Person("Aisha Bello", "sales"),  # SDR
    _Person("Lukas Schneider", "sales"),  # account executive, mid-market
    _Person("Zoë Lindqvist", "marketing"),  # head of marketing
    _Person("Kenji Watanabe", "marketing"),  # demand generation
    _Person("Hannah Cohen", "marketing"),  # content lead
    _Person("Olu Adeyemi", "marketing"),  # marketing ops
    _Person("Sofia Rossi", "marketing"),  # product marketing
    _Person("Ingrid Halvorsen", "other"),  # RevOps: the neutral facilitator
)
P = {p.first: p for p in PEOPLE}
PERSON_ORDER = {p.first: i for i, p in enumerate(PEOPLE)}
SALES = tuple(p.first for p in PEOPLE if p.team == "sales")
MARKETING = tuple(p.first for p in PEOPLE if p.team == "marketing")

WEEKLY = "weekly-smarketing-sync"
REVIEW = "pipeline-content-review"
DEBRIEF = "shadow-day-debriefs"
SERIES = (
    Series(
        id=WEEKLY,
        title="Weekly smarketing sync",
        cadence="weekly",
        default_template="weekly-smarketing-sync",
        description="Tuesdays, 35–45 min: mutual goals, how last week's leads really were, what marketing "
        "has coming down the pipeline and what prospects keep asking.",
    ),
    Series(
        id=REVIEW,
        title="Pipeline & content review",
        cadence="biweekly",
        default_template="biweekly-pipeline-content-review",
        description="Every other Thursday: lead generation by source, the content pipeline and sales' content ideas.",
    ),
    Series(
        id=DEBRIEF,
        title="Shadow-day debriefs",
        cadence="ad hoc",
        default_template="shadow-day-debrief",
        description="After each job-shadowing day: what the shadow saw, hand-off friction, and one experiment to try.",
    ),
)
SERIES_ORDER = {s.id: i for i, s in enumerate(SERIES)}
SERIES_TEMPLATE = {s.id: s.default_template for s in SERIES}
SERIES_TITLE = {s.id: s.title for s in SERIES}
START_TIME = {WEEKLY: time(9, 30), REVIEW: time(14, 0), DEBRIEF: time(16, 0)}

MON = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_label(d: date) -> str:
    # Our own month names: strftime's %b follows the locale, and the files must not.
    return f"{MON[d.month]} {d.day}"


COMPANIES = (
    "Brightline Logistics",
    "Kestrel Health",
    "Norrland Freight",
    "Oakfield Software",
    "Juniper Retail",
    "Tidewater Bank",
    "Halcyon Labs",
    "Copperleaf",
    "Mistral Foods",
    "Arcadia Learning",
    "Vantage Fleet",
    "Bluefin Insurance",
    "Pinecrest Media",
    "Sørlandet Energi",
    "Quarry Analytics",
)
COMPETITORS = ("PipeIQ", "Forecastly", "RevGrid", "an in-house Looker build")
EVENTS = ("SaaStr Europa", "RevOps Summit", "Pavilion CRO Day", "B2B Marketing Expo", "Dreamforce")

# --- lead sources and the trends hidden in them -------------------------------------

LINKEDIN, OUTBOUND, G2, PARTNER, TRADE_SHOW, WEBINAR = (
    "LinkedIn ads",
    "Outbound list",
    "G2 listing",
    "Partner referral",
    "Trade show",
    "Webinar",
)
_WEBINAR_TOPIC = {1: "planning", 2: "attribution", 3: "pipeline", 4: "forecasting"}
SHORT_SOURCE = {
    LINKEDIN: "LI ads",
    OUTBOUND: "outbound list (DataNova)",
    G2: "G2",
    PARTNER: "partner refs",
    TRADE_SHOW: "trade show",
    WEBINAR: "webinar",
}

#: Positions on the whole timeline (0 = oldest meeting, 1 = newest) of the story's turns.
LI_DECISION, LI_FIX = 0.42, 0.46  # LinkedIn targeting narrowed: "no fit" leads fall after
LIST_WARNING, LIST_DECISION, LIST_FIX = 0.28, 0.60, 0.64  # DataNova list decays, then is re-verified


def _list_decay(t: float) -> float:
    """How stale the purchased list is: 0 fresh, 1 at its worst, near 0 once re-verified."""
    if t >= LIST_FIX:
        return 0.05
    if t <= 0.1:
        return 0.0
    return min(1.0, (t - 0.1) / 0.4)


def webinar_source(d: date) -> str:
    q = (d.month - 1) // 3 + 1
    return f"Webinar: Q{q} {_WEBINAR_TOPIC[q]}"


def source_weights(t: float) -> dict[str, float]:
    return {
        WEBINAR: 2.0,
        G2: 1.4 + 0.8 * t,
        LINKEDIN: 3.5 if t < LI_FIX else 2.2,
        OUTBOUND: 2.0 + 1.5 * _list_decay(t) if t < LIST_FIX else 1.5,  # more uploads while it "works"
        PARTNER: 1.0,
        TRADE_SHOW: 1.2,
    }


def source_quality(source: str, t: float) -> tuple[float, float]:
    """(probability poor, probability too early) for a lead from ``source`` at ``t``."""
    if source == LINKEDIN:
        return (0.7 if t < LI_FIX else 0.25), 0.1
    if source == OUTBOUND:
        return 0.3 + 0.5 * _list_decay(t), 0.05
    return {WEBINAR: (0.25, 0.35), G2: (0.2, 0.1), PARTNER: (0.1, 0.1), TRADE_SHOW: (0.45, 0.2)}[source]


def poor_reasons(source: str, t: float) -> dict[str, float]:
    if source == LINKEDIN:
        return {"no_fit": 10.0 if t < LI_FIX else 0.8, "no_interest": 2.0, "no_authority": 1.5, "unreachable": 0.5}
    if source == OUTBOUND:
        decay = _list_decay(t)
        return {"inaccurate_data": 0.6 + 12 * decay, "unreachable": 1.5 + 2 * decay, "no_authority": 2.0, "no_interest": 1.5}
    return {
        WEBINAR: {"no_authority": 2.5, "no_fit": 0.6, "no_interest": 1.5, "other": 0.5},
        G2: {"no_budget": 2.0, "no_fit": 0.5, "chose_competitor": 1.2, "no_interest": 1.0},
        PARTNER: {"no_budget": 2.0, "bad_timing": 1.0, "other": 0.6},
        TRADE_SHOW: {"no_interest": 3.0, "unreachable": 2.0, "no_fit": 0.8, "inaccurate_data": 0.6},
    }[source]


PERSONAS = {
    LINKEDIN: {"RevOps lead": 3, "VP Sales": 2, "Marketing ops": 2, "Sales manager": 1},
    G2: {"RevOps lead": 3, "VP Sales": 2, "Sales manager": 2},
    WEBINAR: {"Marketing ops": 3, "RevOps lead": 2, "Sales manager": 2, "VP Sales": 1},
    OUTBOUND: {"VP Sales": 3, "Sales manager": 2, "CFO / Finance": 1},
    PARTNER: {"VP Sales": 2, "RevOps lead": 2, "CFO / Finance": 1},
    TRADE_SHOW: {"Sales manager": 2, "Marketing ops": 2, "VP Sales": 1, "RevOps lead": 1},
}

# --- the CRM's lead lists and the SLA (issue 22) ---------------------------------------
#
# Six monthly lists, the months before the demo's own, imported from Salesforce. At the first
# weekly sync of the first list's month the teams agree an SLA; three lists later, with data
# to go on, they tighten it. Marketing delivers more MQLs month by month and meets its
# commitment; sales gives feedback on more of each list once triage from the imported list
# is a habit, yet misses the time clauses: leads wait for the weekly sync to be decided, and
# leads handed over on a Friday evening wait all weekend for a first touch.

#: MQLs a month, for each list from the oldest.
LEAD_VOLUME = (62, 57, 66, 73, 79, 84)
#: Of the leads handed over since the last weekly sync, the share sales triages from the
#: imported list in the lead-quality item, by list: reps first talk about the few leads they
#: remember, later go through the list.
TRIAGE_SHARE = (0.02, 0.1, 0.2, 0.35, 0.5, 0.6)
#: Salesforce lead ids start with 00Q; the demo's differ in their last five characters.
CRM_ID_PREFIX = "00QHp00000"
#: The file each import read ({when}: the period of a month-end export, the day of the last).
LEAD_EXPORT = "salesforce-leads-{when}.csv"
LEAD_SEGMENTS = {
    LINKEDIN: {"Mid-market": 3, "SMB": 2, "Enterprise": 1},
    G2: {"Mid-market": 3, "SMB": 1, "Enterprise": 1},
    WEBINAR: {"Mid-market": 2, "SMB": 2, "Enterprise": 1},
    OUTBOUND: {"Enterprise": 2, "Mid-market": 2},
    PARTNER: {"Enterprise": 2, "Mid-market": 1},
    TRADE_SHOW: {"Mid-market": 2, "Enterprise": 1, "SMB": 1},
}
#: Who a lead from a poor fit is, in the segment field.
NO_FIT_SEGMENT = "SMB"
PARTNERS = ("Northwind RevOps", "Baltic Sales Advisory", "Keystone CRM Partners")


def lead_campaign(source: str, day: date, t: float) -> str:
    """The CRM campaign of a lead from ``source`` created on ``day`` (``t`` on the timeline)."""
    if source == LINKEDIN:
        if t < LI_FIX:
            return "LI: sales & RevOps titles, all sizes"
        return "LI: RevOps titles, 200-2,000 staff" if t < 0.8 else "LI: 100-2,000 staff, agencies excluded"
    if source == OUTBOUND:
        return f"DataNova upload {MON[day.month]}" + (" (re-verified)" if t >= LIST_FIX else "")
    if source == WEBINAR:
        return webinar_source(day).split(": ", 1)[1].capitalize() + " webinar"
    if source == G2:
        return "G2: revenue intelligence category"
    if source == PARTNER:
        return PARTNERS[day.month % len(PARTNERS)]
    return EVENTS[day.month % len(EVENTS)]


#: The SLA as first agreed: clause → value, as ``tandem sla set`` takes them.
SLA_KICKOFF = (
    ("mqls_per_month", "60"),
    ("decision_hours", "72"),
    ("first_touch_hours", "24"),
    ("attempts", "6"),
    ("acceptance_floor", "45"),
    ("coverage_floor", "30"),
)
#: What the teams tighten, decided at the first weekly sync of this list's month (0: the
#: oldest), in force from the first of the month after.
SLA_TIGHTEN_LIST = 4
SLA_TIGHTENED = (
    ("mqls_per_month", "70"),
    ("decision_hours", "48"),
    ("first_touch_hours", "8"),
    ("first_touch_hours:source=G2 listing", "4"),
    ("coverage_floor", "60"),
)
SLA_AGREED_BY = ("Maya", "Zoë")
SLA_NOTES = {
    1: "**SLA agreed** for the lead lists we now import monthly: see decisions",
    2: "Four months of lists in: **SLA tightened** (decide in 48 h, G2 leads touched in 4 h): see decisions",
}

GOOD_COMMENTS = (
    "Demo booked within {h}h; RevOps + VP on the call",
    "Came in with budget and a Q{q} deadline",
    "Had read the forecasting ebook, quoted it back to me",
    "Champion used us at her last company",
    "Asked for the security pack on call 1 — serious",
    "{n} reps, Salesforce, spreadsheet forecasts: textbook ICP",
    "Replied to the first email in {m} min",
    "Warm intro, partner gave great context",
    "Pain = the Monday-pipeline story, word for word",
    "Multi-threaded already: CRO + RevOps engaged",
    "Booked a 2nd call with their CFO for next wk",
)
WON_COMMENTS = (
    "Closed in {n} days, fastest this quarter",
    "Signed {n} seats, expansion likely in Q{q}",
    "Won vs {comp}; the case study tipped it",
    "Closed — champion ran the internal pitch herself",
)
LOST_COMMENTS = {
    "chose_competitor": ("Went with {comp} on price", "Lost to {comp}, bundled with call recording", "{comp} was already in the building"),
    "no_budget": ("Budget frozen after a Q{q} miss", "CFO pulled the line item", "Hiring freeze, revisit Q{q}"),
    "bad_timing": ("Mid CRM migration; back in {k} months", "Re-org, new CRO starts next month"),
    "no_authority": ("Champion left the company", "Our contact can't sign above $10k"),
}
REJECT_COMMENTS = {
    "no_fit": (
        "{n}-person agency, not ICP",
        "Consultancy, wants to resell",
        "B2C e-commerce, no sales team",
        "Freelancer grabbing templates",
        "Under {n} staff, forecasting in a notebook",
        "Student, thesis research",
        "Nonprofit, no sales motion",
    ),
    "inaccurate_data": (
        "Email bounced, phone disconnected",
        "Title says VP Sales; left {n} months ago",
        "Company acquired in 20{yy}, domain dead",
        "Listed at {m} staff, really ~{n}",
        "Duplicate of an existing customer contact",
        "Wrong person: same name as the VP",
    ),
    "unreachable": ("{k} calls, 4 emails, nothing", "Voicemail full, no reply on LinkedIn", "Gatekeeper won't put me through"),
    "no_interest": ("Scanned for the raffle, not for us", "Wanted the template, not a call", "'Just browsing' — polite no"),
    "no_authority": ("Intern researching for his manager", "Coordinator, no say on sales tools", "Wants it, can't buy it: IT owns tooling"),
    "no_budget": ("Series A, no budget until next round", "Budget tied up in a {comp} renewal till Q{q}"),
    "bad_timing": ("Locked into {comp} until Q{q}", "Year-end crunch; come back in {w} wks"),
    "chose_competitor": ("Signed with {comp} last month",),
    "other": ("Existing customer, routed to CS", "Job seeker, not a buyer"),
}
TOO_EARLY_COMMENTS = (
    "Researching for next year's budget",
    "Interested, but {k}+ months out",
    "Webinar attendee, not in-market yet",
    "Wants a case study in their industry first",
    "Evaluating in Q{q}, asked us to check back",
)


# --- prospect insights and content --------------------------------------------------


@dataclass(frozen=True, slots=True)
class _InsightSpec:
    kind: str
    text: str
    persona: str
    stage: str
    content_type: str  # what the insight becomes once promoted
    content_title: str


INSIGHTS = (
    _InsightSpec(
        "question",
        "Does it work if we run Salesforce and HubSpot side by side?",
        "Marketing ops",
        "consideration",
        "one_pager",
        "One-pager: Salesforce + HubSpot without double counting",
    ),
    _InsightSpec(
        "question",
        "How long does implementation take, and who on our side has to be involved?",
        "RevOps lead",
        "decision",
        "blog",
        "Implementation in 30 days: what week 1 looks like",
    ),
    _InsightSpec(
        "question",
        "Can we see forecast accuracy per rep, not just per team?",
        "Sales manager",
        "consideration",
        "video",
        "Video: per-rep forecast accuracy in 3 minutes",
    ),
    _InsightSpec(
        "question", "Is there a SOC 2 report, and can our data stay in the EU?", "RevOps lead", "decision", "one_pager", "Security & data residency FAQ"
    ),
    _InsightSpec(
        "question", "How is this different from PipeIQ or the forecasting in our CRM?", "VP Sales", "consideration", "battlecard", "Battlecard: us vs. PipeIQ"
    ),
    _InsightSpec("question", "What does it cost once we pass 50 seats?", "CFO / Finance", "decision", "one_pager", "Pricing at scale: 50+ seats explained"),
    _InsightSpec(
        "question",
        "Can marketing see which campaigns actually created pipeline?",
        "Marketing ops",
        "consideration",
        "webinar",
        "Webinar: campaign-to-pipeline attribution that sales trusts",
    ),
    _InsightSpec(
        "question", "Do reps have to change how they log activities?", "Sales manager", "decision", "blog", "What changes for reps (hint: almost nothing)"
    ),
    _InsightSpec(
        "question", "Can we start with one region before rolling out?", "VP Sales", "decision", "case_study", "Case study: Norrland Freight's one-region pilot"
    ),
    _InsightSpec(
        "question",
        "What's a realistic forecast accuracy for a company our size?",
        "VP Sales",
        "awareness",
        "ebook",
        "Ebook: forecast accuracy benchmarks for mid-market SaaS",
    ),
    _InsightSpec(
        "question", "Who else in logistics uses it?", "VP Sales", "decision", "case_study", "Case study: Brightline Logistics onboarded 40 reps in a week"
    ),
    _InsightSpec(
        "question",
        "Can it read opportunity history from before we bought it?",
        "RevOps lead",
        "consideration",
        "blog",
        "Backfilling two years of opportunity history",
    ),
    _InsightSpec(
        "pain_point",
        "Monday pipeline review is two hours of spreadsheet reconciliation",
        "Sales manager",
        "awareness",
        "blog",
        "The Monday pipeline review without spreadsheets",
    ),
    _InsightSpec(
        "pain_point",
        "Reps sandbag, so the forecast is always ~20% off",
        "VP Sales",
        "awareness",
        "ebook",
        "Ebook: why forecasts miss and what to do about sandbagging",
    ),
    _InsightSpec(
        "pain_point",
        "Marketing and sales count the same deal twice in board reporting",
        "CFO / Finance",
        "awareness",
        "blog",
        "One number for the board: ending double-counted pipeline",
    ),
    _InsightSpec(
        "pain_point",
        "Close dates slip every month and nobody knows why",
        "Sales manager",
        "awareness",
        "email",
        "Nurture email: the slipping close date problem",
    ),
    _InsightSpec(
        "pain_point",
        "Our BI team has a six-week backlog for any new report",
        "RevOps lead",
        "awareness",
        "blog",
        "What a RevOps team of one should automate first",
    ),
    _InsightSpec(
        "pain_point",
        "We bought a forecasting tool before and reps never logged in",
        "VP Sales",
        "consideration",
        "case_study",
        "Case study: Kestrel Health's 94% weekly active reps",
    ),
    _InsightSpec(
        "pain_point",
        "The board asks for pipeline coverage and we can't answer with confidence",
        "CFO / Finance",
        "awareness",
        "webinar",
        "Webinar: pipeline coverage your board will believe",
    ),
    _InsightSpec(
        "pain_point",
        "Lead routing breaks every time territories change",
        "RevOps lead",
        "consideration",
        "blog",
        "Territory changes without breaking lead routing",
    ),
    _InsightSpec(
        "pain_point",
        "We can't tell which leads marketing actually handed over",
        "Sales manager",
        "awareness",
        "one_pager",
        "One-pager: the MQL hand-off, step by step",
    ),
    _InsightSpec(
        "pain_point",
        "Quarter-end forecast calls turn into arguments about whose number is right",
        "VP Sales",
        "consideration",
        "ebook",
        "Ebook: the quarter-end forecast call playbook",
    ),
    _InsightSpec("pain_point", "CRM data entry feels like a tax on reps", "Sales manager", "awareness", "video", "Video: five minutes of CRM hygiene a week"),
    _InsightSpec(
        "pain_point",
        "Procurement's security review takes a whole quarter",
        "RevOps lead",
        "decision",
        "one_pager",
        "Security review pack: everything procurement asks for",
    ),
)

#: Marketing's own plan: (type, title, persona, journey stage).
CONTENT_PLAN = (
    ("ebook", "Ebook: the RevOps forecasting checklist", "RevOps lead", "awareness"),
    ("case_study", "Case study: how Oakfield cut forecast variance by 30%", "VP Sales", "decision"),
    ("webinar", "Webinar: build vs. buy for forecasting", "CFO / Finance", "consideration"),
    ("blog", "Pipeline coverage benchmarks for 2026", "VP Sales", "awareness"),
    ("email", "Nurture email series: from MQL to first call", "Marketing ops", "consideration"),
    ("one_pager", "One-pager: ROI in the first 90 days", "CFO / Finance", "decision"),
    ("blog", "Why reps don't update close dates (and how to fix it)", "Sales manager", "awareness"),
    ("video", "Video: a 4-minute product tour for RevOps", "RevOps lead", "consideration"),
    ("battlecard", "Battlecard: us vs. Forecastly", "VP Sales", "decision"),
    ("case_study", "Case study: Tidewater Bank's first forecast call with us", "VP Sales", "decision"),
    ("blog", "Lead scoring that sales actually believes", "Marketing ops", "consideration"),
    ("webinar", "Webinar: quarter-end without the spreadsheet panic", "Sales manager", "awareness"),
    ("ebook", "Ebook: the smarketing SLA template", "Marketing ops", "consideration"),
    ("email", "Re-engagement email: recycled leads, round two", "RevOps lead", "consideration"),
    ("one_pager", "One-pager: how we compare to an in-house BI build", "CFO / Finance", "decision"),
    ("blog", "Five signals a deal is about to slip", "Sales manager", "awareness"),
)

#: Sales' ideas that are not (yet) tied to one recorded insight.
SALES_IDEAS = (
    ("one_pager", "One-pager: 'why now' for budget season", "CFO / Finance", "decision"),
    ("video", "Customer clip: a RevOps lead on week one", "RevOps lead", "decision"),
    ("battlecard", "Battlecard: us vs. RevGrid", "VP Sales", "decision"),
    ("email", "Follow-up email after a no-show demo", "Sales manager", "consideration"),
    ("case_study", "Case study: a 20-rep team, not just enterprise logos", "Sales manager", "decision"),
    ("blog", "The questions to ask before buying forecasting software", "VP Sales", "consideration"),
    ("one_pager", "Mutual action plan template for procurement", "RevOps lead", "decision"),
    ("video", "Loom template: 90-second personal demo recap", "VP Sales", "consideration"),
)

CONTENT_OWNER = {
    "blog": "Hannah",
    "ebook": "Hannah",
    "case_study": "Hannah",
    "webinar": "Kenji",
    "email": "Kenji",
    "one_pager": "Sofia",
    "battlecard": "Sofia",
    "video": "Sofia",
    "other": "Zoë",
}

# --- objectives -----------------------------------------------------------------------


def _progress_conversion(t: float) -> float:
    # Slow until LinkedIn targeting is fixed, then steady.
    return 0.12 * t / 0.45 if t < 0.45 else 0.12 + 0.68 * (t - 0.45) / 0.55


def _progress_response(t: float) -> float:
    # Round-robin routing halfway through works, then an SDR's leave lets it slip back.
    if t < 0.5:
        return 0.15 * t / 0.5
    if t < 0.8:
        return 0.15 + 0.75 * (t - 0.5) / 0.3
    return 0.9 - 0.4 * (t - 0.8) / 0.2


def _progress_content(t: float) -> float:
    return 0.8 * t if t < 0.6 else 0.48 - 0.25 * (t - 0.6)


@dataclass(frozen=True, slots=True)
class ObjectiveSpec:
    key: str
    title: str
    metric: str
    short: str
    unit: str
    owner_team: str
    start: float
    target: float
    decimals: int
    series_id: str
    progress: Callable[[float], float]
    noise: float
    dropped_at: float | None = None

    def fmt(self, value: float, *, exact: bool = True) -> str:
        # Targets are round numbers and read better without trailing zeros ("30%", not "30.0%").
        number = f"{value:.{self.decimals}f}" if exact else f"{value:g}"
        if self.unit == "$M":
            return f"${number}M"
        if self.unit in ("%", "h"):
            return f"{number}{self.unit}"
        return number


OBJECTIVES = (
    ObjectiveSpec(
        "conversion", "Lift MQL→SQL conversion to 30%", "MQL→SQL conversion", "MQL→SQL", "%", "shared", 17.5, 30.0, 1, WEEKLY, _progress_conversion, 0.04
    ),
    ObjectiveSpec(
        "sqls",
        "60 SQLs a month from marketing-sourced leads",
        "SQLs per month (marketing-sourced)",
        "SQLs/mo",
        "SQLs",
        "marketing",
        36.0,
        60.0,
        0,
        WEEKLY,
        lambda t: 0.06 + 1.04 * t,
        0.04,
    ),
    ObjectiveSpec(
        "pipeline",
        "$2.4M pipeline from marketing-sourced leads",
        "Marketing-sourced pipeline",
        "Mktg pipeline",
        "$M",
        "shared",
        0.9,
        2.4,
        2,
        REVIEW,
        lambda t: 0.9 * t,
        0.04,
    ),
    ObjectiveSpec(
        "response",
        "Median lead response under 4 hours",
        "Median first response to inbound leads",
        "Speed-to-lead",
        "h",
        "sales",
        19.0,
        4.0,
        1,
        WEEKLY,
        _progress_response,
        0.03,
    ),
    ObjectiveSpec(
        "content",
        "Half of opportunities use marketing content",
        "Opportunities with content attached",
        "Content in opps",
        "%",
        "shared",
        22.0,
        50.0,
        0,
        WEEKLY,
        _progress_content,
        0.05,
    ),
    ObjectiveSpec(
        "webinar",
        "10 webinar-sourced SQLs per quarter",
        "Webinar-sourced SQLs (quarter to date)",
        "Webinar SQLs",
        "SQLs",
        "marketing",
        3.0,
        10.0,
        0,
        WEEKLY,
        lambda t: 0.12 + 0.05 * t,
        0.06,
        dropped_at=0.55,
    ),
)


def objective_status(progress: float, t: float) -> str:
    if progress >= 1.0:
        return "met"
    gap = t - progress
    if gap <= 0.08:
        return "on_track"
    return "at_risk" if gap <= 0.22 else "off_track"


# --- agenda shapes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ItemSpec:
    title: str
    captures: str
    team: str  # presenter team; "" when the facilitator leads
    timebox: tuple[int, ...]
    prompts: tuple[str, ...]
    standing: bool = True


ITEMS: dict[str, _ItemSpec] = {
    "objectives": _ItemSpec(
        "Objectives & goals check-in",
        "objective",
        "",
        (5, 5, 8),
        (
            "Which goal moved most since last week, and why?",
            "What's at risk, and what would put it back on track?",
            "Are we still measuring the right thing?",
            "What does sales need from marketing to hit this, and vice versa?",
            "Is anything here met, or worth dropping?",
        ),
    ),
    "lead_quality": _ItemSpec(
        "Lead-quality feedback from sales",
        "lead_feedback",
        "sales",
        (10, 12, 15),
        (
            "Which leads were great, and what did they have in common?",
            "Where did leads stall or die: which stage, which reason?",
            "Which source sent the most junk this week?",
            "Anything marketing should stop sending you?",
            "Were any rejected leads really just too early?",
        ),
    ),
    "pipeline_out": _ItemSpec(
        "Coming down the pipeline (marketing)",
        "content",
        "marketing",
        (7, 8, 10),
        (
            "What ships in the next two weeks, and who should use it?",
            "Which piece answers a question sales hears on calls?",
            "What slipped, and does sales need a stopgap?",
            "What would sales add to or cut from the calendar?",
        ),
    ),
    "voice": _ItemSpec(
        "Voice of the prospect: questions & pain points",
        "prospect_insight",
        "sales",
        (5, 7, 8),
        (
            "What did prospects ask this week that we had no good answer for?",
            "Which objection came up more than once?",
            "Where in the buyer's journey was that question?",
            "Do we already have content that answers it?",
        ),
    ),
    "actions": _ItemSpec(
        "Action review",
        "action_review",
        "",
        (5, 5, 7),
        (
            "What's done, what's stuck, what should we drop?",
            "Who needs help to unblock theirs?",
            "Is every overdue item still worth doing?",
        ),
    ),
    "wins": _ItemSpec(
        "Wins & shout-outs",
        "",
        "",
        (3, 5),
        (
            "Which deal did marketing help move?",
            "Who deserves a shout-out from the other team?",
        ),
        standing=False,
    ),
    "sales_ideas": _ItemSpec(
        "Content ideas from sales",
        "content",
        "sales",
        (5, 7),
        (
            "What content would have helped you on a call this week?",
            "Which prospect question deserves its own piece?",
            "Who is the persona, and where are they in the journey?",
        ),
        standing=False,
    ),
    "handoff": _ItemSpec(
        "MQL hand-off: what's getting stuck",
        "decision",
        "",
        (5, 8),
        (
            "Where do MQLs wait longest before a first touch?",
            "Is the SAL definition still working for both teams?",
            "What one change would remove the friction?",
        ),
        standing=False,
    ),
    "campaigns": _ItemSpec(
        "Campaign calendar: next two weeks",
        "",
        "marketing",
        (5,),
        (
            "What's launching, and which accounts will see it?",
            "When should SDRs time their sequences?",
        ),
        standing=False,
    ),
    # the biweekly review
    "review_numbers": _ItemSpec(
        "Pipeline numbers vs. goals",
        "objective",
        "",
        (8, 10),
        (
            "Is marketing-sourced pipeline on pace for the period?",
            "Which source is carrying us, and which is dragging?",
            "What would change the number in the next two weeks?",
        ),
    ),
    "by_source": _ItemSpec(
        "Lead generation by source: what's working",
        "lead_feedback",
        "marketing",
        (12, 15),
        (
            "Which source converts best to SQL, and why?",
            "Where in the cycle are leads from each source lost?",
            "What should we spend more on, and what should we stop?",
            "Do the reason codes match what reps say in the hallway?",
        ),
    ),
    "content_pipe": _ItemSpec(
        "Content pipeline: in flight & shipping",
        "content",
        "marketing",
        (10, 12),
        (
            "What ships before the next review, and who is it for?",
            "Which pieces are stuck, and on whom?",
            "How will sales actually use each one?",
        ),
    ),
    "review_decisions": _ItemSpec(
        "Decisions & asks",
        "decision",
        "",
        (5,),
        (
            "What are we deciding today, and who owns it?",
            "What do we need from leadership?",
        ),
        standing=False,
    ),
    # shadow-day debriefs
    "recap": _ItemSpec(
        "Shadow-day recap",
        "shadow",
        "",
        (8, 10),
        (
            "What did a normal hour actually look like?",
            "What surprised you most?",
            "What will you do differently next week?",
        ),
    ),
    "surprises": _ItemSpec(
        "What surprised us",
        "shadow",
        "",
        (5, 7),
        (
            "What would you never have guessed from the outside?",
            "Where does the other team's day differ from what we assume?",
        ),
    ),
    "friction": _ItemSpec(
        "Hand-off friction we saw",
        "decision",
        "",
        (7, 8),
        (
            "Where does a lead lose context between the teams?",
            "What single change would remove that friction?",
        ),
    ),
    "heard": _ItemSpec(
        "Prospect questions heard on the day",
        "prospect_insight",
        "",
        (5,),
        (
            "Which questions came up on calls or in the Q&A?",
            "Which of them should marketing answer in content?",
        ),
    ),
    "experiment": _ItemSpec(
        "One experiment to try",
        "decision",
        "",
        (5, 7),
        (
            "What's one experiment we can run in two weeks?",
            "Who owns it, and when do we report back?",
            "How will we know it worked?",
        ),
    ),
    "next_pairing": _ItemSpec(
        "Next shadow pairing",
        "",
        "",
        (3,),
        (
            "Who goes next, and which direction?",
            "What should they make sure to see?",
        ),
        standing=False,
    ),
}

PRESENTER = {
    "lead_quality": ("Maya", "José", "Priya"),
    "pipeline_out": ("Hannah", "Kenji", "Zoë"),
    "voice": ("Priya", "José", "Maya"),
    "sales_ideas": ("José", "Priya", "Lukas"),
    "campaigns": ("Kenji", "Zoë"),
    "by_source": ("Kenji", "Olu"),
    "content_pipe": ("Hannah", "Sofia"),
}

# --- note and text banks ------------------------------------------------------------------

WINS = (
    "{sales} closed {company} ({n} seats), came in via {source}",
    "Shout-out {mkt}: *{content}* used in {k} deals this month",
    "{sales} used the new talk track on {company}'s discovery call; it landed",
    "Webinar replay → {n} demo requests in a week",
    "{mkt} turned the {company} quote request around in 24h, thanks!",
    "{company} renewal signed; {sales} credits the ROI one-pager",
    "{sales} got a reply from {company}'s CRO after {few} touches, meeting booked",
)
CAMPAIGNS = (
    "{day}: *{content}* launches (email + LI)",
    "SDR sequence '{campaign}' timed for {day}",
    "{event} {day}: booth + {few} meetings booked so far",
    "Pricing-page retargeting starts {day}, ~{n}k impressions/wk",
    "Newsletter {day}: lead story = *{content}*",
    "Partner co-marketing email w/ {company} goes {day}",
)
CAMPAIGN_NAMES = ("Quarter-end panic", "Board-ready pipeline", "Spreadsheet detox", "RevOps of one", "Forecast call fix")
HANDOFF = (
    "MQL → first touch median {h}h; Friday leads wait longest",
    "{few} MQLs sat unassigned > 48h (territory gap, EMEA)",
    "SAL = AE accepts within 2 business days: re-agreed",
    "Form has no company size → SDRs research by hand, ~{few} min each",
    "Hand-off note doesn't carry the webinar Q&A; {mkt} to add it",
    "{sales}: {n} leads arrived without a phone number this week",
    "Recycled leads come back w/o history of why they were recycled",
)
OBJECTIVE_EXTRAS = (
    "{sales}: expect a bump, {few} demos booked for next week",
    "Numbers pulled Mon am by {mkt}; [funnel dashboard](https://bi.example.com/d/lead-funnel)",
    "Q-to-date, not rolling 30d, per last week's ask",
    "{mkt} to split MQL→SQL by persona for next time",
    "Holiday week effect? Re-check before anyone panics",
)
SLIP_REASONS = (
    "legal review on the customer quote",
    "design bandwidth",
    "waiting on product screenshots",
    "SME interview moved twice",
    "customer approval pending",
)
DECISIONS = (
    "SAL = AE accepts or rejects within 2 business days; silence counts as accept",
    "Trade-show scans go to nurture first; only demo requests go to SDRs",
    "Too-early webinar leads recycle into the {w}-week nurture, not back to SDRs",
    "Sales reviews every case-study draft within 48h",
    "{mkt} owns the lead-quality dashboard; refreshed every Monday",
    "Add persona + journey stage to the MQL hand-off note",
    "Rejected leads need a reason code, no exceptions",
    "Pilot *{content}* in the first-call deck for {w} weeks",
    "Partner referrals skip SDR qualification, straight to an AE",
    "Raise the lead-score threshold for {source} from {a} to {b}",
    "Deep dives move to the biweekly review; this sync stays at 35 min",
    "Closed-lost reasons reviewed monthly with marketing in the room",
)
ACTIONS = (
    "Pull closed-lost reasons for {source} leads, last {days} days",
    "Send {mkt} {k} call recordings where '{short}' came up",
    "Fix UTM tags on the {source} campaigns",
    "Review the draft of *{content}* and comment",
    "Add '{field}' to the demo request form",
    "Dedupe the {source} batch against CRM (~{n} rows)",
    "Share the SDR objection list with {mkt}",
    "Update lead scoring: {rule}",
    "Build a dashboard tile: MQL→SQL by source, weekly",
    "Ask {company} for a case-study quote",
    "Write 3 subject lines to launch *{content}*",
    "Find out why {source} leads stall at SAL",
    "Brief SDRs on *{content}* (10 min at stand-up)",
    "Draft the SLA one-pager for both teams",
    "Tag the last {n} rejected leads with reason codes",
)
SOURCE_ACTIONS = (
    "Pull closed-lost reasons for {source} leads, last {days} days",
    "Dedupe the next {source} batch against CRM before it goes to SDRs",
    "Find out why {source} leads stall at SAL",
    "Compare {source} personas vs. ICP for the last {n} leads",
)
FIELDS = ("company size", "CRM in use", "how did you hear about us", "timeline", "number of reps")
SCORING_RULES = ("-20 for free-mail domains", "+15 for RevOps titles", "-30 for agencies", "+10 for pricing-page visits", "+20 for demo-request form")
PARKING = (
    "Attribution model: first-touch vs. W-shaped (needs its own session)",
    "Should SDRs work trade-show scans at all?",
    "Budget for a G2 reviews push in Q{q}",
    "Renaming lifecycle stages in the CRM",
    "Lead-scoring overhaul, once RevOps has capacity",
    "A separate sync for partner leads?",
    "Pricing-page questions: loop in product",
    "Territory rules for EMEA inbound",
    "Gate the ebook or not?",
    "Event budget for {event}",
)
CHECKIN_COMMENTS = {
    "up": ("best reading since {day}", "moving the right way", "{sales}'s team pushed hard this week", "steady climb"),
    "down": ("dip: holiday week", "dip, fewer inbound demos", "down; data lag from the CRM sync?", "wobble, watch next week"),
}
RATING_COMMENTS = (
    "Ran over on lead feedback again",
    "Numbers ready before the call made a difference",
    "Good debate on the SAL definition",
    "Too many updates, not enough decisions",
    "Sales brought real call snippets, more of that",
    "Short and useful",
    "Need the dashboard up before we start",
)

# --- shadow days ---------------------------------------------------------------------------

ACTIVITY_NOTES = {
    "Prospecting research": (
        "Built a {n}-account list in Sales Nav w/ {host}; ~{m} min per account",
        "Researched {n} accounts; half had no RevOps role at all",
    ),
    "Prospect calls": ("Listened in on {n} calls, {k} connects", "{n} dials, {k} conversations, 1 meeting booked"),
    "Meetings": ("Sat in on {host}'s discovery call with {company}", "Deal review: {n} opps, 2 stuck on security review"),
    "Reporting": ("Walked through the weekly funnel report w/ {host}", "How MQLs are counted: {k} filters deep"),
    "Content creation": ("Helped outline *{content}*", "Sat in on an SME interview for a case study"),
    "Marketing strategy session": ("Q{q} planning: budget split across LI / events / G2", "Messaging workshop: 3 value props, voted down to 1"),
}
EXTRA_ACTIVITIES = {
    "marketing_to_sales": ("Lost-deal review", "Pipeline stand-up"),
    "sales_to_marketing": ("Campaign retro", "Webinar dry run"),
}
TAKEAWAYS = {
    "marketing_to_sales": {
        "learned": (
            "SDRs spend ~{n}% of the day researching before the first dial",
            "An AE juggles ~{n} open opps; follow-ups eat the afternoon",
            "Discovery calls open with the pain, never with the product",
        ),
        "surprised_me": (
            "Half the inbound 'demo requests' were customers wanting support",
            "Prospects rarely remember which ad they clicked",
            "Reps read the lead's webinar questions only if they're in the first line",
        ),
        "will_use": (
            "Record objection snippets for the nurture emails",
            "Write subject lines the way {host} opens calls",
            "Use real call questions as blog titles",
        ),
        "suggested_improvement": (
            "Add a 'how did you hear about us' field to the demo form",
            "Put the last 3 content touches in the lead notes",
            "Route partner leads straight to AEs",
        ),
        "prospect_insight": (),  # filled from the insights catalog
        "hand_off_friction": (
            "MQL arrives without the questions the lead asked",
            "SDRs re-research what marketing already enriched",
            "Nobody tells marketing when a lead is recycled, or why",
        ),
    },
    "sales_to_marketing": {
        "learned": (
            "A webinar takes ~{w} weeks from topic to live",
            "Every campaign is planned against a persona, not a product feature",
            "Marketing sees only ~{n}% of closed-lost reasons in the CRM",
        ),
        "surprised_me": (
            "How many leads are filtered out before SDRs ever see them",
            "A case study needs {k} approvals before it ships",
            "Marketing reads our call notes; they just can't find them",
        ),
        "will_use": (
            "Time outbound sequences to the campaign calendar",
            "Use the ROI one-pager before the CFO asks",
            "Send prospects the webinar replay instead of a deck",
        ),
        "suggested_improvement": (
            "Sales drops 2 call snippets a week into #voice-of-prospect",
            "AEs review landing pages 48h before launch",
            "Tag closed-lost reasons weekly so marketing sees them",
        ),
        "prospect_insight": (),
        "hand_off_friction": (
            "Lead score ignores persona, so interns score like VPs",
            "Campaign names in the CRM mean nothing to reps",
            "SAL rejections don't say why, so marketing can't fix the source",
        ),
    },
}
EXPERIMENTS = {
    "marketing_to_sales": (
        "Marketing joins one discovery call a week for a month",
        "Copy the lead's webinar questions into the MQL hand-off note",
        "SDRs tag objections with a shared list of 8 tags",
        "Every new case study ships with a 3-line 'when to use it' note",
    ),
    "sales_to_marketing": (
        "Sales drops 2 call snippets a week into #voice-of-prospect",
        "AEs review campaign landing pages 48h before launch",
        "Closed-lost reasons tagged weekly so marketing sees them",
        "'Talk to sales' CTA routes straight to the AE on ICP accounts",
    ),
}
