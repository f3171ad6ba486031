"""bcml's WebAssembly core inside the Pyodide kernel (JupyterLite): the same module the widgets run, called
synchronously from Python, so `fit` returns when the training is done, as in Keras. A thin layer over the flat
C API of wasm/bcml_wasm.c (pointers, 32-bit sizes, JSON options): bytes are copied in once per call and the
results copied out; every failure raises BcmlError with the C library's message."""
import json
import sys
from array import array
from pathlib import Path

STATIC = Path(__file__).parent / "static"
# (module (func (result v128) (v128.const i32x4 0 0 0 0))): does this engine run wasm SIMD128?
SIMD_PROBE = bytes([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11])


class BcmlError(Exception):
    """An error of bcml's C core (its message names what and where)."""


_core = None


def core():
    """The kernel's one instance of the core (made on first use)."""
    global _core
    if _core is None:
        if sys.platform != "emscripten":
            raise RuntimeError("Model.fit and CompatibilityModel run bcml's WebAssembly inside the kernel, which needs "
                               "JupyterLite (Pyodide). In a classic Jupyter kernel train with `bcml train` or "
                               "CompatibilityAnalysis, whose widget runs in the browser.")
        _core = _Core()
    return _core


class _Core:
    def __init__(self):
        import js
        from pyodide.ffi import create_proxy, to_js
        self._js, self._to_js = js, to_js
        simd = bool(js.WebAssembly.validate(to_js(SIMD_PROBE)))
        wasm = (STATIC / ("bcml-simd.wasm" if simd else "bcml-scalar.wasm")).read_bytes()
        self.progress = None
        self._proxies = [create_proxy(self._on_progress), create_proxy(lambda *a: None)]
        env = js.Object.new()
        env.bw_progress, env.emscripten_notify_memory_growth = self._proxies
        imports = js.Object.new()
        imports.env = env
        # synchronous compilation is allowed in workers, where the kernel runs
        self.x = js.WebAssembly.Instance.new(js.WebAssembly.Module.new(to_js(wasm)), imports).exports
        self.kernels = self.string(self.x.bw_simd())

    def _on_progress(self, kind, a, b, c, d, value):
        return 1 if self.progress and self.progress(kind, a, b, c, d, value) else 0

    # ---- memory: views are made fresh, since memory may grow during a call
    def view(self, ptr, n):
        return self._js.Uint8Array.new(self.x.memory.buffer, ptr, n)

    def put(self, data):
        data = bytes(data)
        p = self.x.bw_malloc(max(len(data), 1))
        if not p:
            raise BcmlError("out of memory")
        if data:
            self.view(p, len(data)).set(self._to_js(data))
        return p

    def cstr(self, text):
        return self.put(text.encode("utf-8") + b"\0")

    def get(self, ptr, n):
        return self.view(ptr, n).to_bytes() if n else b""

    def string(self, ptr):
        mem = self._js.Uint8Array.new(self.x.memory.buffer)
        end = mem.indexOf(0, ptr)
        return self.get(ptr, end - ptr).decode("utf-8")

    def i32(self, ptr):
        return array("i", self.get(ptr, 4))[0]

    def error(self):
        return BcmlError(self.string(self.x.bw_error()) or "bcml error")

    def take_string(self, ptr):
        """A string the core allocated for the caller, freed after reading."""
        if not ptr:
            raise self.error()
        try:
            return self.string(ptr)
        finally:
            self.x.bw_free(ptr)

    def call(self, name, *args):
        """Calls an export that returns a status (0: ok)."""
        if getattr(self.x, name)(*args):
            raise self.error()

    # ---- models
    def model_create(self, spec, seed):
        s = self.cstr(json.dumps(spec))
        try:
            m = self.x.bw_model_create(s, float(seed))
        finally:
            self.x.bw_free(s)
        if not m:
            raise self.error()
        return m

    def model_load(self, data):
        p = self.put(data)
        try:
            m = self.x.bw_model_load(p, len(data))
        finally:
            self.x.bw_free(p)
        if not m:
            raise self.error()
        return m

    def model_save(self, m):
        out, ln = self.put(b"\0" * 4), self.put(b"\0" * 4)
        try:
            self.call("bw_model_save", m, out, ln)
            p = self.i32(out)
            data = self.get(p, self.i32(ln))
            self.x.bw_free(p)
            return data
        finally:
            self.x.bw_free(out)
            self.x.bw_free(ln)

    def model_predict(self, m, x, n):
        k = self.x.bw_model_output_size(m)
        px, out = self.put(x), self.put(b"\0" * (4 * n * k))
        try:
            self.call("bw_model_predict", m, px, n, out)
            return self.get(out, 4 * n * k), k
        finally:
            self.x.bw_free(px)
            self.x.bw_free(out)

    def train(self, m, x, y, n, dim, h1_outputs, options):
        epochs = int(options.get("epochs", 1))
        px, py = self.put(x), self.put(y)
        ph1 = self.put(h1_outputs) if h1_outputs is not None else 0
        opts, losses, done = self.cstr(json.dumps(options)), self.put(b"\0" * (8 * max(epochs, 1))), self.put(b"\0" * 4)
        try:
            self.call("bw_train", m, px, py, n, dim, ph1, opts, losses, done)
            return list(array("d", self.get(losses, 8 * self.i32(done))))
        finally:
            for p in (px, py, ph1, opts, losses, done):
                if p:
                    self.x.bw_free(p)

    def evaluate(self, h1, h2, y, n, ids, options):
        ps = [self.put(h1), self.put(h2), self.put(y), self.put(ids), self.cstr(json.dumps(options))]
        try:
            return json.loads(self.take_string(self.x.bw_evaluate(n, ps[0], ps[1], ps[2], ps[3], 0, ps[4])))
        finally:
            for p in ps:
                self.x.bw_free(p)

    def csv_table(self, text, options, encoding=None):
        """A CSV file through bcml's reader: its metadata (n, dim, class names, encoding) and x, y, ids bytes."""
        ptext, popts = self.put(text), self.cstr(json.dumps(options))
        penc = self.cstr(json.dumps(encoding)) if encoding is not None else 0
        outs = [self.put(b"\0" * 4) for _ in range(4)]
        try:
            meta = json.loads(self.take_string(self.x.bw_csv_table(ptext, len(text), popts, penc, *outs)))
            arrays = []
            for out, width, count in zip(outs, (4, 4, 8), (meta["n"] * meta["dim"], meta["n"], meta["n"])):
                p = self.i32(out)
                arrays.append(self.get(p, width * count) if p else None)
                if p:
                    self.x.bw_free(p)
            slices = self.i32(outs[3])
            if slices:
                self.x.bw_free(slices)
            return meta, arrays
        finally:
            for p in (ptext, popts, penc, *outs):
                if p:
                    self.x.bw_free(p)
