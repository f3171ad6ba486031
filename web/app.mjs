// app.mjs - the bcml web app: wires data, the sweep (wasm workers) and the D3 components together. State
// lives in one object here; the components are plain functions of data (see components/).
import { load } from './wasm/bcml.mjs';
import { csvDataset, arrayDataset, weatherDemo, adultDemo, digitsDemo, predictionsInput, folderTexts, thumbnails } from './data.mjs';
import { analysisLayout, pointLayout, createAnalysis, renderPoint, freshPoint, defaultPoint } from './analysis.mjs';
import { renderProgress, sweepProgress } from './components/progress.mjs';
import { download, downloadText, standaloneSvg, chartsToPng } from './components/exporter.mjs';
import { el, clear } from './components/format.mjs';
import { renderGuide } from './guide.mjs';

const $ = (id) => document.getElementById(id);
const LOSSES = { 'new-error': ['new-error-cross-entropy', 'new-error-nll', 'new-error-kl', 'focal-distillation'],
  'strict-imitation': ['strict-imitation-cross-entropy', 'strict-imitation-nll', 'strict-imitation-kl', 'focal-distillation'] };

// the sweep's results live in the analysis view (S.view: summary, evaluations, filters, selection)
const S = { bcml: null, dataset: null, handle: null, view: null, config: null,
  get summary() { return S.view?.summary ?? null; }, get evaluations() { return S.view?.evaluations; }, get selected() { return S.view?.selected ?? null; } };

const say = (id, text) => { $(id).textContent = text ?? ''; };
const fail = (id, e) => { say(id, e instanceof Error ? e.message : String(e)); console.warn(e); };

// ---------------------------------------------------------------- configuration form

const FIELDS = [
  ['model', 'h2 model', 'select', [['mlp', 'MLP'], ['logreg', 'Logistic regression'], ['mnist-net', 'CNN (MNIST Net, 28x28 images)']], 'mlp'],
  ['hidden', 'h2 MLP hidden sizes', 'text', null, '32,16'],
  ['h1_model', 'h1 model', 'select', [['same', 'the same as h2'], ['mlp', 'MLP'], ['logreg', 'Logistic regression'], ['mnist-net', 'CNN (MNIST Net)']], 'same'],
  ['h1_hidden', 'h1 MLP hidden sizes', 'text', null, '16'],
  ['h1_fraction', 'h1 trains on this share of the training split', 'number', { min: 0.01, max: 1, step: 0.01 }, 0.2],
  ['h1_epochs', 'h1 epochs', 'number', { min: 1, max: 500, step: 1 }, 10],
  ['epochs', 'h2 epochs per point', 'number', { min: 1, max: 500, step: 1 }, 10],
  ['batch_size', 'Batch size', 'number', { min: 1, max: 4096, step: 1 }, 32],
  ['optimizer', 'Optimizer', 'select', [['sgd', 'SGD'], ['adam', 'Adam']], 'sgd'],
  ['lr', 'Learning rate', 'number', { min: 0.00001, max: 10, step: 'any' }, 0.05],
  ['momentum', 'Momentum (SGD)', 'number', { min: 0, max: 0.999, step: 'any' }, 0.5],
  ['new_error', 'New-error loss', 'select', LOSSES['new-error'].map((l) => [l, l]), 'new-error-cross-entropy'],
  ['strict_imitation', 'Strict-imitation loss', 'select', LOSSES['strict-imitation'].map((l) => [l, l]), 'strict-imitation-kl'],
  ['alpha', 'Focal distillation alpha', 'number', { min: 0, step: 'any' }, 1],
  ['beta', 'Focal distillation beta', 'number', { min: 0, step: 'any' }, 5],
  ['temperature', 'Focal distillation temperature', 'number', { min: 0.01, step: 'any' }, 100],
  ['lambda_start', 'lambda_c from', 'number', { min: 0, step: 'any' }, 0],
  ['lambda_stop', 'lambda_c to', 'number', { min: 0, step: 'any' }, 2],
  ['lambda_step', 'lambda_c step', 'number', { min: 0.001, step: 'any' }, 0.25],
  ['metric', 'Performance metric', 'select', [['accuracy', 'accuracy'], ['balanced-accuracy', 'balanced accuracy'], ['macro-f1', 'macro F1']], 'accuracy'],
  ['recommend', 'Recommend the best point with', 'text', null, 'btc>=0.95'],
  ['seed', 'Seed', 'number', { min: 0, step: 1 }, 1],
  ['workers', 'Workers', 'number', { min: 1, max: 16, step: 1 }, Math.min(navigator.hardwareConcurrency || 2, 4)],
];

function buildForm() {
  const form = $('config');
  for (const [key, label, kind, opts, value] of FIELDS) {
    let input;
    if (kind === 'select') {
      input = el('select', { name: key, id: `cfg-${key}` }, ...opts.map(([v, t]) => el('option', { value: v, selected: v === value }, t)));
    } else input = el('input', { name: key, id: `cfg-${key}`, type: kind, value, ...(opts ?? {}) });
    form.append(el('label', { for: `cfg-${key}` }, label, input));
  }
}

function formValues() {
  const v = Object.fromEntries(new FormData($('config')));
  const num = (k) => Number(v[k]);
  const sizes = (t) => String(t).split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  return { ...v, hidden: sizes(v.hidden), h1_hidden: sizes(v.h1_hidden), alpha: num('alpha'), beta: num('beta'), temperature: num('temperature'), h1_fraction: num('h1_fraction'), h1_epochs: num('h1_epochs'), epochs: num('epochs'), batch_size: num('batch_size'),
    lr: num('lr'), momentum: num('momentum'), lambda_start: num('lambda_start'), lambda_stop: num('lambda_stop'), lambda_step: num('lambda_step'),
    seed: num('seed'), workers: num('workers') };
}

function modelSpec(f, ds) {
  if (f.model === 'mnist-net') {
    if (!ds.image || ds.image.height !== 28 || ds.image.width !== 28 || ds.image.channels !== 1) throw new Error('the MNIST Net needs 28x28 grey images');
    return { preset: 'mnist-net', classes: ds.numClasses };
  }
  const input = ds.image ? [ds.image.channels, ds.image.height, ds.image.width] : ds.dim;
  return f.model === 'logreg' ? { preset: 'logreg', input, classes: ds.numClasses } : { preset: 'mlp', input, hidden: f.hidden, classes: ds.numClasses };
}

function sweepConfig(f) {
  const loss = (name) => (name === 'focal-distillation' ? { name, alpha: f.alpha, beta: f.beta, temperature: f.temperature } : name);
  return { epochs: f.epochs, batch_size: f.batch_size, seed: f.seed,
    optimizer: f.optimizer === 'adam' ? { name: 'adam', lr: f.lr } : { name: 'sgd', lr: f.lr, momentum: f.momentum },
    new_error: loss(f.new_error), strict_imitation: loss(f.strict_imitation), metric: f.metric, recommend: f.recommend.trim() || undefined,
    lambda: { start: f.lambda_start, stop: f.lambda_stop, step: f.lambda_step } };
}

// ---------------------------------------------------------------- data in

function setDataset(ds, note = '') {
  S.dataset = ds;
  S.view.image?.revoke();
  S.view.image = null;
  say('data-error', '');
  say('data-status', `${ds.name}: ${ds.train.y.length} training and ${ds.test.y.length} test instances, ${ds.dim} features, ${ds.numClasses} classes${ds.train.slices?.length ? `, sliced by ${ds.train.slices.map((s) => s.name).join(', ')}` : ''}. ${note}`);
  $('start').disabled = false;
  $('config-panel').open = true;
}

// the demos: each sets the form to the settings of its CLI example, so the page reproduces the command line
const DEMOS = {
  'demo-weather': { load: weatherDemo, note: 'h1 learns from 20% of the training days; press Start sweep.', form: {} },
  'demo-adult': { load: adultDemo, note: 'As examples/compatibility-analysis-adult.json: logistic regression, h1 on a quarter of the training rows; press Start sweep.',
    form: { model: 'logreg', h1_model: 'same', h1_fraction: 0.25, h1_epochs: 20, epochs: 20, batch_size: 754, optimizer: 'sgd', lr: 0.01, momentum: 0.5, lambda_start: 0, lambda_stop: 1, lambda_step: 0.25 } },
  'demo-digits': { load: digitsDemo, note: 'As notebooks/lite/digits-sweep.json: h1 an MLP with 32 hidden units on a quarter of the digits, h2 one with 64; press Start sweep.',
    form: { model: 'mlp', hidden: '64', h1_model: 'mlp', h1_hidden: '32', h1_fraction: 0.25, h1_epochs: 3, epochs: 3, batch_size: 64, optimizer: 'sgd', lr: 0.05, momentum: 0.5, lambda_start: 0, lambda_stop: 1, lambda_step: 0.25 } },
};

async function startDemo(id) {
  const d = DEMOS[id];
  say('data-status', 'loading the demo data…');
  try {
    const ds = await d.load(S.bcml);
    for (const [key, , , , value] of FIELDS) if (key !== 'workers') $(`cfg-${key}`).value = String(d.form[key] ?? value);
    setDataset(ds, d.note);
  } catch (e) { fail('data-error', e); }
}

function columnPicker(host, header, onDone, { predictions = false } = {}) {
  clear(host);
  host.hidden = false;
  const opt = (sel) => header.map((h) => el('option', { value: h, selected: h === sel }, h));
  const guess = (re, fallback) => header.find((h) => re.test(h)) ?? fallback;
  const fields = predictions
    ? [['h1', 'h1 predictions', guess(/^h1/i, header[0])], ['h2', 'h2 predictions', guess(/^h2/i, header[1])], ['y', 'true labels', guess(/^(y|label|truth|ground)/i, header.at(-1))]]
    : [['label', 'Label column', guess(/^(label|class|y|target|income|weather)$/i, header.at(-1))]];
  const box = el('div', { class: 'colpick' });
  for (const [k, t, sel] of fields) box.append(el('label', {}, t, el('select', { name: k }, ...opt(sel))));
  box.append(el('label', {}, 'Id column (optional)', el('select', { name: 'id' }, el('option', { value: '' }, '—'), ...opt(guess(/^id$/i, '')))));
  box.append(el('label', {}, 'Slice by (text columns)', el('select', { name: 'slices', multiple: true, size: 3 }, ...opt(''))));
  box.append(el('label', {}, 'Slice by numeric bands', el('select', { name: 'bin', multiple: true, size: 3 }, ...opt(''))));
  if (!predictions) box.append(el('label', {}, 'Leave out', el('select', { name: 'ignore', multiple: true, size: 3 }, ...opt(''))));
  const form = el('form', {}, box, el('button', { type: 'submit', class: 'primary' }, 'Use these columns'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    onDone({ ...Object.fromEntries([...fd.entries()].filter(([k]) => !['slices', 'bin', 'ignore'].includes(k))),
      slices: fd.getAll('slices'), bin: fd.getAll('bin'), ignore: fd.getAll('ignore') });
  });
  host.append(form);
}

async function loadFiles(files) {
  say('data-error', '');
  const list = [...files];
  if (!list.length) return;
  try {
    const csv = list.find((f) => f.name.toLowerCase().endsWith('.csv'));
    if (csv) {
      const text = new Uint8Array(await csv.arrayBuffer()); /* bytes: the reader names invalid UTF-8 */
      const { header } = S.bcml.csvCells(text, { name: csv.name });
      say('data-status', `${csv.name}: choose the columns.`);
      columnPicker($('columns'), header, (choice) => {
        try {
          setDataset(csvDataset(S.bcml, text, csv.name, { ...choice, seed: formValues().seed }));
          $('columns').hidden = true;
        } catch (e) { fail('data-error', e); }
      });
      return;
    }
    const ds = await arrayDataset(S.bcml, list, { seed: formValues().seed });
    if (ds.image) {
      $('cfg-model').value = ds.image.height === 28 && ds.image.width === 28 ? 'mlp' : 'logreg';
    }
    setDataset(ds);
  } catch (e) { fail('data-error', e); }
}

// ---------------------------------------------------------------- the sweep

async function startSweep() {
  const ds = S.dataset;
  if (!ds) return;
  say('data-error', '');
  const f = formValues();
  let spec, h1spec;
  try {
    spec = modelSpec(f, ds);
    h1spec = f.h1_model === 'same' ? spec : modelSpec({ ...f, model: f.h1_model, hidden: f.h1_hidden }, ds);
  } catch (e) { fail('data-error', e); return; }
  $('start').disabled = true;
  $('cancel').disabled = false;
  S.view.reset();
  S.view.names = ds.classNames ?? null;
  S.view.image?.revoke();
  S.view.image = thumbnails(S.bcml, ds);
  const bar = sweepProgress($('progress'));
  await new Promise((r) => setTimeout(r, 20));
  try {
    // the update scenario: h1 learnt from part of the training data; h2 sweeps over all of it
    const k = Math.max(1, Math.round(ds.train.y.length * f.h1_fraction));
    const config = sweepConfig(f);
    S.config = config;
    // one of the sweep's workers trains h1 first, while another trains lambda_c 0, which reads no h1; h1's seed is the
    // sweep's plus one, for its weights and its shuffles alike (as a CLI "h1": {"train"} with that seed)
    const h1 = { train: { spec: h1spec, seed: f.seed + 1, rows: k, options: { epochs: f.h1_epochs, batch_size: f.batch_size, seed: f.seed + 1, optimizer: config.optimizer } } };
    S.handle = S.bcml.sweep(config, { train: ds.train, test: ds.test, h1, h2: { spec } }, {
      workers: f.workers,
      onProgress: bar.sweep,
      onH1Progress: bar.h1,
      onEvaluation: (e) => { S.view.evaluations.set(e.datapoint_index, e); scheduleRender(); },
    });
    const summary = await S.handle.done;
    S.h1Bytes = await S.handle.h1; /* kept for exports and checks: the exact models behind the plots */
    S.models = S.handle?.models;
    renderProgress($('progress'), { fraction: summary.complete ? 1 : S.handle.progress.fraction,
      text: summary.complete ? `done: ${summary.data.length} evaluations` : `cancelled: ${summary.data.length} evaluations kept` });
    showAnalysis(summary, S.view.evaluations, { selected: S.view.selected ?? defaultPoint(summary) });
  } catch (e) {
    fail('data-error', e);
    renderProgress($('progress'), null);
  } finally {
    $('start').disabled = false;
    $('cancel').disabled = true;
    S.handle = null;
  }
}

// partial results are drawn at most twice a second: each drawing takes the main thread from the sweep's workers
const RENDER_EVERY_MS = 500;
let pending = false, lastRender = 0;
function scheduleRender() {
  if (pending) return;
  pending = true;
  setTimeout(() => requestAnimationFrame(() => {
    pending = false;
    lastRender = performance.now();
    if (!S.handle) return; /* the sweep has ended: its final summary is in place */
    // points appear as they finish: a summary of what exists so far
    const partial = S.bcml.sweepSummary([...S.view.evaluations.values()], { constraint: S.config?.recommend ?? '' });
    partial.complete = false;
    showAnalysis(partial, S.view.evaluations);
  }), Math.max(0, lastRender + RENDER_EVERY_MS - performance.now()));
}

// ---------------------------------------------------------------- rendering


// ---------------------------------------------------------------- exports and saved state

function exportSvg() {
  const svgs = [...document.querySelectorAll('#analysis svg')];
  svgs.forEach((s, i) => downloadText(`bcml-chart-${i + 1}.svg`, standaloneSvg(s), 'image/svg+xml'));
}
async function exportPng() {
  download('bcml-charts.png', await chartsToPng([...document.querySelectorAll('#analysis svg')]));
}
function exportJson() {
  downloadText('bcml-results.json', JSON.stringify({ summary: S.view.summary, evaluations: Object.fromEntries(S.view.evaluations) }), 'application/json');
}
function saveState() {
  const v = S.view;
  downloadText('bcml-analysis.json', JSON.stringify({ bcml_analysis: 1, dataset: S.dataset?.name ?? null, classNames: v.names,
    config: S.config ?? null, summary: v.summary, evaluations: Object.fromEntries(v.evaluations), selected: v.selected,
    filters: { ...v.filters, hi: Number.isFinite(v.filters.hi) ? v.filters.hi : null } }), 'application/json');
}
async function openState(file) {
  try {
    const s = JSON.parse(await file.text());
    if (s.bcml_analysis !== 1 || !s.summary || !s.evaluations) throw new Error(`${file.name}: not an analysis saved by bcml`);
    S.view.reset();
    S.view.filters = { ...S.view.filters, ...s.filters, hi: s.filters?.hi ?? Infinity };
    S.view.names = s.classNames;
    S.view.image = null;
    S.config = s.config;
    S.dataset = null;
    say('data-status', `reopened ${file.name}${s.dataset ? ` (${s.dataset})` : ''}`);
    showAnalysis(s.summary, new Map(Object.entries(s.evaluations).map(([k, v]) => [Number(k), v])), { selected: s.selected });
  } catch (e) { fail('data-error', e instanceof SyntaxError ? new Error(`${file.name}: not valid JSON`) : e); }
}
async function openFolder(files) {
  try {
    const { summary, evaluations } = S.bcml.loadSweepFolder(await folderTexts(files));
    S.view.reset();
    S.view.names = null;
    S.view.image = null;
    S.dataset = null;
    say('data-status', `loaded a sweep folder: ${summary.data.length} evaluations`);
    say('data-error', '');
    showAnalysis(summary, new Map(Object.entries(evaluations).map(([k, v]) => [Number(k), v])), { selected: defaultPoint(summary) });
  } catch (e) { fail('data-error', e); }
}

// ---------------------------------------------------------------- model comparison view

const CMP = { input: null, record: null, point: freshPoint(), names: null, els: null };

function renderComparison() {
  $('comparison-result').hidden = false;
  renderPoint(CMP.record, CMP.point, CMP.els, { names: CMP.names, rerender: renderComparison, onExportCsv: exportCsv });
}

function compareText(text, name) {
  say('pred-error', '');
  try {
    const { header } = S.bcml.csvCells(text, { name });
    columnPicker($('pred-columns'), header, (choice) => {
      try {
        const inp = predictionsInput(S.bcml, text, name, choice);
        CMP.record = S.bcml.evaluate(inp);
        CMP.names = inp.classNames;
        CMP.point = freshPoint();
        say('pred-status', `${name}: ${inp.y.length} instances`);
        $('pred-columns').hidden = true;
        renderComparison();
      } catch (e) { fail('pred-error', e); }
    }, { predictions: true });
  } catch (e) { fail('pred-error', e); }
}

async function demoPredictions() {
  say('pred-error', '');
  try {
    const ds = await weatherDemo(S.bcml);
    const spec = { preset: 'mlp', input: ds.dim, hidden: [32, 16], classes: ds.numClasses };
    const opts = { epochs: 10, batch_size: 32, seed: 1, optimizer: { lr: 0.05, momentum: 0.5 } };
    const h1 = S.bcml.createModel(spec, 2), h2 = S.bcml.createModel(spec, 3);
    const k = Math.round(ds.train.y.length * 0.2);
    S.bcml.train(h1, { x: ds.train.x.subarray(0, k * ds.dim), y: ds.train.y.subarray(0, k) }, opts);
    S.bcml.train(h2, { x: ds.train.x, y: ds.train.y }, opts);
    const n = ds.test.y.length, l1 = S.bcml.labels(h1.predict(ds.test.x), n, ds.numClasses), l2 = S.bcml.labels(h2.predict(ds.test.x), n, ds.numClasses);
    const band = ds.test.slices[0];
    const lines = ['id,h1,h2,weather,temp_band', ...Array.from({ length: n }, (_, i) =>
      `${ds.test.ids[i]},${ds.classNames[l1[i]]},${ds.classNames[l2[i]]},${ds.classNames[ds.test.y[i]]},${band.names[band.values[i]]}`)];
    h1.free();
    h2.free();
    compareText(`${lines.join('\n')}\n`, 'weather-update-predictions.csv');
  } catch (e) { fail('pred-error', e); }
}

// ---------------------------------------------------------------- start

function showView(name) {
  for (const b of document.querySelectorAll('.tab[data-view]')) b.setAttribute('aria-pressed', String(b.dataset.view === name));
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== name;
  if (name === 'guide') renderGuide($('guide'), S.bcml);
}

function showAnalysis(summary, evaluations, options) {
  $('exports').hidden = false;
  S.view.set(summary, evaluations, options);
}

const exportCsv = (csv) => downloadText('error-instances.csv', csv, 'text/csv');

async function main() {
  buildForm();
  const layout = analysisLayout('');
  $('analysis-view').replaceWith(layout.root);
  S.view = createAnalysis(layout, { onExportCsv: exportCsv });
  CMP.els = pointLayout('cmp-');
  $('comparison-result').append(CMP.els.root);
  S.bcml = await load();
  window.bcmlApp = S; // for the tests and the curious
  for (const b of document.querySelectorAll('.tab[data-view]')) b.addEventListener('click', () => showView(b.dataset.view));
  for (const id of Object.keys(DEMOS)) $(id).addEventListener('click', () => startDemo(id));
  $('dataset-files').addEventListener('change', (e) => loadFiles(e.target.files));
  $('sweep-folder').addEventListener('change', (e) => openFolder(e.target.files));
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); loadFiles(e.dataTransfer.files); });
  $('start').addEventListener('click', startSweep);
  $('cancel').addEventListener('click', () => S.handle?.cancel());
  $('export-svg').addEventListener('click', exportSvg);
  $('export-png').addEventListener('click', exportPng);
  $('export-json').addEventListener('click', exportJson);
  $('export-state').addEventListener('click', saveState);
  $('open-state').addEventListener('change', (e) => e.target.files[0] && openState(e.target.files[0]));
  $('predictions-file').addEventListener('change', async (e) => { const f = e.target.files[0]; if (f) compareText(new Uint8Array(await f.arrayBuffer()), f.name); });
  $('demo-predictions').addEventListener('click', demoPredictions);
  document.body.dataset.ready = 'true';
  say('data-status', `bcml ${S.bcml.version} ready (${S.bcml.kernels}).`);
}

main().catch((e) => fail('data-error', e));
