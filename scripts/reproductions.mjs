// reproductions.mjs - `npm run reproductions`: published experiments re-run with bcml, written to
// docs/reproductions.md. Experiment 1 (Bansal et al., AAAI 2019, "updating with a larger training set only"):
// h1 learns from a fifth of the training rows, h2 from all of them, with no compatibility loss; accuracy before
// and after and the compatibility C(h1, h2) = BTC on the test rows, logistic regression and an MLP, on
// recidivism (COMPAS), credit risk (German credit) and a mortality stand-in (flchain), over 5 seeds (each seed
// takes a different fifth and a different shuffle). Needs `npm run datasets` and build/bcml. --out FILE writes
// the report elsewhere (the tests do).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from '../wasm/bcml.mjs';

const root = resolve(import.meta.dirname, '..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const ds = join(root, 'build/datasets');
const work = mkdtempSync(join(tmpdir(), 'bcml-repro-'));
const seeds = [1, 2, 3, 4, 5];
const outAt = process.argv.indexOf('--out');
const report = outAt > 0 ? resolve(process.argv[outAt + 1]) : join(root, 'docs/reproductions.md');
let lowest = 1;

function bcml(cmd, config) {
  const r = spawnSync(bin, [cmd], { input: JSON.stringify(config), cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`bcml ${cmd}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

// train and test rows of each task: a split file where the data has one, else the first 70% / the rest
const csv = (file, label, extra = {}) => ({ csv: join(ds, file), label, id: 'id', ...extra });
const tasks = [
  { name: 'Recidivism', stand_in: 'COMPAS (ProPublica filter), 6,172 rows', published: { lr: [0.68, 0.72, 0.72], mlp: [0.59, 0.73, 0.53] },
    train: csv('compas/compas.csv', 'two_year_recid', { fraction: 0.7 }), test: csv('compas/compas.csv', 'two_year_recid', { start: 0.7 }) },
  { name: 'Credit Risk', stand_in: 'German credit, 1,000 rows (the paper\'s set is probably FICO HELOC)', published: { lr: [0.72, 0.77, 0.66], mlp: [0.70, 0.80, 0.63] },
    train: csv('german/german.csv', 'credit_risk', { fraction: 0.7, slices: ['age_band'] }), test: csv('german/german.csv', 'credit_risk', { start: 0.7, slices: ['age_band'] }) },
  { name: 'Mortality', stand_in: 'flchain (survival), 7,874 rows (the paper\'s set is probably MIMIC)', published: { lr: [0.68, 0.77, 0.40], mlp: [0.71, 0.84, 0.76] },
    train: csv('flchain/flchain-train.csv', 'death', { slices: ['age_band'] }), test: csv('flchain/flchain-test.csv', 'death', { slices: ['age_band'] }) },
];

// the encoded width of each task, from the same CSV reader the CLI uses
const b = await load();
for (const t of tasks) {
  const { csv: file, fraction, start, ...spec } = t.train;
  const table = b.csvTable(readFileSync(file), { ...spec, name: file });
  t.dim = table.x.length / table.y.length;
}

const models = {
  lr: { label: 'Logistic regression', spec: (d) => ({ preset: 'logreg', input: d, classes: 2 }), epochs: 30, optimizer: { name: 'adam', lr: 0.01 } },
  mlp: { label: 'Multi-layer perceptron', spec: (d) => ({ preset: 'mlp', input: d, hidden: [32], classes: 2 }), epochs: 30, optimizer: { name: 'adam', lr: 0.003 } },
};

const stats = (v) => {
  const m = v.reduce((a, x) => a + x, 0) / v.length;
  return { mean: m, sd: Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1)) };
};
const pm = (v) => { const s = stats(v); return `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}`; };

const rows = [];
for (const [key, m] of Object.entries(models))
  for (const t of tasks) {
    const acc1 = [], acc2 = [], btc = [], nfr = [];
    for (const seed of seeds) {
      // a different fifth of the training rows per seed (start 0, 0.2, ... of the training part)
      const part = t.train.fraction ?? 1, from = ((seed - 1) % 5) * 0.2 * part;
      const base = { model: m.spec(t.dim), epochs: m.epochs, batch_size: 32, seed, optimizer: m.optimizer, test: t.test };
      const h1 = join(work, 'h1.bcml'), h2 = join(work, 'h2.bcml');
      bcml('train', { ...base, data: { ...t.train, start: from, fraction: from + 0.2 * part }, save: h1 });
      bcml('train', { ...base, data: t.train, save: h2 });
      const c = bcml('compare', { data: t.test, h1: { model_file: h1 }, h2: { model_file: h2 } });
      acc1.push(c.h1_accuracy); acc2.push(c.h2_accuracy); btc.push(c.btc); nfr.push(c.nfr);
    }
    lowest = Math.min(lowest, stats(btc).mean);
    const [p1, p2, pc] = t.published[key];
    rows.push(`| ${m.label} | ${t.name} | ${p1.toFixed(2)} → ${p2.toFixed(2)} | ${Math.round(pc * 100)}% | ${pm(acc1)} → ${pm(acc2)} | ${pm(btc)} | ${pm(nfr)} |`);
    console.log(rows.at(-1));
  }
rmSync(work, { recursive: true, force: true });

const lines = [
  '# Published experiments, re-run with bcml', '',
  `Generated by \`node scripts/reproductions.mjs\` (\`npm run reproductions\`) on ${new Date().toISOString().slice(0, 10)}; do not edit. ${cpus().length} cores.`, '',
  '## 1. Updating with a larger training set only (Bansal et al., AAAI 2019)', '',
  'h1 is trained on a fifth of the training rows, h2 on all of them, the same model class and settings, no',
  'compatibility loss; both are scored on the held-out rows. Compatibility C(h1, h2) is BTC: the share of the',
  'test rows h1 gets right that h2 also gets right. Mean ± standard deviation over 5 seeds (each seed a different',
  `fifth and a different shuffle). Models: logistic regression (Adam 0.01) and an MLP with one hidden layer of 32`,
  `(Adam 0.003), 30 epochs, batch 32. Data: ${tasks.map((t) => `${t.name}: ${t.stand_in}`).join('; ')}.`, '',
  '| classifier | task | published accuracy v1 → v2 | published C | bcml accuracy v1 → v2 | bcml C (BTC) | bcml NFR |',
  '|---|---|---|---|---|---|---|', ...rows, '',
  'The published table does not give its sample sizes and may report AUC rather than accuracy; its data sets are',
  'not available offline (stand-ins named above), so only the shape can be compared: how much of what h1 got',
  `right h2 keeps when only the amount of data changes. The lowest mean compatibility here is ${(lowest * 100).toFixed(1)}%, against`,
  `the published 40%${lowest > 0.6 ? ': the published worst cases point to far smaller v1 samples or less stable models than a fifth of these data sets gives' : ''}.`, '',
  'Not yet here: experiment 2 (a noisy-label update in character recognition) and experiment 3 (trade-off',
  'curves with focal distillation); `docs/examples.md` has the lambda sweeps of the original\'s notebooks.', '',
];
writeFileSync(report, lines.join('\n'));
console.log(`wrote ${report}`);
