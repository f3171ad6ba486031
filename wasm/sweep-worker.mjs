// sweep-worker.mjs - one worker of a sweep (see sweep.mjs): its own bcml instance holds the data, the initial
// h2 and h1's outputs (which may come later: a training at lambda_c 0 starts without them; one worker may train
// h1 itself), and trains whichever (lambda, family) it is given, posting progress and "trained" (its next task is sent
// then; with the model's bytes when the task says another worker may evaluate it), and evaluates its own training or
// one sent to it: the records (UTF-8 JSON; family 1's too when the point is a twin), their summary rows, the model's bytes.
import { load, Model } from './bcml.mjs';

const isNode = typeof process !== 'undefined' && !!process.versions?.node;
const port = isNode ? (await import('node:worker_threads')).parentPort : self;
const post = (m, t) => port.postMessage(m, t);
const listen = (f) => (isNode ? port.on('message', f) : (port.onmessage = (e) => f(e.data)));

let bcml = null, sweep = 0, data = null, gotH1;
const h1Ready = new Promise((ok) => { gotH1 = ok; });
const keep = (arr) => (arr ? bcml._copyIn(arr) : 0); /* an array copied into this instance's memory (0 for none) */
const initial = (m) => (m.model ? bcml.loadModel(m.model) : bcml.createModel(m.spec, m.seed ?? 0)); /* a training's start */
// a progress callback that posts { type, ...fields(report) } at most every 50 ms, and never cancels
const throttled = (type, fields = (p) => p) => {
  let last = 0;
  return (...report) => {
    const now = Date.now();
    if (now - last > 50) { last = now; post({ type, ...fields(...report) }); }
    return false;
  };
};

// the set-up messages run one after the other (each needs the one before); a task waits for h1 on its own
let setup = Promise.resolve();
listen((m) => {
  if (m.type === 'data' || m.type === 'init' || m.type === 'h1') setup = setup.then(() => handle(m));
  else handle(m);
});

async function handle(m) {
  try {
    if (m.type === 'data') {
      // the sets first, while h1 may still be training; they stay in this instance's memory for the whole sweep
      bcml = await load({ module: m.module, simd: m.simd });
      data = { dim: m.dim, ntr: m.ytr.length, nte: m.yte.length, xtr: keep(m.xtr), ytr: keep(m.ytr), xte: keep(m.xte), yte: keep(m.yte),
        idsTr: keep(m.idsTr), idsTe: keep(m.idsTe), sliceTr: keep(m.sliceTr), sliceTe: keep(m.sliceTe) };
    } else if (m.type === 'init') {
      const h2 = bcml.loadModel(m.h2);
      const opts = bcml._cstr(m.options);
      const d = data;
      sweep = bcml.x.bw_sweep_create(opts, d.xtr, d.ytr, d.ntr, d.xte, d.yte, d.nte, d.dim, d.idsTr, d.idsTe, 0, 0,
        h2.ptr, d.sliceTr, d.sliceTe);
      bcml.x.bw_free(opts);
      if (!sweep) throw bcml._error(1);
      const twins = Array.from({ length: bcml.x.bw_sweep_num_lambdas(sweep) }, (_, j) => bcml.x.bw_sweep_twin(sweep, j) === 1);
      post({ type: 'ready', twins });
    } else if (m.type === 'train') {
      // one training off the calling thread (e.g. h1 before a sweep)
      bcml = await load({ module: m.module, simd: m.simd });
      const model = initial(m);
      const r = bcml.train(model, { x: m.x, y: m.y }, m.options, throttled('progress'));
      const bytes = model.save();
      model.free();
      post({ type: 'trained', model: bytes, epochLoss: r.epochLoss }, [bytes.buffer]);
    } else if (m.type === 'h1-train') {
      // h1 learns from the first rows of the training set already here; its outputs serve this worker and, through
      // the main thread, the others
      const model = initial(m);
      try {
        if (model.inputSize !== data.dim) throw new Error(`h1: the model takes ${model.inputSize} inputs but the data have ${data.dim} features`);
        bcml._train(model, data.xtr, data.ytr, m.rows, 0, m.options, throttled('h1-progress'));
        const outputs = (x, n) => { /* h1's outputs, left in this instance for the sweep, and a copy to post */
          const p = bcml._alloc(4 * n * model.outputSize);
          bcml._check(bcml.x.bw_model_predict(model.ptr, x, n, p));
          return [p, new Float32Array(bcml.x.memory.buffer, p, n * model.outputSize).slice()];
        };
        const [ptr, h1tr] = outputs(data.xtr, data.ntr), [pte, h1te] = outputs(data.xte, data.nte);
        bcml.x.bw_sweep_set_h1(sweep, ptr, pte);
        gotH1();
        const bytes = model.save();
        post({ type: 'h1-trained', model: bytes, h1tr, h1te }, [bytes.buffer, h1tr.buffer, h1te.buffer]);
      } finally {
        model.free();
      }
    } else if (m.type === 'h1') {
      bcml.x.bw_sweep_set_h1(sweep, keep(m.h1tr), keep(m.h1te));
      gotH1();
    } else if (m.type === 'task') {
      if (bcml.x.bw_sweep_lambda(sweep, m.j) !== 0) await h1Ready; /* at lambda_c 0 the training does not read h1 */
      bcml._progress = throttled('progress', (kind, j, family, epoch, epochs, fraction) => ({ j, family, fraction, epoch, epochs }));
      const trained = bcml.x.bw_sweep_train_model(sweep, m.j, m.family);
      bcml._progress = null;
      if (!trained) throw bcml._error(1);
      const model = new Model(bcml, trained);
      try {
        if (m.evaluate) {
          post({ type: 'trained' }); /* the next task comes while this one is evaluated */
          await evaluate(m.j, m.family, model);
        } else {
          const bytes = model.save(); /* evaluated by whichever worker is free first (sweep.mjs) */
          post({ type: 'trained', j: m.j, family: m.family, model: bytes }, [bytes.buffer]);
        }
      } finally {
        model.free();
      }
    } else if (m.type === 'evaluate') {
      const model = bcml.loadModel(m.model);
      try {
        await evaluate(m.j, m.family, model);
      } finally {
        model.free();
      }
    }
  } catch (e) {
    post({ type: 'error', message: e.message, code: e.code ?? 1 });
  }
}

// posts a trained model's evaluation records and summary rows, and its bytes
async function evaluate(j, family, model) {
  await h1Ready; /* the evaluations compare with h1 */
  const out = bcml._scoped((a) => {
    const ev = a.buf(32), mp = a.buf(4), ml = a.buf(4);
    bcml._check(bcml.x.bw_sweep_evaluate(sweep, j, family, model.ptr, ev, mp, ml));
    const p = bcml._ptr(mp), bytes = bcml._u8.slice(p, p + bcml._i32(ml));
    bcml.x.bw_free(p);
    const texts = [0, 1, 2, 3, 4, 5, 6, 7].map((t) => bcml._ptr(ev + 4 * t)).filter((q) => q);
    const k = texts.length / 2; /* 4 records when the point is a twin: family 1's follow; then their summary rows */
    /* records as bytes, handed over without a copy: megabytes each, decoded only where they are read */
    return { evaluations: texts.slice(0, k).map((q) => bcml._takeBytes(q)), rows: texts.slice(k).map((q) => bcml._take(q)), model: bytes };
  });
  post({ type: 'result', j, family, heapBytes: bcml.x.memory.buffer.byteLength, ...out }, [out.model.buffer, ...out.evaluations.map((b) => b.buffer)]);
}
