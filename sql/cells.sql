-- cells: one row per canonical cell (a key of metrics.csv, e.g. t2.licensing.decisions) of each report.
-- value is the number the report printed (null for blank, dash, slash, 无, or unread cells);
-- value_status says which (number, blank, dash, slash, none_text, unparseable, ambiguous, missing);
-- raw_text is what was printed and locator where (line, page/table/row, or DOM path) in the source file.
select
    report_id,
    cast(year as integer) as year,
    key,
    table_name,
    value,
    value_status,
    raw_text,
    locator,
    note,
    mapping_quality
from read_parquet(getvariable('lake_dir') || '/cells/**/*.parquet', hive_partitioning = true, union_by_name = true)
order by report_id, key
