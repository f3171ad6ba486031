// The web app (build/web) in headless Chromium: the demo sweep runs to the end; clicks on a scatter point, a
// Venn region and a class bar filter the table to the rows the native CLI computes for the same models and
// data; predictions-only CSV; broken files get their error; user text stays text; nothing leaves the
// origin; no console error. Screenshots of every view go to build/screenshots.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from '../../scripts/lib/serve.mjs';
import { openBrowser, watchedPage } from './lib/browser.mjs';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const shots = join(root, 'build/screenshots');
const work = mkdtempSync(join(tmpdir(), 'bcml-web-'));
mkdirSync(shots, { recursive: true });
const cli = (args, input) => {
  const r = spawnSync(bin, args, { input: JSON.stringify(input), cwd: work, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

let server, browser, page, foreign, errors;
before(async () => {
  server = await serve(join(root, 'build/web'));
  browser = await openBrowser();
  ({ page, foreign, errors } = await watchedPage(browser.context, server.url));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
});
after(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

const tableIds = () => page.$$eval('#instances tbody tr td.num', (tds) => tds.map((td) => Number(td.textContent)));
const status = () => page.$eval('#instances .filterinfo', (p) => p.textContent);

test('the demo sweep runs to the end in workers and draws both scatter plots with the Pareto front', async () => {
  await page.click('#demo-weather');
  await page.waitForFunction(() => !document.getElementById('start').disabled);
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#progress span')?.textContent.startsWith('done'), null, { timeout: 180000 });
  const s = await page.evaluate(() => window.bcmlApp.summary);
  assert.equal(s.complete, true);
  assert.equal(s.data.length, 4 * s.lambdas.length);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'the page is isolated: the workers share the data');
  assert.ok(await page.$$eval('#scatter-btc path.point', (p) => p.length) >= s.lambdas.length * 2);
  assert.equal(await page.$$eval('#scatter-btc path.pareto', (p) => p.length), s.pareto_front.length > 1 ? 1 : 0);
  await page.screenshot({ path: join(shots, 'analysis.png'), fullPage: true });
});

test('a scatter point, a Venn region and a class bar filter the table to the native CLI\'s rows', async () => {
  // select the strict-imitation testing point at the largest lambda
  const target = await page.evaluate(() => {
    const s = window.bcmlApp.summary;
    return s.data.filter((r) => r.testing && r['strict-imitation']).at(-1);
  });
  const label = `lambda ${target.lambda_c.toFixed(2)} · strict imitation · testing`;
  await page.click(`#scatter-btc path.point[aria-label^="${label}"]`);
  assert.equal(await page.evaluate(() => window.bcmlApp.selected), target.datapoint_index);
  // the same models and data through the native CLI
  const got = await page.evaluate(async (idx) => {
    const S = window.bcmlApp, rec = S.evaluations.get(idx), r = rec.lambda_c;
    const name = `${Number.isInteger(r) ? r.toFixed(1) : String(r)}-model-${rec.dissonance}.bcml`;
    return { h1: Array.from(S.h1Bytes), h2: Array.from(S.models.get(name)), x: Array.from(S.dataset.test.x), y: Array.from(S.dataset.test.y),
      ids: Array.from(S.dataset.test.ids), dim: S.dataset.dim };
  }, target.datapoint_index);
  writeFileSync(join(work, 'h1.bcml'), Buffer.from(got.h1));
  writeFileSync(join(work, 'h2.bcml'), Buffer.from(got.h2));
  const x = Array.from({ length: got.y.length }, (_, i) => got.x.slice(i * got.dim, (i + 1) * got.dim));
  const native = cli(['compare'], { data: { x, y: got.y }, ids: got.ids, h1: { model_file: 'h1.bcml' }, h2: { model_file: 'h2.bcml' } });
  const page1 = (ids) => [...ids].sort((a, b) => a - b).slice(0, 10);
  const [e1, e2, both] = native.models_error_overlap;
  // Venn: regress = new errors of h2
  const regress = e2.filter((i) => !both.includes(i));
  // the thin regress crescent is under the lens at its centre: click it where it is
  await page.$eval('#venn path.region.regress', (p) => p.dispatchEvent(new MouseEvent('click', { bubbles: true })));
  assert.deepEqual(await tableIds(), page1(regress));
  assert.match(await status(), new RegExp(`^${regress.length} instances: regress errors`));
  const progress = e1.filter((i) => !both.includes(i));
  await page.focus('#venn path.region.progress');
  await page.keyboard.press('Enter');
  assert.deepEqual(await tableIds(), page1(progress));
  // the class with the most incompatible points
  const top = [...native.h2_incompatible_instance_ids_by_class].sort((a, b) => b.incompatibleInstanceIds.length - a.incompatibleInstanceIds.length)[0];
  const topClass = await page.evaluate((k) => window.bcmlApp.dataset.classNames[k], top.class);
  await page.click(`#classes rect.barrect.incompatible[aria-label^="class ${topClass}:"]`);
  assert.deepEqual(await tableIds(), page1(top.incompatibleInstanceIds));
  // accuracy by class, h2's errors on that class
  await page.click('#classes .toggle button:nth-child(2)');
  const acc = native.h2_accuracy_by_class.find((c) => c.class === top.class);
  await page.click(`#classes rect.barrect.h2[aria-label^="h2 accuracy on class ${topClass}:"]`);
  assert.deepEqual(await tableIds(), page1(acc.error_instance_ids));
  // details agree with the native record
  const shown = await page.$eval('#details', (d) => d.textContent);
  assert.ok(shown.includes(native.btc.toFixed(3)) && shown.includes(native.bec.toFixed(3)), shown);
  // the table sorts and pages
  await page.click('#instances .filterinfo button');
  await page.click('#instances thead th:nth-child(1) button');
  const desc = await tableIds();
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
  await page.screenshot({ path: join(shots, 'analysis-selected.png'), fullPage: true });
});

test('model comparison: a predictions-only CSV', async () => {
  await page.click('button.tab[data-view="comparison"]');
  const y = Array.from({ length: 60 }, (_, i) => i % 3), h1 = y.map((v, i) => (i % 7 === 0 ? (v + 1) % 3 : v)), h2 = y.map((v, i) => (i % 5 === 0 ? (v + 2) % 3 : v));
  const names = ['cat', 'dog', 'fox'];
  const ages = y.map((_, i) => ['young', 'old'][i % 2]);
  const csv = `id,old_model,new_model,truth,age\n${y.map((v, i) => `${100 + i},${names[h1[i]]},${names[h2[i]]},${names[v]},${ages[i]}`).join('\n')}\n`;
  await page.setInputFiles('#predictions-file', { name: 'preds.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector('#pred-columns form');
  await page.selectOption('#pred-columns select[name="h1"]', 'old_model');
  await page.selectOption('#pred-columns select[name="h2"]', 'new_model');
  await page.selectOption('#pred-columns select[name="y"]', 'truth');
  await page.selectOption('#pred-columns select[name="id"]', 'id');
  await page.selectOption('#pred-columns select[name="slices"]', ['age']);
  await page.click('#pred-columns button[type="submit"]');
  await page.waitForSelector('#comparison-result:not([hidden])');
  const native = cli(['scores'], { h1, h2, y, ids: y.map((_, i) => 100 + i) });
  const text = await page.$eval('#cmp-details', (d) => d.textContent);
  assert.ok(text.includes(native.btc.toFixed(3)), text);
  assert.match(await page.$eval('#cmp-venn .legend', (d) => d.textContent), new RegExp(`Regress ${native.counts.negative_flips} `));
  assert.deepEqual(await page.$$eval('#cmp-slices tbody td:first-child', (t) => t.map((x) => x.textContent).sort()), ['old', 'young']);
  assert.ok((await page.$$eval('#cmp-instances tbody td', (t) => t.map((x) => x.textContent))).includes('fox'), 'class names in the table');
  await page.screenshot({ path: join(shots, 'comparison.png'), fullPage: true });
});

test('broken files get a clear message, and text from files is shown as text', async () => {
  await page.click('button.tab[data-view="analysis"]');
  const cases = [
    ['ragged.csv', 'a,b,y\n1,2,0\n3\n', /ragged.csv: line 3 has 1 fields, the header has 3/],
    ['latin1.csv', Buffer.from([0x61, 0x2c, 0x79, 0x0a, 0xe9, 0x2c, 0x30, 0x0a]), /latin1.csv: not UTF-8 text \(byte 4\)/],
    ['x.npy', Buffer.from('not numpy at all'), /x.npy: not a .npy file \(bad magic at byte 0\)/],
  ];
  for (const [name, body, re] of cases) {
    await page.setInputFiles('#dataset-files', [{ name, mimeType: 'application/octet-stream', buffer: Buffer.from(body) },
      ...(name.endsWith('.npy') ? [{ name: 'y.npy', mimeType: 'application/octet-stream', buffer: Buffer.from('also not numpy') }] : [])]);
    await page.waitForFunction((n) => document.getElementById('data-error').textContent.includes(n), name);
    assert.match(await page.$eval('#data-error', (e) => e.textContent), re);
  }
  await page.screenshot({ path: join(shots, 'error.png') });
  // a label that looks like HTML is shown as text and never runs
  await page.click('button.tab[data-view="comparison"]');
  const evil = "<img src=x onerror='window.pwned=1'>";
  const csv = `h1,h2,y\n"${evil}",b,b\nb,b,"${evil}"\nb,"${evil}",b\n`;
  await page.setInputFiles('#predictions-file', { name: '<b>bold</b>.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector('#pred-columns form');
  await page.click('#pred-columns button[type="submit"]');
  await page.waitForFunction(() => document.getElementById('pred-status').textContent.includes('instances'));
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.$$eval('img[src="x"]', (i) => i.length), 0);
  assert.ok((await page.$$eval('#cmp-instances td', (t) => t.map((x) => x.textContent))).includes(evil));
  assert.match(await page.$eval('#pred-status', (e) => e.textContent), /<b>bold<\/b>.csv/);
});

test('the guide: flipping an answer updates BTC and the Venn', async () => {
  await page.click('button.tab[data-view="guide"]');
  const btc = () => page.$eval('#guide .grid2 .metric .v', (v) => v.textContent);
  assert.equal(await btc(), (13 / 16).toFixed(3));
  await page.click('#guide .flipgrid button:nth-child(1)'); // a both-right instance becomes a new error
  assert.equal(await btc(), (12 / 16).toFixed(3));
  assert.match(await page.$eval('#guide .legend', (l) => l.textContent), /Regress 4/);
  await page.screenshot({ path: join(shots, 'guide.png'), fullPage: true });
});

test('usable on a narrow window, and keyboard-operable', async () => {
  await page.click('button.tab[data-view="analysis"]');
  await page.setViewportSize({ width: 420, height: 800 });
  await page.screenshot({ path: join(shots, 'narrow.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `horizontal overflow of ${overflow}px`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.focus('#scatter-btc path.point');
  await page.keyboard.press('Enter');
  const first = await page.$eval('#scatter-btc path.point', (p) => p.getAttribute('aria-label'));
  assert.ok(first.length > 10);
  assert.ok((await page.evaluate(() => window.bcmlApp.selected)) !== null);
});

test('the whole analysis saves to a file that reopens; a sweep folder (the CLI\'s) loads', async () => {
  await page.click('button.tab[data-view="analysis"]');
  const before = await page.evaluate(() => ({ selected: window.bcmlApp.selected, rows: window.bcmlApp.summary.data.length }));
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-state')]);
  const saved = join(work, 'analysis.json');
  await dl.saveAs(saved);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
  assert.match(readFileSync(await svg.path(), 'utf8'), /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
  assert.equal(readFileSync(await png.path()).subarray(1, 4).toString(), 'PNG');
  await page.evaluate(() => { window.bcmlApp.summary = null; window.bcmlApp.selected = null; });
  await page.setInputFiles('#open-state', saved);
  await page.waitForFunction(() => window.bcmlApp.summary !== null);
  assert.deepEqual(await page.evaluate(() => ({ selected: window.bcmlApp.selected, rows: window.bcmlApp.summary.data.length })), before);
  assert.ok(await page.$eval('#details', (d) => d.textContent.includes('BTC')));
  // a folder written by `bcml sweep`
  const cfg = { data: { builtin: 'blobs', n: 300, seed: 1 }, test: { builtin: 'blobs', n: 100, seed: 2 },
    h1: { train: { data: { builtin: 'blobs', n: 300, seed: 1, fraction: 0.2 }, model: { preset: 'logreg', input: 2, classes: 3 }, epochs: 2 } },
    model: { preset: 'logreg', input: 2, classes: 3 }, epochs: 2, lambda: [0, 1] };
  const r = spawnSync(bin, ['sweep', '--out', 'folder'], { input: JSON.stringify(cfg), cwd: work, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  await page.setInputFiles('#sweep-folder', join(work, 'folder'));
  await page.waitForFunction(() => document.getElementById('data-status').textContent.startsWith('loaded a sweep folder'));
  const got = await page.evaluate(() => window.bcmlApp.summary);
  assert.deepEqual(got, JSON.parse(spawnSync(bin, ['summary', join(work, 'folder')], { encoding: 'utf8' }).stdout));
  assert.equal(await page.$$eval('#scatter-btc path.point', (p) => p.length), 4);
});

test('image data (IDX): the table shows each error instance\'s thumbnail', async () => {
  await page.click('button.tab[data-view="analysis"]');
  const n = 60, img = Buffer.alloc(16 + n * 16), lab = Buffer.alloc(8 + n);
  img.writeUInt32BE(0x00000803, 0); img.writeUInt32BE(n, 4); img.writeUInt32BE(4, 8); img.writeUInt32BE(4, 12);
  lab.writeUInt32BE(0x00000801, 0); lab.writeUInt32BE(n, 4);
  for (let i = 0; i < n; i++) { lab[8 + i] = i % 3; for (let p = 0; p < 16; p++) img[16 + i * 16 + p] = ((p % 4) === (i % 3) ? 200 : 20) + ((i * 7 + p * 13) % 50); }
  await page.setInputFiles('#dataset-files', [{ name: 'images.idx', mimeType: 'application/octet-stream', buffer: img },
    { name: 'labels.idx', mimeType: 'application/octet-stream', buffer: lab }]);
  await page.waitForFunction(() => document.getElementById('data-status').textContent.startsWith('images.idx'));
  await page.selectOption('#cfg-model', 'logreg');
  await page.fill('#cfg-epochs', '1');
  await page.fill('#cfg-h1_epochs', '1');
  await page.fill('#cfg-lambda_stop', '1');
  await page.fill('#cfg-lambda_step', '1');
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#progress span')?.textContent.startsWith('done'), null, { timeout: 60000 });
  const srcs = await page.$$eval('#instances tbody img', (i) => i.map((x) => x.src));
  assert.ok(srcs.length > 0 && srcs.every((s) => s.startsWith('blob:')), JSON.stringify(srcs));
  const size = await page.$eval('#instances tbody img', (i) => new Promise((ok) => (i.complete ? ok([i.naturalWidth, i.naturalHeight]) : (i.onload = () => ok([i.naturalWidth, i.naturalHeight])))));
  assert.deepEqual(size, [8, 8]);
  await page.screenshot({ path: join(shots, 'images.png'), fullPage: true });
});

test('the page\'s Cancel button stops the sweep and keeps the finished points', async () => {
  await page.click('button.tab[data-view="analysis"]');
  await page.click('#demo-weather');
  await page.waitForFunction(() => !document.getElementById('start').disabled);
  await page.fill('#cfg-epochs', '40');
  await page.fill('#cfg-lambda_step', '0.1');
  await page.click('#start');
  await page.waitForFunction(() => window.bcmlApp.evaluations.size >= 2, null, { timeout: 60000 });
  await page.click('#cancel');
  await page.waitForFunction(() => document.querySelector('#progress span')?.textContent.startsWith('cancelled'), null, { timeout: 10000 });
  const s = await page.evaluate(() => ({ rows: window.bcmlApp.summary.data.length, complete: window.bcmlApp.summary.complete, lambdas: 21 }));
  assert.equal(s.complete, false);
  assert.ok(s.rows >= 2 && s.rows < 4 * s.lambdas, `${s.rows} rows kept`);
  assert.match(await page.$eval('#progress span', (e) => e.textContent), new RegExp(`cancelled: ${s.rows} evaluations kept`));
  await page.fill('#cfg-epochs', '10');
  await page.fill('#cfg-lambda_step', '0.25');
});

// a demo through the page, shortened, beside `bcml sweep` on the same files and settings
async function demoAgainstCli(button, ready, short, cliData) {
  await page.click('button.tab[data-view="analysis"]');
  await page.click(button);
  await page.waitForFunction((t) => document.getElementById('data-status').textContent.startsWith(t), ready, { timeout: 30000 });
  for (const [k, v] of Object.entries(short)) await page.fill(`#cfg-${k}`, String(v));
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#progress span')?.textContent.startsWith('done'), null, { timeout: 120000 });
  const { summary, config, form } = await page.evaluate(() => ({ summary: window.bcmlApp.summary, config: window.bcmlApp.config,
    form: Object.fromEntries(new FormData(document.getElementById('config'))) }));
  const { data, test: testSet, model, h1model } = cliData(form);
  const dir = join(work, `demo-${button.slice(6)}`);
  const r = spawnSync(bin, ['sweep', '--out', dir], { encoding: 'utf8', input: JSON.stringify({ ...config, data, test: testSet, model,
    h1: { train: { data: { ...data, fraction: Number(form.h1_fraction) }, model: h1model, epochs: Number(form.h1_epochs), batch_size: config.batch_size,
      seed: config.seed + 1, optimizer: config.optimizer } } }) });
  assert.equal(r.status, 0, r.stderr);
  const native = JSON.parse(readFileSync(join(dir, 'sweep_summary.json'), 'utf8'));
  for (const k of ['data', 'h1_performance', 'lambdas', 'pareto_front', 'recommendation']) assert.deepEqual(summary[k], native[k], k);
  return summary;
}

test('the UCI Adult demo: sliced by age band and sex, the same sweep as the CLI on the same files', async () => {
  const csv = (f) => ({ csv: join(root, 'build/datasets/adult', f), label: 'income', id: 'id', slices: ['age_band', 'sex'], ignore: ['fnlwgt'] });
  const spec = { preset: 'logreg', input: 105, classes: 2 };
  const s = await demoAgainstCli('#demo-adult', 'UCI Adult: 32561 training and 16281 test instances, 105 features, 2 classes, sliced by age_band, sex',
    { epochs: 2, h1_epochs: 2, lambda_step: 1 }, () => ({ data: csv('adult-train.csv'), test: csv('adult-test.csv'), model: spec, h1model: spec }));
  assert.equal(s.data.length, 8);
  const sliceText = await page.$eval('#slices', (e) => e.textContent);
  assert.match(sliceText, /65 and over/);
  await page.screenshot({ path: join(shots, 'demo-adult.png'), fullPage: true });
});

test('the digits demo: the same sweep as the CLI, and each error instance\'s image in the table', async () => {
  const idx = (set) => ({ idx: { images: join(root, `build/datasets/digits/${set}-images-idx3-ubyte`), labels: join(root, `build/datasets/digits/${set}-labels-idx1-ubyte`) } });
  const mlp = (h) => ({ preset: 'mlp', input: [1, 28, 28], hidden: [h], classes: 10 });
  const s = await demoAgainstCli('#demo-digits', 'handwritten digits: 4000 training and 1000 test instances, 784 features, 10 classes',
    { epochs: 1, h1_epochs: 1, lambda_step: 1 }, () => ({ data: idx('train'), test: idx('t10k'), model: mlp(64), h1model: mlp(32) }));
  assert.equal(s.data.length, 8);
  const size = await page.$eval('#instances tbody img', (i) => new Promise((ok) => (i.complete ? ok([i.naturalWidth, i.naturalHeight]) : (i.onload = () => ok([i.naturalWidth, i.naturalHeight])))));
  assert.ok(size[0] >= 28 && size[0] === size[1], `thumbnail ${size}`);
  await page.screenshot({ path: join(shots, 'demo-digits.png'), fullPage: true });
});

test('no request left the origin and no console error occurred', () => {
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
});
