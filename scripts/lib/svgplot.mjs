// svgplot.mjs - a line/point chart as a standalone SVG string, for the generated reports (docs/*.svg).
// Data in, SVG out: series [{ name, points: [[x, y, label?]], dash? }], linear axes with ticks.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

/** Nice tick values covering [lo, hi] (about `count` of them). */
export function ticks(lo, hi, count = 5) {
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw)), f = raw / mag;
  const step = (f >= 5 ? 10 : f >= 2 ? 5 : f >= 1 ? 2 : 1) * mag;
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toFixed(10));
  return out;
}

/** The domain of the values, padded by 5% (a flat range gets +-0.01). */
export function extent(values) {
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi - lo < 1e-9) { lo -= 0.01; hi += 0.01; }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** One chart: { title, x: { label, domain? }, y: { label, domain? }, series, width?, height?, lines? (join the points) }. */
export function chart({ title, x, y, series, width = 560, height = 360, lines = true }) {
  const m = { l: 58, r: 175, t: 34, b: 46 }, w = width - m.l - m.r, h = height - m.t - m.b;
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = x.domain ?? extent(all.map((p) => p[0])), [y0, y1] = y.domain ?? extent(all.map((p) => p[1]));
  const sx = (v) => m.l + ((v - x0) / (x1 - x0)) * w, sy = (v) => m.t + h - ((v - y0) / (y1 - y0)) * h;
  const fmt = (v) => String(+v.toFixed(4));
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${m.l}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`];
  for (const t of ticks(x0, x1)) out.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${m.t}" y2="${m.t + h}" stroke="#eee"/>`,
    `<text x="${sx(t)}" y="${m.t + h + 14}" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of ticks(y0, y1)) out.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/>`,
    `<text x="${m.l - 6}" y="${sy(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${w}" height="${h}" fill="none" stroke="#888"/>`,
    `<text x="${m.l + w / 2}" y="${height - 8}" text-anchor="middle">${esc(x.label)}</text>`,
    `<text transform="translate(14 ${m.t + h / 2}) rotate(-90)" text-anchor="middle">${esc(y.label)}</text>`);
  series.forEach((s, k) => {
    const c = s.color ?? COLORS[k % COLORS.length], dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    if (lines && s.points.length > 1) out.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5"${dash} points="${s.points.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const p of s.points) {
      out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="${s.ring ? 6 : 3}" fill="${s.ring ? 'none' : c}" stroke="${c}"/>`);
      if (p[2] !== undefined) out.push(`<text x="${(sx(p[0]) + 5).toFixed(1)}" y="${(sy(p[1]) - 5).toFixed(1)}" fill="${c}" font-size="9">${esc(p[2])}</text>`);
    }
    const ly = m.t + 8 + k * 16;
    out.push(`<line x1="${m.l + w + 10}" x2="${m.l + w + 30}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"${dash}/>`,
      `<text x="${m.l + w + 34}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Grouped bars on a log axis: { title, y: { label }, groups: [{ name, bars: [{ name, value, spread?: [lo, hi] }] }] };
 * the same bar names get the same colours in every group. */
export function bars({ title, y, groups, width = 760, height = 380 }) {
  const m = { l: 64, r: 230, t: 34, b: 56 }, w = width - m.l - m.r, h = height - m.t - m.b;
  const names = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.name)))];
  const values = groups.flatMap((g) => g.bars.flatMap((b) => [b.value, ...(b.spread ?? [])])).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values))), hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const sy = (v) => m.t + h - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * h;
  const gw = w / groups.length, bw = (gw * 0.8) / names.length;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`, `<text x="${m.l}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`];
  for (let v = lo; v <= hi * 1.0001; v *= 10)
    out.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${sy(v)}" y2="${sy(v)}" stroke="#ddd"/>`, `<text x="${m.l - 6}" y="${sy(v) + 4}" text-anchor="end">${+v.toPrecision(3)}</text>`);
  out.push(`<text transform="translate(14 ${m.t + h / 2}) rotate(-90)" text-anchor="middle">${esc(y.label)}</text>`);
  groups.forEach((g, gi) => {
    const x0 = m.l + gi * gw + gw * 0.1;
    g.bars.forEach((b) => {
      const k = names.indexOf(b.name), x = x0 + k * bw, top = sy(b.value);
      out.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(m.t + h - top).toFixed(1)}" fill="${COLORS[k % COLORS.length]}"><title>${esc(`${g.name}, ${b.name}: ${b.value.toPrecision(3)}`)}</title></rect>`);
      if (b.spread) out.push(`<line x1="${(x + bw / 2 - 1).toFixed(1)}" x2="${(x + bw / 2 - 1).toFixed(1)}" y1="${sy(b.spread[1]).toFixed(1)}" y2="${sy(b.spread[0]).toFixed(1)}" stroke="#000"/>`);
    });
    out.push(`<text x="${(m.l + gi * gw + gw / 2).toFixed(1)}" y="${m.t + h + 16}" text-anchor="middle">${esc(g.name)}</text>`);
  });
  out.push(`<line x1="${m.l}" x2="${m.l + w}" y1="${m.t + h}" y2="${m.t + h}" stroke="#888"/>`);
  names.forEach((n, k) => out.push(`<rect x="${m.l + w + 12}" y="${m.t + k * 16}" width="12" height="10" fill="${COLORS[k % COLORS.length]}"/>`,
    `<text x="${m.l + w + 28}" y="${m.t + k * 16 + 9}">${esc(n)}</text>`));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
