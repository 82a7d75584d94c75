"""Instant approval (秒批): decisions (platform operators only) and evaluations (the
applicant, the matter's department — 民政局 for the world's 老年人优待证办理 —, operators and
auditors; human review: the applicant only). Also the two identity-checking pages that came
with it: the citizen's own real-name check and the workbench's identity verification."""

from tests.security.matrix import CITIZENS, row

EVALUATION_READERS = {"applicant", "official", "data_admin", "operator", "auditor"}


def evaluation(w):
    return {"public_id": w.evaluation.public_id}


def decision(w):
    return {"public_id": w.instant_decision.public_id}


ROWS = [
    row("instant/decisions/", "GET POST", {"operator"}, note="an empty form is shown again"),
    row("instant/decisions/<uuid:public_id>/", "GET", {"operator"}, kwargs=decision),
    row(
        "instant/decisions/<uuid:public_id>/simulate/",
        "POST",
        {"operator"},
        kwargs=decision,
        note="an invalid sample size: the page again",
    ),
    row(
        "instant/decisions/<uuid:public_id>/activate/",
        "POST",
        {"operator"},
        kwargs=decision,
        note="already active: a message",
    ),
    row(
        "instant/evaluations/<uuid:public_id>/",
        "GET",
        EVALUATION_READERS,
        kwargs=evaluation,
        note="every official of the matter's department (so its data administrator too)",
    ),
    row(
        "instant/evaluations/<uuid:public_id>/review/",
        "POST",
        {"applicant"},
        kwargs=evaluation,
        note="not an automatic refusal: a message (the applicant is allowed)",
    ),
    row(
        "me/verify-real-name/",
        "GET POST",
        CITIZENS,
        note="a person's own check; already verified: 400",
    ),
    row("workbench/identity/", "GET POST", {"operator"}, note="an approver is no counter clerk"),
    row(
        "workbench/identity/",
        "GET POST",
        {"official", "operator"},
        official="clerk",
        note="a counter clerk (official here is 民政局's 窗口人员) or an operator",
    ),
]
