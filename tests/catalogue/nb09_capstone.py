"""Notebook 09: wrong confusion matrices and metrics, weak or cheating models, correct variants."""

from tests.notebook_runner import Bug, Correct

NOTEBOOK = "solutions/09_capstone/09_capstone.ipynb"

_CHECKS = '''
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("lengths differ")
    if min(y_true.min(), y_pred.min()) < 0 or max(y_true.max(), y_pred.max()) >= n_classes:
        raise ValueError("label out of range")
'''

_CM, _PR = ("test_confusion_matrix",), ("test_precision_recall",)
_TIERS = ("test_accuracy_tier1", "test_accuracy_tier2")
_ALL_MODEL_TESTS = ("test_train_model", *_TIERS)

_TRAIN = '''
def train_model(X_train, y_train, X_val, y_val, rng):
    model = build_model(rng)
    optimizer = optim.Adam(model.parameters(), lr=2e-3)
    scheduler = schedules.StepLR(optimizer, step_size=10, gamma=0.3)
    history = train.fit(model, CrossEntropyLoss(), optimizer, {data}, epochs=30,
                        batch_size=32, rng=rng, val=(X_val, y_val), scheduler=scheduler,
                        progress=False)
    return {result}
'''


def _train(data="X_train, y_train", result="model, history"):
    """The solution's train_model with other training data or another return value."""
    return _TRAIN.format(data=data, result=result)


BUGS = {
    # -- confusion_matrix -------------------------------------------------------------------
    "confusion matrix transposed": Bug("confusion_matrix", _CM, f'''
def confusion_matrix(y_true, y_pred, n_classes):{_CHECKS}
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_pred, y_true), 1)
    return counts
''', "rows are predictions, columns true classes"),
    "fancy-index += counts a repeated pair once": Bug("confusion_matrix", _CM, f'''
def confusion_matrix(y_true, y_pred, n_classes):{_CHECKS}
    counts = np.zeros((n_classes, n_classes), dtype=int)
    counts[y_true, y_pred] += 1
    return counts
''', "buffered fancy indexing: duplicates are added once"),
    "labels treated as 1-based": Bug("confusion_matrix", _CM, f'''
def confusion_matrix(y_true, y_pred, n_classes):{_CHECKS}
    counts = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[t - 1, p - 1] += 1
    return counts
''', "off by one: class 0 lands in the last row"),
    "counts start from one": Bug("confusion_matrix", _CM, f'''
def confusion_matrix(y_true, y_pred, n_classes):{_CHECKS}
    counts = np.ones((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
''', "every count off by one"),
    "size from the labels, ignoring n_classes": Bug("confusion_matrix", _CM, '''
def confusion_matrix(y_true, y_pred, n_classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("lengths differ")
    k = int(max(y_true.max(), y_pred.max())) + 1
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
''', "a class that never occurs loses its row and column"),
    "float counts": Bug("confusion_matrix", _CM, f'''
def confusion_matrix(y_true, y_pred, n_classes):{_CHECKS}
    counts = np.zeros((n_classes, n_classes))
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
''', "counts as floats"),
    "zip truncates different lengths": Bug("confusion_matrix", _CM, '''
def confusion_matrix(y_true, y_pred, n_classes):
    counts = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[t, p] += 1
    return counts
''', "no validation: different lengths and negative labels pass silently"),
    "negative labels wrap around": Bug("confusion_matrix", _CM, '''
def confusion_matrix(y_true, y_pred, n_classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("lengths differ")
    if max(y_true.max(), y_pred.max()) >= n_classes:
        raise ValueError("label too large")
    counts = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
''', "-1 silently counts in the last row"),
    # -- precision_recall --------------------------------------------------------------------
    "precision and recall swapped": Bug("precision_recall", _PR, '''
def precision_recall(counts):
    counts = np.asarray(counts, dtype=float)
    hits = np.diag(counts)
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    precision = np.divide(hits, rows, out=np.zeros_like(hits), where=rows > 0)
    recall = np.divide(hits, cols, out=np.zeros_like(hits), where=cols > 0)
    return precision, recall
''', "row and column sums exchanged"),
    "0/0 gives NaN with a warning": Bug("precision_recall", _PR, '''
def precision_recall(counts):
    hits = np.diag(counts)
    return hits / counts.sum(axis=0), hits / counts.sum(axis=1)
''', "empty rows or columns not handled"),
    "integer division": Bug("precision_recall", _PR, '''
def precision_recall(counts):
    hits = np.diag(counts)
    cols, rows = counts.sum(axis=0), counts.sum(axis=1)
    return hits // np.maximum(cols, 1), hits // np.maximum(rows, 1)
''', "// truncates every fraction below 1 to 0"),
    "divided by the total count": Bug("precision_recall", _PR, '''
def precision_recall(counts):
    hits = np.diag(counts) / counts.sum()
    return hits, hits
''', "share of all examples, not of the row or column"),
    # -- build_model ------------------------------------------------------------------------
    "no hidden layer (softmax regression)": Bug("build_model", ("test_build_model",), '''
def build_model(rng):
    return Sequential(Linear(64, 10, rng=rng))
''', "not an MLP, and as weak as the baseline"),
    "Linear without rng": Bug("build_model", ("test_build_model",), '''
def build_model(rng):
    return Sequential(Linear(64, 128), ReLU(), Dropout(0.1, rng=rng), Linear(128, 10))
''', "weights from an unseeded generator: the grader's run is not reproducible"),
    "a layer written in the notebook": Bug("build_model", ("test_build_model",), '''
class Scale(Linear.__mro__[1]):
    def forward(self, x):
        return 2 * x

    def backward(self, dout):
        return 2 * dout


def build_model(rng):
    return Sequential(Scale(), Linear(64, 128, rng=rng), ReLU(), Linear(128, 10, rng=rng))
''', "only nnlib layers are allowed"),
    # -- train_model ------------------------------------------------------------------------
    "trains softmax regression, not an MLP": Bug("train_model", _ALL_MODEL_TESTS, '''
def train_model(X_train, y_train, X_val, y_val, rng):
    model = Sequential(Linear(64, 10, rng=rng))
    history = train.fit(model, CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-2),
                        X_train, y_train, epochs=5, batch_size=32, rng=rng, progress=False)
    return model, history
''', "no hidden layer and few epochs: too weak, and not an MLP"),
    "far too small (4 hidden units)": Bug("train_model", _TIERS, '''
def train_model(X_train, y_train, X_val, y_val, rng):
    model = Sequential(Linear(64, 4, rng=rng), ReLU(), Linear(4, 10, rng=rng))
    history = train.fit(model, CrossEntropyLoss(), optim.Adam(model.parameters(), lr=3e-3),
                        X_train, y_train, epochs=10, batch_size=32, rng=rng, progress=False)
    return model, history
''', "too weak to reach either bar"),
    "learning rate far too high": Bug("train_model", _ALL_MODEL_TESTS, '''
def train_model(X_train, y_train, X_val, y_val, rng):
    model = build_model(rng)
    history = train.fit(model, CrossEntropyLoss(), optim.SGD(model.parameters(), lr=50.0),
                        X_train, y_train, epochs=30, batch_size=32, rng=rng,
                        val=(X_val, y_val), progress=False)
    return model, history
''', "diverges (TrainingDiverged) or ends at chance"),
    "trained on the validation set only": Bug("train_model", ("test_accuracy_tier2",), _train(
        data="X_val, y_val"), "a third of the data"),
    "one epoch": Bug("train_model", _ALL_MODEL_TESTS, '''
def train_model(X_train, y_train, X_val, y_val, rng):
    model = build_model(rng)
    history = train.fit(model, CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.01),
                        X_train, y_train, epochs=1, batch_size=32, rng=rng, progress=False)
    return model, history
''', "stopped long before convergence"),
    "returns an untrained model": Bug("train_model", _ALL_MODEL_TESTS, _train(
        result="build_model(rng), history"), "a fresh model instead of the trained one"),
    "returns (history, model)": Bug("train_model", _ALL_MODEL_TESTS, _train(
        result="history, model"), "the pair in the wrong order"),
    "standardizes the inputs inside train_model": Bug("train_model", _TIERS, _train(
        data="(X_train - X_train.mean()) / X_train.std() * 4, y_train"),
        "the model is trained on inputs the grader never feeds it"),
}

CORRECT = {
    "confusion matrix with loops": Correct("confusion_matrix", '''
def confusion_matrix(y_true, y_pred, n_classes):
    if len(y_true) != len(y_pred):
        raise ValueError("confusion_matrix: y_true and y_pred differ in length")
    counts = [[0] * n_classes for _ in range(n_classes)]
    for t, p in zip(y_true, y_pred):
        if not (0 <= t < n_classes and 0 <= p < n_classes):
            raise ValueError(f"confusion_matrix: label outside [0, {n_classes})")
        counts[t][p] += 1
    return np.array(counts)
''', "nested lists and a loop"),
    "confusion matrix with bincount": Correct("confusion_matrix", f'''
def confusion_matrix(y_true, y_pred, n_classes):{_CHECKS}
    flat = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes)
''', "one bincount over pair codes"),
    "precision and recall with loops": Correct("precision_recall", '''
def precision_recall(counts):
    k = len(counts)
    precision, recall = np.zeros(k), np.zeros(k)
    for c in range(k):
        said, are = sum(counts[i][c] for i in range(k)), sum(counts[c])
        precision[c] = counts[c][c] / said if said else 0.0
        recall[c] = counts[c][c] / are if are else 0.0
    return precision, recall
''', "a loop over classes"),
    "ELU units with dropout written differently": Correct("build_model", '''
from nnlib.layers import ELU


def build_model(rng):
    layers = []
    for fan_in, fan_out, p in [(64, 128, 0.2), (128, 64, 0.1)]:
        layers += [Linear(fan_in, fan_out, rng=rng), ELU(), Dropout(p, rng=rng)]
    return Sequential(*layers, Linear(64, 10, rng=rng))
''', "another activation, layers built in a loop"),
    "SGD with momentum and a plateau schedule": Correct("train_model", '''
def train_model(X_train, y_train, X_val, y_val, rng):
    model = build_model(rng)
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scheduler = schedules.ReduceOnPlateau(optimizer, factor=0.3, patience=3)
    history = train.fit(model, CrossEntropyLoss(), optimizer, X_train, y_train, epochs=30,
                        batch_size=32, rng=rng, val=(X_val, y_val), scheduler=scheduler,
                        progress=False)
    return model, history
''', "another optimizer and schedule"),
    "AdamW with early stopping": Correct("train_model", '''
def train_model(X_train, y_train, X_val, y_val, rng):
    model = build_model(rng)
    optimizer = optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
    history = train.fit(model, CrossEntropyLoss(), optimizer, X_train, y_train, epochs=40,
                        batch_size=64, rng=rng, val=(X_val, y_val),
                        early_stopping_patience=8, progress=False)
    return model, history
''', "decoupled weight decay, early stopping"),
}
