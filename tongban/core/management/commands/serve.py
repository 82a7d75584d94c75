"""`tongban serve`: the web server (gunicorn) and a task worker together, stopped together.

Ctrl-C (or SIGTERM) stops both cleanly; if either exits on its own, the other is stopped
and the command exits with an error, so a half-running platform never goes unnoticed."""

import signal
import subprocess  # nosec B404  # starts its own gunicorn and workers, no shell
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and a task worker until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--task-workers", type=int, default=1)

    def handle(self, *, host, port, web_workers, task_workers, **options):
        python = sys.executable
        commands = [
            [
                python,
                "-m",
                "gunicorn",
                "tongban.config.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(web_workers),
                "--graceful-timeout",
                "10",
                "--no-control-socket",  # several servers may run on one machine
            ],
        ] + [
            [python, "-m", "tongban.manage", "worker", "--interval", "0.5"]
            for _ in range(task_workers)
        ]
        children = [subprocess.Popen(command) for command in commands]  # noqa: S603  # nosec B603  # fixed argument lists built here, no shell
        self.stdout.write(f"Tongban is running on http://{host}:{port}/ — press Ctrl-C to stop.")

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        if not stopping:
            failed = [
                " ".join(cmd[2:4])
                for cmd, child in zip(commands, children, strict=True)
                if child.returncode
            ]
            raise SystemExit(f"tongban serve: stopped because a process exited: {failed}")
        self.stdout.write("Tongban stopped.")
