"""Shared helpers of the Terraform validators: the rendered root modules, the
terraform CLI configuration (provider mirror), and line numbers of blocks and
arguments in ``terraform fmt``-shaped HCL."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import Bundle

TF_DIR = "terraform"

#: Where a provider mirror is looked for when CODEPAL_TF_PLUGIN_MIRROR is unset
#: (the same places, in the same order, as scripts/setup-tools.sh).
MIRROR_CANDIDATES = (
    "/opt/tf-plugins",
    "/usr/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "{XDG_DATA_HOME}/terraform/plugins",
    "{HOME}/.terraform.d/plugins",
)


def tf_files(bundle: Bundle) -> dict[str, str]:
    """The environment's root module: ``terraform/<file>.tf`` -> text."""
    return {
        path: text
        for path, text in sorted(bundle.files.items())
        if path.startswith(TF_DIR + "/") and path.endswith(".tf")
    }


def find_mirror() -> Path | None:
    """A filesystem mirror holding hashicorp/aws, as scripts/setup-tools.sh finds it."""
    explicit = os.environ.get("CODEPAL_TF_PLUGIN_MIRROR")
    if explicit:
        return Path(explicit)
    home = os.environ.get("HOME", str(Path.home()))
    xdg = os.environ.get("XDG_DATA_HOME", f"{home}/.local/share")
    for candidate in MIRROR_CANDIDATES:
        folder = Path(candidate.format(HOME=home, XDG_DATA_HOME=xdg))
        if (folder / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
            return folder
    return None


def cli_config(project_root: Path, scratch: Path) -> Path | None:
    """The terraform CLI configuration to run with: CODEPAL_TF_CLI_CONFIG, else
    ``<root>/.tools/terraformrc`` (written by setup-tools.sh), else one written to
    ``scratch`` for an auto-detected provider mirror; None when there is no mirror."""
    explicit = os.environ.get("CODEPAL_TF_CLI_CONFIG")
    if explicit:
        return Path(explicit) if Path(explicit).is_file() else None
    tools = project_root / ".tools" / "terraformrc"
    if tools.is_file():
        return tools
    mirror = find_mirror()
    if mirror is None:
        return None
    path = scratch / "terraformrc"
    path.write_text(
        "disable_checkpoint = true\n\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {_hcl_string(str(mirror))}\n"
        '    include = ["registry.terraform.io/hashicorp/*"]\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    return path


def _hcl_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${") + '"'


def tool_env(config: Path | None) -> dict[str, str]:
    """Environment for terraform: offline, non-interactive, the given CLI config."""
    env = dict(os.environ)
    env.update({"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"})
    if config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(config)
    return env


_BLOCK = re.compile(
    r'^(?P<indent> *)(?P<name>[A-Za-z_][\w-]*)(?P<labels>(?: +"[^"]*"| +[A-Za-z_][\w-]*)*) *\{ *(?:\} *)?$'
)
_ATTR = re.compile(r"^(?P<indent> *)(?P<name>[A-Za-z_][\w-]*) *=(?!=)")
_LABEL = re.compile(r'"([^"]*)"|([A-Za-z_][\w-]*)')


@dataclass
class Node:
    """A block in the text: its type, labels, line, and its arguments' and child blocks' lines."""

    name: str
    labels: tuple[str, ...]
    line: int
    attributes: dict[str, int] = field(default_factory=dict)
    blocks: list[Node] = field(default_factory=list)

    def child(self, name: str, occurrence: int = 0, labels: tuple[str, ...] | None = None) -> Node | None:
        found = [b for b in self.blocks if b.name == name and (labels is None or b.labels == labels)]
        return found[occurrence] if occurrence < len(found) else None

    def line_of(self, name: str) -> int:
        if name in self.attributes:
            return self.attributes[name]
        block = self.child(name)
        return block.line if block else self.line


def outline(text: str) -> Node:
    """The block structure of fmt-shaped HCL, by indentation (children are indented
    two spaces more than their block; a block closes at ``}`` on its own indent)."""
    root = Node("", (), 0)
    stack: list[tuple[Node, int]] = [(root, -2)]
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "//")):
            continue
        indent = len(line) - len(line.lstrip(" "))
        parent, parent_indent = stack[-1]
        if stripped.startswith("}") and indent == parent_indent and len(stack) > 1:
            stack.pop()
            continue
        if indent != parent_indent + 2:
            continue  # inside a multi-line expression
        attr = _ATTR.match(line)
        if attr:
            parent.attributes.setdefault(attr.group("name"), number)
            continue
        block = _BLOCK.match(line)
        if block:
            labels = tuple(a or b for a, b in _LABEL.findall(block.group("labels")))
            node = Node(block.group("name"), labels, number)
            parent.blocks.append(node)
            if not stripped.endswith("}"):
                stack.append((node, indent))
    return root


def outlines(files: Mapping[str, str]) -> dict[str, Node]:
    return {path: outline(text) for path, text in files.items()}
