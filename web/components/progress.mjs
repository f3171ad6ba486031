// progress.mjs - a progress bar with the step and the estimated time left.
import { clear, el } from './format.mjs';

const time = (s) => (!Number.isFinite(s) ? '…' : s < 60 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

export function renderProgress(container, p) {
  clear(container);
  if (!p) return;
  const inner = el('div');
  inner.style.width = `${(100 * p.fraction).toFixed(1)}%`;
  container.append(el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(100 * p.fraction) }, inner),
    el('span', { text: p.text ?? `${Math.floor(100 * p.fraction)}% · ${p.trainingsDone}/${p.trainingsTotal} trainings · ${time(p.elapsed)} elapsed · ${time(p.eta)} left` }));
}
