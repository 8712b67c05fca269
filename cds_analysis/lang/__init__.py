"""How Vietnamese is written: normalisation and accent-folded keys, sentences, numbers, periods.

No domain tables and no pandas here: everything above builds on these primitives.
"""
