"""The ledger is public: anyone may verify it (entries carry no personal data)."""

from tests.security.matrix import EVERYONE, row

ROWS = [
    row("ledger/", "GET", EVERYONE),
    row("ledger/checkpoint", "GET", EVERYONE),
    row("ledger/keys", "GET", EVERYONE),
    row("ledger/verify/<int:index>/", "GET", EVERYONE, kwargs=lambda w: {"index": 0}),
    row("api/v1/ledger/log", "GET", EVERYONE),
    row("api/v1/ledger/checkpoints", "GET", EVERYONE),
    row("api/v1/ledger/entries/<index>", "GET", EVERYONE, kwargs=lambda w: {"index": 0}),
    row("api/v1/ledger/proof/inclusion", "GET", EVERYONE),
    row("api/v1/ledger/proof/consistency", "GET", EVERYONE),
]
