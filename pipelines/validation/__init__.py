"""Checks on parsed reports, each result a ``Finding`` (rule, scope, outcome, severity, cells, message).

- ``arithmetic.check_report``: R1–R4, R7, R8 on one report's cells (format-spec §5);
- ``text_table.check_text_against_tables`` / ``check_fee_statement``: R9, R10 (prose against tables);
- ``cross_year.check_cross_year``: R5, R6, implausible jumps, repeated figures, 内容雷同 with last year;
- ``similarity``: shingle Jaccard and the MinHash/LSH ``NearDuplicateIndex``; ``find_peer_copies``;
- ``completeness``: sections, tables, template currency, statistics period, timeliness, coverage gaps;
- ``score.report_score``: one 0–100 number per report;
- ``report.validate_report``: every single-report check in one call (what the pipeline wires in).

Pure functions: no Dagster, no I/O.
"""

from pipelines.validation.arithmetic import check_report
from pipelines.validation.completeness import check_completeness, coverage_gaps, deadline
from pipelines.validation.cross_year import ReportSnapshot, check_cross_year
from pipelines.validation.findings import FAIL, NOT_ASSESSABLE, PASS, RULES, CellRef, Finding, cells_from_values
from pipelines.validation.report import ReportValidation, section_texts, snapshot, validate_report
from pipelines.validation.score import report_score, score_breakdown
from pipelines.validation.similarity import NearDuplicateIndex, PeerCopy, SectionText, find_peer_copies, similarity
from pipelines.validation.text_table import check_fee_statement, check_text_against_tables

__all__ = [
    "FAIL",
    "NOT_ASSESSABLE",
    "PASS",
    "RULES",
    "CellRef",
    "Finding",
    "NearDuplicateIndex",
    "PeerCopy",
    "ReportSnapshot",
    "ReportValidation",
    "SectionText",
    "cells_from_values",
    "check_completeness",
    "check_cross_year",
    "check_fee_statement",
    "check_report",
    "check_text_against_tables",
    "coverage_gaps",
    "deadline",
    "find_peer_copies",
    "report_score",
    "score_breakdown",
    "section_texts",
    "similarity",
    "snapshot",
    "validate_report",
]
