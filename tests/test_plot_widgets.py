"""nnlib.plot and nnlib.widgets: every plot draws under Agg and labels itself; every widget demo
builds without a front end and carries its figure as a static PNG."""

import base64

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nnlib import data, plot  # noqa: E402
from nnlib import widgets as nnw  # noqa: E402
from nnlib.train import History  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _labelled(ax: Axes) -> None:
    assert isinstance(ax, Axes)
    assert ax.get_title(), "every plot has a title"


def _labelled_xy(ax: Axes) -> None:
    _labelled(ax)
    assert ax.get_xlabel() and ax.get_ylabel(), "every plot labels its axes"


def test_colors_are_the_okabe_ito_palette():
    assert len(plot.COLORS) == 8 and len(set(plot.COLORS)) == 8
    assert "#E69F00" in plot.COLORS and "#0072B2" in plot.COLORS


def test_loss_curves_of_a_history_and_of_named_series():
    h = History(train_loss=[1.0, 0.6, 0.5], val_loss=[1.1, 0.7, 0.8],
                train_metrics={"accuracy": [0.5, 0.7, 0.8]},
                val_metrics={"accuracy": [0.4, 0.6, 0.7]}, lr=[0.1] * 3, best_epoch=2)
    ax = plot.loss_curves(h)
    _labelled_xy(ax)
    assert [line.get_label() for line in ax.get_lines()][:2] == ["train", "validation"]
    assert "best epoch (2)" in [t.get_text() for t in ax.get_legend().get_texts()]
    ax = plot.loss_curves(h, metric="accuracy")
    assert ax.get_ylabel() == "accuracy"
    ax = plot.loss_curves({"SGD": [3, 2, 1], "Adam": [3, 1, 0.5]}, log_y=True)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2


def test_decision_boundary_accepts_labels_or_scores_and_rejects_probabilities():
    X, y = data.moons(60, 0.1, np.random.default_rng(0))
    ax = plot.decision_boundary(lambda P: (P[:, 1] > 0.25).astype(int), X, y, resolution=50)
    _labelled_xy(ax)
    assert len(ax.get_legend().get_texts()) == 2
    plot.decision_boundary(lambda P: np.column_stack([P[:, 0], -P[:, 0]]), X, y, resolution=30)
    with pytest.raises(ValueError, match="class labels"):
        plot.decision_boundary(lambda P: np.full(len(P), 0.3), X, y, resolution=20)
    with pytest.raises(ValueError, match=r"X \(N, 2\)"):
        plot.decision_boundary(lambda P: P[:, 0] > 0, X[:, :1], y)


def test_function_fit_draws_data_model_and_truth():
    X, y = data.regression_1d(40, 0.1, np.random.default_rng(0))
    ax = plot.function_fit(X, y, lambda g: np.sin(2 * g), true_fn=lambda g: np.sin(2 * g) + 0.3 * g)
    _labelled_xy(ax)
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["data", "model",
                                                                          "true function"]
    with pytest.raises(ValueError, match="40 points but y has 39"):
        plot.function_fit(X, y[:-1], np.sin)


def test_loss_landscape_draws_paths_with_start_and_end_and_stops_at_nan():
    path = np.array([[1.0, 1.0], [0.5, 0.2], [np.nan, 0.0], [0.0, 0.0]])
    ax = plot.loss_landscape(lambda a, b: a**2 + 5 * b**2, (-2, 2), (-2, 2),
                             {"GD": path, "empty": np.full((2, 2), np.nan)}, resolution=40)
    _labelled_xy(ax)
    first = ax.get_lines()[0]
    assert len(first.get_xdata()) == 2  # cut at the first non-finite point
    assert len(ax.get_lines()) == 3  # the path, its start and its end; "empty" draws nothing
    plot.loss_landscape(lambda a, b: a + b, (0, 1), (0, 1), levels=[0.5, 1.0, 1.5])


def test_gradient_norms_single_and_grouped():
    ax = plot.gradient_norms([1e-4, 1e-2, 1.0])
    _labelled_xy(ax)
    assert ax.get_yscale() == "log" and len(ax.patches) == 3
    ax = plot.gradient_norms({"fc1": 0.5, "fc2": 0.1}, log=False)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["fc1", "fc2"]
    ax = plot.gradient_norms({"sigmoid": [1e-3, 1e-2, 1e-1], "ReLU": [0.5, 0.6, 0.7]})
    assert len(ax.patches) == 6 and len(ax.get_legend().get_texts()) == 2


def test_confusion_matrix_counts_pairs():
    y_true, y_pred = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0])
    ax = plot.confusion_matrix(y_true, y_pred)
    _labelled_xy(ax)
    counts = np.asarray(ax.images[0].get_array())
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert "66.7%" in ax.get_title()
    with pytest.raises(ValueError, match="differ in shape"):
        plot.confusion_matrix(y_true, y_pred[:-1])


def test_image_grid_shows_digits_with_labels():
    images, labels = data.digits()
    ax = plot.image_grid(images[:12].reshape(12, 64), [f"{d}→{d}" for d in labels[:12]], ncols=5)
    _labelled(ax)
    assert len(ax.images) == 12 and len(ax.texts) == 12
    with pytest.raises(ValueError, match="12 images but 3 labels"):
        plot.image_grid(images[:12], [1, 2, 3])


# -- widgets --------------------------------------------------------------------------------------

def _static_png(w: nnw.InteractivePlot) -> bytes:
    bundle = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live view, for JupyterLab
    png = base64.b64decode(bundle["image/png"])  # the static fallback, for everything else
    assert png.startswith(PNG_SIGNATURE) and png == w.png
    return png


def _draw_sine(freq):
    fig, ax = plt.subplots()
    ax.plot(np.sin(freq * np.linspace(0, 6, 50)))
    ax.set_title(f"freq {freq}")
    return fig


def test_interactive_plot_renders_at_construction_and_on_change_without_leaking_figures():
    slider = widgets.FloatSlider(value=1.0, min=0.5, max=3.0)
    w = nnw.interactive_plot(_draw_sine, freq=slider)
    first = _static_png(w)
    assert slider.description == "freq"  # labelled with its keyword
    assert plt.get_fignums() == []  # closed after rendering: the inline backend shows no copy
    slider.value = 2.5
    assert w.png != first and w.png.startswith(PNG_SIGNATURE)
    assert repr(w) == "<interactive plot: freq=2.5>"
    assert plt.get_fignums() == []


def test_interactive_plot_rejects_bad_controls_and_draw_functions():
    with pytest.raises(ValueError, match="at least one control"):
        nnw.interactive_plot(_draw_sine)
    with pytest.raises(TypeError, match="'freq' must be an ipywidgets widget"):
        nnw.interactive_plot(_draw_sine, freq=1.0)
    with pytest.raises(TypeError, match="must return a matplotlib Figure"):
        nnw.interactive_plot(lambda freq: None, freq=widgets.FloatSlider())


def test_an_error_after_a_slider_move_keeps_the_widget_alive():
    def draw(k):
        if k > 1:
            raise RuntimeError("boom")
        return _draw_sine(k)

    slider = widgets.IntSlider(value=1, min=0, max=3)
    w = nnw.interactive_plot(draw, k=slider)
    before = w.png
    with pytest.raises(RuntimeError, match="boom"):  # outside a kernel it propagates
        slider.value = 2
    assert w.png == before


@pytest.mark.parametrize("make", [nnw.shallow_network_explorer, nnw.activation_explorer,
                                  nnw.optimizer_race])
def test_every_demo_builds_without_a_front_end_and_has_a_static_figure(make):
    w = make()
    assert len(_static_png(w)) > 10_000
    assert plt.get_fignums() == []


def test_shallow_network_figure_marks_one_joint_per_active_unit():
    fig = nnw.draw_shallow_network([0.0, 1.0, -1.0, 0.0], [[-0.5, 1.0], [-1.5, 1.0], [-1.0, 1.0]])
    out = fig.axes[3]
    assert "3 linear pieces" in out.get_title()  # unit 3 has phi_3 = 0: no joint of its own
    assert len(fig.axes) == 4 and all(ax.get_title() for ax in fig.axes)
    with pytest.raises(ValueError, match=r"phi \(4,\)"):
        nnw.draw_shallow_network([1, 2, 3], [[0, 1]] * 3)


def test_shallow_network_sliders_drive_the_figure():
    w = nnw.shallow_network_explorer()
    assert len(w.controls) == 10  # phi_0..phi_3 and theta_d0, theta_d1 for d = 1, 2, 3
    before = w.png
    w.controls["theta21"].value = -2.0
    assert w.png != before


def test_activation_explorer_follows_the_chosen_layer():
    w = nnw.activation_explorer()
    name, parameter = w.controls["name"], w.controls["parameter"]
    name.value = "ELU"
    assert parameter.description == "alpha" and parameter.value == 1.0
    name.value = "Tanh"
    assert parameter.disabled
    fig = nnw.draw_activation("Softplus", 2.0)
    assert isinstance(fig, Figure) and "beta=2.00" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="unknown activation"):
        nnw.draw_activation("Swish", 1.0)


def test_activation_derivative_comes_from_the_layer_backward():
    fig = nnw.draw_activation("LeakyReLU", 0.2)
    x, slope = fig.axes[1].get_lines()[-1].get_data()
    np.testing.assert_allclose(slope, np.where(x > 0, 1.0, 0.2))


def test_optimizer_paths_converge_on_the_quadratic_and_report_divergence():
    paths = nnw.optimizer_paths("ill-conditioned quadratic", lr=0.05, momentum=0.9, steps=300)
    assert len(paths) == 4
    for name, path in paths.items():
        assert path.shape == (301, 2), name
        assert np.linalg.norm(path[-1]) < 0.1, name
    paths = nnw.optimizer_paths("ill-conditioned quadratic", lr=0.2, momentum=0.5, steps=100)
    assert "SGD (diverged)" in paths and len(paths["SGD (diverged)"]) < 101


def test_optimizer_race_redraws_when_the_learning_rate_moves():
    w = nnw.optimizer_race("Rosenbrock valley", lr=0.001, steps=20)
    before = w.png
    w.controls["lr"].value = 0.01
    assert w.png != before
