"""uv.lock, from which the workflow installs, must say what pyproject.toml
says: the same requirements and extras, a locked version inside every
range, and a hash for every file. A pyproject edit without `uv lock`
fails here."""

from __future__ import annotations

import tomllib

from conftest import ROOT
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "uv.lock"


def _declared(pyproject: dict) -> set[tuple]:
    """Every requirement of pyproject.toml, as (name, extras, specifier, marker)."""
    project = pyproject["project"]
    found = set()
    lists = [(None, project["dependencies"])] + list(project.get("optional-dependencies", {}).items())
    for extra, requirements in lists:
        for line in requirements:
            req = Requirement(line)
            marker = str(req.marker) if req.marker else ""
            if extra:
                marker = f'({marker}) and extra == "{extra}"' if marker else f'extra == "{extra}"'
            found.add(_key(req.name, req.extras, str(req.specifier), marker))
    return found


def _locked(lock: dict, name: str) -> set[tuple]:
    """The requirements uv.lock recorded for the project `name`."""
    (project,) = [p for p in lock["package"] if p["name"] == name]
    return {_key(r["name"], r.get("extras", ()), r.get("specifier", ""), r.get("marker", ""))
            for r in project["metadata"]["requires-dist"]}


def _key(name, extras, specifier, marker) -> tuple:
    return (canonicalize_name(name), tuple(sorted(extras)), str(SpecifierSet(specifier)),
            str(Marker(marker)) if marker else "")


def disagreements(pyproject: dict, lock: dict) -> list[str]:
    name = canonicalize_name(pyproject["project"]["name"])
    declared, locked = _declared(pyproject), _locked(lock, name)
    problems = [f"in pyproject.toml, not in uv.lock: {r}" for r in sorted(declared - locked)]
    problems += [f"in uv.lock, not in pyproject.toml: {r}" for r in sorted(locked - declared)]
    if lock.get("requires-python") != pyproject["project"].get("requires-python"):
        problems.append(f"requires-python: uv.lock {lock.get('requires-python')!r}, "
                        f"pyproject.toml {pyproject['project'].get('requires-python')!r}")
    versions = {}
    for package in lock["package"]:
        if "version" in package:  # the project itself has a dynamic version
            versions.setdefault(canonicalize_name(package["name"]), []).append(Version(package["version"]))
    for req_name, _, specifier, _ in declared:
        if req_name == name:
            continue
        if not any(v in SpecifierSet(specifier) for v in versions.get(req_name, [])):
            problems.append(f"{req_name}: no locked version in {specifier!r}")
    return problems


def _read():
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8")), tomllib.loads(LOCK.read_text(encoding="utf-8"))


def test_the_lock_says_what_pyproject_says():
    pyproject, lock = _read()
    assert disagreements(pyproject, lock) == [], "run `uv lock` and commit uv.lock with pyproject.toml"


def test_a_pyproject_edit_without_relocking_is_caught():
    pyproject, lock = _read()
    deps = pyproject["project"]["dependencies"]
    deps[:] = ["pelican>=4.13,<4.14" if d.startswith("pelican>") else d for d in deps]
    pyproject["project"]["optional-dependencies"]["ko"].append("hangul-utils>=0.2")
    found = disagreements(pyproject, lock)
    assert any("pelican" in p and "not in uv.lock" in p for p in found)
    assert any("pelican: no locked version" in p for p in found)
    assert any("hangul-utils" in p for p in found)


def test_pelican_is_bounded_below_its_next_minor_release():
    pyproject, lock = _read()
    (line,) = [d for d in pyproject["project"]["dependencies"] if canonicalize_name(Requirement(d).name) == "pelican"]
    (locked,) = [Version(p["version"]) for p in lock["package"] if p["name"] == "pelican"]
    specifier = Requirement(line).specifier
    assert locked in specifier
    assert Version(f"{locked.major}.{locked.minor + 1}.0") not in specifier


def test_every_locked_file_has_a_hash():
    _, lock = _read()
    unhashed = []
    for package in lock["package"]:
        if "registry" not in package.get("source", {}):
            continue  # the project itself
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files, package["name"]
        unhashed += [f["url"] for f in files if not str(f.get("hash", "")).startswith("sha256:")]
    assert unhashed == []
