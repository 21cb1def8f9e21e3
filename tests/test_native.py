"""The compiled extraction modules: built by setup, and never run stale.

scripts/setup compiles custodes._native.COMPILED with mypyc; a source edited after
that build must run as Python (with a warning), not be shadowed by its old extension.
"""
from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from custodes import _native

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _tree(tmp_path: Path, *, extension_age_s: float | None) -> Path:
    """src/pkg/mod.py, with an extension file beside it that is that much older (None: no extension)."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("WHERE = 'source'\n")
    if extension_age_s is not None:
        extension = package / f"mod{SUFFIX}"
        extension.write_bytes(b"not a shared object")  # importing it would fail
        now = time.time()
        os.utime(package / "mod.py", (now, now))
        os.utime(extension, (now - extension_age_s, now - extension_age_s))
    return tmp_path


def test_an_extension_newer_than_its_source_counts_as_compiled(tmp_path):
    root = _tree(tmp_path, extension_age_s=-60)  # built after the last edit
    assert _native.status(root, ("pkg/mod.py",)) == ("compiled", [])


def test_a_source_edited_after_the_build_is_stale(tmp_path):
    root = _tree(tmp_path, extension_age_s=60)
    assert _native.status(root, ("pkg/mod.py",)) == ("stale", ["pkg/mod.py"])


def test_without_extensions_the_sources_run(tmp_path):
    root = _tree(tmp_path, extension_age_s=None)
    assert _native.status(root, ("pkg/mod.py",)) == ("sources", [])


def test_the_source_finder_loads_the_py_before_a_stale_extension(tmp_path, monkeypatch):
    root = _tree(tmp_path, extension_age_s=60)
    monkeypatch.syspath_prepend(str(root))
    finder = _native._SourceFinder({"pkg.mod": root / "pkg" / "mod.py"})
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    for name in ("pkg", "pkg.mod"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    module = importlib.import_module("pkg.mod")
    assert module.WHERE == "source" and module.__file__.endswith("mod.py")


def test_the_installed_engine_is_compiled_unless_asked_not_to_be():
    state, stale = _native.status()
    if _native.env_flag("CUSTODES_PURE"):
        pytest.skip("CUSTODES_PURE is set: the engine was installed as Python")
    assert state == "compiled", f"scripts/setup did not compile {_native.COMPILED} (state {state}, stale {stale})"


def test_custodes_sources_runs_the_python_sources_with_the_same_claims():
    code = ("import json, sys, custodes; from custodes import _native; "
            "claims = custodes.extract('Police in Lagos installed 500 CCTV cameras made by Hikvision. '"
            "'The city plans to add facial recognition next year, officials said.'); "
            "print(json.dumps([_native.engine(), sys.modules['custodes.extract.rules'].__file__, "
            "[c.to_dict() for c in claims]]))")
    runs = {}
    for value in ("", "1"):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "CUSTODES_SOURCES": value})
        assert done.returncode == 0, done.stderr
        runs[value] = json.loads(done.stdout)
    engine, where, claims = runs["1"]
    assert engine == "sources" and where.endswith("rules.py")
    assert len(claims) >= 2 and claims == runs[""][2]
    assert runs[""][0] == _native.status()[0]


def test_a_stale_build_warns_and_still_extracts_correctly(tmp_path):
    """A copy of the installed package whose rules.py is newer than its extension runs the sources."""
    import shutil

    import custodes

    src = Path(custodes.__file__).resolve().parent.parent
    copy = tmp_path / "src"
    shutil.copytree(src / "custodes", copy / "custodes", ignore=shutil.ignore_patterns("__pycache__"))
    for shared in src.glob(f"*__mypyc{SUFFIX}"):
        shutil.copy2(shared, copy / shared.name)
    rules = copy / "custodes" / "extract" / "rules.py"
    later = time.time() + 60
    os.utime(rules, (later, later))
    code = ("import custodes, custodes.extract as _; import sys; "
            "m = sys.modules['custodes.extract.rules']; print(m.__file__); "
            "print(len(custodes.extract('Police in Lagos installed 500 CCTV cameras made by Hikvision.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(copy)}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    where, claims = done.stdout.split()
    assert where.endswith("rules.py") and int(claims) >= 1
    if _native.status()[0] == "compiled":
        assert "changed after it was compiled" in done.stderr and "rules.py" in done.stderr


def test_a_c_extension_older_than_its_source_is_not_used(tmp_path, capsys):
    package = tmp_path / "custodes"
    package.mkdir()
    source, built = package / "_kernel.c", package / f"_kernel{SUFFIX}"
    source.write_text("/* edited */\n")
    built.write_bytes(b"not a shared object")
    now = time.time()
    os.utime(source, (now, now))
    os.utime(built, (now - 60, now - 60))
    assert _native.c_extension("_kernel", root=tmp_path) is None
    assert "src/custodes/_kernel.c changed after it was compiled" in capsys.readouterr().err


def test_a_c_extension_that_was_never_built_is_none_without_a_word(tmp_path, capsys):
    assert _native.c_extension("_not_built_anywhere", root=tmp_path) is None
    assert capsys.readouterr().err == ""
