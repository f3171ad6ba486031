// Against the real Python packages (build/pyenv, made by scripts/setup-python.sh): files NumPy writes load in
// bcml, and a sweep exported with `bcml export-mlflow` reads back through MLflow's own client unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const python = resolve(root, process.env.BCML_PYTHON ?? 'build/pyenv/bin/python');
const work = mkdtempSync(join(tmpdir(), 'bcml-py-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function py(code) {
  const r = spawnSync(python, ['-c', code], { cwd: work, encoding: 'utf8', env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
function run(args, input) {
  const r = spawnSync(bin, args, { input: JSON.stringify(input ?? {}), cwd: work, encoding: 'utf8' });
  return { code: r.status, err: r.stderr, json: r.status === 0 && r.stdout.startsWith('{') ? JSON.parse(r.stdout) : null };
}

test('the Python environment exists (scripts/setup-python.sh)', () => {
  assert.ok(existsSync(python), `${python} is missing: run bash scripts/setup-python.sh`);
});

test('arrays NumPy writes (.npy, .npz compressed and stored) load in bcml with the same values', () => {
  py(`
import numpy as np
rng = np.random.default_rng(0)
x = rng.normal(size=(50, 3))
y = (x[:, 0] > 0).astype(np.int64)
np.save("x.npy", x); np.save("y.npy", y)
np.savez_compressed("c.npz", x=x.astype(np.float32), y=y.astype(np.int32))
np.savez("s.npz", x=x, y=y.astype(np.uint8))
np.save("be.npy", x.astype(">f4")); np.save("f.npy", np.asfortranarray(x))
print(repr(float(x[7, 2])))`);
  const x72 = Number(py('import numpy as np; print(repr(float(np.load("x.npy")[7, 2])))'));
  for (const data of [{ npy: { x: 'x.npy', y: 'y.npy' } }, { npz: 'c.npz' }, { npz: 's.npz' }]) {
    const p = run(['train'], { data, model: { preset: 'logreg', input: 3, classes: 2 }, epochs: 2, save: 'm.bcml' });
    assert.equal(p.code, 0, `${JSON.stringify(data)}: ${p.err}`);
    assert.equal(p.json.train_size, 50);
    const q = run(['predict'], { model_file: 'm.bcml', data, features: true });
    assert.equal(q.json.x[7][2], Math.fround(x72), 'float32 of NumPy\'s value');
    assert.deepEqual(q.json.y.slice(0, 5), JSON.parse(py('import numpy as np; print(list(map(int, np.load("y.npy")[:5])))')));
  }
  assert.match(run(['train'], { data: { npy: { x: 'be.npy', y: 'y.npy' } }, model: { preset: 'logreg', input: 3, classes: 2 } }).err, /big-endian/);
  assert.match(run(['train'], { data: { npy: { x: 'f.npy', y: 'y.npy' } }, model: { preset: 'logreg', input: 3, classes: 2 } }).err, /Fortran-order/);
});

test('export-mlflow: MLflow\'s client reads the run back with the same numbers', () => {
  const cfg = {
    data: { builtin: 'blobs', n: 600, seed: 1 }, test: { builtin: 'blobs', n: 300, seed: 2 },
    h1: { train: { data: { builtin: 'blobs', n: 600, seed: 1, fraction: 0.1 }, model: { preset: 'logreg', input: 2, classes: 3 }, epochs: 3 } },
    model: { preset: 'mlp', input: 2, hidden: [8], classes: 3 }, epochs: 2, batch_size: 32, batch_size_test: 300,
    lambda: { start: 0, stop: 1, step: 0.5 },
  };
  const s = run(['sweep', '--out', 'sw'], cfg);
  assert.equal(s.code, 0, s.err);
  const ex = run(['export-mlflow', 'sw', '--out', 'mlruns']);
  assert.equal(ex.code, 0, ex.err);
  assert.equal(ex.json.metric_values, 3 + 12 * 3);
  const got = JSON.parse(py(`
import json, warnings
warnings.filterwarnings("ignore")
from mlflow.tracking import MlflowClient
c = MlflowClient(tracking_uri="file://${work}/mlruns")
runs = c.search_runs(["0"])
r = runs[0]
out = {"n": len(runs), "id": r.info.run_id, "name": r.info.run_name, "status": r.info.status, "params": r.data.params,
       "metrics": {k: [[m.step, m.value] for m in c.get_metric_history(r.info.run_id, k)] for k in r.data.metrics}}
print(json.dumps(out))`));
  assert.equal(got.n, 1);
  assert.equal(got.id, ex.json.run_id);
  assert.equal(got.name, 'compatibility_sweep');
  assert.equal(got.status, 'FINISHED');
  assert.deepEqual(got.params, { lambda_c_stepsize: '0.5', batch_size_train: '32', batch_size_test: '300' });
  assert.deepEqual(got.metrics.lambda_c.map(([step, v]) => [step, v]), [[1, 0], [2, 0.5], [3, 1]]);
  const summary = JSON.parse(readFileSync(join(work, 'sw/sweep_summary.json')));
  const fam = ['new_error', 'new_error', 'strict_imitation', 'strict_imitation'], set = ['training', 'testing'];
  for (const row of summary.data)
    for (const k of ['performance', 'btc', 'bec']) {
      const name = `${fam[row.datapoint_index % 4]}_${set[row.datapoint_index % 2]}_${k}`;
      const step = Math.floor(row.datapoint_index / 4) + 1;
      assert.deepEqual(got.metrics[name].find(([s2]) => s2 === step), [step, row[k]], name);
    }
  const again = run(['export-mlflow', 'sw', '--out', 'mlruns']);
  assert.equal(again.code, 1);
  assert.match(again.err, /already exported as run/);
});
