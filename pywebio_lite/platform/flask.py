"""Flask: `webio_view`, `wsgi_app`, `start_server`, as in PyWebIO 1.8.4 (sessions over HTTP
long-polling, docs/protocol.md §9; docs/embedding.md). Flask is imported only when these are called.

A view serves everything through its one URL: the page, the poll requests (POST), and the
frontend files (``?_pwl_file=PATH``), so ``app.add_url_rule('/tool', 'webio_view', webio_view(main),
methods=['GET', 'POST', 'OPTIONS'])`` works as it is, with ``cdn=False`` too.
"""

from __future__ import annotations

from typing import Callable

from . import run_event_loop
from .wsgi import check_remote_access, answer, make_app, view_for, read_body, request_from_environ, status_line, too_large

__all__ = ["webio_view", "wsgi_app", "start_server", "run_event_loop"]


def _view(app) -> Callable:
    import flask

    def view(*args, **kwargs):
        request = flask.request
        environ = request.environ
        body = read_body(environ, app.max_body, lambda n: request.stream.read(n))
        if body is None:
            response = too_large()
        else:
            native = request._get_current_object()  # the proxy works only inside this request
            response = answer(app, request_from_environ(environ, path="/", body=body, native=native))
        out = flask.Response(response.body, status=status_line(response.status))
        out.headers.clear()
        for name, value in response.headers:
            out.headers.add(name, value)
        return out
    view.__name__ = "webio_view"
    return view


def webio_view(applications, cdn=True, session_expire_seconds=None, session_cleanup_interval=None,
               allowed_origins=None, check_origin=None) -> Callable:
    """A Flask view function serving PyWebIO apps; register it with ``methods=['GET', 'POST', 'OPTIONS']``.

    Args:
        applications: an app function, a list of them, or a dict name -> app (``?app=NAME``).
        cdn: ignored (the frontend files are always served through the view's own URL).
        session_expire_seconds: a session with no request for this long closes (default 600).
        session_cleanup_interval: accepted as in PyWebIO (each session's expiry is exact here).
        allowed_origins, check_origin: other origins allowed to talk to the sessions.
    """
    return view_for(_view, applications, "flask", cdn=cdn, session_expire_seconds=session_expire_seconds,
                    session_cleanup_interval=session_cleanup_interval, allowed_origins=allowed_origins,
                    check_origin=check_origin)


def wsgi_app(applications, cdn=True, static_dir=None, allowed_origins=None, check_origin=None,
             session_expire_seconds=None, session_cleanup_interval=None, max_payload_size="200M"):
    """A Flask app serving PyWebIO apps at ``/`` (and `static_dir` at ``/static/``)."""
    import flask
    app = make_app(applications, backend="flask", cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                   check_origin=check_origin, session_expire_seconds=session_expire_seconds,
                   session_cleanup_interval=session_cleanup_interval, max_payload_size=max_payload_size,
                   files_by_query=True)
    flask_app = flask.Flask(__name__, static_folder=None)
    flask_app.add_url_rule("/", "webio_view", _view(app), methods=["GET", "HEAD", "POST", "OPTIONS"])
    if static_dir is not None:
        import os

        def static(path):
            return flask.send_from_directory(os.path.abspath(static_dir), path)
        flask_app.add_url_rule("/static/<path:path>", "pywebio_static", static)
    flask_app.config["MAX_CONTENT_LENGTH"] = app.max_body
    return flask_app


def start_server(applications, port=8080, host="", cdn=True, static_dir=None, remote_access=False,
                 allowed_origins=None, check_origin=None, session_expire_seconds=None,
                 session_cleanup_interval=None, debug=False, max_payload_size="200M", **flask_options):
    """Serve PyWebIO apps with Flask's own server (threaded) until Ctrl-C."""
    check_remote_access(remote_access)
    app = wsgi_app(applications, cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                   check_origin=check_origin, session_expire_seconds=session_expire_seconds,
                   session_cleanup_interval=session_cleanup_interval, max_payload_size=max_payload_size)
    flask_options.setdefault("threaded", True)
    flask_options.setdefault("use_evalex", False)
    from .remote_access import remote_access_for
    with remote_access_for(port, remote_access):  # Flask's server binds `port` itself: give one
        app.run(host=host or "0.0.0.0", port=port, debug=debug, **flask_options)
