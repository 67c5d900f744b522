"""Starts a real asd for the asclient tests and always stops it.

    node = AsdNode.start()      # free loopback ports, rendered config, temp dir
    client = asclient.client({"hosts": [("127.0.0.1", node.port)]}).connect()
    node.stop()                 # SIGTERM, then SIGKILL after 5 s; also run at exit

The binary is $ASD_BIN (default <repo>/build/bin/asd). Namespace `test` lives in memory.
"""

import atexit
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

_CONFIG = """service {{
  cluster-name pytest
  work-directory {tmp}
}}
logging {{
  console {{
    context any warning
  }}
}}
network {{
  service {{
    address 127.0.0.1
    port {port}
  }}
  heartbeat {{
    mode mesh
    port {hb}
  }}
  fabric {{
    port {fabric}
  }}
  info {{
    port {info}
  }}
}}
namespace test {{
  replication-factor 1
  memory-size 1G
  default-ttl 0
  nsup-period 10
  allow-ttl-without-nsup true
  storage-engine memory
}}
"""


def free_ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def info(port, command, timeout=1.0):
    """One info command on the service port; its value, or None."""
    body = (command + "\n").encode()
    header = struct.pack(">Q", (2 << 56) | (1 << 48) | len(body))
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(header + body)
        head = _recv(s, 8)
        size = struct.unpack(">Q", head)[0] & ((1 << 48) - 1)
        text = _recv(s, size).decode(errors="replace")
    for line in text.splitlines():
        name, _, value = line.partition("\t")
        if name == command:
            return value
    return None


def _recv(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed")
        out += chunk
    return out


class AsdNode:
    _live = []

    def __init__(self):
        self.proc = None
        self.tmp = None
        self.port = None

    @classmethod
    def start(cls, start_timeout=30.0):
        node = cls()
        binary = os.environ.get("ASD_BIN", os.path.join(REPO, "build", "bin", "asd"))
        if not os.access(binary, os.X_OK):
            raise RuntimeError(f"asd binary not found or not executable: {binary} (set ASD_BIN)")
        node.tmp = tempfile.mkdtemp(prefix="asclient-test-")
        node.port, hb, fabric, info_port = free_ports(4)
        conf = os.path.join(node.tmp, "asd.conf")
        with open(conf, "w") as f:
            f.write(_CONFIG.format(tmp=node.tmp, port=node.port, hb=hb, fabric=fabric, info=info_port))
        node.log_path = os.path.join(node.tmp, "asd.log")
        log = open(node.log_path, "w")
        node.proc = subprocess.Popen([binary, "--config-file", conf, "--foreground"],
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        cls._live.append(node)
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            if node.proc.poll() is not None:
                node.stop()
                raise RuntimeError(f"asd exited with {node.proc.returncode} during start")
            try:
                if info(node.port, "status") == "ok":
                    return node
            except OSError:
                pass
            time.sleep(0.1)
        node.stop()
        raise RuntimeError(f"asd did not answer on port {node.port} within {start_timeout} s")

    def kill(self):
        """SIGKILL, as a crash: the server drops every connection."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
        if self in AsdNode._live:
            AsdNode._live.remove(self)


class NodeTestCase(unittest.TestCase):
    """One asd and one connected client for the whole class, always stopped."""

    @classmethod
    def setUpClass(cls):
        import asclient
        cls.node = AsdNode.start()
        cls.addClassCleanup(cls.node.stop)
        cls.client = asclient.client({"hosts": [("127.0.0.1", cls.node.port)]}).connect()
        cls.addClassCleanup(cls.client.close)


@atexit.register
def _stop_all():
    for node in list(AsdNode._live):
        node.stop()
