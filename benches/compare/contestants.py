"""The proxies under test and the backend they forward to: generated configs and commands.

Switchyard and HAProxy run the very same HAProxy-syntax file; nginx gets an equivalent
nginx.conf (upstream keep-alive on, access log off, one process). The backend is one nginx
process answering a fixed body on several ports, pinned to the load generator's CPU.
"""

import os

# The body every backend answers: small, fixed, so the proxies' own work dominates.
BODY = "x" * 128


def haproxy_syntax(port, backend_ports, balance, hash_type=None, nbthread=1):
    """The config Switchyard and HAProxy both run: one frontend, one backend, `nbthread`
    worker threads."""
    servers = "\n".join(
        f"    server s{i + 1} 127.0.0.1:{p}" for i, p in enumerate(backend_ports)
    )
    hash_line = f"    hash-type {hash_type}\n" if hash_type else ""
    return f"""global
    nbthread {nbthread}
    maxconn 4000

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe
    bind 127.0.0.1:{port}
    default_backend be

backend be
    balance {balance}
{hash_line}{servers}
"""


def _nginx_conf(workdir, http_body):
    """A one-process nginx in the foreground, files under `workdir`, `http_body` in `http {}`."""
    return f"""worker_processes 1;
master_process off;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
worker_rlimit_nofile 16384;
events {{ worker_connections 8000; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    keepalive_requests 1000000;
{http_body}}}
"""


def nginx_proxy_conf(workdir, port, backend_ports):
    """nginx as a reverse proxy with its default round robin (the only algorithm compared with
    nginx): one process, upstream connections kept alive."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in backend_ports)
    return _nginx_conf(workdir, f"""    keepalive_timeout 30s;
    upstream be {{
{servers}
        keepalive 64;
        keepalive_requests 1000000;
    }}
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location / {{
            proxy_pass http://be;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
""")


def nginx_backend_conf(workdir, ports, status_port):
    """The test backend: a fixed 200 answer on every port, plus stub_status on `status_port`."""
    listens = "\n".join(f"        listen 127.0.0.1:{p} backlog=4096;" for p in ports)
    return _nginx_conf(workdir, f"""    keepalive_timeout 60s;
    server {{
{listens}
        location / {{
            default_type text/plain;
            return 200 "{BODY}";
        }}
    }}
    server {{
        listen 127.0.0.1:{status_port};
        location / {{ stub_status; }}
    }}
""")


def command(name, binary, workdir, config_text):
    """The argv that runs contestant `name` on `config_text` in the foreground."""
    if name == "nginx":
        path = os.path.join(workdir, "nginx.conf")
        argv = [binary, "-p", workdir, "-c", path, "-e", os.path.join(workdir, "error.log")]
    elif name == "haproxy":
        path = os.path.join(workdir, "haproxy.cfg")
        argv = [binary, "-db", "-f", path]
    else:
        path = os.path.join(workdir, "switchyard.cfg")
        argv = [binary, "-f", path]
    with open(path, "w") as f:
        f.write(config_text)
    return argv
