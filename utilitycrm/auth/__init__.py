"""Users, roles, sign-in and the one access check every view goes through."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from utilitycrm.core.extensions import login_manager


def init_app(app: Flask) -> None:
    from utilitycrm.auth import access, admin, api, cli, inbox, jobs, loaders, security_log, views
    from utilitycrm.auth.roles import Permission
    from utilitycrm.core.api import register_api
    from utilitycrm.core.inbox import register_source
    from utilitycrm.core.navigation import NavItem, NavMenu, register_nav_item, register_nav_menu

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    login_manager.user_loader(loaders.session_user)
    login_manager.request_loader(loaders.token_user)

    app.register_blueprint(views.bp)
    app.add_template_filter(security_log.event_detail, "security_detail")
    app.register_blueprint(admin.bp)
    app.register_blueprint(jobs.bp)
    register_api(api.blp)
    register_source(app, inbox.SOURCE)
    register_nav_menu(app, NavMenu("admin", _l("Administration"), 90))
    for label, endpoint, permission, order in (
        (_l("Users"), "admin.users", Permission.MANAGE_USERS, 90),
        (_l("Jobs"), "jobs.job_list", Permission.MANAGE_JOBS, 91),
        (_l("Security log"), "admin.security_events", Permission.VIEW_SECURITY_LOG, 92),
    ):
        register_nav_item(app, NavItem(label, endpoint, permission, order, "admin"))
    app.cli.add_command(cli.users)
    access.init_app(app)
    # The API's description is no secret.
    access.declare_endpoint(app, "api-docs.openapi_json", access.public)
