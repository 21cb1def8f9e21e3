"""Build custodes, compiling the extraction engine's hot modules with mypyc.

The modules in COMPILED are ordinary Python; mypyc turns them into C extensions
next to their sources (1.15-1.5x faster extraction, same output). custodes._aho,
the Aho-Corasick automaton of the engine's scans, is written in C
(src/custodes/_aho.c); knowledge/aho.py has the same automaton in Python. So is
the MinHash loop of resolve.signature (src/custodes/_minhash.c; numpy otherwise). The
rest of the package stays interpreted. CUSTODES_PURE=1 builds without compiling,
for a machine with no C compiler. custodes/_native.py falls back to the sources, with
a warning, when a compiled module is older than its .py (edited after the build).
"""
import runpy
from pathlib import Path

from setuptools import Extension, setup

_native = runpy.run_path("src/custodes/_native.py")
COMPILED, env_flag = _native["COMPILED"], _native["env_flag"]

ext_modules = []
if env_flag("CUSTODES_PURE"):
    # an earlier compiled build in the source tree would still be imported: remove it
    for path in COMPILED:
        for old in Path("src", path).parent.glob(Path(path).stem + ".*.so"):
            old.unlink()
    for old in [*Path("src").glob("*__mypyc.*.so"), *Path("src/custodes").glob("_aho.*.so"),
                *Path("src/custodes").glob("_minhash.*.so")]:
        old.unlink()
else:
    from mypyc.build import mypycify

    # third-party packages are not looked at (--no-site-packages): their types are Any whether
    # or not they are installed yet, so the build is the same on a fresh machine and an old one
    ext_modules = mypycify(["--ignore-missing-imports", "--no-site-packages", "--follow-imports=silent",
                            *(f"src/{path}" for path in COMPILED)], opt_level="3")
    ext_modules += [Extension(f"custodes.{name}", [f"src/custodes/{name}.c"], extra_compile_args=["-O3"])
                    for name in ("_aho", "_minhash")]

setup(ext_modules=ext_modules)
