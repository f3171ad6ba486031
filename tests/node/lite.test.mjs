// The JupyterLite site (dist/lite, npm run lite) in headless Chromium: a notebook opens, its Pyodide kernel
// starts from the site's own files, all cells run, the bcml widget appears and its sweep (wasm workers in
// the page) finishes; the summary Python then holds equals, number for number, `bcml sweep` run natively on
// the same data and settings; the other notebooks run too; no request leaves the origin; no console error.
// Waits on observable state (kernel idle, widget status), never on fixed sleeps. Screenshots: build/screenshots.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from '../../scripts/lib/serve.mjs';
import { openBrowser } from './lib/browser.mjs';
import { openNotebook as open, finished } from './lib/notebook.mjs';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const shots = join(root, 'build/screenshots');
const work = mkdtempSync(join(tmpdir(), 'bcml-lite-'));
mkdirSync(shots, { recursive: true });

let server, browser;
before(async () => {
  const b = spawnSync('bash', ['scripts/build-lite.sh'], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr + b.stdout);
  server = await serve(join(root, 'dist/lite'), 0, { plain: ['/'] }); /* as npm start serves it under /lite/ */
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** One native bcml command (run in the repository, config on standard input): what it printed, parsed. */
function cli(args, input = null) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, input: input === null ? undefined : JSON.stringify(input) });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : null;
}

/** `bcml sweep` on a config of the repository; the summary it wrote. */
function nativeSweep(config, out) {
  cli(['sweep', config, '--out', join(work, out), '--jobs', '2']);
  return JSON.parse(readFileSync(join(work, out, 'sweep_summary.json'), 'utf8'));
}

const digits = (set) => ({ idx: { images: join(root, `build/datasets/digits/${set}-images-idx3-ubyte`), labels: join(root, `build/datasets/digits/${set}-labels-idx1-ubyte`) } });

const openNotebook = (name, lab = null) => open(browser.context, lab ? { lab: lab.origin } : { site: server.url }, name);

/** Adds a code cell at the end of the open notebook and runs it (not awaited: widgets finish later). */
function runNewCell(page, code) {
  return page.evaluate(async (src) => {
    const app = window.jupyterapp, nb = app.shell.currentWidget.content;
    nb.activeCellIndex = nb.widgets.length - 1;
    await app.commands.execute('notebook:insert-cell-below');
    nb.activeCell.model.sharedModel.setSource(src);
    app.commands.execute('notebook:run-cell');
  }, code);
}

/** The page made no request outside the origin and logged no error; then it closes. */
async function cleanClose({ page, foreign, problems }) {
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems(), []);
  await page.close();
}

const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');

function sameSummary(got, native) {
  assert.deepEqual(got.data, native.data);
  assert.equal(got.h1_performance, native.h1_performance);
  assert.deepEqual(got.pareto_front, native.pareto_front);
  assert.deepEqual(got.recommendation, native.recommendation);
}


test('every page of the site carries a Content Security Policy that keeps requests in the origin', () => {
  const pages = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pages(join(dir, e.name)) : e.name.endsWith('.html') ? [join(dir, e.name)] : []));
  const found = pages(join(root, 'dist/lite'));
  assert.ok(found.length >= 10, `${found.length} pages`);
  for (const page of found) {
    const csp = readFileSync(page, 'utf8').match(/http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1];
    assert.ok(csp, `${page} has no policy`);
    for (const rule of ["default-src 'self'", "connect-src 'self' blob: data:", "img-src 'self' data: blob:", "object-src 'none'"]) assert.ok(csp.includes(rule), `${page}: ${rule}`);
    assert.ok(!/https?:|\*/.test(csp), `${page}: the policy names another origin: ${csp}`);
  }
});

test('compatibility-analysis.ipynb: the widget sweeps in the browser and Python gets the CLI\'s numbers', async () => {
  const nb = await openNotebook('compatibility-analysis.ipynb');
  const { page, python } = nb;
  assert.match(await finished(page), /^done: 20 evaluations/);
  await page.waitForSelector('.bcml-widget .plots:not([hidden]) svg .point');
  await page.$eval('.bcml-widget .filters', (e) => e.scrollIntoView());
  await page.screenshot({ path: join(shots, 'lite-analysis.png') });

  const got = JSON.parse(await python('import json, hashlib; print(json.dumps({"status": analysis.status, "summary": analysis.summary, "e0": analysis.evaluation_records()[1], "h1": hashlib.sha256(analysis.h1_bytes).hexdigest()}))'));
  assert.equal(got.status, 'done');

  // the same sweep, natively: same digits, same models, seeds, optimizer and grid (the config the site's saved sweep comes from)
  const native = nativeSweep('notebooks/lite/digits-sweep.json', 'digits');
  sameSummary(got.summary, native);
  assert.equal(got.h1, sha(join(work, 'digits/h1-model.bcml'))); /* the h1 a worker of the sweep trained */
  const e1 = JSON.parse(readFileSync(join(work, 'digits/1-evaluation-data.json'), 'utf8'));
  assert.deepEqual(got.e0.models_error_overlap, e1.models_error_overlap);
  assert.equal(got.e0.btc, e1.btc);

  // the notebook's own result cell printed the table and saved the folder when the sweep ended
  await page.waitForFunction(() => [...document.querySelectorAll('.jp-OutputArea-output')].some((e) => e.textContent.includes('saved to sweeps/digits')),
    null, { timeout: 60_000, polling: 250 });
  const outputs = await page.$$eval('.jp-OutputArea-output', (es) => es.map((e) => e.textContent));
  assert.ok(outputs.some((t) => /\(4000, 28, 28\)/.test(t)), outputs.join('\n'));
  await page.$eval('.jp-Cell:last-child', (e) => e.scrollIntoView());
  await page.screenshot({ path: join(shots, 'lite-results.png') });
  const row = native.data.find((d) => d.testing && d.lambda_c === 1 && d['new-error']);
  assert.ok(outputs.some((t) => t.includes(`1         new-error          ${row.btc.toFixed(4)}  ${row.bec.toFixed(4)}  ${row.performance.toFixed(4)}`)), outputs.join('\n'));

  // closing the widget (clearing its output) stops a running sweep; the finished points reach Python
  await runNewCell(page, `slow = CompatibilityAnalysis(number_of_epochs=40, h1=Trained(MLP([32]), fraction=0.25, epochs=1), h2=MLP([256]),
    training_set=train, test_set=test, batch_size_train=16, lambda_c_stepsize=0.05, seed=1)
slow`);
  await page.waitForFunction(() => document.querySelectorAll('.bcml-widget .widget-status')[1]?.textContent === 'sweeping', null, { timeout: 120_000, polling: 100 });
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:clear-cell-output'));
  let closed;
  for (let i = 0; i < 300 && !closed?.done; i++, await page.waitForTimeout(100)) closed = JSON.parse(await python('import json; print(json.dumps({"status": slow.status, "done": slow.done, "n": len(slow.evaluations), "complete": (slow.summary or {}).get("complete")}))'));
  assert.equal(closed.status, 'cancelled');
  assert.equal(closed.complete, false);
  assert.ok(closed.n < 84, `${closed.n} evaluations`);
  assert.equal(await page.$$eval('.bcml-widget', (ws) => ws.length), 1);

  await cleanClose(nb);
});

test('compatibility-analysis-adult.ipynb: CSV files read by the C reader in the browser give the CLI\'s sweep', async () => {
  const nb = await openNotebook('compatibility-analysis-adult.ipynb');
  const { page, python } = nb;
  assert.match(await finished(page), /^done: 20 evaluations/);
  await page.waitForFunction(() => [...document.querySelectorAll('.jp-OutputArea-output')].some((e) => /lambda_c 1 +new-error/.test(e.textContent)),
    null, { timeout: 60_000, polling: 250 });
  const got = JSON.parse(await python('import json; print(json.dumps(analysis.summary))'));
  sameSummary(got, nativeSweep('examples/compatibility-analysis-adult.json', 'adult'));
  await page.$eval('.bcml-widget .slices', (e) => e.scrollIntoView());
  await page.screenshot({ path: join(shots, 'lite-adult-slices.png') });
  await cleanClose(nb);
});

test('model-comparison-MNIST.ipynb: saved models and plain predictions compare as `bcml compare` does', async () => {
  const nb = await openNotebook('model-comparison-MNIST.ipynb');
  const { page, python } = nb;
  assert.match(await finished(page, 2), /^h1 against h2 on 8 instances/);
  assert.match(await finished(page, 1), /^h1 against h2 on 1000 instances/);
  const got = JSON.parse(await python('import json; print(json.dumps(comparison.record))'));
  // the same models, natively (the site's copies are the CLI's own output)
  const model = (k) => join(root, 'dist/lite/files/data', `digits-${k}.bcml`);
  const native = cli(['compare'], { data: digits('t10k'), h1: { model_file: model('h1') }, h2: { model_file: model('h2') } });
  for (const k of ['btc', 'bec', 'h1_performance', 'h2_performance', 'counts']) assert.deepEqual(got[k], native[k], k);
  const metadata = await page.$$eval('.bcml-widget', (ws) => ws[1].textContent);
  assert.match(metadata, /row \d of the export/);
  assert.ok(await page.$$eval('.bcml-widget', (ws) => ws[0].querySelectorAll('td img').length) > 0, 'the digits have thumbnails');
  await page.screenshot({ path: join(shots, 'lite-comparison.png') });

  // images from Python's get_instance_image_by_id, asked for by the table; metadata in a sweep's records
  await runNewCell(page, `import zlib, struct
def png(v):  # a 1x1 grey PNG
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(bytes([0, v]))) + chunk(b"IEND", b"")
asked = []
def image(i):
    asked.append(i)
    return png(20 * i)
from bcml_widgets import CompatibilityAnalysis, Trained, LogisticRegression
small = CompatibilityAnalysis(h1=Trained(LogisticRegression(), fraction=0.5), h2=LogisticRegression(), lambda_c_stepsize=0.5,
    training_set=Data([[v] for v in range(40)], [v % 2 for v in range(40)]), test_set=Data([[v] for v in range(10)], [v % 3 % 2 for v in range(10)]),
    get_instance_metadata=lambda i: f"instance {i}", get_instance_image_by_id=image)
display(ModelComparison(p1, p2, y, get_instance_image_by_id=image), small)`);
  await page.waitForFunction(() => document.querySelectorAll('.bcml-widget')[2]?.querySelectorAll('td img').length > 0, null, { timeout: 60_000, polling: 100 });
  assert.match(await finished(page, 4), /^done: 12 evaluations/);
  const back = JSON.parse(await python(`import json
print(json.dumps({"asked": sorted(set(asked)), "meta": [e["metadata"] for e in small.evaluation_records()[1]["error_instances"]], "ids": [e["instance_id"] for e in small.evaluation_records()[1]["error_instances"]]}))`));
  const shown = await page.$$eval('.bcml-widget', (ws) => [...ws[2].querySelectorAll('tbody tr td.num')].map((td) => Number(td.textContent)));
  assert.ok(shown.every((id) => back.asked.includes(id)), `${shown} asked ${back.asked}`);
  assert.deepEqual(back.meta, back.ids.map((i) => `instance ${i}`));
  await cleanClose(nb);
});

test('compatibility-analysis-from-saved-data.ipynb: a saved folder reopens and its records reach Python', async () => {
  const nb = await openNotebook('compatibility-analysis-from-saved-data.ipynb');
  const { page, python } = nb;
  assert.match(await finished(page), /^a saved sweep: 20 evaluations/);
  await page.waitForFunction(() => [...document.querySelectorAll('.jp-OutputArea-output')].some((e) => /20 evaluations; recommended/.test(e.textContent)),
    null, { timeout: 60_000, polling: 250 });
  const got = JSON.parse(await python('import json; print(json.dumps(saved.summary))'));
  const stored = JSON.parse(readFileSync(join(root, 'dist/lite/files/data/digits-sweep/sweep_summary.json'), 'utf8'));
  assert.deepEqual(got.data, stored.data);
  await cleanClose(nb);
});

test('tensorflow-MNIST.ipynb: Model/CompatibilityModel.fit in the kernel train the very models `bcml train` does', async () => {
  const nb = await openNotebook('tensorflow-MNIST.ipynb');
  const { page, python } = nb;
  assert.match(await finished(page), /^h1 against h2 on 1000 instances/);
  const got = JSON.parse(await python(`import json, hashlib
print(json.dumps({k: hashlib.sha256(open(f"{k}.bcml", "rb").read()).hexdigest() for k in ("h1", "h2")} | {"scores": {k: scores[k] for k in ("btc", "bec", "h1_performance", "h2_performance")}, "history": history}))`));
  const data = digits('train'), model = { preset: 'mlp', input: [1, 28, 28], hidden: [128], classes: 10 };
  const optimizer = { name: 'adam', lr: 0.001 }, h1File = join(work, 'tf-h1.bcml'), h2File = join(work, 'tf-h2.bcml');
  cli(['train', '--out', h1File], { data, model, epochs: 3, batch_size: 128, seed: 0, optimizer });
  const h2 = cli(['train', '--out', h2File], { data, model, h1: { model_file: h1File }, loss: { name: 'new-error-cross-entropy', lambda_c: 0.9 }, epochs: 6, batch_size: 128, seed: 1, optimizer });
  assert.equal(got.h1, sha(h1File));
  assert.equal(got.h2, sha(h2File));
  assert.deepEqual(got.history.loss, h2.epoch_loss);
  const native = cli(['compare'], { data: digits('t10k'), h1: { model_file: h1File }, h2: { model_file: h2File } });
  for (const k of ['btc', 'bec', 'h1_performance', 'h2_performance']) assert.equal(got.scores[k], native[k], k);
  await cleanClose(nb);
});

test('bcml_widgets under CPython: inputs, messages, names, saved folders (unittest)', () => {
  const py = join(root, 'build/lite-env/bin/python');
  const pip = spawnSync(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', 'notebooks/lite/test-requirements.txt'], { cwd: root, encoding: 'utf8' });
  assert.equal(pip.status, 0, pip.stderr);
  const r = spawnSync(py, ['-m', 'unittest', 'discover', '-s', 'tests'], { cwd: join(root, 'notebooks/bcml_widgets'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Ran \d+ tests/);
});

test('generated notebooks: all 18 are on the site; bcbinary_cross_entropy.ipynb gives `bcml train`\'s update on Adult', async () => {
  const examples = readdirSync(join(root, 'examples/notebooks')).map((f) => f.replace(/\.json$/, ''));
  const site = readdirSync(join(root, 'dist/lite/files')).filter((f) => f.endsWith('.ipynb')).map((f) => f.replace(/\.ipynb$/, ''));
  assert.deepEqual(examples.filter((e) => !site.includes(e)), []);
  const nb = await openNotebook('bcbinary_cross_entropy.ipynb');
  const { page, python } = nb;
  assert.match(await finished(page), /^h1 against h2 on 16281 instances/);
  const got = JSON.parse(await python('import json; print(json.dumps({k: scores[k] for k in ("btc", "bec", "h1_performance", "h2_performance")}))'));
  // the command line on the notebook's own config (as npm run examples runs it)
  const ex = JSON.parse(readFileSync(join(root, 'examples/notebooks/bcbinary_cross_entropy.json'), 'utf8'));
  const h1File = join(work, 'bin-h1.bcml');
  cli(['train'], { ...ex.h1, save: h1File });
  const { h2_from_h1: _, ...h2 } = ex.h2;
  const native = cli(['train'], { ...h2, model_file: h1File, h1: { model_file: h1File } }).test.compatibility;
  assert.deepEqual(got, { btc: native.btc, bec: native.bec, h1_performance: native.h1_accuracy, h2_performance: native.h2_accuracy });
  await cleanClose(nb);
});

test('the same package in a regular JupyterLab (CPython kernel): the widget sweeps in the browser, Python gets the CLI\'s numbers', async () => {
  // the pinned JupyterLab environment, made once; the freshly built bcml_widgets wheel every time
  const env = join(root, 'build/lab-env'), reqs = join(root, 'notebooks/lite/lab-requirements.txt'), pins = readFileSync(reqs, 'utf8');
  const run = (cmd, args) => { const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' }); assert.equal(r.status, 0, r.stderr); };
  if (!existsSync(join(env, '.bcml-pins')) || readFileSync(join(env, '.bcml-pins'), 'utf8') !== pins) {
    rmSync(env, { recursive: true, force: true });
    run('python3', ['-m', 'venv', env]);
    run(join(env, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', reqs]);
    writeFileSync(join(env, '.bcml-pins'), pins);
  }
  const wheel = readdirSync(join(root, 'build/lite-stage/wheel')).find((f) => f.endsWith('.whl'));
  run(join(env, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-deps', '--force-reinstall', join(root, 'build/lite-stage/wheel', wheel)]);
  const contents = join(work, 'lab');
  cpSync(join(root, 'build/lite-stage/contents'), contents, { recursive: true });
  const port = await new Promise((ok) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
  const lab = spawn(join(env, 'bin/jupyter'), ['lab', '--no-browser', '--allow-root', `--port=${port}`, '--ip=127.0.0.1', '--IdentityProvider.token=',
    '--ServerApp.password=', `--ServerApp.root_dir=${contents}`, '--LabApp.expose_app_in_browser=True', '--LabApp.extension_manager=readonly'], { stdio: 'ignore' });
  try {
    const origin = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) { // until the server answers (observable state, not a fixed sleep)
      if (await fetch(`${origin}/api/status`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const nb = await openNotebook('compatibility-analysis.ipynb', { origin });
    const { page, python } = nb;
    assert.match(await finished(page), /^done: 20 evaluations/);
    await page.waitForFunction(() => [...document.querySelectorAll('.jp-OutputArea-output')].some((e) => e.textContent.includes('saved to sweeps/digits')),
      null, { timeout: 60_000, polling: 250 });
    const got = JSON.parse(await python('import json, sys; print(json.dumps({"platform": sys.platform, "summary": analysis.summary}))'));
    assert.notEqual(got.platform, 'emscripten');
    sameSummary(got.summary, nativeSweep('notebooks/lite/digits-sweep.json', 'digits-lab'));
    assert.ok(existsSync(join(contents, 'sweeps/digits/sweep_summary.json')));
    await page.$eval('.bcml-widget .filters', (e) => e.scrollIntoView());
    await page.screenshot({ path: join(shots, 'jupyterlab-analysis.png') });
    await cleanClose(nb);
  } finally { lab.kill(); }
});
