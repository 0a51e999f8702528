"""The archive as a workbook: one layout for the template, the export and the import."""
