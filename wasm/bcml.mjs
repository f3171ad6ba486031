// bcml.mjs - the JavaScript binding of bcml's WebAssembly build, for browsers (main thread and module
// workers) and Node 20, without a bundler. A thin typed layer over the C API: typed arrays go in and out
// in one call each; C errors arrive as thrown BcmlError with the C message.
//
//   import { load } from './bcml.mjs';
//   const bcml = await load();                 // picks the SIMD build when the engine supports it
//   const { value, grad } = bcml.loss({ loss: 'new-error-nll', lambda_c: 0.5 }, { h1, h2, y, n, c });
//   const sweep = bcml.sweep(config, data, { workers: 2, onProgress, onEvaluation });
//   const summary = await sweep.done;

import { BcmlError } from './error.mjs';

export { BcmlError };

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

// (module (func (result v128) (v128.const i32x4 0 0 0 0)))
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

/** Whether this engine runs WebAssembly SIMD128. */
export function simdSupported() {
  return WebAssembly.validate(SIMD_PROBE);
}

async function readBytes(url) {
  if (isNode && url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const r = await fetch(url);
  if (!r.ok) throw new BcmlError(`cannot load ${url}: HTTP ${r.status}`, 3);
  return new Uint8Array(await r.arrayBuffer());
}

/** The compiled module for this engine (or as asked: { simd: true|false }), to share with workers. */
export async function compile({ simd = simdSupported() } = {}) {
  const url = new URL(`./dist/bcml-${simd ? 'simd' : 'scalar'}.wasm`, import.meta.url);
  return { module: await WebAssembly.compile(await readBytes(url)), simd };
}

/** Loads bcml: { simd } forces a build; { module, simd } reuses a compiled module (workers); { workerUrl }
 * names the sweep worker's module where it cannot be found beside this one (e.g. bundled into blob URLs). */
export async function load(options = {}) {
  const { module, simd } = options.module ? options : await compile(options);
  return new Bcml(module, simd, options.workerUrl ?? null);
}

const enc = new TextEncoder(), dec = new TextDecoder();

// the fields of an evaluation record the sweep summary reads (as the native folder's summary rows)
const SUMMARY_FIELDS = ['datapoint_index', 'lambda_c', 'training', 'testing', 'h2_performance', 'btc', 'bec', 'nfr', 'h1_performance',
  'performance_metric'];

export class Bcml {
  constructor(module, simd, workerUrl = null) {
    this.module = module;
    this.simd = simd;
    this.workerUrl = workerUrl;
    this._progress = null;
    const instance = new WebAssembly.Instance(module, {
      env: {
        bw_progress: (kind, a, b, c, d, value) => (this._progress ? (this._progress(kind, a, b, c, d, value) ? 1 : 0) : 0),
        emscripten_notify_memory_growth: () => {},
      },
    });
    this.x = instance.exports;
    this.version = this._str(this.x.bw_version());
    this.kernels = this._str(this.x.bw_simd());
  }

  // ---- memory helpers: every view is made fresh, since memory may grow during a call
  get _u8() { return new Uint8Array(this.x.memory.buffer); }
  _alloc(bytes) {
    const p = this.x.bw_malloc(bytes);
    if (!p) throw new BcmlError('out of memory', 2);
    return p;
  }
  _copyIn(arr) {
    if (arr == null) return 0;
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    const p = this._alloc(bytes.length || 1);
    this._u8.set(bytes, p);
    return p;
  }
  _cstr(s) {
    if (s == null) return 0;
    const b = enc.encode(s);
    const p = this._alloc(b.length + 1);
    const u8 = this._u8;
    u8.set(b, p);
    u8[p + b.length] = 0;
    return p;
  }
  _str(p) {
    if (!p) return null;
    const u8 = this._u8;
    return dec.decode(u8.subarray(p, u8.indexOf(0, p))); /* indexOf: records run to megabytes, a JS loop costs ms */
  }
  _take(p) { // a C string the library allocated: read, then free
    const s = this._str(p);
    this.x.bw_free(p);
    return s;
  }
  _takeBytes(p) { // the same as UTF-8 bytes
    const u8 = this._u8, s = u8.slice(p, u8.indexOf(0, p));
    this.x.bw_free(p);
    return s;
  }
  _i32(p) { return new Int32Array(this.x.memory.buffer, p, 1)[0]; }
  _ptr(p) { return new Uint32Array(this.x.memory.buffer, p, 1)[0]; }
  _f64(p, n) { return new Float64Array(this.x.memory.buffer, p, n); }
  _error(code) { return new BcmlError(this._str(this.x.bw_error()) || `bcml error ${code}`, code || 1); }
  _check(status) { if (status) throw this._error(status); }
  _scoped(fn) { // frees every pointer allocated through `a` afterwards
    const owned = [];
    const a = { in: (arr) => { const p = this._copyIn(arr); if (p) owned.push(p); return p; },
      str: (s) => { const p = this._cstr(s); if (p) owned.push(p); return p; },
      buf: (bytes) => { const p = this._alloc(bytes); owned.push(p); return p; } };
    try { return fn(a); } finally { for (const p of owned) this.x.bw_free(p); }
  }

  /** One compatibility loss: { value, grad } with grad = d(loss)/d(h2), shaped like h2. */
  loss(options, { h1 = null, h2, y, n = y.length, c = h2.length / n }) {
    return this._scoped((a) => {
      const value = a.buf(8), grad = a.buf(4 * n * c);
      this._check(this.x.bw_loss(a.str(JSON.stringify(options)), n, c, h1 ? a.in(f32(h1)) : 0, a.in(f32(h2)), a.in(i32(y)), value, grad));
      return { value: this._f64(value, 1)[0], grad: new Float32Array(this.x.memory.buffer, grad, n * c).slice() };
    });
  }

  /** The evaluation record of h1 vs h2 (labels), the same JSON as `bcml scores`. slices: [{ name, values, names }]. */
  evaluate({ h1, h2, y, ids = null, metadata, slices = [], metric, numClasses }) {
    return JSON.parse(this.evaluateJson({ h1, h2, y, ids, metadata, slices, metric, numClasses }));
  }

  /** As evaluate, but the JSON text itself (byte for byte what the native library writes). */
  evaluateJson({ h1, h2, y, ids = null, metadata, slices = [], metric, numClasses }) {
    const n = y.length;
    const opts = { metric, num_classes: numClasses, metadata, slices: slices.map((s) => ({ name: s.name, names: s.names })) };
    const sv = slices.length ? concatI32(slices.map((s) => s.values), n) : null;
    return this._scoped((a) => {
      const p = this.x.bw_evaluate(n, a.in(i32(h1)), a.in(i32(h2)), a.in(i32(y)), ids ? a.in(Float64Array.from(ids)) : 0,
        sv ? a.in(sv) : 0, a.str(JSON.stringify(opts)));
      if (!p) throw this._error(1);
      return this._take(p);
    });
  }

  /** h1 against h2 on a dataset, as `bcml compare`: each model is a Model (run on x), { outputs,
   * probabilities? } ([n, c] logits or probabilities) or { labels }. Returns the evaluation record. */
  compare({ x = null, y, h1, h2, ids = null, metadata, slices = [], metric, numClasses }) {
    const n = y.length;
    const labelsOf = (m, name) => {
      if (m instanceof Model) {
        if (!x) throw new BcmlError(`compare: ${name} is a model, so the features x are needed`, 1);
        return this.labels(m.predict(x, n), n, m.outputSize, 0);
      }
      if (m?.outputs) return this.labels(m.outputs, n, m.outputs.length / n, m.probabilities ? 0.5 : 0);
      if (m?.labels) return m.labels;
      throw new BcmlError(`compare: ${name} must be a Model, { outputs } or { labels }`, 1);
    };
    return this.evaluate({ h1: labelsOf(h1, 'h1'), h2: labelsOf(h2, 'h2'), y, ids, metadata, slices, metric, numClasses });
  }

  /** Labels from outputs [n, c]: argmax, or >= threshold for one column. */
  labels(outputs, n, c, threshold = 0) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (c === 1) { out[i] = outputs[i] >= threshold ? 1 : 0; continue; }
      let best = 0;
      for (let j = 1; j < c; j++) if (outputs[i * c + j] > outputs[i * c + best]) best = j;
      out[i] = best;
    }
    return out;
  }

  /** A model from a spec (see README) and a seed. */
  createModel(spec, seed = 0) {
    const p = this._scoped((a) => this.x.bw_model_create(a.str(typeof spec === 'string' ? spec : JSON.stringify(spec)), seed));
    if (!p) throw this._error(1);
    return new Model(this, p);
  }

  /** A model from saved bytes (bcml's model format, as `bcml train --out` writes). */
  loadModel(bytes) {
    const p = this._scoped((a) => this.x.bw_model_load(a.in(u8(bytes)), bytes.length));
    if (!p) throw this._error(1);
    return new Model(this, p);
  }

  /** Trains model in place on { x, y, n, h1Outputs? }; options as for `bcml train` (+ h1_probabilities).
   * onProgress({ epoch, epochs, batch, batches, loss }) may return true to cancel. */
  train(model, { x, y, n = y.length, h1Outputs = null }, options = {}, onProgress = null) {
    return this._scoped((a) => this._train(model, a.in(f32(x)), a.in(i32(y)), n, h1Outputs ? a.in(f32(h1Outputs)) : 0, options, onProgress));
  }
  _train(model, x, y, n, h1, options, onProgress) { // train() on arrays already in this instance's memory (pointers)
    const dim = model.inputSize, epochs = options.epochs ?? 1;
    return this._scoped((a) => {
      const losses = a.buf(8 * Math.max(epochs, 1)), done = a.buf(4);
      this._progress = onProgress && ((kind, epoch, of, batch, batches, loss) => onProgress({ epoch, epochs: of, batch, batches, loss }));
      try {
        this._check(this.x.bw_train(model.ptr, x, y, n, dim, h1, a.str(JSON.stringify(options)), losses, done));
      } finally { this._progress = null; }
      const k = this._i32(done);
      return { epochLoss: Array.from(this._f64(losses, k)), epochsDone: k };
    });
  }

  /** The lambda_c grid start + i*step up to stop (as numpy.arange(start, stop + step/2, step)). */
  lambdaGrid(start, stop, step) {
    return this._scoped((a) => {
      const out = a.buf(4), n = a.buf(4);
      this._check(this.x.bw_lambda_grid(start, stop, step, out, n));
      const p = this._ptr(out), v = Array.from(this._f64(p, this._i32(n)));
      this.x.bw_free(p);
      return v;
    });
  }

  /** The sweep summary from evaluation records (objects or JSON texts), as the native folder's. Of a record
   * object only the fields the summary reads cross into wasm: a record's id lists can be megabytes. */
  sweepSummary(evaluations, { expectedPoints = 0, constraint = '' } = {}) {
    const row = (e) => JSON.stringify(Object.fromEntries(SUMMARY_FIELDS.filter((k) => k in e).map((k) => [k, e[k]])));
    const text = `[${evaluations.map((e) => (typeof e === 'string' ? e : row(e))).join(',')}]`;
    return JSON.parse(this.sweepSummaryJson(text, expectedPoints, constraint));
  }
  sweepSummaryJson(evaluationsArrayText, expectedPoints = 0, constraint = '') {
    return this._scoped((a) => {
      const p = this.x.bw_sweep_summary(a.str(evaluationsArrayText), expectedPoints, a.str(constraint || ''));
      if (!p) throw this._error(1);
      return this._take(p);
    });
  }

  /** A saved sweep folder (bcml's or the original library's), given as { fileName: text }: its summary and
   * evaluations by datapoint index. The stored summary's h1_performance fills in where records lack it. */
  loadSweepFolder(files) {
    const evaluations = {};
    for (const [name, text] of Object.entries(files)) {
      const m = /^(?:.*\/)?(\d+)-evaluation-data\.json$/.exec(name);
      if (m) evaluations[Number(m[1])] = text;
    }
    const stored = Object.entries(files).find(([n]) => /(^|\/)sweep_summary\.json$/.test(n));
    const config = Object.entries(files).find(([n]) => /(^|\/)bcml-sweep\.json$/.test(n));
    const cfg = config ? JSON.parse(config[1]) : null;
    const texts = Object.keys(evaluations).sort((p, q) => p - q).map((k) => evaluations[k]);
    texts.forEach((t, i) => { // each file on its own, so a broken one is named
      try { JSON.parse(t); } catch { throw new BcmlError(`evaluation ${i}: invalid JSON (${Object.keys(evaluations).sort((p, q) => p - q)[i]}-evaluation-data.json)`, 4); }
    });
    if (!texts.length && !stored) throw new BcmlError('the folder holds neither sweep_summary.json nor evaluation files', 1);
    let summary;
    if (texts.length) {
      summary = this.sweepSummary(texts, { expectedPoints: cfg?.lambdas?.length ?? 0, constraint: cfg?.recommend ?? '' });
      const s = stored ? JSON.parse(stored[1]) : null;
      if (s && summary.h1_performance === null && typeof s.h1_performance === 'number') summary.h1_performance = s.h1_performance;
      if (s && typeof s.performance_metric === 'string') summary.performance_metric = s.performance_metric;
      if (s && !cfg && s.data?.length === texts.length) summary.complete = true;
    } else {
      const s = JSON.parse(stored[1]);
      summary = { data: s.data, h1_performance: s.h1_performance ?? null, performance_metric: s.performance_metric ?? 'accuracy' };
    }
    return { summary, evaluations: Object.fromEntries(Object.entries(evaluations).map(([k, t]) => [k, JSON.parse(t)])) };
  }

  /** The cells of CSV text (a string, or the file's bytes), parsed and checked as the native reader does. */
  csvCells(text, { delimiter = ',', name = 'CSV' } = {}) {
    return this._scoped((a) => {
      const bytes = typeof text === 'string' ? enc.encode(text) : u8(text); /* raw bytes: the reader checks UTF-8 */
      const p = this.x.bw_csv_cells(a.in(bytes), bytes.length, a.str(delimiter), a.str(name));
      if (!p) throw this._error(4);
      return JSON.parse(this._take(p));
    });
  }

  /** A CSV dataset: features encoded as the native reader does (standardised numbers, one-hot text), with
   * the training split's encoding (pass it back for the test split). options: { label, id, slices, ignore,
   * delimiter, name }. */
  csvTable(text, options, encoding = null) {
    return this._scoped((a) => {
      const bytes = typeof text === 'string' ? enc.encode(text) : u8(text);
      const px = a.buf(4), py = a.buf(4), pid = a.buf(4), ps = a.buf(4);
      const p = this.x.bw_csv_table(a.in(bytes), bytes.length, a.str(JSON.stringify(options)), encoding ? a.str(JSON.stringify(encoding)) : 0, px, py, pid, ps);
      if (!p) throw this._error(4);
      const meta = JSON.parse(this._take(p));
      const take = (pp, Type, count) => {
        const q = this._ptr(pp);
        if (!q) return null;
        const v = new Type(this.x.memory.buffer, q, count).slice();
        this.x.bw_free(q);
        return v;
      };
      const x = take(px, Float32Array, meta.n * meta.dim), y = take(py, Int32Array, meta.n), ids = take(pid, Float64Array, meta.n);
      const sv = take(ps, Int32Array, meta.slices.length * meta.n);
      return { n: meta.n, dim: meta.dim, x, y, ids, numClasses: meta.num_classes, classNames: meta.class_names,
        featureNames: meta.feature_names, encoding: meta.encoding,
        slices: meta.slices.map((s, k) => ({ name: s.name, names: s.names, values: sv.subarray(k * meta.n, (k + 1) * meta.n) })) };
    });
  }

  /** An array from .npy, .npz (member) or IDX bytes: { shape, data: Float32Array, integer }. */
  readArray(format, bytes, { member = 'x', name = format } = {}) {
    return this._scoped((a) => {
      const ndim = a.buf(4), shape = a.buf(64), integer = a.buf(4);
      const p = this.x.bw_read_array(a.str(format), a.in(u8(bytes)), bytes.length, a.str(member), a.str(name), ndim, shape, integer);
      if (!p) throw this._error(4);
      const dims = Array.from(this._f64(shape, this._i32(ndim)));
      const count = dims.reduce((x, d) => x * d, 1);
      const data = new Float32Array(this.x.memory.buffer, p, count).slice();
      this.x.bw_free(p);
      return { shape: dims, data, integer: !!this._i32(integer) };
    });
  }

  /** A PNG (bytes) of one image [channels][height][width], values lo..hi (lo == hi: its own range). */
  thumbnail(pixels, { channels = 1, height, width, scale = 2, lo = 0, hi = 0 }) {
    return this._scoped((a) => {
      const out = a.buf(4), len = a.buf(4);
      this._check(this.x.bw_png(a.in(f32(pixels)), channels, height, width, scale, lo, hi, out, len));
      const p = this._ptr(out), png = this._u8.slice(p, p + this._i32(len));
      this.x.bw_free(p);
      return png;
    });
  }

  /** C[M,N] = op(A) @ op(B) in float32 (the benchmark's kernel): A is [M,K], or [K,M] with transA; B is [K,N],
   * or [N,K] with transB. */
  gemm(M, N, K, A, B, { transA = false, transB = false } = {}) {
    return this._scoped((a) => {
      const c = a.buf(4 * M * N);
      this.x.bw_gemm(transA ? 1 : 0, transB ? 1 : 0, M, N, K, a.in(f32(A)), a.in(f32(B)), c);
      return new Float32Array(this.x.memory.buffer, c, M * N).slice();
    });
  }

  /** Bytes of wasm memory (it grows, and never shrinks). */
  get heapBytes() { return this.x.memory.buffer.byteLength; }

  /** Trains a model in a worker, keeping the calling thread free: what is { spec, seed } or { model: bytes }.
   * Resolves to { model: Model, epochLoss }. */
  async trainInWorker(what, data, options = {}, onProgress = null) {
    const { trainInWorker } = await (sweepModule ??= import('./sweep.mjs'));
    const r = await trainInWorker(this, what instanceof Model ? { model: what.save() } : what, data, options, onProgress);
    return { model: this.loadModel(r.model), epochLoss: r.epochLoss };
  }

  /** A sweep in workers; see sweep.mjs. */
  sweep(config, data, options = {}) {
    return startSweep(this, config, data, options);
  }
}

export class Model {
  constructor(bcml, ptr) {
    this.bcml = bcml;
    this.ptr = ptr;
    const x = bcml.x;
    this.inputSize = x.bw_model_input_size(ptr);
    this.outputSize = x.bw_model_output_size(ptr);
    this.paramCount = x.bw_model_param_count(ptr);
    this.spec = JSON.parse(bcml._str(x.bw_model_spec(ptr)));
  }
  /** Outputs [n, outputSize] (logits) for inputs [n, inputSize]. */
  predict(x, n = x.length / this.inputSize) {
    const b = this.bcml;
    return b._scoped((a) => {
      const out = a.buf(4 * n * this.outputSize);
      b._check(b.x.bw_model_predict(this.ptr, a.in(f32(x)), n, out));
      return new Float32Array(b.x.memory.buffer, out, n * this.outputSize).slice();
    });
  }
  /** The model in bcml's saved format. */
  save() {
    const b = this.bcml;
    return b._scoped((a) => {
      const out = a.buf(4), len = a.buf(4);
      b._check(b.x.bw_model_save(this.ptr, out, len));
      const p = b._ptr(out), bytes = b._u8.slice(p, p + b._i32(len));
      b.x.bw_free(p);
      return bytes;
    });
  }
  free() {
    if (this.ptr) this.bcml.x.bw_model_free(this.ptr);
    this.ptr = 0;
  }
}

function f32(a) { return a instanceof Float32Array ? a : Float32Array.from(a); }
function i32(a) { return a instanceof Int32Array ? a : Int32Array.from(a); }
function u8(a) { return a instanceof Uint8Array ? a : new Uint8Array(a); }
function concatI32(cols, n) {
  const out = new Int32Array(cols.length * n);
  cols.forEach((c, k) => out.set(i32(c), k * n));
  return out;
}

// The sweep lives in its own module (workers); imported lazily so the binding stays small to load.
let sweepModule = null;
function startSweep(bcml, config, data, options) {
  const pending = (sweepModule ??= import('./sweep.mjs'));
  return bcml_sweep_handle(pending, bcml, config, data, options);
}
function bcml_sweep_handle(pending, bcml, config, data, options) {
  let inner = null, cancelled = false;
  const handle = {
    cancel() { cancelled = true; inner?.cancel(); },
    get progress() { return inner?.progress ?? { fraction: 0 }; },
    /** Finished records by datapoint index ({ text, record }) and trained models by file name (bytes). */
    get evaluations() { return inner?.evaluations ?? new Map(); },
    get models() { return inner?.models ?? new Map(); },
    get heapBytes() { return inner?.heapBytes ?? 0; },
    done: pending.then((m) => {
      inner = m.runSweep(bcml, config, data, options);
      if (cancelled) inner.cancel();
      return inner.done;
    }),
  };
  handle.h1 = pending.then(() => inner.h1, () => null); /* after done's callback, which made inner */
  return handle;
}
