"""What the sandbox withholds: the graded assignment's references, the capstone's test digits.

Fast checks of nncourse/withheld.py and of the sandbox command line; the attack suite
(tests/test_attacks.py) shows the same properties hold against a real submission.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import numpy as np
import pytest

from nncourse import sandbox, withheld
from nnlib.data import digits, train_val_test_split


def test_every_withheld_name_is_defined_where_listed():
    for assignment, modules in withheld.WITHHELD.items():
        for relative, names in modules.items():
            source = (withheld.NNLIB / relative).read_text()
            found = {n.name for n in withheld.source_defs(source, set(names))}
            assert found == set(names), f"{assignment}: {relative} lacks {set(names) - found}"


def test_a_stub_keeps_the_module_but_refuses_the_withheld_names():
    source = (withheld.NNLIB / "linear_models.py").read_text()
    stub = withheld.stub_source(source, ["mse", "sgd"], "01_linear_regression", "linear_models")
    namespace: dict = {"__name__": "nnlib.linear_models_stub"}
    exec(compile(stub, "<stub>", "exec"), namespace)
    with pytest.raises(RuntimeError, match="nnlib.linear_models.mse is not available while "
                                           "01_linear_regression is graded"):
        namespace["mse"](np.zeros(2), np.zeros(2))
    assert "def mse(y" not in stub and "def sgd(X" not in stub  # the code itself is gone
    defined = {n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}
    kept = defined - {"mse", "sgd"}
    assert kept <= set(namespace), "the other functions of the module must stay"
    assert namespace["add_bias_column"](np.ones((2, 1))).shape == (2, 2)


def test_a_withheld_class_is_still_a_class():
    source = (withheld.NNLIB / "layers" / "linear.py").read_text()
    stub = withheld.stub_source(source, ["Linear"], "05_backprop", "layers.linear")
    namespace: dict = {"__name__": "stub"}
    exec(compile(stub, "<stub>", "exec"), namespace)
    assert isinstance(namespace["Linear"], type)
    with pytest.raises(RuntimeError, match="withheld|not available"):
        namespace["Linear"](3, 2)


def test_the_sandbox_digits_lack_exactly_the_capstones_test_images(tmp_path):
    images, labels = digits()
    held = withheld.heldout_digits()
    # the split notebook 09 and its tests make: fractions (0.6, 0.2, 0.2), seed 4
    (_, _), (_, _), (test_x, _) = train_val_test_split(
        images.reshape(len(images), 64) / 16.0, labels, (0.6, 0.2, 0.2), np.random.default_rng(4))
    assert len(held) == len(test_x) == 359
    assert np.array_equal(np.sort(images.reshape(-1, 64)[held] / 16.0, axis=0),
                          np.sort(test_x, axis=0))
    withheld.development_digits(tmp_path / "digits.npz")
    with np.load(tmp_path / "digits.npz") as dev:
        assert len(dev["labels"]) == len(labels) - 359
        inside = {row.tobytes() for row in dev["images"].reshape(-1, 64)}
    assert not any(images.reshape(-1, 64)[i].tobytes() in inside for i in held
                   if (images.reshape(-1, 64) == images.reshape(-1, 64)[i]).all(axis=1).sum() == 1)


def test_masks_cover_the_digits_and_the_references(tmp_path):
    masks = withheld.masks("01_linear_regression", tmp_path)
    assert str(withheld.DIGITS) in masks
    assert str(withheld.NNLIB / "linear_models.py") in masks
    assert withheld.masks("09_capstone", tmp_path).keys() == {str(withheld.DIGITS)}


def test_the_command_line_isolates_and_limits(tmp_path):
    scratch = tmp_path / "s"
    (scratch / "work").mkdir(parents=True)
    line = sandbox.command(["python3", "-c", "pass"], scratch, scratch / "work", sandbox.Limits(),
                           {"/x/nnlib/a.py": "/y/a.py"}, None)
    assert line[:4] == [sys.executable, "-I", "-m", "nncourse.jail"]  # isolated: no cwd import
    bwrap = line[line.index("bwrap"):]
    for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop",
                 "--die-with-parent", "--clearenv"):
        assert flag in bwrap
    assert ["--ro-bind", "/y/a.py", "/x/nnlib/a.py"] == bwrap[bwrap.index("/y/a.py") - 1:
                                                              bwrap.index("/y/a.py") + 2]
    assert not any(arg.endswith("gradebook.db") or "/solutions" in arg for arg in bwrap)


def test_jail_applies_the_limits():
    limits = '{"memory_mb": 300, "file_mb": 1, "open_files": 64, "processes": 64, "cgroup": null}'
    probe = ("import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0] >> 20, "
             "resource.getrlimit(resource.RLIMIT_FSIZE)[0] >> 20, "
             "resource.getrlimit(resource.RLIMIT_NOFILE)[0])")
    out = subprocess.run([sys.executable, "-m", "nncourse.jail", limits, "--", sys.executable,
                          "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["300", "1", "64"]
