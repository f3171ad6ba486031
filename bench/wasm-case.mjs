// wasm-case.mjs - one benchmark run of bcml's wasm build in Node, in its own process so GNU time can report
// its peak memory: `node bench/wasm-case.mjs SPEC.json`. SPEC: { kind: "sweep", train, test (file specs as
// suite.mjs writes them), h1: { spec, fraction, options }, h2spec, config, workers } or { kind: "scores",
// h1, h2, y, slices (.npy paths) }. Prints { seconds, heapBytes, summary | record }.
import { readFileSync } from 'node:fs';
import { load } from '../wasm/bcml.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const b = await load();
const bytes = (f) => new Uint8Array(readFileSync(f));

/** A data set from the files the native run reads: { csv: [train, test], options } or { idx: [images, labels] ... }. */
function dataset(s) {
  if (s.csv) {
    const train = b.csvTable(bytes(s.csv[0]), { ...s.options, name: s.csv[0] });
    const test = b.csvTable(bytes(s.csv[1]), { ...s.options, name: s.csv[1] }, train.encoding);
    return { train: { x: train.x, y: train.y, ids: train.ids, slices: train.slices }, test: { x: test.x, y: test.y, ids: test.ids, slices: test.slices } };
  }
  const set = (images, labels) => {
    const x = b.readArray('idx', bytes(images), { name: images }), y = b.readArray('idx', bytes(labels), { name: labels });
    return { x: Float32Array.from(x.data, (v) => v * (1 / 255)), y: Int32Array.from(y.data) };
  };
  return { train: set(...s.idx.train), test: set(...s.idx.test) };
}

if (spec.kind === 'sweep') {
  const { train, test } = dataset(spec.data);
  const t0 = performance.now();
  // as the web app does: one of the sweep's workers trains h1 on the first rows, the others lambda_c 0 meanwhile
  const h1 = { train: { spec: spec.h1.spec, seed: spec.h1.options.seed, rows: Math.round(train.y.length * spec.h1.fraction), options: spec.h1.options } };
  const handle = b.sweep(spec.config, { train, test, h1, h2: { spec: spec.h2spec } }, { workers: spec.workers });
  const summary = await handle.done;
  console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, heapBytes: handle.heapBytes, summary }));
  process.exit(0); // the worker pool is done
} else {
  const npy = (f) => b.readArray('npy', bytes(f), { name: f });
  const o1 = npy(spec.h1), o2 = npy(spec.h2), y = npy(spec.y), age = npy(spec.slice);
  const n = y.shape[0], c = o1.shape[1];
  const before = b.heapBytes;
  const t0 = performance.now();
  const h1 = b.labels(o1.data, n, c, 0), h2 = b.labels(o2.data, n, c, 0);
  const names = [...new Set(age.data)].sort((p, q) => p - q);
  const slice = { name: 'age', names: names.map(String), values: Int32Array.from(age.data, (v) => names.indexOf(v)) };
  const text = b.evaluateJson({ h1, h2, y: Int32Array.from(y.data), slices: [slice] });
  const seconds = (performance.now() - t0) / 1000;
  const r = JSON.parse(text);
  console.log(JSON.stringify({ seconds, heapBytes: b.heapBytes, heapBefore: before, jsonBytes: text.length, btc: r.btc, bec_upstream: r.bec_upstream, h2_accuracy: r.h2_accuracy }));
}
