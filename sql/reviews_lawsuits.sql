-- reviews_lawsuits: one row per issuer and year (the chosen version of its report, see reports.sql) with
-- its 表四: administrative reviews (行政复议) and lawsuits (行政诉讼) about disclosure, by outcome.
-- review_* = 行政复议; suit_direct_* = 未经复议直接起诉; suit_after_review_* = 复议后起诉; outcomes are
-- upheld (结果维持), corrected (结果纠正), other (其他结果), pending (尚未审结) and total (总计, as printed).
-- suits_total adds the two lawsuit blocks' printed totals (null if either is unprinted).
-- corrected_share = corrected / total over reviews and both lawsuit blocks: how often the body lost.
with blocks as (
    select
        report_id,
        max(value) filter (where key = 't4.review.upheld') as review_upheld,
        max(value) filter (where key = 't4.review.corrected') as review_corrected,
        max(value) filter (where key = 't4.review.other') as review_other,
        max(value) filter (where key = 't4.review.pending') as review_pending,
        max(value) filter (where key = 't4.review.total') as review_total,
        max(value) filter (where key = 't4.suit_direct.upheld') as suit_direct_upheld,
        max(value) filter (where key = 't4.suit_direct.corrected') as suit_direct_corrected,
        max(value) filter (where key = 't4.suit_direct.other') as suit_direct_other,
        max(value) filter (where key = 't4.suit_direct.pending') as suit_direct_pending,
        max(value) filter (where key = 't4.suit_direct.total') as suit_direct_total,
        max(value) filter (where key = 't4.suit_after_review.upheld') as suit_after_review_upheld,
        max(value) filter (where key = 't4.suit_after_review.corrected') as suit_after_review_corrected,
        max(value) filter (where key = 't4.suit_after_review.other') as suit_after_review_other,
        max(value) filter (where key = 't4.suit_after_review.pending') as suit_after_review_pending,
        max(value) filter (where key = 't4.suit_after_review.total') as suit_after_review_total
    from cells
    where table_name = 't4'
    group by report_id
)

select
    reports.issuer_key,
    reports.issuer,
    reports.year,
    reports.template,
    reports.report_id,
    reports.path,
    cast(blocks.review_upheld as bigint) as review_upheld,
    cast(blocks.review_corrected as bigint) as review_corrected,
    cast(blocks.review_other as bigint) as review_other,
    cast(blocks.review_pending as bigint) as review_pending,
    cast(blocks.review_total as bigint) as review_total,
    cast(blocks.suit_direct_upheld as bigint) as suit_direct_upheld,
    cast(blocks.suit_direct_corrected as bigint) as suit_direct_corrected,
    cast(blocks.suit_direct_other as bigint) as suit_direct_other,
    cast(blocks.suit_direct_pending as bigint) as suit_direct_pending,
    cast(blocks.suit_direct_total as bigint) as suit_direct_total,
    cast(blocks.suit_after_review_upheld as bigint) as suit_after_review_upheld,
    cast(blocks.suit_after_review_corrected as bigint) as suit_after_review_corrected,
    cast(blocks.suit_after_review_other as bigint) as suit_after_review_other,
    cast(blocks.suit_after_review_pending as bigint) as suit_after_review_pending,
    cast(blocks.suit_after_review_total as bigint) as suit_after_review_total,
    cast(blocks.suit_direct_total + blocks.suit_after_review_total as bigint) as suits_total,
    (blocks.review_corrected + blocks.suit_direct_corrected + blocks.suit_after_review_corrected)
    / nullif(blocks.review_total + blocks.suit_direct_total + blocks.suit_after_review_total, 0)
        as corrected_share
from reports
inner join blocks on blocks.report_id = reports.report_id
where reports.is_chosen
order by reports.issuer_key, reports.year, reports.report_id
