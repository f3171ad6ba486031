// gemm.mjs - float32 GEMM throughput at the shapes the models' layers use (and square ones), native and wasm (SIMD
// and scalar), beside the single-core ceilings of SIMD without FMA (128-bit for wasm, the native build's own width).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const cpuMHz = () => {
  try { return Math.max(...readFileSync('/proc/cpuinfo', 'utf8').match(/cpu MHz\s*:\s*([\d.]+)/g).map((l) => Number(l.split(':')[1]))); } catch { return NaN; }
};

/** GFLOP/s of one wasm instance over the rows' shapes, each the best of 5 windows of minTime / 5 seconds. */
function wasmGemm(b, rows, minTime) {
  return rows.map(({ ta, tb, m: M, n: N, k: K, conv, batch, c, h, kernel }) => {
    const nb = conv ? batch : 1; /* as gemm_bench.c: a convolution reads its batch of images in place */
    const A = b._copyIn(Float32Array.from({ length: conv === 2 ? nb * M * K : M * K }, (_, i) => (i % 13) * 0.1));
    const B = b._copyIn(Float32Array.from({ length: conv ? nb * c * h * h : K * N }, (_, i) => (i % 7) * 0.1));
    const C = b._copyIn(new Float32Array(conv === 1 ? nb * M * N : M * N));
    let best = 0; /* the best of 5 windows, as gemm_bench.c */
    for (let window = 0; window < 5; window++) {
      let reps = 0, t;
      const t0 = performance.now();
      do {
        if (conv) b.x.bw_conv_gemm(conv === 2 ? 1 : 0, nb, M, c, h, kernel, A, B, C);
        else b.x.bw_gemm(ta, tb, M, N, K, A, B, C);
        reps++;
      } while ((t = (performance.now() - t0) / 1000) < minTime / 5);
      best = Math.max(best, reps / t);
    }
    for (const p of [A, B, C]) b.x.bw_free(p);
    return 2 * nb * M * N * K * best * 1e-9;
  });
}

/** Rows { layer, op, shape, native, simd, scalar } in GFLOP/s (the layers' shapes come from the native bench), the
 * native build's instruction set, the clock (MHz, measured by the native bench where it can, else as the OS
 * reports it) and the ceiling at that clock (8 FLOP/cycle: one 4-lane multiply and one add per cycle). */
export function gemmTable(root, simd, scalar, minTime) {
  const { isa, mhz, rows } = JSON.parse(execFileSync(join(root, 'build/bcml_gemm_bench'), [String(minTime)], { encoding: 'utf8' }));
  const s = wasmGemm(simd, rows, minTime), sc = wasmGemm(scalar, rows, minTime);
  const clock = mhz > 0 ? { mhz, how: 'measured' } : { mhz: cpuMHz(), how: 'reported' };
  return { isa, clock, ceiling: (8 * clock.mhz) / 1000, rows: rows.map((r, i) => ({ layer: r.layer, op: `${r.ta ? 'T' : 'N'}${r.tb ? 'T' : 'N'}`,
    shape: `${r.m}x${r.n}x${r.k}`, native: r.gflops, simd: s[i], scalar: sc[i] })) };
}
