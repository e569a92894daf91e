"""The `pult` command: Django's manage.py plus Pult's own commands (run, worker, …).

Settings come from the environment, so it works from any folder:
    DATABASE_URL=sqlite:///$PWD/other.sqlite3 pult migrate
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pult.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pult", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
