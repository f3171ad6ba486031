// The WebAssembly build against the native CLI: losses, gradients, evaluation records, training and whole
// sweeps must be bit-identical, in the SIMD and the scalar build; the worker pool, cancel, errors, memory,
// and the npm package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { load, simdSupported, BcmlError } from '../../wasm/bcml.mjs';
import { npy } from './lib/files.mjs';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const work = mkdtempSync(join(tmpdir(), 'bcml-wasm-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function cli(args, input) {
  const r = spawnSync(bin, args, { input: typeof input === 'string' ? input : JSON.stringify(input ?? {}), cwd: work, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const builds = { simd: await load({ simd: true }), scalar: await load({ simd: false }) };

// one shared fixture: h1 trained natively, the data as exact floats, a native sweep folder
const h1cfg = { data: { builtin: 'blobs', n: 1200, seed: 1, fraction: 0.1 }, model: { preset: 'mlp', input: 2, hidden: [16], classes: 3 },
  epochs: 5, batch_size: 32, optimizer: { lr: 0.05, momentum: 0.5 } };
cli(['train', '--out', 'h1.bcml'], h1cfg);
const tr = JSON.parse(cli(['predict'], { model_file: 'h1.bcml', data: { builtin: 'blobs', n: 1200, seed: 1 }, features: true }));
const te = JSON.parse(cli(['predict'], { model_file: 'h1.bcml', data: { builtin: 'blobs', n: 400, seed: 2 }, features: true }));
const sweepConfig = { epochs: 3, batch_size: 32, seed: 3, optimizer: { lr: 0.05, momentum: 0.5 }, new_error: 'new-error-nll',
  strict_imitation: { name: 'strict-imitation-kl' }, lambda: { start: 0, stop: 1.5, step: 0.5 }, recommend: 'btc>=0.95', metric: 'macro-f1' };
const h2spec = { preset: 'mlp', input: 2, hidden: [16], classes: 3 };
cli(['sweep', '--out', 'native'], { ...sweepConfig, data: { builtin: 'blobs', n: 1200, seed: 1 }, test: { builtin: 'blobs', n: 400, seed: 2 },
  h1: { model_file: 'h1.bcml' }, model: h2spec });
const sweepData = (b) => ({ train: { x: tr.x.flat(), y: tr.y }, test: { x: te.x.flat(), y: te.y },
  h1: { model: b.loadModel(readFileSync(join(work, 'h1.bcml'))) }, h2: { spec: h2spec } });

test('the loader picks SIMD when the engine has it, and both builds report their kernels', () => {
  assert.equal(simdSupported(), true);
  assert.equal(builds.simd.kernels, 'wasm-simd128');
  assert.equal(builds.scalar.kernels, 'scalar');
  assert.equal(builds.simd.version, cli(['version']).trim().split(' ')[1]);
});

test('gemm with either operand transposed: SIMD and scalar give the same bits, close to a float64 product', () => {
  const rnd = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 2);
  for (const [M, N, K] of [[10, 25, 576], [250, 64, 20], [13, 29, 7], [3, 50, 300]])
    for (const transA of [false, true])
      for (const transB of [false, true]) {
        const A = rnd(M * K, 1), B = rnd(K * N, 2);
        const got = builds.simd.gemm(M, N, K, A, B, { transA, transB });
        assert.deepEqual(got, builds.scalar.gemm(M, N, K, A, B, { transA, transB }), `${M}x${N}x${K} ${transA} ${transB}`);
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            let ref = 0;
            for (let k = 0; k < K; k++) ref += A[transA ? k * M + i : i * K + k] * B[transB ? j * K + k : k * N + j];
            assert.ok(Math.abs(got[i * N + j] - ref) < 1e-4 * K, `${M}x${N}x${K} ${transA} ${transB} [${i},${j}]: ${got[i * N + j]} vs ${ref}`);
          }
      }
});

for (const [name, b] of Object.entries(builds)) {
  test(`${name}: every loss and gradient equals the native CLI's, bit for bit`, () => {
    const base = JSON.parse(readFileSync(join(root, 'examples/cli/loss.json')));
    const bin1 = { h1: [0.8581489351, 0.278884822, 0.4378234991, 0.785834983], h2: [0.4750208125, 0.3893607661, 0.6058736684, 0.7685247835], y: [1, 0, 1, 1] };
    const cases = ['new-error-nll', 'new-error-cross-entropy', 'new-error-kl', 'strict-imitation-nll', 'strict-imitation-cross-entropy',
      'strict-imitation-kl', 'focal-distillation', 'cross-entropy'].map((loss) => [{ loss, lambda_c: 0.7, ...(loss.endsWith('kl') ? {} : { reduction: 'sum' }) }, base, 3])
      .concat(['new-error-bce', 'strict-imitation-bce', 'bce'].map((loss) => [{ loss, lambda_c: 0.5, pivot: 0.6 }, bin1, 1]));
    for (const [opts, d, c] of cases) {
      const native = JSON.parse(cli(['loss'], { ...opts, h1: d.h1, h2: d.h2, y: d.y }));
      const mine = b.loss(opts, { h1: d.h1.flat(), h2: d.h2.flat(), y: d.y, n: d.y.length, c });
      assert.equal(mine.value, native.value, opts.loss);
      assert.deepEqual(Array.from(mine.grad), native.grad.flat(), `${opts.loss} gradient`);
    }
    assert.throws(() => b.loss({ loss: 'new-error-nll', lambda_c: -1 }, { h1: [1, 2], h2: [1, 2], y: [0], n: 1, c: 2 }),
      (e) => e instanceof BcmlError && /lambda_c/.test(e.message));
  });

  test(`${name}: the evaluation record is the native JSON, byte for byte`, () => {
    const input = { h1: [0, 1, 0, 0, 2, 2, 1, 1], h2: [0, 2, 0, 1, 1, 2, 1, 1], y: [0, 1, 2, 0, 1, 2, 0, 1], ids: [100, 101, 102, 103, 104, 105, 106, 107],
      metadata: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], metric: 'balanced-accuracy' };
    const native = cli(['scores'], { ...input, slices: { age: ['<40', '<40', '40-75', '40-75', '75+', '75+', '75+', '<40'] } }).trim();
    const names = ['40-75', '75+', '<40']; // sorted as the native column is
    const values = ['<40', '<40', '40-75', '40-75', '75+', '75+', '75+', '<40'].map((v) => names.indexOf(v));
    assert.equal(b.evaluateJson({ ...input, slices: [{ name: 'age', values, names }] }), native);
    assert.throws(() => b.evaluate({ h1: [0, -1], h2: [0, 0], y: [0, 0] }), /h1\[1\] = -1/);
    assert.throws(() => b.evaluate({ h1: [0, 1], h2: [0, 0], y: [0, 0], ids: [3, 3] }), /id 3 appears more than once/);
  });

  test(`${name}: training gives the native model's bytes`, () => {
    const cfg = { data: { builtin: 'gauss10', n: 500, seed: 3 }, model: { preset: 'mlp', input: 10, hidden: [24, 12], classes: 4 }, epochs: 3,
      batch_size: 25, seed: 5, optimizer: { name: 'adam' }, loss: 'cross-entropy' };
    cli(['train', '--out', 'm.bcml'], cfg);
    const d = JSON.parse(cli(['predict'], { model_file: 'm.bcml', data: cfg.data, features: true }));
    const m = b.createModel(cfg.model, cfg.seed);
    let calls = 0;
    const r = b.train(m, { x: d.x.flat(), y: d.y }, { epochs: 3, batch_size: 25, seed: 5, optimizer: { name: 'adam' } }, () => { calls++; });
    assert.equal(r.epochsDone, 3);
    assert.equal(calls, 60);
    assert.deepEqual(m.save(), new Uint8Array(readFileSync(join(work, 'm.bcml'))));
    assert.deepEqual(Array.from(m.predict(d.x.flat())), d.outputs.flat());
    // the CNN: both convolutions (read in place where 4 or 8 lanes divide the output rows), pools, dropout
    const x = Array.from({ length: 24 }, (_, i) => Array.from({ length: 784 }, (_, j) => ((i * 7 + j * 13) % 29) / 29));
    const cnn = { data: { x, y: Array.from({ length: 24 }, (_, i) => i % 10) }, model: { preset: 'mnist-net' }, epochs: 2, batch_size: 8, seed: 1,
      optimizer: { lr: 0.01, momentum: 0.5 } };
    cli(['train', '--out', `cnn-${name}.bcml`], cnn);
    const net = b.createModel(cnn.model, 1);
    b.train(net, { x: x.flat(), y: cnn.data.y }, { epochs: 2, batch_size: 8, seed: 1, optimizer: cnn.optimizer });
    assert.deepEqual(net.save(), new Uint8Array(readFileSync(join(work, `cnn-${name}.bcml`))));
    const native = JSON.parse(cli(['predict'], { model_file: `cnn-${name}.bcml`, data: cnn.data }));
    assert.deepEqual(Array.from(net.predict(x.flat())), native.outputs.flat());
    net.free();
  });

  test(`${name}: a whole sweep in workers writes the native folder's records and summary, bit for bit`, async () => {
    const evaluations = [];
    const h = b.sweep(sweepConfig, sweepData(b), { workers: 2, onEvaluation: (e) => evaluations.push(e) });
    const summary = await h.done;
    assert.equal(evaluations.length, 16);
    for (const [k, { text }] of h.evaluations) assert.equal(text, readFileSync(join(work, `native/${k}-evaluation-data.json`), 'utf8'), `record ${k}`);
    assert.deepEqual(summary, JSON.parse(readFileSync(join(work, 'native/sweep_summary.json'))));
    for (const [file, bytes] of h.models) assert.deepEqual(bytes, new Uint8Array(readFileSync(join(work, 'native', file))), file);
  });
}

test('compare with models and with outputs gives the native `bcml compare` record', () => {
  const b = builds.simd, data = { builtin: 'blobs', n: 400, seed: 2 };
  const native = JSON.parse(cli(['compare'], { data, h1: { model_file: 'h1.bcml' }, h2: { model_file: 'native/0.5-model-new-error.bcml' } }));
  const h1 = b.loadModel(readFileSync(join(work, 'h1.bcml'))), h2 = b.loadModel(readFileSync(join(work, 'native/0.5-model-new-error.bcml')));
  assert.deepEqual(b.compare({ x: te.x.flat(), y: te.y, h1, h2 }), native);
  assert.deepEqual(b.compare({ y: te.y, h1: { outputs: h1.predict(te.x.flat()) }, h2: { labels: b.labels(h2.predict(te.x.flat()), 400, 3) } }), native);
  assert.throws(() => b.compare({ y: te.y, h1, h2 }), /the features x are needed/);
});

test('trainInWorker gives the same model as training on the calling thread', async () => {
  const b = builds.simd, spec = { preset: 'mlp', input: 2, hidden: [8], classes: 3 }, opts = { epochs: 2, batch_size: 16, seed: 4 };
  const here = b.createModel(spec, 9);
  b.train(here, { x: tr.x.flat(), y: tr.y }, opts);
  let seen = 0;
  const { model, epochLoss } = await b.trainInWorker({ spec, seed: 9 }, { x: tr.x.flat(), y: tr.y }, opts, () => { seen++; });
  assert.deepEqual(model.save(), here.save());
  assert.equal(epochLoss.length, 2);
  await assert.rejects(b.trainInWorker({ spec: { preset: 'nope' } }, { x: [0, 0], y: [0] }), /unknown preset "nope"/);
});

test('cancelled training rejects with the C message and keeps the model usable; a misspelt option is an error', () => {
  const b = builds.simd, m = b.createModel({ preset: 'logreg', input: 2, classes: 3 });
  assert.throws(() => b.train(m, { x: tr.x.flat(), y: tr.y }, { epochs: 3, batch_size: 100 }, (p) => p.batch === 2), /cancelled at epoch 1, batch 2/);
  assert.equal(m.predict(tr.x.flat().slice(0, 4)).length, 6);
  assert.throws(() => b.train(m, { x: tr.x.flat(), y: tr.y }, { epoch: 3 }), /training options: unknown key "epoch"/); /* not 1 epoch silently */
});

test('1 worker and 4 workers give the same summary; progress reaches 1 with an ETA', async () => {
  const b = builds.simd, seen = [];
  const h1 = b.sweep(sweepConfig, sweepData(b), { workers: 1 });
  const one = await h1.done;
  const four = await b.sweep(sweepConfig, sweepData(b), { workers: 4, onProgress: (p) => seen.push(p) }).done;
  assert.deepEqual(four, one);
  assert.ok(h1.heapBytes >= 65536 && h1.heapBytes % 65536 === 0, `a worker's wasm memory: ${h1.heapBytes} bytes`);
  assert.ok(seen.length >= 8 && seen.at(-1).fraction === 1);
  assert.ok(seen.some((p) => p.fraction > 0 && p.fraction < 1 && Number.isFinite(p.eta)));
});

test('the cross-entropy pair trains once per lambda_c: records, models and summary equal the native folder', async () => {
  const b = builds.simd, cfg = { ...sweepConfig, new_error: 'new-error-cross-entropy', strict_imitation: 'strict-imitation-cross-entropy' };
  cli(['sweep', '--out', 'native-ce'], { ...cfg, data: { builtin: 'blobs', n: 1200, seed: 1 }, test: { builtin: 'blobs', n: 400, seed: 2 },
    h1: { model_file: 'h1.bcml' }, model: h2spec });
  const seen = [];
  const h = b.sweep(cfg, sweepData(b), { workers: 2, onProgress: (p) => seen.push(p) });
  const summary = await h.done;
  assert.equal(h.evaluations.size, 16);
  for (const [k, { text }] of h.evaluations) assert.equal(text, readFileSync(join(work, `native-ce/${k}-evaluation-data.json`), 'utf8'), `record ${k}`);
  assert.equal(h.models.size, 8);
  for (const [file, bytes] of h.models) assert.deepEqual(bytes, new Uint8Array(readFileSync(join(work, 'native-ce', file))), file);
  assert.deepEqual(summary, JSON.parse(readFileSync(join(work, 'native-ce/sweep_summary.json'))));
  assert.ok(seen.every((p) => p.trainingsTotal === 4) && seen.at(-1).trainingsDone === 4 && seen.at(-1).fraction === 1);
});

test('h1 as a promise: the workers start and train lambda_c 0 while it trains, the summary is the same; a failed h1 fails the sweep', async () => {
  const b = builds.simd, data = sweepData(b);
  const direct = await b.sweep(sweepConfig, data, { workers: 2 }).done;
  let settle;
  const later = new Promise((ok) => { settle = ok; });
  const seen = [];
  const h = b.sweep(sweepConfig, { ...data, h1: { model: later } }, { workers: 2, onProgress: (p) => seen.push(p) });
  await new Promise((ok) => setTimeout(ok, 300)); /* the pool is up and holds the sets, waiting for h1 */
  assert.equal(h.evaluations.size, 0);
  // lambda_c 0 reads no h1: both of its trainings run meanwhile; the others wait
  assert.ok(seen.some((p) => p.lambda === 0 && p.dissonance === 'new-error') && seen.some((p) => p.lambda === 0 && p.dissonance === 'strict-imitation'));
  assert.ok(seen.every((p) => p.lambda === 0));
  settle(readFileSync(join(work, 'h1.bcml')));
  assert.deepEqual(await h.done, direct);
  const failed = b.sweep(sweepConfig, { ...data, h1: { model: Promise.reject(new BcmlError('h1 could not be trained', 1)) } }, { workers: 2 });
  await assert.rejects(failed.done, /h1 could not be trained/);
  // cancelled while h1 is pending: done at once, nothing kept, and the late h1 starts nothing
  let late;
  const made = [];
  const waiting = b.sweep(sweepConfig, { ...data, h1: { model: new Promise((ok) => { late = ok; }) } }, { workers: 2, onEvaluation: (e) => made.push(e) });
  waiting.cancel();
  const s = await waiting.done;
  assert.equal(s.complete, false);
  assert.equal(s.data.length, 0);
  late(readFileSync(join(work, 'h1.bcml')));
  await new Promise((ok) => setTimeout(ok, 300));
  assert.equal(made.length, 0);
});

test('h1 trained by the pool: the same h1 as `bcml train`, and the same folder, with 1 and 2 workers; its progress; bad rows and shapes', async () => {
  const b = builds.simd, { h1: _, ...data } = sweepData(b);
  // h1cfg as the pool takes it: the first tenth of the training rows, the CLI's default seed 0
  const h1 = { train: { spec: h1cfg.model, seed: 0, rows: 120, options: { epochs: 5, batch_size: 32, seed: 0, optimizer: h1cfg.optimizer } } };
  for (const workers of [1, 2]) {
    const progress = [];
    const h = b.sweep(sweepConfig, { ...data, h1 }, { workers, onH1Progress: (p) => progress.push(p) });
    const summary = await h.done;
    assert.deepEqual(await h.h1, new Uint8Array(readFileSync(join(work, 'h1.bcml'))), `${workers} worker(s): h1's bytes`);
    assert.deepEqual(summary, JSON.parse(readFileSync(join(work, 'native/sweep_summary.json'))));
    for (const [k, { text, row, record }] of h.evaluations) {
      assert.equal(text, readFileSync(join(work, `native/${k}-evaluation-data.json`), 'utf8'), `record ${k}`);
      assert.equal(record.datapoint_index, k);
      assert.equal(JSON.parse(row).btc, record.btc);
    }
    assert.equal(progress.at(-1), null);
    assert.ok(progress.length >= 2 && progress.slice(0, -1).every((p) => p.epochs === 5 && p.epoch >= 1), JSON.stringify(progress.slice(0, 3)));
  }
  await assert.rejects(b.sweep(sweepConfig, { ...data, h1: { train: { ...h1.train, rows: 0 } } }).done, /h1\.train\.rows: 0 is not a row count from 1 to 1200/);
  await assert.rejects(b.sweep(sweepConfig, { ...data, h1: { train: { ...h1.train, rows: 1.5 } } }).done, /h1\.train\.rows: 1\.5/);
  await assert.rejects(b.sweep(sweepConfig, { ...data, h1: { train: { ...h1.train, rows: '120' } } }).done, /h1\.train\.rows: "120" is not/);
  await assert.rejects(b.sweep(sweepConfig, { ...data, h1: { train: { rows: 120 } } }).done, /h1\.train: give h1's spec \(with a seed\) or its initial model/);
  await assert.rejects(b.sweep(sweepConfig, { ...data, h1: { train: { ...h1.train, options: { epoch: 5 } } } }, { workers: 1 }).done,
    /training options: unknown key "epoch" \(known: epochs, batch_size/);
  const wide = b.sweep(sweepConfig, { ...data, h1: { train: { ...h1.train, spec: { ...h1cfg.model, input: 3 } } } }, { workers: 2 });
  await assert.rejects(wide.done, /h1: the model takes 3 inputs but the data have 2 features/);
  assert.equal(await wide.h1, null);
  assert.equal(await b.sweep(sweepConfig, sweepData(b)).h1, null); /* a given h1: nothing trained */
  const stopped = b.sweep(sweepConfig, { ...data, h1 }, { workers: 2 }); /* cancelled while h1 trains: nothing kept, no h1 */
  stopped.cancel();
  assert.deepEqual([(await stopped.done).data.length, await stopped.h1], [0, null]);
});

test('cancel() stops the workers at once and keeps the finished points', async () => {
  const b = builds.simd;
  const h = b.sweep({ ...sweepConfig, epochs: 60 }, sweepData(b), { workers: 2, onEvaluation: () => h.cancel() });
  const t0 = Date.now();
  const s = await h.done;
  assert.ok(Date.now() - t0 < 20000);
  assert.equal(s.complete, false);
  assert.ok(s.data.length >= 2 && s.data.length < 16, `${s.data.length} rows`);
  assert.equal(h.evaluations.size, s.data.length);
});

// runs fn while the sweep's workers are made by a subclass of node's Worker (extend(Original) returns it)
async function withWorkers(extend, fn) {
  const wt = createRequire(import.meta.url)('node:worker_threads');
  const Original = wt.Worker;
  wt.Worker = extend(Original);
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    wt.Worker = Original;
    syncBuiltinESMExports();
  }
}

test('the second half of the trainings is evaluated by the first free worker, from the model\'s bytes: the same records', async () => {
  const sent = [];
  let pair, alone;
  await withWorkers((Original) => class extends Original {
    postMessage(m, t) { if (m?.type === 'task' || m?.type === 'evaluate') sent.push(m); super.postMessage(m, t); }
  }, async () => {
    const b = builds.simd;
    const h = b.sweep(sweepConfig, sweepData(b), { workers: 2 });
    await h.done;
    for (const [k, { text }] of h.evaluations) assert.equal(text, readFileSync(join(work, `native/${k}-evaluation-data.json`), 'utf8'), `record ${k}`);
    for (const [file, bytes] of h.models) assert.deepEqual(bytes, new Uint8Array(readFileSync(join(work, 'native', file))), file);
    pair = sent.splice(0);
    await b.sweep(sweepConfig, sweepData(b), { workers: 1 }).done;
    alone = sent.splice(0);
  });
  // 8 trainings (4 lambda_c x 2 families): the first 4 are evaluated where they trained, the last 4 wait for a free worker
  const tasks = pair.filter((m) => m.type === 'task'), later = pair.filter((m) => m.type === 'evaluate');
  assert.deepEqual(tasks.map((m) => m.evaluate), [true, true, true, true, false, false, false, false]);
  assert.deepEqual(later.map((m) => `${m.j}/${m.family}`).sort(), tasks.slice(4).map((m) => `${m.j}/${m.family}`).sort());
  assert.deepEqual(alone.map((m) => m.evaluate), Array(8).fill(true), 'alone, a worker evaluates each training at once');
});

test('a worker that dies mid-sweep is reported, the sweep stops and keeps the finished points', async () => {
  // the death is simulated (terminate() once a worker has sent two results, while it trains its next task): the pool
  // sees an exit, as with an out-of-memory kill
  await withWorkers((Original) => class extends Original {
    constructor(...args) {
      super(...args);
      let results = 0;
      this.on('message', (m) => { if (m?.type === 'result' && ++results === 2) this.terminate(); });
    }
  }, async () => {
    const b = builds.simd;
    const h = b.sweep(sweepConfig, sweepData(b), { workers: 2 });
    await assert.rejects(h.done, (e) => e instanceof BcmlError && /a sweep worker stopped: exit code 1 \(out of memory\?\); finished points are kept/.test(e.message));
    assert.ok(h.evaluations.size >= 2, `${h.evaluations.size} evaluations kept`);
  });
});

test('a worker killed by a real out-of-memory (a V8 heap limit) is reported and the sweep stops cleanly', async () => {
  const made = [];
  await withWorkers((Original) => class extends Original {
    constructor(url, opts) {
      super(url, { ...opts, resourceLimits: { maxOldGenerationSizeMb: 2, maxYoungGenerationSizeMb: 1 } });
      made.push(this);
    }
  }, async () => {
    const b = builds.simd;
    const h = b.sweep(sweepConfig, sweepData(b), { workers: 2 });
    await assert.rejects(h.done, (e) => e instanceof BcmlError && e.code === 2 &&
      /^a sweep worker stopped: Worker terminated due to reaching memory limit: JS heap out of memory; finished points are kept/.test(e.message));
    // every worker of the pool has exited: nothing keeps running after the error
    await Promise.all(made.map((w) => (w.threadId === -1 ? null : new Promise((ok) => w.once('exit', ok)))));
  });
});

test('bad sweep input rejects with the C error message', async () => {
  const b = builds.simd;
  await assert.rejects(b.sweep({ ...sweepConfig, new_error: 'new-error-mse' }, sweepData(b), { workers: 1 }).done, /unknown loss "new-error-mse"/);
  await assert.rejects(b.sweep({ ...sweepConfig, recommend: 'auc>1' }, sweepData(b), { workers: 1 }).done, /unknown score "auc"/);
  const d = sweepData(b);
  d.train.y = d.train.y.map((v, i) => (i === 7 ? 9 : v));
  await assert.rejects(b.sweep(sweepConfig, d, { workers: 1 }).done, /label 9 of instance 7 is out of range/);
  assert.throws(() => b.createModel({ preset: 'resnet' }), /unknown preset "resnet"/);
});

test('a hundred sweeps and evaluations in a row do not grow the heap', async () => {
  const b = builds.simd;
  const small = { train: { x: tr.x.flat().slice(0, 80), y: tr.y.slice(0, 40) }, test: { x: te.x.flat().slice(0, 40), y: te.y.slice(0, 20) },
    h1: { outputsTrain: tr.outputs.flat().slice(0, 120), outputsTest: te.outputs.flat().slice(0, 60) }, h2: { spec: h2spec } };
  const run = async () => { await b.sweep({ epochs: 1, lambda: [0.5] }, small, { workers: 1 }).done; b.evaluate({ h1: tr.labels, h2: tr.labels, y: tr.y }); };
  await run();
  const before = b.heapBytes;
  for (let i = 0; i < 100; i++) await run();
  assert.equal(b.heapBytes, before);
});

test('a saved sweep folder loads into the native summary; arrays and thumbnails match the native readers', () => {
  const b = builds.simd, dir = join(work, 'native');
  const files = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const { summary, evaluations } = b.loadSweepFolder(files);
  assert.deepEqual(summary, JSON.parse(cli(['summary', dir])));
  assert.equal(Object.keys(evaluations).length, 16);
  const a = b.readArray('npy', npy([1.5, 2, 3, 4], [2, 2]));
  assert.deepEqual(a.shape, [2, 2]);
  assert.deepEqual(Array.from(a.data), [1.5, 2, 3, 4]);
  assert.throws(() => b.readArray('npy', new Uint8Array([1, 2, 3]), { name: 'x.npy' }), /x.npy: not a .npy file/);
  // thumbnails: the PNG bcml compare --out writes for the same pixels
  const px = Array.from({ length: 16 }, (_, i) => (i * 37) % 256);
  const img = Buffer.concat([Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 4]), Buffer.from(px)]);
  writeFileSync(join(work, 'one.idx'), img);
  writeFileSync(join(work, 'one-lab.idx'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 1]));
  cli(['compare', '--out', 'png'], { data: { idx: { images: 'one.idx', labels: 'one-lab.idx' } }, h1: { labels: [0] }, h2: { labels: [0] } });
  const png = b.thumbnail(px.map((v) => v / 255), { height: 4, width: 4, scale: 2 });
  assert.deepEqual(png, new Uint8Array(readFileSync(join(work, 'png/0.png'))));
});

test('CSV in the browser build: the cells and the encoded table equal the native reader\'s', () => {
  const b = builds.simd;
  const text = 'id,age,job,band,income\n1,20,"a, b",young,no\n2,40,c,old,yes\n3,60,"say ""hi""",old,no\n';
  assert.deepEqual(b.csvCells(text), { header: ['id', 'age', 'job', 'band', 'income'],
    rows: [['1', '20', 'a, b', 'young', 'no'], ['2', '40', 'c', 'old', 'yes'], ['3', '60', 'say "hi"', 'old', 'no']] });
  const t = b.csvTable(text, { label: 'income', id: 'id', slices: ['band'] });
  assert.equal(t.dim, 4);
  assert.deepEqual(Array.from(t.ids), [1, 2, 3]);
  assert.deepEqual(t.slices[0].names, ['old', 'young']);
  writeFileSync(join(work, 't.csv'), text);
  cli(['train', '--out', 'csv.bcml'], { data: { csv: 't.csv', label: 'income', id: 'id', slices: ['band'] }, model: { preset: 'logreg', input: 4, classes: 2 } });
  const native = JSON.parse(cli(['predict'], { model_file: 'csv.bcml', data: { csv: 't.csv', label: 'income', id: 'id', slices: ['band'] }, features: true }));
  assert.deepEqual(Array.from(t.x), native.x.flat());
  assert.deepEqual(t.encoding, JSON.parse(readFileSync(join(work, 'csv.bcml.encoding.json'))));
  const test2 = b.csvTable('income,band,job,age,id\nyes,old,zzz,40,9\n', { label: 'income', id: 'id', slices: ['band'] }, t.encoding);
  assert.deepEqual(Array.from(test2.x), [0, 0, 0, 0]);
  assert.throws(() => b.csvCells('a,b\n1\n', { name: 'bad.csv' }), /bad.csv: line 2 has 1 fields, the header has 2/);
  assert.throws(() => b.csvTable('a,y\nnan,0\n', { label: 'y' }), /nan is not a finite number/);
});

test('an allocation that cannot be met is an error, not a crash, and the instance stays usable', async () => {
  let b = await load({ simd: true }); // a fresh instance: this one's memory is filled to its 2 GB cap
  const big = b.createModel({ input: 100000, layers: [{ type: 'linear', out: 2600 }] }); // 1 GB of weights, 1 GB of gradients
  assert.throws(() => b.createModel({ preset: 'mlp', input: 2000, hidden: [20000], classes: 2 }), /out of memory for 40060002 parameters/);
  assert.throws(() => b.createModel({ input: 100000, layers: [{ type: 'linear', out: 3000 }] }), /too large/); // refused before allocating
  big.free();
  assert.equal(b.createModel({ preset: 'logreg', input: 2, classes: 2 }).predict([1, 2]).length, 2);
  b = null;
});

test('npm pack produces a package a clean project installs and imports in Node', () => {
  const out = join(work, 'pack');
  mkdirSync(out);
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', out], { cwd: root, stdio: 'pipe' });
  const tgz = readdirSync(out).find((f) => f.endsWith('.tgz'));
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(out, tgz)], { cwd: app, stdio: 'pipe' });
  writeFileSync(join(app, 'main.mjs'), `import { load } from 'bcml';
const b = await load();
const r = b.loss({ loss: 'cross-entropy' }, { h2: [1, 2, 3, 0, 0, 0], y: [2, 0], n: 2, c: 3 });
const s = await b.sweep({ epochs: 1, lambda: [0, 1] }, { train: { x: [0, 1, 1, 0, 2, 2, 0, 0], y: [0, 1, 1, 0] }, test: { x: [0, 1, 1, 0], y: [0, 1] },
  h1: { outputsTrain: [1, 0, 0, 1, 0, 1, 1, 0], outputsTest: [1, 0, 0, 1] }, h2: { spec: { preset: 'logreg', input: 2, classes: 2 } } }, { workers: 2 }).done;
console.log(JSON.stringify({ value: r.value, rows: s.data.length }));`);
  const r = JSON.parse(execFileSync('node', ['main.mjs'], { cwd: app, encoding: 'utf8' }));
  assert.equal(r.rows, 8);
  assert.ok(Math.abs(r.value - 0.7531) < 1e-4, String(r.value)); // mean of -log softmax: 0.4076 and log 3
});
