"""Helpers the peer scripts share: bcml's saved weights, the original's batch layout, IDX files."""
import struct
import numpy as np


def bcml_weights(path):
    """The float32 parameters of a .bcml file, in layer order (weight then bias, PyTorch shapes)."""
    b = open(path, 'rb').read()
    assert b[:8] == b'BCMLMDL\0', 'not a bcml model'
    spec_len = struct.unpack('<I', b[12:16])[0]
    n = struct.unpack('<Q', b[16 + spec_len:24 + spec_len])[0]
    return np.frombuffer(b[24 + spec_len:24 + spec_len + 4 * n], dtype='<f4').copy()


def load_into(module, params):
    """Copies bcml's flat parameters into a torch module's parameters, in registration order."""
    import torch
    at = 0
    with torch.no_grad():
        for p in module.parameters():
            k = p.numel()
            p.copy_(torch.from_numpy(params[at:at + k]).view_as(p))
            at += k
    assert at == len(params), f'{len(params)} parameters in the file, {at} in the model'


def batches(x, y, size, first_id):
    """The original's dataset layout: [[ids], x, y] per batch."""
    return [[list(range(first_id + i, first_id + min(i + size, len(y)))), x[i:i + size], y[i:i + size]] for i in range(0, len(y), size)]


def read_idx(path):
    b = open(path, 'rb').read()
    dims = b[3]
    shape = struct.unpack('>' + 'I' * dims, b[4:4 + 4 * dims])
    return np.frombuffer(b[4 + 4 * dims:], dtype=np.uint8).reshape(shape)
