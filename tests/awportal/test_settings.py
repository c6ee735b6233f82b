"""Every setting the portal reads from the environment is documented, and read in one place."""

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def _names_read() -> Counter[str]:
    return Counter(READ.findall((ROOT / "awportal" / "settings.py").read_text()))


def test_settings_read_the_environment_and_each_name_once():
    reads = _names_read()
    assert {"SECRET_KEY", "TIME_ZONE", "AW_OUTCOME_SETTLE_SECONDS", "LOG_FORMAT"} <= reads.keys()
    assert [name for name, count in reads.items() if count > 1] == []


def test_every_name_the_settings_read_is_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert sorted(_names_read().keys() - documented) == []


def test_every_name_the_settings_read_is_in_the_readme_settings_table():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Settings", 1)[1].split("\n\n")[2]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", "\n".join(row.split("|")[1] for row in table.splitlines())))
    assert sorted(_names_read().keys() - documented) == []
