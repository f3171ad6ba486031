// The hostile-input corpus (tests/bad-inputs, made by its make.mjs) through the three doors: the CLI, the wasm
// binding, and the web page's import. Each case must fail with its message (or, for the valid controls,
// succeed) - never crash, hang or pass silently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from '../../wasm/bcml.mjs';
import { serve } from '../../scripts/lib/serve.mjs';
import { openBrowser, watchedPage } from './lib/browser.mjs';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const dir = join(root, 'tests/bad-inputs/files');
const cases = JSON.parse(readFileSync(join(root, 'tests/bad-inputs/cases.json')));
const bytes = (f) => readFileSync(join(dir, f));

function cliRun(c) {
  const model = { preset: 'logreg', input: c.file === 'bom-quoted.csv' ? 1 : 2, classes: 2 };
  const train = (data) => ['train', '-', { data, model }];
  const [cmd, input, json] = {
    array: () => train({ npy: { x: c.file, y: 'good-y.npy' } }),
    labels: () => train({ npy: { x: 'good-x.npy', y: c.file } }),
    npz: () => train({ npz: c.file }),
    idx: () => train({ idx: { images: c.file, labels: c.file } }),
    csv: () => train({ csv: c.file, label: 'y' }),
    config: () => ['train', c.file],
    model: () => ['predict', '-', { model_file: c.file, data: { builtin: 'blobs', n: 5 } }],
    scores: () => ['scores', c.file],
    folder: () => ['summary', c.file],
  }[c.kind]();
  return spawnSync(bin, [cmd, input], { cwd: dir, input: json ? JSON.stringify(json) : '', encoding: 'utf8', timeout: 30000 });
}

test('the CLI rejects every bad input with its message, and never crashes', () => {
  for (const c of cases) {
    const r = cliRun(c);
    assert.notEqual(r.signal, 'SIGSEGV', c.file);
    assert.ok(r.status !== null, `${c.file}: killed by ${r.signal}`);
    if (c.expect === null) { assert.equal(r.status, 0, `${c.file}: ${r.stderr}`); continue; }
    assert.equal(r.status, 1, `${c.file}: exit ${r.status}`);
    assert.ok(r.stderr.startsWith('bcml: ') && r.stderr.includes(c.expect), `${c.file}: "${r.stderr.trim()}" lacks "${c.expect}"`);
  }
});

test('the wasm binding rejects the same inputs with the same messages', async () => {
  const b = await load();
  const tried = [];
  for (const c of cases) {
    let call;
    if (c.kind === 'array') call = () => b.readArray('npy', bytes(c.file), { name: c.file });
    else if (c.kind === 'npz') call = () => b.readArray('npz', bytes(c.file), { member: 'x', name: c.file });
    else if (c.kind === 'idx') call = () => b.readArray('idx', bytes(c.file), { name: c.file });
    else if (c.kind === 'csv') call = () => b.csvTable(bytes(c.file), { label: 'y', name: c.file });
    else if (c.kind === 'model') call = () => b.loadModel(bytes(c.file));
    else if (c.kind === 'scores') {
      let input;
      try { input = JSON.parse(bytes(c.file)); } catch { continue; } // not JSON: the caller's parser says so
      if (!input.h1.every((v) => Number.isInteger(v))) continue; // outputs, not labels: the CLI's conversion
      call = () => b.evaluate(input.h1.length === input.h2.length ? input : { ...input, h2: [...input.h2, ...input.h2].slice(0, input.h1.length) });
      if (c.file === 'mismatched.json') continue; // lengths are the caller's to match here
    } else if (c.kind === 'folder') {
      const files = Object.fromEntries(readdirSync(join(dir, c.file)).map((f) => [f, readFileSync(join(dir, c.file, f), 'utf8')]));
      call = () => b.loadSweepFolder(files);
    } else continue;
    tried.push(c.file);
    if (c.expect === null) { call(); continue; }
    assert.throws(call, (e) => e.message.includes(c.expect) || (c.kind === 'scores' && /appears more than once|must be >= 0|= -1/.test(e.message)),
      `${c.file} should fail with "${c.expect}"`);
  }
  assert.ok(tried.length >= 35, `${tried.length} cases tried`);
});

let server, browser, page, foreign, errors;
before(async () => {
  server = await serve(join(root, 'build/web'));
  browser = await openBrowser();
  ({ page, foreign, errors } = await watchedPage(browser.context, server.url));
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
});
after(async () => { await browser?.close(); server?.close(); });

const PAGE_LABELS = {
  'negative-labels.npy': 'label 19 is -1', 'fractional-labels.npy': 'label 19 is 0.5', 'short-labels.npy': 'has 20 rows but short-labels.npy has 10 labels',
  'matrix-labels.npy': 'must be a vector of labels',
  'no-label.csv': 'too few to split', /* the page offers only existing columns; this file has one row */
};

test('the web page\'s import shows each file\'s message and stays usable', async () => {
  let shown = 0;
  for (const c of cases) {
    if (!['array', 'labels', 'npz', 'idx', 'csv', 'folder'].includes(c.kind)) continue;
    await page.evaluate(() => { document.getElementById('data-error').textContent = ''; document.getElementById('data-status').textContent = ''; });
    const file = (name) => ({ name, mimeType: 'application/octet-stream', buffer: bytes(name) });
    if (c.kind === 'folder') await page.setInputFiles('#sweep-folder', join(dir, c.file));
    else {
      const files = c.kind === 'array' ? [file(c.file), file('good-y.npy')] : c.kind === 'labels' ? [file('good-x.npy'), file(c.file)]
        : c.kind === 'idx' ? [file(c.file), file(c.file)] : [file(c.file)];
      await page.setInputFiles('#dataset-files', files);
    }
    // a CSV whose cells parse asks for its columns first
    await page.waitForFunction(() => document.getElementById('data-error').textContent || document.querySelector('#columns:not([hidden]) form')
      || document.getElementById('data-status').textContent, null, { timeout: 10000 });
    if (await page.$('#columns:not([hidden]) form') && !(await page.$eval('#data-error', (e) => e.textContent))) {
      await page.selectOption('#columns select[name="label"]', 'y').catch(() => {});
      await page.click('#columns button[type="submit"]');
      await page.waitForFunction(() => document.getElementById('data-error').textContent || document.getElementById('start').disabled === false, null, { timeout: 10000 });
    }
    const err = await page.$eval('#data-error', (e) => e.textContent);
    if (c.expect === null) { assert.equal(err, '', `${c.file}: ${err}`); continue; }
    const want = PAGE_LABELS[c.file] ?? c.expect;
    assert.ok(err.includes(want), `${c.file}: page says "${err}", expected "${want}"`);
    shown++;
  }
  assert.ok(shown >= 30, `${shown} files checked in the page`);
  // a saved analysis that is not one
  await page.setInputFiles('#open-state', { name: 'not-json.json', mimeType: 'application/json', buffer: bytes('not-json.json') });
  await page.waitForFunction(() => document.getElementById('data-error').textContent.includes('not-json.json'));
  assert.match(await page.$eval('#data-error', (e) => e.textContent), /not-json.json: not valid JSON/);
  // the page still works: the demo loads
  await page.click('#demo-weather');
  await page.waitForFunction(() => !document.getElementById('start').disabled);
  assert.deepEqual(foreign, []);
  assert.deepEqual(errors, []);
});

test('the corpus files are all there', () => {
  for (const c of cases) assert.ok(statSync(join(dir, c.file)), c.file);
});
