"""Environment files through the real CLI: bad ones get one clear message each, exit 2, no
traceback and out/ untouched; good ones (examples/good/) render.

Each folder under examples/bad/ holds environment files to add to a copy of the
project (the broken one is ``bad``) and ``expected.txt``, the exact stderr.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import Run
from .helpers import tree_state

EXAMPLES = Path(__file__).parent / "examples" / "bad"
CASES = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_at_its_position(case: str, project: Path, run: Run) -> None:
    assert run("-C", project, "render", "--all").code == 0
    before = tree_state(project / "out")
    for source in (EXAMPLES / case / "environments").iterdir():
        shutil.copy(source, project / "environments" / source.name)

    result = run("-C", project, "render", "--all")

    assert result.code == 2
    assert result.err == (EXAMPLES / case / "expected.txt").read_text(encoding="utf-8")
    assert "Traceback" not in result.err
    assert result.out == ""
    assert tree_state(project / "out") == before


@pytest.mark.parametrize("command", ["check", "validate"])
def test_every_command_reports_bad_input_the_same_way(command: str, project: Path, run: Run) -> None:
    shutil.copy(EXAMPLES / "wrong-type" / "environments" / "bad.yaml", project / "environments" / "bad.yaml")
    result = run("-C", project, command, "bad")
    assert result.code == 2
    assert result.err == (EXAMPLES / "wrong-type" / "expected.txt").read_text(encoding="utf-8")


def test_problems_of_all_environments_are_reported_together(project: Path, run: Run) -> None:
    (project / "environments" / "one.yaml").write_text("extends: prod\nscale: 3\n", encoding="utf-8")
    (project / "environments" / "two.yaml").write_text("extends: prod\nhosts:\n  app: -bad-\n", encoding="utf-8")
    result = run("-C", project, "render", "--all")
    assert result.code == 2
    assert result.err.splitlines() == [
        "environments/one.yaml:2:1: scale: expected a number at most 1, got 3",
        "environments/two.yaml:3:3: hosts.app: expected a DNS host name, got '-bad-'",
    ]


def test_a_problem_in_a_shared_parent_points_at_the_parent(project: Path, run: Run) -> None:
    base = project / "environments" / "_base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("owner: devops-team", "owner: [devops]"), encoding="utf-8")
    line = next(i for i, text in enumerate(base.read_text(encoding="utf-8").splitlines(), 1) if "owner:" in text)
    result = run("-C", project, "render", "--all")
    assert result.code == 2
    assert result.err == f'environments/_base.yaml:{line}:3: project.owner: expected string, got ["devops"]\n'


def test_unknown_environment_is_a_usage_error(project: Path, run: Run) -> None:
    result = run("-C", project, "render", "nowhere")
    assert result.code == 2
    assert result.err == "codepal-gen: error: unknown environment 'nowhere'; available: dev, prod, staging\n"


GOOD = Path(__file__).parent / "examples" / "good"


@pytest.mark.parametrize("case", sorted(p.name for p in GOOD.iterdir() if p.is_dir()))
def test_good_input_renders(case: str, project: Path, run: Run, tmp_path: Path) -> None:
    """Each folder under examples/good/ adds environment ``good``; expected.txt lists
    ``<output path>: <text that file must contain>``."""
    for source in (GOOD / case / "environments").iterdir():
        shutil.copy(source, project / "environments" / source.name)
    result = run("-C", project, "render", "good", "-o", tmp_path / "out")
    assert result.code == 0, result.err
    for line in (GOOD / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        path, _, text = line.partition(": ")
        assert text in (tmp_path / "out" / "good" / path).read_text(encoding="utf-8"), line
