"""nnlib.train: the fit loop, history, early stopping, schedules, progress, divergence."""

import numpy as np
import pytest

from nnlib import data, losses, optim, schedules, train
from nnlib.layers import Dropout, Linear, ReLU, Sequential


def _moons_model(seed=0):
    rng = np.random.default_rng(seed)
    X, y = data.moons(200, 0.1, rng)
    model = Sequential(Linear(2, 16, rng=rng), ReLU(), Linear(16, 2, rng=rng))
    return model, X, y


def test_fit_decreases_the_loss_and_records_one_entry_per_epoch():
    model, X, y = _moons_model()
    opt = optim.Adam(model.parameters(), lr=0.02)
    h = train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=15, batch_size=32,
                  rng=np.random.default_rng(1), val=(X, y), metrics={"accuracy": train.accuracy},
                  progress=False)
    assert len(h.train_loss) == len(h.val_loss) == len(h.lr) == 15
    assert len(h.train_metrics["accuracy"]) == len(h.val_metrics["accuracy"]) == 15
    assert h.train_loss[-1] < 0.5 * h.train_loss[0]
    assert h.val_metrics["accuracy"][-1] > 0.85
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1 and h.stopped_epoch is None


def test_fit_is_deterministic_for_a_seed():
    results = []
    for _ in range(2):
        model, X, y = _moons_model()
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        h = train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=3, batch_size=16,
                      rng=np.random.default_rng(5), progress=False)
        results.append(h.train_loss)
    assert results[0] == results[1]


def test_early_stopping_stops_and_restores_the_best_weights():
    rng = np.random.default_rng(0)
    X, y = data.moons(40, 0.3, rng)
    Xv, yv = data.moons(200, 0.3, rng)
    model = Sequential(Linear(2, 128, rng=rng), ReLU(), Linear(128, 2, rng=rng))
    opt = optim.Adam(model.parameters(), lr=0.05)
    h = train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=300, batch_size=8,
                  rng=rng, val=(Xv, yv), early_stopping_patience=5, progress=False)
    assert h.stopped_epoch is not None and h.stopped_epoch < 300
    assert h.stopped_epoch == h.best_epoch + 5
    restored = train.evaluate(model, Xv, yv, losses.CrossEntropyLoss())["loss"]
    assert restored == pytest.approx(min(h.val_loss), rel=1e-12)


def test_schedulers_step_per_epoch_per_batch_or_on_the_metric():
    model, X, y = _moons_model()
    opt = optim.SGD(model.parameters(), lr=1.0)
    h = train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=4, batch_size=50,
                  rng=np.random.default_rng(0), scheduler=schedules.StepLR(opt, 1, 0.5),
                  progress=False)
    assert h.lr == [1.0, 0.5, 0.25, 0.125]  # lr in force during each epoch
    opt = optim.SGD(model.parameters(), lr=0.1)
    cyclic = schedules.CyclicLR(opt, 0.01, 0.1, step_size_up=4)
    train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=2, batch_size=50,
              rng=np.random.default_rng(0), scheduler=cyclic, progress=False)
    assert cyclic.last_epoch == 8  # 4 batches per epoch, stepped after each

    class Recorder:
        takes_metric = True

        def __init__(self):
            self.seen = []

        def step(self, metric):
            self.seen.append(metric)

    rec = Recorder()
    h = train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=3, batch_size=50,
                  rng=np.random.default_rng(0), val=(X, y), scheduler=rec, progress=False)
    assert rec.seen == h.val_loss
    rec = Recorder()
    h = train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=2, batch_size=50,
                  rng=np.random.default_rng(0), scheduler=rec, progress=False)
    assert rec.seen == h.train_loss  # no validation set: the training loss


def test_a_students_own_schedule_declares_how_it_is_stepped():
    """Not a subclass of nnlib's schedulers: the class attributes alone decide."""

    class MyCyclic:
        per_batch = True

        def __init__(self, optimizer):
            self.optimizer, self.t = optimizer, 0

        def step(self):
            self.t += 1
            self.optimizer.lr = 0.01 + 0.09 * (self.t % 2)

    class MyDecay:
        def __init__(self, optimizer):
            self.optimizer, self.calls = optimizer, 0

        def step(self):
            self.calls += 1
            self.optimizer.lr *= 0.5

    model, X, y = _moons_model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    cyclic = MyCyclic(opt)
    train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=2, batch_size=50,
              rng=np.random.default_rng(0), scheduler=cyclic, progress=False)
    assert cyclic.t == 8  # 4 batches per epoch, stepped after each
    decay = MyDecay(opt)
    train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=3, batch_size=50,
              rng=np.random.default_rng(0), scheduler=decay, progress=False)
    assert decay.calls == 3


def test_a_schedule_that_wants_the_loss_without_saying_so_is_told_how():
    class Plateau:
        def __init__(self, optimizer):
            self.optimizer = optimizer

        def step(self, metric):
            pass

    model, X, y = _moons_model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="takes_metric = True"):
        train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=1, batch_size=50,
                  rng=np.random.default_rng(0), scheduler=Plateau(opt), progress=False)
    Plateau.per_batch = Plateau.takes_metric = True
    with pytest.raises(ValueError, match="both per_batch and takes_metric"):
        train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=1, batch_size=50,
                  rng=np.random.default_rng(0), scheduler=Plateau(opt), progress=False)
    with pytest.raises(TypeError, match="no step"):
        train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=1, batch_size=50,
                  rng=np.random.default_rng(0), scheduler=object(), progress=False)


def test_fit_switches_modes_train_for_steps_eval_for_validation():
    rng = np.random.default_rng(0)
    X, y = data.moons(64, 0.1, rng)
    model = Sequential(Linear(2, 8, rng=rng), ReLU(), Dropout(0.5, rng=rng), Linear(8, 2, rng=rng))
    h = train.fit(model, losses.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=1e-12),
                  X, y, epochs=2, batch_size=64, rng=rng, val=(X, y), progress=False)
    # with a negligible lr the weights stay put: validation (no dropout) is deterministic
    assert h.val_loss[0] == pytest.approx(h.val_loss[1], rel=1e-9)
    assert model.training
    out1, out2 = train.predict(model, X), train.predict(model, X)
    np.testing.assert_array_equal(out1, out2)
    assert model.training  # predict restored the mode


def test_nan_loss_names_epoch_and_step_and_suggests_a_smaller_lr():
    rng = np.random.default_rng(0)
    X, y = data.regression_1d(64, 0.1, rng)
    model = Sequential(Linear(1, 16, rng=rng), ReLU(), Linear(16, 1, rng=rng))
    with np.errstate(all="ignore"), pytest.raises(train.TrainingDiverged) as err:
        train.fit(model, losses.MSELoss(), optim.SGD(model.parameters(), lr=10.0), X, y[:, None],
                  epochs=50, batch_size=16, rng=rng, progress=False)
    message = str(err.value)
    assert "epoch" in message and "step" in message and "smaller learning rate" in message
    assert "gradient clipping" in message and "scaled" in message
    assert isinstance(err.value, FloatingPointError)


def test_progress_false_prints_nothing_and_true_shows_a_bar(capsys):
    model, X, y = _moons_model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=1, batch_size=50,
              rng=np.random.default_rng(0), progress=False)
    assert capsys.readouterr() == ("", "")
    train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=1, batch_size=50,
              rng=np.random.default_rng(0), progress=True)
    assert "step" in capsys.readouterr().err


def test_fit_rejects_mismatched_data_and_early_stopping_without_validation():
    model, X, y = _moons_model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="200 examples but y has 199"):
        train.fit(model, losses.CrossEntropyLoss(), opt, X, y[:-1], epochs=1, batch_size=8,
                  rng=np.random.default_rng(0), progress=False)
    with pytest.raises(ValueError, match="validation"):
        train.fit(model, losses.CrossEntropyLoss(), opt, X, y, epochs=1, batch_size=8,
                  rng=np.random.default_rng(0), early_stopping_patience=2, progress=False)


def test_accuracy_handles_multiclass_scores_and_binary_logits():
    assert train.accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0])) == 0.5
    binary = train.accuracy(np.array([[-1.0], [2.0], [0.5]]), np.array([0, 1, 0]))
    assert binary == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="3 predictions but 2 labels"):
        train.accuracy(np.zeros((3, 2)), np.zeros(2))


def test_augment_applies_to_training_batches_only():
    model, X, y = _moons_model()
    calls = []

    def augment(xb, rng):
        calls.append(len(xb))
        return data.add_noise(xb, 0.01, rng)

    train.fit(model, losses.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y,
              epochs=2, batch_size=64, rng=np.random.default_rng(0), val=(X, y),
              augment=augment, progress=False)
    assert calls == [64, 64, 64, 8] * 2


def test_progress_auto_shows_a_bar_only_where_someone_watches(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert not train._show_progress("auto")  # nbclient kernel (nbval, nbgrader) or a CI log
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/student/07_optimizers.ipynb")
    assert train._show_progress("auto")  # a kernel JupyterLab started for an open notebook
    monkeypatch.delenv("JPY_SESSION_NAME")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert train._show_progress("auto")  # a terminal
    assert not train._show_progress(False)
    with pytest.raises(ValueError, match="progress"):
        train._show_progress("yes")


def test_a_scheduler_whose_step_argument_is_optional_steps_once_per_epoch_without_it():
    class Optional:
        def __init__(self):
            self.calls = []

        def step(self, epoch=None):
            self.calls.append(epoch)

    model, X, y = _moons_model()
    sched = Optional()
    train.fit(model, losses.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y,
              epochs=3, batch_size=100, rng=np.random.default_rng(0), val=(X, y),
              scheduler=sched, progress=False)
    assert sched.calls == [None, None, None]


@pytest.mark.parametrize("epochs", [0, 2.5])
def test_fit_rejects_a_bad_number_of_epochs(epochs):
    model, X, y = _moons_model()
    with pytest.raises(ValueError, match="epochs"):
        train.fit(model, losses.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), X, y,
                  epochs=epochs, batch_size=8, rng=np.random.default_rng(0), progress=False)


def test_evaluate_reports_loss_and_metrics_in_eval_mode():
    model, X, y = _moons_model()
    model.train()
    scores = train.evaluate(model, X, y, losses.CrossEntropyLoss(), {"accuracy": train.accuracy})
    assert set(scores) == {"loss", "accuracy"} and 0 <= scores["accuracy"] <= 1
    assert scores["loss"] == pytest.approx(losses.CrossEntropyLoss()(model(X), y))
    assert model.training
