-- documents: one row per file found in the inbox, report or not.
-- status is parsed (every cell read), partial (some cells or the identity unread), failed (not a readable
-- report: empty, binary, unknown type, no statistics tables) or needs_ocr (a scan without a text layer);
-- reason lists why, naming the file. report_id (first 16 hex digits of sha256) links to reports and cells.
-- partition is the report year the file was parsed under (unknown when its title gives none);
-- parser_version is the hash of the parser code that read it.
select
    path,
    file_name,
    sha256,
    report_id,
    size_bytes,
    format,
    status,
    reason,
    issuer,
    year,
    template,
    title,
    cells_expected,
    cells_read,
    parser_version,
    partition
from read_parquet(getvariable('lake_dir') || '/documents/*.parquet')
order by path
