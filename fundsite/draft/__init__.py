"""Drafting rows from the text of a notice, for a maintainer to review.

The readers here turn the table shapes that employment-fund notices use into
draft rows of the data package, each with the source lines it came from and a
list of what could not be read. Nothing here writes the package: review.py
writes the review folder, apply.py checks it and merges it after validation.

    text.py        lines, line spans, joining wrapped lines
    values.py      "≥84台套以上" -> operator, value, unit
    performance.py "1、产出指标：X，年度指标值：Y" tables (the seed-004 shape)
    levels.py      "一级指标：…；二级指标：…；三级指标：…；指标数：…"
    coded.py       "1-产出指标；11-数量指标；…；实施周期指标值:…；年度指标值:…"
    columns.py     tab-separated tables: 专栏 indicator tables and 任务台账
    amounts.py     allocation rows: projects with amounts, recipients with amounts, 合计
    drafter.py     runs every reader over a document and collects the drafts
"""
