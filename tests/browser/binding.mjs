// Runs in the browser for tests/node/browser.test.mjs: the binding on the main thread and a sweep in module
// workers, results left on window.bcmlResult.
import { load, simdSupported } from '../../wasm/bcml.mjs';

const status = document.getElementById('status');
try {
  const params = new URLSearchParams(location.search);
  const input = await (await fetch(params.get('input'))).json();
  const b = await load({ simd: params.get('simd') !== '0' });
  const loss = b.loss(input.loss.options, input.loss.data);
  const evaluation = b.evaluateJson(input.evaluation);
  const progress = [];
  const sweep = b.sweep(input.sweep.config, input.sweep.data, { workers: 2, onProgress: (p) => progress.push(p.fraction) });
  const summary = await sweep.done;
  const texts = Object.fromEntries([...sweep.evaluations].map(([k, v]) => [k, v.text]));
  window.bcmlResult = { simd: simdSupported(), kernels: b.kernels, loss: { value: loss.value, grad: Array.from(loss.grad) }, evaluation, summary, texts, progress: progress.at(-1) };
  status.textContent = 'done';
} catch (e) {
  window.bcmlResult = { error: String(e?.message ?? e) };
  status.textContent = 'failed';
}
