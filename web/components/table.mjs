// table.mjs - the error instances: image thumbnail (image data), id, metadata, both predictions and the
// truth; filtered by the Venn / bar selection, sortable, paginated, exportable as CSV.
import { clear, el, className } from './format.mjs';

const PAGE = 10;
const COLS = [
  ['instance_id', 'Instance', true], ['metadata', 'Metadata', false], ['h1_prediction', 'h1 prediction', true],
  ['h2_prediction', 'h2 prediction', true], ['ground_truth', 'Ground truth', true],
];

/** The rows as CSV text (class names for labels), quoting where needed. */
export function rowsToCsv(rows, names) {
  const q = (v) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = [COLS.map((c) => c[0]).join(',')];
  for (const r of rows) lines.push(COLS.map(([k, , isClass]) => q(isClass && k !== 'instance_id' ? className(names, r[k]) : r[k])).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * record: evaluation record; filter: { ids: Set|null, label }; state: { page, sort: [key, dir] }; names;
 * image(id) -> URL or null; onState(state); onExport(csvText).
 */
export function renderTable(container, { record, filter, state, names, image, onState, onExport }) {
  clear(container);
  container.append(el('h3', { text: 'Error instances' }));
  let rows = record.error_instances;
  if (filter?.ids) rows = rows.filter((r) => filter.ids.has(r.instance_id));
  const [key, dir] = state.sort ?? ['instance_id', 1];
  rows = [...rows].sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : a.instance_id - b.instance_id));
  container.append(el('p', { class: 'filterinfo', role: 'status' },
    filter?.ids ? `${rows.length} instances: ${filter.label} ` : `${rows.length} instances where either model is wrong `,
    filter?.ids ? el('button', { type: 'button', onclick: () => onState({ ...state, clearFilter: true }) }, 'show all') : null,
    ' ', el('button', { type: 'button', onclick: () => onExport(rowsToCsv(rows, names)) }, 'Export CSV')));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const page = Math.min(state.page ?? 0, pages - 1);
  const withImages = !!image;
  const head = el('tr', {}, withImages ? el('th', { text: 'Image' }) : null,
    ...COLS.map(([k, label]) => el('th', { scope: 'col', 'aria-sort': k === key ? (dir > 0 ? 'ascending' : 'descending') : 'none' },
      el('button', { type: 'button', onclick: () => onState({ ...state, sort: [k, k === key ? -dir : 1], page: 0 }) }, `${label}${k === key ? (dir > 0 ? ' ▲' : ' ▼') : ''}`))));
  const body = el('tbody');
  for (const r of rows.slice(page * PAGE, page * PAGE + PAGE)) {
    const url = withImages ? image(r.instance_id) : null;
    body.append(el('tr', {}, withImages ? el('td', {}, url ? el('img', { src: url, alt: `instance ${r.instance_id}` }) : '') : null,
      el('td', { class: 'num', text: r.instance_id }), el('td', { text: r.metadata }),
      el('td', { text: className(names, r.h1_prediction) }), el('td', { text: className(names, r.h2_prediction) }),
      el('td', { text: className(names, r.ground_truth) })));
  }
  container.append(el('table', {}, el('thead', {}, head), body));
  container.append(el('div', { class: 'pager' },
    el('button', { type: 'button', disabled: page === 0, 'aria-label': 'previous page', onclick: () => onState({ ...state, page: page - 1 }) }, '<'),
    el('span', { text: `${page + 1} of ${pages}` }),
    el('button', { type: 'button', disabled: page >= pages - 1, 'aria-label': 'next page', onclick: () => onState({ ...state, page: page + 1 }) }, '>')));
}
