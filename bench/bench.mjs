// bench.mjs - `npm run bench`: GEMM GFLOP/s (native, wasm SIMD, wasm scalar) at the models' shapes, beside the
// single-core ceiling, and one small sweep's wall time native vs wasm, as ratios measured side by side in
// one run. --quick shortens every measurement. Not a test: nothing here asserts a time.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from '../wasm/bcml.mjs';

const root = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const minTime = quick ? 0.1 : 0.5;
const bin = join(root, 'build/bcml'), gemmBin = join(root, 'build/bcml_gemm_bench');
const work = mkdtempSync(join(tmpdir(), 'bcml-bench-'));

const mhz = (() => {
  try { return Math.max(...readFileSync('/proc/cpuinfo', 'utf8').match(/cpu MHz\s*:\s*([\d.]+)/g).map((l) => Number(l.split(':')[1]))); } catch { return NaN; }
})();
const cpu = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)[1]; } catch { return 'unknown'; } })();

function wasmGemm(b) {
  const sizes = [[64, 50, 784], [10, 576, 25], [20, 64, 250], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024]];
  const out = {};
  for (const [M, N, K] of sizes) {
    const A = b._copyIn(Float32Array.from({ length: M * K }, (_, i) => (i % 13) * 0.1));
    const B = b._copyIn(Float32Array.from({ length: K * N }, (_, i) => (i % 7) * 0.1));
    const C = b._alloc(4 * M * N);
    let reps = 0;
    const t0 = performance.now();
    let t;
    do { b.x.bw_gemm(M, N, K, A, B, C); reps++; } while ((t = (performance.now() - t0) / 1000) < minTime);
    out[`${M}x${N}x${K}`] = (2 * M * N * K * reps) / t * 1e-9;
    for (const p of [A, B, C]) b.x.bw_free(p);
  }
  return out;
}

async function sweepTimes(simd, scalar, reps) {
  const cfg = { epochs: quick ? 2 : 5, batch_size: 32, seed: 1, optimizer: { lr: 0.05, momentum: 0.5 }, lambda: { start: 0, stop: 1, step: 0.5 } };
  const spec = { preset: 'mlp', input: 10, hidden: [64, 32], classes: 4 };
  const data = { builtin: 'gauss10', n: quick ? 2000 : 6000, seed: 1 }, test = { builtin: 'gauss10', n: 1000, seed: 2 };
  execFileSync(bin, ['train', '--out', join(work, 'h1.bcml')], { input: JSON.stringify({ data: { ...data, fraction: 0.1 }, model: spec, epochs: 3 }) });
  const pred = (d) => JSON.parse(execFileSync(bin, ['predict'], { input: JSON.stringify({ model_file: join(work, 'h1.bcml'), data: d, features: true }), maxBuffer: 1 << 30 }));
  const tr = pred(data), te = pred(test);
  const times = { native: [], 'wasm-simd': [], 'wasm-scalar': [] };
  for (let r = 0; r < reps; r++) {
    rmSync(join(work, 'sweep'), { recursive: true, force: true });
    let t0 = performance.now();
    const res = spawnSync(bin, ['sweep', '--out', join(work, 'sweep'), '--jobs', '1'],
      { input: JSON.stringify({ ...cfg, data, test, h1: { model_file: join(work, 'h1.bcml') }, model: spec }) });
    if (res.status) throw new Error(res.stderr.toString());
    times.native.push(performance.now() - t0);
    for (const [name, b] of [['wasm-simd', simd], ['wasm-scalar', scalar]]) {
      t0 = performance.now();
      await b.sweep(cfg, { train: { x: tr.x.flat(), y: tr.y }, test: { x: te.x.flat(), y: te.y },
        h1: { outputsTrain: tr.outputs.flat(), outputsTest: te.outputs.flat() }, h2: { spec } }, { workers: 1 }).done;
      times[name].push(performance.now() - t0);
    }
  }
  return times;
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const spread = (a) => `${Math.min(...a).toFixed(0)}-${Math.max(...a).toFixed(0)}`;

const simd = await load({ simd: true }), scalar = await load({ simd: false });
const native = JSON.parse(execFileSync(gemmBin, [String(minTime)], { encoding: 'utf8' }));
const ws = wasmGemm(simd), wsc = wasmGemm(scalar);
// SIMD128 has no FMA: one 4-lane mul and one 4-lane add per cycle is 8 FLOP/cycle; cores with two of each
// (and a boost clock above the reported one) reach 16
const ceilWasm = (8 * mhz) / 1000;
console.log(`bcml benchmark — ${cpu}, ${mhz.toFixed(0)} MHz, node ${process.versions.node}${quick ? ' (quick)' : ''}`);
console.log(`\nGEMM, GFLOP/s single thread; 128-bit SIMD without FMA at ${mhz.toFixed(0)} MHz: ${ceilWasm.toFixed(1)} (8 FLOP/cycle) to ${(2 * ceilWasm).toFixed(1)} (16)`);
console.log('shape (MxNxK)        native   wasm-simd  wasm-scalar  simd/native  simd/scalar  simd/8-ceil');
for (const k of Object.keys(native))
  console.log(`${k.padEnd(18)} ${native[k].toFixed(2).padStart(8)} ${ws[k].toFixed(2).padStart(11)} ${wsc[k].toFixed(2).padStart(12)} ${(ws[k] / native[k]).toFixed(2).padStart(12)} ${(ws[k] / wsc[k]).toFixed(2).padStart(12)} ${(ws[k] / ceilWasm).toFixed(2).padStart(13)}`);
const reps = quick ? 1 : 3;
const t = await sweepTimes(simd, scalar, reps);
console.log(`\nSweep (gauss10 MLP 10-64-32-4, 3 lambdas x 2 losses, one thread), ms over ${reps} run(s): median [min-max]`);
for (const [k, v] of Object.entries(t)) console.log(`${k.padEnd(12)} ${median(v).toFixed(0).padStart(8)}  [${spread(v)}]  ratio to native ${(median(v) / median(t.native)).toFixed(2)}`);
rmSync(work, { recursive: true, force: true });
