"""Files to text: decoding, format readers (txt, html, docx, pdf) and workbooks (xlsx, csv)."""
