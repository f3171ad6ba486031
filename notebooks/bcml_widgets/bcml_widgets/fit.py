"""Keras-like training from Python, computed by bcml's wasm core in the kernel (core.py): Model.fit trains a
model, CompatibilityModel trains h2 against h1 with loss = base + lambda_c * dissonance (the original
library's BCNewErrorCompatibilityModel / bc_fit), evaluate gives BTC and BEC, compare opens the widget."""
from array import array
from pathlib import Path

from . import inputs, options
from .core import core
from .models import Spec, saved_model


def read_csv(train, test, label, id=None, slices=(), ignore=()):
    """A training and a test CSV file read by bcml's own reader in the kernel (numbers standardised, text one-hot
    encoded with the training file's encoding): (train Data, test Data, class names)."""
    c = core()
    opts = {"label": label, "id": id, "slices": list(slices), "ignore": list(ignore)}
    opts = {k: v for k, v in opts.items() if v is not None}
    sets = []
    encoding = None
    for path in (train, test):
        meta, (x, y, ids) = c.csv_table(Path(path).read_bytes(), {**opts, "name": Path(path).name}, encoding)
        encoding = encoding or meta["encoding"]
        data = inputs.Data(inputs.Arrays(array("f", x), (meta["n"], meta["dim"])), array("i", y).tolist(),
                           ids=array("d", ids).tolist() if ids else None)
        sets.append((data, meta["class_names"]))
    return sets[0][0], sets[1][0], sets[0][1]


def _xy(x, y, what):
    """Features and labels from (x, y), Data or an (x, y) pair in x."""
    if y is None:
        data = inputs.as_data(x, what)
        x, y = data.x, data.y
    feats, n, dim, image = inputs.features(x, f"{what} features")
    (labels,), names, classes = inputs.labels([y], [f"{what} labels"])
    if names is not None:
        raise ValueError(f"{what} labels: give class numbers (0..k-1) to train on")
    if len(labels) // 4 != n:
        raise ValueError(f"{what}: {n} rows of features but {len(labels) // 4} labels")
    return feats, labels, n, dim, image, classes


class Model:
    """A model held by the kernel's bcml core: a spec (MLP([128]), LogisticRegression(), MnistNet(), ...), sized
    by the first data it sees, or a saved bcml model (bytes or a .bcml path)."""

    def __init__(self, model, seed=0):
        self.seed, self.history, self._ptr, self._optimizer = int(seed), {}, None, None
        saved = saved_model(model)
        if saved is not None:
            self._ptr = core().model_load(saved)
        elif isinstance(model, Spec):
            self._spec = model
        else:
            raise TypeError(f"Model: expected a spec (MLP(...), ...) or a saved bcml model, got {type(model).__name__}")

    def _build(self, dim, classes, image):
        if self._ptr is None:
            self._ptr = core().model_create(self._spec.spec(dim, classes, image), self.seed)
        elif core().x.bw_model_input_size(self._ptr) != dim:
            raise ValueError(f"the data have {dim} features; the model takes {core().x.bw_model_input_size(self._ptr)}")

    @property
    def built(self):
        return self._ptr is not None

    def compile(self, optimizer=None):
        """Keeps the optimizer for fit (SGD(...), Adam(...) or a name), as Keras does."""
        self._optimizer = optimizer
        return self

    def _train(self, x, y, epochs, batch_size, optimizer, shuffle, seed, verbose, loss, h1):
        feats, labels, n, dim, image, classes = _xy(x, y, "training data")
        self._build(dim, classes, image)
        h1_out = h1._outputs(feats, n) if h1 is not None else None
        opts = {"epochs": int(epochs), "batch_size": int(batch_size), "seed": int(self.seed if seed is None else seed),
                "shuffle": bool(shuffle), "optimizer": options.optimizer(optimizer or self._optimizer or "sgd", None)}
        if loss is not None:
            opts["loss"] = loss
        c = core()
        state = {"sum": 0.0, "count": 0}

        def progress(kind, epoch, of, batch, batches, value):
            state["sum"] += value
            state["count"] += 1
            if verbose and batch == batches:
                print(f"Epoch {epoch}/{of} - {batches} batches - loss {state['sum'] / state['count']:.4f}", flush=True)
                state.update(sum=0.0, count=0)
            return False
        c.progress = progress
        try:
            losses = c.train(self._ptr, feats, labels, n, dim, h1_out, opts)
        finally:
            c.progress = None
        self.history = {"loss": losses}
        return self.history

    def fit(self, x, y=None, epochs=1, batch_size=32, optimizer=None, shuffle=True, seed=None, verbose=1):
        """Trains on (x, y) with cross-entropy; returns the history {"loss": [mean loss per epoch]}."""
        return self._train(x, y, epochs, batch_size, optimizer, shuffle, seed, verbose, None, None)

    def _outputs(self, feats, n):
        if not self.built:
            raise ValueError("the model has not been trained (fit) or loaded")
        out, _ = core().model_predict(self._ptr, feats, n)
        return out

    def predict(self, x):
        """Outputs (logits) per row: a list of lists."""
        feats, n, _, _ = inputs.features(x, "predict features")
        flat = array("f", self._outputs(feats, n))
        k = len(flat) // n
        return [flat[i * k:(i + 1) * k].tolist() for i in range(n)]

    def predict_labels(self, x):
        """The predicted class per row: the highest output, or for one output (binary) logit >= 0."""
        rows = self.predict(x)
        if rows and len(rows[0]) == 1:
            return [int(r[0] >= 0) for r in rows]
        return inputs.predicted_labels(rows)

    def evaluate(self, x, y=None):
        """{"accuracy": ...} on (x, y)."""
        feats, labels, n, _, _, _ = _xy(x, y, "evaluation data")
        pred = self.predict_labels(inputs.Arrays(array("f", feats), (n, len(feats) // (4 * n))))
        right = sum(int(p == t) for p, t in zip(pred, array("i", labels)))
        return {"accuracy": right / n}

    def to_bytes(self):
        """The model in bcml's saved format (what `bcml train --out` writes)."""
        if not self.built:
            raise ValueError("the model has not been trained (fit) or loaded")
        return core().model_save(self._ptr)

    def save(self, path):
        Path(path).write_bytes(self.to_bytes())
        return Path(path)

    def __del__(self):
        if self._ptr is not None and core is not None:
            try:
                core().x.bw_model_free(self._ptr)
            except Exception:  # the kernel is shutting down
                pass


class CompatibilityModel(Model):
    """h2 trained against h1 with loss = base + lambda_c * dissonance: new error (the default,
    BCCrossEntropyLoss) or strict imitation (StrictImitation*Loss), by the original's class names or bcml's.
    h1 is a trained Model or a saved model; h2 a spec, a saved model, or h1 itself (copied: the update starts
    from h1, as in the original's loss examples)."""

    def __init__(self, h1, h2, lambda_c=1.0, loss="new-error-cross-entropy", loss_kwargs=None, seed=1):
        self.h1 = h1 if isinstance(h1, Model) else Model(h1)
        if h2 is h1 or h2 is self.h1:
            super().__init__(self.h1.to_bytes(), seed)
        else:
            super().__init__(h2, seed)
        name = options.name_of(loss)
        strict = name.startswith("strict-imitation") or name.startswith("StrictImitation")
        table = options.STRICT_IMITATION if strict else options.NEW_ERROR
        spec = options.loss(loss, table, loss_kwargs, "loss")
        self.loss = {**(spec if isinstance(spec, dict) else {"name": spec}), "lambda_c": float(lambda_c)}

    def fit(self, x, y=None, epochs=1, batch_size=32, optimizer=None, shuffle=True, seed=None, verbose=1):
        """Trains h2 against h1's outputs on the same rows; returns the history."""
        return self._train(x, y, epochs, batch_size, optimizer, shuffle, seed, verbose, self.loss, self.h1)

    def evaluate(self, x, y=None, metric="accuracy"):
        """h1 against h2 on (x, y): the evaluation record of `bcml compare` (btc, bec, h1_performance,
        h2_performance, flips, per class, error instances)."""
        feats, labels, n, dim, image, classes = _xy(x, y, "evaluation data")
        rows = inputs.Arrays(array("f", feats), (n, dim))
        l1 = array("i", self.h1.predict_labels(rows)).tobytes()
        l2 = array("i", self.predict_labels(rows)).tobytes()
        k = max(classes, core().x.bw_model_output_size(self._ptr))
        return core().evaluate(l1, l2, labels, n, array("d", range(n)).tobytes(), {"num_classes": k, "metric": options.metric(metric)})

    def compare(self, x, y=None):
        """The ModelComparison widget of h1 and h2 on (x, y)."""
        from .widgets import ModelComparison
        data = inputs.Data(x, y) if y is not None else inputs.as_data(x, "dataset")
        return ModelComparison(self.h1.to_bytes(), self.to_bytes(), data)
