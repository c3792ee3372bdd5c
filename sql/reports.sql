-- reports: one row per report document (every version) whose year is known, parsed or partly parsed.
-- A body may publish a report twice (a corrected republication, or the same report as a web page and a
-- PDF): every document is kept, and one per issuer and year is chosen for the marts (is_chosen) by the rule of
-- pipelines/versions.py, in order: (1) status parsed before partial; (2) more cells read; (3) the later
-- publication date; (4) the more original format (html, pdf, docx, markdown, then crawled text); (5) the
-- path. version_rank is that order (1 = chosen), versions the number of documents for the issuer and year.
-- issuer_key is issuer_id when the issuer was placed in the division list, else its normalised name.
-- score (0–100) sums up the report's own findings (see findings and quality).
-- The identity columns (issuer_id … site_id) come from the report's title, preamble and page metadata:
-- region_* place the issuer in the 民政部 division list (region_status resolved / ambiguous / unresolved),
-- period_* is the statistics period the report states, published_on the portal or signature date.
select
    report_id,
    issuer_key,
    issuer,
    cast(year as integer) as year,
    template,
    status,
    is_chosen,
    version_rank,
    versions,
    cells_read,
    score,
    path,
    sha256,
    title,
    errors,
    conflicts,
    doc_kind,
    issuer_name_norm,
    issuer_id,
    admin_level,
    region_code,
    region_status,
    region_level,
    region_province,
    region_prefecture,
    region_county,
    region_township,
    region_candidates,
    region_notes,
    region_dataset,
    zone,
    scope,
    scope_evidence,
    period_start,
    period_end,
    period_problem,
    published_on,
    published_from,
    signed_on,
    uscc,
    org_code,
    index_no,
    site_id
from read_parquet(getvariable('lake_dir') || '/reports/**/*.parquet', hive_partitioning = true, union_by_name = true)
order by issuer_key, year, version_rank, report_id
