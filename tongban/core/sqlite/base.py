"""Django's SQLite backend, with writers that queue without sleeping in long steps.

SQLite lets one writer at a time hold the database (ADR 0001: `BEGIN IMMEDIATE` takes the
lock at the start of every transaction). A writer that finds it taken is put to sleep by
SQLite's own busy handler in growing steps (1, 2, 5, 10 … 100 ms), so a waiting transaction
keeps sleeping well after the lock is free while other writers take it first: under
concurrent submissions the slowest ones waited seconds (bench/instant_approval.py).

Here the threads of one process queue on a lock of the process (woken as soon as it is
free), and the one at the front tries `BEGIN IMMEDIATE` without the busy handler, again every
`POLL_SECONDS` while another process writes, until the connection's `timeout` has passed.
Statements inside the transaction and writes outside any transaction keep SQLite's busy
handler and timeout."""

import threading
import time

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

POLL_SECONDS = 0.0005
WRITERS = threading.Lock()  # this process's writer; other processes are polled for


class DatabaseWrapper(base.DatabaseWrapper):
    holds_writer_lock = False

    def _start_transaction_under_autocommit(self):
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        deadline = time.monotonic() + timeout
        if not WRITERS.acquire(timeout=timeout):
            raise OperationalError("database is locked (by a writer of this process)")
        self.holds_writer_lock = True
        try:
            self.connection.execute("PRAGMA busy_timeout = 0")
            self._begin_when_free(deadline)
        except BaseException:
            self._release_writer_lock()
            raise
        finally:
            self.connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    def _begin_when_free(self, deadline: float) -> None:
        while True:
            try:
                return super()._start_transaction_under_autocommit()
            except OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(POLL_SECONDS)

    def _release_writer_lock(self):
        if self.holds_writer_lock:
            self.holds_writer_lock = False
            WRITERS.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer_lock()
