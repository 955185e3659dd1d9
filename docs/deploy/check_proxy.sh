#!/usr/bin/env bash
# Check docs/deploy/nginx.conf for real: two LSTM Lens replicas behind it, all on loopback.
#
#   docs/deploy/check_proxy.sh          # from the repository root (or anywhere)
#
# Installs nothing. Starts two `streamlit run app.py` replicas and one nginx with the site
# file (ports swapped for free ones), then checks through the proxy:
#   1. /_stcore/health answers "ok";
#   2. a websocket upgrade to /_stcore/stream answers 101, and the app talks over it
#      (a rerun request gets the app's first messages back);
#   3. stickiness: the first response sets the lens_sticky cookie; every request with that
#      cookie (HTTP and websocket) reaches the same replica; many students spread over both;
#   4. a 5 MB upload is not refused by nginx (client_max_body_size);
# and stops everything it started. Exit status 0 when every check passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SITE="$ROOT/docs/deploy/nginx.conf"
PYTHON="${PYTHON:-python3}"
NGINX="$(command -v nginx || true)"
[ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
if [ -z "$NGINX" ]; then
  echo "nginx is not installed. On Debian: apt-get install nginx   (this script installs nothing)" >&2
  exit 2
fi
command -v curl >/dev/null || { echo "curl is not installed: apt-get install curl" >&2; exit 2; }

WORK="$(mktemp -d /tmp/lens-proxy-check.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
R1=$(free_port); R2=$(free_port); PROXY=$(free_port)
while [ "$R2" = "$R1" ]; do R2=$(free_port); done
while [ "$PROXY" = "$R1" ] || [ "$PROXY" = "$R2" ]; do PROXY=$(free_port); done
BASE="http://127.0.0.1:$PROXY"
FAILED=0
ok()   { echo "ok   $*"; }
fail() { echo "FAIL $*"; FAILED=1; }

echo "replicas on 127.0.0.1:$R1 and :$R2, nginx on :$PROXY (work dir $WORK)"
for port in "$R1" "$R2"; do
  (cd "$ROOT" && exec "$PYTHON" -m streamlit run app.py --server.port "$port" --server.address 127.0.0.1 \
      --server.headless true --browser.gatherUsageStats false >"$WORK/replica-$port.log" 2>&1) &
  PIDS+=($!)
done

# The site file as it is, with the test ports; wrapped in a minimal main config.
sed -e "s/127\.0\.0\.1:8501/127.0.0.1:$R1/" -e "s/127\.0\.0\.1:8502/127.0.0.1:$R2/" \
    -e "s/listen 127\.0\.0\.1:8080;/listen 127.0.0.1:$PROXY;/" "$SITE" >"$WORK/site.conf"
grep -q "127.0.0.1:$R1" "$WORK/site.conf" && grep -q "listen 127.0.0.1:$PROXY;" "$WORK/site.conf" \
  || { echo "could not set the test ports in $SITE" >&2; exit 1; }
mkdir -p "$WORK/logs" "$WORK/tmp"
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat >"$WORK/nginx.conf" <<CONF
$USER_LINE
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log $WORK/logs/access.log;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    include $WORK/site.conf;
}
CONF
if ! "$NGINX" -t -p "$WORK" -c "$WORK/nginx.conf" >"$WORK/nginx-t.log" 2>&1; then
  cat "$WORK/nginx-t.log" >&2; echo "FAIL nginx -t refused the config" >&2; exit 1
fi
ok "nginx -t accepts docs/deploy/nginx.conf"
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf"   # daemonizes; stopped through its pid file

for port in "$R1" "$R2"; do
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/_stcore/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
done

# 1. health through the proxy
health="$(curl -fsS "$BASE/_stcore/health" || true)"
[ "$health" = "ok" ] && ok "/_stcore/health through the proxy: $health" || fail "/_stcore/health through the proxy: '$health'"

# 3a. the first response sets the sticky cookie, and the next requests with it stay put
headers="$(curl -sS -D - -o /dev/null "$BASE/")"
cookie="$(printf '%s' "$headers" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(lens_sticky=[^;]*\).*/\1/p' | head -1)"
first="$(printf '%s' "$headers" | tr -d '\r' | sed -n 's/^[Xx]-[Ll]ens-[Uu]pstream: //p' | head -1)"
if [ -n "$cookie" ]; then ok "first visit gets a sticky cookie ($cookie) from $first"; else fail "no lens_sticky cookie on the first response"; fi
upstreams="$(for _ in $(seq 1 10); do
  curl -sS -o /dev/null -D - -H "Cookie: $cookie" "$BASE/_stcore/health" | tr -d '\r' | sed -n 's/^[Xx]-[Ll]ens-[Uu]pstream: //p'
done | sort -u)"
if [ "$(printf '%s\n' "$upstreams" | wc -l)" = 1 ] && [ "$upstreams" = "$first" ]; then
  ok "10 requests with that cookie all reached $upstreams (the replica of the first visit)"
else
  fail "requests with one cookie reached: $(echo $upstreams) (first visit: $first)"
fi
spread="$(for k in $(seq 1 30); do
  curl -sS -o /dev/null -D - -H "Cookie: lens_sticky=student-$k" "$BASE/_stcore/health" | tr -d '\r' | sed -n 's/^[Xx]-[Ll]ens-[Uu]pstream: //p'
done | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')"
if [ "$(echo "$spread" | wc -w)" = 2 ]; then ok "30 students spread over both replicas: $spread"; else fail "30 students on: $spread"; fi

# 2 + 3b. websocket upgrade through the proxy: 101, the app answers, same replica as the cookie's
"$PYTHON" - "$PROXY" "$cookie" "$first" <<'PY' || FAILED=1
import socket, struct, sys, os, base64, time

port, cookie, expected = int(sys.argv[1]), sys.argv[2], sys.argv[3]
import streamlit  # noqa: F401  (the protobuf classes need streamlit imported first)
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

key = base64.b64encode(os.urandom(16)).decode()
sock = socket.create_connection(("127.0.0.1", port), timeout=30)
sock.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
              f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
              f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    chunk = sock.recv(4096)
    if not chunk:
        break
    head += chunk
head, _, rest = head.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
status = lines[0]
fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
if " 101 " not in status + " ":
    print(f"FAIL websocket upgrade through the proxy: {status}")
    sys.exit(1)
upstream = fields.get("x-lens-upstream", "?")
print(f"ok   websocket upgrade to /_stcore/stream through the proxy: {status} (replica {upstream})")
if expected and upstream != expected:
    print(f"FAIL the websocket went to {upstream}, the cookie's replica is {expected}")
    sys.exit(1)
print("ok   the websocket reached the same replica as the HTTP requests with that cookie")

def send(payload: bytes) -> None:  # one masked binary frame, as a browser sends
    mask = os.urandom(4)
    n = len(payload)
    header = bytes([0x82]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n))
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

buffer = rest
def read_exact(n: int) -> bytes:
    global buffer
    while len(buffer) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    out, buffer = buffer[:n], buffer[n:]
    return out

def frame() -> tuple[int, bytes]:
    b0, b1 = read_exact(2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack(">H", read_exact(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", read_exact(8))[0]
    return b0 & 0x0F, read_exact(n)

msg = BackMsg()
msg.rerun_script.query_string = ""
msg.rerun_script.page_script_hash = ""
send(msg.SerializeToString())
kinds, deadline = [], time.time() + 60
while time.time() < deadline and "script_finished" not in kinds:
    opcode, payload = frame()
    if opcode == 2:
        kinds.append(ForwardMsg.FromString(payload).WhichOneof("type"))
    elif opcode == 8:
        print(f"FAIL the app closed the websocket: {payload[:2].hex()}")
        sys.exit(1)
if "new_session" in kinds and "script_finished" in kinds:
    print(f"ok   the app ran a page over the proxied websocket ({len(kinds)} messages: new_session … script_finished)")
else:
    print(f"FAIL no complete page run over the websocket (got {kinds[:8]})")
    sys.exit(1)
PY

# 4. uploads up to the app's cap pass nginx (the app itself then checks the session)
code="$(head -c $((5 * 1024 * 1024)) /dev/zero | curl -sS -o /dev/null -w '%{http_code}' -X PUT \
        -H "Cookie: $cookie" --data-binary @- "$BASE/_stcore/upload_file/no-session/no-file")"
if [ "$code" != 413 ]; then ok "a 5 MB upload passes nginx (the app answers $code for a made-up session)"; else fail "nginx refused a 5 MB upload (413)"; fi

if [ "$FAILED" = 0 ]; then echo "PASS: docs/deploy/nginx.conf proxies, upgrades and sticks"; else echo "FAILED (logs were in $WORK)"; fi
exit "$FAILED"
