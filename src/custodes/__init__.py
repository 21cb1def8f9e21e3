"""custodes: a sourced, living database of state surveillance technology deployments."""
from custodes import _native

_native.use_sources_when_needed()  # before any compiled module is imported

from custodes.model import Claim, Document, Evidence, ExtractResult
# the extract stage is a subpackage; the public function below takes its name on the package
from custodes.extract import extract as _extract, extract_document

__version__ = "0.1.0"


def extract(text: str, *, url: str | None = None, title: str | None = None,
            published: str | None = None) -> list[Claim]:
    """Every surveillance deployment claim one text makes, each with its evidence.

    >>> [c.technology for c in extract("Police in Nairobi installed 1,800 CCTV cameras.")]
    ['video_surveillance']
    """
    return _extract(text, url=url, title=title, published=published)


# Questions over a database, imported on first use (custodes.query, custodes.country_profile...)
_LAZY = {name: "custodes.query" for name in (
    "query", "claims", "country_profile", "vendor_profile", "technology_profile",
    "deployment_detail", "list_countries", "list_vendors")}
# The database (custodes.store): `custodes.ingest` stays the readers' subpackage, so the
# ingest function is custodes.store.ingest; opening a database is custodes.open_store.
_LAZY.update({"open_store": "custodes.store", "IngestSummary": "custodes.store"})


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
        # custodes.query stays the module (callable as query()), as `import custodes.query` leaves it
        value = module if module.__name__ == f"custodes.{name}" else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'custodes' has no attribute {name!r}")


__all__ = ["Claim", "Document", "Evidence", "ExtractResult", "extract", "__version__", *_LAZY]
