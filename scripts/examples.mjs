// examples.mjs - runs examples/notebooks/*.json (the original library's notebooks as bcml configurations, see
// scripts/make-examples.mjs) with the native CLI and writes docs/examples.md: bcml's BTC, BEC and accuracy next
// to what each notebook recorded. Needs `npm run datasets` and build/bcml.
// Run: node scripts/examples.mjs [--quick] [NAME ...]   (--quick: 1 epoch and lambda step 0.5, a smoke run)
import { readFileSync, writeFileSync, readdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((a) => !a.startsWith('--'));
const dir = join(root, 'examples/notebooks');
const work = mkdtempSync(join(tmpdir(), 'bcml-examples-'));

// one bcml command with its config on standard input; the parsed JSON it prints, or a thrown error with its message
function bcml(cmd, config, extra = []) {
  const flags = quick ? ['--epochs', String(Math.min(1, config?.epochs ?? 1))] : [];
  const r = spawnSync(bin, [cmd, ...extra, ...(cmd === 'train' || cmd === 'sweep' ? flags : [])], {
    cwd: root, input: config === null ? undefined : JSON.stringify(config), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`bcml ${cmd}: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout);
}

const pick = (c) => c && { btc: c.btc, bec: c.bec, bec_upstream: c.bec_upstream, accuracy: c.h2_accuracy, h1_accuracy: c.h1_accuracy };

// train h1 (saved), then h2 against it (from h1's weights when the notebook continued training h1)
function runUpdate(name, ex) {
  const h1File = join(work, `${name}-h1.bcml`), h2File = join(work, `${name}-h2.bcml`);
  bcml('train', { ...ex.h1, save: h1File });
  const { h2_from_h1: fromH1, ...h2 } = ex.h2;
  const out = bcml('train', { ...h2, ...(fromH1 ? { model_file: h1File } : {}), h1: { model_file: h1File }, save: h2File });
  return [{ label: `lambda ${ex.h2.loss.lambda_c}, ${ex.h2.loss.name}`, ...pick(out.test.compatibility) }];
}

function runSweep(name, ex) {
  const config = join(work, `${name}.json`);
  writeFileSync(config, JSON.stringify(ex.sweep));
  const extra = ['--config', config, '--out', join(work, name), '--jobs', String(Math.min(2, cpus().length))];
  const s = bcml('sweep', null, quick ? [...extra, '--lambda-step', '0.5'] : extra);
  const rows = s.data.filter((p) => p.testing).map((p) => ({
    label: `lambda ${p.lambda_c}, ${p['new-error'] ? 'new-error' : 'strict-imitation'}`, btc: p.btc, bec: p.bec, accuracy: p.performance,
    h1_accuracy: s.h1_performance,
    bec_upstream: JSON.parse(readFileSync(join(work, name, `${p.datapoint_index}-evaluation-data.json`), 'utf8')).bec_upstream }));
  return rows;
}

function runSummary(name, ex) {
  const s = bcml('summary', null, [join(work, ex.folder_of)]);
  return [{ label: `reopened: ${s.data.length} points, ${s.complete ? 'complete' : 'incomplete'}` }];
}

function runCompare(name, ex) {
  const h1File = join(work, `${name}-h1.bcml`), h2File = join(work, `${name}-h2.bcml`);
  bcml('train', { ...ex.h1, save: h1File });
  bcml('train', { ...ex.h2, save: h2File });
  const r = bcml('compare', { data: ex.compare.data, h1: { model_file: h1File }, h2: { model_file: h2File } });
  return [{ label: 'h1 against h2', ...pick(r) }];
}

const runners = { update: runUpdate, sweep: runSweep, summary: runSummary, compare: runCompare };
// a summary reopens the folder its sweep wrote, so sweeps go first
const order = (list) => [...list].sort((a, b) => (a.includes('from-saved') - b.includes('from-saved')) || a.localeCompare(b));
const known = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
const unknown = only.filter((n) => !known.includes(n));
if (unknown.length) throw new Error(`no example ${unknown.join(', ')} in examples/notebooks (there are: ${known.join(', ')})`);
const names = order(known.filter((n) => only.length === 0 || only.includes(n)));
const fmt = (v) => (typeof v === 'number' ? v.toFixed(4) : '–');
const results = [];
let failed = 0;
for (const name of names) {
  const ex = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const t0 = performance.now();
  let rows, error;
  try {
    if (!runners[ex.kind]) throw new Error(`"kind" must be one of ${Object.keys(runners).join(', ')}`);
    rows = runners[ex.kind](name, ex);
  } catch (err) { error = err.message; failed++; }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${name}: ${error ? `FAILED ${error}` : `${rows.length} row(s)`} (${seconds.toFixed(1)} s)`);
  results.push({ name, ex, rows, error, seconds });
}
rmSync(work, { recursive: true, force: true });

/** One line per example: recorded BTC / BEC / accuracy against bcml's, from the sections' own tables. */
function overview(all, lastRows) {
  const out = ['BEC here is the original\'s definition on both sides, as the notebooks recorded it.', '',
    '| example | data | recorded | bcml |', '|---|---|---|---|'];
  for (const name of all) {
    const ex = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
    const res = results.find((x) => x.name === name);
    const rows = res?.rows ?? lastRows.get(name);
    if (!rows) continue;
    const r = recordedRow(ex, rows), rec = ex.recorded ?? {};
    const SHORT = { btc: 'BTC', bec: 'BEC', accuracy: 'accuracy', h1_accuracy: 'h1 accuracy' };
    const keys = Object.keys(rec).length ? Object.keys(rec) : ['btc', 'bec', 'accuracy'];
    const show = (o, mine) => keys.map((k) => { const v = o[mine ? MINE[k] ?? k : k]; return `${SHORT[k]} ${typeof v === 'number' ? v.toFixed(4) : '–'}`; }).join(', ');
    out.push(`| [${name}](#${name.toLowerCase()}) | ${ex.stand_in.split(/[:;(]/)[0].trim()} | ${Object.keys(rec).length ? show(rec, false) : 'none recorded'} | ${show(r, true)} |`);
  }
  return out;
}

const METRICS = { btc: 'BTC', bec: 'BEC (the original\'s definition: share of h1\'s errors h2 repeats)', accuracy: 'h2 accuracy', h1_accuracy: 'h1 accuracy' };
// the notebooks recorded the original's BEC, so bcml's number beside it is the same definition
const MINE = { bec: 'bec_upstream' };
/** The row the notebook's recorded numbers belong to: "recorded_at" names its label, else the first. */
const recordedRow = (ex, rows) => rows.find((r) => ex.recorded_at && r.label === ex.recorded_at) ?? rows[0];
/** Each recorded number beside bcml's, with the sentence that explains the difference ("why" in the config). */
function againstRecorded(ex, rows) {
  const r = recordedRow(ex, rows);
  const out = [`Against the notebook's recorded numbers${ex.recorded_at ? ` (at ${ex.recorded_at})` : ''}:`, '',
    '| | recorded | bcml | difference | why |', '|---|---|---|---|---|'];
  for (const [k, v] of Object.entries(ex.recorded)) {
    const mine = r[MINE[k] ?? k], d = typeof mine === 'number' ? mine - v : NaN;
    const why = Math.abs(d) <= 0.01 ? 'agrees within 0.01' : (ex.why?.[k] ?? ex.why?.all ?? '**not explained**');
    out.push(`| ${METRICS[k] ?? k} | ${v} | ${fmt(mine)} | ${Number.isFinite(d) ? `${d >= 0 ? '+' : ''}${d.toFixed(4)}` : '–'} | ${why} |`);
  }
  return out;
}

if (!quick) {
  // sections of examples not run this time are kept from the previous report, with their own run date
  const doc = join(root, 'docs/examples.md'), today = new Date().toISOString().slice(0, 10);
  const sections = new Map(), lastRows = new Map();
  if (existsSync(doc))
    for (const part of readFileSync(doc, 'utf8').split(/^## /m).slice(1)) {
      const name = part.slice(0, part.indexOf('\n'));
      sections.set(name, `## ${part.trimEnd()}\n`);
      // the points table of a kept section, for the overview
      const num = (c) => (c === '–' ? undefined : Number(c));
      lastRows.set(name, part.split('\n').filter((l) => /^\| (lambda|h1 against|reopened)/.test(l)).map((l) => {
        const c = l.split('|').slice(1, -1).map((x) => x.trim());
        return { label: c[0], btc: num(c[1]), bec: num(c[2]), bec_upstream: num(c[3]), accuracy: num(c[4]), h1_accuracy: num(c[5]) };
      }));
    }
  for (const { name, ex, rows, error, seconds } of results) {
    const lines = [`## ${name}`, '', `${ex.kind}; data: ${ex.stand_in}. Note: ${ex.note}. Run ${today}, wall time ${seconds.toFixed(1)} s.`, ''];
    const rec = ex.recorded ?? {};
    if (error) lines.push(`**Failed:** ${error}`);
    else {
      if (Object.keys(rec).length) lines.push(...againstRecorded(ex, rows), '');
      lines.push('| point | BTC | BEC | BEC (original\'s) | h2 accuracy | h1 accuracy |', '|---|---|---|---|---|---|');
      for (const r of rows) lines.push(`| ${r.label} | ${fmt(r.btc)} | ${fmt(r.bec)} | ${fmt(r.bec_upstream)} | ${fmt(r.accuracy)} | ${fmt(r.h1_accuracy)} |`);
    }
    sections.set(name, `${lines.join('\n')}\n`);
  }
  const all = order(known);
  const missing = all.filter((n) => !sections.has(n));
  const head = ['# The original notebooks, run with bcml', '',
    'Generated by `node scripts/examples.mjs` (`npm run examples`) from `examples/notebooks/*.json`, which',
    '`scripts/make-examples.mjs` writes: each of the original library\'s 23 example notebooks with its model',
    'shape, optimizer, epochs, batch sizes and lambda grid, on the data available offline (`npm run datasets`).',
    'Where the notebook\'s data is not available offline, the stand-in is named; the 5,000 real MNIST digits stand',
    'in for MNIST with 15 times the epochs (as many optimizer steps as on 60,000). "Recorded" is the value in the',
    'notebook\'s saved output, and every difference larger than 0.01 gets a sentence on its cause. Sweeps list the',
    'testing points. Two BECs: the paper\'s (the share of h2\'s errors that h1 also made) and the original code\'s',
    '(divided by h1\'s errors instead), which is what the notebooks recorded and what is compared with them.', '',
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}).`, ''];
  if (missing.length) head.push(`Not run yet (run them by name): ${missing.join(', ')}.`, '');
  head.push(...overview(all, lastRows), '');
  writeFileSync(doc, `${head.join('\n')}\n${all.filter((n) => sections.has(n)).map((n) => sections.get(n)).join('\n')}`);
  console.log('wrote docs/examples.md');
}
process.exitCode = failed ? 1 : 0;
