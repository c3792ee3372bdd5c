-- region_rollup: one row per region, year and administrative level of the reporting bodies, adding up the
-- chosen reports of the bodies placed in that region: rollup_level says which division the row is about
-- (province, prefecture, county or township; region_code is its 6- or 9-digit code), body_level the
-- admin_level of the bodies added up (county_gov, county_dept, township_gov …).
-- bodies_reporting counts the bodies with a report that year. Only reports about one body (scope = agency)
-- are added up; regional roll-up reports (scope = region_aggregate) would count their bodies twice and are
-- counted apart in aggregate_reports. Sums skip unprinted cells, and *_reported says how many bodies
-- printed the figure, so a sum over fewer bodies than bodies_reporting is visibly partial.
with placed as (
    select
        reports.report_id,
        reports.issuer_key,
        reports.year,
        reports.admin_level as body_level,
        reports.scope,
        reports.region_code,
        reports.region_province,
        reports.region_prefecture,
        reports.region_county,
        reports.region_township
    from reports
    where reports.is_chosen and reports.region_code is not null
),

levels as (
    select 'province' as rollup_level, left(region_code, 2) || '0000' as rollup_code, region_province as region_name, *
    from placed
    union all
    select 'prefecture', left(region_code, 4) || '00', region_prefecture, *
    from placed
    where region_prefecture is not null
    union all
    select 'county', left(region_code, 6), region_county, *
    from placed
    where region_county is not null
    union all
    select 'township', region_code, region_township, *
    from placed
    where region_township is not null
)

select
    levels.rollup_level,
    levels.rollup_code as region_code,
    levels.region_name,
    levels.year,
    levels.body_level,
    count(distinct levels.issuer_key) filter (where levels.scope = 'agency') as bodies_reporting,
    count(*) filter (where levels.scope = 'region_aggregate') as aggregate_reports,
    sum(active.licensing_decisions) filter (where levels.scope = 'agency') as licensing_decisions,
    count(active.licensing_decisions) filter (where levels.scope = 'agency') as licensing_reported,
    sum(active.penalty_decisions) filter (where levels.scope = 'agency') as penalty_decisions,
    count(active.penalty_decisions) filter (where levels.scope = 'agency') as penalty_reported,
    sum(active.coercion_decisions) filter (where levels.scope = 'agency') as coercion_decisions,
    sum(active.admin_fees_wan_yuan) filter (where levels.scope = 'agency') as admin_fees_wan_yuan,
    sum(requests.received) filter (where levels.scope = 'agency') as requests_received,
    count(requests.received) filter (where levels.scope = 'agency') as requests_reported,
    sum(requests.granted) filter (where levels.scope = 'agency') as requests_granted,
    sum(reviews_lawsuits.review_total) filter (where levels.scope = 'agency') as reviews,
    sum(reviews_lawsuits.suits_total) filter (where levels.scope = 'agency') as lawsuits
from levels
left join active_disclosure as active on active.report_id = levels.report_id
left join requests on requests.report_id = levels.report_id
left join reviews_lawsuits on reviews_lawsuits.report_id = levels.report_id
group by all
order by levels.rollup_level, levels.rollup_code, levels.year, levels.body_level
