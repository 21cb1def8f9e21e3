"""JSON lines: one deployment (or one claim with its evidence sentences) per line."""
from __future__ import annotations

import json
from typing import IO, Iterable


def write(rows: Iterable[dict], fp: IO[str], *, what: str = "deployments") -> dict[str, int]:
    n = 0
    for row in rows:
        fp.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return {"written": n, "skipped": 0}
