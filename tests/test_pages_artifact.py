"""What the documented deploys publish: `/.well-known/agent-skills/` reaches the host.

MkDocs leaves dot-folders out of a site's sources, so the discovery index exists only because
the plugin writes `site/.well-known/`. The Pages workflow hands `site/` to
`actions/upload-pages-artifact`, whose Linux step archives it with GNU tar; these tests run that
same tar command, with the same flags and excludes, on this repository's built site, and check
that the archive holds the index and every file it names, byte for byte. They also run
`mkdocs gh-deploy` against a local remote, the branch route, where GitHub runs Jekyll unless the
branch has a `.nojekyll`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import IN_CI, REPO, write_tree
from .test_build import GOOD
from .test_workflows import step_using, workflow

ACTION = "actions/upload-pages-artifact"
WELL_KNOWN = ".well-known/agent-skills"
HIDDEN = "--exclude=.[^/]*"  # what v4 always passes, and v5 unless include-hidden-files: true
# The tar arguments of the action's Linux step "Archive artifact", read from its action.yml at
# each major version's commit (https://github.com/actions/upload-pages-artifact):
#   v3 = v3.0.1, 56afc609e74202658d3ffba0e8f6dda462b719fa (no input about hidden files)
#   v4 = v4.0.0, 7b1f4a764d45c48632c6b24a0339c27f5614fb0b (adds HIDDEN, no way to turn it off)
#   v5 = v5.0.0, fc324d3547104276b827a68afc52ff2a11cc49c9 (HIDDEN unless the input is 'true')
# A bump to another major version fails `test_each_deploy_step_uses_a_version_these_tests_know`
# until its action.yml is read and its command added here.
RELEASES = {
    "v3": "56afc609e74202658d3ffba0e8f6dda462b719fa",
    "v4": "7b1f4a764d45c48632c6b24a0339c27f5614fb0b",
    "v5": "fc324d3547104276b827a68afc52ff2a11cc49c9",
}


def tar_arguments(version: str, inputs: dict[str, Any], site: Path, out: Path) -> list[str]:
    """The arguments the action's Linux step gives tar (after `tar`) for `path: site`."""
    if version not in RELEASES:
        raise KeyError(version)
    # an action's inputs are strings: YAML's `true` reaches the action as 'true'
    value = inputs.get("include-hidden-files", "false")
    given = str(value).lower() if isinstance(value, bool) else str(value)
    hidden = {"v3": False, "v4": True, "v5": given != "true"}
    return [
        "--dereference",
        "--hard-dereference",
        "--directory",
        str(site),
        "-cvf",
        str(out),
        "--exclude=.git",
        "--exclude=.github",
        *([HIDDEN] if hidden[version] else []),
        ".",
    ]


def gnu_tar() -> str:
    """GNU tar, as the action runs it (`tar` on Linux runners, `gtar` on macOS ones)."""
    for name in ("tar", "gtar"):
        found = shutil.which(name)
        if found:
            done = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)
            if "GNU tar" in done.stdout:
                return found
    message = "GNU tar is not on PATH (as tar or gtar): the Pages artifact is made with it"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")


def artifact(version: str, inputs: dict[str, Any], site: Path, tmp: Path) -> dict[str, bytes]:
    """Archive `site` as the action does; member name (without `./`) -> bytes of each file."""
    out = tmp / f"artifact-{version}.tar"
    done = subprocess.run(
        [gnu_tar(), *tar_arguments(version, inputs, site, out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    files: dict[str, bytes] = {}
    with tarfile.open(out) as archive:
        for member in archive.getmembers():
            if member.isfile():
                handle = archive.extractfile(member)
                assert handle is not None
                files[member.name.removeprefix("./")] = handle.read()
    return files


def pinned() -> tuple[str, dict[str, Any]]:
    """The version of upload-pages-artifact pages.yml uses, and the step's inputs."""
    step = step_using(workflow("pages.yml"), "build", ACTION)
    version = step["uses"].split("@", 1)[1]
    return version, dict(step.get("with") or {})


def documented_steps() -> list[tuple[str, str, dict[str, Any]]]:
    """(where, version, inputs) of every upload-pages-artifact step in a YAML block of the
    docs (an indented block is dedented; a block may be a workflow or a list of steps)."""
    found = []
    for path in sorted(REPO.joinpath("docs").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        for indent, block in re.findall(r"^( *)```yaml\n(.*?)^ *```", text, re.M | re.S):
            if ACTION not in block:
                continue
            lines = [line.removeprefix(indent) for line in block.splitlines()]
            data = yaml.safe_load(textwrap.dedent("\n".join(lines)))
            steps = (
                data
                if isinstance(data, list)
                else [
                    step for job in (data or {}).get("jobs", {}).values() for step in job["steps"]
                ]
            )
            for step in steps:
                if isinstance(step, dict) and step.get("uses", "").startswith(ACTION + "@"):
                    where = path.relative_to(REPO).as_posix()
                    found.append(
                        (where, step["uses"].split("@", 1)[1], dict(step.get("with") or {}))
                    )
    return found


def deploy_steps() -> list[tuple[str, str, dict[str, Any]]]:
    """The workflow's step, then the documented ones: each must publish the index."""
    version, inputs = pinned()
    return [(".github/workflows/pages.yml", version, inputs), *documented_steps()]


def site_files(site: Path) -> dict[str, bytes]:
    """Site-relative path -> bytes of every file of a built site."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


# --- the pinned version -----------------------------------------------------------------------


@pytest.mark.parametrize(("where", "version", "inputs"), deploy_steps(), ids=lambda v: str(v))
def test_each_deploy_step_uses_a_version_these_tests_know(
    where: str, version: str, inputs: dict[str, Any]
) -> None:
    assert version in RELEASES, (
        f"{where} uses {ACTION}@{version}: read its action.yml at that tag (the Linux step "
        f"'Archive artifact') and add its tar command to tar_arguments"
    )
    assert str(inputs["path"]).rstrip("/") == "site"


def test_the_docs_name_the_version_the_workflow_pins() -> None:
    """The guides' prose names the version pages.yml uses (YAML examples may show another,
    which `test_each_deploy_step_publishes_the_discovery_index_byte_for_byte` runs)."""
    version, _ = pinned()
    prose = {}
    for name in ("docs/guide/ci.md", "docs/guide/authoring.md"):
        text = re.sub(r"```yaml\n.*?```", "", (REPO / name).read_text(encoding="utf-8"), flags=re.S)
        prose[name] = set(re.findall(rf"{ACTION}@(v\d+)", text))
    assert prose == {"docs/guide/ci.md": {version}, "docs/guide/authoring.md": {version}}
    assert [v for _, v, _ in documented_steps()] == ["v5"]  # the example of a bump


@pytest.mark.parametrize(("where", "version", "inputs"), deploy_steps(), ids=lambda v: str(v))
def test_each_deploy_step_publishes_the_discovery_index_byte_for_byte(
    repo_site: Path, tmp_path: Path, where: str, version: str, inputs: dict[str, Any]
) -> None:
    archived = artifact(version, inputs, repo_site, tmp_path)
    served = site_files(repo_site)
    index_path = f"{WELL_KNOWN}/index.json"
    assert index_path in archived, f"{where}: {ACTION}@{version} leaves the index out"
    assert archived[index_path] == served[index_path]
    index = json.loads(archived[index_path])
    assert index["skills"]
    for entry in index["skills"]:
        data = archived[f"{WELL_KNOWN}/{entry['url']}"]
        assert entry["digest"] == "sha256:" + hashlib.sha256(data).hexdigest(), entry["name"]
    # every file of the site, the dot-folder's included, is in the archive as built
    assert archived == served


@pytest.mark.parametrize(
    ("version", "inputs"),
    [("v4", {}), ("v4", {"include-hidden-files": "true"}), ("v5", {})],
    ids=["v4", "v4-input-unknown", "v5-default"],
)
def test_later_versions_leave_the_dot_folder_out(
    repo_site: Path, tmp_path: Path, version: str, inputs: dict[str, Any]
) -> None:
    archived = artifact(version, inputs, repo_site, tmp_path)
    assert "index.html" in archived
    assert [name for name in archived if name.startswith(".")] == []


# --- the branch route: mkdocs gh-deploy -------------------------------------------------------


# git with a fixed identity and no user or system configuration
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_gh_deploy_pushes_the_dot_folder_and_nojekyll(tmp_path: Path) -> None:
    """`mkdocs gh-deploy` commits the whole site, `.well-known/` included, and a `.nojekyll`
    at the branch's root, so GitHub Pages serves the branch as it is, without Jekyll (which
    leaves dot-folders out)."""
    if shutil.which("git") is None:
        pytest.skip("`git` is not on PATH: mkdocs gh-deploy pushes with it")
    remote = tmp_path / "remote.git"
    _git("init", "--bare", "-q", str(remote), cwd=tmp_path)
    root = write_tree(tmp_path / "kb", GOOD)
    _git("init", "-q", "-b", "main", cwd=root)
    _git("add", ".", cwd=root)
    _git("commit", "-q", "-m", "kb", cwd=root)
    _git("remote", "add", "origin", str(remote), cwd=root)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "gh-deploy", "--force", "--ignore-version"],
        cwd=root,
        env={**os.environ, **GIT_ENV, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    tree = set(_git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split())
    assert ".nojekyll" in tree
    index = _git("show", f"gh-pages:{WELL_KNOWN}/index.json", cwd=remote)
    built = site_files(root / "site")
    assert index.encode() == built[f"{WELL_KNOWN}/index.json"]
    for entry in json.loads(index)["skills"]:
        assert f"{WELL_KNOWN}/{entry['url']}" in tree
    assert {p for p in built if p.startswith(".well-known/")} <= tree
