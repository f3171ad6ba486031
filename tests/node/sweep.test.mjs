// Sweeps through the CLI: folder layout and keys, jobs, interruption and resume, split and merge, the
// original library's layout, compare gates and thumbnails, and every loader's rejection of broken files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { npy, npz, idx } from './lib/files.mjs';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const work = mkdtempSync(join(tmpdir(), 'bcml-sweep-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function run(args, input, cwd = work) {
  const r = spawnSync(bin, args, { input: input === undefined ? '' : typeof input === 'string' ? input : JSON.stringify(input), cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr, json: r.status === 0 && r.stdout.startsWith('{') ? JSON.parse(r.stdout) : null };
}
const folder = (dir) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

const config = {
  data: { builtin: 'blobs', n: 1500, seed: 1 }, test: { builtin: 'blobs', n: 500, seed: 2 },
  h1: { train: { data: { builtin: 'blobs', n: 1500, seed: 1, fraction: 0.1 }, model: { preset: 'mlp', input: 2, hidden: [16], classes: 3 }, epochs: 5, batch_size: 32, optimizer: { lr: 0.05, momentum: 0.5 } } },
  model: { preset: 'mlp', input: 2, hidden: [16], classes: 3 },
  epochs: 3, batch_size: 32, batch_size_test: 500, seed: 3, optimizer: { lr: 0.05, momentum: 0.5 },
  new_error: 'new-error-nll', strict_imitation: 'strict-imitation-nll', lambda: { start: 0, stop: 1, step: 0.3 }, recommend: 'btc>=0.9',
};
writeFileSync(join(work, 'sweep.json'), JSON.stringify(config));

test('a sweep folder has upstream\'s layout and keys, and one summary row per evaluation', () => {
  const r = run(['sweep', '--config', 'sweep.json', '--out', 'one']);
  assert.equal(r.code, 0, r.err);
  const files = readdirSync(join(work, 'one'));
  for (let k = 0; k < 16; k++) assert.ok(files.includes(`${k}-evaluation-data.json`), `${k}-evaluation-data.json`);
  for (const l of ['0.0', '0.3', '0.6', '0.8999999999999999'])
    for (const f of ['new-error', 'strict-imitation']) assert.ok(files.includes(`${l}-model-${f}.bcml`), `${l}-model-${f}.bcml`);
  assert.ok(files.includes('sweep_summary.json') && files.includes('bcml-sweep.json') && files.includes('h1-model.bcml'));
  const s = JSON.parse(readFileSync(join(work, 'one/sweep_summary.json')));
  assert.equal(s.data.length, 16);
  assert.deepEqual(Object.keys(s.data[0]).slice(0, 9),
    ['datapoint_index', 'lambda_c', 'training', 'testing', 'new-error', 'strict-imitation', 'performance', 'btc', 'bec']);
  assert.equal(s.data[13].lambda_c, 0.8999999999999999);
  assert.equal(s.performance_metric, 'accuracy');
  assert.equal(typeof s.h1_performance, 'number');
  assert.equal(s.complete, true);
  assert.ok(s.pareto_front.length >= 1 && s.pareto_front.every((i) => i % 2 === 1));
  const e = JSON.parse(readFileSync(join(work, 'one/5-evaluation-data.json')));
  for (const key of ['models_error_overlap', 'h2_incompatible_instance_ids_by_class', 'sorted_classes', 'h1_accuracy_by_class',
    'h2_accuracy_by_class', 'h2_performance', 'btc', 'bec', 'error_instances', 'dataset_size', 'lambda_c', 'training', 'testing', 'datapoint_index'])
    assert.ok(key in e, key);
  assert.equal(e.datapoint_index, 5);
  assert.equal(e.testing, true);
  assert.equal(e.dataset_size, 500);
  const train = JSON.parse(readFileSync(join(work, 'one/4-evaluation-data.json')));
  const trainIds = new Set(train.error_instances.map((x) => x.instance_id));
  assert.ok(e.error_instances.every((x) => !trainIds.has(x.instance_id)), 'training and test ids are disjoint');
  assert.deepEqual(s.data[0].btc, s.data[2].btc, 'at lambda 0 the two families coincide');
  const table = run(['summary', 'one', '--pretty']);
  assert.match(table.out, /lambda_c\s+dissonance\s+performance/);
  assert.equal(run(['sweep', '--config', 'sweep.json', '--out', 'one']).code, 1, 'a finished folder is not overwritten');
});

test('--jobs 2 and --jobs 1 write identical folders', () => {
  assert.equal(run(['sweep', '--config', 'sweep.json', '--out', 'two', '--jobs', '2']).code, 0);
  assert.deepEqual(folder(join(work, 'two')), folder(join(work, 'one')));
});

test('an interrupted sweep (SIGTERM) keeps finished points and --resume completes the same folder', async () => {
  const slow = { ...config, epochs: 40 };
  writeFileSync(join(work, 'slow.json'), JSON.stringify(slow));
  const full = run(['sweep', '--config', 'slow.json', '--out', 'slow-full']);
  assert.equal(full.code, 0, full.err);
  const child = spawn(bin, ['sweep', '--config', 'slow.json', '--out', 'slow-cut'], { cwd: work });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  await new Promise((done) => {
    const poll = setInterval(() => {
      if (existsSync(join(work, 'slow-cut/1-evaluation-data.json'))) { clearInterval(poll); child.kill('SIGTERM'); done(); }
    }, 2);
  });
  const code = await new Promise((done) => child.on('close', done));
  const cut = readdirSync(join(work, 'slow-cut'));
  assert.ok(!cut.some((f) => f.endsWith('.tmp')), 'no half-written files');
  if (code === 130) {
    assert.match(stderr, /interrupted: finished points are kept/);
    assert.ok(cut.filter((f) => f.endsWith('-evaluation-data.json')).length < 16);
  }
  const r = run(['sweep', '--config', 'slow.json', '--out', 'slow-cut', '--resume']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(folder(join(work, 'slow-cut')), folder(join(work, 'slow-full')));
  const other = run(['sweep', '--config', 'sweep.json', '--out', 'slow-cut', '--resume']);
  assert.equal(other.code, 1);
  assert.match(other.err, /different configuration/);
});

test('--point K for each lambda, then --merge, gives the folder of one run', () => {
  for (let k = 0; k < 4; k++) assert.equal(run(['sweep', '--config', 'sweep.json', '--out', 'split', '--point', String(k)]).code, 0);
  assert.ok(!existsSync(join(work, 'split/sweep_summary.json')));
  const m = run(['sweep', '--merge', 'split']);
  assert.equal(m.code, 0, m.err);
  assert.deepEqual(folder(join(work, 'split')), folder(join(work, 'one')));
  assert.match(run(['sweep', '--config', 'sweep.json', '--out', 'x', '--point', '4']).err, /--point 4 is outside the grid of 4/);
});

test('flags override config keys', () => {
  const r = run(['sweep', '--config', 'sweep.json', '--out', 'flags', '--lambda-step', '0.5', '--epochs', '1', '--metric', 'macro-f1']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.json.lambdas, [0, 0.5, 1]);
  assert.equal(r.json.performance_metric, 'macro-f1');
  assert.match(run(['sweep', '--config', 'sweep.json', '--out', 'f2', '--metric', 'auc']).err, /unknown metric "auc"/);
  assert.match(run(['sweep', '--config', 'sweep.json', '--out', 'f3', '--epochs', 'many']).err, /needs a number/);
});

test('a folder in the original library\'s layout loads into the same summary form', () => {
  const dir = join(work, 'upstream');
  mkdirSync(dir);
  const lambdas = [0.0, 0.30000000000000004];
  const rows = [];
  lambdas.forEach((lambda, j) => [0, 1, 2, 3].forEach((t) => {
    const k = 4 * j + t, testing = t % 2 === 1;
    const perf = 0.8 + 0.01 * k, btc = 0.9 - 0.01 * k, bec = 0.5;
    // written as the original does: Python float reprs in the text
    writeFileSync(join(dir, `${k}-evaluation-data.json`), `{"models_error_overlap": [[1, 2], [2, 3], [2]], "h2_incompatible_instance_ids_by_class": [{"class": 1, "incompatibleInstanceIds": [3]}], "sorted_classes": [0, 1], "h1_accuracy_by_class": [{"class": 0, "accuracy": 0.5, "error_instance_ids": [1]}], "h2_accuracy_by_class": [{"class": 0, "accuracy": 0.5, "error_instance_ids": [3]}], "h2_performance": ${perf}, "btc": ${btc}, "bec": ${bec}, "error_instances": [{"instance_id": 1, "metadata": "1", "h1_prediction": 1, "h2_prediction": 0, "ground_truth": 0}], "dataset_size": 10, "lambda_c": ${j ? '0.30000000000000004' : '0.0'}, "training": ${!testing}, "testing": ${testing}, "datapoint_index": ${k}}`);
    rows.push({ datapoint_index: k, lambda_c: lambda, training: !testing, testing, 'new-error': t < 2, 'strict-imitation': t >= 2, performance: perf, btc, bec });
  }));
  writeFileSync(join(dir, 'sweep_summary.json'), JSON.stringify({ data: rows, h1_performance: 0.875 }));
  const r = run(['summary', 'upstream']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.data.length, 8);
  assert.equal(r.json.h1_performance, 0.875);
  assert.equal(r.json.complete, true);
  assert.deepEqual(r.json.lambdas, [0, 0.30000000000000004]);
  assert.equal(r.json.data[5].lambda_c, 0.30000000000000004);
  assert.equal(r.json.data[5].nfr, null, 'upstream records have no NFR: null, not 0');
  rmSync(join(dir, 'sweep_summary.json')); // an interrupted upstream sweep has no summary yet
  const partial = run(['summary', 'upstream']);
  assert.equal(partial.code, 0, partial.err);
  assert.equal(partial.json.data.length, 8);
  assert.equal(partial.json.h1_performance, null);
  mkdirSync(join(work, 'empty'));
  assert.match(run(['summary', 'empty']).err, /neither sweep_summary.json nor evaluation files/);
  writeFileSync(join(work, 'empty/3-evaluation-data.json'), '{"datapoint_index": 3,');
  assert.match(run(['summary', 'empty']).err, /evaluation 0: invalid JSON/);
});

test('compare: models or predictions on a dataset, with --fail-if gates and thumbnails', () => {
  const d = { builtin: 'blobs', n: 400, seed: 9 };
  const base = { data: d, h1: { model_file: 'one/h1-model.bcml' }, h2: { model_file: 'one/0.3-model-new-error.bcml' } };
  const r = run(['compare'], base);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.dataset_size, 400);
  const gate = run(['compare', '--fail-if', 'btc<1.01'], base);
  assert.equal(gate.code, 3);
  assert.match(gate.err, /gate failed: btc = 0\.\d+ < 1\.01/);
  assert.equal(run(['compare', '--fail-if', 'btc<0.1,nfr>0.5'], base).code, 0);
  assert.match(run(['compare', '--fail-if', 'btc<<1'], base).err, /expected conditions like btc<0.95/);
  assert.match(run(['compare', '--fail-if', 'auc<1'], base).err, /unknown score "auc"/);
  // predictions only, from files
  const p = run(['predict'], { model_file: 'one/h1-model.bcml', data: d });
  const q = run(['compare'], { data: d, h1: { outputs: p.json.outputs }, h2: { labels: p.json.labels } });
  assert.equal(q.json.btc, 1);
  assert.match(run(['compare'], { data: d, h1: { labels: [0, 1] }, h2: { labels: p.json.labels } }).err, /"h1" has 2 predictions for 400 instances/);
  // image data: thumbnails of the error instances
  writeFileSync(join(work, 'img.idx'), idx(Array.from({ length: 6 * 16 }, (_, i) => (i * 37) % 256), [6, 4, 4]));
  writeFileSync(join(work, 'lab.idx'), idx([0, 1, 2, 0, 1, 2], [6]));
  const img = { idx: { images: 'img.idx', labels: 'lab.idx' } };
  const t = run(['compare', '--out', 'thumbs'], { data: img, h1: { labels: [0, 1, 2, 0, 0, 0] }, h2: { labels: [0, 0, 2, 0, 1, 0] } });
  assert.equal(t.code, 0, t.err);
  assert.deepEqual(readdirSync(join(work, 'thumbs')).sort(), ['1.png', '4.png', '5.png']);
  assert.equal(readFileSync(join(work, 'thumbs/1.png')).subarray(1, 4).toString(), 'PNG');
});

test('data "start", "fraction" and "positive" pick a row range and make a binary task', () => {
  writeFileSync(join(work, 'r-img.idx'), idx(Array.from({ length: 10 * 4 }, (_, i) => i % 256), [10, 2, 2]));
  writeFileSync(join(work, 'r-lab.idx'), idx([0, 1, 2, 3, 4, 0, 1, 2, 3, 4], [10]));
  const data = (extra) => ({ idx: { images: 'r-img.idx', labels: 'r-lab.idx' }, ...extra });
  // the second half (rows 5..9, labels 0..4), class 3 against the rest: exactly [0, 0, 0, 1, 0]
  const r = run(['compare'], { data: data({ start: 0.5, positive: 3 }), h1: { labels: [0, 0, 0, 1, 0] }, h2: { labels: [0, 0, 0, 0, 0] } });
  assert.equal(r.code, 0, r.err);
  assert.equal(r.json.dataset_size, 5);
  assert.equal(r.json.h1_accuracy, 1);
  assert.equal(r.json.h2_accuracy, 0.8);
  const mid = run(['compare'], { data: data({ start: 0.2, fraction: 0.5 }), h1: { labels: [2, 3, 4] }, h2: { labels: [2, 3, 4] } });
  assert.equal(mid.json.h1_accuracy, 1, 'rows 2..4');
  assert.match(run(['compare'], { data: data({ start: 0.6, fraction: 0.5 }), h1: { labels: [] }, h2: { labels: [] } }).err,
    /"start" 0.6 and "fraction" 0.5 leave no rows/);
  assert.match(run(['compare'], { data: data({ start: 1.5 }), h1: { labels: [] }, h2: { labels: [] } }).err, /"start"/);
  writeFileSync(join(work, 'r.csv'), 'a,label\n1,x\n2,y\n');
  assert.match(run(['compare'], { data: { csv: 'r.csv', label: 'label', positive: 1 }, h1: { labels: [] }, h2: { labels: [] } }).err,
    /"positive" is for numeric labels; for a CSV, make the label column binary/);
});

test('loaders read NPY, NPZ, IDX and CSV, and reject broken files naming the problem', () => {
  const x = Array.from({ length: 40 }, (_, i) => (i % 7) / 7), y = Array.from({ length: 20 }, (_, i) => i % 2);
  writeFileSync(join(work, 'x.npy'), npy(x, [20, 2]));
  writeFileSync(join(work, 'y.npy'), npy(y, [20], 'i8'));
  writeFileSync(join(work, 'd.npz'), npz({ x: npy(x, [20, 2], 'f8'), y: npy(y, [20], 'i4') }));
  writeFileSync(join(work, 's.npz'), npz({ x: npy(x, [20, 2]), y: npy(y, [20], 'u1') }, { deflate: false }));
  const cfg = (data) => ({ data, model: { preset: 'logreg', input: 2, classes: 2 }, epochs: 1 });
  for (const data of [{ npy: { x: 'x.npy', y: 'y.npy' } }, { npz: 'd.npz' }, { npz: 's.npz', x: 'x', y: 'y' }]) {
    const r = run(['train'], cfg(data));
    assert.equal(r.code, 0, `${JSON.stringify(data)}: ${r.err}`);
    assert.equal(r.json.train_size, 20);
  }
  writeFileSync(join(work, 'ok.csv'), 'id,age,job,y\n1,30,a,0\n2,40,b,1\n3,50,a,0\n');
  const c = run(['train'], cfg({ csv: 'ok.csv', label: 'y', id: 'id' }));
  assert.equal(c.code, 1);
  assert.match(c.err, /the data has 3 features per instance, the model expects 2/);
  const bad = {
    'trunc.npy': [npy(x, [20, 2]).subarray(0, 200), { npy: { x: 'trunc.npy', y: 'y.npy' } }, 'trunc.npy: truncated: the shape needs 160 bytes of data, the file has 72'],
    'header.npy': [npy(x, [20, 2]).subarray(0, 100), { npy: { x: 'header.npy', y: 'y.npy' } }, 'header.npy: truncated header'],
    'magic.npy': [Buffer.from('NOTNUMPY header'), { npy: { x: 'magic.npy', y: 'y.npy' } }, 'magic.npy: not a .npy file (bad magic at byte 0)'],
    'dtype.npy': [npy(x, [20, 2], 'f4', { descr: '<U8' }), { npy: { x: 'dtype.npy', y: 'y.npy' } }, "dtype '<U8' is not supported"],
    'be.npy': [npy(x, [20, 2], 'f4', { descr: '>f4' }), { npy: { x: 'be.npy', y: 'y.npy' } }, 'big-endian'],
    'nan.npy': [npy([...x.slice(0, 39), NaN], [20, 2]), { npy: { x: 'nan.npy', y: 'y.npy' } }, 'nan.npy: element 39 is NaN'],
    'neg.npy': [npy([...y.slice(0, 19), -1], [20], 'i8'), { npy: { x: 'x.npy', y: 'neg.npy' } }, 'label 19 is -1'],
    'short.npy': [npy(y.slice(0, 10), [10], 'i8'), { npy: { x: 'x.npy', y: 'short.npy' } }, '20 feature rows but 10 labels'],
    'huge.npy': [npy([1], [2147483648, 4096]), { npy: { x: 'huge.npy', y: 'y.npy' } }, 'huge.npy'],
    'empty.npy': [Buffer.alloc(0), { npy: { x: 'empty.npy', y: 'y.npy' } }, 'empty.npy: not a .npy file'],
    'nomember.npz': [npz({ a: npy(x, [20, 2]) }), { npz: 'nomember.npz' }, 'no member "x.npy" (members: a.npy)'],
    'cut.npz': [npz({ x: npy(x, [20, 2]), y: npy(y, [20], 'i8') }).subarray(0, 150), { npz: 'cut.npz' }, 'cut.npz'],
    'img-cut.idx': [idx([1, 2, 3], [2, 2, 2]), { idx: { images: 'img-cut.idx', labels: 'lab.idx' } }, 'truncated: the header declares 8 values'],
    'ragged.csv': ['a,y\n1,0\n2\n', { csv: 'ragged.csv', label: 'y' }, 'ragged.csv: line 3 has 1 fields, the header has 2'],
    'nan.csv': ['a,y\n1,0\ninf,1\n', { csv: 'nan.csv', label: 'y' }, 'line 3, column "a": inf is not a finite number'],
    'nolabel.csv': ['a,b\n1,0\n', { csv: 'nolabel.csv', label: 'y' }, 'no label column "y" (columns: a, b)'],
    'latin1.csv': [Buffer.from([0x61, 0x2c, 0x79, 0x0a, 0xe9, 0x2c, 0x30, 0x0a]), { csv: 'latin1.csv', label: 'y' }, 'not UTF-8 text (byte 4)'],
    'empty.csv': ['', { csv: 'empty.csv', label: 'y' }, 'empty: no header row'],
    'bom.csv': ['\ufeffa,y\n"1",0\n"2",1\n', { csv: 'bom.csv', label: 'y' }, null],
  };
  for (const [name, [bytes, data, msg]] of Object.entries(bad)) {
    writeFileSync(join(work, name), bytes);
    const r = run(['train'], { ...cfg(data), model: { preset: 'logreg', input: name === 'bom.csv' ? 1 : 2, classes: 2 } });
    if (msg === null) { assert.equal(r.code, 0, `${name}: ${r.err}`); continue; }
    assert.equal(r.code, 1, name);
    assert.ok(r.err.includes(msg), `${name}: stderr "${r.err.trim()}" lacks "${msg}"`);
  }
});

test('a CSV sweep keeps the training split\'s encoding with the models and reports slices', () => {
  const lines = ['id,age,job,band,income'];
  for (let i = 0; i < 300; i++) {
    const age = 20 + ((i * 37) % 60), job = ['a', 'b', 'c'][i % 3];
    lines.push(`${i},${age},${job},${age >= 60 ? 'old' : 'young'},${(age + (i % 7) * 5) > 55 ? '>50K' : '<=50K'}`);
  }
  writeFileSync(join(work, 'train.csv'), lines.slice(0, 201).join('\n'));
  writeFileSync(join(work, 'test.csv'), [lines[0], ...lines.slice(201)].join('\n'));
  const spec = (f) => ({ csv: f, label: 'income', id: 'id', slices: ['band'] });
  const cfg = { data: spec('train.csv'), test: spec('test.csv'),
    h1: { train: { data: { ...spec('train.csv'), fraction: 0.3 }, model: { preset: 'logreg', input: 4, classes: 2 }, epochs: 5 } },
    model: { preset: 'logreg', input: 4, classes: 2 }, epochs: 5, lambda: [0, 1] };
  const r = run(['sweep', '--out', 'csv-sweep'], cfg);
  assert.equal(r.code, 0, r.err);
  const enc = JSON.parse(readFileSync(join(work, 'csv-sweep/encoding.json')));
  assert.deepEqual(enc.classes, ['<=50K', '>50K']);
  assert.deepEqual(enc.columns.map((c) => c.name), ['age', 'job']);
  const e = JSON.parse(readFileSync(join(work, 'csv-sweep/1-evaluation-data.json')));
  assert.equal(e.slices[0].column, 'band');
  assert.deepEqual(e.slices[0].values.map((v) => v.value), ['old', 'young']);
  assert.ok(e.error_instances.every((x) => x.instance_id >= 200), 'ids come from the id column');
  const p = run(['predict'], { model_file: 'csv-sweep/1.0-model-new-error.bcml', data: spec('test.csv') });
  assert.equal(p.code, 0, p.err);
  assert.equal(p.json.labels.length, 100);
  // h1 on rows of the sweep's own data takes them from it: the same model as reading the file again
  // (an explicit delimiter makes the spec differ, so that run reads and encodes it again)
  for (const rows of [{ fraction: 0.3 }, { start: 0.25, fraction: 0.75 }]) {
    const h1 = (extra) => ({ ...cfg, lambda: [0], h1: { train: { ...cfg.h1.train, data: { ...spec('train.csv'), ...rows, ...extra } } } });
    rmSync(join(work, 'csv-a'), { recursive: true, force: true });
    rmSync(join(work, 'csv-b'), { recursive: true, force: true });
    assert.equal(run(['sweep', '--out', 'csv-a'], h1({})).code, 0);
    assert.equal(run(['sweep', '--out', 'csv-b'], h1({ delimiter: ',' })).code, 0);
    assert.deepEqual(readFileSync(join(work, 'csv-a/h1-model.bcml')), readFileSync(join(work, 'csv-b/h1-model.bcml')), JSON.stringify(rows));
    assert.deepEqual(readFileSync(join(work, 'csv-a/0-evaluation-data.json')), readFileSync(join(work, 'csv-b/0-evaluation-data.json')));
  }
  const bad = run(['sweep', '--out', 'csv-c'], { ...cfg, h1: { train: { ...cfg.h1.train, data: { ...spec('train.csv'), start: 0.5, fraction: 0.5 } } } });
  assert.equal(bad.code, 1);
  assert.match(bad.err, /"h1.train.data": "start" 0.5 and "fraction" 0.5 leave no rows/);
});

test('the Slurm array script and the Kubernetes Indexed Job command, run per index, then merged, give one run\'s folder', () => {
  const scripts = join(root, 'scripts/scale-out');
  for (let k = 0; k < 4; k++) {
    const r = spawnSync('bash', [join(scripts, 'slurm-sweep.sbatch')], { cwd: work, encoding: 'utf8',
      env: { ...process.env, BCML: bin, CONFIG: 'sweep.json', OUT: 'slurm', SLURM_ARRAY_TASK_ID: String(k) } });
    assert.equal(r.status, 0, r.stderr);
  }
  assert.equal(run(['sweep', '--merge', 'slurm']).code, 0);
  assert.deepEqual(folder(join(work, 'slurm')), folder(join(work, 'one')));
  // the manifest's own config and commands, with /config and /results mapped to folders here
  const yaml = readFileSync(join(scripts, 'kubernetes-sweep.yaml'), 'utf8');
  const cfg = yaml.match(/sweep\.json: \|\n((?: {4}.*\n)+)/)[1];
  mkdirSync(join(work, 'k8s/config'), { recursive: true });
  mkdirSync(join(work, 'k8s/results'), { recursive: true });
  writeFileSync(join(work, 'k8s/config/sweep.json'), cfg);
  const [point, merge] = [...yaml.matchAll(/command: \["sh", "-c", "(.*)"\]/g)].map((m) => m[1].replaceAll('\\"', '"')
    .replaceAll('/config', join(work, 'k8s/config')).replaceAll('/results', join(work, 'k8s/results')).replace(/^bcml /, `${bin} `));
  const completions = Number(yaml.match(/completions: (\d+)/)[1]);
  const grid = JSON.parse(cfg).lambda;
  assert.equal(completions, Math.round((grid.stop - grid.start) / grid.step) + 1, 'completions = the grid size');
  for (let k = 0; k < completions; k++) {
    const r = spawnSync('sh', ['-c', point], { cwd: work, encoding: 'utf8', env: { ...process.env, JOB_COMPLETION_INDEX: String(k) } });
    assert.equal(r.status, 0, r.stderr);
  }
  const m = spawnSync('sh', ['-c', merge], { cwd: work, encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  const s = JSON.parse(readFileSync(join(work, 'k8s/results/sweep/sweep_summary.json')));
  assert.equal(s.data.length, 4 * completions);
  assert.equal(s.complete, true);
});

test('predictions from other frameworks (.npy/.npz outputs) stand for h1 and h2, in compare and in sweeps', () => {
  const data = { builtin: 'blobs', n: 300, seed: 5 };
  const p1 = run(['predict'], { model_file: 'one/h1-model.bcml', data });
  const p2 = run(['predict'], { model_file: 'one/0.3-model-new-error.bcml', data });
  const softmax = (z) => { const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b); return e.map((v) => v / s); };
  writeFileSync(join(work, 'h1-prob.npy'), npy(p1.json.outputs.flatMap(softmax), [300, 3], 'f8'));
  writeFileSync(join(work, 'preds.npz'), npz({ h2: npy(p2.json.outputs.flat(), [300, 3]) }));
  const fromModels = run(['compare'], { data, h1: { model_file: 'one/h1-model.bcml' }, h2: { model_file: 'one/0.3-model-new-error.bcml' } });
  const fromFiles = run(['compare'], { data, h1: { outputs: 'h1-prob.npy', probabilities: true }, h2: { outputs: { npz: 'preds.npz', member: 'h2' } } });
  assert.equal(fromFiles.code, 0, fromFiles.err);
  assert.deepEqual(fromFiles.json.counts, fromModels.json.counts);
  assert.match(run(['compare'], { data, h1: { outputs: { npz: 'preds.npz', member: 'h1' } }, h2: { labels: p2.json.labels } }).err,
    /no member "h1.npy" \(members: h2.npy\)/);
  // a sweep whose h1 exists only as exported probabilities
  const tr = run(['predict'], { model_file: 'one/h1-model.bcml', data: config.data }), te = run(['predict'], { model_file: 'one/h1-model.bcml', data: config.test });
  writeFileSync(join(work, 'h1-train.npy'), npy(tr.json.outputs.flatMap(softmax), [1500, 3]));
  writeFileSync(join(work, 'h1-test.npy'), npy(te.json.outputs.flatMap(softmax), [500, 3]));
  const s = run(['sweep', '--out', 'from-outputs'], { ...config, h1: { outputs_train: 'h1-train.npy', outputs_test: 'h1-test.npy', probabilities: true }, lambda: [0, 0.3] });
  assert.equal(s.code, 0, s.err);
  const one = JSON.parse(readFileSync(join(work, 'one/sweep_summary.json')));
  assert.deepEqual(s.json.data.map((r) => r.btc), one.data.slice(0, 8).map((r) => r.btc), 'the same as with the model');
});
