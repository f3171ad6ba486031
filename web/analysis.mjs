// analysis.mjs - the compatibility analysis as one mountable view: filters, the two scatter plots and the
// selected point's details, Venn diagram, class bars, slices and error table. The web app and the notebook
// widget both mount it; its state lives in the object it returns, never in globals.
import { renderScatter } from './components/scatter.mjs';
import { renderVenn } from './components/venn.mjs';
import { renderClassBars } from './components/classbars.mjs';
import { renderTable } from './components/table.mjs';
import { renderDetails } from './components/details.mjs';
import { renderSlices } from './components/slices.mjs';
import { el, clear, fmt } from './components/format.mjs';

export function freshPoint() {
  return { filter: null, region: null, classState: { mode: 'incompatible', page: 0, selected: null }, table: { page: 0, sort: ['instance_id', 1] }, slices: {} };
}

// ids only where the page wants them (the app and its tests); a notebook may show several widgets
const named = (prefix) => (name) => (prefix === null ? undefined : `${prefix}${name}`);

/** The panels of one evaluation record: { root, details, venn, classes, slices, instances }. */
export function pointLayout(idPrefix = null) {
  const id = named(idPrefix);
  const p = (name) => el('div', { class: `panel ${name}`, id: id(name) });
  const out = { details: p('details'), venn: p('venn'), classes: p('classes'), slices: p('slices'), instances: p('instances') };
  out.root = el('div', { class: 'point-panels' }, out.details, el('div', { class: 'row' }, out.venn, out.classes), out.slices, out.instances);
  return out;
}

/** The whole analysis: { root, filters, plots, scatterBtc, scatterBec, point (hidden until a point is chosen) }. */
export function analysisLayout(idPrefix = null) {
  const id = named(idPrefix);
  const fig = (key, caption, hint) => {
    const box = el('div', { id: id(`scatter-${key}`) });
    return [box, el('figure', {}, el('figcaption', {}, caption, ' ', el('span', { class: 'hint', text: hint })), box)];
  };
  const [scatterBtc, figBtc] = fig('btc', 'Performance vs BTC', "(share of h1's right answers the update keeps)");
  const [scatterBec, figBec] = fig('bec', 'Performance vs BEC', "(share of h2's errors that are not new)");
  const point = pointLayout(idPrefix);
  const filters = el('div', { class: 'panel filters', id: id('filters'), hidden: true });
  const plots = el('div', { class: 'plots', id: id('plots'), hidden: true }, figBtc, figBec);
  const pointBox = el('div', { id: id('analysis-point'), hidden: true }, point.root);
  return { root: el('div', { class: 'analysis-view' }, filters, plots, pointBox), filters, plots, scatterBtc, scatterBec, pointBox, point };
}

/** Renders one evaluation record into pointLayout() panels; p is the point's view state (freshPoint()). */
export function renderPoint(record, p, els, { names = null, image = null, rerender, onExportCsv = null, title } = {}) {
  renderDetails(els.details, { record, title: title ?? (record.datapoint_index === undefined ? 'h1 against h2' : 'Selected point') });
  renderVenn(els.venn, { overlap: record.models_error_overlap, total: record.dataset_size, selected: p.region,
    onSelect: (region, list) => { p.region = region; p.classState.selected = null; p.filter = region ? { ids: new Set(list), label: `${region} errors` } : null; p.table.page = 0; rerender(); } });
  renderClassBars(els.classes, { record, names, state: p.classState, onState: (s) => { p.classState = s; rerender(); },
    onSelect: (sel, list) => {
      p.classState = { ...p.classState, selected: sel };
      p.region = null;
      p.filter = sel ? { ids: new Set(list), label: sel.mode === 'accuracy' ? `${sel.model} errors on class ${names?.[sel.cls] ?? sel.cls}` : `incompatible points of class ${names?.[sel.cls] ?? sel.cls}` } : null;
      p.table.page = 0;
      rerender();
    } });
  renderSlices(els.slices, { record, state: p.slices, onState: (s) => { p.slices = s; rerender(); } });
  renderTable(els.instances, { record, filter: p.filter, state: p.table, names, image,
    onState: (s) => { if (s.clearFilter) { p.filter = null; p.region = null; p.classState.selected = null; delete s.clearFilter; } p.table = s; rerender(); },
    onExport: onExportCsv ?? undefined });
}

/** The analysis view over an analysisLayout(): set(summary, evaluations) shows a sweep (evaluations: Map of
 * datapoint index -> record); names: class names; image(id): a thumbnail URL or null. */
export function createAnalysis(els, { names = null, image = null, onExportCsv = null } = {}) {
  const view = {
    summary: null, evaluations: new Map(), names, image, selected: null,
    filters: { training: false, testing: true, newError: true, strictImitation: true, lo: 0, hi: Infinity },
    views: { btc: {}, bec: {} }, point: freshPoint(),
    /** Shows a (partial or complete) sweep; the chosen point defaults to the recommendation. */
    set(summary, evaluations, { selected } = {}) {
      view.summary = summary;
      view.evaluations = evaluations;
      if (selected !== undefined) view.selected = selected;
      if (view.selected === null && summary.complete !== false) view.selected = defaultPoint(summary);
      view.render();
    },
    reset() {
      Object.assign(view, { summary: null, evaluations: new Map(), selected: null, point: freshPoint(), views: { btc: {}, bec: {} } });
      els.plots.hidden = els.filters.hidden = els.pointBox.hidden = true;
    },
    select(idx) {
      view.selected = idx;
      view.point = { ...freshPoint(), classState: { ...freshPoint().classState, mode: view.point.classState.mode }, slices: view.point.slices };
      view.render();
    },
    visibleRows() {
      const f = view.filters;
      return (view.summary?.data ?? []).filter((r) => ((r.training && f.training) || (r.testing && f.testing))
        && ((r['new-error'] && f.newError) || (r['strict-imitation'] && f.strictImitation)) && r.lambda_c >= f.lo && r.lambda_c <= f.hi);
    },
    render() {
      const s = view.summary;
      if (!s) return;
      els.plots.hidden = false;
      renderFilters(els.filters, view);
      const common = { rows: view.visibleRows(), domainRows: s.data, h1: s.h1_performance, metric: s.performance_metric, pareto: s.pareto_front ?? [],
        recommended: s.recommendation?.datapoint_index ?? null, selected: view.selected, onSelect: view.select };
      renderScatter(els.scatterBtc, { ...common, xKey: 'btc', view: view.views.btc });
      renderScatter(els.scatterBec, { ...common, xKey: 'bec', view: view.views.bec });
      const record = view.selected === null ? null : view.evaluations.get(view.selected);
      els.pointBox.hidden = !record;
      if (record) renderPoint(record, view.point, els.point, { names: view.names, image: view.image, rerender: view.render, onExportCsv });
    },
  };
  return view;
}

/** The recommended point, else the first testing point. */
export function defaultPoint(summary) {
  return summary.recommendation?.datapoint_index ?? summary.data.find((r) => r.testing)?.datapoint_index ?? null;
}

function renderFilters(host, view) {
  clear(host);
  host.hidden = false;
  const f = view.filters, s = view.summary, lambdas = s.lambdas ?? [];
  const box = (key, label, swatch) => el('label', {}, el('input', { type: 'checkbox', checked: f[key], onchange: (e) => { f[key] = e.target.checked; view.render(); } }),
    swatch ? (() => { const sw = el('span', { class: 'swatch' }); sw.style.background = swatch; return sw; })() : null, label);
  host.append(el('fieldset', {}, el('legend', { text: 'Data' }), box('training', 'training', 'var(--train)'), box('testing', 'testing', 'var(--test)')));
  host.append(el('fieldset', {}, el('legend', { text: 'Dissonance' }), box('newError', 'new error ●'), box('strictImitation', 'strict imitation ▲')));
  const sel = (val, onchange, label) => el('label', {}, label, el('select', { onchange }, ...lambdas.map((l) => el('option', { value: l, selected: l === val }, fmt(l, 2)))));
  if (lambdas.length)
    host.append(el('fieldset', {}, el('legend', { text: 'lambda_c' }),
      sel(Math.max(f.lo, lambdas[0]), (e) => { f.lo = Number(e.target.value); view.render(); }, 'from '),
      sel(Math.min(f.hi, lambdas.at(-1)) === Infinity ? lambdas.at(-1) : lambdas.find((l) => l >= Math.min(f.hi, lambdas.at(-1))), (e) => { f.hi = Number(e.target.value); view.render(); }, ' to ')));
  const pointSel = el('select', { 'aria-label': 'select a point', onchange: (e) => view.select(Number(e.target.value)) },
    el('option', { value: '' }, 'choose…'),
    ...view.visibleRows().map((r) => el('option', { value: r.datapoint_index, selected: r.datapoint_index === view.selected },
      `λ ${fmt(r.lambda_c, 2)} · ${r['new-error'] ? 'new error' : 'strict imitation'} · ${r.testing ? 'testing' : 'training'}`)));
  host.append(el('label', {}, 'Point ', pointSel));
  if (s.recommendation) host.append(el('span', { class: 'hint', text: `recommended (${s.recommendation.constraint || 'best performance'}): λ ${fmt(s.recommendation.lambda_c, 2)}, ${s.recommendation.dissonance}` }));
  else if (s.recommendation_note) host.append(el('span', { class: 'hint', text: s.recommendation_note }));
}
