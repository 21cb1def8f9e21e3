"""FollowTheMoney entities (for Aleph, OpenSanctions tooling, `ftm` filters), as JSON lines.

The graph, built with the `followthemoney` library so every value is cleaned
and validated by its FtM type:

- each vendor is a `Company` (name, aliases, home country as country and jurisdiction);
- each user state is a `PublicBody` "Government of <country>" (country, jurisdiction);
- each deployment is an `Event` (name, country, start/end date = first/last seen,
  `organizer` the state, `involved` the vendor, keywords = technology and status,
  summary = its strongest evidence sentence, recordId = the custodes deployment id);
- "supplies surveillance technology to" is an `UnknownLink` from the vendor
  (`subject`) to the state (`object`) with `role` "supplier of <technology>",
  `status`, start/end dates and the evidence URLs. FtM has no supply schema:
  `ContractAward`/`Contract` would assert a procurement record custodes does
  not have, `Ownership`/`Representation` say something else, and UnknownLink
  is FtM's documented relation for a link whose legal form is unknown;
- each evidence document is a `Document` (title, source URL, published date,
  language, publisher = its web domain), tied to the deployment's Event by a
  `Documentation` whose `summary` is the evidence sentence.

IDs are stable: hashes of custodes' own IDs, so re-exporting gives the same entities.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import IO, Any, Iterable

PREFIX = "custodes"
# Source URLs on a deployment's Event and UnknownLink; every document is also its own
# Document entity with a Documentation link, so nothing is lost by the cap.
MAX_SOURCE_URLS = 25


def _make(schema: str, *key: str):
    from followthemoney import model

    proxy = model.make_entity(schema)
    proxy.make_id(PREFIX, schema.lower(), *key)
    return proxy


def _vendor_info(reader) -> dict[str, dict]:
    from custodes.query import json_list

    info = {}
    for row in reader.all("SELECT slug, name, country, aliases FROM vendors"):
        info[row["name"].casefold()] = {**row, "aliases": json_list(row["aliases"])}
    return info


def _evidence(reader, deployment_id: str) -> list[dict]:
    from custodes.query import json_list

    rows = reader.all("""
SELECT e.id AS evidence_id, e.sentence, e.matched, cl.status, cl.published,
       doc.id AS document_id, doc.title, doc.url, doc.domain, doc.language, doc.published AS doc_published
FROM evidence e JOIN claims cl ON cl.id = e.claim_id JOIN documents doc ON doc.id = cl.document_id
WHERE cl.deployment_id = ? ORDER BY COALESCE(cl.confidence, 0) DESC, e.id""", (deployment_id,))
    for row in rows:
        row["matched"] = json_list(row["matched"])
    return rows


def entities(rows: Iterable[dict], reader) -> Iterable[Any]:
    """FtM entity proxies for deployments (from custodes.query), each entity once."""
    vendors = _vendor_info(reader)
    seen: set[str] = set()

    def once(proxy):
        if proxy.id in seen:
            return None
        seen.add(proxy.id)
        return proxy

    for dep in rows:
        tech_words = dep["technology"].replace("_", " ")
        country_name = dep.get("country_name") or dep["country"]
        state = _make("PublicBody", dep["country"])
        state.add("name", f"Government of {country_name}")
        state.add("country", dep["country"].lower())
        state.add("jurisdiction", dep["country"].lower())
        if once(state):
            yield state
        company = None
        if dep.get("vendor"):
            known = vendors.get(dep["vendor"].casefold(), {})
            company = _make("Company", known.get("slug") or dep["vendor"].casefold())
            company.add("name", known.get("name") or dep["vendor"])
            company.add("alias", known.get("aliases") or [])
            home = known.get("country") or dep.get("supplier_country")
            if home:
                company.add("country", home.lower())
                company.add("jurisdiction", home.lower())
            if once(company):
                yield company
        evidence = _evidence(reader, dep["id"])
        # the best-ranked evidence first (by confidence), so the cap keeps the strongest sources
        urls = list(dict.fromkeys(e["url"] for e in evidence if e["url"]))[:MAX_SOURCE_URLS]
        event = _make("Event", dep["id"])
        event.add("name", f"{country_name}: {tech_words} ({dep['status']})")
        event.add("country", dep["country"].lower())
        event.add("startDate", dep.get("first_seen"))
        event.add("endDate", dep.get("last_seen"))
        event.add("organizer", state.id, cleaned=True)
        event.add("keywords", [dep["technology"], dep["status"], *dep.get("settings", [])])
        event.add("recordId", dep["id"])
        event.add("sourceUrl", urls)
        if evidence:
            event.add("summary", evidence[0]["sentence"])
        event.add("description", (
            f"{dep['n_documents']} documents in {dep['n_clusters']} independent stories "
            f"from {dep['n_domains']} domains report {tech_words} in {country_name}"
            + (f", supplied by {dep['vendor']}" if dep.get("vendor") else "")
            + (f", from {dep['supplier_country']}" if dep.get("supplier_country") else "") + "."))
        if company is not None:
            event.add("involved", company.id, cleaned=True)
        yield event
        if company is not None:
            link = _make("UnknownLink", dep["id"])
            link.add("subject", company.id, cleaned=True)
            link.add("object", state.id, cleaned=True)
            link.add("role", f"supplier of {tech_words}")
            link.add("status", dep["status"])
            link.add("startDate", dep.get("first_seen"))
            link.add("endDate", dep.get("last_seen"))
            link.add("sourceUrl", urls)
            link.add("recordId", dep["id"])
            if evidence:
                link.add("summary", evidence[0]["sentence"])
            yield link
        by_doc: dict[str, list[dict]] = defaultdict(list)
        for ev in evidence:
            by_doc[ev["document_id"]].append(ev)
        for doc_id, items in by_doc.items():
            first = items[0]
            document = _make("Document", doc_id)
            document.add("title", first["title"] or first["url"] or doc_id)
            document.add("sourceUrl", first["url"])
            document.add("publishedAt", first["doc_published"])
            document.add("language", first["language"])
            document.add("publisher", first["domain"])
            if once(document):
                yield document
            documentation = _make("Documentation", doc_id, dep["id"])
            documentation.add("document", document.id, cleaned=True)
            documentation.add("entity", event.id, cleaned=True)
            documentation.add("role", f"evidence: {first['status']}")
            documentation.add("date", first["published"])
            documentation.add("summary", [e["sentence"] for e in items])
            yield documentation


def write(rows: Iterable[dict], fp: IO[str], *, reader) -> dict[str, int]:
    """Stream entities as FtM JSON lines (`entity.to_dict()`), the format `ftm` tools read."""
    n = 0
    for proxy in entities(rows, reader):
        fp.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        n += 1
    return {"written": n, "skipped": 0}
