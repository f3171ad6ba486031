"""Turning what a notebook holds (lists, NumPy arrays, pandas frames, files) into the flat little-endian
arrays the widget's wasm takes, with errors that say which input and which row is wrong. Pure Python:
NumPy and pandas are used when present, never required (Pyodide sites need not ship them)."""
import math
import struct
import sys
from array import array
from pathlib import Path


class Arrays:
    """Features [n, ...] as a flat float32 array plus their shape (what read_idx / read_npy return)."""

    def __init__(self, values, shape):
        self.values, self.shape = values, tuple(shape)

    def __len__(self):
        return self.shape[0]

    def tolist(self):
        return self.values.tolist()

    def scaled(self, factor):
        """The same arrays times factor (e.g. 1 / 255 for pixels)."""
        return Arrays(array("f", (v * factor for v in self.values)), self.shape)

    def rows(self, start, stop=None):
        """Rows start..stop-1 (a training/test split of one file)."""
        stop = self.shape[0] if stop is None else stop
        width = math.prod(self.shape[1:])
        return Arrays(self.values[start * width:stop * width], (stop - start,) + self.shape[1:])


class Data:
    """A labelled set: features x [n, dim] (or images [n, c, h, w] / [n, h, w]), labels y [n] (whole numbers or
    class names), optional ids [n] (whole numbers; default 0..n-1) and slices {column name: [n values]}."""

    def __init__(self, x, y, ids=None, slices=None):
        self.x, self.y, self.ids, self.slices = x, y, ids, dict(slices or {})

    def rows(self, start, stop=None):
        """Rows start..stop-1 (lists, NumPy/pandas or Arrays alike)."""
        cut = lambda v: None if v is None else v.rows(start, stop) if isinstance(v, Arrays) else \
            v.iloc[start:stop] if hasattr(v, "iloc") else v[start:stop]
        return Data(cut(self.x), cut(self.y), cut(self.ids), {k: cut(v) for k, v in self.slices.items()})

    def split(self, fraction):
        """(the first fraction of the rows, the rest), cut where `bcml`'s "fraction" and "start" cut."""
        n = len(plain(self.y))
        k = math.floor(fraction * n + 0.5)
        return self.rows(0, k), self.rows(k, n)

    def positive(self, k):
        """The same rows labelled 1 for class k and 0 for the rest (a binary task, as `bcml`'s "positive")."""
        return Data(self.x, [int(v == k) for v in plain(self.y)], self.ids, self.slices)


class CsvFile:
    """A CSV file (path or text) read by bcml's own CSV reader in the browser, as on the command line: the label
    column, an optional id column, slice columns and columns to leave out; numeric columns are standardised and
    text columns one-hot encoded with the training set's encoding."""

    def __init__(self, source, label, id=None, slices=(), ignore=()):
        if isinstance(source, (bytes, bytearray)):
            self.name, self.bytes = "CSV", bytes(source)
        elif isinstance(source, str) and "\n" in source:
            self.name, self.bytes = "CSV", source.encode("utf-8")
        else:
            self.name, self.bytes = Path(source).name, Path(source).read_bytes()
        self.roles = {"label": label, "id": id, "slices": list(slices), "ignore": list(ignore)}


def as_data(value, what):
    if isinstance(value, Data):
        return value
    if isinstance(value, (tuple, list)) and len(value) in (2, 3):
        return Data(*value)
    raise TypeError(f"{what}: expected a Data(x, y, ...) or an (x, y) pair, got {type(value).__name__}")


def _np():
    return sys.modules.get("numpy")


def features(x, what):
    """float32 bytes, n, dim and the image shape (channels, height, width) or None."""
    if isinstance(x, Arrays):
        shape, flat = x.shape, x.values
    elif hasattr(x, "to_numpy") or (_np() is not None and isinstance(x, _np().ndarray)):
        a = (x.to_numpy() if hasattr(x, "to_numpy") else x).astype("float32", copy=False)
        shape, flat = a.shape, a
    else:
        rows = list(x)
        if not rows:
            raise ValueError(f"{what}: no rows")
        width = None
        flat = array("f")
        for i, row in enumerate(rows):
            r = list(row) if hasattr(row, "__iter__") else [row]
            if width is None:
                width = len(r)
            elif len(r) != width:
                raise ValueError(f"{what}: row {i} has {len(r)} values, row 0 has {width}")
            try:
                flat.extend(float(v) for v in r)
            except (TypeError, ValueError) as e:
                raise ValueError(f"{what}: row {i} holds a value that is not a number ({e})") from None
        shape = (len(rows), width)
    n = shape[0] if shape else 0
    if n < 1 or len(shape) < 2:
        raise ValueError(f"{what}: expected rows of features, got shape {tuple(shape)}")
    dim = math.prod(shape[1:])
    if dim < 1:
        raise ValueError(f"{what}: rows have no features (shape {tuple(shape)})")
    data = flat.tobytes() if hasattr(flat, "tobytes") else bytes(flat)
    if sys.byteorder != "little":
        raise ValueError("bcml_widgets needs a little-endian machine")
    check_finite(data, dim, what)
    image = None
    if len(shape) == 3:
        image = {"channels": 1, "height": shape[1], "width": shape[2]}
    elif len(shape) == 4:
        image = {"channels": shape[1], "height": shape[2], "width": shape[3]}
    return data, n, dim, image


def check_finite(data, dim, what):
    np = _np()
    if np is not None:
        a = np.frombuffer(data, dtype="<f4")
        bad = np.flatnonzero(~np.isfinite(a))
        k = int(bad[0]) if bad.size else -1
    else:
        k = next((i for i, v in enumerate(array("f", data)) if not math.isfinite(v)), -1)
    if k >= 0:
        raise ValueError(f"{what}: row {k // dim}, feature {k % dim} is {array('f', data[4 * k:4 * k + 4])[0]}; features must be finite")


def plain(values):
    if hasattr(values, "tolist"):
        return values.tolist()
    return list(values)


def labels(ys, what_list):
    """int32 bytes per set and the class names (None when the labels are whole numbers)."""
    lists = [plain(y) for y in ys]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for y in lists for v in y):
        out = []
        for (what, y) in zip(what_list, lists):
            for i, v in enumerate(y):
                if v != v or v < 0 or v != int(v):
                    raise ValueError(f"{what}: label {i} is {v}; labels must be whole numbers >= 0 (or class names)")
            out.append(array("i", (int(v) for v in y)).tobytes())
        return out, None, max((max(y) for y in lists if y), default=0) + 1
    names = sorted({str(v) for y in lists for v in y})
    index = {n: k for k, n in enumerate(names)}
    return [array("i", (index[str(v)] for v in y)).tobytes() for y in lists], names, len(names)


def ids(values, n, what, start=0):
    if values is None:
        return array("d", range(start, start + n)).tobytes()
    v = plain(values)
    if len(v) != n:
        raise ValueError(f"{what}: {len(v)} ids for {n} rows")
    for i, x in enumerate(v):
        if x != int(x):
            raise ValueError(f"{what}: id {i} is {x}; ids must be whole numbers")
    if len(set(v)) != n:
        raise ValueError(f"{what}: ids repeat; every instance needs its own id")
    return array("d", (float(x) for x in v)).tobytes()


def slices(columns_per_set, ns, whats):
    """[{name, names}] and per set one int32 block of n per slice (the same names on every set)."""
    keys = list(columns_per_set[0])
    for cols, what in zip(columns_per_set, whats):
        if list(cols) != keys:
            raise ValueError(f"{what}: slice columns {list(cols)} differ from {keys}")
    meta, blocks = [], [array("i") for _ in ns]
    for key in keys:
        values = [[str(v) for v in plain(cols[key])] for cols in columns_per_set]
        for v, n, what in zip(values, ns, whats):
            if len(v) != n:
                raise ValueError(f"{what}: slice {key!r} has {len(v)} values for {n} rows")
        names = sorted({x for v in values for x in v})
        index = {x: k for k, x in enumerate(names)}
        meta.append({"name": str(key), "names": names})
        for block, v in zip(blocks, values):
            block.extend(index[x] for x in v)
    return meta, [b.tobytes() for b in blocks]


def outputs(values, n, what):
    """Per-class scores [n, k] (or labels [n]) as float32 bytes and k: the same checks as features."""
    if getattr(values, "ndim", 2) == 1:  # NumPy / pandas labels [n]: one column
        values = values.reshape(-1, 1) if hasattr(values, "reshape") else values.to_numpy().reshape(-1, 1)
    data, rows, k, _ = features(values, what)
    if rows != n:
        raise ValueError(f"{what}: {rows} rows for {n} instances")
    return data, k


def predicted_labels(values):
    """Labels from labels [n] or per-class scores [n, k] (the highest score wins, the first on ties)."""
    rows = plain(values)
    out = []
    for r in rows:
        if hasattr(r, "__len__") and not isinstance(r, str):
            r = list(r)
            out.append(max(range(len(r)), key=lambda k: (r[k], -k)))
        else:
            out.append(r)
    return out


# ---- readers for the files the example notebooks use (no NumPy needed)

def read_idx(path):
    """An IDX file (MNIST's format, gzip allowed) as Arrays; unsigned bytes stay 0..255 (divide for [0, 1])."""
    import gzip
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] or raw[1]:
        raise ValueError(f"{path}: not an IDX file (bad magic)")
    kinds = {0x08: ("B", 1), 0x09: ("b", 1), 0x0B: (">h", 2), 0x0C: (">i", 4), 0x0D: (">f", 4), 0x0E: (">d", 8)}
    if raw[2] not in kinds:
        raise ValueError(f"{path}: unknown IDX type 0x{raw[2]:02x}")
    fmt, size = kinds[raw[2]]
    dims = struct.unpack(f">{raw[3]}I", raw[4:4 + 4 * raw[3]])
    count = math.prod(dims)
    body = raw[4 + 4 * raw[3]:]
    if len(body) != count * size:
        raise ValueError(f"{path}: the header promises {count} values of {size} bytes, the file holds {len(body)} bytes")
    if size == 1:
        values = array("f", array("B" if fmt == "B" else "b", body))
    else:
        values = array("f", struct.unpack(f">{count}{fmt[1]}", body))
    return Arrays(values, dims)


def read_npy(path):
    """A .npy file of numbers (little-endian float/int, C order) as Arrays."""
    raw = Path(path).read_bytes()
    if raw[:6] != b"\x93NUMPY":
        raise ValueError(f"{path}: not a .npy file (bad magic)")
    hlen, start = (struct.unpack("<H", raw[8:10])[0], 10) if raw[6] == 1 else (struct.unpack("<I", raw[8:12])[0], 12)
    import ast
    header = ast.literal_eval(raw[start:start + hlen].decode("latin-1"))
    if header.get("fortran_order"):
        raise ValueError(f"{path}: Fortran order is not supported; save with np.ascontiguousarray")
    kinds = {"<f4": "f", "<f8": "d", "<i4": "i", "<i8": "q", "|u1": "B", "<u1": "B", "|i1": "b"}
    descr = header.get("descr")
    if descr not in kinds:
        raise ValueError(f"{path}: dtype {descr} is not supported (little-endian float32/64, int8/32/64, uint8)")
    shape = tuple(header["shape"])
    count = math.prod(shape)
    body = raw[start + hlen:]
    width = array(kinds[descr]).itemsize
    if len(body) != count * width:
        raise ValueError(f"{path}: the header promises {count} values, the file holds {len(body) // width}")
    return Arrays(array("f", array(kinds[descr], body)), shape)
