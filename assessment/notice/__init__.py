"""A notice (通报, R8) as an official document in the national format (GB/T 9704-2012, ADR 9).

`content` gathers what a notice says (from the notice, its towns and the publication that issued it),
`layout` holds the format's geometry and the configured fonts, and one template
(`templates/assessment/notice.html`) lays it out for the printable page and, through `pdf` (WeasyPrint),
for the PDF; `word` writes the same notice as a .docx (python-docx) for offices that edit it in WPS or Word.
"""
