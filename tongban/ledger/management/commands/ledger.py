"""`tongban ledger`: seal, inspect, audit and independently verify the tamper-evident ledger.

    tongban ledger status                  size, latest checkpoint, keys
    tongban ledger seal                    seal pending events now (the worker does it anyway)
    tongban ledger checkpoint              sign the current tree again (after a key rotation)
    tongban ledger audit                   recompute everything from the stored leaves
    tongban ledger verify [--url URL]      check a running server over HTTP, trusting nothing

`audit` and `verify` exit with status 1 when something does not check out."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.ledger import audit, selectors, services
from tongban.ledger.keys import published_keys
from tongban.ledger.verify import VerificationFailed, verify_remote


class Command(BaseCommand):
    help = "Seal, inspect, audit and verify the tamper-evident ledger."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("status", help="Size, latest checkpoint and keys.")
        seal = actions.add_parser("seal", help="Seal pending outbox events now.")
        seal.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        actions.add_parser("checkpoint", help="Sign the current tree with the current keys.")
        actions.add_parser("audit", help="Recompute the log from its leaves and compare.")
        verify = actions.add_parser("verify", help="Check a server over HTTP, trusting nothing.")
        verify.add_argument("--url", default="http://127.0.0.1:8000", help="The server.")
        verify.add_argument(
            "--key",
            action="append",
            default=[],
            help="A trusted verifier key (name+id+base64); repeat for several. Without it the "
            "server's published keys are used and printed.",
        )
        verify.add_argument(
            "--state",
            type=Path,
            help="A file that keeps the last verified checkpoint; the next run proves the log "
            "only grew since.",
        )
        verify.add_argument("--sample", type=int, default=20, help="Entries to prove.")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_status(self, **options):
        log = selectors.current_log()
        latest = selectors.latest_checkpoint()
        if log is None or latest is None:
            self.stdout.write("The ledger is empty: nothing sealed yet.")
            return
        self.stdout.write(f"origin       {log.origin}")
        self.stdout.write(f"hash         {log.get_hash_suite_display()}")
        self.stdout.write(
            f"tree size    {latest.tree_size} (signed {latest.signed_at:%Y-%m-%d %H:%M:%S%z})"
        )
        waiting = selectors.unsealed_count()
        self.stdout.write(f"waiting      {waiting} event(s) not sealed yet")
        for key in published_keys(log.origin):
            self.stdout.write(f"key          {key.vkey}")

    def do_seal(self, *, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        result = services.seal_pending_events(batch_size=batch_size)
        self.stdout.write(
            f"Sealed {result.sealed} event(s) in {result.batches} batch(es); "
            f"the tree has {result.tree_size} entries."
        )

    def do_checkpoint(self, **options):
        checkpoint = services.resign_latest_checkpoint()
        if checkpoint is None:
            raise CommandError("nothing to sign: the ledger is empty")
        self.stdout.write(checkpoint.note)

    def do_audit(self, **options):
        report = audit.audit_ledger()
        self.stdout.write(
            f"Audited {report.entries} entries, {report.nodes} tree nodes and "
            f"{report.checkpoints} checkpoints (signed size {report.tree_size})."
        )
        for problem in report.problems:
            self.stdout.write(f"✗ {problem}")
        if not report.ok:
            raise CommandError(f"the audit found {len(report.problems)} problem(s)", returncode=1)
        self.stdout.write("✓ everything recomputes to the signed checkpoints")

    def do_verify(self, *, url, key, state, sample, **options):
        try:
            head = verify_remote(
                url, pinned_keys=key, state=state, sample=sample, say=self.stdout.write
            )
        except VerificationFailed as failure:
            self.stdout.write(f"✗ {failure}")
            raise CommandError(f"verification failed: {failure}", returncode=1) from None
        self.stdout.write(f"✓ verified {url}: {head.size} entries, root consistent and signed")
