"""What README.md tells a newcomer matches what the commands do."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.management.commands.seed_demo import DEMO_PASSWORD

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _readme_logins() -> list[tuple[str, ...]]:
    section = README.split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [tuple(cell.strip().strip("`") for cell in row.strip("|").split("|")) for row in rows]


@pytest.mark.django_db
def test_the_demo_login_table_is_what_make_demo_prints():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip().startswith("Username"))
    printed = []
    for line in lines[start + 2 :]:
        if not line.startswith("  "):
            break
        printed.append(tuple(re.split(r"\s{2,}", line.strip())))
    assert _readme_logins() == printed


def test_the_readme_names_the_demo_password():
    assert f"**`{DEMO_PASSWORD}`**" in README
