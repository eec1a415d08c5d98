#!/usr/bin/env python3
"""Downloads over a raw socket, as clients the HTTP libraries hide do them.

  raw_downloads.py pipelined HOST PORT PATH...   every GET in one write; each answer in order
  raw_downloads.py close HOST PORT PATH          one GET with `Connection: close`, read to EOF
  raw_downloads.py stall HOST PORT PATH SECONDS  a GET, then nothing read for SECONDS, then the rest

Prints one line per answer: `STATUS BODY-BYTES SHA256`; `stall` prints `BYTES-RECEIVED eof`
(the server ended the connection) or `BYTES-RECEIVED open`.
"""
import hashlib, socket, sys, time


def connect(host, port, receive_buffer=None):
    connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    connection.connect((host, int(port)))
    connection.settimeout(60)
    return connection


class Reader:
    def __init__(self, connection):
        self.connection, self.buffer = connection, b""

    def fill(self):
        chunk = self.connection.recv(1 << 20)
        if not chunk:
            raise EOFError
        self.buffer += chunk

    def head(self):
        while b"\r\n\r\n" not in self.buffer:
            self.fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        fields = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
        return int(lines[0].split()[1]), fields

    def body(self, length):
        while len(self.buffer) < length:
            self.fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return body

    def rest(self):
        try:
            while True:
                self.fill()
        except EOFError:
            return self.buffer


def request(path, close=False):
    return f"GET {path} HTTP/1.1\r\nHost: test\r\n{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n".encode()


mode, host, port = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "pipelined":
    connection = connect(host, port)
    connection.sendall(b"".join(request(path) for path in sys.argv[4:]))
    reader = Reader(connection)
    for _ in sys.argv[4:]:
        status, fields = reader.head()
        body = reader.body(int(fields.get("content-length", "0")))
        print(status, len(body), hashlib.sha256(body).hexdigest(), flush=True)
elif mode == "close":
    connection = connect(host, port)
    connection.sendall(request(sys.argv[4], close=True))
    reader = Reader(connection)
    status, _ = reader.head()
    body = reader.rest()
    print(status, len(body), hashlib.sha256(body).hexdigest())
elif mode == "stall":
    connection = connect(host, port, receive_buffer=4096)
    connection.sendall(request(sys.argv[4]))
    time.sleep(float(sys.argv[5]))
    received, ended = 0, "open"
    connection.settimeout(5)
    try:
        while True:
            chunk = connection.recv(1 << 20)
            if not chunk:
                ended = "eof"
                break
            received += len(chunk)
    except ConnectionResetError:
        ended = "eof"
    except socket.timeout:
        pass
    print(received, ended)
