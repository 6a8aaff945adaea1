"""A tiny SSH server (paramiko) for password and keyboard-interactive logins.

OpenSSH's sshd checks passwords against real system accounts, which the tests
must not touch; this server knows one made-up user instead. It allows only
the methods named on its command line, asks a two-prompt keyboard-interactive
challenge (a password, then a one-time code, as two-factor logins do), and
serves direct-tcpip channels by connecting to the target and relaying.

    python3 paramiko_sshd.py PORT HOSTKEY METHODS   (METHODS e.g. "keyboard-interactive")
"""
import socket
import sys
import threading

import paramiko

USER, PASSWORD, CODE = "student", "hunter2", "123456"


class Server(paramiko.ServerInterface):
    def __init__(self, methods):
        self.methods = methods
        self.targets = {}

    def get_allowed_auths(self, username):
        return self.methods

    def check_auth_password(self, username, password):
        if "password" in self.methods and username == USER and password == PASSWORD:
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_auth_interactive(self, username, submethods):
        if "keyboard-interactive" not in self.methods or username != USER:
            return paramiko.AUTH_FAILED
        return paramiko.InteractiveQuery("", "Two-factor login", ("Password: ", False), ("Verification code: ", True))

    def check_auth_interactive_response(self, responses):
        return paramiko.AUTH_SUCCESSFUL if list(responses) == [PASSWORD, CODE] else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_direct_tcpip_request(self, chanid, origin, destination):
        self.targets[chanid] = destination
        return paramiko.OPEN_SUCCEEDED


def pump(source_recv, sink_send, on_eof):
    try:
        while True:
            data = source_recv(65536)
            if not data:
                break
            sink_send(data)
    except (OSError, EOFError):
        pass
    on_eof()


def relay(channel, target):
    try:
        sock = socket.create_connection(target, timeout=10)
    except OSError:
        channel.close()
        return
    sock.settimeout(None)
    up = threading.Thread(target=pump, args=(channel.recv, sock.sendall, lambda: sock.shutdown(socket.SHUT_WR)), daemon=True)
    up.start()
    pump(sock.recv, channel.sendall, channel.shutdown_write)
    up.join()
    channel.close()
    sock.close()


def serve(client, host_key, methods):
    transport = paramiko.Transport(client)
    transport.add_server_key(host_key)
    server = Server(methods)
    try:
        transport.start_server(server=server)
    except (paramiko.SSHException, EOFError, OSError):
        return
    while transport.is_active():
        channel = transport.accept(timeout=1)
        if channel is None:
            continue
        target = server.targets.get(channel.get_id())
        threading.Thread(target=relay, args=(channel, target), daemon=True).start()


def main():
    port, key_path, methods = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    host_key = paramiko.Ed25519Key.from_private_key_file(key_path)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, host_key, methods), daemon=True).start()


if __name__ == "__main__":
    main()
