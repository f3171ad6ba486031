// make-lite-notebooks.mjs - the original library's example notebooks that have no hand-written bcml version in
// notebooks/, generated from their configs in examples/notebooks/ (the same models, optimizers, epochs, batch
// sizes, losses and lambda as `npm run examples` runs), so the site has all of them and none drifts from its
// config. Data are the site's: the real digits stand in for MNIST / Fashion-MNIST / CIFAR-10 (a browser tab
// is no place for 60,000 images), UCI Adult is itself. Usage: node scripts/make-lite-notebooks.mjs OUT_DIR
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? 'build/lite-notebooks');
const py = (v) => (v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : Array.isArray(v) ? `[${v.map(py).join(', ')}]`
  : typeof v === 'object' ? `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${py(x)}`).join(', ')}}` : JSON.stringify(v));
const kwargs = (o) => Object.entries(o).map(([k, v]) => `${k}=${py(v)}`).join(', ');

function model(spec) {
  const classes = spec.classes === 1 ? { classes: 1 } : {};
  if (spec.preset === 'mnist-net') return 'MnistNet()';
  if (spec.preset === 'mlp') return `MLP(${kwargs({ hidden: spec.hidden, ...classes })})`;
  if (spec.preset === 'logreg') return `LogisticRegression(${kwargs(classes)})`;
  throw new Error(`no notebook form for the model ${JSON.stringify(spec)}`);
}
const optimizer = (o) => `${o.name === 'adam' ? 'Adam' : 'SGD'}(${kwargs(Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'name')))})`;
const isCsv = (data) => !!data.csv;
const roles = (d) => ({ label: d.label, ...(d.id ? { id: d.id } : {}), ...(d.slices ? { slices: d.slices } : {}), ...(d.ignore ? { ignore: d.ignore } : {}) });

function cell(kind, text) {
  const c = { cell_type: kind, metadata: {}, source: text.trim() };
  return kind === 'code' ? { ...c, execution_count: null, outputs: [] } : c;
}
function notebook(cells) {
  return { cells: cells.map((c, i) => ({ id: `c${i}`, ...c })), metadata: { kernelspec: { display_name: 'Python (Pyodide)', language: 'python', name: 'python' },
    language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5 };
}
const recorded = (c) => (c.recorded ? `The original notebook recorded ${Object.entries(c.recorded).map(([k, v]) => `${k} ${v}`).join(', ')} (${c.note ?? 'on its own data'}).` : '');
const header = (c, what) => cell('markdown', `# ${c.notebook} (bcml)

${what} Generated from \`examples/notebooks/${c.notebook}.json\`, which \`npm run examples\` runs on the command
line with the same settings. ${recorded(c)}

Data here: ${isCsv(c.h1?.data ?? c.sweep?.data ?? {}) ? 'UCI Adult, as in the original.' : `the real handwritten digits of this site (4,000 to train, 1,000 to
test) stand in for the original's images. With 4,000 instead of 60,000 the same epochs take about 15 times fewer
steps, so the models here learn less than the original's; the command-line run (docs/examples.md) uses the full set.`}`);

const IMAGES = `train = Data(read_idx("data/train-images-idx3-ubyte").scaled(1 / 255), read_idx("data/train-labels-idx1-ubyte"))
test = Data(read_idx("data/t10k-images-idx3-ubyte").scaled(1 / 255), read_idx("data/t10k-labels-idx1-ubyte"))`;

/** h1 trained, then h2 updated against it with one compatibility loss: Model / CompatibilityModel in the kernel. */
function update(c) {
  const { h1, h2 } = c;
  const data = isCsv(h1.data)
    ? `train, test, classes = read_csv("data/adult-train.csv", "data/adult-test.csv", ${kwargs(roles(h1.data))})`
    : IMAGES;
  const positive = h1.data.positive ?? h2.data.positive;
  const lines = [data];
  if (positive !== undefined) lines.push(`train, test = train.positive(${positive}), test.positive(${positive})  # a binary task: class ${positive} or not`);
  let h1set = 'train', h2set = 'train';
  if (h1.data.fraction !== undefined || h2.data.start !== undefined) {
    lines.push(`first, second = train.split(${h1.data.fraction ?? h2.data.start})  # h1 learns from the first part, the update from the rest`);
    h1set = 'first';
    h2set = 'second';
  }
  const { name, lambda_c: lambda, ...lossArgs } = h2.loss;
  const h2model = h2.h2_from_h1 ? 'h1' : model(h2.model);
  return notebook([
    header(c, 'An update trained against h1 with one compatibility loss, in this notebook\'s kernel.'),
    cell('code', `from bcml_widgets import Model, CompatibilityModel, MLP, LogisticRegression, MnistNet, SGD, Adam, Data, read_idx, read_csv

${lines.join('\n')}`),
    cell('code', `h1 = Model(${model(h1.model)}, seed=${h1.seed ?? 0})
h1.fit(${h1set}, epochs=${h1.epochs}, batch_size=${h1.batch_size}, optimizer=${optimizer(h1.optimizer)})
h1.evaluate(test)`),
    cell('markdown', `h2 ${h2.h2_from_h1 ? 'starts from a copy of h1 and ' : ''}learns with \`loss = base + ${lambda} * dissonance\`, the dissonance being \`${name}\`${Object.keys(lossArgs).length ? ` (${Object.entries(lossArgs).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}.`),
    cell('code', `h2 = CompatibilityModel(h1, ${h2model}, lambda_c=${lambda}, loss=${py(name)}${Object.keys(lossArgs).length ? `, loss_kwargs=${py(lossArgs)}` : ''}, seed=${h2.seed ?? 0})
h2.fit(${h2set}, epochs=${h2.epochs}, batch_size=${h2.batch_size}, optimizer=${optimizer(h2.optimizer)})
scores = h2.evaluate(test)
{k: scores[k] for k in ("btc", "bec", "h1_performance", "h2_performance")}`),
    cell('code', 'h2.compare(test)'),
  ]);
}

/** A lambda_c sweep: the CompatibilityAnalysis widget. */
function sweep(c) {
  const s = c.sweep, t = s.h1.train;
  const csv = isCsv(s.data);
  const data = csv
    ? `roles = ${py(roles(s.data))}
train, test = CsvFile("data/adult-train.csv", **roles), CsvFile("data/adult-test.csv", **roles)`
    : IMAGES;
  const loss = (l) => (typeof l === 'string' ? [py(l), ''] : [py(l.name), py(Object.fromEntries(Object.entries(l).filter(([k]) => k !== 'name')))]);
  const [ne, neArgs] = loss(s.new_error), [si, siArgs] = loss(s.strict_imitation);
  return notebook([
    header(c, 'A sweep of the compatibility weight lambda_c, run by the widget in this browser\'s workers.'),
    cell('code', `from bcml_widgets import CompatibilityAnalysis, Trained, MLP, LogisticRegression, MnistNet, SGD, Adam, Data, CsvFile, read_idx

${data}`),
    cell('code', `analysis = CompatibilityAnalysis(
    number_of_epochs=${s.epochs}, batch_size_train=${s.batch_size}, lambda_c_stepsize=${s.lambda.step}, seed=${s.seed ?? 0},
    h1=Trained(${model(t.model)}, fraction=${t.data.fraction ?? 1}, epochs=${t.epochs}, batch_size=${t.batch_size}, optimizer=${optimizer(t.optimizer)}, seed=${t.seed ?? 0}),
    h2=${model(s.model)}, training_set=train, test_set=test,
    OptimizerClass=${optimizer(s.optimizer)}, NewErrorLossClass=${ne}, StrictImitationLossClass=${si},${neArgs ? ` new_error_loss_kwargs=${neArgs},` : ''}${siArgs ? ` strict_imitation_loss_kwargs=${siArgs},` : ''}
    recommend=${py(s.recommend ?? 'btc>=0.95')})
analysis`),
    cell('markdown', 'The summary is in Python once the widget says done: `analysis.summary_table()`, `analysis.save(folder)`.'),
  ]);
}

/** The notebook's own epochs: the CLI configs scale them to the digits' size ("epochs_scale"); a notebook
 * keeps the original's, as its text says. */
function originalEpochs(c) {
  const k = c.epochs_scale ?? 1;
  for (const o of [c.h1, c.h2, c.sweep, c.sweep?.h1?.train]) if (o?.epochs) o.epochs /= k;
  return c;
}

const handWritten = new Set(readdirSync(join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).map((f) => f.replace(/\.ipynb$/, '')));
const made = [];
for (const f of readdirSync(join(root, 'examples/notebooks')).sort()) {
  const c = originalEpochs(JSON.parse(readFileSync(join(root, 'examples/notebooks', f), 'utf8')));
  if (handWritten.has(c.notebook) || !['update', 'sweep'].includes(c.kind)) continue;
  const nb = c.kind === 'update' ? update(c) : sweep(c);
  if (!existsSync(out)) throw new Error(`${out}: no such folder`);
  writeFileSync(join(out, `${c.notebook}.ipynb`), `${JSON.stringify(nb, null, 1)}\n`);
  made.push(c.notebook);
}
console.log(`generated ${made.length} notebooks: ${made.join(', ')}`);
