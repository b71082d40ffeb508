"""The ASGI app: sessions, CSRF, CSP, login, error pages, and the routes of views.py and review.py.

create_app(store) is what `fazhi serve` runs and what the tests drive with the ASGI test client.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from fazhi.web import i18n, models as m
from fazhi.web.security import SecurityHeaders, csrf_ok, csrf_token, wait_seconds
from fazhi.web.service import Store

log = logging.getLogger("fazhi.web")
HERE = Path(__file__).parent
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def lang_of(request: Request) -> str:
    lang = request.session.get("lang")
    return lang if lang in i18n.LANGS else "zh"


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    user = getattr(request.state, "user", None)
    html = _env.get_template(name).render(
        request=request, user=user, lang=lang, csrf=csrf_token(request.session),
        t=lambda key, **kw: i18n.t(lang, key, **kw), text=lambda x: x.get(lang) if x is not None else "",
        problem_text=lambda msg: i18n.problem_text(lang, msg), **context)
    return HTMLResponse(html, status_code=status)


def store_of(request: Request) -> Store:
    return request.app.state.store


async def form_checked(request: Request) -> Any:
    """The posted form, after its CSRF token is checked (403 otherwise)."""
    form = await request.form(max_files=1, max_fields=2000, max_part_size=25 * 1024 * 1024)
    if not csrf_ok(request.session, form.get("csrf")):
        raise HTTPException(403, "csrf")
    return form


def current_user(request: Request) -> m.User | None:
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    with store_of(request).session() as s:
        user = s.get(m.User, uid)
        return user if user is not None and user.active else None


def require_user(request: Request) -> m.User:
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "login")
    request.state.user = user
    return user


# --- login ------------------------------------------------------------------------------------------

async def login_page(request: Request) -> Response:
    return render(request, "login.html", message=None)


async def login(request: Request) -> Response:
    form = await form_checked(request)
    name, password = str(form.get("username", ""))[:100], str(form.get("password", ""))[:1000]
    store = store_of(request)
    lang = lang_of(request)
    with store.session() as s, s.begin():
        from sqlalchemy import select
        user = s.scalar(select(m.User).where(m.User.name == name))
        now = m.utcnow()
        if user is not None:
            wait = wait_seconds(user.failed_logins, user.last_failed_at, now)
            if wait:
                return render(request, "login.html", 429, message=i18n.t(lang, "login_slow", seconds=wait))
        if user is None or not user.active or not store.check_password(user, password):
            if user is not None:
                user.failed_logins += 1
                user.last_failed_at = now
            return render(request, "login.html", 400, message=i18n.t(lang, "login_failed"))
        user.failed_logins, user.last_failed_at = 0, None
        uid = user.id
    request.session.clear()
    request.session.update(uid=uid, lang=lang)
    csrf_token(request.session)
    return RedirectResponse("/", 303)


async def logout(request: Request) -> Response:
    await form_checked(request)
    lang = lang_of(request)
    request.session.clear()
    request.session["lang"] = lang
    return RedirectResponse("/login", 303)


async def set_language(request: Request) -> Response:
    lang = request.path_params["lang"]
    if lang not in i18n.LANGS:
        raise HTTPException(404, "not_found")
    request.session["lang"] = lang
    back = request.query_params.get("next", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    return RedirectResponse(back, 303)


# --- errors: a page in the user's language, never a traceback -------------------------------------

async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 401:
        return RedirectResponse("/login", 303)
    key = exc.detail if exc.detail in i18n.TEXTS else {403: "forbidden", 404: "not_found"}.get(exc.status_code, "bad_request")
    return render(request, "error.html", exc.status_code, message=i18n.t(lang_of(request), key))


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    lang = lang_of(request)
    return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>500</title><p>{i18n.t(lang, 'server_error')}</p>", 500)


def create_app(store: Store) -> Starlette:
    from fazhi.web import review, views
    routes = [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/lang/{lang}", set_language, methods=["GET"]),
        *review.routes(),  # before views: /d/{district}/manage is not a period
        *views.routes(),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=store.secret, session_cookie="fazhi_session", same_site="lax",
                   https_only=False, max_age=12 * 3600),
    ]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.store = store
    from fazhi.web import engine_bridge
    engine_bridge.evaluator()  # load the catalogue now, not on the first user's page
    return app


def app_from_environment() -> Starlette:
    """The app for `fazhi serve --workers N`: each worker process opens the store that the parent named in
    FAZHI_DB and FAZHI_INSTANCE (uvicorn starts workers from an import string, not from an object)."""
    import os
    return create_app(Store.open(os.environ.get("FAZHI_DB") or None, os.environ.get("FAZHI_INSTANCE") or None))
