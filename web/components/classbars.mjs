// classbars.mjs - per-class statistics, five classes a page: incompatible points (h1 right, h2 wrong) as a
// count and share of all incompatible points, or accuracy by class for h1 and h2. Bars are clickable.
import { clear, el, className, tooltip } from './format.mjs';

const W = 420, H = 230, M = { top: 12, right: 10, bottom: 40, left: 46 }, PAGE = 5;

/**
 * record: an evaluation record; state: { mode: 'incompatible'|'accuracy', page, selected: { mode, model, cls } };
 * names: class names; onState(state) on paging/toggling; onSelect(selection|null, ids).
 */
export function renderClassBars(container, { record, names, state, onState, onSelect }) {
  const d3 = globalThis.d3;
  clear(container);
  const tip = tooltip(container);
  const classes = record.h1_accuracy_by_class.map((c) => c.class).filter((k) => record.sorted_classes.includes(k)
    || record.h2_incompatible_instance_ids_by_class.some((g) => g.class === k));
  const incompat = new Map(record.h2_incompatible_instance_ids_by_class.map((g) => [g.class, g.incompatibleInstanceIds]));
  const allIncompat = [...incompat.values()].reduce((s, l) => s + l.length, 0);
  const pages = Math.max(1, Math.ceil(classes.length / PAGE));
  const page = Math.min(state.page ?? 0, pages - 1);
  const shown = classes.slice(page * PAGE, page * PAGE + PAGE);
  container.append(el('h3', { text: state.mode === 'accuracy' ? 'Accuracy by class' : 'Incompatible points by class' }));
  container.append(el('div', { class: 'toggle', role: 'group', 'aria-label': 'statistic' },
    el('button', { type: 'button', 'aria-pressed': String(state.mode !== 'accuracy'), onclick: () => onState({ ...state, mode: 'incompatible' }) }, 'Incompatible points'),
    el('button', { type: 'button', 'aria-pressed': String(state.mode === 'accuracy'), onclick: () => onState({ ...state, mode: 'accuracy' }) }, 'Accuracy by class')));
  const svg = d3.select(container).append('svg').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'group');
  const x = d3.scaleBand().domain(shown.map(String)).range([M.left, W - M.right]).padding(0.3);
  const sel = state.selected;
  const act = (selection, ids) => (ev) => {
    if (ev.type === 'keydown' && ev.key !== 'Enter' && ev.key !== ' ') return;
    ev.preventDefault?.();
    const same = sel && sel.mode === selection.mode && sel.model === selection.model && sel.cls === selection.cls;
    onSelect(same ? null : selection, ids);
  };
  if (state.mode === 'accuracy') {
    const acc = (model, k) => record[`${model}_accuracy_by_class`].find((c) => c.class === k);
    const y = d3.scaleLinear().domain([0, 1]).range([H - M.bottom, M.top]);
    svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(5).tickFormat(d3.format('.0%')));
    for (const [i, model] of ['h1', 'h2'].entries())
      for (const k of shown) {
        const c = acc(model, k);
        if (!c || c.accuracy === null) continue;
        const label = `${model} accuracy on class ${className(names, k)}: ${(100 * c.accuracy).toFixed(1)}% (${c.error_instance_ids.length} errors)`;
        const isSel = sel && sel.mode === 'accuracy' && sel.model === model && sel.cls === k;
        svg.append('rect').attr('class', `barrect ${model}${isSel ? ' selected' : ''}`).attr('x', x(String(k)) + (i * x.bandwidth()) / 2)
          .attr('width', x.bandwidth() / 2).attr('y', y(c.accuracy)).attr('height', y(0) - y(c.accuracy))
          .attr('tabindex', 0).attr('role', 'button').attr('aria-label', label)
          .on('mouseenter mousemove', (ev) => tip.show(label, ev)).on('mouseleave', () => tip.hide())
          .on('click keydown', act({ mode: 'accuracy', model, cls: k }, c.error_instance_ids));
      }
  } else {
    const y = d3.scaleLinear().domain([0, Math.max(1, d3.max(shown, (k) => (incompat.get(k) ?? []).length))]).nice().range([H - M.bottom, M.top]);
    svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`).call(d3.axisLeft(y).ticks(5));
    for (const k of shown) {
      const ids = incompat.get(k) ?? [];
      const label = `class ${className(names, k)}: ${ids.length} incompatible points (${allIncompat ? ((100 * ids.length) / allIncompat).toFixed(1) : 0}% of all ${allIncompat})`;
      const isSel = sel && sel.mode === 'incompatible' && sel.cls === k;
      svg.append('rect').attr('class', `barrect incompatible${isSel ? ' selected' : ''}`).attr('x', x(String(k))).attr('width', x.bandwidth())
        .attr('y', y(ids.length)).attr('height', Math.max(y(0) - y(ids.length), ids.length ? 1 : 0))
        .attr('tabindex', 0).attr('role', 'button').attr('aria-label', label)
        .on('mouseenter mousemove', (ev) => tip.show(label, ev)).on('mouseleave', () => tip.hide())
        .on('click keydown', act({ mode: 'incompatible', cls: k }, ids));
    }
  }
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.bottom})`)
    .call(d3.axisBottom(x).tickFormat((k) => className(names, Number(k)).slice(0, 12)));
  if (state.mode === 'accuracy') {
    const lg = svg.append('g').attr('transform', `translate(${W - 90},${M.top})`);
    ['h1', 'h2'].forEach((m, i) => { lg.append('rect').attr('class', `barrect ${m}`).attr('y', i * 16).attr('width', 12).attr('height', 12); lg.append('text').attr('x', 16).attr('y', i * 16 + 10).text(m); });
  }
  container.append(el('div', { class: 'pager' },
    el('button', { type: 'button', disabled: page === 0, 'aria-label': 'previous classes', onclick: () => onState({ ...state, page: page - 1 }) }, '<'),
    el('span', { text: `${page + 1} of ${pages}` }),
    el('button', { type: 'button', disabled: page >= pages - 1, 'aria-label': 'next classes', onclick: () => onState({ ...state, page: page + 1 }) }, '>')));
  return svg.node();
}
