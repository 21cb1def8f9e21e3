"""custodes: a sourced, living database of state surveillance technology deployments."""
from custodes.model import Claim, Document, Evidence, ExtractResult

__version__ = "0.1.0"


def extract(text: str, *, url: str | None = None, title: str | None = None,
            published: str | None = None) -> list[Claim]:
    """Every surveillance deployment claim one text makes, each with its evidence.

    >>> [c.technology for c in extract("Police in Nairobi installed 1,800 CCTV cameras.")]
    ['video_surveillance']
    """
    from custodes.extract import extract as _extract

    return _extract(text, url=url, title=title, published=published)


__all__ = ["Claim", "Document", "Evidence", "ExtractResult", "extract", "__version__"]
