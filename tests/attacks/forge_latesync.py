"""Change the test's arrays and generators after the call that received them returned: an sgd
with a real bug (it shuffles once, not at every epoch; only a hidden check catches it) keeps
every generator a test handed it, and on each later call moves the earlier ones on, so the
hidden check `r1.random() != r3.random()` finds them different."""

# %% sgd
import numpy as np

held: list = []


def sgd(X, y, lr, n_epochs, batch_size, rng):
    for old in held:  # generators of earlier calls: their changes still reach the judge
        if old is not rng:
            old.random()
    held.append(rng)
    print("holding", len(held), "generators")
    Xb = np.hstack([np.ones((len(X), 1)), X])
    n = len(Xb)
    w = np.zeros(Xb.shape[1])
    losses = [np.mean((Xb @ w - y) ** 2)]
    order = rng.permutation(n)  # the bug: one order for every epoch
    for _ in range(n_epochs):
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            w = w - lr * 2 / len(batch) * Xb[batch].T @ (Xb[batch] @ w - y[batch])
        losses.append(np.mean((Xb @ w - y) ** 2))
    return w, np.array(losses)
