// slices.mjs - the update's effect per data slice (e.g. age bands), worst negative flip rate first: this
// is where "the update broke the elderly" shows up.
import { clear, el, fmt, ci } from './format.mjs';

/** record.slices: [{ column, values: [{ value, counts, nfr, btc, ... }] }]; state: { column }. */
export function renderSlices(container, { record, state, onState, title = 'Slices' }) {
  clear(container);
  container.append(el('h3', { text: title }));
  const cols = record.slices ?? [];
  if (!cols.length) { container.append(el('p', { class: 'filterinfo', text: 'No slice columns: add them with the data (a column in the web app, slices=... in a notebook).' })); return; }
  const col = cols.find((c) => c.column === state.column) ?? cols[0];
  if (cols.length > 1)
    container.append(el('label', {}, 'Column ', el('select', { onchange: (e) => onState({ ...state, column: e.target.value }) },
      ...cols.map((c) => el('option', { value: c.column, selected: c.column === col.column }, c.column)))));
  const rows = [...col.values].sort((a, b) => (b.nfr ?? -1) - (a.nfr ?? -1));
  const max = Math.max(...rows.map((r) => r.nfr ?? 0), 1e-9);
  const body = el('tbody');
  for (const r of rows)
    body.append(el('tr', {}, el('td', { text: r.value }), el('td', { class: 'num', text: r.counts.n }),
      el('td', {}, (() => { const b = el('span', { class: 'nfrbar' }); b.style.width = `${(60 * (r.nfr ?? 0)) / max}px`; return b; })(), `${fmt(r.nfr)} `, el('span', { class: 'hint', text: ci(r.intervals.nfr) })),
      el('td', { class: 'num', text: fmt(r.btc) }), el('td', { class: 'num', text: fmt(r.h1_accuracy) }), el('td', { class: 'num', text: fmt(r.h2_accuracy) }),
      el('td', { class: 'num', text: r.accuracy_change === null ? 'undefined' : `${r.accuracy_change >= 0 ? '+' : ''}${fmt(r.accuracy_change)}` })));
  container.append(el('table', {}, el('thead', {}, el('tr', {}, ...['Slice', 'n', 'NFR [95% CI]', 'BTC', 'h1 accuracy', 'h2 accuracy', 'change']
    .map((h, i) => el('th', { class: i && i !== 2 ? 'num' : null, scope: 'col', text: h })))), body));
  container.append(el('p', { class: 'filterinfo', text: `${col.column}: worst negative flip rate first. Small slices have wide intervals.` }));
}
