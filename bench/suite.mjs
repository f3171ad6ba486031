// suite.mjs - `npm run bench [-- --quick]`: bcml against the original library (backwardcompatibilityml 1.4.2 on
// Debian's CPU PyTorch) and against itself across builds, measured side by side in one run, written to
// docs/benchmarks.md and docs/benchmarks.svg. Not a test: nothing here asserts a time.
//   case 1  UCI Adult, logistic regression, cross-entropy pair, lambda step 0.1, 20 epochs (the original's example)
//   case 2  the original's MNIST CNN on the 5,000 real digits, cross-entropy pair, step 0.25, 3 epochs
//   case 3  a predictions-only comparison on 1,000,000 instances (scores, Venn, per class, per slice)
// Systems: the original, bcml native (1 and 2 jobs), bcml wasm-SIMD in Node and the web app in headless
// Chromium (1 and 2 workers); then scaling with data size, GEMM throughput, memory. --quick: one repetition,
// fewer epochs, a smaller case 3 for the original.
import { execFileSync, spawnSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from '../wasm/bcml.mjs';
import { gemmTable, cpuMHz } from './gemm.mjs';
import { bars } from '../scripts/lib/svgplot.mjs';
import { seededRandom } from '../scripts/lib/random.mjs';
import { serve } from '../scripts/lib/serve.mjs';
import { openBrowser } from '../tests/node/lib/browser.mjs';

const root = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const reps = quick ? 1 : 3;
const cheapReps = quick ? 1 : 3; // bcml native and in Node run 3 times a repetition: seconds each, and the VM is noisy
const bin = join(root, 'build/bcml'), work = mkdtempSync(join(tmpdir(), 'bcml-bench-'));
const peerPy = join(root, 'build/peerenv/bin/python'), peerEnv = { ...process.env, PYTHONPATH: join(root, 'bench/peer/shim') };
const ds = (p) => join(root, 'build/datasets', p);
const median = (a) => { const s = [...a].sort((x, y) => x - y), h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
const fmt = (a) => `${median(a).toFixed(2)} [${Math.min(...a).toFixed(2)}-${Math.max(...a).toFixed(2)}]`;
const log = (...a) => console.error('bench:', ...a);

/** One process under GNU time: { seconds, out, peakMB } (peak resident memory of the process and its threads);
 * toFile: standard output goes to that file instead. Earlier runs' writes are flushed first, not timed. */
function measured(cmd, args, opts = {}, toFile = null) {
  execFileSync('sync');
  const rss = join(work, 'rss'), t0 = performance.now();
  const stdio = toFile ? ['ignore', openSync(toFile, 'w'), 'pipe'] : undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rss, cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio, ...opts });
  if (stdio) closeSync(stdio[1]);
  if (r.status) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return { seconds: (performance.now() - t0) / 1000, out: r.stdout, peakMB: Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024 };
}
const json = (v, name) => { const f = join(work, name); writeFileSync(f, JSON.stringify(v)); return f; };

// ---------------------------------------------------------------- the systems

/** bcml native: `bcml sweep` on a config, `jobs` threads; the folder stays for the others. */
function nativeSweep(config, jobs, dir) {
  rmSync(dir, { recursive: true, force: true });
  const m = measured(bin, ['sweep', '--config', json(config, 'native.json'), '--out', dir, '--jobs', String(jobs)], { cwd: root });
  return { ...m, summary: JSON.parse(readFileSync(join(dir, 'sweep_summary.json'), 'utf8')) };
}

/** bcml wasm in Node (bench/wasm-case.mjs in its own process): { seconds (inside), peakMB, heapBytes, summary }. */
function nodeRun(spec) {
  const m = measured(process.execPath, [join(root, 'bench/wasm-case.mjs'), json(spec, 'wasm.json')], { cwd: root });
  const r = JSON.parse(m.out);
  return { ...r, peakMB: m.peakMB };
}

/** The web app in headless Chromium: a demo button, the form, Start; seconds from the click to "done". */
async function pageSweep(page, demo, form) {
  await page.click('button.tab[data-view="analysis"]');
  await page.click(demo);
  await page.waitForFunction(() => !document.getElementById('start').disabled && /instances/.test(document.getElementById('data-status').textContent), null, { timeout: 60000 });
  for (const [k, v] of Object.entries(form)) {
    if (await page.$eval(`#cfg-${k}`, (e) => e.tagName === 'SELECT')) await page.selectOption(`#cfg-${k}`, String(v));
    else await page.fill(`#cfg-${k}`, String(v));
  }
  const t0 = performance.now();
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#progress span')?.textContent.startsWith('done'), null, { timeout: 900000, polling: 50 });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, summary: await page.evaluate(() => window.bcmlApp.summary) };
}

const same = (a, b) => JSON.stringify(a.data) === JSON.stringify(b.data);

// ---------------------------------------------------------------- setup

execFileSync('bash', [join(root, 'scripts/setup-peer.sh')], { stdio: 'pipe' });
const torchVersion = execFileSync(peerPy, ['-c', 'import torch; print(torch.__version__, torch.get_num_threads())'], { encoding: 'utf8' }).trim().split(' ');
const server = await serve(join(root, 'build/web'));
const browser = await openBrowser();
const page = await browser.context.newPage();
await page.goto(`${server.url}/`);
await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
const chromiumVersion = (await page.evaluate(() => navigator.userAgent)).match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium';
const results = { cases: [], scaling: [], memory: [] };

/** One sweep case on every system, reps times: native (1, 2 jobs), wasm in Node and the page (1, 2 workers),
 * the original (peer(dir) runs its script on the native folder's h1). Times, peak memory, and whether the
 * wasm and page summaries equal native's. */
async function sweepCase({ config, dir, node, demo, form, peer }) {
  const t = { native1: [], native2: [], node1: [], node2: [], page1: [], page2: [], original: [] }, mem = {};
  const peak = (k, mb) => { mem[k] = Math.max(mem[k] ?? 0, mb); };
  let nativeSummary, nodeSame = true, pageSame = true, peerOut;
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < cheapReps; k++)
      for (const jobs of [1, 2]) {
        const m = nativeSweep(config, jobs, dir);
        t[`native${jobs}`].push(m.seconds);
        peak(`native${jobs}`, m.peakMB);
        nativeSummary = m.summary;
      }
    for (let k = 0; k < cheapReps; k++)
      for (const workers of [1, 2]) {
        const m = nodeRun({ kind: 'sweep', ...node, workers });
        t[`node${workers}`].push(m.seconds);
        peak(`node${workers}`, m.peakMB);
        mem.heap = m.heapBytes;
        nodeSame &&= same(m.summary, nativeSummary);
      }
    for (const workers of [1, 2]) {
      const m = await pageSweep(page, demo, { ...form, workers });
      t[`page${workers}`].push(m.seconds);
      pageSame &&= same(m.summary, nativeSummary);
    }
    rmSync(join(work, 'peer'), { recursive: true, force: true });
    mkdirSync(join(work, 'peer'));
    const m = peer(dir);
    peerOut = JSON.parse(m.out);
    t.original.push(peerOut.seconds);
    peak('original', m.peakMB);
  }
  return { times: t, mem, nodeSame, pageSame, peerOut };
}

// ---------------------------------------------------------------- case 1: UCI Adult

const E1 = quick ? 5 : 20;
{
  log(`case 1: UCI Adult, ${E1} epochs`);
  const base = JSON.parse(readFileSync(join(root, 'examples/compatibility-analysis-adult.json'), 'utf8'));
  const csvOpts = { label: 'income', id: 'id', slices: ['age_band', 'sex'], ignore: ['fnlwgt'] };
  const abs = (spec) => ({ ...spec, csv: join(root, spec.csv) });
  const optimizer = { name: 'sgd', lr: 0.01, momentum: 0.5 }, loss = { new_error: base.new_error, strict_imitation: base.strict_imitation };
  const lambda = { start: 0, stop: 1, step: 0.1 };
  const config = { ...base, data: abs(base.data), test: abs(base.test), epochs: E1, seed: 1, lambda,
    h1: { train: { ...base.h1.train, data: abs(base.h1.train.data), epochs: E1, seed: 2 } } };
  const node = { data: { csv: [config.data.csv, config.test.csv], options: csvOpts }, h1: { spec: base.model, fraction: 0.25, options: { epochs: E1, batch_size: 754, seed: 2, optimizer } },
    h2spec: base.model, config: { epochs: E1, batch_size: 754, seed: 1, optimizer, ...loss, lambda } };
  results.case1 = { config, node }; /* for the 2-core ceiling below */
  const r = await sweepCase({ config, dir: join(work, 'adult'), node,
    demo: '#demo-adult', form: { epochs: E1, h1_epochs: E1, lambda_stop: 1, lambda_step: 0.1, ...loss },
    peer: (dir) => measured(peerPy, [join(root, 'bench/peer/adult_sweep.py'), config.data.csv, config.test.csv, join(dir, 'encoding.json'), join(dir, 'h1-model.bcml'),
      String(E1), '0.1', join(work, 'peer')], { env: peerEnv }) });
  const c = r.peerOut.check;
  const mine = JSON.parse(execFileSync(bin, ['scores'], { input: JSON.stringify({ h1: c.h1, h2: c.h2, y: c.y }), maxBuffer: 1 << 28 }).toString());
  results.check1 = { ...c, mine, agree: mine.btc === c.btc && mine.bec_upstream === c.bec_upstream && mine.h2_accuracy === c.h2_accuracy };
  results.cases.push({ name: 'Case 1: UCI Adult', short: 'Adult LR', target: 20, ...r,
    about: `logistic regression (105 features), cross-entropy pair, lambda step 0.1 (11 values: 22 trainings in the original, 11 in bcml, which trains the pair's identical models once; 2 workers need 6 rounds for 11), ${E1} epochs, batch 754, SGD 0.01/0.5; 32,561 training and 16,281 test rows` });
}

// ---------------------------------------------------------------- case 2: the MNIST CNN on the digits

const E2 = quick ? 1 : 3;
{
  log(`case 2: MNIST CNN on the digits, ${E2} epochs`);
  const files = (set) => [ds(`digits/${set}-images-idx3-ubyte`), ds(`digits/${set}-labels-idx1-ubyte`)];
  const idx = (set) => ({ idx: { images: files(set)[0], labels: files(set)[1] } });
  const optimizer = { name: 'sgd', lr: 0.01, momentum: 0.5 }, model = { preset: 'mnist-net' }, lambda = { start: 0, stop: 1, step: 0.25 };
  const loss = { new_error: 'new-error-cross-entropy', strict_imitation: 'strict-imitation-cross-entropy' };
  const config = { data: idx('train'), test: idx('t10k'), model, epochs: E2, batch_size: 64, batch_size_test: 1000, seed: 1, optimizer, ...loss,
    lambda, h1: { train: { data: { ...idx('train'), fraction: 0.5 }, model, epochs: E2, batch_size: 64, seed: 2, optimizer } } };
  const r = await sweepCase({ config, dir: join(work, 'digits'),
    node: { data: { idx: { train: files('train'), test: files('t10k') } }, h1: { spec: { ...model, classes: 10 }, fraction: 0.5, options: { epochs: E2, batch_size: 64, seed: 2, optimizer } },
      h2spec: { ...model, classes: 10 }, config: { epochs: E2, batch_size: 64, seed: 1, optimizer, ...loss, lambda } },
    demo: '#demo-digits', form: { model: 'mnist-net', h1_model: 'same', h1_fraction: 0.5, epochs: E2, h1_epochs: E2, batch_size: 64,
      optimizer: 'sgd', lr: 0.01, momentum: 0.5, lambda_stop: 1, lambda_step: 0.25, ...loss },
    peer: (dir) => measured(peerPy, [join(root, 'bench/peer/mnist_sweep.py'), ...files('train'), ...files('t10k'), join(dir, 'h1-model.bcml'), String(E2), '0.25',
      join(work, 'peer')], { env: peerEnv }) });
  results.cases.push({ name: 'Case 2: MNIST CNN', short: 'MNIST CNN', target: 3, ...r,
    about: `the original's Net (conv 10, conv 20 + Dropout2d, fc 50 + dropout, fc 10; 21,840 weights), cross-entropy pair, lambda step 0.25 (5 values: 10 trainings in the original, 5 in bcml, plus h1 on half the rows: 5.5 trainings' work on 1 thread, at least 3 rounds on 2), ${E2} epoch(s), batch 64, SGD 0.01/0.5, h1 on half; the 5,000 real MNIST digits (4,000 to train, 1,000 to test) stand in for MNIST's 70,000` });
}

// ---------------------------------------------------------------- case 3: a 1,000,000-instance comparison

/** Predictions of two 10-class models on n instances (h2 a little better), labels and an age slice, as .npy files. */
function predictions(n, tag) {
  const rand = seededRandom(12345);
  const C = 10, y = new Int32Array(n), h1 = new Float32Array(n * C), h2 = new Float32Array(n * C), age = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = Math.floor(rand() * C);
    age[i] = 20 + 10 * Math.floor(rand() * 7);
    for (let j = 0; j < C; j++) { h1[i * C + j] = rand(); h2[i * C + j] = rand(); }
    h1[i * C + y[i]] += rand() < 0.85 ? 1 : 0;
    h2[i * C + y[i]] += rand() < 0.9 ? 1 : 0;
  }
  const npy = (name, arr, shape, descr) => {
    let head = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
    head += ' '.repeat(63 - ((10 + head.length) % 64)) + '\n';
    const h = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(h);
    h.writeUInt16LE(head.length, 8);
    const f = join(work, `${tag}-${name}.npy`);
    writeFileSync(f, Buffer.concat([h, Buffer.from(head), Buffer.from(arr.buffer)]));
    return f;
  };
  return { h1: npy('h1', h1, [n, C], '<f4'), h2: npy('h2', h2, [n, C], '<f4'), y: npy('y', y, [n], '<i4'), slice: npy('age', age, [n], '<i4') };
}
{
  const N = 1000000, NP = quick ? 100000 : N, small = 100000;
  log(`case 3: a comparison of predictions on ${N} instances`);
  const f = predictions(N, 'big'), fs = predictions(small, 'small'), fp = NP === N ? f : fs;
  const scores = (p) => measured(bin, ['scores', json({ h1: p.h1, h2: p.h2, y: p.y, slices: { age: p.slice } }, 'scores.json')], {}, join(work, 'record.json'));
  const t = { native1: [], node1: [], original: [] };
  let big, smallRun, node, orig;
  for (let r = 0; r < reps; r++) {
    big = scores(f);
    t.native1.push(big.seconds);
    smallRun = scores(fs);
    node = nodeRun({ kind: 'scores', ...f });
    t.node1.push(node.seconds);
    // the original, on its own batches of 1,000 (its evaluation runs per batch)
    orig = measured(peerPy, [join(root, 'bench/peer/compare_1m.py'), fp.h1, fp.h2, fp.y, '1000'], { env: peerEnv });
    t.original.push(JSON.parse(orig.out).seconds * (N / NP));
  }
  const o = JSON.parse(orig.out);
  const mine = JSON.parse(execFileSync(bin, ['scores'], { input: JSON.stringify({ h1: fp.h1, h2: fp.h2, y: fp.y }), maxBuffer: 1 << 30 }).toString());
  const inputBytes = 2 * 10 * 4 + 4 + 4; // two rows of 10 float32 outputs, a label, a slice value
  const perInstance = ((big.peakMB - smallRun.peakMB) * 1024 * 1024) / (N - small);
  results.case3 = { N, NP, perInstance, beyond: perInstance - inputBytes, inputBytes, peakMB: big.peakMB, heapMB: node.heapBytes / 2 ** 20,
    heapPer: (node.heapBytes - node.heapBefore) / N, jsonMB: node.jsonBytes / 2 ** 20, origMB: orig.peakMB,
    check: { theirs: [o.btc, o.bec_upstream, o.h2_performance], mine: [mine.btc, mine.bec_upstream, mine.h2_accuracy] } };
  results.cases.push({ name: 'Case 3: 1M-instance comparison', short: '1M compare', times: t, mem: { native1: big.peakMB, node1: node.peakMB, original: orig.peakMB },
    about: `10 classes, h1 and h2 outputs as .npy (float32), labels and an age slice (7 bands); scores, Venn, per-class lists, error instances, per-slice scores, written as one JSON record${NP < N ? `; the original ran on ${NP.toLocaleString('en')} instances and its time is scaled by ${N / NP} (it is linear in the batches)` : ''}` });
}

// ---------------------------------------------------------------- scaling

{
  log('scaling: data size and workers');
  const E = quick ? 2 : 5;
  const base = JSON.parse(readFileSync(join(root, 'examples/compatibility-analysis-adult.json'), 'utf8'));
  const lines = readFileSync(ds('adult/adult-train.csv'), 'utf8').trimEnd().split('\n');
  for (const k of [1, 2, 4]) {
    // k copies of the training rows, each copy with its own ids
    const n = lines.length - 1, rows = [lines[0]];
    for (let c = 0; c < k; c++) for (let i = 1; i <= n; i++) rows.push(lines[i].replace(/^\d+/, String(c * n + i - 1)));
    const file = join(work, `adult-x${k}.csv`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const data = { ...base.data, csv: file };
    const config = { ...base, data, test: { ...base.test, csv: join(root, base.test.csv) }, epochs: E, lambda: { start: 0, stop: 1, step: 0.5 },
      h1: { train: { ...base.h1.train, data: { ...data, fraction: 0.25 }, epochs: E, seed: 2 } } };
    const t = [];
    for (let r = 0; r < reps; r++) t.push(nativeSweep(config, 1, join(work, 'scale')).seconds);
    results.scaling.push({ k, rows: n * k, t });
  }
  // what two cores give here for fully independent work: case 1 with 1 job (1 worker) alone, then two copies at once
  const wall = (cmd, args) => new Promise((ok, fail) => {
    const t0 = performance.now(), p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (code) => (code ? fail(new Error(`${cmd}: ${err}`)) : ok((performance.now() - t0) / 1000)));
  });
  const nativeConfig = json(results.case1.config, 'ceiling.json'); /* written once: the two copies read it at once */
  const nativeArgs = (i) => ['sweep', '--config', nativeConfig, '--out', join(work, `ceiling-${i}`), '--jobs', '1'];
  const wasmArgs = [join(root, 'bench/wasm-case.mjs'), json({ kind: 'sweep', ...results.case1.node, workers: 1 }, 'ceiling-wasm.json')];
  const runs = { native: [bin, nativeArgs], wasm: [process.execPath, () => wasmArgs] };
  results.ceiling = {};
  for (const [name, [cmd, args]] of Object.entries(runs)) {
    const pairs = [];
    for (let r = 0; r < reps * cheapReps; r++) {
      for (const i of [0, 1]) rmSync(join(work, `ceiling-${i}`), { recursive: true, force: true });
      const alone = await wall(cmd, args(0));
      for (const i of [0, 1]) rmSync(join(work, `ceiling-${i}`), { recursive: true, force: true });
      const both = await Promise.all([wall(cmd, args(0)), wall(cmd, args(1))]);
      pairs.push({ alone, both: Math.max(...both) });
    }
    results.ceiling[name] = pairs;
  }
}

// ---------------------------------------------------------------- kernels

log('GEMM throughput');
const simd = await load({ simd: true }), scalar = await load({ simd: false });
const gemm = gemmTable(root, simd, scalar, quick ? 0.1 : 0.5);
await browser.close();
server.close();
rmSync(work, { recursive: true, force: true });

// ---------------------------------------------------------------- the report

const threads = `${torchVersion[1]} thread${torchVersion[1] === '1' ? '' : 's'}`;
const SYSTEMS = [['original', `original (PyTorch ${torchVersion[0]}, ${threads})`], ['native1', 'bcml native, 1 job'], ['native2', 'bcml native, 2 jobs'],
  ['node1', 'bcml wasm-SIMD in Node, 1 worker'], ['node2', 'bcml wasm-SIMD in Node, 2 workers'], ['page1', 'bcml web app in Chromium, 1 worker'], ['page2', 'bcml web app in Chromium, 2 workers']];
const ratio = (a, b) => (median(a) / median(b)).toFixed(1);
// runs made back to back (1 then 2 jobs or workers) share the host's load of the moment: the median of their ratios
const paired = (a, b) => median(a.map((x, i) => x / b[i])).toFixed(2); /* two decimals: the target is 1.7 */
const out = [`# Benchmarks (generated by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}; do not edit)`, '',
  `Machine: ${cpus()[0].model}, ${cpus().length} cores, ${cpuMHz().toFixed(0)} MHz reported; Node ${process.versions.node}; ${chromiumVersion}; the original library`
  + ` backwardcompatibilityml 1.4.2 on Debian's PyTorch ${torchVersion[0]} (${threads}). ${reps} repetition(s)${cheapReps > 1 ? ` (bcml native and in Node: ${reps * cheapReps}, ${cheapReps} a repetition)` : ''}; seconds as median [min-max].`
  + ' bcml\'s times include training h1 (the original is given it): natively before the sweep with 1 job, on one thread while the trainings at lambda 0 (which read no h1) run with 2;'
  + ' in wasm likewise: one of the sweep\'s workers trains h1 first while another trains lambda 0, so 1 worker is one thread, as 1 job is.'
  + ' The web app\'s run is timed from the click on Start to "done".', '',
  '![sweep and comparison time per case and system](benchmarks.svg)', ''];
for (const c of results.cases) {
  out.push(`## ${c.name}`, '', `${c.about}.`, '', '| system | seconds | speed-up over the original | peak memory |', '|---|---|---|---|');
  for (const [k, label] of SYSTEMS) if (c.times[k]?.length)
    out.push(`| ${label} | ${fmt(c.times[k])} | ${ratio(c.times.original, c.times[k])}x | ${c.mem[k] ? `${c.mem[k].toFixed(0)} MB` : '–'} |`);
  out.push('');
  if (c.nodeSame !== undefined) out.push(`Results identical to native: wasm in Node ${c.nodeSame ? 'yes' : 'NO'}, web app ${c.pageSame ? 'yes' : 'NO'}. wasm heap per worker: ${(c.mem.heap / 2 ** 20).toFixed(0)} MB.`, '');
  if (c.target) out.push(`Target: native >= ${c.target}x the original: ${ratio(c.times.original, c.times.native1)}x with 1 job, ${ratio(c.times.original, c.times.native2)}x with 2 jobs (the original uses the ${threads} PyTorch chooses here).`, '');
  if (c.times.node1 && c.times.native1) {
    const parts = [`wasm-SIMD in Node / native: ${ratio(c.times.node1, c.times.native1)}x (target <= 2)`];
    if (c.times.page1) parts.push(`Chromium / Node: ${ratio(c.times.page1, c.times.node1)}x with 1 worker, ${ratio(c.times.page2, c.times.node2)}x with 2 (target <= 1.3)`);
    if (c.times.native2) {
      parts.push(`2 jobs / 1 job, the median over the ${c.times.native1.length} pairs of runs made back to back: ${paired(c.times.native1, c.times.native2)}x native,`
        + ` ${paired(c.times.node1, c.times.node2)}x wasm (target >= 1.7; as a ratio of the medians above: ${ratio(c.times.native1, c.times.native2)}x, ${ratio(c.times.node1, c.times.node2)}x)`);
    }
    out.push(`${parts.join('; ')}.`, '');
  }
}
const c1 = results.check1;
out.push('## Same answers', '', `Case 1: on the original's last strict-imitation model, its scores module gives BTC ${c1.btc}, BEC (its definition) ${c1.bec_upstream}, accuracy ${c1.h2_accuracy};`
  + ` bcml from the same predictions: ${c1.mine.btc}, ${c1.mine.bec_upstream}, ${c1.mine.h2_accuracy} — ${c1.agree ? 'identical' : 'DIFFERENT'}.`
  + ` Case 3: the original's compare_models gives BTC, BEC (its definition, averaged per batch of 1,000), accuracy ${results.case3.check.theirs.join(', ')};`
  + ` bcml (pooled): ${results.case3.check.mine.join(', ')}.`, '');
const s3 = results.case3;
out.push('## Memory', '', `Case 3 (1M instances), native: peak ${s3.peakMB.toFixed(0)} MB; ${s3.perInstance.toFixed(0)} bytes per instance at the margin (1M against 100k),`
  + ` of which ${s3.inputBytes} are the inputs as read (two rows of 10 float32 outputs, a label, a slice value): ${s3.beyond.toFixed(0)} bytes per instance beyond the inputs (target < 64).`
  + ` wasm (in Node): heap ${s3.heapMB.toFixed(0)} MB at the end, ${((s3.heapMB * 2 ** 20) / s3.N).toFixed(0)} bytes per instance with the inputs`
  + ` (the comparison grew it by ${s3.heapPer.toFixed(0)} bytes per instance beyond what reading the inputs had), for a JSON record of ${s3.jsonMB.toFixed(0)} MB.`
  + ` The original: peak ${s3.origMB.toFixed(0)} MB${s3.NP < s3.N ? ` on ${s3.NP.toLocaleString('en')} instances` : ''}.`, '');
out.push('## Scaling', '', `Native, 1 job, case 1's model at ${quick ? 2 : 5} epochs and 2 lambda values, the training rows copied 1, 2 and 4 times:`, '',
  '| training rows | seconds | per 100k rows |', '|---|---|---|',
  ...results.scaling.map((s) => `| ${s.rows.toLocaleString('en')} | ${fmt(s.t)} | ${((median(s.t) / s.rows) * 1e5).toFixed(3)} |`), '',
  `Time at 4x the data / time at 1x: ${(median(results.scaling[2].t) / median(results.scaling[0].t)).toFixed(2)} (linear: 4; the test set and start-up do not grow).`, '',
  'Workers: 2 jobs or workers against 1 are in each case above. What this machine\'s two cores give at most: case 1 with 1 job (or 1 worker in Node)'
  + ' run alone, then two copies of it at once (fully independent work, nothing shared), the median over the pairs of'
  + ` ${results.ceiling.native.length}: ${Object.entries(results.ceiling).map(([k, p]) => `${k} ${median(p.map((q) => q.alone)).toFixed(2)} s alone,`
    + ` ${median(p.map((q) => q.both)).toFixed(2)} s for both, so 2 x alone / both = ${median(p.map((q) => (2 * q.alone) / q.both)).toFixed(2)}`).join('; ')}.`
  + ' A sweep split over 2 workers cannot gain more than that (its trainings are also whole units: 11 trainings and h1 take 6 rounds on 2; the evaluations of the second half go to whichever is free first, so that both finish together).', '');
const wide = gemm.isa === 'avx' ? 2 : 1; // AVX's 8 lanes do twice the work of 4 per instruction
out.push('## Kernels', '', `float32 GEMM, GFLOP/s on one thread, the best of 5 windows (a throughput: a moment's load on the shared host does not count against a kernel). SIMD without FMA (wasm SIMD128 has none, and bcml uses none natively either,`
  + ` so that every build gives the same bits): 128-bit vectors do 8 FLOP per cycle with one multiply and one add port, 16 with two of each —`
  + ` ${gemm.ceiling.toFixed(1)} or ${(2 * gemm.ceiling).toFixed(1)} GFLOP/s at the ${gemm.clock.how} clock of ${gemm.clock.mhz.toFixed(0)} MHz`
  + (gemm.clock.how === 'measured' ? ` (a chain of dependent integer adds, one a cycle, timed just before the GEMMs; the OS reports ${cpuMHz().toFixed(0)} MHz, the nominal clock).` : '.')
  + ` The native build here is ${gemm.isa}${wide > 1 ? `: 8-lane vectors, so its ceiling with two of each port is ${(2 * wide * gemm.ceiling).toFixed(1)} GFLOP/s` : ''};`
  + ' each output element sums its products in the same order in every build, so the width changes the speed, never the bits.', '',
  'op: N uses a matrix as stored, T its transpose (the layers\' calls: a linear forward multiplies by the weights transposed).'
  + ' The convolutions\' forward and weight gradient read a batch of 64 images in place, as the layers do (no im2col matrix is'
  + ' built: its copy costs about as much as the product at these sizes); their GFLOP/s count the products only.', '',
  `| layer | op | shape (MxNxK) | native (${gemm.isa}) | wasm SIMD | wasm scalar | SIMD / native | native / its ceiling | SIMD / 16-FLOP ceiling |`, '|---|---|---|---|---|---|---|---|---|',
  ...gemm.rows.map((r) => `| ${r.layer} | ${r.op} | ${r.shape} | ${r.native.toFixed(2)} | ${r.simd.toFixed(2)} | ${r.scalar.toFixed(2)} | ${(r.simd / r.native).toFixed(2)} | ${(r.native / (2 * wide * gemm.ceiling)).toFixed(2)} | ${(r.simd / (2 * gemm.ceiling)).toFixed(2)} |`),
  '', 'The Adult model\'s layer has 2 outputs: its forward is 2 dot products of 105 floats per row and its weight gradient 2 rows,'
  + ' bound by loads and reductions rather than by the arithmetic ceiling.', '');
writeFileSync(join(root, 'docs/benchmarks.md'), `${out.join('\n')}\n`);
writeFileSync(join(root, 'docs/benchmarks.svg'), bars({ title: 'Seconds per case (log scale; lower is better)', y: { label: 'seconds' },
  groups: results.cases.map((c) => ({ name: c.short, bars: SYSTEMS.filter(([k]) => c.times[k]?.length).map(([k, label]) => ({ name: label, value: median(c.times[k]), spread: [Math.min(...c.times[k]), Math.max(...c.times[k])] })) })) }));
console.log(out.join('\n'));
