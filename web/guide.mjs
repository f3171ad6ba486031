// guide.mjs - the interactive guide: the ideas behind bcml, each beside a small live component computed by
// the same wasm core as the rest of the app.
import { el, clear, fmt } from './components/format.mjs';
import { renderVenn } from './components/venn.mjs';

const N = 24;
// a starting update: a = both right, b = negative flip, c = positive flip, d = both wrong
const START = 'aaaaaaaaaaaaabbbccccdddd'.split('');

function flipsPanel(bcml) {
  const state = [...START];
  const grid = el('div', { class: 'flipgrid', role: 'group', 'aria-label': 'instances; press one to flip the new model\'s answer' });
  const out = el('div', { class: 'grid2' }), venn = el('div');
  const update = () => {
    const y = new Int32Array(N), h1 = Int32Array.from(state, (s) => (s === 'a' || s === 'b' ? 0 : 1)), h2 = Int32Array.from(state, (s) => (s === 'a' || s === 'c' ? 0 : 1));
    const r = bcml.evaluate({ h1, h2, y, numClasses: 2 });
    clear(out);
    const m = (k, v, note) => el('div', { class: 'metric' }, el('div', { class: 'k', text: k }), el('div', { class: 'v', text: v }), el('div', { class: 'ci', text: note }));
    out.append(m('BTC', fmt(r.btc), `${r.counts.both_correct} of the ${r.counts.both_correct + r.counts.negative_flips} h1 got right`),
      m('BEC', fmt(r.bec), `${r.counts.both_wrong} of h2's ${r.counts.both_wrong + r.counts.negative_flips} errors are old`),
      m('h1 → h2 accuracy', `${fmt(r.h1_accuracy)} → ${fmt(r.h2_accuracy)}`, ''),
      m('New errors (NFR)', `${r.counts.negative_flips} (${fmt(r.nfr)})`, 'where trust breaks'));
    renderVenn(venn, { overlap: r.models_error_overlap, total: N });
    clear(grid);
    state.forEach((s, i) => grid.append(el('button', { type: 'button', class: s, 'aria-label': `instance ${i + 1}: ${DESC[s]}; press to flip h2`,
      onclick: () => { state[i] = FLIP[s]; update(); grid.children[i]?.focus(); } }, `#${i + 1} ${SHORT[s]}`)));
  };
  const DESC = { a: 'both right', b: 'h1 right, h2 wrong', c: 'h1 wrong, h2 right', d: 'both wrong' };
  const SHORT = { a: 'both ✓', b: 'new ✗', c: 'fixed ✓', d: 'both ✗' };
  const FLIP = { a: 'b', b: 'a', c: 'd', d: 'c' };
  update();
  return el('div', {}, grid, out, venn);
}

function lossPanel(bcml) {
  // three instances of three classes: h1 gets the first two right
  const h1 = [3, 0, 0, 0, 3, 0, 0, 3, 0], y = [0, 1, 2];
  const h2 = [0.5, 1.5, 0, 0.2, 2, 0.1, 0, 1, 1.2];
  const out = el('div', { class: 'grid2' });
  const lam = el('input', { type: 'range', min: 0, max: 3, step: 0.1, value: 1, 'aria-label': 'lambda_c' });
  const show = () => {
    clear(out);
    const l = Number(lam.value);
    for (const loss of ['cross-entropy', 'new-error-cross-entropy', 'strict-imitation-kl', 'focal-distillation']) {
      const r = bcml.loss({ loss, lambda_c: l, temperature: 2 }, { h1, h2, y, n: 3, c: 3 });
      out.append(el('div', { class: 'metric' }, el('div', { class: 'k', text: loss }), el('div', { class: 'v', text: fmt(r.value) }),
        el('div', { class: 'ci', text: `gradient on instance 1, class 0: ${fmt(r.grad[0])}` })));
    }
  };
  lam.addEventListener('input', show);
  show();
  return el('div', {}, el('label', {}, 'lambda_c ', lam), out);
}

export function renderGuide(host, bcml) {
  if (host.dataset.done) return;
  host.dataset.done = '1';
  const sec = (title, ...body) => host.append(el('div', { class: 'panel' }, el('h2', { text: title }), ...body));
  sec('Updates can break trust',
    el('p', { text: 'People who use a model learn when to rely on it: they build a mental model of where it is right. An update that raises accuracy can still be wrong where the old model was right. Each such instance breaks what users learnt, and an update with many of them can leave a human-AI team worse off than before, even though the new model is better on its own.' }),
    el('p', { text: 'bcml measures this before you ship: h1 is the model people trust, h2 the candidate update.' }));
  sec('BTC and BEC: flip an answer and watch',
    el('p', { text: 'Each tile is a test instance. Backward Trust Compatibility (BTC) is the share of h1\'s right answers that h2 keeps. Backward Error Compatibility (BEC) is the share of h2\'s errors that h1 made too: errors users already expect. Press a tile to flip the new model\'s answer on it.' }),
    flipsPanel(bcml));
  sec('New error and strict imitation',
    el('p', { text: 'To make h2 compatible, train it with loss = base + lambda_c × dissonance, where the dissonance only looks at instances h1 gets right. The new-error family penalises h2\'s own loss there (do not make new mistakes); the strict-imitation family pulls h2\'s outputs toward h1\'s (behave like h1 where it was right). Focal distillation applies a weighted distillation to every instance, more where h1 is right. Move lambda_c and watch the losses of one small batch.' }),
    lossPanel(bcml));
  sec('The trade-off',
    el('p', { text: 'A larger lambda_c usually raises BTC and can cost some accuracy. A sweep trains h2 once per lambda_c and loss family and plots performance against BTC and BEC: the Pareto front joins the points no other point beats on both, and the recommendation picks the best-performing point that meets your compatibility requirement (for example BTC ≥ 0.95). Run the demo in Compatibility analysis to see it on real data.' }));
}
