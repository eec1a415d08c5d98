#!/usr/bin/env python3
"""Opens idle TCP connections to a server and holds them, as an attacker would.

  hold_connections.py HOST PORT COUNT SOURCE_ADDRESS SECONDS [--partial-body]

Each connection is bound to SOURCE_ADDRESS (any 127.x.y.z on loopback) and sends nothing, or
with --partial-body a request head that promises 1,000 bytes of body and sends 10. Prints
"open N" once N are open, then holds them until SECONDS pass or stdin closes, and prints
"closed-by-server M": how many the server had closed by then.
"""
import select
import socket
import sys
import time


def main():
    host, port, count, source, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
    partial = "--partial-body" in sys.argv
    sockets = []
    for _ in range(count):
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.bind((source, 0))
        try:
            connection.connect((host, port))
        except OSError:
            connection.close()
            continue
        if partial:
            # alice's upload, authenticated, whose body stops after 10 of the 1,000 bytes promised.
            connection.sendall(b"POST /alice/dev/ HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWxpY2U6YWxpY2Utc2VjcmV0\r\n"
                               b"Content-Length: 1000\r\nContent-Type: multipart/form-data; boundary=b\r\n\r\n--b\r\nCont")
        connection.setblocking(False)
        sockets.append(connection)
    print(f"open {len(sockets)}", flush=True)
    deadline = time.monotonic() + seconds
    closed = set()
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sys.stdin], [], [], 0.2)
        if readable and not sys.stdin.readline():
            break
    for connection in sockets:
        try:
            while connection.recv(65536):
                pass
            closed.add(connection.fileno())
        except BlockingIOError:
            pass
        except OSError:
            closed.add(connection.fileno())
    print(f"closed-by-server {len(closed)}", flush=True)


if __name__ == "__main__":
    main()
