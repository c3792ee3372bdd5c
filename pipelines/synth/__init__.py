"""Synthetic reports: complete, labelled-as-synthetic renderings of known cell values.

A synthetic report is a 政府信息公开工作年度报告 whose every table cell is chosen by us, rendered in one of
the layouts real reports arrive in (tab-separated text, crawled run-together text, Markdown, HTML, Word).
Parsing it back must give the chosen values: the readers and the canonical layer are tested by round trip
(``tests/test_roundtrip_properties.py``), and later a synthetic corpus can be built the same way. Every
rendering says that it is synthetic, in a way that does not disturb parsing.
"""

from __future__ import annotations

from pipelines.synth.render import (
    LAYOUTS,
    SYNTHETIC_MARK,
    format_value,
    render,
    render_docx,
    render_html,
    render_markdown,
    render_markdown_html_tables,
    render_run_together_text,
    render_tab_text,
    report_title,
)

__all__ = [
    "LAYOUTS",
    "SYNTHETIC_MARK",
    "format_value",
    "render",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_markdown_html_tables",
    "render_run_together_text",
    "render_tab_text",
    "report_title",
]
