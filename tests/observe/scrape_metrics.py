#!/usr/bin/env python3
"""Real requests through a running mcp-bridge, then its /metrics parsed with
the Prometheus client library's own parser and its access log parsed line by
line; the counts must match the requests made here.

  scrape_metrics.py BRIDGE_PORT METRICS_PORT ACCESS_LOG

Talks to 127.0.0.1 only; every request has a timeout.
"""
import http.client
import json
import re
import sys
import time

from prometheus_client.parser import text_string_to_metric_families

bridge_port, metrics_port, access_log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
TRACE_HEADER = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"
TRACE_META = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
SECRET = "SECRET-TOKEN-0123456789"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def http_request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, dict((k.lower(), v) for k, v in res.getheaders()), res.read().decode("utf-8", "replace")
    finally:
        conn.close()


next_id = 0
sent_body_bytes = 0


def mcp(method, params=None, extra_headers=None, meta_extra=None, name=None, accept="application/json, text/event-stream"):
    global next_id, sent_body_bytes
    next_id += 1
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": {"name": "observe-test", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {}}
    meta.update(meta_extra or {})
    body = json.dumps({"jsonrpc": "2.0", "id": next_id, "method": method,
                       "params": dict(params or {}, _meta=meta)}).encode()
    headers = {"Content-Type": "application/json", "Accept": accept,
               "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method}
    if name:
        headers["Mcp-Name"] = name
    headers.update(extra_headers or {})
    sent_body_bytes += len(body)
    status, _, text = http_request(bridge_port, "POST", "/mcp", body, headers)
    return status, text


def scrape():
    status, headers, text = http_request(metrics_port, "GET", "/metrics")
    assert status == 200, f"/metrics answered {status}"
    samples = {}
    for family in text_string_to_metric_families(text):  # raises on anything malformed
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return headers, text, samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


# --- requests (9 in all): 5 tools/call, 2 tools/list, 2 rejected
for i in range(5):
    extra = {"traceparent": TRACE_HEADER} if i == 0 else {}
    if i == 2:
        extra["Authorization"] = "Bearer " + SECRET
    meta = {"traceparent": TRACE_META} if i == 1 else None
    status, text = mcp("tools/call", {"name": "test_simple_text", "arguments": {}}, extra, meta, name="test_simple_text")
    check(status == 200 and '"result"' in text, f"tools/call #{i + 1} answered 200 with a result ({status})")
for _ in range(2):
    status, text = mcp("tools/list")
    check(status == 200 and '"tools"' in text, f"tools/list answered 200 ({status})")
status, _ = mcp("made/up")  # unknown method: 404, its label bounded to "other"
check(status == 404, f"unknown method answered 404 ({status})")
status, _ = mcp("tools/list", accept="text/html")  # refused before the body is read: 406
check(status == 406, f"bad Accept answered 406 ({status})")

# --- metrics
# A request's observation closes once its response is written, so a scrape
# sent right after the last answer can still see it in flight (seen under
# TSan): scrape again until nothing is, within a bound; a request left in
# flight for good still fails the check below.
headers, text, samples = scrape()
deadline = time.monotonic() + 5
while value(samples, "mcp_bridge_requests_in_flight") != 0 and time.monotonic() < deadline:
    time.sleep(0.05)
    headers, text, samples = scrape()
check(headers.get("content-type", "").startswith("text/plain; version=0.0.4"),
      f"Content-Type is the 0.0.4 text format ({headers.get('content-type')})")
print("\n".join(line for line in text.splitlines() if not line.startswith("#") and "_bucket" not in line))

check(value(samples, "mcp_bridge_requests_total", method="tools/call", outcome="ok") == 5,
      "requests_total{tools/call, ok} == 5")
check(value(samples, "mcp_bridge_requests_total", method="tools/list", outcome="ok") == 2,
      "requests_total{tools/list, ok} == 2")
check(value(samples, "mcp_bridge_requests_total", method="other", outcome="rejected") == 2,
      "requests_total{other, rejected} == 2 (unknown method, bad Accept)")
total = sum(v for (n, _), v in samples.items() if n == "mcp_bridge_requests_total")
check(total == 9, f"9 requests counted in all ({total})")
methods = {dict(l).get("method") for (n, l) in samples if n.startswith("mcp_bridge_request")}
check("made/up" not in methods, "a made-up method gets no label of its own")
check(value(samples, "mcp_bridge_request_duration_seconds_count", method="tools/call") == 5,
      "request_duration_seconds_count{tools/call} == 5")
check(value(samples, "mcp_bridge_request_duration_seconds_bucket", method="tools/call", le="+Inf") == 5,
      "request_duration_seconds_bucket{tools/call, +Inf} == 5")
check((value(samples, "mcp_bridge_request_duration_seconds_sum", method="tools/call") or 0) > 0,
      "request_duration_seconds_sum{tools/call} > 0")
buckets = sorted((float(dict(l)["le"]), v) for (n, l), v in samples.items()
                 if n == "mcp_bridge_request_duration_seconds_bucket" and dict(l).get("method") == "tools/call")
check(all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:])), "buckets are cumulative")
check(value(samples, "mcp_bridge_upstream_request_duration_seconds_count", method="tools/call") == 5,
      "upstream_request_duration_seconds_count{tools/call} == 5")
check(value(samples, "mcp_bridge_requests_in_flight") == 0, "requests_in_flight == 0 afterwards")
received = value(samples, "mcp_bridge_received_bytes_total")
check(received is not None and received >= sent_body_bytes,
      f"received_bytes_total ({received}) >= the {sent_body_bytes} body bytes sent")
check((value(samples, "mcp_bridge_sent_bytes_total") or 0) > 0, "sent_bytes_total > 0")
check((value(samples, "mcp_bridge_upstream_sessions_open") or 0) >= 1, "upstream_sessions_open >= 1")
check(value(samples, "mcp_bridge_upstream_sessions_initializing") == 0, "upstream_sessions_initializing == 0")
check((value(samples, "mcp_bridge_upstream_sessions_started_total") or 0) >= 2,
      "upstream_sessions_started_total >= 2 (anonymous + the Authorization context)")
check(value(samples, "mcp_bridge_upstream_child_restarts_total") == 0, "no child restarts")
check(value(samples, "mcp_bridge_access_log_dropped_total") == 0, "no access log lines dropped")
check(SECRET not in text, "the token never appears in /metrics")

status, _, _ = http_request(bridge_port, "GET", "/metrics")
check(status != 200, f"/metrics is not served on the MCP listener ({status})")
status, _, _ = http_request(metrics_port, "GET", "/mcp")
check(status == 404, f"only /metrics on the metrics listener ({status})")

# --- access log: one JSON line per request, written off the io threads (bounded wait)
lines = []
for _ in range(100):
    with open(access_log, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line]
    if len(lines) >= 9:
        break
    time.sleep(0.05)
check(len(lines) == 9, f"9 access log lines ({len(lines)})")
records = [json.loads(line) for line in lines]  # every line is one JSON object
with open(access_log, encoding="utf-8") as f:
    raw = f.read()
check(SECRET not in raw and "Bearer" not in raw and "uthorization" not in raw,
      "no token or Authorization in the access log")
calls = [r for r in records if r["method"] == "tools/call"]
check(len(calls) == 5, "5 tools/call lines")
for r in records:
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r.get("time", "")) is not None, f"time {r.get('time')}")
    check(r.get("transport") == "http" and isinstance(r.get("duration_ms"), (int, float)) and r["duration_ms"] >= 0,
          f"transport and duration_ms of {r}")
for r in calls:
    check(r.get("tool") == "test_simple_text" and r.get("outcome") == "ok" and r.get("status") == 200,
          f"tools/call line: tool, outcome, status ({r})")
    check(re.fullmatch(r"s\d+", r.get("session", "")) is not None, f"opaque session id ({r.get('session')})")
trace_ids = sorted(r["trace_id"] for r in records if "trace_id" in r)
check(trace_ids == sorted(["0af7651916cd43dd8448eb211c80319c", "4bf92f3577b34da6a3ce929d0e0e4736"]),
      f"trace ids from the traceparent header and from _meta.traceparent, and only those ({trace_ids})")
sessions = {r["session"] for r in calls}
check(len(sessions) == 2, f"the Authorization context used its own upstream session ({sessions})")
lists = [r for r in records if r["method"] == "tools/list"]
check(len(lists) == 2 and all("tool" not in r for r in lists), "tools/list lines carry no tool")
rejected = sorted((r["method"], r.get("status")) for r in records if r["outcome"] == "rejected")
# The 406 comes before the body is read: its method is not known ("").
check(rejected == [("", 406), ("made/up", 404)], f"rejected lines ({rejected})")

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("all checks passed")
