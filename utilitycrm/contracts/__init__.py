"""Supply contracts (供用电合同): generated from the archive, numbered, frozen when signed."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.archive.history_display import (
        HistoryKind,
        register_history_kind,
        register_reference,
    )
    from utilitycrm.archive.models import FeederLine
    from utilitycrm.archive.workbook.layout import register_sheet
    from utilitycrm.auth.roles import Permission
    from utilitycrm.contracts import (
        jobs,  # noqa: F401 (registers the schedule)
        models,
    )
    from utilitycrm.contracts.api import blp as api_blueprint
    from utilitycrm.contracts.cli import contracts_cli
    from utilitycrm.contracts.forms import PaperForm
    from utilitycrm.contracts.queries import describe_deadlines
    from utilitycrm.contracts.services import KIND, contract_stage_refusal
    from utilitycrm.contracts.types import ContractEventKind, ContractKind, ContractStatus
    from utilitycrm.contracts.views import bp, customer_panel, project_panel
    from utilitycrm.contracts.workbook import CONTRACTS_SHEET
    from utilitycrm.core.api import register_api
    from utilitycrm.core.navigation import NavItem, register_nav_item
    from utilitycrm.core.panels import Panel, register_panel
    from utilitycrm.deadlines.services import register_kind
    from utilitycrm.projects.chains import CONTRACT_STAGE
    from utilitycrm.projects.workflow import register_stage_exit_check

    register_kind(KIND, _l("Supply contract renewal"), describe_deadlines)
    app.jinja_env.globals.update(
        contract_kind_enum=ContractKind,
        contract_status_enum=ContractStatus,
        contract_event_enum=ContractEventKind,
    )
    app.register_blueprint(bp)
    register_api(api_blueprint)
    register_history_kind(
        HistoryKind(
            "contract",
            _l("Supply contract"),
            PaperForm,
            models.Contract,
            labels={
                "number": _l("Number"),
                "kind": _l("Kind"),
                "status": _l("Status"),
                "frozen_data": _l("Contract data"),
                "ended_on": _l("Ended on"),
                "end_reason": _l("Reason"),
            },
            enums={"kind": ContractKind, "status": ContractStatus},
            documents=frozenset({"frozen_data"}),
            url=lambda number: url_for("contracts.contract", number=number),
        )
    )
    for name in ("paper_line_id", "paper_backup_line_id"):
        register_reference(name, FeederLine, FeederLine.name)
    register_sheet(CONTRACTS_SHEET)
    register_panel(
        app, "archive.customer", Panel("contracts/_customer_panel.html", customer_panel, "side", 30)
    )
    register_panel(
        app, "projects.project", Panel("contracts/_project_panel.html", project_panel, "side", 10)
    )
    register_stage_exit_check(CONTRACT_STAGE, contract_stage_refusal)
    register_nav_item(
        app,
        NavItem(_l("Supply contracts"), "contracts.index", Permission.VIEW_ARCHIVE, 31, "projects"),
    )
    app.cli.add_command(contracts_cli)
