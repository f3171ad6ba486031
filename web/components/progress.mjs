// progress.mjs - a progress bar with the step and the estimated time left.
import { clear, el } from './format.mjs';

const time = (s) => (!Number.isFinite(s) ? '…' : s < 60 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

export function renderProgress(container, p) {
  clear(container);
  if (!p) return;
  const inner = el('div');
  inner.style.width = `${(100 * p.fraction).toFixed(1)}%`;
  container.append(el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(100 * p.fraction) }, inner),
    el('span', { text: (p.text ?? `${Math.floor(100 * p.fraction)}% · ${p.trainingsDone}/${p.trainingsTotal} trainings · ${time(p.elapsed)} elapsed · ${time(p.eta)} left`)
      + (p.note ? ` · ${p.note}` : '') }));
}

/** One bar for a sweep and h1 training beside it (h1's training overlaps the sweep's first trainings): h1(p) as h1
 * reports (null once it is done), sweep(p) as the sweep does; the sweep's line names h1's epoch while it trains. */
export function sweepProgress(container) {
  let h1 = { fraction: 0, text: 'training h1…' }, last = null;
  const draw = () => renderProgress(container, last ? { ...last, note: h1?.text } : h1 ?? { fraction: 0, text: 'sweeping…' });
  draw();
  return {
    h1(p) {
      h1 = p && { fraction: (p.epoch - 1 + p.batch / p.batches) / p.epochs, text: `training h1: epoch ${p.epoch} of ${p.epochs}` };
      draw();
    },
    sweep(p) { last = p; draw(); },
  };
}
