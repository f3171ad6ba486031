"""bcml_widgets under CPython: inputs become the arrays the wasm takes, bad inputs get messages that name what
and where, the original's argument names map to bcml's, results save and reload. (The browser side is tested
in tests/node/lite.test.mjs.) Run: python -m unittest discover notebooks/bcml_widgets/tests"""
import gzip
import json
import struct
import tempfile
import unittest
from array import array
from pathlib import Path

import bcml_widgets as bw
from bcml_widgets import inputs


def analysis(**kw):
    args = dict(h1=bw.Trained(bw.MLP([4]), fraction=0.5), h2=bw.MLP([8]),
                training_set=([[1, 2], [3, 4], [5, 6], [7, 8]], [0, 1, 0, 1]), test_set=([[1, 2], [2, 2]], [1, 0]))
    args.update(kw)
    return bw.CompatibilityAnalysis(**args)


class Inputs(unittest.TestCase):
    def test_lists_become_float32_int32_and_float64_ids(self):
        a = analysis()
        self.assertEqual(array("f", a.train_x).tolist(), [1, 2, 3, 4, 5, 6, 7, 8])
        self.assertEqual(array("i", a.train_y).tolist(), [0, 1, 0, 1])
        self.assertEqual(array("d", a.train_ids).tolist(), [0, 1, 2, 3])
        self.assertEqual(array("d", a.test_ids).tolist(), [4, 5])  # after the training ids, as the CLI numbers them
        self.assertEqual(a.meta["h2"]["spec"], {"preset": "mlp", "input": 2, "classes": 2, "hidden": [8]})
        self.assertEqual(a.meta["h1"]["train"]["fraction"], 0.5)
        self.assertEqual(a.config["lambda"], {"start": 0, "stop": 1.0, "step": 0.25})

    def test_numpy_and_pandas_give_the_same_bytes(self):
        import numpy as np
        import pandas as pd
        ref = analysis()
        a = analysis(training_set=(np.array([[1, 2], [3, 4], [5, 6], [7, 8]], dtype=np.float64), np.array([0, 1, 0, 1])))
        b = analysis(training_set=(pd.DataFrame({"a": [1, 3, 5, 7], "b": [2, 4, 6, 8]}), pd.Series([0, 1, 0, 1])))
        for w in (a, b):
            self.assertEqual(w.train_x, ref.train_x)
            self.assertEqual(w.train_y, ref.train_y)

    def test_class_names_are_sorted_and_shared_by_both_sets(self):
        a = analysis(training_set=([[1], [2], [3]], ["cat", "dog", "cat"]), test_set=([[1]], ["bird"]))
        self.assertEqual(a.meta["class_names"], ["bird", "cat", "dog"])
        self.assertEqual(array("i", a.train_y).tolist(), [1, 2, 1])

    def test_slices_and_images(self):
        a = analysis(training_set=bw.Data([[1], [2], [3]], [0, 1, 0], ids=[10, 11, 12], slices={"age": ["old", "young", "old"]}),
                     test_set=bw.Data([[1]], [1], ids=[20], slices={"age": ["young"]}))
        self.assertEqual(a.meta["slices"], [{"name": "age", "names": ["old", "young"]}])
        self.assertEqual(array("i", a.train_slices).tolist(), [0, 1, 0])
        imgs = bw.Arrays(array("f", [0.5] * 2 * 4), (2, 2, 2))
        b = analysis(training_set=bw.Data(imgs, [0, 1]), test_set=bw.Data(imgs, [1, 0]))
        self.assertEqual(b.meta["image"], {"channels": 1, "height": 2, "width": 2})

    def test_bad_inputs_name_what_and_where(self):
        cases = [
            (dict(training_set=([[1, 2], [3, float("nan")]], [0, 1])), "training_set features: row 1, feature 1 is nan"),
            (dict(training_set=([[1, 2], [3]], [0, 1])), "training_set features: row 1 has 1 values, row 0 has 2"),
            (dict(training_set=([[1, 2], [3, "x"]], [0, 1])), "training_set features: row 1 holds a value that is not a number"),
            (dict(training_set=([[1, 2]], [-1])), "training_set labels: label 0 is -1"),
            (dict(training_set=([[1, 2]], [0.5])), "label 0 is 0.5"),
            (dict(training_set=([[1, 2], [3, 4]], [0])), "training_set: 2 rows of features but 1 labels"),
            (dict(test_set=([[1, 2, 3]], [0])), "test_set rows have 3 features, training_set rows 2"),
            (dict(training_set=bw.Data([[1], [2]], [0, 1], ids=[5, 5]), test_set=([[1]], [0])), "ids repeat"),
            (dict(training_set=bw.Data([[1], [2]], [0, 1], slices={"a": ["x"]}), test_set=bw.Data([[1]], [0], slices={"a": ["x"]})),
             "slice 'a' has 1 values for 2 rows"),
            (dict(h2="nonsense"), "h2: expected a model"),
            (dict(NewErrorLossClass="BCFancyLoss"), "NewErrorLossClass: unknown loss 'BCFancyLoss'"),
            (dict(new_error_loss_kwargs={"gamma": 2}), "unknown loss arguments ['gamma']"),
            (dict(OptimizerClass="RMSprop"), "'rmsprop' is not supported"),
            (dict(optimizer_kwargs={"lr": 0.1, "rho": 0.9}), "optimizer_kwargs: unknown ['rho']"),
            (dict(performance_metric="auc"), "performance_metric: 'auc' is not supported"),
            (dict(lambda_c_stepsize=0), "lambda_c_stepsize must be > 0"),
            (dict(use_ml_flow=True), "bcml export-mlflow"),
            (dict(colour="red"), "unknown arguments ['colour']"),
            (dict(h2=bw.MnistNet()), "mnist-net needs images of shape (1, 28, 28)"),
        ]
        for kw, message in cases:
            with self.subTest(message=message):
                with self.assertRaises((ValueError, TypeError)) as ctx:
                    analysis(**kw)
                self.assertIn(message, str(ctx.exception))

    def test_h1_outputs_are_scores_or_labels(self):
        import numpy as np
        a = analysis(h1=bw.Outputs([[0.1, 0.9], [2, 1], [0, 0], [1, 3]], [[1, 0], [0, 1]], probabilities=True))
        self.assertEqual(array("f", a.h1_test).tolist(), [1, 0, 0, 1])
        self.assertEqual(a.meta["h1"], {"outputs": True, "probabilities": True})
        b = analysis(h1=bw.Outputs(np.array([0, 1, 0, 1]), np.array([1, 0])))
        self.assertEqual(array("f", b.h1_train).tolist(), [0, 1, 0, 1])
        with self.assertRaisesRegex(ValueError, "h1 outputs on the training set: 3 rows for 4 instances"):
            analysis(h1=bw.Outputs([[1, 0]] * 3, [[1, 0]] * 2))
        with self.assertRaisesRegex(ValueError, "h1 outputs on the test set: row 1, feature 0 is inf"):
            analysis(h1=bw.Outputs([[1, 0]] * 4, [[1, 0], [float("inf"), 0]]))
        with self.assertRaisesRegex(ValueError, "2 scores per training row, 3 per test row"):
            analysis(h1=bw.Outputs([[1, 0]] * 4, [[1, 0, 0]] * 2))

    def test_trained_fraction_is_checked(self):
        with self.assertRaisesRegex(ValueError, r"fraction must be in \(0, 1\], got 0"):
            bw.Trained(bw.MLP([4]), fraction=0)

    def test_the_originals_names_map_to_bcmls(self):
        class StrictImitationKLDivergenceLoss:  # e.g. the original library's class, by name
            pass
        a = analysis(NewErrorLossClass=bw.BCNLLLoss, StrictImitationLossClass=StrictImitationKLDivergenceLoss,
                     OptimizerClass=bw.Adam, optimizer_kwargs={"lr": 0.001, "betas": (0.9, 0.99)}, performance_metric="model_accuracy",
                     new_error_loss_kwargs={"num_classes": 2})
        self.assertEqual(a.config["new_error"], "new-error-nll")
        self.assertEqual(a.config["strict_imitation"], "strict-imitation-kl")
        self.assertEqual(a.config["optimizer"], {"name": "adam", "lr": 0.001, "betas": [0.9, 0.99]})
        self.assertEqual(a.config["metric"], "accuracy")
        b = analysis(NewErrorLossClass="FocalDistillationLoss", new_error_loss_kwargs={"alpha": 1, "beta": 5})
        self.assertEqual(b.config["new_error"], {"name": "focal-distillation", "alpha": 1, "beta": 5})

    def test_csv_files_are_passed_as_bytes_with_their_roles(self):
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "t.csv"
            p.write_text("id,x,label\n1,2.5,a\n2,3.5,b\n")
            roles = dict(label="label", id="id")
            a = analysis(training_set=bw.CsvFile(p, **roles), test_set=bw.CsvFile(p, **roles), h2=bw.LogisticRegression())
            self.assertEqual(a.train_csv, p.read_bytes())
            self.assertEqual(a.meta["csv"]["label"], "label")
            self.assertEqual(a.meta["h2"]["spec"], {"preset": "logreg"})  # sized in the browser
            with self.assertRaisesRegex(ValueError, "roles"):
                analysis(training_set=bw.CsvFile(p, **roles), test_set=bw.CsvFile(p, label="x"))

    def test_comparison_of_predictions_scores_and_models(self):
        c = bw.ModelComparison([0, 1, 2], [[0.1, 0.9, 0], [1, 0, 0], [0, 0, 1]], [0, 1, 2], get_instance_metadata=lambda i: f"row {i}")
        self.assertEqual(array("i", c.h2_labels).tolist(), [1, 0, 2])
        self.assertEqual(c.meta["metadata"], ["row 0", "row 1", "row 2"])
        m = bw.ModelComparison(b"model bytes", [0, 1], bw.Data([[1.0], [2.0]], [0, 1]))
        self.assertEqual(m.h1_model, b"model bytes")
        self.assertTrue(m.meta["h1"]["model"])
        with self.assertRaisesRegex(ValueError, "h2: 1 predictions for 2 labels"):
            bw.ModelComparison([0, 1], [0], [0, 1])
        with self.assertRaisesRegex(ValueError, "saved models need the features"):
            bw.ModelComparison(b"m", [0, 1], [0, 1])


class Readers(unittest.TestCase):
    def test_idx_and_npy(self):
        with tempfile.TemporaryDirectory() as d:
            idx = Path(d) / "x.idx.gz"
            idx.write_bytes(gzip.compress(b"\0\0\x08\x02" + struct.pack(">II", 2, 3) + bytes([0, 1, 2, 3, 4, 255])))
            a = bw.read_idx(idx)
            self.assertEqual((a.shape, a.values.tolist()), ((2, 3), [0, 1, 2, 3, 4, 255]))
            self.assertEqual(a.scaled(1 / 255).values[5], 1.0)
            self.assertEqual(a.rows(1).values.tolist(), [3, 4, 255])
            (Path(d) / "short.idx").write_bytes(b"\0\0\x08\x01" + struct.pack(">I", 10) + b"abc")
            with self.assertRaisesRegex(ValueError, "promises 10 values of 1 bytes, the file holds 3 bytes"):
                bw.read_idx(Path(d) / "short.idx")
            import numpy as np
            np.save(Path(d) / "y.npy", np.array([[1.5, 2], [3, 4]], dtype="<f8"))
            b = bw.read_npy(Path(d) / "y.npy")
            self.assertEqual((b.shape, b.values.tolist()), ((2, 2), [1.5, 2, 3, 4]))
            np.save(Path(d) / "z.npy", np.array(["a"]))
            with self.assertRaisesRegex(ValueError, "dtype <U1 is not supported"):
                bw.read_npy(Path(d) / "z.npy")


class Results(unittest.TestCase):
    def test_results_save_atomically_and_reload(self):
        a = analysis()
        with self.assertRaisesRegex(RuntimeError, "no summary yet: the widget is waiting"):
            a.summary_table()
        seen = []
        a.on_done(lambda w: seen.append(w.status))
        record = {"datapoint_index": 0, "lambda_c": 0, "btc": 0.9, "bec": 0.5}
        a.set_state({"status": "done", "summary": {"data": [{"datapoint_index": 0, "lambda_c": 0, "testing": True, "new-error": True, "btc": 0.9}]},
                     "evaluations": {"0": record}})
        self.assertEqual(seen, ["done"])
        self.assertEqual(a.summary_table()[0]["dissonance"], "new-error")
        with tempfile.TemporaryDirectory() as d:
            folder = a.save(Path(d) / "sweep")
            self.assertEqual(sorted(p.name for p in folder.iterdir()), ["0-evaluation-data.json", "sweep_summary.json"])
            self.assertEqual(json.loads((folder / "0-evaluation-data.json").read_text()), record)
            again = bw.CompatibilityAnalysis.load(folder)
            self.assertEqual(again.kind, "saved")
            self.assertEqual(set(again.folder), {"0-evaluation-data.json", "sweep_summary.json"})
            with self.assertRaisesRegex(FileNotFoundError, "no sweep files"):
                bw.CompatibilityAnalysis.load(Path(d) / "empty")

    def test_the_kernel_core_says_where_it_runs(self):
        with self.assertRaisesRegex(RuntimeError, "needs JupyterLite"):
            bw.Model(bw.MLP([4])).fit([[1.0]], [0])


if __name__ == "__main__":
    unittest.main()
