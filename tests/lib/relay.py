"""tests/lib/relay.py LISTEN_PORT TARGET_PORT - a TCP relay on loopback, for
the run tests: every connection to LISTEN_PORT is carried to TARGET_PORT,
both ways, until either end closes. Started late, it makes a link that
comes up when the test says so."""
import socket
import sys
import threading


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for end in (src, dst):
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen()
    while True:
        client, _ = server.accept()
        try:
            target = socket.create_connection(("127.0.0.1", target_port))
        except OSError:
            client.close()
            continue
        for a, b in ((client, target), (target, client)):
            threading.Thread(target=pipe, args=(a, b), daemon=True).start()


main()
