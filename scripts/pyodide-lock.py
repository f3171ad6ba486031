"""Writes a pyodide-lock.json for the wheels in a folder: Pyodide's own lock names files whose hashes are not
those of the PyPI wheels we serve, and the browser checks every file against the lock (SRI), so the lock is
regenerated from the served files. Usage: pyodide-lock.py STOCK_LOCK WHEEL_DIR OUT
Keeps the stock lock's "info" (the Python/ABI the runtime was built for); depends come from each wheel's
Requires-Dist evaluated for Pyodide (sys_platform emscripten, no extras), limited to the wheels present."""
import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement  # from the pinned build environment


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def metadata(whl):
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode("utf-8")
        top = next((n for n in names if n.endswith(".dist-info/top_level.txt")), None)
        imports = z.read(top).decode().split() if top else []
        if not imports:  # no top_level.txt: the packages and modules at the wheel's root
            roots = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
            imports = sorted(r[:-3] if r.endswith(".py") else r for r in roots)
    head = text.split("\n\n", 1)[0]
    fields = [line.split(": ", 1) for line in head.splitlines() if ": " in line]
    return {k: v for k, v in fields if k in ("Name", "Version")}, [v for k, v in fields if k == "Requires-Dist"], imports


def main(stock, wheel_dir, out):
    python = json.loads(Path(stock).read_text())["info"]["python"]
    env = {"sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix", "platform_machine": "wasm32",
           "python_version": ".".join(python.split(".")[:2]), "python_full_version": python,
           "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}
    wheels = sorted(Path(wheel_dir).glob("*.whl"))
    info = {w: metadata(w) for w in wheels}
    present = {norm(m["Name"]) for m, _, _ in info.values()}
    packages = {}
    for w, (m, requires, imports) in info.items():
        deps = []
        for spec in requires:
            r = Requirement(spec)
            if (r.marker is None or r.marker.evaluate(env)) and norm(r.name) in present:
                deps.append(norm(r.name))
        packages[norm(m["Name"])] = {
            "name": norm(m["Name"]), "version": m["Version"], "file_name": w.name, "install_dir": "site",
            "sha256": hashlib.sha256(w.read_bytes()).hexdigest(), "package_type": "package",
            "imports": [i for i in imports if i.isidentifier()], "depends": sorted(set(deps)), "unvendored_tests": False,
        }
    lock = {"info": json.loads(Path(stock).read_text())["info"], "packages": dict(sorted(packages.items()))}
    Path(out).write_text(json.dumps(lock, indent=1) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: pyodide-lock.py STOCK_LOCK WHEEL_DIR OUT")
    main(*sys.argv[1:])
