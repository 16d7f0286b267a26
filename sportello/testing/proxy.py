"""A TCP proxy on loopback that a test can cut and restore: a database restart or a
failover, as the processes behind it see it, without touching the shared server."""

import contextlib
import socket
import threading


class TCPProxy:
    """Forwards 127.0.0.1:`port` to `target`. `cut()` drops every open connection and
    refuses new ones (the server is down); `restore()` accepts them again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener: socket.socket | None = None
        self.port = 0
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> int:
        """Stops listening and closes every forwarded connection; returns how many."""
        self._close(self.listener)
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for end in pair:
                self._close(end)
        return len(pairs)

    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._close(client)
                continue
            server.settimeout(None)
            with self.lock:
                self.pairs.append((client, server))
            for source, destination in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, destination), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, destination: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                destination.sendall(data)
        for end in (source, destination):
            TCPProxy._close(end)

    @staticmethod
    def _close(end: socket.socket) -> None:
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            end.close()
