"""Who is asking: the browser session for pages, a bearer token for the API.

The API ignores session cookies, so that a page an attacker lures a signed-in user to
cannot call it (the API is exempt from CSRF tokens); pages ignore tokens.
"""

from __future__ import annotations

from flask import Request, request

from utilitycrm.auth import services
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db

API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def session_user(session_id: str) -> User | None:
    if is_api_request():
        return None
    return services.load_session_user(session_id)


def token_user(req: Request) -> User | None:
    if not req.path.startswith(API_PREFIX):
        return None
    scheme, _, secret = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    user = services.user_for_token(secret.strip())
    if user is not None:
        db.session.commit()  # the token's last use
    return user
