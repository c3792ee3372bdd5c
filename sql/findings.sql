-- findings: one row per check on a report: the report's own arithmetic and completeness (kind = report),
-- its figures against the same issuer's previous year (kind = cross_year) and its text against other
-- issuers' reports of the same year (kind = peer).
-- rule is a rule id (R1–R10 of format-spec §5, SECTION_PRESENT, TABLE_PRESENT, TEMPLATE_CURRENT, PERIOD,
-- ON_TIME, JUMP, SAME_FIGURES, COPY_PREV_YEAR, COPY_PEER); outcome is PASS, FAIL or NOT_ASSESSABLE (an
-- operand was not printed); severity is error, warning or info. expected is what the rule implies (a sum,
-- a figure the prose states), actual what was printed; cells lists the cells involved (JSON: key, value,
-- status, raw, locator) and quote the sentence a text rule read. related_report_id is the other report of
-- a cross_year or peer finding. Values are never repaired: a FAIL is the report's own disagreement.
with all_findings as (
    select *
    from read_parquet(
        getvariable('lake_dir') || '/findings/**/*.parquet', hive_partitioning = true, union_by_name = true
    )
    union all by name
    select *
    from read_parquet(getvariable('lake_dir') || '/cross_findings/*.parquet')
)

select
    reports.issuer_key,
    reports.issuer,
    reports.year,
    reports.is_chosen,
    reports.admin_level,
    reports.region_province,
    reports.region_prefecture,
    reports.region_county,
    all_findings.report_id,
    all_findings.kind,
    all_findings.rule,
    all_findings.scope,
    all_findings.outcome,
    all_findings.severity,
    all_findings.expected,
    all_findings.actual,
    all_findings.message,
    all_findings.quote,
    all_findings.cells,
    all_findings.related_report_id,
    reports.path
from all_findings
inner join reports on reports.report_id = all_findings.report_id
-- the order is total (every column that can tell two findings apart), so rebuilds store rows identically
order by
    reports.issuer_key,
    reports.year,
    all_findings.report_id,
    all_findings.kind,
    all_findings.rule,
    all_findings.scope,
    all_findings.related_report_id nulls first,
    all_findings.outcome,
    all_findings.message,
    all_findings.expected nulls first,
    all_findings.actual nulls first,
    all_findings.quote nulls first,
    all_findings.cells nulls first
