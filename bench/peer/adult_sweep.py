"""The original library's compatibility_sweep on UCI Adult (the benchmark's case 1), timed.

Data are encoded exactly as bcml encodes them (its encoding.json: standardised numbers, one-hot categories) and
h1 is bcml's h1 (its weights read from the .bcml file), so both systems sweep the same task. Prints JSON:
seconds, the summary rows, and a scores check on the original's own models (BTC, accuracy and the original's
BEC from its scores module, for bcml to recompute from the same predictions).
Usage: adult_sweep.py TRAIN.csv TEST.csv ENCODING.json H1.bcml EPOCHS STEP OUT_DIR
"""
import csv, json, sys, time
import numpy as np
import torch
import backwardcompatibilityml.scores as scores
from backwardcompatibilityml.helpers import training
from backwardcompatibilityml.helpers.models import LogisticRegression
from backwardcompatibilityml.loss import BCCrossEntropyLoss, StrictImitationCrossEntropyLoss
from common import bcml_weights, batches

train_csv, test_csv, enc_path, h1_path, epochs, step, out = sys.argv[1:8]
epochs, step = int(epochs), float(step)
enc = json.load(open(enc_path))


def encode(path):
    rows = list(csv.DictReader(open(path, newline='')))
    cols = []
    for c in enc['columns']:
        if 'categories' in c:
            cats = c['categories']
            cols.append(np.array([[1.0 if r[c['name']].strip() == k else 0.0 for k in cats] for r in rows], dtype=np.float32))
        else:
            cols.append(((np.array([float(r[c['name']]) for r in rows]) - c['mean']) / c['std']).astype(np.float32)[:, None])
    x = np.concatenate(cols, axis=1)
    y = np.array([enc['classes'].index(r[enc['label']].strip()) for r in rows], dtype=np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


xtr, ytr = encode(train_csv)
xte, yte = encode(test_csv)
dim, classes = xtr.shape[1], len(enc['classes'])
h1 = LogisticRegression(dim, classes)
p = torch.from_numpy(bcml_weights(h1_path).copy())
with torch.no_grad():
    h1.linear.weight.copy_(p[:classes * dim].view(classes, dim))
    h1.linear.bias.copy_(p[classes * dim:])
h1.eval()
torch.manual_seed(1)
h2 = LogisticRegression(dim, classes)
train_set, test_set = batches(xtr, ytr, 754, 0), batches(xte, yte, 6033, len(ytr))
t0 = time.perf_counter()
training.compatibility_sweep(out, epochs, h1, h2, train_set, test_set, 754, 6033, torch.optim.SGD, {'lr': 0.01, 'momentum': 0.5},
                             BCCrossEntropyLoss, StrictImitationCrossEntropyLoss, lambda_c_stepsize=step)
seconds = time.perf_counter() - t0
summary = json.load(open(f'{out}/sweep_summary.json'))

# the scores check: the original's own scores on the whole test set at once (one batch: pooled)
with torch.no_grad():
    l1 = h1(xte)[0].argmax(1).tolist()
    h2_last = LogisticRegression(dim, classes)
    state = torch.load(f'{out}/{summary["data"][-1]["lambda_c"]}-model-strict-imitation.state')
    h2_last.load_state_dict(state)
    l2 = h2_last(xte)[0].argmax(1).tolist()
y = yte.tolist()
check = {'h1': l1, 'h2': l2, 'y': y, 'btc': scores.trust_compatibility_score(l1, l2, y),
         'bec_upstream': scores.error_compatibility_score(l1, l2, y), 'h2_accuracy': sum(a == b for a, b in zip(l2, y)) / len(y)}
print(json.dumps({'seconds': seconds, 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'summary': summary, 'check': check}))
