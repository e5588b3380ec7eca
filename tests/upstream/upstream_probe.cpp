// Manual probe (not a ctest test): drives an UpstreamSession against a real
// legacy server and measures call throughput and latency.
//   mcp_upstream_probe --url http://127.0.0.1:3001/mcp [--calls N] [--concurrency C]
//   mcp_upstream_probe [--calls N] [--concurrency C] [--threads T] -- command args...
// Calls tools/list, then N x tools/call `echo` {message}, C at a time, then the
// everything server's progress and sampling tools when it has them.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "upstream/http_upstream.hpp"
#include "upstream/stdio_upstream.hpp"

namespace asio = boost::asio;
using namespace mcp::upstream;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

json tool_call(UpstreamSession& s, const std::string& name, json args) {
  const auto id = s.next_request_id();
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
          {"params", {{"name", name}, {"arguments", std::move(args)}, {"_meta", {{"progressToken", id}}}}}};
}

asio::awaitable<void> worker(std::shared_ptr<UpstreamSession> s, int calls, std::vector<double>& latencies_ms,
                             std::atomic<int>& errors) {
  for (int i = 0; i < calls; ++i) {
    const auto t0 = Clock::now();
    json args = {{"message", "hello " + std::to_string(i)}};
    json r = co_await s->call(tool_call(*s, "echo", std::move(args)), nullptr, CallContext{});
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!r.contains("result")) ++errors;
  }
}

asio::awaitable<void> probe(std::shared_ptr<SessionFactory> factory, int calls, int concurrency, bool& ok) {
  auto ex = co_await asio::this_coro::executor;
  auto s = factory->create(SessionContext{});
  std::atomic<int> unsolicited{0}, server_requests{0};
  s->set_unsolicited_handler([&](const json& n) {
    ++unsolicited;
    std::cout << "  unsolicited: " << n.value("method", "") << "\n";
  });
  s->set_server_request_handler([&](json req, json related) -> asio::awaitable<json> {
    ++server_requests;
    std::cout << "  server request: " << req.value("method", "") << " related to " << related.dump() << "\n";
    if (req["method"] == "ping") co_return json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", json::object()}};
    if (req["method"] == "sampling/createMessage")
      co_return json{{"jsonrpc", "2.0"},
                     {"id", req["id"]},
                     {"result", {{"role", "assistant"}, {"model", "probe"},
                                 {"content", {{"type", "text"}, {"text", "probe says hi"}}}}}};
    co_return json{{"jsonrpc", "2.0"}, {"id", req["id"]}, {"error", {{"code", -32601}, {"message", "not supported"}}}};
  });
  json init = {{"protocolVersion", "2025-11-25"},
               {"capabilities", {{"sampling", json::object()}}},
               {"clientInfo", {{"name", "mcp-upstream-probe"}, {"version", "0.1"}}}};
  co_await s->start(init);
  std::cout << "initialized: " << s->initialize_result()["serverInfo"].dump()
            << " protocol " << s->initialize_result()["protocolVersion"] << "\n";
  json list_req = {{"jsonrpc", "2.0"}, {"id", s->next_request_id()}, {"method", "tools/list"}};
  json tools = co_await s->call(list_req, nullptr, CallContext{});
  std::vector<std::string> names;
  for (auto& t : tools["result"]["tools"]) names.push_back(t["name"]);
  std::cout << "tools/list: " << names.size() << " tools\n";
  auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };

  if (has("echo") && calls > 0) {
    std::vector<std::vector<double>> lat(concurrency);
    std::atomic<int> errors{0};
    const auto t0 = Clock::now();
    std::atomic<int> finished{0};
    for (int w = 0; w < concurrency; ++w)
      asio::co_spawn(ex, worker(s, calls / concurrency, lat[w], errors), [&](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& x) {
            std::cout << "  worker failed: " << x.what() << "\n";
            ++errors;
          }
        }
        ++finished;
      });
    while (finished < concurrency) {
      asio::steady_timer t(ex, std::chrono::milliseconds(5));
      co_await t.async_wait(asio::use_awaitable);
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    if (!all.empty())
      std::cout << "echo: " << all.size() << " calls, concurrency " << concurrency << ", " << all.size() / secs
                << " calls/s, p50 " << all[all.size() / 2] << " ms, p99 " << all[all.size() * 99 / 100]
                << " ms, errors " << errors.load() << "\n";
  }
  if (has("trigger-long-running-operation")) {
    std::atomic<int> progress{0};
    const json args = {{"duration", 1}, {"steps", 3}};  // named: GCC 12 and braced lists in co_await
    json r = co_await s->call(tool_call(*s, "trigger-long-running-operation", args),
                              [&](const json& n) {
                                if (n.value("method", "") == "notifications/progress") ++progress;
                              },
                              CallContext{});
    std::cout << "long-running: " << progress.load() << " progress notifications, result "
              << r["result"]["content"][0].value("text", "?") << "\n";
  }
  if (has("trigger-sampling-request")) {
    const json args = {{"prompt", "hi"}, {"maxTokens", 5}};
    json r = co_await s->call(tool_call(*s, "trigger-sampling-request", args), nullptr, CallContext{});
    std::cout << "sampling tool: " << r.dump().substr(0, 300) << "\n";
  }
  std::cout << "unsolicited notifications: " << unsolicited.load() << ", server requests: " << server_requests.load()
            << "\n";
  co_await s->shutdown();
  std::cout << "shut down\n";
  ok = true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int calls = 1000, concurrency = 1, threads = 1;
  std::vector<std::string> cmd;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--url" && i + 1 < argc) url = argv[++i];
    else if (a == "--calls" && i + 1 < argc) calls = std::stoi(argv[++i]);
    else if (a == "--concurrency" && i + 1 < argc) concurrency = std::max(1, std::stoi(argv[++i]));
    else if (a == "--threads" && i + 1 < argc) threads = std::max(1, std::stoi(argv[++i]));
    else if (a == "--debug") spdlog::set_level(spdlog::level::debug);
    else if (a == "--") {
      for (++i; i < argc; ++i) cmd.push_back(argv[i]);
    }
  }
  asio::io_context ctx;
  std::shared_ptr<SessionFactory> factory;
  if (!url.empty()) {
    HttpUpstreamOptions o;
    o.url = url;
    factory = make_http_session_factory(ctx.get_executor(), o);
  } else if (!cmd.empty()) {
    StdioUpstreamOptions o;
    o.argv = cmd;
    factory = make_stdio_session_factory(ctx.get_executor(), o);
  } else {
    std::cerr << "usage: mcp_upstream_probe (--url URL | -- command...) [--calls N] [--concurrency C]\n";
    return 2;
  }
  bool ok = false;
  asio::co_spawn(ctx, probe(factory, calls, concurrency, ok), [&](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        std::cerr << "probe failed: " << x.what() << "\n";
      }
    }
    ctx.stop();
  });
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back([&] { ctx.run_for(std::chrono::seconds(120)); });
  ctx.run_for(std::chrono::seconds(120));
  for (auto& t : pool) t.join();
  return ok ? 0 : 1;
}
