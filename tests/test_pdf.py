"""The PDF renderer reads the application's static files and nothing else."""

from __future__ import annotations

from tests.pdftext import pdf_text
from utilitycrm.core.pdf import StaticOnlyFetcher, html_to_pdf, static_root


def test_only_static_files_are_fetched(app, listener, tmp_path):
    port, hits = listener
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = f"""<html><head>
      <link rel="stylesheet" href="css/print.css">
      <link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">
      <link rel="stylesheet" href="file://{secret}">
      <link rel="stylesheet" href="../../../../../etc/passwd">
      <link rel="attachment" href="file:///etc/passwd">
      </head><body><p>供电合同</p><img src="http://127.0.0.1:{port}/x.png"></body></html>"""
    fetcher = StaticOnlyFetcher([static_root()])
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert "供电合同" in pdf_text(pdf)
    assert hits == []
    assert any(url.startswith("http://127.0.0.1") for url in fetcher.refused)
    assert any(url.endswith("secret.css") for url in fetcher.refused)
    assert any(url.endswith("/etc/passwd") for url in fetcher.refused)
    assert b"root:x:0" not in pdf


def test_the_print_stylesheet_is_served(app):
    fetcher = StaticOnlyFetcher([static_root()])
    html_to_pdf('<link rel="stylesheet" href="css/print.css"><h1>标题</h1>', fetcher=fetcher)
    assert fetcher.refused == []
