"""What the project knows regardless of any report: table schemas, the gazetteer of
administrative units, the indicator catalogue, the targets, and the vocabularies in ``data/``.
"""
