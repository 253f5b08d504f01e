"""The node and edge types the code is about, by role, as the schema's ``roles:`` names them: code
writes ``AREA`` or ``MEMBER_OF``, never the type's name, so a type is renamed in the schema alone.

>>> AREA, LEADS
('Area', 'LEADS')
"""

from __future__ import annotations

from dangjian.graph.schema import model

_role = model().role

__all__ = ["AREA", "ORG", "UNIT", "MEMBER", "PERSON", "AGREEMENT", "ACTIVITY", "VOLUNTEER_TEAM", "MATTER", "EVALUATION", "CONTAINS", "LEADS",
           "ANCHORED_IN", "COVERS", "LOCATED_IN", "MEMBER_OF", "WORKS_AT", "LIVES_IN", "REPORTED_TO",
           "PARTY_TO", "UNDER", "ORGANIZED_BY", "HELD_IN", "TOOK_PART", "EVALUATES", "EVALUATED_BY", "RAISED_AT", "RAISED_BY", "SERVES", "VOLUNTEERS_IN", "BACKED_BY", "SECRETARY_OF", "DEPUTY_SECRETARY_OF",
           "COMMITTEE_MEMBER_OF", "FIRST_SECRETARY_OF", "GRID_LEADER_OF", "GRID_WORKER_OF", "PART_TIME_MEMBER_OF",
           "INSTRUCTOR_OF", "LIAISON_FOR"]  # fmt: skip

AREA = _role("area")
ORG = _role("org")
UNIT = _role("unit")
MEMBER = _role("member")
PERSON = _role("person")
AGREEMENT = _role("agreement")
ACTIVITY = _role("activity")
VOLUNTEER_TEAM = _role("volunteer_team")
MATTER = _role("matter")
EVALUATION = _role("evaluation")
CONTAINS = _role("contains")
LEADS = _role("leads")
ANCHORED_IN = _role("anchored_in")
COVERS = _role("covers")
LOCATED_IN = _role("located_in")
MEMBER_OF = _role("member_of")
WORKS_AT = _role("works_at")
LIVES_IN = _role("lives_in")
REPORTED_TO = _role("reported_to")
PARTY_TO = _role("party_to")
UNDER = _role("under")
ORGANIZED_BY = _role("organized_by")
HELD_IN = _role("held_in")
TOOK_PART = _role("took_part")
EVALUATES = _role("evaluates")
EVALUATED_BY = _role("evaluated_by")
RAISED_AT = _role("raised_at")
RAISED_BY = _role("raised_by")
SERVES = _role("serves")
VOLUNTEERS_IN = _role("volunteers_in")
BACKED_BY = _role("backed_by")
SECRETARY_OF = _role("secretary_of")
DEPUTY_SECRETARY_OF = _role("deputy_secretary_of")
COMMITTEE_MEMBER_OF = _role("committee_member_of")
FIRST_SECRETARY_OF = _role("first_secretary_of")
GRID_LEADER_OF = _role("grid_leader_of")
GRID_WORKER_OF = _role("grid_worker_of")
PART_TIME_MEMBER_OF = _role("part_time_member_of")
INSTRUCTOR_OF = _role("instructor_of")
LIAISON_FOR = _role("liaison_for")
