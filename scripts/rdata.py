"""rdata.py - one data.frame from an installed R package's data as CSV, without R (standard library only).

Reads the package's lazy-load database (data/Rdata.rdx + Rdata.rdb: zlib, bzip2 or raw-LZMA2 chunks) or a
save() file (data/NAME.rda: gzip, bzip2 or xz) of R's XDR serialization, formats 2 and 3, far enough for
data.frames: logical, integer, double and string vectors, lists, factors and attributes. Used by
scripts/datasets.mjs. Run: python3 rdata.py DATA_DIR NAME > NAME.csv
"""
import bz2, csv, gzip, lzma, os, struct, sys, zlib

NA_INT = -2147483648


class Reader:
    def __init__(self, data):
        if data[:2] != b"X\n":
            raise ValueError("not an XDR serialization")
        self.b, self.at, self.refs = data, 2, []
        version = self.int()
        self.int(), self.int()  # the writer's R version and the oldest that reads it
        if version == 3:
            n = self.int()
            self.at += n  # the native encoding's name
        elif version != 2:
            raise ValueError(f"serialization format {version}")

    def int(self):
        (v,) = struct.unpack_from(">i", self.b, self.at)
        self.at += 4
        return v

    def string(self, n):
        s = self.b[self.at:self.at + n]
        self.at += n
        return s.decode("utf-8", "replace")

    def item(self):
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, flags & (1 << 9), flags & (1 << 10)
        if kind in (254, 253, 242, 241, 251, 247):  # NULL, global/empty/base env, missing arg, base namespace
            return None
        if kind == 255:  # a reference to an earlier symbol or environment
            return self.refs[(flags >> 8) - 1]
        if kind == 1:  # symbol
            name = self.item()
            self.refs.append(name)
            return name
        if kind == 9:  # CHARSXP
            n = self.int()
            return None if n == -1 else self.string(n)
        if kind in (2, 6):  # pairlist (attributes)
            if has_attr:
                self.item()  # a pairlist's own attributes: not needed for data.frames
            tag = self.item() if has_tag else None
            head = self.item()
            rest = self.item()
            return [(tag, head)] + (rest if isinstance(rest, list) else [])
        n = self.int()
        if kind in (10, 13):  # logical, integer
            v = list(struct.unpack_from(f">{n}i", self.b, self.at))
            self.at += 4 * n
        elif kind == 14:  # double
            v = list(struct.unpack_from(f">{n}d", self.b, self.at))
            self.at += 8 * n
        elif kind in (16, 19, 20):  # strings, list, expression list
            v = [self.item() for _ in range(n)]
        else:
            raise ValueError(f"R type {kind} is not supported")
        attrs = dict(self.item()) if has_attr else {}
        return {"kind": kind, "v": v, "attrs": attrs}


def chunk(rdb, offset, length):
    raw = rdb[offset:offset + length]
    (size,) = struct.unpack_from(">I", raw, 0)
    body, kind = raw[4:], raw[4:5]
    if kind == b"Z":
        out = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]).decompress(body[1:])
    elif kind == b"2":
        out = bz2.decompress(body[1:])
    elif kind == b"0":
        out = body[1:]
    else:
        out = zlib.decompress(body)
    if len(out) != size:
        raise ValueError(f"chunk at {offset}: {len(out)} bytes, expected {size}")
    return out


def cell(col, i):
    v = col["v"][i]
    levels = col["attrs"].get("levels")
    if levels is not None:
        return "NA" if v == NA_INT else levels["v"][v - 1]
    if col["kind"] == 10:
        return "NA" if v == NA_INT else ("TRUE" if v else "FALSE")
    if col["kind"] == 13:
        return "NA" if v == NA_INT else str(v)
    if col["kind"] == 14:
        if v != v:
            return "NA" if struct.pack(">d", v)[4:] == struct.pack(">I", 1954) else "NaN"
        return repr(int(v)) if v == int(v) and abs(v) < 1e15 else f"{v:.15g}"
    return "NA" if v is None else v


def saved_frame(path, name):
    raw = open(path, "rb").read()
    for magic, unpack in ((b"\x1f\x8b", gzip.decompress), (b"BZh", bz2.decompress), (b"\xfd7zXZ", lzma.decompress)):
        if raw.startswith(magic):
            raw = unpack(raw)
    if raw[:5] not in (b"RDX2\n", b"RDX3\n"):
        raise SystemExit(f"rdata.py: {path} is not a file written by R's save()")
    objects = dict(Reader(raw[5:]).item())
    if name not in objects:
        raise SystemExit(f"rdata.py: {path} has no {name} (has {', '.join(sorted(objects))})")
    return objects[name]


def main(folder, name):
    if os.path.exists(f"{folder}/{name}.rda"):
        return write_csv(saved_frame(f"{folder}/{name}.rda", name))
    index = Reader(gzip.open(f"{folder}/Rdata.rdx").read()).item()
    parts = dict(zip(index["attrs"]["names"]["v"], index["v"]))
    variables = dict(zip(parts["variables"]["attrs"]["names"]["v"], parts["variables"]["v"]))
    if name not in variables:
        raise SystemExit(f"rdata.py: {name} is not in {folder} (has {', '.join(sorted(variables))})")
    with open(f"{folder}/Rdata.rdb", "rb") as f:
        offset, length = variables[name]["v"]
        frame = Reader(chunk(f.read(), offset, length)).item()
    write_csv(frame)


def write_csv(frame):
    names = frame["attrs"]["names"]["v"]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(names)
    for i in range(len(frame["v"][0]["v"])):
        w.writerow([cell(c, i) for c in frame["v"]])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
