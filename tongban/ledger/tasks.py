"""The ledger's background work, run by `tongban worker`."""

from django_tasks import task

from tongban.ledger import services

# A run stops after this long so a large backlog does not hold one worker for ever; the next
# periodic run (10 seconds later) continues.
SEAL_TIME_BUDGET = 50.0


@task()
def seal_ledger() -> int:
    """Seal the outbox into the log; returns how many events were sealed."""
    return services.seal_pending_events(time_budget=SEAL_TIME_BUDGET).sealed
