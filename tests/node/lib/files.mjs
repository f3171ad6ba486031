// Writers for the binary formats the tests feed bcml: .npy, .npz (stored or deflated zip) and IDX.
import { deflateRawSync, crc32 } from 'node:zlib';

const DTYPES = { f4: [Float32Array, '<f4'], f8: [Float64Array, '<f8'], i4: [Int32Array, '<i4'], i8: [BigInt64Array, '<i8'], u1: [Uint8Array, '|u1'] };

export function npy(values, shape, dtype = 'f4', { fortran = false, descr } = {}) {
  const [Arr, code] = DTYPES[dtype];
  const data = Arr === BigInt64Array ? new Arr(values.map(BigInt)) : new Arr(values);
  let header = `{'descr': '${descr ?? code}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

export function npz(members, { deflate = true } = {}) {
  const locals = [], central = [];
  let offset = 0;
  for (const [name, data] of Object.entries(members)) {
    const fname = Buffer.from(name.endsWith('.npy') ? name : `${name}.npy`);
    const body = deflate ? deflateRawSync(data) : data;
    const crc = crc32(data) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(body.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(fname.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(body.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(fname.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, fname, body);
    central.push(ch, fname);
    offset += 30 + fname.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(central.length / 2, 8); end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export function idx(values, shape, type = 0x08) {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = type;
  head[3] = shape.length;
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(Uint8Array.from(values))]);
}
