"""Tornado over HTTP long-polling: `webio_handler`, `start_server`, as PyWebIO 1.8.4's
`pywebio.platform.tornado_http` (docs/protocol.md §9, docs/embedding.md). Tornado is imported only
when these are called.

Tornado runs asyncio: a handler converts its request, awaits `WebIOApp.handle_request` on the
same loop (the sessions' loop) and writes the answer. ``(r"/tool", webio_handler(main))`` serves
the page, its poll requests and its frontend files (``?_pwl_file=PATH``) through that one route.
"""

from __future__ import annotations

from .wsgi import HostRequest, make_app, check_remote_access, view_for

__all__ = ["webio_handler", "start_server"]


def _handler_class(app):
    import tornado.web
    from ..protocol.http import Headers

    class WebIOHttpHandler(tornado.web.RequestHandler):
        """The page, its frontend files and its poll requests, at one URL."""

        def check_xsrf_cookie(self) -> None:
            pass  # poll requests are checked against their Origin instead

        async def _answer(self) -> None:
            req = self.request
            if len(req.body) > app.max_body:
                self.set_status(413)
                self.finish(b"Request body too large")
                return
            target = "/" + ("?" + req.query if req.query else "")
            remote = (req.remote_ip or "", 0)
            request = HostRequest(req.method, target, req.version, Headers(list(req.headers.get_all())),
                                  req.body, remote)
            request.native, request.page_path = req, req.path
            response = await app.handle_request(request)
            self.clear()
            self.set_status(response.status)
            for name in list(self._headers):
                self.clear_header(name)
            for name, value in response.headers:
                self.add_header(name, value)
            if response.body and req.method != "HEAD":
                self.write(response.body)
            await self.finish()

        get = head = post = options = _answer

    return WebIOHttpHandler


def webio_handler(applications, cdn=True, session_expire_seconds=None, session_cleanup_interval=None,
                  allowed_origins=None, check_origin=None):
    """A Tornado RequestHandler class serving PyWebIO apps over HTTP: ``(r"/tool", webio_handler(main))``.

    Arguments as in `pywebio_lite.platform.flask.webio_view`.
    """
    return view_for(_handler_class, applications, "tornado", cdn=cdn, session_expire_seconds=session_expire_seconds,
                    session_cleanup_interval=session_cleanup_interval, allowed_origins=allowed_origins,
                    check_origin=check_origin)


def start_server(applications, port=8080, host="", debug=False, cdn=True, static_dir=None,
                 allowed_origins=None, check_origin=None, auto_open_webbrowser=False, session_expire_seconds=None,
                 session_cleanup_interval=None, max_payload_size="200M", **tornado_app_settings):
    """Serve PyWebIO apps with Tornado over HTTP long-polling until Ctrl-C (the page at ``/``,
    `static_dir` at ``/static/``)."""
    import asyncio
    import webbrowser
    import tornado.web
    remote_access = tornado_app_settings.pop("remote_access", False)
    check_remote_access(remote_access)
    app = make_app(applications, backend="tornado", cdn=cdn, static_dir=static_dir, allowed_origins=allowed_origins,
                   check_origin=check_origin, session_expire_seconds=session_expire_seconds,
                   session_cleanup_interval=session_cleanup_interval, max_payload_size=max_payload_size,
                   debug=debug, files_by_query=True)
    routes = [(r"/", _handler_class(app))]
    if static_dir is not None:
        routes.append((r"/static/(.*)", tornado.web.StaticFileHandler, {"path": static_dir}))

    async def serve():
        application = tornado.web.Application(routes, debug=debug, **tornado_app_settings)
        server = application.listen(port, address=host, max_buffer_size=app.max_body, max_body_size=app.max_body)
        bound = next(iter(server._sockets.values())).getsockname()[1]
        url = f"http://{host or 'localhost'}:{bound}/"
        print(f"Running on {url}  (Press CTRL+C to quit)", flush=True)
        if auto_open_webbrowser:
            webbrowser.open(url)
        from .remote_access import remote_access_for
        with remote_access_for(bound, remote_access):
            await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
