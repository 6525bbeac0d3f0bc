"""No developer text in the interface (issue 10, point 8): the rule numbers R1…R10 of DOMAIN.md are for the
code and the issues, never for a page."""

import re
from pathlib import Path

from django.conf import settings

COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
RULE_NUMBER = re.compile(r"\bR(?:10|[1-9])\b")


def test_no_template_shows_a_rule_number():
    templates = Path(settings.BASE_DIR) / "templates"
    found = []
    for path in sorted(templates.rglob("*.html")):
        text = COMMENTS.sub("", path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(templates)}: {match.group()}" for match in RULE_NUMBER.finditer(text)]
    assert found == []
