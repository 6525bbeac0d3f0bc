"""A notice as a PDF: the printable page's own template rendered by WeasyPrint (HTML and CSS paged media),
with a subset of each face it uses embedded, so that it shows alike on any reader.

WeasyPrint needs Pango, HarfBuzz and fontconfig, which scripts/system-packages.sh installs with the fonts;
nothing is fetched at run time (the template refers to no URL but the shipped font files)."""

from django.template.loader import render_to_string

from .layout import notice_style

TEMPLATE = "assessment/notice.html"
DOCUMENT_BASE = "assessment/notice_document_base.html"


def notice_html(content, *, pdf=False, request=None):
    """The notice as the page shows it (inside base.html) or, for the PDF, as a document of its own."""
    context = {"notice": content, "style": notice_style(content, pdf=pdf)}
    if pdf:
        context.update(base_template=DOCUMENT_BASE, document_only=True)
    return render_to_string(TEMPLATE, context, request=request)


def notice_pdf(content):
    """The PDF bytes of a notice.content.NoticeContent. Only file: URLs are read (the shipped font files):
    a render never reaches the network."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("file",))
    document = HTML(string=notice_html(content, pdf=True), url_fetcher=fetcher)
    return document.write_pdf(font_config=FontConfiguration())
