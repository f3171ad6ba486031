// gemm.mjs - float32 GEMM throughput at the shapes the models use (and square ones), native and wasm (SIMD
// and scalar), beside the single-core ceilings of SIMD without FMA (128-bit for wasm, the native build's own width).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const cpuMHz = () => {
  try { return Math.max(...readFileSync('/proc/cpuinfo', 'utf8').match(/cpu MHz\s*:\s*([\d.]+)/g).map((l) => Number(l.split(':')[1]))); } catch { return NaN; }
};

/** GFLOP/s of one wasm instance over the shapes, each timed for at least minTime seconds. */
function wasmGemm(b, shapes, minTime) {
  const out = {};
  for (const [M, N, K] of shapes) {
    const A = b._copyIn(Float32Array.from({ length: M * K }, (_, i) => (i % 13) * 0.1));
    const B = b._copyIn(Float32Array.from({ length: K * N }, (_, i) => (i % 7) * 0.1));
    const C = b._alloc(4 * M * N);
    let reps = 0, t;
    const t0 = performance.now();
    do { b.x.bw_gemm(M, N, K, A, B, C); reps++; } while ((t = (performance.now() - t0) / 1000) < minTime);
    out[`${M}x${N}x${K}`] = (2 * M * N * K * reps) / t * 1e-9;
    for (const p of [A, B, C]) b.x.bw_free(p);
  }
  return out;
}

/** Rows { shape, native, simd, scalar } in GFLOP/s, the native build's instruction set, the clock (MHz, measured
 * by the native bench where it can, else as the OS reports it) and the ceiling at that clock (8 FLOP/cycle: one
 * 4-lane multiply and one add per cycle). */
export function gemmTable(root, simd, scalar, minTime) {
  const { isa, mhz, gflops: native } = JSON.parse(execFileSync(join(root, 'build/bcml_gemm_bench'), [String(minTime)], { encoding: 'utf8' }));
  const shapes = Object.keys(native).map((k) => k.split('x').map(Number));
  const s = wasmGemm(simd, shapes, minTime), sc = wasmGemm(scalar, shapes, minTime);
  const clock = mhz > 0 ? { mhz, how: 'measured' } : { mhz: cpuMHz(), how: 'reported' };
  return { isa, clock, ceiling: (8 * clock.mhz) / 1000, rows: Object.keys(native).map((k) => ({ shape: k, native: native[k], simd: s[k], scalar: sc[k] })) };
}
