"""A whole archive as a folder of CSV files or a zip of them, one file a sheet: exported and
imported from the shell exactly as the workbook is, the order of the files the importer's
business."""

from __future__ import annotations

import csv
import io
import zipfile

from sqlalchemy import select

from tests.archive.test_workbook_import import content, count, messages, run
from tests.conftest import empty_all_tables
from tests.factories import create_customer
from utilitycrm.archive.models import Customer
from utilitycrm.archive.workbook.export import export_workbook
from utilitycrm.archive.workbook.layout import SHEETS_BY_KEY
from utilitycrm.contracts.models import Contract
from utilitycrm.core.extensions import db


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def test_a_csv_folder_and_a_zip_import_the_same_as_the_workbook(runner, app, tmp_path):
    seeded = runner.invoke(args=["demo", "seed", "--customers", "120", "--faults", "0"])
    assert seeded.exit_code == 0, seeded.output
    workbook = content(export_workbook().getvalue())
    folder, bundle = tmp_path / "legacy", tmp_path / "legacy.zip"
    for target in (folder, bundle):
        result = runner.invoke(args=["archive", "export", str(target)])
        assert result.exit_code == 0, result.output
    assert {p.name for p in folder.iterdir()} >= {"customers.csv", "lines.csv", "contracts.csv"}
    assert set(zipfile.ZipFile(bundle).namelist()) == {p.name for p in folder.iterdir()}
    for source in (folder, bundle):
        empty_all_tables(keep=("app_user", "security_event"))
        assert count(Customer) == 0
        result = runner.invoke(args=["archive", "import", str(source)])
        assert result.exit_code == 0, result.output
        assert content(export_workbook().getvalue()) == workbook, source
        assert count(Contract) == 9  # the paper contracts' terms came back with them


def test_a_text_that_reads_as_a_formula_leaves_escaped_and_comes_back_as_typed(
    runner, app, tmp_path
):
    create_customer(account_no="3100000777", name='=HYPERLINK("http://x")', phone="+8613800138000")
    result = runner.invoke(args=["archive", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "customers.csv").read_text(encoding="utf-8-sig")
    (row,) = [r for r in csv.reader(io.StringIO(text)) if r and r[0] == "3100000777"]
    assert '\'=HYPERLINK("http://x")' in row and "'+8613800138000" in row
    empty_all_tables(keep=("app_user", "security_event"))
    result = runner.invoke(args=["archive", "import", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    customer = db.session.scalar(select(Customer).where(Customer.account_no == "3100000777"))
    assert (customer.name, customer.phone) == ('=HYPERLINK("http://x")', "+8613800138000")


def test_a_zip_of_csv_files_is_read_file_by_file_with_their_problems():
    header = ",".join(SHEETS_BY_KEY["substations"].headers).encode()
    data = _zip({
        "substations.csv": header + b"\nS1,\xe5\x9f\x8e\xe4\xb8\x9c\xe5\x8f\x98,110\n",
        "变电站.csv": header + b"\n",
        "readme.csv": b"x\n",
    })  # fmt: skip
    result = run(data, filename="legacy.zip")
    assert not result.committed
    text = "\n".join(messages(result))
    assert "两个文件" in text  # substations.csv and 变电站.csv hold one sheet
    assert "readme" in text  # a file named after no sheet
    mixed = run(_zip({"customers.csv": b"", "photo.jpg": b"\xff\xd8"}), filename="legacy.zip")
    assert "CSV 文件的 zip" in "\n".join(messages(mixed))


def test_the_shell_refuses_a_folder_without_csv_files(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    result = runner.invoke(args=["archive", "import", str(tmp_path)])
    assert result.exit_code != 0
    assert "holds no CSV files" in result.output
