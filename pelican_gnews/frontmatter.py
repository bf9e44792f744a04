"""YAML front matter: the one format story files are written and read in.

Writing quotes every string, so values such as ``no``, ``2024-01-05``, ``012``
or ``#1`` stay text, and checks that what it wrote reads back to the same
values. Reading uses ``safe_load`` only and reports a broken file by its path
and line.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path

import yaml

try:  # the C loader is ~10x faster and just as safe
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - libyaml is missing on some platforms
    from yaml import SafeLoader as _BaseLoader

logger = logging.getLogger(__name__)

DELIMITER = "---"
# Front matter is a few KB (the seed's is 3 KB); more is a broken or hostile
# file, refused before YAML reads it.
MAX_FRONT_MATTER = 256 * 1024


class _Loader(_BaseLoader):
    """safe_load, with impossible dates (2026-13-45, an offset of +25:00)
    reported at their line instead of escaping as a bare ValueError."""


def _timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"invalid date {node.value!r} ({exc})", node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class FrontMatterError(ValueError):
    """A story file whose front matter cannot be read. str() names file and line."""

    def __init__(self, path: str | Path, line: int | None, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


def split(text: str) -> tuple[str, str, int] | None:
    """Split a file into (front matter, body, line number of the front matter).

    Returns None when the file does not start with a ``---`` line.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    first, sep, rest = text.partition("\n")
    if first.rstrip() != DELIMITER or not sep:
        return None
    lines = rest.split("\n")
    for index, line in enumerate(lines):
        if line.rstrip() in (DELIMITER, "..."):
            return "\n".join(lines[:index]), "\n".join(lines[index + 1 :]), 2
    return None


def load(yaml_text: str, path: str | Path, first_line: int = 2) -> dict:
    """safe_load the front matter; errors name the file and the line.

    Bounded in time and memory: front matter over MAX_FRONT_MATTER is
    refused, and so are aliases (`*name`), the way a "billion laughs" bomb
    multiplies a few lines into gigabytes; story files never need them.
    """
    if len(yaml_text) > MAX_FRONT_MATTER:
        raise FrontMatterError(path, first_line, f"front matter larger than {MAX_FRONT_MATTER // 1024} KB")
    try:
        if "*" in yaml_text:
            for event in yaml.parse(yaml_text, Loader=_Loader):
                if isinstance(event, yaml.AliasEvent):
                    line = event.start_mark.line + first_line if event.start_mark else None
                    raise FrontMatterError(path, line, "YAML aliases (*name) are not allowed in front matter")
        data = yaml.load(yaml_text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise FrontMatterError(path, line, f"invalid YAML front matter: {problem}") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(path, None, f"invalid YAML front matter: {exc}") from None
    except RecursionError:
        raise FrontMatterError(path, first_line, "invalid YAML front matter: nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(path, first_line, "front matter is not a set of `key: value` lines")
    return data


def line_of(yaml_text: str, key: str, first_line: int = 2) -> int | None:
    """The line of `key:` in the front matter, for messages about its value."""
    for number, line in enumerate(yaml_text.split("\n")):
        if line.split(":", 1)[0].strip().lower() == key.lower() and ":" in line:
            return number + first_line
    return None


# The one reading of a yes/no value (pinned, draft, joins, the state's
# deleted), whoever wrote it: YAML's own booleans, and the words YAML 1.1
# reads as booleans when a person quotes them, in any case.
YES = frozenset({"true", "yes", "y", "on", "1"})
NO = frozenset({"false", "no", "n", "off", "0"})


def flag(value, key: str, *, unclear: bool, absent: bool | None = False,
         where: str | Path = "", line: int | None = None, then: str = ""):
    """A yes/no key's value as a bool: the one reading of every boolean key.

    `absent` is the answer for no value (None, or empty text). A value that
    is neither yes nor no (`ture`, `always`, a date, a list, 2) gets
    `unclear`, the caller's safe side (pinned: the file is kept; draft: the
    story stays hidden; deleted: the story is not brought back), and one
    warning naming `where` (a file), its `line` and the key.
    """
    if isinstance(value, bool):
        return value
    if value is None:
        return absent
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return value == 1
    elif isinstance(value, str):
        word = value.strip().lower()
        if not word:
            return absent
        if word in YES or word in NO:
            return word in YES
    shown = value if isinstance(value, str) else str(value)
    shown = shown if len(shown) <= 80 else shown[:80] + "..."
    place = f"{where}:{line}: " if where and line else (f"{where}: " if where else "")
    logger.warning("%s%s: %r is not true or false; %s", place, key, shown,
                   then or f"read as {'true' if unclear else 'false'}")
    return unclear


def read(path: str | Path) -> tuple[dict, str] | None:
    """(metadata, body) of a file with front matter, or None if it has none."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    parts = split(text)
    if parts is None:
        return None
    yaml_text, body, first_line = parts
    return load(yaml_text, path, first_line), body


def _double(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, with every
    # special character escaped.
    return json.dumps(value, ensure_ascii=False)


def _single(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _scalar(value, style: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "''"
    return _double(str(value)) if style == '"' else _single(str(value))


def dump(fields: list[tuple[str, object, str]]) -> str:
    """Write (key, value, quote style) triples as front matter text.

    Lists become block sequences. Raises ValueError if the text would not
    read back to the same values: a story file must never change meaning.
    """
    lines = [DELIMITER]
    for key, value, style in fields:
        if isinstance(value, (list, tuple)):
            lines.append(f"{key}:" if value else f"{key}: []")
            lines.extend(f"- {_scalar(item, style)}" for item in value)
        else:
            lines.append(f"{key}: {_scalar(value, style)}")
    lines.append(DELIMITER)
    text = "\n".join(lines) + "\n"
    loaded = yaml.load(text.split("\n", 1)[1].rsplit(DELIMITER, 1)[0], Loader=_Loader)  # noqa: S506
    for key, value, _ in fields:
        expected = list(value) if isinstance(value, tuple) else ("" if value is None else value)
        if loaded.get(key) != expected:
            raise ValueError(f"front matter field {key!r} would not read back unchanged")
    return text
