"""Sans-I/O protocol code: HTTP/1.1, RFC 6455 WebSocket, RFC 7692 permessage-deflate and the
pywebio_lite app protocol. Bytes in, events and bytes out: no sockets, threads or clocks here."""
