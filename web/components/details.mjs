// details.mjs - the scores of one evaluation: BTC, BEC with 95% intervals, both models' performance and the
// relative change, lambda, the 2x2 counts and the flip rates.
import { clear, el, fmt, ci } from './format.mjs';

const metric = (k, v, extra, title) => el('div', { class: 'metric', title }, el('div', { class: 'k', text: k }), el('div', { class: 'v', text: v }),
  extra ? el('div', { class: 'ci', text: extra }) : null);

export function renderDetails(container, { record, title = 'Selected point' }) {
  clear(container);
  const c = record.counts, iv = record.intervals;
  const h1 = record.h1_performance, h2 = record.h2_performance;
  const change = h1 ? ((h2 - h1) / h1) * 100 : null;
  container.append(el('h3', { text: title }));
  if (record.lambda_c !== undefined)
    container.append(el('p', { class: 'filterinfo', text: `lambda_c ${fmt(record.lambda_c, 2)} · ${record.dissonance ?? ''} (${record.loss ?? ''}) · ${record.testing ? 'test set' : 'training set'} · ${record.dataset_size} instances` }));
  container.append(el('div', { class: 'grid2' },
    metric('BTC', fmt(record.btc), ci(iv.btc), 'share of h1\'s right answers that h2 keeps, with its 95% Wilson interval'),
    metric('BEC', fmt(record.bec), ci(iv.bec), 'share of h2\'s errors that h1 also made'),
    metric(`h1 ${record.performance_metric}`, fmt(h1)),
    metric(`h2 ${record.performance_metric}`, fmt(h2), change === null ? '' : `${change >= 0 ? '+' : ''}${change.toFixed(2)}% relative`),
    metric('Negative flips (NFR)', `${c.negative_flips} (${fmt(record.nfr)})`, ci(iv.nfr), 'h1 right, h2 wrong'),
    metric('Positive flips (PFR)', `${c.positive_flips} (${fmt(record.pfr)})`, '', 'h1 wrong, h2 right'),
    metric('Both right / both wrong', `${c.both_correct} / ${c.both_wrong}`, `${c.both_wrong_same_label} wrong alike`),
    metric('BEC as the original code computes it', fmt(record.bec_upstream), 'D/(C+D)')));
}
