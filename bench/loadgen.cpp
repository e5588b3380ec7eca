// Closed-loop load generator for tools/call over Streamable HTTP.
//
//   mcp-loadgen --url http://127.0.0.1:PORT/mcp --mode modern|legacy|session-per-request
//               --concurrency N --requests TOTAL --max-seconds S --tool NAME [--arguments JSON]
//
// modern: stateless 2026-07-28 requests (per-request _meta and the
//         MCP-Protocol-Version / Mcp-Method / Mcp-Name headers), as a client
//         of mcp-bridge sends them.
// legacy: each worker first opens its own 2025-11-25 session (initialize,
//         notifications/initialized, Mcp-Session-Id), as a client talking to
//         the upstream directly would.
// session-per-request: what a stateless gateway without a session pool does
//         to a 2025-11-25 upstream for each call it forwards: initialize,
//         notifications/initialized, tools/call, DELETE of the session. One
//         "request" (and its latency) is that whole sequence; the connection
//         is kept alive across sequences, which only favours this mode.
// Each worker keeps one keep-alive connection and sends its next request when
// the previous answer is complete. A server that ends the connection after an
// answer (`Connection: close`, e.g. nginx after keepalive_requests) is not an
// error: the worker reconnects (a legacy worker keeps its session) and counts
// it in `reconnects`. Stops after TOTAL requests or S seconds, whichever comes
// first. Prints one JSON line with rps, latency percentiles, reconnects and
// the errors by kind (HTTP status, JSON-RPC error code, I/O failure).
// --keep-going (soak runs, bench/run_soak.sh): a worker whose connection
// fails counts one error, pauses briefly, reconnects and goes on, instead of
// ending; without it a failed worker ends (failed_workers).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::string port;
  std::string target = "/mcp";
  std::string mode = "modern";
  std::string tool = "test_simple_text";
  json arguments = json::object();  // the tool's arguments, the same in every call
  int concurrency = 1;
  long requests = 1000;
  double max_seconds = 10;
  bool keep_going = false;
  double request_timeout = 60;  // seconds: a request never answered fails the worker's connection
};

struct Shared {
  const Options& opt;
  Clock::time_point deadline;
  long issued = 0;
  long errors = 0;
  long reconnects = 0;  // connections the server closed after a complete answer
  std::map<std::string, long> error_kinds;  // "http_502", "jsonrpc_-32603", "io: Connection reset by peer"...
  std::vector<double> latencies_us;

  void error(const std::string& kind) {
    ++errors;
    ++error_kinds[kind];
  }
};

// What kind of failure an answer is, or "" for a tools/call result. A result
// with isError (an unknown tool, arguments the tool rejects) is a failure too:
// a run calling a tool wrongly must not pass for a fast one.
std::string error_kind(const http::response<http::string_body>& res) {
  if (res.result() != http::status::ok) return "http_" + std::to_string(res.result_int());
  if (res.body().find("\"result\"") != std::string::npos)
    return res.body().find("\"isError\":true") == std::string::npos ? "" : "tool_error";
  // JSON, or an SSE stream whose last data line is the answer.
  auto body = std::string_view(res.body());
  if (auto data = body.rfind("data: "); data != std::string_view::npos) body = body.substr(data + 6);
  auto parsed = json::parse(body.substr(0, body.find('\n')), nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object())
    return "jsonrpc_" + std::to_string(parsed["error"].value("code", 0));
  return "no_result";
}

http::request<http::string_body> make_request(const Options& opt, const json& body, const std::string& session_id,
                                              bool modern) {
  http::request<http::string_body> req{http::verb::post, opt.target, 11};
  req.set(http::field::host, opt.host + ":" + opt.port);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json, text/event-stream");
  if (modern) {
    req.set("MCP-Protocol-Version", "2026-07-28");
    req.set("Mcp-Method", body.value("method", ""));
    if (body.contains("params") && body["params"].contains("name")) req.set("Mcp-Name", body["params"]["name"].get<std::string>());
  } else {
    req.set("MCP-Protocol-Version", "2025-11-25");
    if (!session_id.empty()) req.set("Mcp-Session-Id", session_id);
  }
  req.keep_alive(true);
  req.body() = body.dump();
  req.prepare_payload();
  return req;
}

// The tools/call of this run, without its id: every request differs only in
// the id, so the body is built once and the id spliced in (the load generator
// shares the cores with what it measures; it should cost little per request).
json tool_call_without_id(const Options& opt, bool modern) {
  json params = {{"name", opt.tool}, {"arguments", opt.arguments}};
  if (modern) {
    params["_meta"] = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                       {"io.modelcontextprotocol/clientInfo", {{"name", "mcp-loadgen"}, {"version", "1"}}},
                       {"io.modelcontextprotocol/clientCapabilities", json::object()}};
  }
  return {{"jsonrpc", "2.0"}, {"method", "tools/call"}, {"params", params}};
}

// One worker's tools/call request, reused: with_id() rewrites the body.
class ToolCallRequest {
 public:
  ToolCallRequest(const Options& opt, const std::string& session_id, bool modern)
      : req_(make_request(opt, tool_call_without_id(opt, modern), session_id, modern)),
        tail_(req_.body().substr(1)) {}  // `"jsonrpc":...}` after the opening brace
  http::request<http::string_body>& with_id(long id) {
    auto& body = req_.body();
    body.assign("{\"id\":").append(std::to_string(id)).append(",").append(tail_);
    req_.prepare_payload();
    return req_;
  }
  void set_session(const std::string& session_id) { req_.set("Mcp-Session-Id", session_id); }

 private:
  http::request<http::string_body> req_;
  std::string tail_;
};

// The requests that open and end a 2025-11-25 session, built once per worker:
// only the Mcp-Session-Id header changes from one session to the next.
class SessionRequests {
 public:
  explicit SessionRequests(const Options& opt)
      : initialize_(make_request(opt,
                                 {{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"},
                                  {"params", {{"protocolVersion", "2025-11-25"}, {"capabilities", json::object()},
                                              {"clientInfo", {{"name", "mcp-loadgen"}, {"version", "1"}}}}}},
                                 "", false)),
        initialized_(make_request(opt, {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}, "", false)),
        delete_(http::verb::delete_, opt.target, 11) {
    delete_.set(http::field::host, opt.host + ":" + opt.port);
    delete_.set("MCP-Protocol-Version", "2025-11-25");
    delete_.keep_alive(true);
    delete_.prepare_payload();
  }
  const http::request<http::string_body>& initialize() const { return initialize_; }
  const http::request<http::string_body>& initialized(const std::string& session_id) {
    initialized_.set("Mcp-Session-Id", session_id);
    return initialized_;
  }
  const http::request<http::string_body>& end(const std::string& session_id) {
    delete_.set("Mcp-Session-Id", session_id);
    return delete_;
  }

 private:
  http::request<http::string_body> initialize_, initialized_, delete_;
};

// Sends one request and reads the whole answer (JSON or a complete SSE stream).
asio::awaitable<http::response<http::string_body>> exchange(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                             const http::request<http::string_body>& req) {
  co_await http::async_write(stream, req, asio::use_awaitable);
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  co_return parser.release();
}

// What came of an exchange or a sequence of them: the error kind ("" when
// all went well) and whether the server keeps the connection open.
struct Outcome {
  std::string error;
  bool keep_alive = true;
};

// initialize, then notifications/initialized. The session id, or the error
// (e.g. "initialize_http_503": the server's session limit). A server that
// closes the connection after initialize gets no notifications/initialized.
asio::awaitable<Outcome> open_session(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      SessionRequests& requests, std::string& session_id) {
  auto res = co_await exchange(stream, buffer, requests.initialize());
  session_id = std::string(res["Mcp-Session-Id"]);
  if (res.result() != http::status::ok || session_id.empty())
    co_return Outcome{"initialize_http_" + std::to_string(res.result_int()), res.keep_alive()};
  if (!res.keep_alive()) co_return Outcome{"", false};
  auto ack = co_await exchange(stream, buffer, requests.initialized(session_id));
  if (ack.result() != http::status::accepted && ack.result() != http::status::ok)
    co_return Outcome{"initialized_http_" + std::to_string(ack.result_int()), ack.keep_alive()};
  co_return Outcome{"", ack.keep_alive()};
}

// The session-per-request sequence: a session of its own for one tools/call,
// ended with DELETE.
asio::awaitable<Outcome> call_in_own_session(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                             SessionRequests& requests, ToolCallRequest& call, long id) {
  std::string session_id;
  auto opened = co_await open_session(stream, buffer, requests, session_id);
  if (!opened.error.empty() || !opened.keep_alive) co_return opened;
  call.set_session(session_id);
  auto res = co_await exchange(stream, buffer, call.with_id(id));
  Outcome out{error_kind(res), res.keep_alive()};
  if (!out.keep_alive) co_return out;
  auto ended = co_await exchange(stream, buffer, requests.end(session_id));
  if (out.error.empty() && ended.result() != http::status::ok) out.error = "delete_http_" + std::to_string(ended.result_int());
  out.keep_alive = ended.keep_alive();
  co_return out;
}

bool more_to_do(const Shared& shared) {
  return shared.issued < shared.opt.requests && Clock::now() < shared.deadline;
}

// One connection's life: connect (and, the first time, open a legacy
// session), then requests until the bounds are reached or the server closes
// the connection after an answer. Throws on an I/O failure.
asio::awaitable<void> run_connection(Shared& shared, std::string& session_id, long& next_id) {
  const Options& opt = shared.opt;
  bool modern = opt.mode == "modern";
  bool per_request = opt.mode == "session-per-request";
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  beast::flat_buffer buffer;
  asio::ip::tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(opt.host, opt.port, asio::use_awaitable);
  co_await stream.async_connect(endpoints, asio::use_awaitable);
  stream.socket().set_option(asio::ip::tcp::no_delay(true));

  SessionRequests session_requests(opt);
  if (opt.mode == "legacy" && session_id.empty()) {  // a legacy client opens its own session first
    auto opened = co_await open_session(stream, buffer, session_requests, session_id);
    if (!opened.error.empty()) {
      shared.error(opened.error);
      throw std::runtime_error("initialize failed");  // ends this worker (failed_workers)
    }
    if (!opened.keep_alive) co_return;  // the server closes: reconnect, same session
  }
  ToolCallRequest request(opt, session_id, modern);
  while (more_to_do(shared)) {
    ++shared.issued;
    auto start = Clock::now();
    stream.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.request_timeout)));
    Outcome outcome;
    if (per_request) {
      outcome = co_await call_in_own_session(stream, buffer, session_requests, request, next_id++);
    } else {
      auto res = co_await exchange(stream, buffer, request.with_id(next_id++));
      outcome = {error_kind(res), res.keep_alive()};
    }
    auto us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    if (!outcome.error.empty()) {
      shared.error(outcome.error);
    } else {
      shared.latencies_us.push_back(us);
    }
    if (!outcome.keep_alive) {  // Connection: close after a complete answer: the worker reconnects
      if (more_to_do(shared)) ++shared.reconnects;
      co_return;
    }
  }
}

asio::awaitable<void> worker(Shared& shared) {
  asio::steady_timer pause(co_await asio::this_coro::executor);
  std::string session_id;  // legacy: kept across reconnects, like a real client
  long next_id = 1;
  while (more_to_do(shared)) {
    try {
      co_await run_connection(shared, session_id, next_id);
      continue;
    } catch (const boost::system::system_error& e) {
      if (!shared.opt.keep_going) throw;
      // A request cut off with its connection counts as one error; a failed
      // connect (the server restarting) also counts, once per attempt.
      shared.error("io: " + e.code().message());
    }
    pause.expires_after(std::chrono::milliseconds(50));  // no busy loop while the server is away
    co_await pause.async_wait(asio::use_awaitable);
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

int main(int argc, char** argv) {
  Options opt;
  std::string url;
  CLI::App app{"Closed-loop tools/call load generator for MCP Streamable HTTP (loopback only)"};
  app.add_option("--url", url, "MCP endpoint, http://127.0.0.1:PORT/mcp")->required();
  app.add_option("--mode", opt.mode,
                 "modern (2026-07-28 stateless), legacy (2025-11-25, a session per client) or "
                 "session-per-request (2025-11-25: initialize, initialized, tools/call, DELETE for each call)")
      ->check(CLI::IsMember({"modern", "legacy", "session-per-request"}));
  app.add_option("--tool", opt.tool, "tool to call");
  std::string arguments = "{}";
  app.add_option("--arguments", arguments, "the tool's arguments, a JSON object (default {})");
  app.add_option("--concurrency", opt.concurrency, "concurrent clients")->check(CLI::Range(1, 1024));
  app.add_option("--requests", opt.requests, "total requests (upper bound)")->check(CLI::Range(1L, 10'000'000L));
  app.add_option("--max-seconds", opt.max_seconds, "time bound")->check(CLI::Range(0.1, 86400.0));
  app.add_option("--request-timeout", opt.request_timeout, "seconds before an unanswered request counts as failed")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_flag("--keep-going", opt.keep_going, "reconnect after a connection failure (counted as an error)");
  CLI11_PARSE(app, argc, argv);
  opt.arguments = json::parse(arguments, nullptr, false);
  if (!opt.arguments.is_object()) {
    std::fprintf(stderr, "mcp-loadgen: --arguments must be a JSON object\n");
    return 2;
  }

  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http") {
    std::fprintf(stderr, "mcp-loadgen: --url must be http://HOST:PORT/PATH\n");
    return 2;
  }
  opt.host = parsed->host();
  opt.port = parsed->port();
  opt.target = parsed->path().empty() ? "/" : std::string(parsed->path());
  if (opt.host != "127.0.0.1" && opt.host != "localhost" && opt.host != "::1") {
    std::fprintf(stderr, "mcp-loadgen: refusing to load a non-loopback host\n");
    return 2;
  }

  asio::io_context ioc{1};
  auto start = Clock::now();
  Shared shared{opt, start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opt.max_seconds)),
                0, 0, 0, {}, {}};
  shared.latencies_us.reserve(static_cast<std::size_t>(std::min(opt.requests, 4'000'000L)));
  int failed_workers = 0;
  for (int i = 0; i < opt.concurrency; ++i) {
    asio::co_spawn(ioc, worker(shared), [&](std::exception_ptr e) {
      if (e) ++failed_workers;
    });
  }
  ioc.run();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto& lat = shared.latencies_us;
  double ok = static_cast<double>(lat.size());
  json out = {{"mode", opt.mode}, {"concurrency", opt.concurrency}, {"ok", lat.size()}, {"errors", shared.errors},
              {"error_kinds", shared.error_kinds}, {"reconnects", shared.reconnects},
              {"failed_workers", failed_workers}, {"seconds", seconds}, {"rps", ok / seconds},
              {"p50_us", percentile(lat, 0.50)}, {"p99_us", percentile(lat, 0.99)}};
  std::printf("%s\n", out.dump().c_str());
  return (failed_workers > 0 || shared.errors > 0) ? 1 : 0;
}
