-- active_disclosure: one row per issuer and year (the chosen version of its report, see reports.sql) with
-- the 表二 主动公开 figures that analysts follow over time. Counts are decisions taken in the year
-- (本年处理决定数量); admin_fees_wan_yuan is 行政事业性收费 income in 万元 and exists only on the 2021 template
-- (v2019 counted fee items instead); normative_docs_issued is 本年制发件数 on v2021 and 本年新制作数量
-- (approximately the same measure) on v2019. Null means the report printed no number for that cell.
-- *_change is the difference from the same issuer's previous year (null when that year is missing).
-- comparability says how far this year compares with the previous one: same_template; v2019_to_v2021
-- (decisions compare, normative_docs_issued only approximately, fees not at all: admin_fees_change is null);
-- not_comparable (a legacy report has no 表二); no_previous_year.
with figures as (
    select
        reports.issuer_key,
        reports.issuer,
        reports.year,
        reports.template,
        reports.report_id,
        reports.path,
        cast(max(cells.value) filter (where cells.key = 't2.licensing.decisions') as bigint) as licensing_decisions,
        cast(max(cells.value) filter (where cells.key = 't2.penalty.decisions') as bigint) as penalty_decisions,
        cast(max(cells.value) filter (where cells.key = 't2.coercion.decisions') as bigint) as coercion_decisions,
        max(cells.value) filter (where cells.key = 't2.admin_fees.amount_wan_yuan') as admin_fees_wan_yuan,
        cast(max(cells.value) filter (
            where cells.key in ('t2.normative_docs.issued', 't2.normative_docs.new_made')
        ) as bigint) as normative_docs_issued,
        cast(max(cells.value) filter (where cells.key = 't2.normative_docs.in_force') as bigint)
            as normative_docs_in_force,
        cast(max(cells.value) filter (
            where cells.key in ('t2.rules.issued', 't2.rules.new_made')
        ) as bigint) as rules_issued
    from reports
    left join cells on cells.report_id = reports.report_id
    where reports.is_chosen
    group by all
),

with_previous as (
    select
        figures.*,
        previous.template as previous_template,
        previous.licensing_decisions as previous_licensing,
        previous.penalty_decisions as previous_penalty,
        previous.coercion_decisions as previous_coercion,
        previous.admin_fees_wan_yuan as previous_admin_fees,
        previous.normative_docs_issued as previous_normative_docs
    from figures
    left join figures as previous
        on previous.issuer_key = figures.issuer_key and previous.year = figures.year - 1
)

select
    issuer_key,
    issuer,
    year,
    template,
    report_id,
    path,
    licensing_decisions,
    penalty_decisions,
    coercion_decisions,
    admin_fees_wan_yuan,
    normative_docs_issued,
    normative_docs_in_force,
    rules_issued,
    case
        when previous_template is null then 'no_previous_year'
        when template = 'legacy' or previous_template = 'legacy' then 'not_comparable'
        when previous_template = template then 'same_template'
        when previous_template = 'v2019' and template = 'v2021' then 'v2019_to_v2021'
        else 'not_comparable'
    end as comparability,
    licensing_decisions - previous_licensing as licensing_change,
    penalty_decisions - previous_penalty as penalty_change,
    coercion_decisions - previous_coercion as coercion_change,
    case
        when previous_template = 'v2021' and template = 'v2021' then round(admin_fees_wan_yuan - previous_admin_fees, 6)
    end as admin_fees_change,
    normative_docs_issued - previous_normative_docs as normative_docs_change
from with_previous
order by issuer_key, year, report_id
