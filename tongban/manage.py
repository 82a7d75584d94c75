"""The `tongban` command: Django's manage.py for this project.

A wrong setting stops the command with one line that names it, not a traceback."""

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

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
