// The WebAssembly binding in headless Chromium: loaded from a static server on 127.0.0.1 by a page, with a
// sweep in module workers; results equal the native CLI's; no request leaves the origin; no console error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from '../../scripts/lib/serve.mjs';
import { openBrowser, watchedPage } from './lib/browser.mjs';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, process.env.BCML_BIN ?? 'build/bcml');
const work = mkdtempSync(join(tmpdir(), 'bcml-browser-'));
const cli = (args, input) => {
  const r = spawnSync(bin, args, { input: JSON.stringify(input ?? {}), cwd: work, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

// the inputs, and what the native CLI makes of them
const h1cfg = { data: { builtin: 'blobs', n: 600, seed: 1, fraction: 0.1 }, model: { preset: 'logreg', input: 2, classes: 3 }, epochs: 5 };
cli(['train', '--out', 'h1.bcml'], h1cfg);
const tr = JSON.parse(cli(['predict'], { model_file: 'h1.bcml', data: { builtin: 'blobs', n: 600, seed: 1 }, features: true }));
const te = JSON.parse(cli(['predict'], { model_file: 'h1.bcml', data: { builtin: 'blobs', n: 300, seed: 2 }, features: true }));
const config = { epochs: 2, batch_size: 32, seed: 2, optimizer: { lr: 0.05, momentum: 0.5 }, lambda: [0, 0.5, 2] };
const spec = { preset: 'mlp', input: 2, hidden: [8], classes: 3 };
cli(['sweep', '--out', 'native'], { ...config, data: { builtin: 'blobs', n: 600, seed: 1 }, test: { builtin: 'blobs', n: 300, seed: 2 },
  h1: { model_file: 'h1.bcml' }, model: spec });
const lossInput = JSON.parse(readFileSync(join(root, 'examples/cli/loss.json')));
const input = {
  loss: { options: { loss: 'strict-imitation-kl', lambda_c: 0.5 }, data: { h1: lossInput.h1.flat(), h2: lossInput.h2.flat(), y: lossInput.y, n: 5, c: 3 } },
  evaluation: { h1: tr.labels, h2: te.labels.concat(te.labels).slice(0, 600), y: tr.y },
  sweep: { config, data: { train: { x: tr.x.flat(), y: tr.y }, test: { x: te.x.flat(), y: te.y },
    h1: { outputsTrain: tr.outputs.flat(), outputsTest: te.outputs.flat() }, h2: { spec } } },
};
const nativeLoss = JSON.parse(cli(['loss'], { ...input.loss.options, h1: lossInput.h1, h2: lossInput.h2, y: lossInput.y }));
const nativeEval = cli(['scores'], { h1: input.evaluation.h1, h2: input.evaluation.h2, y: input.evaluation.y }).trim();

mkdirSync(join(root, 'build/test-inputs'), { recursive: true });
const inputName = `binding-${process.pid}.json`;
writeFileSync(join(root, 'build/test-inputs', inputName), JSON.stringify(input));
const server = await serve(root);
const browser = await openBrowser();
after(async () => {
  await browser.close();
  server.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(join(root, 'build/test-inputs', inputName), { force: true });
});

for (const simd of [true, false]) {
  test(`Chromium, ${simd ? 'SIMD' : 'scalar'} build: the binding and a 2-worker sweep give the native results`, async () => {
    const { page, foreign, errors } = await watchedPage(browser.context, server.url);
    await page.goto(`${server.url}/tests/browser/binding.html?simd=${simd ? 1 : 0}&input=/build/test-inputs/${inputName}`);
    await page.waitForFunction(() => window.bcmlResult, null, { timeout: 60000 });
    const r = await page.evaluate(() => window.bcmlResult);
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.simd, true);
    assert.equal(r.kernels, simd ? 'wasm-simd128' : 'scalar');
    assert.equal(r.loss.value, nativeLoss.value);
    assert.deepEqual(r.loss.grad, nativeLoss.grad.flat());
    assert.equal(r.evaluation, nativeEval);
    assert.deepEqual(r.summary, JSON.parse(readFileSync(join(work, 'native/sweep_summary.json'))));
    for (const [k, text] of Object.entries(r.texts)) assert.equal(text, readFileSync(join(work, `native/${k}-evaluation-data.json`), 'utf8'));
    assert.equal(r.progress, 1);
    assert.deepEqual(foreign, [], 'no request leaves the origin');
    assert.deepEqual(errors, []);
    await page.close();
  });
}
