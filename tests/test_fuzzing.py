"""Property-based tests: mutated content and random YAML give a located error or a good build,
never a traceback and never a hang."""

from __future__ import annotations

import re
import shutil
import signal
from pathlib import Path

import pytest
import yaml
from conftest import REPO, Project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer import yamllines

LOCATED = re.compile(r"^(site_src|templates)/[^:]+:\d+: .+")
SAMPLE_FILES = [
    "events/doha-round.md",
    "actors/hamas.md",
    "phases/phase-1.md",
    "sticking_points/bridging-proposal.md",
    "pages/about.md",
    "quotes.yaml",
    "sources.yaml",
    "glossary.yaml",
    "site.yaml",
]
FUZZ = settings(  # (each example checks the whole site: Markdown alone gets thousands in test_markdown)
    max_examples=20,
    deadline=None,  # slow machines vary; a real hang is caught by the alarm in check_outcome
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")  # (rendered with the default templates)


class Hang(Exception):
    pass


def _hang(signum: int, frame: object) -> None:
    raise Hang("check did not finish within 60 s")


def check_outcome(project: Project) -> None:
    """`check` must end in success, or in located errors: nothing else, and never hang."""
    if not hasattr(signal, "SIGALRM"):  # (Windows: no alarm; a hang then stops the run)
        run = project.cli("check")
    else:
        previous = signal.signal(signal.SIGALRM, _hang)
        signal.alarm(60)
        try:
            run = project.cli("check")
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    if run.code == 0:
        return
    assert run.code == 1, run.err
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert lines[-1].endswith("found; nothing was written.")
    for line in lines[:-1]:
        assert LOCATED.match(line), line


def fresh(root: Path) -> Project:
    if (root / "site_src").exists():
        shutil.rmtree(root / "site_src")
    shutil.copytree(REPO / "site_src", root / "site_src")
    return Project(root)


YAML_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2024",
            "2024-13-01",
            "yes",
            "~",
            "*alias",
            "&anchor x",
            "!!binary aGk=",
            "[",
            "{",
            ":",
            "- x",
            "'",
            '"',
        ]
    ),
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@FUZZ
@given(file=st.sampled_from(SAMPLE_FILES), data=st.data())
def test_mutated_content_files(fuzz_root: Path, file: str, data: st.DataObject) -> None:
    project = fresh(fuzz_root)
    path = project.src / file
    lines = path.read_text(encoding="utf-8").split("\n")
    mutation = data.draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "bytes", "truncate"]))
    index = data.draw(st.integers(0, len(lines) - 1))
    if mutation == "delete":
        del lines[index]
    elif mutation == "duplicate":
        lines.insert(index, lines[index])
    elif mutation == "replace":
        key = lines[index].split(":", 1)[0] if ":" in lines[index] else "title"
        value = yaml.safe_dump(data.draw(YAML_VALUES), default_flow_style=True).strip().replace("\n", " ")
        lines[index] = f"{key}: {value}"
    elif mutation == "insert":
        lines.insert(index, data.draw(st.text(max_size=40)))
    elif mutation == "truncate":
        lines = lines[:index]
    if mutation == "bytes":
        raw = bytearray("\n".join(lines).encode("utf-8"))
        position = data.draw(st.integers(0, max(0, len(raw) - 1)))
        raw[position : position + 1] = data.draw(st.binary(min_size=1, max_size=3))
        path.write_bytes(bytes(raw))
    else:
        path.write_text("\n".join(lines), encoding="utf-8")
    check_outcome(project)


@FUZZ
@given(
    value=YAML_VALUES, target=st.sampled_from(["quotes.yaml", "sources.yaml", "glossary.yaml", "site.yaml"])
)
def test_random_yaml_in_a_data_file(fuzz_root: Path, value: object, target: str) -> None:
    project = fresh(fuzz_root)
    (project.src / target).write_text(yaml.safe_dump(value), encoding="utf-8")
    check_outcome(project)


@FUZZ
@given(front=YAML_VALUES, body=st.text(max_size=300))
def test_random_front_matter_and_body(fuzz_root: Path, front: object, body: str) -> None:
    project = fresh(fuzz_root)
    (project.src / "events/fuzzed.md").write_text(
        f"---\n{yaml.safe_dump(front)}---\n{body}", encoding="utf-8"
    )
    check_outcome(project)


@FUZZ
@given(body=st.text(alphabet=st.sampled_from(list("[]@:|*_`#>-!()<>&;\n\t abc12")), max_size=400))
def test_random_markdown_syntax_in_a_body(fuzz_root: Path, body: str) -> None:
    project = fresh(fuzz_root)
    path = project.src / "events/doha-round.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")
    check_outcome(project)


def test_deep_nesting_is_an_error_not_a_crash(fuzz_root: Path) -> None:
    project = fresh(fuzz_root)
    project.write("events/deep.md", "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n")
    project.write(
        "events/deep-body.md",
        "---\ntitle: t\ndate: 2024\nsources: [ap-2024-08-19]\n---\n" + "> " * 3000 + "x\n",
    )
    check_outcome(project)


TAGGED = st.sampled_from(
    [
        "!!int 12",
        "!!str 12",
        "!!float 1",
        "!!null ''",
        "!!bool true",
        "!!set {a, b}",
        "{<<: {m: 1}, n: 2}",
        "!!omap [o: 1]",
    ]
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    value=st.recursive(
        st.one_of(YAML_SCALARS, st.integers(), st.booleans(), st.none()),
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
        ),
        max_leaves=12,
    ),
    flow=st.sampled_from([False, True, None]),
    tagged=st.lists(TAGGED, max_size=2),
)
def test_content_yaml_is_read_as_pyyaml_reads_it(value: object, flow: bool | None, tagged: list[str]) -> None:
    """yamllines.parse_yaml builds most values itself while it notes their lines: the value is
    what PyYAML's own loader (ours, with its YAML 1.2-like scalars) makes of the text."""
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    if value and isinstance(value, dict) and flow is False:  # (a block mapping, to add keys to)
        text += "".join(f"tagged{index}: {each}\n" for index, each in enumerate(tagged))
    assert yamllines.parse_yaml(text, 1)[0] == yaml.load(text, Loader=yamllines._ContentLoader)
