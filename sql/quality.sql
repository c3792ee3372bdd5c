-- quality: one row per issuer and year (the chosen version of its report) summing up its findings, for
-- evaluators and for offices that check subordinate reports before adding them up.
-- score (0–100) weighs the report's own findings (pipelines/validation/score.py); the *_fails columns count
-- FAIL outcomes by group: arithmetic (R1–R4, R7, R8), text_table (R9, R10: the prose against the tables),
-- completeness (sections, tables, template, statistics period), on_time (publication after the deadline),
-- cross_year (R5, R6, implausible jumps, the same figures again, text copied from last year) and peer_copy
-- (text shared with another issuer's report of the same year). not_assessable counts checks that could not
-- be made because a cell was not printed. failed_rules lists the distinct rules that failed.
select
    reports.issuer_key,
    reports.issuer,
    reports.year,
    reports.template,
    reports.report_id,
    reports.path,
    reports.admin_level,
    reports.region_province,
    reports.region_prefecture,
    reports.region_county,
    reports.region_township,
    reports.score,
    count(*) filter (
        where findings.outcome = 'FAIL' and findings.rule in ('R1', 'R2', 'R3', 'R4', 'R7', 'R8')
    ) as arithmetic_fails,
    count(*) filter (where findings.outcome = 'FAIL' and findings.rule in ('R9', 'R10')) as text_table_fails,
    count(*) filter (
        where findings.outcome = 'FAIL'
        and findings.rule in ('SECTION_PRESENT', 'TABLE_PRESENT', 'TEMPLATE_CURRENT', 'PERIOD')
    ) as completeness_fails,
    count(*) filter (where findings.outcome = 'FAIL' and findings.rule = 'ON_TIME') as on_time_fails,
    count(*) filter (where findings.outcome = 'FAIL' and findings.kind = 'cross_year') as cross_year_fails,
    count(*) filter (where findings.outcome = 'FAIL' and findings.kind = 'peer') as peer_copy_fails,
    count(*) filter (where findings.outcome = 'NOT_ASSESSABLE') as not_assessable,
    count(*) filter (where findings.outcome = 'FAIL') as fails,
    list_sort(list_distinct(list(findings.rule) filter (where findings.outcome = 'FAIL'))) as failed_rules
from reports
left join findings on findings.report_id = reports.report_id
where reports.is_chosen
group by all
order by reports.issuer_key, reports.year, reports.report_id
