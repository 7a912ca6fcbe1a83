"""Every shell command in docs/*.md runs, against a scratch installation.

A fenced block is shell when its language is ``sh``; every fence names its language (``text``
for output and synopses), so a command cannot hide in an unlabelled block. A block that
cannot run here (root, systemd, the network, a terminal) has the line
``<!-- docs-test: not-run (why) -->`` right above its fence: the test reports it as
skipped with that reason. Any other ``sh`` block must exit 0.

The scratch installation: the system paths of docs/deployment.md (``/etc/pressbox``,
``/var/lib/pressbox``, ``/var/backups/pressbox``) moved under a temporary root, this
checkout standing for ``/opt/pressbox``, the service account's HOME ``/var/lib/pressbox``
with the XDG directories under it, and this venv's ``bin`` (its ``pressbox``) first on
``PATH``. The blocks run in order (deployment.md, operations.md, then the others) in one
scratch installation, each in a fresh ``bash -euo pipefail`` that starts with the
environment the previous block left.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The install steps first: the other documents run in the installation they built.
FIRST = ("deployment.md", "operations.md")
DOCS = sorted(
    (ROOT / "docs").glob("*.md"),
    key=lambda p: (p.name not in FIRST, FIRST.index(p.name) if p.name in FIRST else 0, p.name),
)
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[^`\s]*)\s*$")
NOT_RUN = re.compile(r"^\s*<!-- docs-test: not-run \((?P<why>[^)]+)\) -->\s*$")
SHELL_NAMES = {"bash", "shell", "console", "zsh"}
SYSTEM_PATHS = ("/etc/pressbox", "/var/lib/pressbox", "/var/backups/pressbox")
# What the docs' `read -rs NEW_ODDS_API_KEY` would have read.
FAKE_ODDS_KEY = "docs-test-odds-key-0123456789"  # pragma: allowlist secret


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int
    lang: str
    text: str
    not_run: str | None

    @property
    def name(self) -> str:
        return f"{self.doc.name}:{self.line}"


def blocks_of(doc: Path) -> list[Block]:
    lines = doc.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent = opening["indent"]
        end = i + 1
        while end < len(lines) and not re.match(rf"^{indent}```\s*$", lines[end]):
            end += 1
        body = "\n".join(line.removeprefix(indent) for line in lines[i + 1 : end])
        marker = NOT_RUN.match(lines[i - 1]) if i > 0 else None
        found.append(Block(doc, i + 1, opening["lang"], body, marker["why"] if marker else None))
        i = end + 1
    return found


ALL_BLOCKS = [block for doc in DOCS for block in blocks_of(doc)]
SHELL_BLOCKS = [block for block in ALL_BLOCKS if block.lang == "sh"]


def test_every_fence_names_its_language() -> None:
    unlabelled = [b.name for b in ALL_BLOCKS if not b.lang]
    assert unlabelled == [], "label these fences (sh, text, ini, toml, json ...)"
    other_shells = [b.name for b in ALL_BLOCKS if b.lang in SHELL_NAMES]
    assert other_shells == [], "shell commands go in ```sh blocks (the ones the test runs)"


def test_the_docs_hold_runnable_commands() -> None:
    """The test cannot pass by running nothing: the operator docs' commands are runnable."""
    runnable = {b.doc.name for b in SHELL_BLOCKS if b.not_run is None}
    assert {"deployment.md", "operations.md"} <= runnable


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scratch installation every block runs in (each builds on the ones before)."""
    return tmp_path_factory.mktemp("installation")


def _localised(text: str, root: Path) -> str:
    for path in SYSTEM_PATHS:
        text = text.replace(path, f"{root}{path}")
    return text.replace("/opt/pressbox", str(ROOT))


def _run(block: Block, root: Path) -> subprocess.CompletedProcess[str]:
    home = root / "var/lib/pressbox"
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    state = root / "environment.sh"
    if not state.exists():
        env = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "NEW_ODDS_API_KEY": FAKE_ODDS_KEY,
            "PRESSBOX_DEMO__FAULT_EVERY": "0",
            "LANG": "C.UTF-8",
        }
        state.write_text("".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items()))
    script = (
        f". {shlex.quote(str(state))}\n"
        f"cd {shlex.quote(str(home))}\n"
        "set -euo pipefail\n"
        f"{_localised(block.text, root)}\n"
        f"export -p > {shlex.quote(str(state))}\n"
    )
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=lambda b: b.name)
def test_doc_command_block_runs(block: Block, scratch: Path) -> None:
    if block.not_run is not None:
        pytest.skip(f"not run: {block.not_run}")
    result = _run(block, scratch)
    assert result.returncode == 0, (
        f"{block.name} failed (exit {result.returncode}):\n{block.text}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    assert FAKE_ODDS_KEY not in result.stdout + result.stderr


def test_a_failing_command_fails_the_check(tmp_path: Path) -> None:
    """The runner reports a failing block (it does not swallow exit codes in a pipeline)."""
    doc = tmp_path / "bad.md"
    doc.write_text("```sh\npressbox db check --db /nonexistent/x.db | cat\necho after\n```\n")
    (block,) = blocks_of(doc)
    result = _run(block, tmp_path / "root")
    assert result.returncode != 0 and "after" not in result.stdout
    assert os.path.exists(tmp_path / "root" / "var/lib/pressbox")
