"""Judgements to pages: charts, the report notebooks' content and their rendering with papermill."""
