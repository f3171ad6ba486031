// format.mjs - small shared helpers for the components: number formats and plain DOM building.

/** A ratio as 0.000, or "undefined" for null (a zero denominator, never shown as 0). */
export const fmt = (v, digits = 3) => (v === null || v === undefined || Number.isNaN(v) ? 'undefined' : Number(v).toFixed(digits));
export const pct = (v, digits = 1) => (v === null || v === undefined ? 'undefined' : `${(100 * v).toFixed(digits)}%`);
export const ci = (c) => (c ? `[${fmt(c[0])}, ${fmt(c[1])}]` : '');

/** An element with text (never parsed as HTML) and attributes. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/** Empties a container. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A floating tooltip shared by the charts of one container. */
export function tooltip(container) {
  let tip = container.querySelector(':scope > .tip');
  if (!tip) { tip = el('div', { class: 'tip', role: 'tooltip' }); tip.hidden = true; container.append(tip); }
  return {
    show(text, event) {
      tip.textContent = text;
      tip.hidden = false;
      const x = event.clientX ?? event.target.getBoundingClientRect().right, y = event.clientY ?? event.target.getBoundingClientRect().top;
      tip.style.left = `${Math.min(x + 12, window.innerWidth - 220)}px`;
      tip.style.top = `${y + 12}px`;
    },
    hide() { tip.hidden = true; },
  };
}

/** A label for a class index (the dataset's class names when there are some). */
export const className = (names, k) => (names && names[k] !== undefined ? `${names[k]}` : `${k}`);
