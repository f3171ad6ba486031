"""The original library's compatibility_sweep with its MNIST CNN (the benchmark's case 2), timed.

The authors' Net from the original's MNIST notebooks (conv 1->10 k5, maxpool, relu; conv 10->20 k5, Dropout2d,
maxpool, relu; fc 320->50, relu, dropout; fc 50->10; returning logits, softmax, log-softmax), on the same images
bcml reads (IDX, scaled by 1/255), with bcml's h1 copied in. Prints JSON: seconds, torch version and threads.
Usage: mnist_sweep.py TRAIN_IMAGES TRAIN_LABELS TEST_IMAGES TEST_LABELS H1.bcml EPOCHS STEP OUT_DIR
"""
import json, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F
from backwardcompatibilityml.helpers import training
from backwardcompatibilityml.loss import BCCrossEntropyLoss, StrictImitationCrossEntropyLoss
from common import bcml_weights, batches, load_into, read_idx


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = F.dropout(F.relu(self.fc1(x.view(-1, 320))), training=self.training)
        x = self.fc2(x)
        return x, F.softmax(x, dim=1), F.log_softmax(x, dim=1)


xi, yi, xt, yt, h1_path, epochs, step, out = sys.argv[1:9]
epochs, step = int(epochs), float(step)
images = lambda p: torch.from_numpy(read_idx(p).astype('float32') * (1 / 255)).unsqueeze(1)
labels = lambda p: torch.from_numpy(read_idx(p).astype('int64'))
xtr, ytr, xte, yte = images(xi), labels(yi), images(xt), labels(yt)
h1 = Net()
load_into(h1, bcml_weights(h1_path))
h1.eval()
torch.manual_seed(1)
h2 = Net()
train_set, test_set = batches(xtr, ytr, 64, 0), batches(xte, yte, 1000, len(ytr))
t0 = time.perf_counter()
training.compatibility_sweep(out, epochs, h1, h2, train_set, test_set, 64, 1000, torch.optim.SGD, {'lr': 0.01, 'momentum': 0.5},
                             BCCrossEntropyLoss, StrictImitationCrossEntropyLoss, lambda_c_stepsize=step)
print(json.dumps({'seconds': time.perf_counter() - t0, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
                  'summary': json.load(open(f'{out}/sweep_summary.json'))}))
