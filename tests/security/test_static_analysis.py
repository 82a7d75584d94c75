"""bandit finds nothing unjustified in the platform's code (`make lint` runs it too)."""

import subprocess
import sys

from tests.conftest import ROOT


def test_bandit_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "tongban", "-x", "*/migrations/*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:]
