// The bcml CLI contract: JSON in, JSON out, exit codes and error messages. Runs against every binary named
// in BCML_BIN (release) and BCML_BIN_ASAN (sanitizers), and checks SIMD/scalar parity with BCML_BIN_SCALAR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bins = [process.env.BCML_BIN ?? 'build/bcml', process.env.BCML_BIN_ASAN]
  .filter(Boolean).map((b) => resolve(root, b));
const scalar = process.env.BCML_BIN_SCALAR && resolve(root, process.env.BCML_BIN_SCALAR);

function run(bin, args, input, cwd = root) {
  const r = spawnSync(bin, args, { input: typeof input === 'string' ? input : JSON.stringify(input), cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr, json: r.status === 0 && r.stdout.startsWith('{') ? JSON.parse(r.stdout) : null };
}
const near = (a, b, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);
const example = (name) => JSON.parse(readFileSync(join(root, 'examples/cli', name), 'utf8'));

for (const bin of bins) {
  const name = bin.includes('asan') ? 'asan' : 'release';

  test(`${name}: loss reproduces upstream golden values (reference A.1, A.2)`, () => {
    const base = example('loss.json');
    const cases = [
      ['new-error-nll', 'mean', 1.434499235137], ['new-error-nll', 'sum', 6.348275406322],
      ['new-error-cross-entropy', 'mean', 1.571869363364], ['new-error-kl', 'batchmean', 1.342919149652],
      ['new-error-kl', 'sum', 6.256695320837], ['strict-imitation-nll', 'mean', 1.515295529283],
      ['strict-imitation-cross-entropy', 'mean', 1.571869363364],
    ];
    for (const [loss, reduction, want] of cases) {
      const r = run(bin, ['loss'], { ...base, loss, reduction });
      assert.equal(r.code, 0, r.err);
      near(r.json.value, want);
      assert.equal(r.json.grad.length, 5);
      assert.equal(r.json.grad[0].length, 3);
    }
    near(run(bin, ['loss'], { ...base, loss: 'strict-imitation-nll', variant: 'pypi-1.4.2' }).json.value, 2.662701475229);
    near(run(bin, ['loss'], { ...base, loss: 'new-error-nll', variant: 'pypi-1.4.2' }).json.value, 1.571869363364);
    const b = { lambda_c: 0.5, y: [1, 0, 1, 1], h1: [0.8581489351, 0.278884822, 0.4378234991, 0.785834983],
      h2: [0.4750208125, 0.3893607661, 0.6058736684, 0.7685247835] };
    near(run(bin, ['loss'], { ...b, loss: 'new-error-bce' }).json.value, 0.750657642899);
    near(run(bin, ['loss'], { ...b, loss: 'new-error-bce', pivot: 0.8 }).json.value, 0.809914365515);
    near(run(bin, ['loss'], { ...b, loss: 'strict-imitation-bce' }).json.value, 1.435122542576);
  });

  test(`${name}: loss gradient of plain cross-entropy is (softmax - onehot) / B`, () => {
    const base = example('loss.json');
    const r = run(bin, ['loss'], { loss: 'cross-entropy', h2: base.h2, y: base.y });
    assert.equal(r.code, 0, r.err);
    base.h2.forEach((z, i) => {
      const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, v) => a + v);
      e.forEach((v, j) => near(r.json.grad[i][j], (v / s - (j === base.y[i] ? 1 : 0)) / 5, 1e-6));
    });
  });

  test(`${name}: loss rejects bad input with a message naming it`, () => {
    const base = example('loss.json');
    const bad = [
      [{ ...base, loss: 'new-error-mse' }, 'unknown loss "new-error-mse"'],
      [{ ...base, h2: [[1, 2, 3], [1, 2]] }, '"h2"[1] has 2 values, row 0 has 3'],
      [{ ...base, y: [0, 1] }, '"y" has 2 labels, "h2" has 5 rows'],
      [{ ...base, y: [0, 1, 2, 0, 7] }, 'y[4] = 7'],
      [{ ...base, lambda_c: -1 }, '"lambda_c" is -1'],
      [{ ...base, lamda_c: 1 }, 'unknown key "lamda_c"'],
      [{ ...base, reduction: 'none' }, '"reduction" must be'],
      [{ ...base, h1: undefined }, '"h1" must be an array'],
      [{ ...base, loss: 'new-error-bce' }, 'binary losses take one output'],
    ];
    for (const [input, msg] of bad) {
      const r = run(bin, ['loss'], input);
      assert.equal(r.code, 1, `expected failure for ${msg}`);
      assert.ok(r.err.includes(msg), `stderr "${r.err}" lacks "${msg}"`);
      assert.equal(r.out, '');
    }
    const nan = run(bin, ['loss'], '{"loss": "new-error-nll", "h2": [[NaN, 1]]}');
    assert.equal(nan.code, 1);
    assert.match(nan.err, /invalid JSON at line 1, column 3\d/);
  });

  test(`${name}: scores on the reference example (A.3) with slices`, () => {
    const r = run(bin, ['scores', 'examples/cli/scores.json']);
    assert.equal(r.code, 0, r.err);
    const s = r.json;
    assert.equal(s.btc, 0.6);
    assert.equal(s.bec, 0.5);
    near(s.bec_upstream, 2 / 3, 1e-12);
    assert.equal(s.nfr, 0.25);
    assert.equal(s.pfr, 0.125);
    assert.deepEqual(s.models_error_overlap, [[102, 104, 106], [101, 102, 103, 106], [102, 106]]);
    assert.deepEqual(s.h2_incompatible_instance_ids_by_class,
      [{ class: 1, incompatibleInstanceIds: [101] }, { class: 0, incompatibleInstanceIds: [103] }]);
    assert.deepEqual(s.error_instances.map((e) => e.instance_id), [101, 102, 103, 104, 106]);
    assert.deepEqual(s.counts, { n: 8, both_correct: 3, negative_flips: 2, positive_flips: 1, both_wrong: 2, both_wrong_same_label: 2 });
    const age = s.slices[0];
    assert.equal(age.column, 'age');
    assert.deepEqual(age.values.map((v) => v.value), ['40-75', '75+', '<40']);
    assert.deepEqual(age.values.map((v) => v.counts.n), [2, 3, 3]);
    assert.equal(age.values[1].btc, 1);
    const p = run(bin, ['scores', 'examples/cli/scores.json', '--pretty']);
    assert.match(p.out, /BTC\s+0\.6000\s+\[0\.2307, 0\.8824\]/);
    assert.match(p.out, /slice "age", worst negative flip rate first/);
  });

  test(`${name}: scores accept model outputs and report undefined ratios as null`, () => {
    const r = run(bin, ['scores'], { h1: [[0.9, 0.1], [0.2, 0.8]], h2: [[0.9, 0.1], [0.2, 0.8]], y: [0, 1] });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.json.btc, 1);
    assert.equal(r.json.bec, null); // no errors at all
    assert.equal(r.json.intervals.bec, null);
    const bin1 = run(bin, ['scores'], { h1: [[0.7], [0.2]], h2: [[0.4], [0.6]], y: [1, 1] });
    assert.equal(bin1.json.counts.negative_flips, 1);
    assert.equal(bin1.json.counts.positive_flips, 1);
    const bad = [
      [{ h1: [0, 1], h2: [0, 1], y: [0, -1] }, '"y"[1] must be a whole number >= 0'],
      [{ h1: [0, 1], h2: [0], y: [0, 1] }, 'same length'],
      [{ h1: [0, 1], h2: [0, 1], y: [0, 1], ids: [4, 4] }, 'id 4 appears more than once'],
      [{ h1: [0, 1], h2: [0, 1], y: [0, 1], slices: ['a'] }, 'slice column "slice" must be an array of 2 values'],
      [{ h1: [[0.5, NaN]], h2: [0], y: [0] }, 'invalid JSON'],
    ];
    for (const [input, msg] of bad) {
      const res = run(bin, ['scores'], typeof input === 'object' ? JSON.stringify(input).replace('null', 'NaN') : input);
      assert.equal(res.code, 1, msg);
      assert.ok(res.err.includes(msg), `stderr "${res.err}" lacks "${msg}"`);
    }
  });

  test(`${name}: scores read labels, outputs and slice columns from .npy files, as from JSON`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcml-npy-'));
    try {
      const npy = (file, descr, shape, bytes) => {
        let head = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
        head += ' '.repeat(63 - ((10 + head.length) % 64)) + '\n';
        const h = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length & 255, head.length >> 8]);
        writeFileSync(join(dir, file), Buffer.concat([h, Buffer.from(head), Buffer.from(bytes.buffer)]));
        return join(dir, file);
      };
      const y = [0, 1, 2, 0, 1, 2], h1 = [0, 1, 2, 1, 1, 2], age = [30, 30, 70, 70, 70, 30];
      const h2out = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0]];
      const files = { h1: npy('h1.npy', '<i8', [6], BigInt64Array.from(h1, BigInt)), h2: npy('h2.npy', '<f4', [6, 3], Float32Array.from(h2out.flat())),
        y: npy('y.npy', '<i4', [6], Int32Array.from(y)), slices: { age: npy('age.npy', '<i4', [6], Int32Array.from(age)) } };
      const fromFiles = run(bin, ['scores'], files), fromJson = run(bin, ['scores'], { h1, h2: h2out, y, slices: { age } });
      assert.equal(fromFiles.code, 0, fromFiles.err);
      assert.equal(fromFiles.out, fromJson.out);
      assert.equal(fromFiles.json.counts.negative_flips, 2);
      const bad = [[{ ...files, y: files.h2 }, '"y": labels must be a vector, got 2 dimensions'],
        [{ ...files, h1: join(dir, 'none.npy') }, 'none.npy'], [{ ...files, slices: { age: files.h2 } }, 'slice column "age" must hold 6 values']];
      for (const [input, msg] of bad) {
        const res = run(bin, ['scores'], input);
        assert.equal(res.code, 1, msg);
        assert.ok(res.err.includes(msg), `stderr "${res.err}" lacks "${msg}"`);
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test(`${name}: train, save, predict and train against h1 with a compatibility loss`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcml-'));
    try {
      const h1cfg = { data: { builtin: 'blobs', n: 2000, seed: 1, fraction: 0.1 }, model: { preset: 'mlp', input: 2, hidden: [16], classes: 3 },
        epochs: 5, batch_size: 32, seed: 3, optimizer: { name: 'sgd', lr: 0.05, momentum: 0.5 } };
      const h1 = run(bin, ['train', '-', '--out', 'h1.bcml'], h1cfg, dir);
      assert.equal(h1.code, 0, h1.err);
      assert.equal(h1.json.train_size, 200);
      assert.equal(h1.json.epoch_loss.length, 5);
      assert.ok(existsSync(join(dir, 'h1.bcml')));
      const cfg = example('train.json');
      const a = run(bin, ['train'], cfg, dir), b = run(bin, ['train'], cfg, dir);
      assert.equal(a.code, 0, a.err);
      assert.equal(a.out, b.out, 'the same config and seed give the same output');
      const c = a.json.test.compatibility;
      assert.ok(c.btc > 0.8 && c.btc <= 1, JSON.stringify(c));
      assert.equal(c.counts.n, 1000);
      assert.ok(a.json.epoch_loss[4] < a.json.epoch_loss[0]);
      const p = run(bin, ['predict'], { model_file: 'h1.bcml', data: { builtin: 'blobs', n: 50, seed: 2 } }, dir);
      assert.equal(p.code, 0, p.err);
      assert.equal(p.json.outputs.length, 50);
      assert.equal(p.json.labels.length, 50);
      const pretty = run(bin, ['train', '--pretty'], cfg, dir);
      assert.match(pretty.out, /vs h1: h1 accuracy 0\.\d+, BTC 0\.\d+, BEC 0\.\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`${name}: train rejects bad configs clearly`, () => {
    const ok = { data: { builtin: 'blobs', n: 100 }, model: { preset: 'logreg', input: 2, classes: 3 } };
    const bad = [
      [{ ...ok, loss: 'new-error-nll' }, 'loss new-error-nll needs "h1"'],
      [{ ...ok, optimizer: { name: 'rmsprop' } }, 'unknown optimizer "rmsprop"'],
      [{ ...ok, model: { preset: 'logreg', input: 3, classes: 3 } }, 'the data has 2 features per instance, the model expects 3'],
      [{ ...ok, data: { file: '/nonexistent.json' } }, 'cannot open /nonexistent.json'],
      [{ ...ok, data: { x: [[1, 2], [3]], y: [0, 1] } }, '"x"[1] has 1 values, row 0 has 2'],
      [{ ...ok, data: { x: [[1, 2]], y: [0, 1] } }, '"x" has 1 rows but "y" has 2 labels'],
      [{ ...ok, epochs: -1 }, '"epochs" is -1'],
      [{ ...ok, h1: { model_file: '/nonexistent.bcml' } }, 'cannot open model file /nonexistent.bcml'],
      [{ ...ok, loss: 'bce' }, 'binary model with one output'],
      [{ ...ok, model: { preset: 'mlp', input: 2, hidden: [32, 32], classes: 3 }, epochs: 5, optimizer: { lr: 1e6, momentum: 0.9 } },
        'training diverged; try a smaller learning rate'],
    ];
    for (const [cfg, msg] of bad) {
      const r = run(bin, ['train'], cfg);
      assert.equal(r.code, 1, msg);
      assert.ok(r.err.includes(msg), `stderr "${r.err}" lacks "${msg}"`);
    }
  });

  test(`${name}: usage and unknown commands`, () => {
    assert.equal(run(bin, [], '').code, 2);
    const u = run(bin, ['fly'], '');
    assert.equal(u.code, 1);
    assert.match(u.err, /unknown command "fly"/);
    assert.match(run(bin, ['scores', '--verbose'], '').err, /unknown option --verbose/);
    assert.match(run(bin, ['version'], '').out, /^bcml \d+\.\d+\.\d+/);
  });
}

test('native SIMD and scalar kernels give bit-identical training and predictions', { skip: !scalar }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bcml-parity-'));
  try {
    const cfg = { data: { builtin: 'gauss10', n: 1500, seed: 4 }, model: { preset: 'mlp', input: 10, hidden: [40, 20], classes: 4 },
      epochs: 3, batch_size: 50, seed: 9, optimizer: { name: 'adam' }, save: 'm.bcml' };
    const cnn = { data: { x: Array.from({ length: 24 }, (_, i) => Array.from({ length: 784 }, (_, j) => ((i * 7 + j * 13) % 29) / 29)),
      y: Array.from({ length: 24 }, (_, i) => i % 10) }, model: { preset: 'mnist-net' }, epochs: 2, batch_size: 8, seed: 1,
      optimizer: { lr: 0.01, momentum: 0.5 } };
    for (const c of [cfg, cnn]) {
      const a = run(bins[0], ['train'], c, dir), b = run(scalar, ['train'], c, dir);
      assert.equal(a.code, 0, a.err);
      assert.equal(a.out, b.out);
    }
    const p = { model_file: 'm.bcml', data: { builtin: 'gauss10', n: 300, seed: 5 } };
    run(bins[0], ['train'], cfg, dir);
    const pa = run(bins[0], ['predict'], p, dir).out;
    run(scalar, ['train'], cfg, dir);
    assert.equal(run(scalar, ['predict'], p, dir).out, pa);
    assert.equal(readFileSync(join(dir, 'm.bcml')).length > 0, true);
    writeFileSync(join(dir, 'done'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
