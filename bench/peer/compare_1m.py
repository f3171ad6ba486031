"""The original library's model comparison on given predictions (the benchmark's case 3), timed.

compare_models needs models and a dataset, so each instance's input is its two models' logits side by side
and each "model" returns its half: the comparison itself (error overlap, per-class accuracy, incompatible
points, error instances, BTC, BEC, accuracy) is the original's code. Prints JSON: seconds, BTC and its BEC.
Usage: compare_1m.py H1.npy H2.npy Y.npy BATCH
"""
import json, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from backwardcompatibilityml.helpers import comparison
from backwardcompatibilityml.metrics import model_accuracy
from common import batches


class Given(torch.nn.Module):
    def __init__(self, half, classes):
        super().__init__()
        self.half, self.classes = half, classes

    def forward(self, x):
        z = x[:, self.half * self.classes:(self.half + 1) * self.classes]
        return z, F.softmax(z, dim=1), F.log_softmax(z, dim=1)


h1, h2, y = (np.load(f) for f in sys.argv[1:4])
batch = int(sys.argv[4])
classes = h1.shape[1]
x = torch.from_numpy(np.concatenate([h1, h2], axis=1))
data = batches(x, torch.from_numpy(y.astype('int64')), batch, 0)
t0 = time.perf_counter()
r = comparison.compare_models(Given(0, classes), Given(1, classes), data, model_accuracy)
seconds = time.perf_counter() - t0
print(json.dumps({'seconds': seconds, 'btc': r['btc'], 'bec_upstream': r['bec'], 'h2_performance': r['h2_performance'],
                  'error_instances': len(r['error_instances'])}))
