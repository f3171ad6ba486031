// exporter.mjs - downloads: text and JSON files, SVG charts with their styles, and PNG renderings of them.

export function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export const downloadText = (name, text, type = 'text/plain') => download(name, new Blob([text], { type }));

const RULES = ['.point', '.pareto', '.reco', '.h1line', '.region', '.barrect', '.axis', 'svg text'];

/** A standalone SVG: the chart with the page's resolved colours written in. */
export function standaloneSvg(svg) {
  const clone = svg.cloneNode(true);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const src = svg.querySelectorAll('*'), dst = clone.querySelectorAll('*');
  src.forEach((node, i) => {
    if (!RULES.some((r) => node.matches?.(r) || node.closest?.(r))) return;
    const cs = getComputedStyle(node);
    for (const p of ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'font-size', 'font-family'])
      dst[i].style.setProperty(p, cs.getPropertyValue(p));
  });
  return new XMLSerializer().serializeToString(clone);
}

/** Several charts stacked into one PNG. */
export async function chartsToPng(svgs, scale = 2) {
  const images = await Promise.all(svgs.map((s) => new Promise((ok, fail) => {
    const img = new Image();
    img.onload = () => ok(img);
    img.onerror = fail;
    img.src = URL.createObjectURL(new Blob([standaloneSvg(s)], { type: 'image/svg+xml' }));
  })));
  const w = Math.max(...svgs.map((s) => s.viewBox.baseVal.width)), h = svgs.reduce((t, s) => t + s.viewBox.baseVal.height, 0);
  const canvas = document.createElement('canvas');
  canvas.width = w * scale;
  canvas.height = h * scale;
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  let y = 0;
  images.forEach((img, i) => { const vb = svgs[i].viewBox.baseVal; g.drawImage(img, 0, y * scale, vb.width * scale, vb.height * scale); y += vb.height; URL.revokeObjectURL(img.src); });
  return new Promise((ok) => canvas.toBlob(ok, 'image/png'));
}
