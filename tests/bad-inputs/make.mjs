// make.mjs - writes the hostile-input corpus (files/) and its manifest (cases.json): every loader and every JSON
// entry point, each case with the message bcml must give. Run: node tests/bad-inputs/make.mjs
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { npy, npz, idx } from '../node/lib/files.mjs';

const dir = join(import.meta.dirname, 'files');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
const cases = [];
const put = (name, bytes) => writeFileSync(join(dir, name), bytes);
const x = Array.from({ length: 40 }, (_, i) => (i % 7) / 7), y = Array.from({ length: 20 }, (_, i) => i % 2);
put('good-x.npy', npy(x, [20, 2]));
put('good-y.npy', npy(y, [20], 'i8'));

// kind: how the case is fed: array (x with good-y.npy), labels (y with good-x.npy), npz, idx, csv, config, model, folder, scores
const add = (kind, file, bytes, expect, extra = {}) => { if (bytes !== null) put(file, bytes); cases.push({ kind, file, expect, ...extra }); };

add('array', 'truncated.npy', npy(x, [20, 2]).subarray(0, 150), 'truncated: the shape needs 160 bytes of data, the file has 22');
add('array', 'truncated-header.npy', npy(x, [20, 2]).subarray(0, 40), 'truncated header');
add('array', 'bad-magic.npy', Buffer.from('\x93NUMPX\x01\x00 garbage garbage garbage'), 'not a .npy file (bad magic at byte 0)');
add('array', 'wrong-dtype.npy', npy(x, [20, 2], 'f4', { descr: '<U8' }), "dtype '<U8' is not supported");
add('array', 'big-endian.npy', npy(x, [20, 2], 'f4', { descr: '>f4' }), 'big-endian data');
add('array', 'fortran.npy', npy(x, [20, 2], 'f4', { fortran: true }), 'Fortran-order arrays are not supported');
add('array', 'absurd-shape.npy', npy([1, 2], [2147483648, 4096]), 'shape too large for the');
add('array', 'nan.npy', npy([...x.slice(0, 39), NaN], [20, 2]), 'element 39 is NaN');
add('array', 'inf.npy', npy([Infinity, ...x.slice(1)], [20, 2]), 'element 0 is infinite');
add('array', 'empty.npy', Buffer.alloc(0), 'not a .npy file (bad magic at byte 0)');
add('array', 'scalar.npy', npy([1], []), 'a scalar, expected an array');
add('labels', 'negative-labels.npy', npy([...y.slice(0, 19), -1], [20], 'i8'), 'label 19 is -1');
add('labels', 'fractional-labels.npy', npy([...y.slice(0, 19), 0.5], [20]), 'label 19 is 0.5');
add('labels', 'short-labels.npy', npy(y.slice(0, 10), [10], 'i8'), '20 feature rows but 10 labels');
add('labels', 'matrix-labels.npy', npy(x, [20, 2]), 'labels must be a vector');
add('npz', 'truncated.npz', npz({ x: npy(x, [20, 2]), y: npy(y, [20], 'i8') }).subarray(0, 120), 'no central directory');
add('npz', 'no-member.npz', npz({ a: npy(x, [20, 2]) }), 'no member "x.npy" (members: a.npy)');
const bad = npz({ x: npy(x, [20, 2]), y: npy(y, [20], 'i8') }, { deflate: false });
bad[60] ^= 0xff; // flip a byte of x's data: the CRC no longer matches
add('npz', 'bad-crc.npz', bad, 'CRC mismatch');
// found by fuzz_arrays: an end record in a file shorter than a central directory entry
add('npz', 'fuzz-npz-short-eocd.npz', Buffer.from('eQH7AAAubmZZUEsFBgAAAAACAAD/AP//HwD/////AgAo', 'base64'), 'corrupt central directory');
add('npz', 'not-zip.npz', Buffer.from('PK\x03\x04 this is not really a zip archive'), 'no central directory');
add('idx', 'truncated.idx', idx([1, 2, 3], [2, 2, 2]), 'truncated: the header declares 8 values, the file holds 3');
add('idx', 'bad-type.idx', Buffer.from([0, 0, 7, 1, 0, 0, 0, 1, 5]), 'unknown IDX data type 0x07 at byte 2');
add('idx', 'bad-magic.idx', Buffer.from([1, 0, 8, 1, 0, 0, 0, 1, 5]), 'not an IDX file (bad magic at byte 0)');
add('idx', 'absurd.idx', Buffer.from([0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 1]), 'dimensions too large');
add('csv', 'ragged.csv', 'a,b,y\n1,2,0\n3\n', 'line 3 has 1 fields, the header has 3');
add('csv', 'unclosed-quote.csv', 'a,y\n"1,0\n2,1\n', 'line 2: a quoted field is never closed');
add('csv', 'text-after-quote.csv', 'a,y\n"1"x,0\n', 'line 2: text after a closing quote');
add('csv', 'latin1.csv', Buffer.from([0x61, 0x2c, 0x79, 0x0a, 0xe9, 0x2c, 0x30, 0x0a]), 'not UTF-8 text (byte 4)');
add('csv', 'nan.csv', 'a,y\nnan,0\n1,1\n', 'line 2, column "a": nan is not a finite number');
add('csv', 'inf.csv', 'a,y\n1,0\n-inf,1\n', 'line 3, column "a": -inf is not a finite number');
add('csv', 'empty.csv', '', 'empty: no header row');
add('csv', 'header-only.csv', 'a,y\n', 'a header but no data rows');
add('csv', 'duplicate-header.csv', 'a,a,y\n1,2,0\n', 'the header names column "a" twice');
add('csv', 'no-label.csv', 'a,b\n1,0\n', 'no label column "y" (columns: a, b)');
add('csv', 'nul-byte.csv', Buffer.from('a,y\n1\x00,0\n'), 'contains a NUL byte');
add('csv', 'junk-in-numbers.csv', `a,y\n${Array.from({ length: 60 }, (_, i) => `${i},0`).join('\n')}\n?,1\n`, 'column "a" is numbers except "?" at line 62');
add('csv', 'bom-quoted.csv', '\ufeffa,y\n"1",0\n"2",1\n', null); // a valid file: BOM and quotes are fine
// JSON entry points
add('config', 'not-json.json', '{"data": {"builtin": "blobs"},', 'invalid JSON at line 1, column 31');
add('config', 'deep.json', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'invalid JSON at line 1');
add('config', 'nan-literal.json', '{"epochs": NaN}', 'invalid JSON at line 1, column 12');
add('config', 'unknown-key.json', JSON.stringify({ data: { builtin: 'blobs' }, model: { preset: 'logreg', input: 2, classes: 3 }, epoch: 3 }), 'unknown key "epoch"');
add('config', 'huge-number.json', JSON.stringify({ data: { builtin: 'blobs' }, model: { preset: 'logreg', input: 2, classes: 3 }, epochs: 1e300 }), '"epochs" is 1e+300, expected a value in');
add('config', 'label-out-of-range.json', JSON.stringify({ data: { x: [[0, 1], [1, 0]], y: [0, 7] }, model: { preset: 'logreg', input: 2, classes: 3 } }), 'label 7 of instance 1 is out of range 0..2');
add('config', 'absurd-model.json', JSON.stringify({ data: { builtin: 'blobs' }, model: { input: 2, layers: [{ type: 'linear', out: 16777216 }, { type: 'linear', out: 16777216 }] } }), 'too large');
add('config', 'binary-string.json', Buffer.from([0xff, 0xfe, 0x00, 0x7b]), 'contains a NUL byte');
add('model', 'truncated.bcml', Buffer.from('BCMLMDL\x00\x01\x00\x00\x00\x10\x00\x00\x00{"input":2'), 'truncated');
add('model', 'bad-magic.bcml', Buffer.from('not a model at all, just text'), 'not a bcml model (bad magic at byte 0)');
add('scores', 'duplicate-ids.json', JSON.stringify({ h1: [0, 1, 1], h2: [0, 1, 0], y: [0, 1, 1], ids: [5, 9, 5] }), 'id 5 appears more than once (instances 0 and 2)');
add('scores', 'mismatched.json', JSON.stringify({ h1: [0, 1, 1], h2: [0, 1], y: [0, 1, 1] }), 'must have the same length (got 3, 2, 3)');
add('scores', 'negative-label.json', JSON.stringify({ h1: [0, -1], h2: [0, 1], y: [0, 1] }), '"h1"[1] must be a whole number >= 0');
add('scores', 'nan-output.json', '{"h1": [[0.5, 0.5], [1e999, 0]], "h2": [0, 1], "y": [0, 1]}', '"h1"[1][0] is not a finite number');
mkdirSync(join(dir, 'bad-folder'));
put('bad-folder/0-evaluation-data.json', '{"datapoint_index": 0, "lambda_c": 0.0, "testing": false');
add('folder', 'bad-folder', null, 'evaluation 0: invalid JSON');
mkdirSync(join(dir, 'duplicate-folder'));
put('duplicate-folder/0-evaluation-data.json', '{"datapoint_index": 1, "lambda_c": 0.5, "testing": true}');
put('duplicate-folder/1-evaluation-data.json', '{"datapoint_index": 1, "lambda_c": 0.5, "testing": true}');
add('folder', 'duplicate-folder', null, 'two evaluations have datapoint_index 1');
writeFileSync(join(import.meta.dirname, 'cases.json'), `${JSON.stringify(cases, null, 1)}\n`);
console.log(`${cases.length} cases in ${dir}`);
