// The real datasets (npm run datasets, cached): rows, classes and checksums, and the Adult example run end to
// end with fewer epochs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
execFileSync('node', [join(root, 'scripts/datasets.mjs')], { stdio: 'pipe' });
const ds = join(root, 'build/datasets');
const rows = (f) => readFileSync(join(ds, f), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
/** Trains with the CLI (config as `bcml train` takes it) and returns h2's test accuracy. */
function testAccuracy(config) {
  const r = spawnSync(bin, ['train'], { cwd: root, encoding: 'utf8', input: JSON.stringify(config) });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).test.h2_accuracy;
}
const count = (list) => list.reduce((m, v) => ({ ...m, [v]: (m[v] ?? 0) + 1 }), {});

test('every dataset file matches its pinned sha256', () => {
  const pins = JSON.parse(readFileSync(join(root, 'scripts/datasets.sha256.json')));
  for (const [name, files] of Object.entries(pins))
    for (const [f, h] of Object.entries(files)) assert.equal(createHash('sha256').update(readFileSync(join(ds, name, f))).digest('hex'), h, `${name}/${f}`);
});

test('rows and classes', () => {
  const tr = rows('adult/adult-train.csv'), te = rows('adult/adult-test.csv');
  assert.deepEqual(count(tr.map((r) => r[15])), { '<=50K': 24720, '>50K': 7841 });
  assert.deepEqual(count(te.map((r) => r[15])), { '<=50K': 12435, '>50K': 3846 });
  assert.deepEqual(count(rows('compas/compas.csv').map((r) => r.at(-1))), { 0: 3363, 1: 2809 });
  assert.deepEqual(count(rows('german/german.csv').map((r) => r[21])), { good: 700, bad: 300 });
  const labels = readFileSync(join(ds, 'fashion-mnist/train-labels-idx1-ubyte')).subarray(8);
  assert.equal(labels.length, 60000);
  assert.deepEqual(Object.values(count([...labels])), Array(10).fill(6000));
  assert.equal(readFileSync(join(ds, 'fashion-mnist/t10k-images-idx3-ubyte')).length, 16 + 10000 * 784);
});

test('the Adult example runs end to end (2 epochs) with per-slice scores', () => {
  const out = mkdtempSync(join(tmpdir(), 'bcml-adult-'));
  try {
    const r = spawnSync(bin, ['sweep', '--config', 'examples/compatibility-analysis-adult.json', '--out', join(out, 's'), '--epochs', '2', '--lambda-step', '0.5'],
      { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.data.length, 12);
    assert.ok(s.h1_performance > 0.75 && s.h1_performance < 0.9, String(s.h1_performance));
    const e = JSON.parse(readFileSync(join(out, 's/1-evaluation-data.json')));
    assert.equal(e.dataset_size, 16281);
    assert.deepEqual(e.slices.map((c) => c.column), ['age_band', 'sex']);
    assert.ok(e.btc > 0.9);
  } finally { rmSync(out, { recursive: true, force: true }); }
});

test('the OpenCV digits are real MNIST digits: balanced, interleaved, and learnable (a dense net, 3 epochs)', () => {
  const labels = (set) => [...readFileSync(join(ds, `digits/${set}-labels-idx1-ubyte`)).subarray(8)];
  const tr = labels('train'), te = labels('t10k');
  assert.deepEqual(Object.values(count(tr)), Array(10).fill(400));
  assert.deepEqual(Object.values(count(te)), Array(10).fill(100));
  assert.deepEqual(tr.slice(0, 20), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'any prefix is balanced');
  const spec = (set) => ({ idx: { images: `build/datasets/digits/${set}-images-idx3-ubyte`, labels: `build/datasets/digits/${set}-labels-idx1-ubyte` } });
  const acc = testAccuracy({ data: spec('train'), test: spec('t10k'),
    model: { preset: 'mlp', input: [1, 28, 28], hidden: [128], classes: 10 }, epochs: 3, batch_size: 64, optimizer: { name: 'adam', lr: 0.001 } });
  assert.ok(acc > 0.8, `accuracy ${acc}: a mis-decoded image would not be learnt`);
});

test('the R package data decode without R: breast cancer (683 complete rows) and flchain (7,874, age bands)', () => {
  const bio = rows('biopsy/biopsy.csv'), fl = [...rows('flchain/flchain-train.csv'), ...rows('flchain/flchain-test.csv')];
  assert.deepEqual(count(bio.map((r) => r.at(-1))), { benign: 444, malignant: 239 });
  assert.ok(bio.every((r) => r.length === 11 && r.slice(1, 10).every((v) => /^([1-9]|10)$/.test(v))), 'nine scores 1..10 per row');
  assert.deepEqual(count(fl.map((r) => r.at(-1))), { died: 2169, alive: 5705 });
  assert.deepEqual(count(fl.map((r) => r[8])), { '85 and over': 315, '75-84': 1127, '65-74': 2059, '50-64': 4373 });
  const firstQuarter = count(fl.slice(0, 1500).map((r) => r.at(-1)));
  assert.ok(firstQuarter.died > 300 && firstQuarter.died < 530, 'the age-sorted frame is shuffled before the split');
  const spec = { csv: 'build/datasets/biopsy/biopsy.csv', label: 'class', id: 'id' };
  const acc = testAccuracy({ data: { ...spec, fraction: 0.7 }, test: { ...spec, start: 0.7 },
    model: { preset: 'logreg', input: 9, classes: 2 }, epochs: 20, batch_size: 32, optimizer: { name: 'sgd', lr: 0.1 } });
  assert.ok(acc > 0.9, `accuracy ${acc}`);
});

test('the mortality example gives per-slice scores for every age band and sex', () => {
  const out = mkdtempSync(join(tmpdir(), 'bcml-flchain-'));
  try {
    const r = spawnSync(bin, ['sweep', '--config', 'examples/mortality-flchain.json', '--out', join(out, 's'), '--epochs', '3', '--lambda-step', '1'],
      { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const e = JSON.parse(readFileSync(join(out, 's/1-evaluation-data.json')));
    assert.equal(e.dataset_size, 1968);
    assert.deepEqual(e.slices.map((c) => [c.column, c.values.map((v) => v.value)]),
      [['age_band', ['50-64', '65-74', '75-84', '85 and over']], ['sex', ['F', 'M']]]);
    assert.ok(e.slices[0].values.every((v) => v.btc === null || (v.btc >= 0 && v.btc <= 1)));
  } finally { rmSync(out, { recursive: true, force: true }); }
});

test('the reproductions (quick): every cell of the three experiments, and their plots', () => {
  const out = mkdtempSync(join(tmpdir(), 'bcml-repro-'));
  try {
    const r = spawnSync('node', ['scripts/reproductions.mjs', '--quick', '--out', join(out, 'r.md')], { cwd: root, encoding: 'utf8', env: { ...process.env, BCML_BIN: bin } });
    assert.equal(r.status, 0, r.stderr);
    const md = readFileSync(join(out, 'r.md'), 'utf8'), lines = md.split('\n');
    const table = lines.filter((l) => /^\| (Logistic|Multi)/.test(l));
    assert.equal(table.length, 6);
    for (const l of table) {
      const btc = Number(l.split('|')[6].trim().split(' ')[0]);
      assert.ok(btc > 0.5 && btc <= 1, l);
    }
    // experiment 2: a row per noise rate, BTC lower with noise than without, top classes named with their role
    const noise = lines.filter((l) => /^\| 0(\.\d+)? \| \d+\.\d%/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
    assert.deepEqual(noise.map((c) => c[1]), ['0', '0.25']);
    const btc = noise.map((c) => Number(c[4].split(' ')[0]));
    assert.ok(btc[1] < btc[0], `BTC ${btc}`);
    assert.ok(lines.filter((l) => /^\| 0\.25 \| "\d" \| (relabelled|receives|untouched)/.test(l)).length >= 1);
    // experiment 3: both data sets, four losses, lambda 0 / 0.5 / 1, a Pareto front
    for (const name of ['UCI Adult', 'Digits (MNIST)']) assert.ok(md.includes(`### ${name}`), name);
    assert.equal(lines.filter((l) => /^\| (0|0\.5|1) \| 0\.\d{3} \/ /.test(l)).length, 6);
    assert.ok(md.includes('★'));
    for (const svg of ['r-ocr.svg', 'r-tradeoff-adult.svg', 'r-tradeoff-digits.svg']) {
      const text = readFileSync(join(out, svg), 'utf8');
      assert.match(text, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.ok((text.match(/<circle /g) ?? []).length >= 4, svg);
      assert.ok(md.includes(`](${svg})`), svg);
    }
  } finally { rmSync(out, { recursive: true, force: true }); }
});

test('the notebook examples runner: an update from h1 and a sweep run (quick), unknown names are refused', () => {
  const run = (args) => spawnSync('node', ['scripts/examples.mjs', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, BCML_BIN: bin } });
  const r = run(['--quick', 'bcbinary_cross_entropy', 'compatibility-analysis-adult']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^bcbinary_cross_entropy: 1 row\(s\)/m);
  assert.match(r.stdout, /^compatibility-analysis-adult: 6 row\(s\)/m);
  assert.match(run(['no-such-notebook']).stderr, /no example no-such-notebook in examples\/notebooks/);
});

test('the satellite patches (an R save() file, xz) keep the UCI split and are learnable', () => {
  const tr = rows('satellite/satellite-train.csv'), te = rows('satellite/satellite-test.csv');
  assert.equal(tr.length, 4435);
  assert.equal(te.length, 2000);
  assert.deepEqual(count(tr.map((r) => r.at(-1))), { 'grey soil': 961, 'red soil': 1072, 'cotton crop': 479, 'damp grey soil': 415,
    'vegetation stubble': 470, 'very damp grey soil': 1038 }, 'the UCI training set\'s class counts');
  const spec = (f) => ({ csv: `build/datasets/satellite/${f}`, label: 'class', id: 'id' });
  const acc = testAccuracy({ data: spec('satellite-train.csv'), test: spec('satellite-test.csv'),
    model: { preset: 'mlp', input: 36, hidden: [32], classes: 6 }, epochs: 10, batch_size: 32, optimizer: { name: 'adam', lr: 0.003 } });
  assert.ok(acc > 0.8, `accuracy ${acc}`);
});
