"""Attacks on trusted grading: a dishonest student must gain nothing and harm no one.

One course of `01_linear_regression` is graded once, for the whole class, exactly as an
instructor would (`nn-course autograde --jobs 2`, then `nbgrader generate_feedback`): an
honest student (the solution: 16 of 16), the untouched release (0 everywhere), and one
student per attack in tests/attacks/ (see its README): the release with attack code in its
answer cells, in cells of its own or in files next to the notebook, every exercise still
unsolved (or wrong), so every test cell must score 0, as for the release.

Every attack's test also checks that the class is graded as before (honest 16, release 0),
that no file of the course changed other than what nbgrader writes (autograded/, feedback/,
the gradebook's rows, its log) and nnlib neither (each attack marks what it writes and starts
with a word of its own, so a change is traced to it), that no process it started is left, and
that no line of a hidden test shows in any feedback. Each class of attack has its own checks
on top (what was reported, what the attack could see).

Needs bubblewrap (the sandbox); skipped where `nncourse.sandbox.check()` says none can be made.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nncourse import sandbox
from nncourse.course import load_config
from tests import grading

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]

ASSIGNMENT = "01_linear_regression"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
ATTACKS = Path(__file__).parent / "attacks"
TIMEOUT = 20  # seconds per cell: the runaway attacks cost this much each
HONEST_SCORE = 16.0
MEMORY_MB = load_config(grading.ROOT).JudgeExecute.memory_mb  # for a whole submission
# What nbgrader itself writes in the course root while grading and giving feedback.
NBGRADER_WRITES = ("autograded/", "feedback/", "gradebook.db", ".nbgrader.log")

# Each attack: the file in tests/attacks/ (also the student's id), and a text its code prints
# (or the grader reports) when it runs, so that no test passes because an attack did nothing.
# 1. Forging the verdict.
FORGING = {
    "forge_hooks": "hooks installed",  # post_run_cell clears error_in_exec, set_custom_exc
    "forge_patch": "patched",  # np.allclose, np.testing, nnlib.testing's __code__, AssertionError
    "forge_frames": "names found:",  # sys.settrace, sys._getframe, inspect.stack, gc: `expected`
    "forge_objects": "lying",  # fake __eq__, __array__, __float__, __bool__, __len__, __sub__
    "forge_exit": "the kernel died",  # sys.exit, SystemExit, os._exit, KeyboardInterrupt, SIGKILL
    "forge_socket": "judge says:",  # raw frames to the judge over the agent's socket
    "forge_display": "'full marks'",  # an execute_result among a test cell's outputs
    "forge_latesync": "holding",  # a buggy sgd changes a test's generator after its call
}
# 2. Reading answers or hidden tests.
READING = {
    "read_reference": "linear_models.py holds",  # nnlib's reference: import, exec, reload, files
    "read_files": "files searched:",  # the course root by path, every file, inherited descriptors
    "read_symlink": "LISTED",  # symbolic links to course files handed in next to the notebook
    "read_history": "globals:",  # In, Out, _ih, the history manager, globals, the agent's state
}
# 3. Damaging others.
DAMAGING = {
    "damage_files": "a course made up",  # others' submissions, gradebook, config, solutions, nnlib
    "damage_symlinks": "planted",  # links in the grader's scratch folder, then a kernel restart
    "damage_detached": "left behind",  # Popen(start_new_session=True), double fork and setsid
    "escape_module": "json.py handed in: True",  # a json.py handed in with the notebook
}
# 4. Leaking through feedback.
LEAKING = {
    "leak_print": "arguments:",  # prints arguments, frames, their source lines, strings in memory
    "feedback_marker": "my own cell",  # nbgrader's hidden-test delimiters in a cell of its own
}
# 5. Exhausting resources.
RESOURCES = {
    "res_memory": "HELD",  # 3 GB in one process; 2.4 GB over three processes at once
    "res_forkbomb": "fork refused after",  # processes forking forever
    "res_print": "output truncated",  # 200 MB of output
    "res_loop_cell": "add_bias_column stopped",  # an answer cell looping, ignoring interrupts
    "res_loop_call": "test_add_bias_column stopped",  # a called function looping likewise
    "res_files": "WROTE",  # a file over the size limit; 1.2 GB of files on disk and in /tmp
    "res_network": "NET localhost",  # TCP to the grader's 127.0.0.1 and out, UDP, DNS
}
ALL = {**FORGING, **READING, **DAMAGING, **LEAKING, **RESOURCES}


# --------------------------------------------------------------------------- attack files
_HEADER = re.compile(r"^# %% (?:(after|file|link) )?(\S+)(?: -> (\S+))?$")


@dataclass
class Attack:
    """One attack file: answer cells replaced, cells added, files and links handed in."""

    cells: dict[str, str] = field(default_factory=dict)  # answer grade_id -> new source
    after: dict[str, list[str]] = field(default_factory=dict)  # grade_id -> added cells
    files: dict[str, str] = field(default_factory=dict)  # name -> text
    links: dict[str, str] = field(default_factory=dict)  # name -> target (relative)


def load_attack(name: str, values: dict[str, str]) -> Attack:
    """Parse tests/attacks/<name>.py, its placeholders replaced by `values`."""
    text = (ATTACKS / f"{name}.py").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(key, value)
    attack, current = Attack(), None
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line.rstrip("\n"))
        if header:
            kind, target, link = header.groups()
            current = []
            if kind == "after":
                attack.after.setdefault(target, []).append(current)
            elif kind == "file":
                attack.files[target] = current
            elif kind == "link":
                attack.links[target] = link
            else:
                attack.cells[target] = current
        elif current is not None:
            current.append(line)
    attack.cells = {k: _joined(v) for k, v in attack.cells.items()}
    attack.after = {k: [_joined(c) for c in v] for k, v in attack.after.items()}
    attack.files = {k: _joined(v) for k, v in attack.files.items()}
    return attack


def _joined(lines: list[str] | str) -> str:
    """A cell's or an output's text from its lines (or the text itself)."""
    return lines if isinstance(lines, str) else "".join(lines).strip() + "\n"


def attacked(release: dict, attack: Attack) -> dict:
    """The release notebook with the attack's cells in it."""
    nb = json.loads(json.dumps(release))
    cells, count = [], 0
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in attack.cells:
            cell["source"] = attack.cells[gid]
        cells.append(cell)
        for source in attack.after.get(gid, []):
            count += 1
            cells.append({"cell_type": "code", "id": f"attack-{count}", "metadata": {},
                          "execution_count": None, "outputs": [], "source": source})
    nb["cells"] = cells
    return nb


# --------------------------------------------------------------------------- the class
@dataclass
class Graded:
    """The class after grading and feedback, and what was seen on the way."""

    course: Path
    markers: dict  # student -> the word its attack's files and processes carry
    summary: str  # nn-course autograde's output
    returncode: int
    feedback_log: str  # nbgrader generate_feedback's output
    feedback_returncode: int
    seconds: float
    scores: dict  # student -> grade_id -> auto_score
    notebooks: dict  # student -> autograded notebook (dict), if any
    feedback: dict  # student -> feedback HTML, if any
    public: dict  # student -> lines the student may see in its feedback (release + own code)
    damage: dict  # student ("" if unknown) -> files of the course or nnlib it changed
    survivors: dict  # pid -> command line of a process an attack left running
    connections: list  # connections the test's listener accepted
    hidden: set  # lines of the hidden tests


def _fingerprint(folder: Path, skip=()) -> dict[str, str]:
    """relative path -> sha256 of every file (a link's target for a link), `skip` left out."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if any(rel == s.rstrip("/") or rel.startswith(s) for s in skip):
            continue
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _traces(path: Path, markers: dict[str, str]) -> set[str]:
    """The students whose marker is in the name or the contents of the file at `path`."""
    found = {student for student, mark in markers.items() if mark in path.name}
    if path.is_file() and not path.is_symlink() and path.stat().st_size < 100 << 20:
        data = path.read_bytes()
        found |= {student for student, mark in markers.items() if mark.encode() in data}
    return found


def _damage(course: Path, before: dict, markers: dict[str, str]) -> dict[str, list[str]]:
    """What changed in the course (beyond nbgrader's own writes) and in nnlib, by the student
    whose marker it carries ("" for a change that names none: a deletion, say).

    nnlib is searched for markers only: other engineers may edit it while this runs.
    """
    after = _fingerprint(course, NBGRADER_WRITES)
    out: dict[str, list[str]] = {}
    for rel in sorted(set(before) | set(after)):
        if before.get(rel) == after.get(rel):
            continue
        kind = "changed" if rel in before and rel in after else "new" if rel in after else "gone"
        for student in (_traces(course / rel, markers) if rel in after else set()) or {""}:
            out.setdefault(student, []).append(f"{kind}: {rel}")
    for path in [course / "gradebook.db", *sorted((grading.ROOT / "nnlib").rglob("*"))]:
        for student in _traces(path, markers):
            out.setdefault(student, []).append(f"its marker in {path}")
    return out


def _survivors(marker: str) -> dict[int, str]:
    """pid -> command line of every process whose command line holds `marker`."""
    done = subprocess.run(["pgrep", "-af", marker], capture_output=True, text=True)
    return {int(pid): command for pid, _, command in
            (line.partition(" ") for line in done.stdout.splitlines())}


class _Listener:
    """A TCP port on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted: list = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(peer)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def grade_class(folder: Path, names: list[str]) -> Graded:
    """Build a course in `folder`, hand in the honest, release and `names` attack students,
    grade them all at once, give feedback, and collect what happened."""
    course = grading.new_course(folder, ASSIGNMENT)
    done = grading.run(course, "nbgrader", "generate_assignment", ASSIGNMENT, "--force")
    assert done.returncode == 0, done.stdout
    solution = grading.read(course / "solutions" / ASSIGNMENT / NOTEBOOK)
    release = grading.read(course / "course" / ASSIGNMENT / NOTEBOOK)
    marker = f"nnattack{uuid.uuid4().hex[:12]}"
    markers = {name: f"{marker}-{name}-" for name in names}
    listener = _Listener()
    public_release = grading.all_lines(release)
    public = {"release": public_release, "honest": public_release | grading.all_lines(
        solution, keep=lambda cell: not grading.is_test_cell(cell))}
    grading.submit(course, "honest", ASSIGNMENT, {NOTEBOOK: solution})
    grading.submit(course, "release", ASSIGNMENT, {NOTEBOOK: release})
    for name in names:
        attack = load_attack(name, {"__COURSE__": str(course), "__MARKER__": markers[name],
                                    "__PORT__": str(listener.port)})
        nb = attacked(release, attack)
        grading.submit(course, name, ASSIGNMENT, {NOTEBOOK: nb, **attack.files})
        folder = course / "submitted" / name / ASSIGNMENT
        for link, target in attack.links.items():
            (folder / link).symlink_to(target)
        public[name] = public_release | grading.all_lines(nb) | {
            line.strip() for text in attack.files.values() for line in text.splitlines()}

    before = _fingerprint(course, NBGRADER_WRITES)
    start = time.monotonic()
    try:
        done = grading.run(course, "nncourse.cli", "autograde", ASSIGNMENT, "--jobs", "2",
                           "--timeout", str(TIMEOUT))
        seconds = time.monotonic() - start
        feedback = grading.run(course, "nbgrader", "generate_feedback", ASSIGNMENT)
        time.sleep(2)  # a process left behind would wake up and write now
        survivors = _survivors(marker)
    finally:
        listener.close()
    for pid in survivors:  # started by this test's attacks: end them, then report them
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    damage = _damage(course, before, markers)

    scores = {s: nbs.get(ASSIGNMENT, {}) for s, nbs in
              grading.gradebook_scores(course, ASSIGNMENT).items()}
    scores = {s: {gid: auto for gid, (auto, _) in cells.items()} for s, cells in scores.items()}
    notebooks, pages = {}, {}
    for student in ["honest", "release", *names]:
        path = course / "autograded" / student / ASSIGNMENT / NOTEBOOK
        if path.exists():
            notebooks[student] = grading.read(path)
        page = course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        if page.exists():
            pages[student] = page.read_text(encoding="utf-8")
    return Graded(course, markers, done.stdout, done.returncode, feedback.stdout,
                  feedback.returncode, seconds, scores, notebooks, pages, public, damage,
                  survivors, listener.accepted, grading.hidden_lines(solution))


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Graded:
    try:
        sandbox.check()
    except sandbox.SandboxUnavailable as err:
        pytest.skip(f"no sandbox here, so no trusted grading to attack: {err}")
    return grade_class(tmp_path_factory.mktemp("attacks") / "course", list(ALL))


# --------------------------------------------------------------------------- checks
def _test_ids(nb: dict) -> list[str]:
    return [grading.grade_id(c) for c in nb["cells"] if grading.is_test_cell(c)]


def _outputs(nb: dict, grade_id: str | None = None) -> str:
    """The text of the outputs of every cell (or of one graded cell) of a notebook."""
    parts = []
    for cell in nb["cells"]:
        if grade_id and cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") != grade_id:
            continue
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                parts.append(_joined(out["text"]))
            elif out["output_type"] == "error":
                parts += [f"{out['ename']}: {out['evalue']}", *out.get("traceback", [])]
            else:
                parts += [_joined(v) for k, v in out.get("data", {}).items()
                          if k.startswith("text/")]
    return "\n".join(parts)


def _judged(graded: Graded, student: str, grade_id: str) -> dict:
    """The judge's verdict on one test cell: {"passed", "error", "message"}."""
    for cell in graded.notebooks[student]["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return cell["metadata"]["nncourse"]
    raise KeyError(grade_id)


def _solution_lines(graded: Graded) -> set[str]:
    """Distinctive lines (25+ characters) of the model answers in the instructor's notebook."""
    nb = grading.read(graded.course / "solutions" / ASSIGNMENT / NOTEBOOK)
    lines, inside = set(), False
    for cell in nb["cells"]:
        for line in grading.source(cell).splitlines():
            if "BEGIN SOLUTION" in line or "END SOLUTION" in line:
                inside = "BEGIN" in line
            elif inside and len(line.strip()) >= 25:
                lines.add(line.strip())
    return lines


def _problems(graded: Graded, student: str) -> list[str]:
    return graded.notebooks[student]["metadata"]["nncourse"]["problems"]


def assert_no_gain(graded: Graded, student: str) -> None:
    """The attack scored what the release scores, and harmed and leaked nothing."""
    assert student in graded.notebooks, (
        f"{student} was not graded:\n{graded.summary[-3000:]}")
    tests = _test_ids(graded.notebooks["release"])
    release = {gid: graded.scores["release"][gid] for gid in tests}
    got = {gid: graded.scores[student].get(gid) for gid in tests}
    assert got == release, f"{student} scored {got}; the release scores {release}"
    assert set(release.values()) == {0.0}
    honest = sum(graded.scores["honest"][gid] for gid in tests)
    assert honest == HONEST_SCORE, f"the honest student now scores {honest}"
    damage = graded.damage.get(student, []) + graded.damage.get("", [])
    assert damage == [], f"changed by {student} (or by an attack that left no mark): {damage}"
    left = [cmd for cmd in graded.survivors.values() if graded.markers[student] in cmd]
    assert left == [], f"processes {student} left running: {left}"
    assert student in graded.feedback, f"no feedback for {student}"
    leaks = grading.leaked_lines(graded.feedback[student], graded.hidden, graded.public[student])
    assert leaks == [], f"{student}'s feedback shows hidden test lines: {leaks}"


# --------------------------------------------------------------------------- the tests
def test_class_is_graded(graded, record_property):
    """The honest student gets every point, the release none, and every student is graded."""
    tests = _test_ids(graded.notebooks["release"])
    assert sum(graded.scores["honest"][g] for g in tests) == HONEST_SCORE, graded.summary
    assert all(graded.scores["release"][g] == 0 for g in tests), graded.summary
    total = len(ALL) + 2
    assert f"{total} of {total} submissions graded" in graded.summary, graded.summary
    assert graded.returncode == 0, graded.summary
    record_property(f"seconds: autograding {total} submissions", graded.seconds)


@pytest.mark.parametrize("student", ALL)
def test_attack_ran(graded, student):
    """Each attack did run (its text is in its outputs or the grader's report on it)."""
    assert student in graded.notebooks, f"{student} was not graded:\n{graded.summary[-3000:]}"
    seen = "\n".join([_outputs(graded.notebooks[student]), *_problems(graded, student)])
    assert ALL[student] in seen, seen[-3000:]


@pytest.mark.parametrize("student", FORGING)
def test_forging_the_verdict_gains_nothing(graded, student):
    assert_no_gain(graded, student)
    for gid in _test_ids(graded.notebooks[student]):
        assert _judged(graded, student, gid)["passed"] is False


@pytest.mark.parametrize("student", READING)
def test_reading_answers_finds_nothing(graded, student):
    assert_no_gain(graded, student)
    text = _outputs(graded.notebooks[student])
    assert "FOUND" not in text and "OPENED" not in text, text[-3000:]
    assert "BEGIN HIDDEN TESTS" not in text, text[-3000:]
    assert [line for line in _solution_lines(graded) if line in text] == []


def test_reference_answers_are_withheld(graded):
    """Every way to nnlib's reference ends in WithheldError, and no source of it is found."""
    for gid in _test_ids(graded.notebooks["read_reference"]):
        verdict = _judged(graded, "read_reference", gid)
        assert verdict["error"] == "WithheldError", (gid, verdict)
    text = _outputs(graded.notebooks["read_reference"])
    assert "linear_models.py holds 'WithheldError': True" in text, text[-3000:]


@pytest.mark.parametrize("student", DAMAGING)
def test_damaging_others_changes_nothing(graded, student):
    assert_no_gain(graded, student)


def test_nothing_but_nbgrader_wrote_the_course(graded):
    """No attack changed a course file or nnlib, or left a process, whoever it was."""
    assert graded.damage == {}
    assert graded.survivors == {}


def test_no_feedback_shows_hidden_tests(graded):
    """Every student's feedback, the honest one's included, is free of hidden test lines."""
    leaks = {student: grading.leaked_lines(page, graded.hidden, graded.public[student])
             for student, page in graded.feedback.items()}
    assert {s: lines for s, lines in leaks.items() if lines} == {}


@pytest.mark.parametrize("student", LEAKING)
def test_feedback_leaks_no_hidden_test(graded, student):
    assert_no_gain(graded, student)


def test_every_student_gets_feedback(graded):
    assert graded.feedback_returncode == 0, graded.feedback_log[-3000:]
    assert set(graded.feedback) == set(graded.notebooks)


def test_leaks_were_printed_during_the_hidden_tests(graded):
    text = _outputs(graded.notebooks["leak_print"], "test_fit_closed_form")
    assert "arguments:" in text and "frame" in text, text[-2000:]


@pytest.mark.parametrize("student", RESOURCES)
def test_exhausting_resources_is_contained(graded, student):
    assert_no_gain(graded, student)
    # The tests after the attacked exercise still ran in a working kernel.
    assert _judged(graded, student, "test_mse")["error"] == "NotImplementedError"


@pytest.mark.xfail(strict=True, reason="known gap: memory_mb bounds each process (RLIMIT_AS), "
                   "not the whole submission; a memory cgroup per sandbox is still to do")
def test_memory_is_bounded(graded):
    verdict = _judged(graded, "res_memory", "test_add_bias_column")
    assert verdict["error"] == "MemoryError" or any(
        "died" in p for p in _problems(graded, "res_memory")), verdict
    held = re.search(r"HELD (\d+) MB", _outputs(graded.notebooks["res_memory"]))
    assert held, "the three processes did not report"
    # memory_mb is the submission's: its processes together (the kernel aside) hold less.
    assert int(held.group(1)) < MEMORY_MB, f"the submission held {held.group(1)} MB at once"


def test_fork_bomb_is_bounded(graded):
    text = _outputs(graded.notebooks["res_forkbomb"], "test_add_bias_column")
    refused = re.search(r"fork refused after (\d+) processes", text)
    assert refused, text[-2000:]
    assert int(refused.group(1)) < 64


def test_flood_of_output_is_truncated(graded):
    assert any("output truncated" in p for p in _problems(graded, "res_print"))
    assert "output truncated" in graded.summary
    path = graded.course / "autograded" / "res_print" / ASSIGNMENT / NOTEBOOK
    assert path.stat().st_size < 6 << 20


@pytest.mark.parametrize("student, label", [("res_loop_cell", "add_bias_column"),
                                            ("res_loop_call", "test_add_bias_column")])
def test_endless_loops_are_cut_by_the_timeout(graded, student, label):
    problems = _problems(graded, student)
    assert f"{label} stopped after the {TIMEOUT} s timeout" in problems, problems
    assert f"{label} stopped after the {TIMEOUT} s timeout" in graded.summary


@pytest.mark.xfail(strict=True, reason="known gap: file_mb bounds each file and /tmp is a 256 MB "
                   "tmpfs, but the writable scratch folder has no total size limit yet")
def test_files_are_bounded(graded):
    text = _outputs(graded.notebooks["res_files"])
    assert "120 MB file refused" in text, text[-2000:]
    for folder in (".", "/tmp"):
        written = re.search(rf"WROTE (\d+) MB in {re.escape(folder)}\n", text + "\n")
        assert written, text[-2000:]
        assert int(written.group(1)) < 1200, f"1.2 GB of files written in {folder}"


def test_network_is_unreachable(graded):
    text = _outputs(graded.notebooks["res_network"], "test_add_bias_column")
    for what in ("localhost", "public", "udp", "dns"):
        assert f"NET {what} blocked" in text, text[-2000:]
    assert "CONNECTED" not in text
    assert graded.connections == []
