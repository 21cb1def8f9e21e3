"""Which modules mypyc compiles (setup.py), and what runs when a compiled copy is stale.

The extraction engine's hot modules are compiled to C extensions beside their
sources when custodes is installed. Python imports an extension before a .py of
the same name, so a source edited after the build would be silently ignored:
`use_sources_when_needed` notices (a .py newer than its extension), says so once on
standard error, and makes every compiled module load from its source instead
(they call each other directly, so they go together). `scripts/setup` rebuilds.
CUSTODES_SOURCES=1 runs the sources on purpose: for a debugger, coverage, or a
comparison of the two.

This file is read by setup.py before custodes is installed: standard library only.
"""
from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path

# Paths under src/. Modules that compiled code calls into directly must be compiled together.
COMPILED = (
    "custodes/extract/__init__.py",
    "custodes/extract/clean.py",
    "custodes/extract/mentions.py",
    "custodes/extract/rules.py",
    "custodes/knowledge/__init__.py",
    "custodes/knowledge/casefold.py",
    "custodes/knowledge/literals.py",
    "custodes/language.py",
)

_ROOT = Path(__file__).resolve().parent.parent  # src/
_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)


def _module_name(path: str) -> str:
    parts = path[:-len(".py")].split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _extension(source: Path) -> Path | None:
    """The compiled extension beside a module's .py (rules.py: rules.cpython-311-....so), if any."""
    return next((c for c in (source.with_suffix(s) for s in _SUFFIXES) if c.exists()), None)


def status(root: Path = _ROOT, compiled: tuple[str, ...] = COMPILED) -> tuple[str, list[str]]:
    """("compiled" | "sources" | "stale", the sources newer than their compiled copies).

    "sources": not every module was compiled (CUSTODES_PURE=1, or not built yet)."""
    stale, built = [], 0
    for path in compiled:
        source = root / path
        extension = _extension(source)
        if extension is None:
            continue
        built += 1
        if source.stat().st_mtime > extension.stat().st_mtime:
            stale.append(path)
    if stale:
        return "stale", stale
    return ("compiled" if built == len(compiled) else "sources"), []


class _SourceFinder:
    """Finds the compiled modules' .py files ahead of their extensions."""

    def __init__(self, names: dict[str, Path]):
        self._names = names

    def find_spec(self, fullname, path=None, target=None):
        source = self._names.get(fullname)
        if source is None:
            return None
        locations = [str(source.parent)] if source.name == "__init__.py" else None
        loader = importlib.machinery.SourceFileLoader(fullname, str(source))
        return importlib.util.spec_from_file_location(fullname, source, loader=loader,
                                                      submodule_search_locations=locations)


def env_flag(name: str) -> bool:
    """Is the environment variable set to 1, true or yes (CUSTODES_PURE, CUSTODES_SOURCES)?"""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def c_extension(name: str, root: Path = _ROOT):
    """The C extension custodes.<name> (_aho, _minhash), or None where setup did not build it,
    where its .c was edited after the build (said once on standard error), or where
    CUSTODES_SOURCES asks for the Python code that does the same."""
    if env_flag("CUSTODES_SOURCES"):
        return None
    source = root / "custodes" / f"{name}.c"
    built = _extension(source)
    if built is not None and source.exists() and source.stat().st_mtime > built.stat().st_mtime:
        print(f"custodes: src/custodes/{name}.c changed after it was compiled; running its Python "
              "equivalent (slower). Run scripts/setup to compile again.", file=sys.stderr)
        return None
    try:
        return importlib.import_module(f"custodes.{name}")
    except ImportError:
        return None


def engine() -> str:
    """What runs the engine's modules in this process: "compiled", or "sources" (not compiled,
    stale, or CUSTODES_SOURCES)."""
    return "sources" if any(isinstance(f, _SourceFinder) for f in sys.meta_path) else status()[0]


def use_sources_when_needed() -> None:
    """Run every compiled module from its source when any of them was edited after the build,
    or when CUSTODES_SOURCES asks for it. Call before any compiled module is imported."""
    if any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        return
    if not env_flag("CUSTODES_SOURCES"):
        state, stale = status()
        if state != "stale":
            return
        print(f"custodes: {', '.join('src/' + p for p in stale)} changed after it was compiled; "
              "running the Python sources (slower). Run scripts/setup to compile again.", file=sys.stderr)
    sys.meta_path.insert(0, _SourceFinder({_module_name(p): _ROOT / p for p in COMPILED}))
