"""nnlib.schedules: hand-checked sequences, errors, and equality with torch.optim.lr_scheduler."""

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.optim import SGD
from nnlib.schedules import CyclicLR, ExponentialLR, ReduceOnPlateau, StepLR


def make_opt(lr: float = 0.1) -> SGD:
    return SGD([Parameter(np.zeros(2))], lr=lr)


def lrs(sched, steps: int, metrics=None) -> list[float]:
    """The lr after construction, then after each of `steps` calls of step()."""
    out = [sched.get_last_lr()]
    for i in range(steps):
        sched.step() if metrics is None else sched.step(metrics[i])
        out.append(sched.get_last_lr())
        assert sched.optimizer.lr == out[-1]
    return out


def test_step_lr_by_hand():
    np.testing.assert_allclose(lrs(StepLR(make_opt(1.0), step_size=2, gamma=0.5), 5),
                               [1, 1, 0.5, 0.5, 0.25, 0.25])


def test_exponential_lr_by_hand():
    np.testing.assert_allclose(lrs(ExponentialLR(make_opt(1.0), gamma=0.5), 3),
                               [1, 0.5, 0.25, 0.125])


def test_cyclic_lr_triangle_by_hand():
    opt = make_opt(lr=123.0)
    sched = CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
    assert opt.lr == 0.1  # set at construction, as PyTorch does
    np.testing.assert_allclose(lrs(sched, 6), [0.1, 0.3, 0.5, 0.3, 0.1, 0.3, 0.5])


def test_cyclic_lr_triangular2_halves_the_amplitude():
    sched = CyclicLR(make_opt(), base_lr=0.0 + 1e-9, max_lr=1.0, step_size_up=1,
                     mode="triangular2")
    peaks = lrs(sched, 5)[1::2]
    np.testing.assert_allclose(peaks, [1.0, 0.5, 0.25], atol=1e-8)


def test_reduce_on_plateau_patience_and_cooldown_by_hand():
    sched = ReduceOnPlateau(make_opt(1.0), patience=2, cooldown=1, factor=0.5)
    # 5 improves, then three bad epochs: the third exceeds patience 2 -> halve.
    # The next epoch is cooldown (not counted), then 3 more bad epochs -> halve again.
    got = lrs(sched, 8, [5, 6, 6, 6, 6, 6, 6, 6])
    np.testing.assert_allclose(got, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25])


def test_reduce_on_plateau_respects_threshold_and_min_lr():
    sched = ReduceOnPlateau(make_opt(1.0), patience=0, threshold=0.1, min_lr=0.3)
    # 0.95 beats 1.0 but not by 10 %, so it is a bad epoch (patience 0: reduce at once).
    got = lrs(sched, 4, [1.0, 0.95, 0.5, 0.49])
    np.testing.assert_allclose(got, [1, 1, 0.3, 0.3, 0.3])


def test_reduce_on_plateau_resets_patience_after_improvement():
    sched = ReduceOnPlateau(make_opt(1.0), patience=1, factor=0.5)
    got = lrs(sched, 6, [3, 4, 2, 4, 1, 4])  # never two bad epochs in a row
    assert got == [1.0] * 7


@pytest.mark.parametrize("make,match", [
    (lambda o: StepLR(o, step_size=0), "step_size must be a positive int"),
    (lambda o: StepLR(o, step_size=2.5), "step_size must be a positive int"),
    (lambda o: StepLR(o, step_size=2, gamma=0), "gamma must be > 0"),
    (lambda o: ExponentialLR(o, gamma=-1), "gamma must be > 0"),
    (lambda o: ReduceOnPlateau(o, mode="lowest"), "mode must be 'min' or 'max'"),
    (lambda o: ReduceOnPlateau(o, threshold_mode="pct"), "threshold_mode must be"),
    (lambda o: ReduceOnPlateau(o, factor=1.0), r"factor must be in \(0, 1\)"),
    (lambda o: ReduceOnPlateau(o, patience=-1), "patience must be an int >= 0"),
    (lambda o: ReduceOnPlateau(o, min_lr=-1e-3), "min_lr must be >= 0"),
    (lambda o: CyclicLR(o, base_lr=0.5, max_lr=0.1, step_size_up=3), "base_lr <= max_lr"),
    (lambda o: CyclicLR(o, base_lr=0.1, max_lr=0.5, step_size_up=0), "step_size_up"),
    (lambda o: CyclicLR(o, 0.1, 0.5, 3, mode="exp_range"), "mode must be one of"),
])
def test_invalid_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make(make_opt())


def test_scheduler_needs_an_nnlib_optimizer():
    with pytest.raises(TypeError, match="expected an nnlib.optim Optimizer, got dict"):
        StepLR({"lr": 0.1}, step_size=3)


# -- PyTorch cross-checks ----------------------------------------------------------------

def torch_lrs(make_sched, lr: float, steps: int, metrics=None) -> list[float]:
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=lr)
    sched = make_sched(torch.optim.lr_scheduler, opt)
    out = [sched.get_last_lr()[0]]
    for i in range(steps):
        opt.step()
        sched.step() if metrics is None else sched.step(metrics[i])
        out.append(sched.get_last_lr()[0])
    return out


@pytest.mark.parametrize("step_size,gamma", [(1, 0.5), (3, 0.1), (7, 0.9)])
def test_step_lr_equals_torch(step_size, gamma):
    want = torch_lrs(lambda m, o: m.StepLR(o, step_size, gamma), 0.3, 50)
    np.testing.assert_allclose(lrs(StepLR(make_opt(0.3), step_size, gamma), 50), want,
                               rtol=1e-12)


def test_exponential_lr_equals_torch():
    want = torch_lrs(lambda m, o: m.ExponentialLR(o, 0.93), 0.3, 60)
    np.testing.assert_allclose(lrs(ExponentialLR(make_opt(0.3), 0.93), 60), want, rtol=1e-12)


@pytest.mark.parametrize("mode", ["triangular", "triangular2"])
@pytest.mark.parametrize("step_size_up", [1, 4, 5])
def test_cyclic_lr_equals_torch(mode, step_size_up):
    want = torch_lrs(lambda m, o: m.CyclicLR(o, 0.01, 0.2, step_size_up, mode=mode,
                                             cycle_momentum=False), 0.7, 80)
    got = lrs(CyclicLR(make_opt(0.7), 0.01, 0.2, step_size_up, mode=mode), 80)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def scripted_metrics(mode: str) -> list[float]:
    """Improvements, plateaus, tiny (sub-threshold) improvements and noise, 120 epochs."""
    rng = np.random.default_rng(3)
    values, v = [], 10.0
    for epoch in range(120):
        phase = (epoch // 15) % 4
        if phase == 0:
            v *= 0.8  # clear improvement
        elif phase == 1:
            v *= 1 - 2e-5  # improves by less than the default threshold
        elif phase == 2:
            v += 0.3 * rng.standard_normal()  # noise around a plateau
        values.append(v if mode == "min" else -v)
    return values


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(patience=2),
    dict(patience=3, cooldown=2, factor=0.5),
    dict(patience=0, cooldown=4, factor=0.3, min_lr=1e-3),
    dict(patience=1, threshold=0.05, threshold_mode="abs", factor=0.7),
    dict(patience=2, threshold=1e-6, min_lr=0.02),
    dict(mode="max", patience=2, cooldown=1, factor=0.5),
    dict(mode="max", threshold_mode="abs", threshold=0.1, patience=1, min_lr=1e-4),
])
def test_reduce_on_plateau_equals_torch(kwargs):
    metrics = scripted_metrics(kwargs.get("mode", "min"))
    want = torch_lrs(lambda m, o: m.ReduceLROnPlateau(o, **kwargs), 0.5, len(metrics), metrics)
    got = lrs(ReduceOnPlateau(make_opt(0.5), **kwargs), len(metrics), metrics)
    assert len(set(got)) > 1  # the schedule did reduce
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_schedulers_declare_how_fit_steps_them():
    opt = make_opt()
    assert CyclicLR(opt, 0.1, 0.5, 2).per_batch and not CyclicLR.takes_metric
    assert ReduceOnPlateau(opt).takes_metric and not ReduceOnPlateau.per_batch
    for sched in (StepLR(opt, 2), ExponentialLR(opt, 0.9)):
        assert not sched.per_batch and not sched.takes_metric
