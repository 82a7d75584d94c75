"""Instant approval (秒批) decisions and evaluations.

The app landed on main after this matrix; its routes are listed in `PENDING` (see
`intake.py`): replace them with `row(...)`s and delete `PENDING` when it is empty."""

ROWS: list = []

PENDING = [
    "instant/decisions/",
    "instant/decisions/<uuid:public_id>/",
    "instant/decisions/<uuid:public_id>/activate/",
    "instant/decisions/<uuid:public_id>/simulate/",
    "instant/evaluations/<uuid:public_id>/",
    "instant/evaluations/<uuid:public_id>/review/",
    "me/verify-real-name/",
    "workbench/identity/",
]
