// data.mjs - getting data into the app: the built-in demo, the user's CSV / NPY / NPZ / IDX files, a
// predictions-only CSV, and saved sweep folders. Parsing and checks are the C library's (through wasm), so a
// broken file gets the same message as on the command line.

/** A seeded shuffle (mulberry32), so a split is the same on every visit. */
export function shuffled(n, seed) {
  let a = seed >>> 0;
  const rand = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
  return idx;
}

const quote = (v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const toCsv = (header, rows) => `${[header, ...rows].map((r) => r.map(quote).join(',')).join('\n')}\n`;

/** Bins a numeric column into three bands at its tertiles (or given edges); returns names per row. */
export function bands(values, edges = null, unit = '') {
  const nums = values.map(Number);
  if (!edges) {
    const s = [...nums].sort((a, b) => a - b);
    edges = [s[Math.floor(s.length / 3)], s[Math.floor((2 * s.length) / 3)]];
  }
  const f = (v) => `${+v.toFixed(2)}${unit}`;
  return nums.map((v) => (v < edges[0] ? `below ${f(edges[0])}` : v < edges[1] ? `${f(edges[0])} to ${f(edges[1])}` : `${f(edges[1])} and above`));
}

/** A CSV dataset split into train and test with the training split's encoding.
 * choice: { label, id, slices: [columns], bin: [numeric columns to band], ignore: [columns], testFraction, seed }. */
export function csvDataset(bcml, text, name, choice) {
  const cells = bcml.csvCells(text, { name });
  let header = [...cells.header], rows = cells.rows.map((r) => [...r]);
  const slices = [...(choice.slices ?? [])];
  for (const col of choice.bin ?? []) {
    const k = header.indexOf(col);
    if (k < 0) throw new Error(`${name}: no column "${col}" to band`);
    const names = bands(rows.map((r) => r[k]), choice.edges?.[col], choice.units?.[col] ?? '');
    header.push(`${col} band`);
    rows.forEach((r, i) => r.push(names[i]));
    slices.push(`${col} band`);
  }
  const ignore = [...(choice.ignore ?? [])]; /* a banded column stays a feature too */
  const opts = { label: choice.label, id: choice.id || undefined, slices, ignore, name };
  bcml.csvTable(toCsv(header, rows), opts); /* the whole file through the reader first: its checks, its messages */
  const order = shuffled(rows.length, choice.seed ?? 1);
  const nTest = Math.max(1, Math.round(rows.length * (choice.testFraction ?? 0.3)));
  if (rows.length - nTest < 1) throw new Error(`${name}: ${rows.length} rows are too few to split into training and test sets`);
  const testRows = order.slice(0, nTest).map((i) => rows[i]), trainRows = order.slice(nTest).map((i) => rows[i]);
  const train = bcml.csvTable(toCsv(header, trainRows), opts);
  const test = bcml.csvTable(toCsv(header, testRows), { ...opts, name: `${name} (test split)` }, train.encoding);
  return { name, dim: train.dim, numClasses: train.numClasses, classNames: train.classNames, image: null,
    train: { x: train.x, y: train.y, ids: train.ids, slices: train.slices },
    test: { x: test.x, y: test.y, ids: test.ids ?? offsetIds(train.y.length, test.y.length), slices: test.slices },
    featureNames: train.featureNames };
}

/** A training CSV and a test CSV (bytes or text), the test set encoded with the training set's encoding, as
 * the CLI's "data" and "test" pair. choice: { label, id, slices, ignore, names: [train name, test name] }. */
export function csvPair(bcml, trainText, testText, choice) {
  const opts = { label: choice.label, id: choice.id || undefined, slices: choice.slices ?? [], ignore: choice.ignore ?? [] };
  const bytes = (t) => (t instanceof DataView ? new Uint8Array(t.buffer, t.byteOffset, t.byteLength) : t);
  const train = bcml.csvTable(bytes(trainText), { ...opts, name: choice.names?.[0] ?? 'training set' });
  const test = bcml.csvTable(bytes(testText), { ...opts, name: choice.names?.[1] ?? 'test set' }, train.encoding);
  return { name: choice.names?.[0] ?? 'CSV', dim: train.dim, numClasses: train.numClasses, classNames: train.classNames, image: null,
    train: { x: train.x, y: train.y, ids: train.ids ?? offsetIds(0, train.y.length), slices: train.slices },
    test: { x: test.x, y: test.y, ids: test.ids ?? offsetIds(train.y.length, test.y.length), slices: test.slices },
    featureNames: train.featureNames };
}

// IDX pixels to [0, 1] exactly as the CLI scales them (times 1/255 in double, then to float)
const PIXEL = 1 / 255;
const offsetIds = (start, n) => Float64Array.from({ length: n }, (_, i) => start + i);

/** Arrays from NPY/NPZ/IDX files: features [n, ...] and labels [n], split into train and test. */
export async function arrayDataset(bcml, files, { testFraction = 0.3, seed = 1 } = {}) {
  const arrays = [];
  for (const f of files) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const lower = f.name.toLowerCase();
    if (lower.endsWith('.npz')) {
      arrays.push({ ...bcml.readArray('npz', bytes, { member: 'x', name: f.name }), file: f.name });
      arrays.push({ ...bcml.readArray('npz', bytes, { member: 'y', name: f.name }), file: f.name });
    } else if (lower.endsWith('.npy')) arrays.push({ ...bcml.readArray('npy', bytes, { name: f.name }), file: f.name });
    else arrays.push({ ...bcml.readArray('idx', bytes, { name: f.name }), file: f.name, idx: true });
  }
  if (arrays.length !== 2) throw new Error(`expected features and labels (two .npy or IDX files, or one .npz with x and y), got ${arrays.length} arrays`);
  const labels = arrays.find((a) => a.shape.length === 1), feats = arrays.find((a) => a !== labels);
  if (!labels || !feats) throw new Error('one of the two arrays must be a vector of labels');
  const n = labels.shape[0];
  if (feats.shape[0] !== n) throw new Error(`${feats.file} has ${feats.shape[0]} rows but ${labels.file} has ${n} labels`);
  const dim = feats.data.length / n;
  const y = Int32Array.from(labels.data, (v, i) => {
    if (v < 0 || v !== Math.floor(v)) throw new Error(`${labels.file}: label ${i} is ${v}; labels must be whole numbers >= 0`);
    return v;
  });
  const x = feats.idx ? Float32Array.from(feats.data, (v) => v * PIXEL) : feats.data;
  const image = feats.shape.length === 3 ? { channels: 1, height: feats.shape[1], width: feats.shape[2] }
    : feats.shape.length === 4 ? { channels: feats.shape[1], height: feats.shape[2], width: feats.shape[3] } : null;
  const order = shuffled(n, seed), nTest = Math.max(1, Math.round(n * testFraction));
  const pick = (idx) => ({ x: Float32Array.from(idx.flatMap((i) => Array.from(x.subarray(i * dim, (i + 1) * dim)))), y: Int32Array.from(idx, (i) => y[i]),
    ids: Float64Array.from(idx) });
  const numClasses = Math.max(...y) + 1;
  return { name: files.map((f) => f.name).join(' + '), dim, numClasses, classNames: null, image,
    train: { ...pick(order.slice(nTest)), slices: [] }, test: { ...pick(order.slice(0, nTest)), slices: [] } };
}

/** The built-in demo: Seattle's daily weather (vega-datasets), 5 classes, sliced by temperature band. */
export async function weatherDemo(bcml) {
  const text = await (await fetch('data/seattle-weather.csv')).text();
  return csvDataset(bcml, text, 'seattle-weather.csv', { label: 'weather', ignore: ['date'], bin: ['temp_max'],
    edges: { temp_max: [10, 20] }, units: { temp_max: ' °C' }, testFraction: 0.3, seed: 7 });
}

/** Demo: UCI Adult (npm run datasets), its own training and test files, sliced by age band and sex, read as
 * the CLI reads examples/compatibility-analysis-adult.json. */
export async function adultDemo(bcml) {
  const [train, test] = await Promise.all(['adult-train.csv', 'adult-test.csv'].map(fetchBytes));
  const ds = csvPair(bcml, train, test, { label: 'income', id: 'id', slices: ['age_band', 'sex'], ignore: ['fnlwgt'], names: ['adult-train.csv', 'adult-test.csv'] });
  return { ...ds, name: 'UCI Adult' };
}

/** Demo: 5,000 real handwritten digits (npm run datasets) as 28x28 images, in the files' own split; test ids
 * follow the training ids so every instance has one image. */
export async function digitsDemo(bcml) {
  const [xi, yi, xt, yt] = await Promise.all(['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(fetchBytes));
  const read = (bytes, name) => bcml.readArray('idx', bytes, { name });
  const set = (images, labels, first) => {
    const x = read(images, 'images'), y = read(labels, 'labels');
    return { x: Float32Array.from(x.data, (v) => v * PIXEL), y: Int32Array.from(y.data), ids: offsetIds(first, y.shape[0]), slices: [] };
  };
  const train = set(xi, yi, 0), test = set(xt, yt, train.y.length);
  return { name: 'handwritten digits', dim: 28 * 28, numClasses: 10, classNames: null, image: { channels: 1, height: 28, width: 28 }, train, test };
}

async function fetchBytes(file) {
  const r = await fetch(`data/${file}`);
  if (!r.ok) throw new Error(`data/${file}: ${r.status} ${r.statusText} (the site was built without npm run datasets?)`);
  return new Uint8Array(await r.arrayBuffer());
}

/** Predictions-only CSV: columns of h1, h2 and true labels (numbers or class names), optional id and slices. */
export function predictionsInput(bcml, text, name, { h1, h2, y, id, slices = [], bin = [] }) {
  const cells = bcml.csvCells(text, { name });
  const col = (c) => {
    const k = cells.header.indexOf(c);
    if (k < 0) throw new Error(`${name}: no column "${c}" (columns: ${cells.header.join(', ')})`);
    return cells.rows.map((r) => r[k]);
  };
  const [a, b, t] = [col(h1), col(h2), col(y)];
  const all = [...new Set([...a, ...b, ...t])];
  const numeric = all.every((v) => /^\d+$/.test(v));
  const names = numeric ? null : all.sort();
  const index = (v, i, which) => {
    if (numeric) return Number(v);
    const k = names.indexOf(v);
    if (k < 0) throw new Error(`${name}: row ${i + 2}: unknown ${which} "${v}"`);
    return k;
  };
  const ids = id ? col(id).map((v, i) => {
    if (!/^-?\d+$/.test(v)) throw new Error(`${name}: row ${i + 2}: id "${v}" is not a whole number`);
    return Number(v);
  }) : null;
  const sliceCols = [...slices.map((c) => [c, col(c)]), ...bin.map((c) => [`${c} band`, bands(col(c))])].map(([c, values]) => {
    const nm = [...new Set(values)].sort((p, q) => (Number.isFinite(+p) && Number.isFinite(+q) ? p - q : p < q ? -1 : p > q ? 1 : 0));
    return { name: c, names: nm, values: Int32Array.from(values, (v) => nm.indexOf(v)) };
  });
  return { h1: Int32Array.from(a, (v, i) => index(v, i, 'h1 label')), h2: Int32Array.from(b, (v, i) => index(v, i, 'h2 label')),
    y: Int32Array.from(t, (v, i) => index(v, i, 'label')), ids, slices: sliceCols, classNames: names };
}

/** Reads the files of a folder input into { name: text } (JSON files only). */
export async function folderTexts(files) {
  const out = {};
  for (const f of files) if (f.name.endsWith('.json')) out[f.webkitRelativePath || f.name] = await f.text();
  return out;
}

/** Thumbnails of a dataset's image instances by id: PNG object URLs made on first use (null without
 * images); revoke() frees them. Training ids win over test ids, as in the evaluation records. */
export function thumbnails(bcml, ds) {
  if (!ds?.image) return null;
  const urls = new Map();
  let where = null;
  const lookup = (id) => {
    if (urls.has(id)) return urls.get(id);
    where ??= new Map([ds.test, ds.train].flatMap((set) => Array.from(set.ids ?? [], (v, i) => [v, [set, i]])));
    const hit = where.get(id);
    if (!hit) return null;
    const [set, at] = hit, { channels, height, width } = ds.image;
    const png = bcml.thumbnail(set.x.subarray(at * ds.dim, (at + 1) * ds.dim), { channels, height, width, scale: 2, lo: 0, hi: 1 });
    const url = URL.createObjectURL(new Blob([png], { type: 'image/png' }));
    urls.set(id, url);
    return url;
  };
  lookup.revoke = () => { urls.forEach((u) => URL.revokeObjectURL(u)); urls.clear(); };
  return lookup;
}
