"""The asyncio server: one port for the app page, static files and the WebSocket upgrade.

`Server(app)` serves an application object with ``async handle_request(request) -> Response``
and ``handle_websocket(request) -> WebSocketHandler | Response``. `WebSocketHandler` is the base
class for WebSocket handlers, `WebSocket` what they are given to send with. `serve_static`,
`origin_allowed` and `host_allowed` are helpers for the platform layer.
"""
from .connection import WebSocket, WebSocketHandler
from .core import Server
from .origin import check_allowed_hosts, host_allowed, origin_allowed
from .static import resolve_static, serve_static

__all__ = ["Server", "WebSocket", "WebSocketHandler", "serve_static", "resolve_static",
           "origin_allowed", "host_allowed", "check_allowed_hosts"]
