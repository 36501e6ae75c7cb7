"""Publishing an event: the programme grid, HTML page, PDF booklet, frab XML/JSON, iCalendar, XLSX and CSV.

Every format reads the core `Event`; the grid layout (`grid.py`) is computed once and shared by the HTML
page, the booklet and the spreadsheet so that they always agree.
"""
