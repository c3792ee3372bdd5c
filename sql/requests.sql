-- requests: one row per issuer and year (the chosen version of its report, see reports.sql) with its
-- 表三 依申请公开 figures, taken from the 总计 (all applicants) column.
-- received = 本年新收; carried_over_in = 上年结转; the outcome groups add up their sub-rows as printed
-- (denied = 不予公开 1–8, unavailable = 无法提供 1–3, not_processed = 不予处理 1–5, other = 其他处理: the
-- three v2021 sub-rows or the single v2019 row); processed = （七）总计 as printed (not recomputed);
-- carried_forward_out = 结转下年度继续办理. Rates divide by processed and are null when it is 0 or null.
-- natural_person_share is the share of new requests from 自然人. unprinted_cells counts 总计 cells of
-- the table left blank or unread: sums ignore them, so a non-zero count means a sum may be short.
with totals as (
    select
        report_id,
        max(value) filter (where key = 't3.new_received.total') as received,
        max(value) filter (where key = 't3.carried_over_in.total') as carried_over_in,
        max(value) filter (where key = 't3.granted.total') as granted,
        max(value) filter (where key = 't3.partially_granted.total') as partially_granted,
        sum(value) filter (where key like 't3.denied\_%.total' escape '\') as denied,
        sum(value) filter (where key like 't3.unavailable\_%.total' escape '\') as unavailable,
        sum(value) filter (where key like 't3.not\_processed\_%.total' escape '\') as not_processed,
        sum(value) filter (where key like 't3.other\_%.total' escape '\') as other,
        max(value) filter (where key = 't3.total_processed.total') as processed,
        max(value) filter (where key = 't3.carried_forward_out.total') as carried_forward_out,
        max(value) filter (where key = 't3.new_received.natural_person') as received_natural_person,
        count(*) filter (where key like 't3.%.total' and value is null) as unprinted_cells
    from cells
    where table_name = 't3'
    group by report_id
)

select
    reports.issuer_key,
    reports.issuer,
    reports.year,
    reports.template,
    reports.report_id,
    reports.path,
    cast(totals.received as bigint) as received,
    cast(totals.carried_over_in as bigint) as carried_over_in,
    cast(totals.granted as bigint) as granted,
    cast(totals.partially_granted as bigint) as partially_granted,
    cast(totals.denied as bigint) as denied,
    cast(totals.unavailable as bigint) as unavailable,
    cast(totals.not_processed as bigint) as not_processed,
    cast(totals.other as bigint) as other,
    cast(totals.processed as bigint) as processed,
    cast(totals.carried_forward_out as bigint) as carried_forward_out,
    totals.granted / nullif(totals.processed, 0) as granted_rate,
    totals.partially_granted / nullif(totals.processed, 0) as partially_granted_rate,
    totals.denied / nullif(totals.processed, 0) as denied_rate,
    totals.unavailable / nullif(totals.processed, 0) as unavailable_rate,
    totals.not_processed / nullif(totals.processed, 0) as not_processed_rate,
    totals.received_natural_person / nullif(totals.received, 0) as natural_person_share,
    totals.unprinted_cells
from reports
inner join totals on totals.report_id = reports.report_id
where reports.is_chosen
order by reports.issuer_key, reports.year, reports.report_id
