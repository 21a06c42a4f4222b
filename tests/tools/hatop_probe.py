"""Drives hatop's own socket and parsing code (not its curses screen) against a stats socket.

Usage: python3 hatop_probe.py <socket path> [<command>]

Loads /usr/bin/hatop as a module, connects the way hatop does (`prompt`, `set timeout cli`),
optionally sends <command> the way its hotkeys do, reads `show info` and `show stat` through
hatop's parsers, and prints one JSON object: what hatop would display.
"""

import importlib.machinery
import importlib.util
import json
import shutil
import sys


def load_hatop():
    path = shutil.which("hatop")
    if path is None:
        sys.exit("hatop is not installed")
    loader = importlib.machinery.SourceFileLoader("hatop", path)
    spec = importlib.util.spec_from_loader("hatop", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def main():
    hatop = load_hatop()
    socket = hatop.Socket(sys.argv[1])
    socket.connect()
    if len(sys.argv) > 2:
        socket.send(sys.argv[2].encode())
        reply = list(socket.recv())
    else:
        reply = []
    data = hatop.SocketData(socket)
    data.update_info()
    data.update_stat()
    rows = [
        {"pxname": row["pxname"], "svname": row["svname"], "status": row["status"],
         "weight": row["weight"], "stot": row["stot"]}
        for sids in data.stat.values()
        for row in sids.values()
    ]
    socket.close()
    print(json.dumps({
        "reply": reply,
        "name": data.info.get("software_name"),
        "version": data.info.get("software_version"),
        "pxcount": data.pxcount,
        "svcount": data.svcount,
        "rows": rows,
    }))


if __name__ == "__main__":
    main()
