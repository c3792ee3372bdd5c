-- active_disclosure: one row per issuer and year (the chosen version of its report, see reports.sql) with
-- the 表二 主动公开 figures that analysts follow over time. Counts are decisions taken in the year (本年处理决定数量);
-- admin_fees_wan_yuan is 行政事业性收费 income in 万元 and exists only on the 2021 template (v2019 counted
-- fee items instead); normative_docs_issued is 本年制发件数 on v2021 and 本年新制作数量 (approximately the
-- same measure) on v2019. Null means the report printed no number for that cell.
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
order by reports.issuer_key, reports.year
