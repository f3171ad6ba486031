// sweep.mjs - a lambda_c sweep off the calling thread: a pool of workers (sweep-worker.mjs) shares the
// trainings (lambda x {new-error, strict-imitation}, one for both at a twin point) and their evaluations (those of
// the second half by whichever worker is free first); every evaluation is streamed as soon as it exists; the
// summary is computed by the same C code as the native CLI's, from the same records, so it does not depend on how
// many workers ran. cancel() stops the workers at once and keeps what they finished.
import { BcmlError } from './error.mjs';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function spawnWorker(bcml) {
  const url = bcml.workerUrl ?? new URL('./sweep-worker.mjs', import.meta.url);
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(url);
    return { post: (m, t) => w.postMessage(m, t), on: (f) => w.on('message', f), onError: (f) => { w.on('error', f); w.on('exit', (c) => c && f(new Error(`exit code ${c}`))); }, stop: () => w.terminate() };
  }
  const w = new Worker(url, { type: 'module' });
  return { post: (m, t) => w.postMessage(m, t), on: (f) => { w.onmessage = (e) => f(e.data); }, onError: (f) => { w.onerror = (e) => f(e); }, stop: () => w.terminate() };
}

// an array as the typed array a worker takes: a whole-buffer typed array as it is (posting copies it anyway),
// anything else (a plain array, a view into a larger buffer, which posting would copy whole) copied to one
const typed = (Type, a) => (a instanceof Type && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : Type.from(a));

// arrays ({ name: [Type, values or null] }) as the typed arrays the workers take. Where memory can be shared (Node, a
// cross-origin isolated page) they are copied once into one shared buffer that every worker reads: posting it copies
// nothing, where posting separate arrays serializes them again for each worker.
function forWorkers(arrays) {
  const entries = Object.entries(arrays).filter(([, [, a]]) => a != null);
  const out = Object.fromEntries(Object.keys(arrays).map((k) => [k, null]));
  if (typeof SharedArrayBuffer === 'undefined' || (!isNode && !globalThis.crossOriginIsolated)) {
    for (const [k, [Type, a]] of entries) out[k] = typed(Type, a);
    return out;
  }
  const at = [];
  let bytes = 0;
  for (const [, [Type, a]] of entries) { at.push(bytes); bytes += Math.ceil(a.length * Type.BYTES_PER_ELEMENT / 8) * 8; }
  const shared = new SharedArrayBuffer(bytes);
  entries.forEach(([k, [Type, a]], i) => { out[k] = new Type(shared, at[i], a.length); out[k].set(a); });
  return out;
}

function concat(cols, n) {
  const out = new Int32Array(cols.length * n);
  cols.forEach((c, k) => out.set(Int32Array.from(c), k * n));
  return out;
}

// a finished record from its UTF-8 bytes: its summary row, and its text and parsed record when asked for (decoding and
// parsing megabytes are the main thread's work, which a sweep that only needs the summary never does)
const utf8 = new TextDecoder();
function entry(bytes, row) {
  let text = null, record = null;
  return { row, get text() { if (text === null) { text = utf8.decode(bytes); bytes = null; } return text; }, get record() { return (record ??= JSON.parse(this.text)); } };
}

/** Runs a sweep. config: the sweep keys of `bcml sweep` (epochs, batch_size, seed, optimizer, new_error,
 * strict_imitation, lambda, metric, recommend, ...). data: { train: { x, y, ids?, slices?, metadata? }, test: {...},
 * h1: { train: { spec, seed } | { model: bytes }, with rows (h1 learns from the first rows of the training set; all
 * by default) and options (as for train()) } (one of the workers trains it, beside lambda_c 0) | { model }
 * (bytes or a Model, or a promise of either: the workers start meanwhile) | { outputsTrain, outputsTest,
 * probabilities }, h2: { model } | { spec } } where slices are [{ name, values, names }] with the same column names
 * on both sets. onH1Progress({ epoch, epochs, batch, batches, loss }) reports h1's training, then null once done. */
export function runSweep(bcml, config, data, { workers, onProgress, onEvaluation, onH1Progress } = {}) {
  const state = { cancelled: false, fraction: 0, started: Date.now() };
  const evaluations = new Map(), models = new Map();
  let pool = [], settle, h1Trained;
  const handle = {
    /** h1's bytes when the sweep trains it (data.h1.train), once trained; null otherwise or if the sweep stops first */
    h1: new Promise((ok) => { h1Trained = ok; }),
    get progress() { return { fraction: state.fraction, trainingsDone: state.done ?? 0, trainingsTotal: state.total ?? 0 }; },
    /** the largest wasm memory of any worker so far (bytes): what the sweep costs each worker */
    get heapBytes() { return state.heapBytes ?? 0; },
    evaluations, models,
    cancel() {
      if (state.cancelled) return;
      state.cancelled = true;
      if (state.lambdas) settle.finish(); /* else the start-up sees the flag and finishes */
    },
  };
  handle.done = new Promise((resolve, reject) => {
    const stop = () => { for (const w of pool) w.stop(); pool = []; h1Trained(null); };
    const summarize = (complete) => {
      const idx = [...evaluations.keys()].sort((a, b) => a - b);
      const s = bcml.sweepSummary(idx.map((k) => evaluations.get(k).row), { expectedPoints: state.lambdas.length, constraint: config.recommend ?? '' });
      if (!complete) s.complete = false;
      return s;
    };
    settle = {
      finish: () => { stop(); try { resolve(summarize(false)); } catch (e) { reject(e); } },
      fail: (e) => { stop(); reject(e); },
    };
    (async () => {
      const l = config.lambda ?? { start: 0, stop: 1, step: 0.25 };
      state.lambdas = Array.isArray(l) ? l : bcml.lambdaGrid(l.start ?? 0, l.stop ?? 1, l.step ?? 0.25);
      let tasks = state.lambdas.flatMap((_, j) => [[j, 0], [j, 1]]);
      state.total = tasks.length;
      state.done = 0;
      const frac = new Float64Array(tasks.length);
      const hw = isNode ? (await import('node:os')).availableParallelism() : (navigator.hardwareConcurrency || 2);
      const count = Math.max(1, Math.min(workers ?? Math.min(hw, 8), tasks.length));
      let next = 0, h1Task = null;
      if (data.h1.train) {
        const t = data.h1.train, n = data.train.y.length, rows = t.rows ?? n;
        if (!Number.isInteger(rows) || rows < 1 || rows > n) throw new BcmlError(`h1.train.rows: ${JSON.stringify(rows)} is not a row count from 1 to ${n} (the training rows)`, 1);
        if (t.spec == null && t.model == null) throw new BcmlError('h1.train: give h1\'s spec (with a seed) or its initial model', 1);
        h1Task = { type: 'h1-train', spec: t.spec, seed: t.seed, rows, options: t.options ?? {},
          model: t.model == null ? null : t.model instanceof Uint8Array ? t.model : t.model.save() };
      }
      const report = (j, family, f, epoch, epochs) => {
        frac[2 * j + family] = f;
        state.fraction = tasks.reduce((a, [i, g]) => a + frac[2 * i + g], 0) / tasks.length;
        const elapsed = (Date.now() - state.started) / 1000;
        onProgress?.({ fraction: state.fraction, trainingsDone: state.done, trainingsTotal: tasks.length, elapsed,
          eta: state.fraction >= 0.02 ? elapsed * (1 - state.fraction) / state.fraction : NaN, /* none from the first steps' noise */
          lambda: state.lambdas[j], dissonance: family ? 'strict-imitation' : 'new-error', epoch, epochs });
      };
      // A free worker (no job in hand) takes h1, else the next training, else an evaluation waiting for a worker. h1 first, as
      // every lambda_c but 0 waits for it; but with two workers or more the first one ready starts a lambda_c 0 training and
      // the next trains h1, so the worker whose share includes h1 is the one that starts later. The second half of the
      // trainings run back to back: their evaluations wait for the first free worker, so that at the end the workers share
      // them instead of one idling for most of a training while another trains and evaluates.
      let h1Later = count > 1;
      const waiting = [], jobs = new Map(); /* jobs: each ready worker's jobs in hand */
      const give = (w, job, transfer) => { jobs.set(w, (jobs.get(w) ?? 0) + 1); w.post(job, transfer); };
      const training = (w) => {
        const zero = next < tasks.length && state.lambdas[tasks[next][0]] === 0;
        if (h1Task && !(h1Later && zero)) { give(w, h1Task); h1Task = null; return true; }
        h1Later = false;
        if (next >= tasks.length) return false;
        const [j, family] = tasks[next++];
        give(w, { type: 'task', j, family, evaluate: count === 1 || next <= tasks.length / 2 });
        return true;
      };
      const dispatch = () => {
        for (const w of pool) {
          if (state.cancelled || !jobs.has(w) || jobs.get(w) || training(w) || !waiting.length) continue; /* not ready, busy, or given a training */
          const e = waiting.shift();
          give(w, { type: 'evaluate', ...e }, [e.model.buffer]);
        }
      };
      const done = (w) => { jobs.set(w, jobs.get(w) - 1); dispatch(); };
      // the workers start and take the sets first: that overlaps h1's outputs below, and h1's training when h1 is a promise
      // (h1 trained by the pool needs no thread of its own: `workers` threads in all)
      for (let i = 0; i < count; i++) {
        const w = await spawnWorker(bcml);
        pool.push(w);
        w.on((m) => {
          if (state.cancelled && m.type !== 'error') return;
          if (m.type === 'ready') {
            // a twin point's one training gives both families (every worker reports the same twins)
            if (!next) tasks = tasks.filter(([j, family]) => !(family === 1 && m.twins[j]));
            state.total = tasks.length;
            jobs.set(w, 0);
            dispatch();
          }
          else if (m.type === 'progress') report(m.j, m.family, m.fraction, m.epoch, m.epochs);
          else if (m.type === 'trained') {
            if (m.model) { waiting.push({ j: m.j, family: m.family, model: m.model }); done(w); }
            else training(w); /* queued while the worker evaluates: it starts as soon as it is done */
          }
          else if (m.type === 'h1-progress') onH1Progress?.({ epoch: m.epoch, epochs: m.epochs, batch: m.batch, batches: m.batches, loss: m.loss });
          else if (m.type === 'h1-trained') {
            const h1 = { type: 'h1', h1tr: m.h1tr, h1te: m.h1te };
            for (const other of pool) if (other !== w) other.post(h1);
            done(w);
            h1Trained(m.model);
            onH1Progress?.(null);
          } else if (m.type === 'result') {
            state.done++;
            state.heapBytes = Math.max(state.heapBytes ?? 0, m.heapBytes ?? 0);
            frac[2 * m.j + m.family] = 1;
            const first = 4 * m.j + 2 * m.family, finished = state.done === tasks.length;
            m.evaluations.forEach((bytes, t) => evaluations.set(first + t, entry(bytes, m.rows[t])));
            const r = state.lambdas[m.j], name = (family) => `${Number.isInteger(r) ? r.toFixed(1) : String(r)}-model-${family ? 'strict-imitation' : 'new-error'}.bcml`;
            models.set(name(m.family), m.model);
            if (m.evaluations.length === 4) models.set(name(1), m.model);
            report(m.j, m.family, 1, 0, 0);
            if (onEvaluation) m.evaluations.forEach((_, t) => onEvaluation(evaluations.get(first + t).record)); /* all kept before a callback may cancel */
            if (state.cancelled) return;
            if (finished) { stop(); resolve(summarize(true)); }
            else done(w);
          } else if (m.type === 'error') settle.fail(new BcmlError(m.message, m.code));
        });
        w.onError((e) => {
          const why = String(e?.message ?? e);
          settle.fail(new BcmlError(`a sweep worker stopped: ${why}${/memory/i.test(why) ? '' : ' (out of memory?)'}; finished points are kept in the handle`, 2));
        });
      }
      if (state.cancelled) { settle.finish(); return; } /* cancelled while they started: stop them */
      const slices = data.train.slices ?? [];
      const sets = {
        type: 'data', module: bcml.module, simd: bcml.simd, dim: data.train.x.length / data.train.y.length,
        ...forWorkers({ xtr: [Float32Array, data.train.x], ytr: [Int32Array, data.train.y], xte: [Float32Array, data.test.x],
          yte: [Int32Array, data.test.y], idsTr: [Float64Array, data.train.ids], idsTe: [Float64Array, data.test.ids],
          sliceTr: [Int32Array, slices.length ? concat(slices.map((s) => s.values), data.train.y.length) : null],
          sliceTe: [Int32Array, slices.length ? concat(data.test.slices.map((s) => s.values), data.test.y.length) : null] }),
      };
      for (const w of pool) w.post(sets);
      let h2bytes;
      if (data.h2.model) h2bytes = data.h2.model instanceof Uint8Array ? data.h2.model : data.h2.model.save();
      else {
        const m = bcml.createModel(data.h2.spec, config.seed ?? 0);
        h2bytes = m.save();
        m.free();
      }
      const opts = { ...config, h1_probabilities: !!data.h1.probabilities,
        slices: slices.map((s, k) => ({ name: s.name, names_train: s.names, names_test: data.test.slices[k].names })),
        ...(data.train.metadata ? { metadata_train: data.train.metadata } : {}), ...(data.test.metadata ? { metadata_test: data.test.metadata } : {}) };
      delete opts.jobs;
      // the sweep before h1's outputs: a training at lambda_c 0 does not read them, so it starts while h1 trains
      if (state.cancelled) { settle.finish(); return; }
      for (const w of pool) w.post({ type: 'init', options: JSON.stringify(opts), h2: h2bytes });
      if (data.h1.train) return; /* a worker trains h1 and sends its outputs (above) */
      // h1's outputs once, here; the workers never run h1
      let h1tr = data.h1.outputsTrain, h1te = data.h1.outputsTest;
      if (data.h1.model) {
        const given = await data.h1.model;
        if (state.cancelled) { settle.finish(); return; } /* stops workers spawned after the cancel too */
        const m = given instanceof Uint8Array ? bcml.loadModel(given) : given;
        h1tr = m.predict(data.train.x, data.train.y.length);
        h1te = m.predict(data.test.x, data.test.y.length);
        if (m !== given) m.free();
      }
      const h1 = { type: 'h1', h1tr: typed(Float32Array, h1tr), h1te: typed(Float32Array, h1te) };
      if (state.cancelled) { settle.finish(); return; }
      for (const w of pool) w.post(h1);
    })().catch((e) => settle.fail(e instanceof BcmlError ? e : new BcmlError(String(e?.message ?? e), 1)));
  });
  return handle;
}

/** Trains one model in a worker: { spec, seed } or { model: bytes }, data { x, y }, options as for train().
 * Resolves to { model: bytes, epochLoss }; onProgress({ epoch, epochs, batch, batches, loss }). */
export async function trainInWorker(bcml, what, { x, y }, options = {}, onProgress = null) {
  const w = await spawnWorker(bcml);
  try {
    return await new Promise((resolve, reject) => {
      w.on((m) => {
        if (m.type === 'progress') onProgress?.(m);
        else if (m.type === 'trained') resolve({ model: m.model, epochLoss: m.epochLoss });
        else if (m.type === 'error') reject(new BcmlError(m.message, m.code));
      });
      w.onError((e) => reject(new BcmlError(`the training worker stopped: ${e?.message ?? e}`, 2)));
      w.post({ type: 'train', module: bcml.module, simd: bcml.simd, spec: what.spec, seed: what.seed, model: what.model,
        x: typed(Float32Array, x), y: typed(Int32Array, y), options });
    });
  } finally { w.stop(); }
}
