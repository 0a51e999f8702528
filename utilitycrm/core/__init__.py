"""The core: plumbing every wing shares and that knows no domain.

Database and extensions, configuration, errors, forms and view helpers, labels of coded
values, paging and text matching, dates in the utility's time zone, the navigation and
page-panel registries, the JSON API's machinery, PDF and workbook writing. Nothing here
imports a wing: wings plug into the core through its registries and signals.
"""
