"""Django: `webio_view`, `wsgi_app`, `start_server`, as in PyWebIO 1.8.4 (sessions over HTTP
long-polling, docs/protocol.md §9; docs/embedding.md). Django is imported only when these are called.

``path('tool', webio_view(main))`` serves the page, its poll requests and its frontend files
(``?_pwl_file=PATH``) through that one URL, with ``cdn=False`` too; the view is CSRF-exempt
(poll requests are checked against the Origin instead).
"""

from __future__ import annotations

from typing import Callable

from . import run_event_loop
from .wsgi import check_remote_access, answer, make_app, view_for, read_body, request_from_environ, status_line, too_large

__all__ = ["webio_view", "wsgi_app", "start_server", "run_event_loop"]

urlpatterns: list = []  # wsgi_app()'s routes (this module is its ROOT_URLCONF, as in PyWebIO)


def _view(app) -> Callable:
    from django.http import HttpResponse
    from django.views.decorators.csrf import csrf_exempt

    def view(request, *args, **kwargs):
        body = read_body(request.META, app.max_body, request.read)
        if body is None:
            response = too_large()
        else:
            response = answer(app, request_from_environ(request.META, path="/", body=body, native=request))
        out = HttpResponse(response.body, status=response.status)
        out.reason_phrase = status_line(response.status).split(" ", 1)[1]
        for name in list(out.headers):
            del out.headers[name]
        for name, value in response.headers:
            out.headers[name] = value
        return out
    view.__name__ = "webio_view"
    return csrf_exempt(view)


def webio_view(applications, cdn=True, session_expire_seconds=None, session_cleanup_interval=None,
               allowed_origins=None, check_origin=None) -> Callable:
    """A Django view serving PyWebIO apps: ``path('tool', webio_view(main))``.

    Arguments as in `pywebio_lite.platform.flask.webio_view`.
    """
    return view_for(_view, applications, "django", cdn=cdn, session_expire_seconds=session_expire_seconds,
                    session_cleanup_interval=session_cleanup_interval, allowed_origins=allowed_origins,
                    check_origin=check_origin)


def wsgi_app(applications, cdn=True, static_dir=None, allowed_origins=None, check_origin=None,
             session_expire_seconds=None, session_cleanup_interval=None, debug=False, max_payload_size="200M",
             **django_options):
    """A Django WSGI application serving PyWebIO apps at ``/`` (`static_dir` at ``/static/``).

    Configures Django's settings (this module as ROOT_URLCONF, ALLOWED_HOSTS ['*'] unless given
    in `django_options`) if they are not configured yet, as PyWebIO does.
    """
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.urls import path, re_path
    from django.utils.crypto import get_random_string
    from .wsgi import parse_file_size
    if not settings.configured:
        options = dict(DEBUG=debug, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], SECRET_KEY=get_random_string(16),
                       DATA_UPLOAD_MAX_MEMORY_SIZE=parse_file_size(max_payload_size, name="max_payload_size"))
        options.update(django_options)
        settings.configure(**options)
    view = _view(make_app(applications, backend="django", cdn=cdn, allowed_origins=allowed_origins,
                          check_origin=check_origin, session_expire_seconds=session_expire_seconds,
                          session_cleanup_interval=session_cleanup_interval, max_payload_size=max_payload_size,
                          debug=debug, files_by_query=True))
    urlpatterns[:] = [path("", view)]
    if static_dir is not None:
        import os
        from django.views.static import serve
        urlpatterns.append(re_path(r"^static/(?P<path>.*)$", serve, {"document_root": os.path.abspath(static_dir)}))
    return get_wsgi_application()


def start_server(applications, port=8080, host="", cdn=True, static_dir=None, remote_access=False,
                 allowed_origins=None, check_origin=None, session_expire_seconds=None,
                 session_cleanup_interval=None, debug=False, max_payload_size="200M", **django_options):
    """Serve PyWebIO apps with Django on a threaded WSGI server (the standard library's) until Ctrl-C."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIServer, make_server
    check_remote_access(remote_access)
    application = wsgi_app(applications, cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                           check_origin=check_origin, session_expire_seconds=session_expire_seconds,
                           session_cleanup_interval=session_cleanup_interval, debug=debug,
                           max_payload_size=max_payload_size, **django_options)

    class Threaded(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    with make_server(host or "0.0.0.0", port, application, server_class=Threaded) as server:
        print(f"Running on http://{host or '0.0.0.0'}:{server.server_port}/  (Press CTRL+C to quit)", flush=True)
        from .remote_access import remote_access_for
        try:
            with remote_access_for(server.server_port, remote_access):
                server.serve_forever()
        except KeyboardInterrupt:
            pass
