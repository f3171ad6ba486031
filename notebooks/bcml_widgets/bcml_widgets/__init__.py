"""bcml_widgets: backward-compatibility analysis of model updates in Jupyter and JupyterLite notebooks.

    from bcml_widgets import CompatibilityAnalysis, Trained, MLP
    analysis = CompatibilityAnalysis(h1=Trained(MLP([16]), fraction=0.2), h2=MLP([32]),
                                     training_set=(x_train, y_train), test_set=(x_test, y_test))
    analysis            # the widget runs the sweep in the browser (bcml's WebAssembly) and draws it
    analysis.summary    # once it says "done": the sweep summary; .evaluations, .summary_table(), .save(folder)

In JupyterLite the kernel also holds bcml's core (Model, CompatibilityModel: Keras-like fit, evaluate, save).
"""
from .inputs import Arrays, CsvFile, Data, read_idx, read_npy
from .models import MLP, CifarNet, Layers, LogisticRegression, MnistNet, Outputs, Trained
from .options import (SGD, Adam, BCBinaryCrossEntropyLoss, BCCrossEntropyLoss, BCKLDivLoss, BCNLLLoss,
                      FocalDistillationLoss, StrictImitationBinaryCrossEntropyLoss, StrictImitationCrossEntropyLoss,
                      StrictImitationKLDivLoss, StrictImitationNLLLoss)
from .core import BcmlError
from .fit import CompatibilityModel, Model, read_csv
from .widgets import CompatibilityAnalysis, ModelComparison, SavedAnalysis

__version__ = "0.1.0"
__all__ = ["CompatibilityAnalysis", "ModelComparison", "SavedAnalysis", "Model", "CompatibilityModel", "BcmlError", "Data", "CsvFile", "Arrays", "read_idx", "read_npy", "read_csv", "MLP",
           "LogisticRegression", "MnistNet", "CifarNet", "Layers", "Trained", "Outputs", "SGD", "Adam", "BCNLLLoss",
           "BCCrossEntropyLoss", "BCBinaryCrossEntropyLoss", "BCKLDivLoss", "FocalDistillationLoss",
           "StrictImitationNLLLoss", "StrictImitationCrossEntropyLoss", "StrictImitationBinaryCrossEntropyLoss",
           "StrictImitationKLDivLoss"]
