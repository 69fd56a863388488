"""Documents: HTML rendered to PDF with WeasyPrint, from templates/documents/."""
