"""What one build leaves for the next: `.cache/explainer/` (git-ignored, safe to delete).

- `state.json`: the stamps (size, mtime, inode) of every input file and of the generator's own
  code, the options, and a digest of every output file. When nothing differs, `build` has
  nothing to do and says so; and an output file whose digest is unchanged is linked into the
  next output instead of being written again.
- `markdown.marshal`: every text's HTML by a digest of the text, so a rebuild in a new process
  converts only the texts that changed. marshal holds plain data only, so a tampered file
  cannot run code; a corrupt or stale file is ignored.
- `templates/`: compiled templates (jinja2's own cache, checked against each template's source).

This module imports nothing heavy: the no-change check runs before jinja2, Markdown or
pydantic are loaded.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".cache") / "explainer"
FORMAT = 2  # (2: markers start with markers.MARK)
MARKDOWN_FILE = "markdown.marshal"  # converted texts (see the module docstring)
_CODE = Path(__file__).resolve().parent


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def stamps(*folders: Path) -> dict[str, list[int]]:
    """Size, mtime and inode of every file below the folders (and of this package's code)."""
    found: dict[str, list[int]] = {}
    for folder in (*folders, _CODE):
        stack = [str(folder)]
        while stack:
            try:
                entries = list(os.scandir(stack.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                else:
                    try:
                        status = entry.stat()
                    except OSError:
                        continue
                    found[entry.path] = [status.st_size, status.st_mtime_ns, status.st_ino]
    return found


def _outputs_intact(out: Path, outputs: dict[str, list[Any]]) -> bool:
    """Every file the last build wrote is still there, unchanged in size and mtime."""
    present = 0
    for _folder, _subfolders, files in os.walk(out):
        present += len(files)
    if present != len(outputs):
        return False
    for path, (size, mtime, _) in outputs.items():
        try:
            status = os.stat(out / path)
        except OSError:
            return False
        if status.st_size != size or status.st_mtime_ns != mtime:
            return False
    return True


class BuildState:
    """The state file: read at the start of a build, written after a successful one."""

    def __init__(self, root: Path = Path(".")):
        self.folder = root / CACHE_DIR
        self.data: dict[str, Any] = {}
        try:
            loaded = json.loads((self.folder / "state.json").read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("format") == FORMAT:
                self.data = loaded
        except (OSError, ValueError):
            pass

    def unchanged(
        self, options: dict[str, Any], inputs: dict[str, list[int]], out: Path
    ) -> dict[str, Any] | None:
        """The last build's summary when inputs, options and output are exactly as it left them."""
        if not self.data or self.data.get("options") != options or self.data.get("inputs") != inputs:
            return None
        return self.data.get("summary") if _outputs_intact(out, self.data.get("outputs", {})) else None

    def outputs(self) -> dict[str, list[Any]]:
        """[size, mtime, digest] of each file the last build wrote, by output path."""
        outputs: dict[str, list[Any]] = self.data.get("outputs", {})
        return outputs

    def save(
        self,
        options: dict[str, Any],
        inputs: dict[str, list[int]],
        out: Path,
        digests: dict[str, str],
        summary: dict[str, Any],
    ) -> None:
        outputs = {}
        for path, file_digest in digests.items():
            status = os.stat(os.path.join(out, path))  # (no Path per file: 12,000 at 10,000 events)
            outputs[path] = [status.st_size, status.st_mtime_ns, file_digest]
        data = {
            "format": FORMAT,
            "options": options,
            "inputs": inputs,
            "outputs": outputs,
            "summary": summary,
        }
        self._write("state.json", json.dumps(data, separators=(",", ":")).encode("utf-8"))

    def compiled_templates(self) -> Path | None:
        """Where jinja2 keeps compiled templates (it checks them against the source itself)."""
        folder = self.folder / "templates"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return folder

    def has_markdown(self) -> bool:
        """Whether an earlier build kept converted texts."""
        return (self.folder / MARKDOWN_FILE).is_file()

    def load_markdown(self, signature: str) -> dict[tuple[str, str, bool], str]:
        """Converted texts by (text digest, id prefix, inline), if made with the same glossary."""
        try:
            stored = marshal.loads((self.folder / MARKDOWN_FILE).read_bytes())
            if (
                isinstance(stored, dict)
                and stored.get("format") == FORMAT
                and stored.get("signature") == signature
            ):
                return stored["texts"]
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            pass
        return {}

    def save_markdown(self, signature: str, texts: dict[tuple[str, str, bool], str]) -> None:
        self._write(MARKDOWN_FILE, marshal.dumps({"format": FORMAT, "signature": signature, "texts": texts}))

    def _write(self, name: str, data: bytes) -> None:
        """Atomically, and never fatally: a cache that cannot be written is only a slower build."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{name}.{os.getpid()}"
            temporary.write_bytes(data)
            os.replace(temporary, self.folder / name)
        except OSError:
            pass
