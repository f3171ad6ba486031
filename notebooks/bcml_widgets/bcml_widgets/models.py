"""Models as bcml model specs (the same JSON the CLI takes), sized from the data when the widget is made,
and the ways to give h1: trained in the browser first, a saved bcml model, or its outputs only."""
from pathlib import Path


class Spec:
    """A model spec; input size and class count are filled in from the data."""

    def __init__(self, preset, **fields):
        self.preset, self.fields = preset, fields

    def spec(self, dim, classes, image):
        if self.preset == "layers":
            return dict(self.fields)
        if self.preset in ("mnist-net", "cifar-net"):
            want = (1, 28, 28) if self.preset == "mnist-net" else (3, 32, 32)
            got = image and (image["channels"], image["height"], image["width"])
            if got != want:
                raise ValueError(f"{self.preset} needs images of shape {want} (channels, height, width); the data has {got or dim}")
            return {"preset": self.preset, "classes": classes}
        shape = [image["channels"], image["height"], image["width"]] if image else dim
        return {"preset": self.preset, "input": shape, "classes": classes, **self.fields}  # fields' classes win

    def unsized(self):
        """The spec without input size and class count, for data the browser encodes (CSV files)."""
        if self.preset == "layers":
            return dict(self.fields)
        return {"preset": self.preset, **self.fields}

    def __repr__(self):
        return f"Spec({self.preset!r}, {self.fields})"


def _classes(classes):
    return {} if classes is None else {"classes": int(classes)}


def MLP(hidden=(128,), classes=None):
    """A multi-layer perceptron with ReLU hidden layers; classes=1 gives one sigmoid output (binary losses)."""
    return Spec("mlp", hidden=[int(h) for h in hidden], **_classes(classes))


def LogisticRegression(classes=None):
    """Logistic regression: softmax over the classes, or classes=1 for one sigmoid output (binary losses)."""
    return Spec("logreg", **_classes(classes))


def MnistNet():
    """The original library's MNIST CNN (Net): two convolutions, two dense layers; 28x28 grey images."""
    return Spec("mnist-net")


def CifarNet():
    """A small CNN for 32x32 colour images."""
    return Spec("cifar-net")


def Layers(spec):
    """An explicit spec {"input": ..., "layers": [...]} as `bcml train` takes it."""
    return Spec("layers", **spec)


class Trained:
    """h1 as the update story has it: `model` trained in the browser on the first `fraction` of the training
    set before the sweep (epochs, batch size and optimizer default to the sweep's)."""

    def __init__(self, model, fraction=0.5, epochs=None, batch_size=None, optimizer=None, seed=None):
        if not 0 < fraction <= 1:
            raise ValueError(f"Trained: fraction must be in (0, 1], got {fraction}")
        self.model, self.fraction, self.epochs, self.batch_size, self.optimizer, self.seed = model, fraction, epochs, batch_size, optimizer, seed


class Outputs:
    """h1 given by its outputs only: per-class scores on the training and test sets (logits by default,
    probabilities=True for softmax outputs)."""

    def __init__(self, train, test, probabilities=False):
        self.train, self.test, self.probabilities = train, test, probabilities


def saved_model(value):
    """Bytes of a saved bcml model (`bcml train --out`), from bytes or a path; None for anything else."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, (str, Path)) and str(value).endswith(".bcml"):
        return Path(value).read_bytes()
    return None
