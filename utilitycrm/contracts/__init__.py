"""Supply contracts (供用电合同): generated from the archive, numbered, frozen when signed."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from utilitycrm.auth.roles import Permission
    from utilitycrm.contracts import models  # noqa: F401 - the tables join the metadata
    from utilitycrm.contracts.api import blp as api_blueprint
    from utilitycrm.contracts.cli import contracts_cli
    from utilitycrm.contracts.queries import describe_deadlines
    from utilitycrm.contracts.services import KIND
    from utilitycrm.contracts.types import ContractEventKind, ContractKind, ContractStatus
    from utilitycrm.contracts.views import bp
    from utilitycrm.core.api import register_api
    from utilitycrm.core.navigation import NavItem, register_nav_item
    from utilitycrm.deadlines.services import register_kind

    register_kind(KIND, _l("Supply contract renewal"), describe_deadlines)
    app.jinja_env.globals.update(
        contract_kind_enum=ContractKind,
        contract_status_enum=ContractStatus,
        contract_event_enum=ContractEventKind,
    )
    app.register_blueprint(bp)
    register_api(api_blueprint)
    register_nav_item(app, NavItem(_l("Contracts"), "contracts.index", Permission.VIEW_ARCHIVE, 40))
    app.cli.add_command(contracts_cli)
