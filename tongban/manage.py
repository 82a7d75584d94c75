"""The `tongban` command: Django's manage.py for this project.

A wrong setting, or a database that cannot be reached, stops the command with one line that
names it, not a traceback."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.config.settings")
    from django.conf import settings

    from tongban.config.env import SettingError

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loading settings is the point)
    except SettingError as exc:
        sys.stderr.write(f"tongban: {exc}\n")
        sys.exit(2)

    from django.core.management import execute_from_command_line
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as exc:
        if connection.vendor == "sqlite" or connection.is_usable():
            raise  # not a connection failure: keep the traceback for the developer
        where = connection.settings_dict
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.stderr.write(
            f"tongban: cannot reach the database {where['NAME']} at "
            f"{where['HOST'] or 'localhost'}:{where['PORT'] or 5432}: {reason}\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
