-- coverage: one row per issuer and year, from the issuer's first report to the latest year in the
-- warehouse, saying whether a report for that year is in the warehouse (has_report). The years without
-- one (has_report = false) are the gaps: reports not collected, or not published.
with issuer_years as (
    select
        issuer_key,
        any_value(issuer) as issuer,
        min(year) as first_year
    from reports
    where is_chosen
    group by issuer_key
),

span as (
    select
        issuer_years.issuer_key,
        issuer_years.issuer,
        unnest(generate_series(issuer_years.first_year, (select max(year) from reports))) as year
    from issuer_years
)

select
    span.issuer_key,
    span.issuer,
    cast(span.year as integer) as year,
    reports.report_id is not null as has_report,
    reports.report_id,
    reports.path
from span
left join reports on reports.issuer_key = span.issuer_key and reports.year = span.year and reports.is_chosen
order by span.issuer_key, span.year
