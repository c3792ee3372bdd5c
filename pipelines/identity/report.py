"""Everything known about a report besides its cells: who published it, where, for which period, when.

Gathers the identity functions over one extracted document into one record that travels with the parsed
report into the lake: the issuer placed in the division hierarchy (or said to be ambiguous), the statistics
period, the publication date and where it was read, codes the page prints, the scope, and whether the
document is an annual report at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from pipelines.documents.model import ExtractedDocument
from pipelines.identity.document import (
    classify,
    find_publication_date,
    find_scope,
    find_statistics_period,
    index_number,
    organisation_code,
    signed_date,
    site_id,
    uscc,
)
from pipelines.identity.issuers import identify_issuer
from pipelines.identity.regions import dataset_version


@dataclass
class ReportFacts:
    """What a report says about itself, with the problems found reading it."""

    doc_kind: str
    doc_kind_reason: str
    doc_kind_evidence: bool = True
    issuer_name_norm: str | None = None
    issuer_id: str | None = None
    admin_level: str | None = None
    region_code: str | None = None
    region_status: str | None = None
    region_level: str | None = None
    region_province: str | None = None
    region_prefecture: str | None = None
    region_county: str | None = None
    region_township: str | None = None
    region_candidates: list[str] = field(default_factory=list)
    region_notes: list[str] = field(default_factory=list)
    region_dataset: str | None = None
    zone: str | None = None
    scope: str = "agency"
    scope_evidence: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    period_problem: str | None = None
    published_on: date | None = None
    published_from: str | None = None
    signed_on: date | None = None
    uscc: str | None = None
    org_code: str | None = None
    index_no: str | None = None
    site_id: str | None = None
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in asdict(self).items()
            if k not in ("problems", "doc_kind_evidence")
        }


def describe_report(document: ExtractedDocument, issuer_raw: str | None, title: str | None) -> ReportFacts:
    """Read a document's identity facts; ``issuer_raw`` and ``title`` come from the title parser."""
    lines = [row.text for row in document.rows]
    header = [f"{key}: {value}" for key, value in document.metadata.items()]
    first_line = next((line.strip().lstrip("#").strip() for line in lines if line.strip()), None)
    kind, reason, evidence = classify(lines, title or document.title_hint or first_line)
    facts = ReportFacts(doc_kind=kind, doc_kind_reason=reason, doc_kind_evidence=evidence)

    if issuer_raw:
        issuer = identify_issuer(issuer_raw, [title or "", *header, *lines[:40]])
        region = issuer.region
        facts.issuer_name_norm = issuer.name_norm
        facts.issuer_id = issuer.issuer_id
        facts.admin_level = issuer.admin_level
        facts.region_code = region.code
        facts.region_status = region.status
        facts.region_level = region.level
        facts.region_province = region.province
        facts.region_prefecture = region.prefecture
        facts.region_county = region.county
        facts.region_township = region.township
        facts.region_candidates = list(region.candidates)
        facts.region_notes = list(region.notes)
        facts.region_dataset = dataset_version()
        facts.zone = region.zone
        if region.status != "resolved":
            facts.problems.append(f"issuer '{issuer_raw}' not placed in the division list: {region.reason}")

    period = find_statistics_period(lines)
    facts.period_start, facts.period_end = period.start, period.end
    if period.reason:
        facts.period_problem = period.reason
    published = find_publication_date(lines, header)
    if published is not None:
        facts.published_on, facts.published_from = published.value, published.source
    signed = signed_date(lines)
    facts.signed_on = signed.value if signed else None
    scope = find_scope(lines)
    facts.scope, facts.scope_evidence = scope.kind, scope.evidence
    facts.uscc = uscc(lines)
    facts.org_code = organisation_code(lines)
    facts.index_no = index_number([*header, *lines])
    facts.site_id = site_id(lines)
    return facts
