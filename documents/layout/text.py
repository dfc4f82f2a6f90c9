"""Breaking Chinese text into lines: any character may end a line, except that a closing mark never
starts one and an opening mark never ends one (禁则), and a run of Latin letters or digits stays whole."""

import re
from collections.abc import Callable

# Marks that must not begin a line (they cling to the character before them).
NO_LINE_START = set("，。、；：？！）》」』”’〕】〉…—·%,.;:?!)]}")
# Marks that must not end a line (they cling to the character after them).
NO_LINE_END = set("（《「『“‘〔【〈([{")

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/%+\-_'@#&]*|\s+|.", re.DOTALL)

Measure = Callable[[str], float]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _split_long(token: str, width: float, measure: Measure) -> list[str]:
    """A Latin run wider than a whole line, cut where it must be."""
    parts, current = [], ""
    for ch in token:
        if current and measure(current + ch) > width:
            parts.append(current)
            current = ""
        current += ch
    if current:
        parts.append(current)
    return parts


def wrap(text: str, first_width: float, width: float, measure: Measure) -> list[str]:
    """Lines of ``text``: the first at most ``first_width`` wide, the rest ``width``."""
    lines: list[list[str]] = []
    current: list[str] = []
    limit = first_width
    pending = [t for t in tokens(text.replace("\n", " ")) if t]
    pending.reverse()
    while pending:
        token = pending.pop()
        if not current and token.isspace():
            continue  # no line starts with a space
        if measure("".join(current) + token) <= limit + 0.01:
            current.append(token)
            continue
        if not current:
            pieces = _split_long(token, limit, measure)
            current.append(pieces[0])
            pending.extend(reversed(pieces[1:]))
            continue
        # Break before ``token``. Keep marks with their neighbours by carrying characters down.
        carried: list[str] = []
        if token in NO_LINE_START and len(current) > 1:
            carried.insert(0, current.pop())
        while len(current) > 1 and current[-1] in NO_LINE_END:
            carried.insert(0, current.pop())
        while current and current[-1].isspace():
            current.pop()
        lines.append(current)
        limit = width
        current = carried
        pending.append(token)
    while current and current[-1].isspace():
        current.pop()
    if current or not lines:
        lines.append(current)
    return ["".join(line) for line in lines]


def balanced(text: str, width: float, measure: Measure) -> list[str]:
    """A title broken into lines of nearly equal length, the longer ones first (a 梯形 shape)."""
    lines = wrap(text, width, width, measure)
    if len(lines) < 2:
        return lines
    chars = list(text)
    count = len(lines)
    while True:
        per_line = -(-len(chars) // count)
        candidate = ["".join(chars[i : i + per_line]) for i in range(0, len(chars), per_line)]
        if all(measure(line) <= width + 0.01 for line in candidate) and len(candidate) == count:
            # Nothing may start with a closing mark: move it up to the line before.
            for i in range(1, len(candidate)):
                while candidate[i] and candidate[i][0] in NO_LINE_START:
                    candidate[i - 1] += candidate[i][0]
                    candidate[i] = candidate[i][1:]
            if all(measure(line) <= width + 0.01 for line in candidate):
                return [line for line in candidate if line]
        count += 1
        if count > len(chars):
            return lines
