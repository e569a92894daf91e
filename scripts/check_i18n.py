"""See scripts/check-i18n."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "pult"
PULT = ROOT / ".venv" / "bin" / "pult"


def entries(po: Path) -> dict[str, tuple[str, bool]]:
    """msgid (with context and plural) -> (joined msgstr, fuzzy) of a .po file."""
    result: dict[str, tuple[str, bool]] = {}
    block: list[str] = []
    for line in [*po.read_text().splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            fuzzy = any(b.startswith("#,") and "fuzzy" in b for b in block)
            # Keywords (msgctxt, msgid, msgid_plural) are separated by NUL; continuation
            # lines are joined as they are, so line wrapping does not matter.
            key: list[str] = []
            value: list[str] = []
            current: list[str] | None = None
            for b in block:
                if b.startswith("#"):
                    continue
                if b.startswith(("msgctxt", "msgid")):
                    current = key
                    key.append("")
                elif b.startswith("msgstr"):
                    current = value
                    value.append("")
                if current is not None and '"' in b:
                    current[-1] += b[b.index('"') + 1 : b.rindex('"')]
            msgid = "\x00".join(key)
            if msgid:
                result[msgid] = ("".join(value), fuzzy)
            block = []
    return result


def main() -> int:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pult"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pult.config.settings", "PULT_VAR_DIR": tmp}
        for domain in ("django", "djangojs"):
            subprocess.run(
                [
                    str(PULT),
                    "makemessages",
                    "-d",
                    domain,
                    "-l",
                    "ru",
                    "-l",
                    "en",
                    "--no-obsolete",
                    "-v0",
                ],
                cwd=copy,
                env=env,
                check=True,
            )
            for lang in ("ru", "en"):
                fresh = copy / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
                committed = PACKAGE / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
                if not fresh.exists():
                    continue
                if not committed.exists():
                    problems.append(f"{committed.relative_to(ROOT)} is missing (make messages)")
                    continue
                have = entries(committed)
                for msgid in entries(fresh):
                    if msgid not in have:
                        problems.append(f"{lang}/{domain}: not in the catalog: {msgid[:80]!r}")
                    elif lang == "ru" and (not have[msgid][0] or have[msgid][1]):
                        problems.append(f"ru/{domain}: untranslated or fuzzy: {msgid[:80]!r}")
                compiled = committed.with_suffix(".mo")
                check = Path(tmp) / f"{lang}-{domain}.mo"
                subprocess.run(["msgfmt", "-o", str(check), str(committed)], check=True)
                if not compiled.exists() or compiled.read_bytes() != check.read_bytes():
                    problems.append(f"{compiled.relative_to(ROOT)} is stale (make messages)")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} catalog problems")
        return 1
    print("Translation catalogs: complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
