"""Stage 1, load: read every file of `site_src/` into records that remember where each value was.

Nothing here knows what a valid event looks like (that is `validate`); this stage only turns
bytes into mappings and keeps, for every key and list item, the line it came from, so that any
later stage can point an editor at the exact line. The YAML itself, with those lines, is read
by `yamllines`; here are the files around it: which exist, their encoding, front matter and shape.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ContentError, Location, did_you_mean, display_path
from .kinds import KINDS, Kind
from .yamllines import FileProblem, KeyPath, parse_yaml

# Marker characters the renderer uses inside HTML (see markers.py); content may never contain them.
RESERVED_CHARS = re.compile("[\ue000-\ue00f]")


SITE_FILE = "site.yaml"
BY_FOLDER = {kind.folder: kind for kind in KINDS.values() if kind.folder}
BY_LIST_FILE = {kind.list_file: kind for kind in KINDS.values() if kind.list_file}
KNOWN_TOP_LEVEL = [SITE_FILE, *BY_LIST_FILE, *BY_FOLDER]


@dataclass
class Record:
    """One content item as read: its mapping, its body, and the line of every key and item."""

    kind: str
    file: str  # display path, e.g. site_src/events/doha-talks.md
    line: int  # where the item starts
    data: dict[str, Any]
    lines: dict[KeyPath, int] = field(default_factory=dict)
    text_lines: dict[KeyPath, int] = field(default_factory=dict)
    id: str | None = None  # from the file name for folder kinds; validated later
    body: str | None = None
    body_line: int = 0
    fingerprint: str = ""  # changes whenever anything above changes: the key for caches

    def __post_init__(self) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(
                repr(
                    (
                        self.kind,
                        self.file,
                        self.line,
                        self.data,
                        self.lines,
                        self.text_lines,
                        self.id,
                        self.body,
                        self.body_line,
                    )
                )
            )

    def line_at(self, path: KeyPath) -> int:
        """Line of the deepest part of `path` that exists (a missing key points at its parent)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return self.line

    def at(self, path: KeyPath = ()) -> Location:
        return Location(self.file, self.line_at(path))

    def text_at(self, path: KeyPath, offset: int = 0) -> Location:
        """Location of a line inside a text value (the body when path is empty)."""
        if not path:
            return Location(self.file, self.body_line + offset)
        start = self.text_lines.get(path, self.line_at(path))
        return Location(self.file, start + offset)


@dataclass
class Loaded:
    """Everything read from site_src, and every problem met while reading."""

    records: list[Record] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    files_read: int = 0  # files actually read (the others came from the cache)
    unavailable: set[str] = field(default_factory=set)  # kinds whose whole list file failed


FileStamp = tuple[int, int, int]


@dataclass
class FileCache:
    """What each file gave last time, by path, while its size, mtime and inode stay the same."""

    entries: dict[str, tuple[FileStamp, list[Record], list[ContentError]]] = field(default_factory=dict)


def fingerprint(text: str | bytes) -> str:
    """A short, stable digest (the same in every process, unlike hash())."""
    return hashlib.blake2b(text.encode() if isinstance(text, str) else text, digest_size=12).hexdigest()


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text with any BOM removed and line endings made '\\n'; raises FileProblem."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        bad = raw[error.start : error.start + 1].hex().upper()
        raise FileProblem(
            line, f"the file is not UTF-8 (byte 0x{bad} cannot be read); save it as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text if text.isascii() else RESERVED_CHARS.sub("", text)  # (they are not ASCII)


_FENCE = "---"


def split_front_matter(text: str, label: str) -> tuple[str, int, str, int]:
    """Split '---\\nYAML\\n---\\nbody' into (yaml, yaml's first line, body, body's first line)."""
    lines = text.split("\n")
    if not text.strip():
        raise FileProblem(1, f"the file is empty; a {label} starts with fields between two '---' lines")
    if lines[0].rstrip() != _FENCE:
        raise FileProblem(
            1,
            f"missing front matter: a {label} file starts with a '---' line, then its fields "
            "(key: value), then another '---' line, then the Markdown text",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() == _FENCE:
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return front, 2, body, index + 2
    raise FileProblem(1, "the front matter is not closed: add a '---' line after the fields")


def load_markdown_file(path: Path, file: str, collection: Kind) -> list[Record]:
    """One item per file: YAML front matter plus a Markdown body; the id is the file name."""
    raw = path.read_bytes()
    text = decode(raw, file)
    front, front_line, body, body_line = split_front_matter(text, collection.label)
    data, lines, text_lines = parse_yaml(front, front_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FileProblem(
            front_line, "the front matter must be fields (key: value lines), not a list or text"
        )
    return [
        Record(
            kind=collection.name,
            file=file,
            line=1,
            data=data,
            lines=lines,
            text_lines=text_lines,
            id=path.stem,
            body=body,
            body_line=body_line,
            fingerprint=fingerprint(file.encode() + b"\0" + raw),
        )
    ]


def load_list_file(path: Path, file: str, collection: Kind) -> tuple[list[Record], list[ContentError]]:
    """A YAML list of mappings, one item each; ids come from each item's `id` field.

    An item that is not a mapping is an error of its own; the other items still load.
    """
    text = decode(path.read_bytes(), file)
    if not text.strip():
        raise FileProblem(1, f"the file is empty; it should be a list of {collection.label}s")
    data, lines, text_lines = parse_yaml(text, 1)
    if not isinstance(data, list):
        raise FileProblem(
            1, f"this file should be a list of {collection.label}s, each item starting with '- id:'"
        )
    records: list[Record] = []
    errors: list[ContentError] = []
    item_lines, item_text_lines = _by_item(lines), _by_item(text_lines)
    for index, item in enumerate(data):
        item_line = lines.get((index,), 1)
        if not isinstance(item, dict):
            message = f"each {collection.label} should be fields (id: ..., ...), not a value"
            errors.append(ContentError(Location(file, item_line), message))
            continue
        records.append(
            Record(
                kind=collection.name,
                file=file,
                line=item_line,
                data=item,
                lines=item_lines.get(index, {}),
                text_lines=item_text_lines.get(index, {}),
                id=item.get("id") if isinstance(item.get("id"), str) else None,
            )
        )
    return records, errors


def load_site_file(path: Path, file: str) -> list[Record]:
    raw = path.read_bytes()
    text = decode(raw, file)
    if not text.strip():
        raise FileProblem(1, "site.yaml is empty; it needs title, description, language, base_url and as_of")
    data, lines, text_lines = parse_yaml(text, 1)
    if not isinstance(data, dict):
        raise FileProblem(1, "site.yaml must be fields (key: value lines), not a list or text")
    return [Record("site", file, 1, data, lines, text_lines, id="site", fingerprint=fingerprint(raw))]


def _by_item(lines: dict[KeyPath, int]) -> dict[int, dict[KeyPath, int]]:
    """The lines of a list file split by item, each keyed by its path inside the item (one
    pass: going over every line once per item would be quadratic in the file's length)."""
    items: dict[int, dict[KeyPath, int]] = {}
    for path, line in lines.items():
        if path and isinstance(path[0], int):
            items.setdefault(path[0], {})[path[1:]] = line
    return items


def _is_ignored(name: str) -> bool:
    """Editor droppings and hidden files are not content."""
    return name.startswith(".") or name.endswith("~") or name.startswith("#")


def content_files(src: Path) -> tuple[list[tuple[str, Kind | None]], list[ContentError]]:
    """Every content file under src with its collection (None for site.yaml), sorted; paths
    are plain strings, as they are built ten thousand times for large sites.

    Unknown files and folders are errors (a misspelt `event/` folder would otherwise be silently
    skipped), and so is any link that leads outside site_src.
    """
    found: list[tuple[str, Kind | None]] = []
    errors: list[ContentError] = []
    root = src.resolve()

    def outside(path: Path) -> bool:
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            errors.append(
                ContentError(
                    Location(display_path(path), 1),
                    "this link points outside site_src; copy the file into site_src instead",
                )
            )
            return True
        return False

    for entry in sorted(src.iterdir()):
        if _is_ignored(entry.name) or outside(entry):
            continue
        if entry.is_dir() and entry.name in BY_FOLDER:
            collection = BY_FOLDER[entry.name]
            # scandir: one directory read gives names and types, no call per file (fast at 10k)
            for dir_entry in sorted(os.scandir(entry), key=lambda e: e.name):
                if _is_ignored(dir_entry.name) or (dir_entry.is_symlink() and outside(Path(dir_entry.path))):
                    continue
                if dir_entry.is_file() and dir_entry.name.endswith(".md"):
                    found.append((dir_entry.path, collection))
                else:
                    item = Path(dir_entry.path)
                    errors.append(
                        ContentError(
                            Location(display_path(item), 1),
                            f"unexpected {'folder' if item.is_dir() else 'file'} in "
                            f"{entry.name}/: each {collection.label} is one .md file",
                        )
                    )
        elif entry.is_file() and entry.name in BY_LIST_FILE:
            found.append((str(entry), BY_LIST_FILE[entry.name]))
        elif entry.is_file() and entry.name == SITE_FILE:
            found.append((str(entry), None))
        else:
            name = entry.name + ("/" if entry.is_dir() else "")
            errors.append(
                ContentError(
                    Location(display_path(entry), 1),
                    f"unknown {'folder' if entry.is_dir() else 'file'} '{name}'"
                    f"{did_you_mean(entry.name, KNOWN_TOP_LEVEL)}; site_src holds "
                    + ", ".join(KNOWN_TOP_LEVEL),
                )
            )
    if not (src / SITE_FILE).is_file():
        errors.append(
            ContentError(
                Location(display_path(src / SITE_FILE), 1),
                "site.yaml is missing; create it with title, description, language, base_url and as_of",
            )
        )
    return found, errors


def load_file(path: Path, collection: Kind | None) -> tuple[list[Record], list[ContentError]]:
    """Read one file; its problems come back as located errors, never as exceptions."""
    file = display_path(path)
    try:
        if collection is None:
            return load_site_file(path, file), []
        if collection.folder:
            return load_markdown_file(path, file, collection), []
        return load_list_file(path, file, collection)
    except FileProblem as problem:
        return [], [ContentError(Location(file, problem.line), problem.message)]
    except OSError as error:
        return [], [ContentError(Location(file, 1), f"cannot read the file: {error.strerror}")]


def load(src: Path, cache: FileCache | None = None) -> Loaded:
    """Read all of site_src; every unreadable file is reported, the rest still loaded.

    With a cache, a file whose size, mtime and inode are unchanged is not read again.
    """
    cache = cache if cache is not None else FileCache()
    loaded = Loaded()
    if not src.is_dir():
        loaded.errors.append(
            ContentError(
                Location(display_path(src), 1),
                "the content folder does not exist; run the command where site_src/ is, or pass --src",
            )
        )
        return loaded
    files, loaded.errors = content_files(src)
    seen: dict[str, tuple[FileStamp, list[Record], list[ContentError]]] = {}
    for path, collection in files:
        try:
            status = os.stat(path)
            stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
        except OSError:
            stamp = (0, 0, 0)
        entry = cache.entries.get(path)
        if entry is None or entry[0] != stamp or stamp == (0, 0, 0):
            entry = (stamp, *load_file(Path(path), collection))
            loaded.files_read += 1
        seen[path] = entry
        loaded.records.extend(entry[1])
        loaded.errors.extend(entry[2])
        if collection is not None and collection.list_file and entry[2] and not entry[1]:
            loaded.unavailable.add(collection.name)
    cache.entries = seen
    return loaded
