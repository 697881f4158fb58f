"""Start Debian's nginx for a test: on a listening socket the test made, with a config of its own.

The test binds the socket and hands it to nginx (nginx's NGINX environment variable, as for a
binary upgrade), so connections queue in the backlog from the first moment: nothing has to wait
for nginx to start.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess

MAIN_CONF = """
daemon off;
user root;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{http}
}}
"""


class Nginx:
    """nginx processes started by a test; `stop()` ends them all."""

    def __init__(self, folder):
        self.folder = folder
        self.procs: list[subprocess.Popen] = []
        self.sockets: list[socket.socket] = []
        self.binary = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
        if self.binary is None:
            raise RuntimeError("nginx is needed for the proxy tests (apt-get install nginx)")

    def listener(self) -> socket.socket:
        """A loopback socket, already listening, for nginx to take over."""
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(1024)
        sock.set_inheritable(True)
        self.sockets.append(sock)
        return sock

    def start(self, http_block: str, sock: socket.socket) -> None:
        """Run nginx with `http_block` inside its http { } (it must `listen` on sock's port)."""
        conf = self.folder / f"nginx-{len(self.procs)}.conf"
        conf.write_text(MAIN_CONF.format(dir=self.folder, http=http_block))
        env = {**os.environ, "NGINX": f"{sock.fileno()};"}
        self.procs.append(subprocess.Popen([self.binary, "-c", str(conf), "-p", str(self.folder)], env=env,
                                           pass_fds=[sock.fileno()], stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
            proc.wait()
        for sock in self.sockets:
            sock.close()
