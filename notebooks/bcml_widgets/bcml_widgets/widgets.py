"""The widgets. Python checks and packs the inputs; the browser does the work in bcml's WebAssembly (worker
pool, same C code as the CLI) and draws the same views as the web app; the results come back as traits, so
`analysis.summary` and `analysis.evaluations` hold them once the widget says "done"."""
import json
import os
from array import array
from pathlib import Path

import anywidget
import traitlets

from . import inputs, options
from .models import Outputs, Spec, Trained, saved_model

STATIC = Path(__file__).parent / "static"


def _bytes_from_json(value, widget):
    return bytes(value) if value is not None else b""


class _Widget(anywidget.AnyWidget):
    _esm = STATIC / "widget.js"
    _css = STATIC / "widget.css"
    kind = traitlets.Unicode("analysis").tag(sync=True)
    config = traitlets.Dict().tag(sync=True)
    meta = traitlets.Dict().tag(sync=True)
    folder = traitlets.Dict().tag(sync=True)
    status = traitlets.Unicode("waiting").tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    progress = traitlets.Float(0).tag(sync=True)
    summary = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    evaluations = traitlets.Dict().tag(sync=True)
    record = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    h1_bytes = traitlets.Bytes(b"").tag(sync=True, from_json=_bytes_from_json)
    # inputs as little-endian float32 / int32 / float64 bytes (binary buffers on the wire, not JSON)
    train_x, train_y, train_ids, train_slices = (traitlets.Bytes(b"").tag(sync=True) for _ in range(4))
    test_x, test_y, test_ids, test_slices = (traitlets.Bytes(b"").tag(sync=True) for _ in range(4))
    h1_model, h1_train, h1_test, h2_model = (traitlets.Bytes(b"").tag(sync=True) for _ in range(4))
    h1_labels, h2_labels, labels, ids, slices = (traitlets.Bytes(b"").tag(sync=True) for _ in range(5))
    train_csv, test_csv = (traitlets.Bytes(b"").tag(sync=True) for _ in range(2))



class _Results:
    """What every widget offers once it is done: the summary, the evaluations, tables and a saved folder."""

    @property
    def done(self):
        return self.status in ("done", "cancelled")

    def on_done(self, callback):
        """Calls callback(self) once the browser's work has ended (at once if it has). A kernel takes the widget's
        messages between cells, so code that needs the results goes here (or in a cell run after "done"), e.g.
        printing into an ipywidgets.Output shown beside the widget."""
        if self.done or self.status == "error":
            callback(self)
            return

        def fire(change):
            if change["new"] in ("done", "cancelled", "error"):
                self.unobserve(fire, names="status")
                callback(self)
        self.observe(fire, names="status")

    def _need(self, what):
        if self.status == "error":
            raise RuntimeError(f"the widget failed: {self.message}")
        if getattr(self, what) in (None, {}):
            raise RuntimeError(f"no {what} yet: the widget is {self.status} (display it and wait until it says done)")

    def evaluation_records(self):
        """The evaluations by datapoint index (int keys)."""
        self._need("evaluations")
        return {int(k): v for k, v in sorted(self.evaluations.items(), key=lambda kv: int(kv[0]))}

    def summary_table(self):
        """One dict per evaluation (lambda_c, dissonance, training/testing, btc, bec, performance, nfr), the
        shape pandas.DataFrame(...) takes."""
        self._need("summary")
        return [{"dissonance": "new-error" if r.get("new-error") else "strict-imitation",
                 **{k: v for k, v in r.items() if not isinstance(v, (list, dict))}} for r in self.summary["data"]]

    def save(self, folder):
        """Writes the sweep folder (sweep_summary.json and <k>-evaluation-data.json, the original's layout), which
        `CompatibilityAnalysis.load` and `bcml summary` read back."""
        self._need("summary")
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for k, record in self.evaluation_records().items():
            _write(path / f"{k}-evaluation-data.json", record)
        _write(path / "sweep_summary.json", self.summary)
        if self.h1_bytes:
            (path / "h1-model.bcml").write_bytes(self.h1_bytes)
        return path


def _image_bytes(value):
    """PNG (or any browser image) bytes from what an image callback returns: bytes, a file-like object, or an
    image with save() (e.g. PIL)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if hasattr(value, "getvalue"):
        return value.getvalue()
    if hasattr(value, "read"):
        return value.read()
    if hasattr(value, "save"):
        import io
        buf = io.BytesIO()
        value.save(buf, format="PNG")
        return buf.getvalue()
    raise TypeError(f"get_instance_image_by_id returned {type(value).__name__}; return PNG bytes, a file-like object or an image with save()")


def _serve_images(widget, get_image):
    """Answers the table's requests for instance images (custom messages) with get_image(id)."""
    def reply(_, content, buffers):
        if not isinstance(content, dict) or content.get("type") != "image":
            return
        i = content.get("id")
        i = int(i) if isinstance(i, float) and i.is_integer() else i
        try:
            widget.send({"type": "image", "id": content.get("id"), "ok": True}, buffers=[_image_bytes(get_image(i))])
        except Exception as e:  # the table shows no image for this row; the message says why
            widget.send({"type": "image", "id": content.get("id"), "ok": False, "error": f"{type(e).__name__}: {e}"})
    widget.on_msg(reply)


def _metadata(fn, ids):
    return [str(fn(int(i) if float(i).is_integer() else i)) for i in ids]


def _write(path, obj):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj))
    os.replace(tmp, path)  # never a half-written file


def _sets(training_set, test_set):
    train, test = inputs.as_data(training_set, "training_set"), inputs.as_data(test_set, "test_set")
    xtr, ntr, dim, image = inputs.features(train.x, "training_set features")
    xte, nte, dim_te, image_te = inputs.features(test.x, "test_set features")
    if dim_te != dim or image_te != image:
        raise ValueError(f"test_set rows have {dim_te} features, training_set rows {dim}")
    (ytr, yte), names, classes = inputs.labels([train.y, test.y], ["training_set labels", "test_set labels"])
    for what, y, n in (("training_set", train.y, ntr), ("test_set", test.y, nte)):
        if len(inputs.plain(y)) != n:
            raise ValueError(f"{what}: {n} rows of features but {len(inputs.plain(y))} labels")
    buffers = {"train_x": xtr, "train_y": ytr, "test_x": xte, "test_y": yte,
               "train_ids": inputs.ids(train.ids, ntr, "training_set ids"),
               "test_ids": inputs.ids(test.ids, nte, "test_set ids", start=0 if test.ids is not None else ntr)}
    slices = []
    if train.slices or test.slices:
        slices, (s_tr, s_te) = inputs.slices([train.slices, test.slices], [ntr, nte], ["training_set", "test_set"])
        buffers.update(train_slices=s_tr, test_slices=s_te)
    meta = {"dim": dim, "classes": classes, "class_names": names, "image": image, "slices": slices, "n_train": ntr, "n_test": nte}
    return meta, buffers


def _csv_sets(training_set, test_set):
    if not (isinstance(training_set, inputs.CsvFile) and isinstance(test_set, inputs.CsvFile)):
        raise TypeError("training_set and test_set: give both as CsvFile, or both as Data / (x, y)")
    if training_set.roles != test_set.roles:
        raise ValueError(f"test_set: its columns' roles {test_set.roles} differ from the training set's {training_set.roles}")
    meta = {"csv": {**training_set.roles, "names": [training_set.name, test_set.name]}}
    return meta, {"train_csv": training_set.bytes, "test_csv": test_set.bytes}


class CompatibilityAnalysis(_Widget, _Results):
    """A lambda_c sweep of h2 against h1, run in the browser, with the interactive analysis (scatter plots with
    the Pareto front, Venn diagram, per-class bars, slices, error table). Parameters follow the original's
    CompatibilityAnalysis: h1 is Trained(model, fraction), a saved bcml model (bytes or a .bcml path) or
    Outputs(train, test); h2 is a model (MLP(...), LogisticRegression(), MnistNet(), ...) or a saved model to
    start from; the sets are Data(x, y, ids, slices) or (x, y) pairs. get_instance_metadata(id) fills the error
    table's metadata column, get_instance_image_by_id(id) its images (PNG bytes; image data get thumbnails
    without it). batch_size_test and device are accepted for the original's code and change nothing."""

    def __init__(self, folder_name=None, number_of_epochs=3, h1=None, h2=None, training_set=None, test_set=None,
                 batch_size_train=32, batch_size_test=None, lambda_c_stepsize=0.25, OptimizerClass="sgd",
                 optimizer_kwargs=None, NewErrorLossClass="new-error-cross-entropy",
                 StrictImitationLossClass="strict-imitation-cross-entropy", performance_metric="accuracy",
                 new_error_loss_kwargs=None, strict_imitation_loss_kwargs=None, lambda_c_max=1.0, seed=1,
                 recommend=None, workers=None, get_instance_image_by_id=None, get_instance_metadata=None,
                 device=None, use_ml_flow=False, **unsupported):
        if unsupported:
            raise TypeError(f"CompatibilityAnalysis: unknown arguments {sorted(unsupported)}")
        if use_ml_flow:
            raise ValueError("use_ml_flow: save the sweep (folder_name=...) and log it with `bcml export-mlflow`")
        if h1 is None or h2 is None or training_set is None or test_set is None:
            raise ValueError("CompatibilityAnalysis needs h1, h2, training_set and test_set")
        if not lambda_c_stepsize > 0:
            raise ValueError(f"lambda_c_stepsize must be > 0, got {lambda_c_stepsize}")
        if isinstance(training_set, inputs.CsvFile) or isinstance(test_set, inputs.CsvFile):
            meta, buffers = _csv_sets(training_set, test_set)
        else:
            meta, buffers = _sets(training_set, test_set)
        given = optimizer_kwargs is not None or isinstance(OptimizerClass, (options.SGD, options.Adam))
        opt = options.optimizer(OptimizerClass, optimizer_kwargs if given else {"lr": 0.01, "momentum": 0.5})
        config = {"epochs": int(number_of_epochs), "batch_size": int(batch_size_train), "seed": int(seed), "optimizer": opt,
                  "new_error": options.loss(NewErrorLossClass, options.NEW_ERROR, new_error_loss_kwargs, "NewErrorLossClass"),
                  "strict_imitation": options.loss(StrictImitationLossClass, options.STRICT_IMITATION, strict_imitation_loss_kwargs, "StrictImitationLossClass"),
                  "metric": options.metric(performance_metric),
                  "lambda": {"start": 0, "stop": float(lambda_c_max), "step": float(lambda_c_stepsize)}}
        if recommend:
            config["recommend"] = str(recommend)
        if workers:
            meta["workers"] = int(workers)
        csv = "csv" in meta
        size = (lambda m: m.unsized()) if csv else (lambda m: m.spec(meta["dim"], meta["classes"], meta["image"]))
        if isinstance(h2, Spec):
            meta["h2"] = {"spec": size(h2)}
        elif saved_model(h2) is not None:
            meta["h2"] = {}
            buffers["h2_model"] = saved_model(h2)
        else:
            raise TypeError(f"h2: expected a model (MLP(...), LogisticRegression(), ...) or a saved bcml model, got {type(h2).__name__}")
        if isinstance(h1, Trained):
            h1_seed = int(h1.seed if h1.seed is not None else seed + 1)  # initialises and shuffles, as `bcml sweep`'s h1.train.seed
            meta["h1"] = {"spec": size(h1.model), "train": {
                "fraction": h1.fraction, "seed": h1_seed,
                "options": {"epochs": int(h1.epochs or number_of_epochs), "batch_size": int(h1.batch_size or batch_size_train),
                            "seed": h1_seed, "optimizer": options.optimizer(h1.optimizer, None) if h1.optimizer else opt}}}
        elif isinstance(h1, Outputs):
            if csv:
                raise ValueError("h1 outputs need the row counts of the sets: give the data as Data(x, y), not CSV files")
            tr, k1 = inputs.outputs(h1.train, meta["n_train"], "h1 outputs on the training set")
            te, k2 = inputs.outputs(h1.test, meta["n_test"], "h1 outputs on the test set")
            if k1 != k2:
                raise ValueError(f"h1 outputs: {k1} scores per training row, {k2} per test row")
            meta["h1"] = {"outputs": True, "probabilities": bool(h1.probabilities)}
            buffers.update(h1_train=tr, h1_test=te)
        elif saved_model(h1) is not None:
            meta["h1"] = {}
            buffers["h1_model"] = saved_model(h1)
        else:
            raise TypeError(f"h1: expected Trained(model, fraction), a saved bcml model or Outputs(train, test), got {type(h1).__name__}")
        if get_instance_metadata is not None:
            if "csv" in meta:
                raise ValueError("get_instance_metadata: with CSV files the ids are read in the browser; give Data(x, y, ids) instead")
            meta["metadata_train"] = _metadata(get_instance_metadata, array("d", buffers["train_ids"]))
            meta["metadata_test"] = _metadata(get_instance_metadata, array("d", buffers["test_ids"]))
        if get_instance_image_by_id is not None:
            meta["images"] = "callback"
        super().__init__(kind="analysis", config=config, meta=meta, **buffers)
        if get_instance_image_by_id is not None:
            _serve_images(self, get_instance_image_by_id)
        self.folder_name = folder_name
        if folder_name:
            self.observe(self._autosave, names="status")

    def _autosave(self, change):
        if change["new"] in ("done", "cancelled"):
            try:
                self.save(self.folder_name)
            except OSError as e:
                self.message = f"{self.message} (not saved to {self.folder_name}: {e})"

    @staticmethod
    def load(folder):
        """A saved sweep folder (bcml's or the original library's layout) shown again, without training."""
        return SavedAnalysis(folder)


class SavedAnalysis(_Widget, _Results):
    """A saved sweep folder shown again (see CompatibilityAnalysis.load); summary and evaluations as for a run."""

    def __init__(self, folder):
        path = Path(folder)
        files = {p.name: p.read_text() for p in sorted(path.glob("*.json"))}
        if not files:
            raise FileNotFoundError(f"{folder}: no sweep files (sweep_summary.json, <k>-evaluation-data.json)")
        h1 = path / "h1-model.bcml"
        super().__init__(kind="saved", folder=files, h1_bytes=h1.read_bytes() if h1.exists() else b"")


class ModelComparison(_Widget, _Results):
    """Two models' predictions on one labelled set, compared: BTC, BEC, flips, Venn diagram, per-class bars,
    slices and the error table. h1 and h2 are predicted labels [n] or per-class scores [n, k] (the highest
    wins); dataset is Data(x, y, ids, slices), an (x, y) pair or the labels alone; get_instance_metadata(id)
    gives the table's metadata column, get_instance_image_by_id(id) its images (PNG bytes, asked for as rows
    are shown)."""

    def __init__(self, h1, h2, dataset, performance_metric="accuracy", get_instance_image_by_id=None, get_instance_metadata=None,
                 device=None, **unsupported):
        if unsupported:
            raise TypeError(f"ModelComparison: unknown arguments {sorted(unsupported)}")
        data = dataset if isinstance(dataset, (inputs.Data, tuple)) else inputs.Data(None, dataset)
        data = inputs.as_data(data, "dataset")
        y = inputs.plain(data.y)
        n = len(y)
        models = {k: saved_model(m) for k, m in (("h1", h1), ("h2", h2))}
        preds = {k: None if models[k] is not None else inputs.predicted_labels(m) for k, m in (("h1", h1), ("h2", h2))}
        for what, p in preds.items():
            if p is not None and len(p) != n:
                raise ValueError(f"{what}: {len(p)} predictions for {n} labels")
        given = [p for p in preds.values() if p is not None]
        encoded, names, classes = inputs.labels(given + [y], [f"{k} predictions" for k, p in preds.items() if p is not None] + ["dataset labels"])
        if names is not None and len(given) < 2:
            raise ValueError("dataset labels: class names need both models' predictions as names too; saved models predict class numbers")
        meta = {"classes": classes, "class_names": names, "slices": []}
        buffers = {"labels": encoded[-1], "ids": inputs.ids(data.ids, n, "dataset ids")}
        for k in ("h1", "h2"):
            meta[k] = {"model": models[k] is not None}
            if models[k] is not None:
                buffers[f"{k}_model"] = models[k]
            else:
                buffers[f"{k}_labels"] = encoded.pop(0)
        if any(models.values()):
            if data.x is None:
                raise ValueError("dataset: saved models need the features: give Data(x, y) or (x, y)")
            x, nx, _, image = inputs.features(data.x, "dataset features")
            if nx != n:
                raise ValueError(f"dataset: {nx} rows of features but {n} labels")
            buffers["test_x"] = x
            meta["image"] = image  # thumbnails in the table
        if data.slices:
            meta["slices"], (buffers["slices"],) = inputs.slices([data.slices], [n], ["dataset"])
        if get_instance_metadata is not None:
            meta["metadata"] = _metadata(get_instance_metadata, array("d", buffers["ids"]))
        if get_instance_image_by_id is not None:
            meta["images"] = "callback"
        super().__init__(kind="comparison", config={"metric": options.metric(performance_metric)}, meta=meta, **buffers)
        if get_instance_image_by_id is not None:
            _serve_images(self, get_instance_image_by_id)
