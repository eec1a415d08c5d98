"""A release `wheelwright serve` for a benchmark: on a free port of 127.0.0.1, root's password
given, returned once it accepts connections."""
import os, socket, subprocess, time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(wheelwright, data, root_password):
    """(process, port) of `wheelwright serve --data DATA` on a free port, ready."""
    port = free_port()
    server = subprocess.Popen([wheelwright, "serve", "--data", data, "--port", str(port)],
                              env={**os.environ, "WHEELWRIGHT_ROOT_PASSWORD": root_password},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return server, port
