"""Fail (not skip) when TONGBAN_TEST_POSTGRES is set but the server does not answer."""

import os
import sys

import psycopg


def main() -> int:
    url = os.environ.get("TONGBAN_TEST_POSTGRES", "")
    if not url:
        print("TONGBAN_TEST_POSTGRES is not set", file=sys.stderr)
        return 2
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"TONGBAN_TEST_POSTGRES is set but unreachable: {first_line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
