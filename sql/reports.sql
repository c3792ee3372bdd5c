-- reports: one row per parsed or partly parsed report whose year is known (one document version).
-- issuer and year are read from the report's title; template is the era its tables follow
-- (v2021, v2019), detected from the tables' content, not from the year.
select
    report_id,
    path,
    sha256,
    issuer,
    cast(year as integer) as year,
    template,
    status,
    title,
    errors,
    conflicts
from read_parquet(getvariable('lake_dir') || '/reports/**/*.parquet', hive_partitioning = true, union_by_name = true)
order by issuer, year, report_id
