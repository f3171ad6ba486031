// venn.mjs - the errors of h1 and h2 as two circles whose areas, and overlap, are proportional to the
// counts: progress (only h1 wrong: fixed by the update), common (both wrong), regress (only h2 wrong: new
// errors). Regions and legend entries are clickable and keyboard-focusable.
import { clear, el, tooltip } from './format.mjs';

const W = 420, H = 270, RMAX = 95;

/** Area of the lens of two circles of radii r1, r2 with centres d apart. */
export function lensArea(r1, r2, d) {
  if (d >= r1 + r2) return 0;
  if (d <= Math.abs(r1 - r2)) return Math.PI * Math.min(r1, r2) ** 2;
  const a = r1 * r1 * Math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1));
  const b = r2 * r2 * Math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2));
  const c = 0.5 * Math.sqrt((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2));
  return a + b - c;
}

/** Radii and centre distance for error counts a (h1), b (h2), ab (both), areas proportional to counts. */
export function layout(a, b, ab) {
  const s = (Math.PI * RMAX * RMAX) / Math.max(a, b, 1);
  const r1 = Math.sqrt((s * a) / Math.PI), r2 = Math.sqrt((s * b) / Math.PI), target = s * ab;
  let lo = Math.abs(r1 - r2), hi = r1 + r2;
  if (ab <= 0) return { r1, r2, d: r1 + r2 + 12 };
  if (ab >= Math.min(a, b)) return { r1, r2, d: lo };
  for (let i = 0; i < 100 && hi - lo > 1e-9; i++) { // the lens shrinks as the centres part
    const mid = (lo + hi) / 2;
    if (lensArea(r1, r2, mid) > target) lo = mid; else hi = mid;
  }
  return { r1, r2, d: (lo + hi) / 2 };
}

function circlePath(cx, cy, r) {
  return `M${cx - r},${cy}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
}

/** SVG paths of the three regions (some may be empty strings). */
export function regionPaths(a, b, ab) {
  const { r1, r2, d } = layout(a, b, ab);
  const total = r1 + d + r2;
  const ax = W / 2 - total / 2 + r1, bx = ax + d, cy = H / 2;
  const p = { progress: '', common: '', regress: '', r1, r2, ax, bx, cy };
  if (a === 0 && b === 0) return p;
  if (ab === 0) {
    if (a) p.progress = circlePath(ax, cy, r1);
    if (b) p.regress = circlePath(bx, cy, r2);
    return p;
  }
  if (d <= Math.abs(r1 - r2) + 1e-9) { // one set inside the other
    const inner = r1 < r2 ? circlePath(ax, cy, r1) : circlePath(bx, cy, r2);
    p.common = inner;
    if (a > ab) p.progress = `${circlePath(ax, cy, r1)}${inner}`;
    if (b > ab) p.regress = `${circlePath(bx, cy, r2)}${inner}`;
    return p;
  }
  const x0 = (d * d + r1 * r1 - r2 * r2) / (2 * d), y0 = Math.sqrt(Math.max(r1 * r1 - x0 * x0, 0));
  const top = `${ax + x0},${cy - y0}`, bottom = `${ax + x0},${cy + y0}`;
  const aRight = x0 < 0 ? 1 : 0, bLeft = x0 > d ? 1 : 0;
  p.common = `M${top}A${r1},${r1} 0 ${aRight},1 ${bottom}A${r2},${r2} 0 ${bLeft},1 ${top}Z`;
  p.progress = `M${top}A${r1},${r1} 0 ${1 - aRight},0 ${bottom}A${r2},${r2} 0 ${bLeft},1 ${top}Z`;
  p.regress = `M${top}A${r2},${r2} 0 ${1 - bLeft},1 ${bottom}A${r1},${r1} 0 ${aRight},0 ${top}Z`;
  return p;
}

const NAMES = { progress: 'Progress', common: 'Common', regress: 'Regress' };
const HELP = {
  progress: 'errors of h1 that h2 no longer makes',
  common: 'errors both models make',
  regress: 'new errors: h2 is wrong where h1 was right',
};

/** overlap: [h1 error ids, h2 error ids, both]; total: instances; selected: region name or null; onSelect(region, ids). */
export function renderVenn(container, { overlap, total, selected = null, onSelect }) {
  const d3 = globalThis.d3;
  clear(container);
  container.append(el('h3', { text: 'Errors of both models' }));
  const [e1, e2, both] = overlap;
  const bothSet = new Set(both);
  const ids = { progress: e1.filter((i) => !bothSet.has(i)), common: both, regress: e2.filter((i) => !bothSet.has(i)) };
  const tip = tooltip(container);
  const paths = regionPaths(e1.length, e2.length, both.length);
  const describe = (k) => `${NAMES[k]}: ${ids[k].length} (${total ? ((100 * ids[k].length) / total).toFixed(2) : '0'}% of ${total} instances) — ${HELP[k]}`;
  const svg = d3.select(container).append('svg').attr('class', 'venn').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'group').attr('aria-label', 'Venn diagram of the errors');
  if (!e1.length && !e2.length) svg.append('text').attr('x', W / 2).attr('y', H / 2).attr('text-anchor', 'middle').text('Neither model makes an error.');
  for (const k of ['progress', 'regress', 'common']) {
    if (!paths[k]) continue;
    svg.append('path').attr('class', `region ${k}${selected === k ? ' selected' : ''}`).attr('d', paths[k]).attr('fill-rule', 'evenodd')
      .attr('tabindex', 0).attr('role', 'button').attr('aria-label', describe(k))
      .on('mouseenter', (ev) => tip.show(describe(k), ev)).on('mousemove', (ev) => tip.show(describe(k), ev)).on('mouseleave', () => tip.hide())
      .on('click', () => onSelect?.(selected === k ? null : k, ids[k]))
      .on('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onSelect?.(selected === k ? null : k, ids[k]); } });
  }
  /* labels under the circles, where they cannot collide */
  const below = (r) => Math.min(paths.cy + r + 16, H - 4);
  if (e1.length) svg.append('text').attr('x', paths.ax - paths.r1 * 0.4).attr('y', below(paths.r1)).attr('text-anchor', 'middle').text(`h1 errors (${e1.length})`);
  if (e2.length) svg.append('text').attr('x', paths.bx + paths.r2 * 0.4).attr('y', below(paths.r2) + (e1.length ? 14 : 0) * (Math.abs(paths.bx - paths.ax) < 120 ? 1 : 0)).attr('text-anchor', 'middle').text(`h2 errors (${e2.length})`);
  const legend = el('div', { class: 'legend' });
  for (const k of ['progress', 'common', 'regress'])
    legend.append(el('button', { type: 'button', 'aria-pressed': String(selected === k), title: HELP[k], onclick: () => onSelect?.(selected === k ? null : k, ids[k]) },
      el('i', { class: `region ${k}` }), `${NAMES[k]} ${ids[k].length} (${total ? ((100 * ids[k].length) / total).toFixed(1) : 0}%)`));
  legend.querySelectorAll('i').forEach((i, n) => i.style.setProperty('background', ['var(--progress)', 'var(--common)', 'var(--regress)'][n]));
  container.append(legend);
  return svg.node();
}
