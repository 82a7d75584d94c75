"""The tamper-evident ledger (留痕): an RFC 9162 Merkle log of every outbox event.

Every table here is append-only: database triggers refuse UPDATE, DELETE and TRUNCATE
(`tongban.ledger.append_only`). Nothing in the platform changes a row once written; the audit
(`tongban ledger audit`) and anyone holding an earlier checkpoint detect it if someone with
direct database access does."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongban.core.models import Event


class Log(models.Model):
    """The log's identity, fixed when it seals its first entry: its origin (the first line of
    every checkpoint) and its hash function. A Merkle tree cannot change hash function, so a
    later change of TONGBAN_CRYPTO_SUITE changes signatures, never this."""

    class HashSuite(models.TextChoices):
        INTL = "intl", "SHA-256"
        GM = "gm", "SM3"

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    origin = models.CharField(_("origin"), max_length=200)
    hash_suite = models.CharField(_("hash function"), max_length=10, choices=HashSuite.choices)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("ledger")
        verbose_name_plural = _("ledgers")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="ledger_log_single")]

    def __str__(self) -> str:
        return self.origin


class Entry(models.Model):
    """One sealed outbox event: leaf number `index` of the tree (from 0), its canonical JSON
    leaf (`tongban.ledger.leaves`) and the leaf hash `H(0x00 || leaf)`."""

    index = models.BigIntegerField(_("index"), primary_key=True)
    event = models.OneToOneField(
        Event, models.PROTECT, related_name="+", verbose_name=_("domain event")
    )
    leaf = models.TextField(_("leaf"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    sealed_at = models.DateTimeField(_("sealed at"))

    class Meta:
        ordering = ["index"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=models.Q(index__gte=0), name="ledger_entry_index")
        ]

    def __str__(self) -> str:
        return f"#{self.index}"


class Node(models.Model):
    """The hash of a complete subtree at a stored level (`tongban.ledger.tree`), keyed by its
    slot: `end * 64 + level`, where `end` is the tree size at which it became complete."""

    slot = models.BigIntegerField(pgettext_lazy("ledger tree", "slot"), primary_key=True)
    hash = models.BinaryField(pgettext_lazy("ledger tree", "hash"), max_length=32)

    class Meta:
        verbose_name = _("tree node")
        verbose_name_plural = _("tree nodes")

    def __str__(self) -> str:
        return f"node {self.slot}"


class Checkpoint(models.Model):
    """A signed tree head: the C2SP checkpoint note as published, with its size and root."""

    tree_size = models.BigIntegerField(_("tree size"), db_index=True)
    root_hash = models.BinaryField(_("root hash"), max_length=32)
    note = models.TextField(_("signed note"))
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"
