"""District spreadsheets to facts: the sheet reader, its row checks and the Excel template."""
