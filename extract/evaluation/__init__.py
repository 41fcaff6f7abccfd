"""Scoring runs against golden data: alignment and metrics (``evaluate``), Markdown, JSON and
HTML reports (``report``), the `extract eval` command (``cli``) and the golden drafting tool
(``golden``)."""
