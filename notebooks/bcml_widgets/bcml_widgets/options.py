"""The original library's constructor arguments (loss classes, optimizer classes, metric functions) as the
names bcml's sweep configuration takes. Classes are matched by name, so torch.optim.SGD, the original's
BCCrossEntropyLoss or the markers below all work, and nothing here imports torch."""

NEW_ERROR = {
    "BCNLLLoss": "new-error-nll", "BCCrossEntropyLoss": "new-error-cross-entropy",
    "BCBinaryCrossEntropyLoss": "new-error-bce", "BCKLDivLoss": "new-error-kl", "BCKLDivergenceLoss": "new-error-kl",
    "FocalDistillationLoss": "focal-distillation",
}
STRICT_IMITATION = {
    "StrictImitationNLLLoss": "strict-imitation-nll", "StrictImitationCrossEntropyLoss": "strict-imitation-cross-entropy",
    "StrictImitationBinaryCrossEntropyLoss": "strict-imitation-bce", "StrictImitationKLDivLoss": "strict-imitation-kl",
    "StrictImitationKLDivergenceLoss": "strict-imitation-kl", "FocalDistillationLoss": "focal-distillation",
}
LOSS_KWARGS = {"alpha", "beta", "temperature", "pivot", "reduction", "variant"}
OPTIMIZERS = {"sgd": "sgd", "adam": "adam"}
OPTIMIZER_KWARGS = {"lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps"}
METRICS = {"accuracy": "accuracy", "model_accuracy": "accuracy", "balanced-accuracy": "balanced-accuracy",
           "balanced_accuracy": "balanced-accuracy", "macro-f1": "macro-f1", "macro_f1": "macro-f1"}


def _marker(name, doc):
    return type(name, (), {"__doc__": doc})


# markers with the original's names, for code written against it
for _n in set(NEW_ERROR) | set(STRICT_IMITATION):
    globals()[_n] = _marker(_n, f"The original library's {_n}, as a name for bcml's {NEW_ERROR.get(_n) or STRICT_IMITATION[_n]}.")


class SGD:
    """Stochastic gradient descent (torch.optim.SGD semantics): SGD(lr=0.01, momentum=0.5, ...)."""

    def __init__(self, lr=0.01, **kwargs):
        self.kwargs = {"lr": lr, **kwargs}


class Adam:
    """Adam (torch.optim.Adam semantics): Adam(lr=0.001, betas=(0.9, 0.999), ...)."""

    def __init__(self, lr=0.001, **kwargs):
        self.kwargs = {"lr": lr, **kwargs}


def name_of(value):
    return value if isinstance(value, str) else getattr(value, "__name__", None) or type(value).__name__


def loss(value, table, kwargs, what):
    name = name_of(value)
    family = "new-error" if table is NEW_ERROR else "strict-imitation"
    known = set(table.values())
    bcml_name = table.get(name, name if name in known else None)
    if bcml_name is None:
        raise ValueError(f"{what}: unknown loss {name!r}; use one of {sorted(table)} or {sorted(known)}")
    extra = {k: v for k, v in (kwargs or {}).items() if k != "num_classes"}  # num_classes: bcml reads it off the model
    bad = set(extra) - LOSS_KWARGS
    if bad:
        raise ValueError(f"{what}: unknown loss arguments {sorted(bad)} for a {family} loss (known: {sorted(LOSS_KWARGS)})")
    return {"name": bcml_name, **extra} if extra else bcml_name


def optimizer(cls, kwargs):
    """An optimizer class, instance (SGD(lr=...)) or name, with its arguments, as bcml's optimizer object."""
    if isinstance(cls, (SGD, Adam)):
        cls, kwargs = type(cls), {**cls.kwargs, **(kwargs or {})}
    name = (name_of(cls) or "sgd").lower()
    if name not in OPTIMIZERS:
        raise ValueError(f"OptimizerClass: {name!r} is not supported; use SGD or Adam")
    kw = dict(kwargs or {})
    bad = set(kw) - OPTIMIZER_KWARGS
    if bad:
        raise ValueError(f"optimizer_kwargs: unknown {sorted(bad)} (known: {sorted(OPTIMIZER_KWARGS)})")
    if "betas" in kw:
        kw["betas"] = list(kw["betas"])
    return {"name": OPTIMIZERS[name], **kw}


def metric(value):
    name = name_of(value)
    if name not in METRICS:
        raise ValueError(f"performance_metric: {name!r} is not supported; use one of {sorted(set(METRICS.values()))}")
    return METRICS[name]
