"""Cells of exported spreadsheets that a spreadsheet program never runs as formulas.

A CSV cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs strip before reading the rest) is read as a formula by Excel, LibreOffice
and Google Sheets: a partner named ``=HYPERLINK("http://x","y")`` would become a link
in the exported file. Such text gets a leading apostrophe, which the programs show as
plain text (OWASP's "CSV injection" advice).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` as a CSV cell: text that could start a formula gets a leading ``'``.

    Only text is changed: numbers and dates are written by the caller as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
