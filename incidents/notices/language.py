"""The notice template language: deliberately small, so authors cannot reach anything.

    {{ name }}                    a value from the explicit context (see context.py)
    {{ name | upper }}            with a safe filter: upper, lower, title, date, datetime, number
    {% claim key %}...{% endclaim %}
                                  text that states a fact; allowed only while the record
                                  supports it (see claims.py)
    {% if name %}...{% endif %}   text shown only when the value is present

No loops, no attribute access, no expressions, no calls: there is nothing to walk to.
Unknown names, filters and claims are errors that name the line. Templates and output are
size-limited; rendering is linear in the template's size.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from incidents.presentation.timefmt import in_zone

MAX_TEMPLATE = 20_000
MAX_OUTPUT = 100_000
MAX_DEPTH = 5

TOKEN = re.compile(r"({{.*?}}|{%.*?%})", re.DOTALL)
NAME = r"[a-z][a-z0-9_]*"
VARIABLE = re.compile(rf"^{{{{\s*({NAME})\s*(?:\|\s*({NAME})\s*)?}}}}$")
TAG = re.compile(rf"^{{%\s*(claim|endclaim|if|endif)\s*({NAME})?\s*%}}$")


class TemplateError(Exception):
    """A problem in a template, with the line it is on."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class OutputTooLong(TemplateError):
    """The template is valid but what it renders for this incident would be too long to
    send; raised apart so a draft can refuse it before anyone reviews it."""


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return (in_zone(value) or value.astimezone(UTC)).strftime("%d %B %Y")
    return str(value)


def _datetime(value: Any) -> str:
    """'23 November 2026, 10:18 CET (09:18 UTC)': the drafter's zone, and UTC so that a
    recipient elsewhere reads the same moment."""
    if isinstance(value, datetime):
        local = in_zone(value) or value.astimezone(UTC)
        text = local.strftime("%d %B %Y, %H:%M %Z")
        if local.utcoffset():
            text += f" ({value.astimezone(UTC):%H:%M} UTC)"
        return text
    return str(value)


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


FILTERS: dict[str, Callable[[Any], str]] = {
    "upper": lambda v: str(v).upper(),
    "lower": lambda v: str(v).lower(),
    "title": lambda v: str(v).title(),
    "date": _date,
    "datetime": _datetime,
    "number": _number,
}


@dataclass
class Node:
    kind: str  # text | var | claim | if
    line: int
    value: str = ""
    filter: str = ""
    children: list[Node] = field(default_factory=list)


def parse(source: str) -> list[Node]:
    if len(source) > MAX_TEMPLATE:
        raise TemplateError(f"the template is {len(source):,} characters; at most {MAX_TEMPLATE:,}")
    root: list[Node] = []
    stack: list[Node] = []
    line = 1
    for piece in TOKEN.split(source):
        target = stack[-1].children if stack else root
        if piece.startswith("{{"):
            match = VARIABLE.match(piece)
            if not match:
                raise TemplateError(
                    f"cannot read {piece!r}: write {{{{ name }}}} or {{{{ name | filter }}}}", line
                )
            target.append(Node("var", line, match.group(1), match.group(2) or ""))
        elif piece.startswith("{%"):
            _tag(piece, line, target, stack)
        elif piece:
            target.append(Node("text", line, piece))
        line += piece.count("\n")
    if stack:
        raise TemplateError(
            f"{{% {stack[-1].kind} {stack[-1].value} %}} is never closed", stack[-1].line
        )
    return root


def _tag(piece: str, line: int, target: list[Node], stack: list[Node]) -> None:
    match = TAG.match(piece)
    if not match:
        raise TemplateError(f"unknown tag {piece!r}: only claim/endclaim and if/endif exist", line)
    word, name = match.group(1), match.group(2) or ""
    if word in ("claim", "if"):
        if not name:
            raise TemplateError(f"{{% {word} %}} needs a name", line)
        if len(stack) >= MAX_DEPTH:
            raise TemplateError(f"blocks nest deeper than {MAX_DEPTH}", line)
        node = Node(word, line, name)
        target.append(node)
        stack.append(node)
        return
    opener = word.removeprefix("end")
    if not stack or stack[-1].kind != opener:
        raise TemplateError(f"{{% {word} %}} without a matching {{% {opener} %}}", line)
    stack.pop()


def check_names(nodes: list[Node], known: set[str], claims: set[str]) -> None:
    """Unknown names, filters and claims are errors at their line, before any rendering."""
    for node in nodes:
        if node.kind in ("var", "if") and node.value not in known:
            raise TemplateError(
                f"unknown name {node.value!r}; available: {', '.join(sorted(known))}", node.line
            )
        if node.kind == "var" and node.filter and node.filter not in FILTERS:
            raise TemplateError(
                f"unknown filter {node.filter!r}; available: {', '.join(FILTERS)}", node.line
            )
        if node.kind == "claim" and node.value not in claims:
            raise TemplateError(
                f"unknown claim {node.value!r}; available: {', '.join(sorted(claims))}", node.line
            )
        check_names(node.children, known, claims)


def render(
    nodes: list[Node], values: dict[str, Any], holds: Callable[[str], bool]
) -> tuple[str, list[str]]:
    """Render; returns the text and the claims it states. A claim that does not hold
    raises TemplateError naming it (the caller decides whether that blocks)."""
    out: list[str] = []
    stated: list[str] = []
    size = [0]

    def emit(text: str) -> None:
        size[0] += len(text)
        if size[0] > MAX_OUTPUT:
            raise OutputTooLong(f"the notice would be longer than {MAX_OUTPUT:,} characters")
        out.append(text)

    def walk(items: list[Node]) -> None:
        for node in items:
            if node.kind == "text":
                emit(node.value)
            elif node.kind == "var":
                value = values[node.value]
                emit(FILTERS[node.filter](value) if node.filter else _plain(value))
            elif node.kind == "if":
                if values.get(node.value):
                    walk(node.children)
            elif node.kind == "claim":
                if not holds(node.value):
                    raise TemplateError(
                        f"the claim {node.value!r} does not hold for this incident", node.line
                    )
                stated.append(node.value)
                walk(node.children)

    walk(nodes)
    return "".join(out), stated


def _plain(value: Any) -> str:
    if isinstance(value, datetime):
        return _datetime(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)
