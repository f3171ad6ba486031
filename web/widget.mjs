// widget.mjs - the notebook widget's front end (anywidget's render contract). Python sets the inputs as
// traits; this module runs the work in bcml's wasm in the browser (a sweep in the same worker pool as the web
// app, a predictions-only comparison, or a saved folder), renders the same D3 views as the page, and sends
// the results back as traits, so they are in Python when the work is done.
//
// Inputs: kind ('analysis' | 'comparison' | 'saved'); config (the sweep keys of `bcml sweep`, plus workers);
// meta ({ dim, classes, class_names, image, slices: [{ name, names }], h1: {...}, h2: {...} }); buffers
// (float32/int32/float64 bytes) train_x, train_y, train_ids, train_slices, test_*, h1_model, h1_train, h1_test,
// or train_csv and test_csv (CSV bytes, encoded here as in the web app, meta.csv the columns' roles); for
// comparisons h1_labels or h1_model, h2_*, labels, ids, slices (test_x: features for models); folder.
// Outputs: status ('waiting' | 'running' | 'done' | 'cancelled' | 'error'), message, progress, summary,
// evaluations ({ datapoint index: record }), record (a comparison), h1_bytes (the h1 model the sweep used).
import { analysisLayout, pointLayout, createAnalysis, renderPoint, freshPoint, defaultPoint } from './analysis.mjs';
import { renderProgress, sweepProgress } from './components/progress.mjs';
import { el } from './components/format.mjs';
import { thumbnails, csvPair } from './data.mjs';

const view = (dv, Type) => (dv && dv.byteLength ? new Type(dv.buffer.slice(dv.byteOffset, dv.byteOffset + dv.byteLength)) : null);

/** Columns of slice values, one int32 block of n per slice, as the sweep and evaluate() take them. */
function sliceColumns(meta, buf, n) {
  const all = view(buf, Int32Array);
  return (meta.slices ?? []).map((s, k) => ({ name: s.name, names: s.names, values: all.subarray(k * n, (k + 1) * n) }));
}

function dataset(model, meta) {
  const part = (p) => {
    const y = view(model.get(`${p}_y`), Int32Array);
    return { x: view(model.get(`${p}_x`), Float32Array), y, ids: view(model.get(`${p}_ids`), Float64Array), slices: sliceColumns(meta, model.get(`${p}_slices`), y.length) };
  };
  const ds = { dim: meta.dim, numClasses: meta.classes, classNames: meta.class_names ?? null, image: meta.image ?? null, train: part('train'), test: part('test') };
  if (meta.metadata_train) ds.train.metadata = meta.metadata_train;
  if (meta.metadata_test) ds.test.metadata = meta.metadata_test;
  return ds;
}

/** Images from Python's get_instance_image_by_id, asked for as the table shows their rows (custom messages;
 * the kernel answers between cells); rerender() once they arrive. revoke() frees them. */
function askedImages(model, rerender) {
  const urls = new Map();
  let pending = false;
  model.on('msg:custom', (msg, buffers) => {
    if (msg?.type !== 'image') return;
    urls.set(msg.id, msg.ok && buffers?.[0] ? URL.createObjectURL(new Blob([buffers[0]], { type: msg.mime || 'image/png' })) : null);
    if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; rerender(); }); }
  });
  const lookup = (id) => {
    if (!urls.has(id)) { urls.set(id, null); model.send({ type: 'image', id }); }
    return urls.get(id);
  };
  lookup.revoke = () => urls.forEach((u) => u && URL.revokeObjectURL(u));
  return lookup;
}

/** Renders into el; loadBcml() resolves to a Bcml instance whose workers can start. Returns the clean-up. */
export function renderWidget({ model, el: host }, loadBcml) {
  const status = el('div', { class: 'widget-status', role: 'status' });
  const bar = el('div', { class: 'progress' });
  const cancel = el('button', { type: 'button', hidden: true, text: 'Cancel' });
  const error = el('p', { class: 'error', role: 'alert' });
  const root = el('div', { class: 'bcml-widget' }, el('div', { class: 'panel run' }, status, bar, cancel), error);
  host.append(root);
  const kind = model.get('kind'), meta = model.get('meta') ?? {};
  let handle = null, closed = false, thumbs = null;
  const say = (text) => { status.textContent = text; };
  const publish = (fields) => { if (closed && !('status' in fields)) return; for (const [k, v] of Object.entries(fields)) model.set(k, v); model.save_changes(); };
  const failed = (e) => { error.textContent = e?.message ?? String(e); say('failed'); publish({ status: 'error', message: error.textContent }); };

  let analysis = null, redraw = () => {};
  const asked = meta.images === 'callback' ? askedImages(model, () => redraw()) : null;
  const showAnalysis = (summary, evaluations, names, image) => {
    if (!analysis) {
      const layout = analysisLayout(null);
      root.append(layout.root);
      analysis = createAnalysis(layout, { names, image: asked ?? image });
      redraw = analysis.render;
    }
    analysis.set(summary, evaluations, summary.complete === false ? {} : { selected: analysis.selected ?? defaultPoint(summary) });
  };
  const showRecord = (record, names, image = null) => {
    const els = pointLayout(null), point = freshPoint();
    root.append(els.root);
    const draw = () => renderPoint(record, point, els, { names, image: asked ?? image, rerender: draw, title: 'h1 against h2' });
    redraw = draw;
    draw();
  };
  const asMap = (obj) => new Map(Object.entries(obj ?? {}).map(([k, v]) => [Number(k), v]));

  // already computed (a re-displayed widget, or results restored from Python): show, do not run again
  const state = model.get('status');
  if (state !== 'waiting') {
    if (state === 'running') say('running in another view of this widget');
    else if (state === 'error') { error.textContent = model.get('message'); say('failed'); }
    else say(model.get('message'));
    if (kind === 'comparison' && model.get('record')) showRecord(model.get('record'), meta.class_names ?? null);
    else if (model.get('summary')) showAnalysis(model.get('summary'), asMap(model.get('evaluations')), meta.class_names ?? null, null);
    return () => {};
  }
  publish({ status: 'running', message: 'starting', progress: 0 });

  (async () => {
    const bcml = await loadBcml();
    if (kind === 'comparison') {
      const y = view(model.get('labels'), Int32Array), x = view(model.get('test_x'), Float32Array), ids = view(model.get('ids'), Float64Array);
      // each model: its predicted labels, or a saved model run here on the features
      const side = (k) => (meta[k].model ? bcml.loadModel(view(model.get(`${k}_model`), Uint8Array)) : { labels: view(model.get(`${k}_labels`), Int32Array) });
      const h1 = side('h1'), h2 = side('h2');
      const record = bcml.compare({ x, h1, h2, y, ids, slices: sliceColumns(meta, model.get('slices'), y.length), metric: model.get('config').metric,
        numClasses: Math.max(meta.classes, h1.outputSize ?? 0, h2.outputSize ?? 0), metadata: meta.metadata ?? undefined });
      h1.free?.();
      h2.free?.();
      say(`h1 against h2 on ${y.length} instances`);
      publish({ status: 'done', message: status.textContent, record, progress: 1 });
      thumbs = meta.image && x ? thumbnails(bcml, { image: meta.image, dim: x.length / y.length, test: { x, ids }, train: { x: new Float32Array(0), ids: [] } }) : null;
      showRecord(record, meta.class_names ?? null, thumbs);
      return;
    }
    if (kind === 'saved') {
      const { summary, evaluations } = bcml.loadSweepFolder(model.get('folder'));
      say(`a saved sweep: ${summary.data.length} evaluations`);
      publish({ status: 'done', message: status.textContent, summary, evaluations, progress: 1 });
      showAnalysis(summary, asMap(evaluations), meta.class_names ?? null, null);
      return;
    }
    const ds = meta.csv ? csvPair(bcml, model.get('train_csv'), model.get('test_csv'), meta.csv) : dataset(model, meta);
    const config = model.get('config');
    // specs Python could not size (CSV data are encoded here): input and classes from the data
    const sized = (spec) => {
      if (!spec?.preset) return spec; // an explicit layer list is complete
      const fixedInput = spec.preset === 'mnist-net' || spec.preset === 'cifar-net';
      const input = fixedInput ? {} : { input: spec.input ?? (ds.image ? [ds.image.channels, ds.image.height, ds.image.width] : ds.dim) };
      return { ...spec, ...input, classes: spec.classes ?? ds.numClasses };
    };
    thumbs = thumbnails(bcml, ds);
    const progress = sweepProgress(bar);
    let h1input;
    if (meta.h1.train) { // the update scenario: one of the sweep's workers trains h1 on the first rows of the training set
      const t = meta.h1.train;
      h1input = { train: { spec: sized(meta.h1.spec), seed: t.seed, rows: Math.max(1, Math.round(ds.train.y.length * t.fraction)), options: t.options } };
    } else {
      progress.h1(null);
      h1input = meta.h1.outputs ? { outputsTrain: view(model.get('h1_train'), Float32Array), outputsTest: view(model.get('h1_test'), Float32Array), probabilities: !!meta.h1.probabilities }
        : { model: view(model.get('h1_model'), Uint8Array) };
    }
    const h2input = meta.h2.spec ? { spec: sized(meta.h2.spec) } : { model: view(model.get('h2_model'), Uint8Array) };
    const evaluations = new Map();
    let last = 0;
    handle = bcml.sweep(config, { train: ds.train, test: ds.test, h1: h1input, h2: h2input }, {
      workers: meta.workers,
      onH1Progress: progress.h1,
      onProgress: (p) => {
        progress.sweep(p);
        const now = Date.now();
        if (now - last > 500) { last = now; publish({ progress: p.fraction, message: bar.textContent }); }
      },
      onEvaluation: (e) => {
        evaluations.set(e.datapoint_index, e);
        const partial = bcml.sweepSummary([...evaluations.values()], { constraint: config.recommend ?? '' });
        partial.complete = false;
        showAnalysis(partial, evaluations, ds.classNames, thumbs);
      },
    });
    handle.h1.then((bytes) => bytes && publish({ h1_bytes: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) }));
    cancel.hidden = false;
    cancel.onclick = () => handle?.cancel();
    say('sweeping');
    const summary = await handle.done;
    cancel.hidden = true;
    const text = summary.complete ? `done: ${summary.data.length} evaluations` : `cancelled: ${summary.data.length} evaluations kept`;
    say(text);
    renderProgress(bar, { fraction: summary.complete ? 1 : handle.progress.fraction, text });
    publish({ status: summary.complete ? 'done' : 'cancelled', message: text, progress: summary.complete ? 1 : handle.progress.fraction,
      summary, evaluations: Object.fromEntries(evaluations) });
    if (!closed) showAnalysis(summary, evaluations, ds.classNames, thumbs);
  })().catch(failed);

  // closing the widget (its output cleared, the notebook closed) stops the sweep; finished points are sent back
  return () => { closed = true; handle?.cancel(); thumbs?.revoke(); asked?.revoke(); };
}
