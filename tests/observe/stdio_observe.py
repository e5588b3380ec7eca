#!/usr/bin/env python3
"""mcp-bridge --stdio with --metrics-listen and --access-log: requests as
lines on its stdin, /metrics parsed with the Prometheus client library's
parser while it runs, then stdin closed and every access log line parsed.

  stdio_observe.py BUILD_DIR WORK_DIR

The bridge is started and always stopped here; the metrics listener is on
127.0.0.1 with an ephemeral port; every wait is bounded.
"""
import http.client
import json
import os
import re
import select
import subprocess
import sys
import time

from prometheus_client.parser import text_string_to_metric_families

build, work = sys.argv[1], sys.argv[2]
access_log, stderr_log = os.path.join(work, "access.log"), os.path.join(work, "bridge-stdio.log")
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def request(i, method, params=None):
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {}}
    if i == 1:
        meta["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    return json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": dict(params or {}, _meta=meta)})


with open(stderr_log, "wb") as err:
    bridge = subprocess.Popen([os.path.join(build, "proxy", "mcp-bridge"), "--stdio", "--metrics-listen", "127.0.0.1:0",
                               "--access-log", access_log, "--", os.path.join(build, "samples", "mcp-legacy-sample"),
                               "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
try:
    port = None
    for _ in range(300):
        with open(stderr_log, encoding="utf-8", errors="replace") as f:
            m = re.search(r"metrics: Prometheus text at http://127\.0\.0\.1:(\d+)", f.read())
        if m:
            port = int(m.group(1))
            break
        time.sleep(0.1)
    assert port, "the metrics listener never came up"

    lines = [request(1, "tools/call", {"name": "test_simple_text", "arguments": {}}),
             request(2, "tools/call", {"name": "test_simple_text", "arguments": {}}),
             request(3, "tools/call", {"name": "test_simple_text", "arguments": {}}),
             request(4, "tools/list"),
             request(5, "made/up")]
    bridge.stdin.write("".join(line + "\n" for line in lines).encode())
    bridge.stdin.flush()
    responses, buf, deadline = {}, b"", time.monotonic() + 30
    while len(responses) < len(lines) and time.monotonic() < deadline:
        ready, _, _ = select.select([bridge.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(bridge.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                message = json.loads(line)
                if "id" in message:
                    responses[message["id"]] = message
    check(len(responses) == 5, f"5 responses on stdout ({len(responses)})")
    check(all("result" in responses.get(i, {}) for i in (1, 2, 3, 4)), "results for the tools/call and tools/list")
    check("error" in responses.get(5, {}), "an error for the unknown method")

    def scrape():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        conn.close()
        samples = {}
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
        return samples
    # A request's observation closes once its answer is written: scrape
    # again (bounded) while the last one is still seen in flight.
    samples = scrape()
    deadline = time.monotonic() + 5
    while samples.get(("mcp_bridge_requests_in_flight", ())) != 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        samples = scrape()
    get = lambda name, **labels: samples.get((name, tuple(sorted(labels.items()))))
    check(get("mcp_bridge_requests_total", method="tools/call", outcome="ok") == 3, "requests_total{tools/call, ok} == 3")
    check(get("mcp_bridge_requests_total", method="tools/list", outcome="ok") == 1, "requests_total{tools/list, ok} == 1")
    check(get("mcp_bridge_requests_total", method="other", outcome="rejected") == 1,
          "requests_total{other, rejected} == 1 (unknown method: -32601)")
    check(get("mcp_bridge_request_duration_seconds_count", method="tools/call") == 3,
          "request_duration_seconds_count{tools/call} == 3")
    check(get("mcp_bridge_requests_in_flight") == 0, "requests_in_flight == 0")
    sent_in = sum(len(line) + 1 for line in lines)
    check(get("mcp_bridge_received_bytes_total") == sent_in, f"received_bytes_total == the {sent_in} bytes written")
    check((get("mcp_bridge_sent_bytes_total") or 0) > 0, "sent_bytes_total > 0")

    bridge.stdin.close()  # end of input: the bridge drains and exits
    code = bridge.wait(timeout=20)
    check(code == 0, f"the bridge exits 0 at the end of its input ({code})")
finally:
    if bridge.poll() is None:
        bridge.kill()
        bridge.wait(timeout=10)

with open(access_log, encoding="utf-8") as f:
    records = [json.loads(line) for line in f.read().splitlines() if line]
check(len(records) == 5, f"5 access log lines ({len(records)})")
check(all(r["transport"] == "stdio" and "status" not in r for r in records), "transport stdio, no HTTP status")
calls = [r for r in records if r["method"] == "tools/call"]
check(len(calls) == 3 and all(r["tool"] == "test_simple_text" and re.fullmatch(r"s\d+", r["session"]) for r in calls),
      "tools/call lines with tool and session")
check([r.get("trace_id") for r in records if "trace_id" in r] == ["4bf92f3577b34da6a3ce929d0e0e4736"],
      "the _meta.traceparent trace id, on its request only")
check(sorted(r["outcome"] for r in records) == ["ok", "ok", "ok", "ok", "rejected"], "outcomes")

if failures:
    print(f"{len(failures)} check(s) failed; bridge stderr in {stderr_log}", file=sys.stderr)
    sys.exit(1)
print("all checks passed")
