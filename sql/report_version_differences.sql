-- report_version_differences: one row per cell whose value differs between the chosen report of an issuer
-- and year and another version of it (a republished or differently rendered document of the same report).
-- chosen_* describe the version the marts use, other_* the version that disagrees; a cell printed in only
-- one of them shows null on the other side. Empty when no issuer has two versions that disagree.
with version_pairs as (
    select
        chosen.issuer_key,
        chosen.issuer,
        chosen.year,
        chosen.report_id as chosen_report_id,
        chosen.path as chosen_path,
        other.report_id as other_report_id,
        other.path as other_path
    from reports as chosen
    inner join reports as other
        on other.issuer_key = chosen.issuer_key and other.year = chosen.year and not other.is_chosen
    where chosen.is_chosen
),

pair_keys as (
    select distinct
        version_pairs.*,
        cells.key
    from version_pairs
    inner join cells on cells.report_id in (version_pairs.chosen_report_id, version_pairs.other_report_id)
)

select
    pair_keys.issuer_key,
    pair_keys.issuer,
    pair_keys.year,
    pair_keys.key,
    pair_keys.chosen_report_id,
    pair_keys.chosen_path,
    chosen_cells.value as chosen_value,
    chosen_cells.raw_text as chosen_raw_text,
    pair_keys.other_report_id,
    pair_keys.other_path,
    other_cells.value as other_value,
    other_cells.raw_text as other_raw_text
from pair_keys
left join cells as chosen_cells
    on chosen_cells.report_id = pair_keys.chosen_report_id and chosen_cells.key = pair_keys.key
left join cells as other_cells
    on other_cells.report_id = pair_keys.other_report_id and other_cells.key = pair_keys.key
where chosen_cells.value is distinct from other_cells.value
order by pair_keys.issuer_key, pair_keys.year, pair_keys.key, pair_keys.other_path
