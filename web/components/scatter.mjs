// scatter.mjs - performance vs BTC (or BEC) for the sweep's points: new-error circles, strict-imitation
// triangles, training/testing colours, h1's performance as a reference line, the Pareto front and the
// recommended point, tooltips, zoom and pan, and click (or Enter) to select a point.
import { clear, el, fmt, tooltip } from './format.mjs';

const W = 520, H = 360, M = { top: 14, right: 16, bottom: 42, left: 56 };

/**
 * rows: summary rows to draw (already filtered); xKey: 'btc' | 'bec'; domainRows: rows that set the shared
 * x-domain; h1: h1's performance; metric: the y label; pareto: datapoint indices; recommended: index or null;
 * selected: index or null; onSelect(index); view: { transform } kept by the caller across renders.
 */
export function renderScatter(container, { rows, xKey, domainRows = rows, h1, metric, pareto = [], recommended = null, selected = null, onSelect, view = {} }) {
  const d3 = globalThis.d3;
  clear(container);
  const tip = tooltip(container);
  const usable = rows.filter((r) => r[xKey] !== null && r.performance !== null);
  const xs = domainRows.flatMap((r) => [r.btc, r.bec]).filter((v) => v !== null);
  const ys = domainRows.map((r) => r.performance).filter((v) => v !== null).concat(h1 ?? []);
  const pad = (lo, hi) => (hi - lo < 1e-6 ? [lo - 0.01, hi + 0.01] : [lo - (hi - lo) * 0.06, hi + (hi - lo) * 0.06]);
  const x0 = d3.scaleLinear().domain(pad(d3.min(xs) ?? 0, d3.max(xs) ?? 1)).range([M.left, W - M.right]);
  const y0 = d3.scaleLinear().domain(pad(d3.min(ys) ?? 0, d3.max(ys) ?? 1)).range([H - M.bottom, M.top]);
  const svg = d3.select(container).append('svg').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'group')
    .attr('aria-label', `${metric} against ${xKey.toUpperCase()} for ${usable.length} points`);
  svg.append('defs').append('clipPath').attr('id', `clip-${xKey}`).append('rect')
    .attr('x', M.left).attr('y', M.top).attr('width', W - M.left - M.right).attr('height', H - M.top - M.bottom);
  const gx = svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${H - M.bottom})`);
  const gy = svg.append('g').attr('class', 'axis').attr('transform', `translate(${M.left},0)`);
  svg.append('text').attr('x', (M.left + W - M.right) / 2).attr('y', H - 6).attr('text-anchor', 'middle').text(xKey.toUpperCase());
  svg.append('text').attr('transform', `translate(14,${(M.top + H - M.bottom) / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(metric);
  const plot = svg.append('g').attr('clip-path', `url(#clip-${xKey})`);
  const h1g = plot.append('g'), frontg = plot.append('g'), pts = plot.append('g');

  const draw = (x, y) => {
    gx.call(d3.axisBottom(x).ticks(6).tickFormat(d3.format('.3f')));
    gy.call(d3.axisLeft(y).ticks(6).tickFormat(d3.format('.3f')));
    h1g.selectAll('*').remove();
    if (h1 !== null && h1 !== undefined) {
      h1g.append('line').attr('class', 'h1line').attr('x1', M.left).attr('x2', W - M.right).attr('y1', y(h1)).attr('y2', y(h1));
      h1g.append('text').attr('x', W - M.right - 4).attr('y', y(h1) - 5).attr('text-anchor', 'end').text(`h1 ${fmt(h1)}`);
    }
    frontg.selectAll('*').remove();
    const front = usable.filter((r) => pareto.includes(r.datapoint_index)).sort((a, b) => a[xKey] - b[xKey]);
    if (front.length > 1) frontg.append('path').attr('class', 'pareto').attr('d', d3.line().x((r) => x(r[xKey])).y((r) => y(r.performance))(front));
    const reco = usable.find((r) => r.datapoint_index === recommended);
    if (reco) frontg.append('circle').attr('class', 'reco').attr('cx', x(reco[xKey])).attr('cy', y(reco.performance)).attr('r', 14);
    pts.selectAll('path.point').data(usable, (r) => r.datapoint_index).join('path')
      .attr('class', (r) => `point ${r.testing ? 'testing' : 'training'}${r.datapoint_index === selected ? ' selected' : ''}`)
      .attr('d', (r) => d3.symbol(r['new-error'] ? d3.symbolCircle : d3.symbolTriangle, r.datapoint_index === selected ? 260 : 110)())
      .attr('transform', (r) => `translate(${x(r[xKey])},${y(r.performance)})`);
  };
  const label = (r) => `lambda ${fmt(r.lambda_c, 2)} · ${r['new-error'] ? 'new error' : 'strict imitation'} · ${r.testing ? 'testing' : 'training'}\n`
    + `${metric} ${fmt(r.performance)} · ${xKey.toUpperCase()} ${fmt(r[xKey])}`
    + `${pareto.includes(r.datapoint_index) ? '\non the Pareto front' : ''}${r.datapoint_index === recommended ? '\nrecommended' : ''}`;
  draw(x0, y0);
  pts.selectAll('path.point')
    .attr('tabindex', 0).attr('role', 'button').attr('aria-label', (r) => label(r).replace(/\n/g, '; '))
    .on('mouseenter', (ev, r) => tip.show(label(r), ev)).on('mousemove', (ev, r) => tip.show(label(r), ev)).on('mouseleave', () => tip.hide())
    .on('click', (ev, r) => onSelect?.(r.datapoint_index))
    .on('keydown', (ev, r) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onSelect?.(r.datapoint_index); } });

  const zoom = d3.zoom().scaleExtent([1, 100]).translateExtent([[M.left, M.top], [W - M.right, H - M.bottom]])
    .extent([[M.left, M.top], [W - M.right, H - M.bottom]])
    .on('zoom', (ev) => { view.transform = ev.transform; draw(ev.transform.rescaleX(x0), ev.transform.rescaleY(y0)); });
  svg.call(zoom);
  if (view.transform) svg.call(zoom.transform, view.transform);
  const ctl = el('div', { class: 'zoomctl' },
    el('button', { type: 'button', 'aria-label': 'zoom in', onclick: () => svg.transition().duration(300).call(zoom.scaleBy, 2) }, '+'),
    el('button', { type: 'button', 'aria-label': 'zoom out', onclick: () => svg.transition().duration(300).call(zoom.scaleBy, 0.5) }, '−'),
    el('button', { type: 'button', onclick: () => svg.transition().duration(300).call(zoom.transform, d3.zoomIdentity) }, 'reset'));
  container.prepend(ctl);
  return svg.node();
}
