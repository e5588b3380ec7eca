// An in-process legacy (2025-11-25) "server" behind the UpstreamSession and
// SessionFactory interfaces: no sockets, fully scripted, records what it saw.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "upstream/session_factory.hpp"
#include "upstream/upstream_session.hpp"

namespace mcp::test {

namespace asio = boost::asio;
using json = nlohmann::json;
using upstream::CallContext;
using upstream::CallNotificationHandler;
using upstream::UpstreamError;

// What the fake server observed, shared by all its sessions.
struct FakeServerState {
  std::mutex mu;  // the fake's own bookkeeping; calls may come from several io threads
  json initialize_result = {{"protocolVersion", "2025-11-25"},
                            {"capabilities",
                             {{"tools", {{"listChanged", true}}},
                              {"resources", {{"subscribe", true}, {"listChanged", true}}},
                              {"prompts", json::object()},
                              {"completions", json::object()},
                              {"logging", json::object()},
                              {"tasks", {{"list", json::object()}}}}},
                            {"serverInfo", {{"name", "fake-legacy"}, {"version", "1.2.3"}}},
                            {"instructions", "Use the echo tool."}};
  json tools = json::array({
      {{"name", "echo"}, {"inputSchema", {{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}}}},
      {{"name", "regional"},
       {"inputSchema",
        {{"type", "object"},
         {"properties",
          {{"region", {{"type", "string"}, {"x-mcp-header", "Region"}}},
           {"count", {{"type", "integer"}, {"x-mcp-header", "Count"}}},
           {"query", {{"type", "string"}}}}}}}},
  });
  int creates = 0;
  int starts = 0;
  int shutdowns = 0;
  int fail_starts = 0;      // the next N start() calls throw
  bool fail_calls = false;  // call() throws UpstreamError
  std::chrono::milliseconds start_delay{0};
  std::vector<std::string> authorizations;   // per created session
  std::vector<json> initialize_params;       // per start
  std::vector<json> requests;                // every call, as received
  std::vector<json> cancelled_ids;           // notifications/cancelled the session "sent"
  std::vector<json> server_request_answers;  // replies of the bridge to our server->client requests
  std::vector<json> completed_calls;         // ids of mrtr_* calls that ran to the end
};

class FakeSession : public upstream::UpstreamSession {
 public:
  FakeSession(asio::any_io_executor ex, std::shared_ptr<FakeServerState> state) : ex_(ex), state_(std::move(state)) {}

  asio::awaitable<void> start(json params) override {
    ++state_->starts;
    state_->initialize_params.push_back(params);
    if (state_->start_delay.count() > 0) {
      asio::steady_timer t(ex_, state_->start_delay);
      co_await t.async_wait(asio::use_awaitable);
    }
    if (state_->fail_starts > 0) {
      --state_->fail_starts;
      usable_ = false;
      throw UpstreamError("connection refused (fake)");
    }
    started_ = true;
  }
  const json& initialize_result() const override { return state_->initialize_result; }

  asio::awaitable<json> call(json request, CallNotificationHandler on_notification, CallContext context) override {
    {
      std::lock_guard lock(state_->mu);
      state_->requests.push_back(request);
    }
    ++in_flight_;
    struct Guard {
      std::atomic<std::size_t>& n;
      ~Guard() { --n; }
    } guard{in_flight_};
    if (state_->fail_calls) throw UpstreamError("upstream connection reset (fake)");
    std::exception_ptr failure;
    try {
      co_return co_await respond(request, on_notification);
    } catch (...) {
      failure = std::current_exception();
    }
    // Cancelled: the session would send notifications/cancelled. A call waiting
    // on the bridge's answer may also see that answer fail first.
    bool aborted = (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      aborted = aborted || e.code() == asio::error::operation_aborted;
    } catch (...) {
    }
    if (aborted) {
      std::lock_guard lock(state_->mu);
      state_->cancelled_ids.push_back(request["id"]);
    }
    std::rethrow_exception(failure);
  }

  asio::awaitable<void> notify(json) override { co_return; }
  bool usable() const override { return usable_; }
  asio::awaitable<void> shutdown() override {
    ++state_->shutdowns;
    usable_ = false;
    co_return;
  }
  std::size_t in_flight() const override { return in_flight_; }

  void kill() { usable_ = false; }
  // Lets a test play the server sending something to its client.
  upstream::ServerRequestHandler& server_request_handler() { return server_request_handler_; }
  upstream::UnsolicitedHandler& unsolicited_handler() { return unsolicited_handler_; }

 private:
  static json result(const json& request, json r) { return {{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", r}}; }

  // Plain function for the scripted answers; GCC 12 mishandles braced
  // initializer lists inside co_return/co_await expressions.
  json answer(const json& request, const CallNotificationHandler& notify) {
    const std::string method = request.value("method", "");
    const json params = request.value("params", json::object());
    if (method == "tools/list") return result(request, {{"tools", state_->tools}});
    if (method == "resources/list")
      return result(request, {{"resources", json::array({{{"uri", "test://a"}, {"name", "a"}}})}});
    if (method == "resources/read") {
      if (params.value("uri", "") == "test://missing")
        return json{{"jsonrpc", "2.0"},
                    {"id", request["id"]},
                    {"error", {{"code", -32002}, {"message", "Resource not found"}}}};
      return result(request, {{"contents", json::array({{{"uri", params["uri"]}, {"text", "hello"}}})}});
    }
    if (method == "prompts/list") return result(request, {{"prompts", json::array()}});
    if (method == "logging/setLevel") return result(request, json::object());
    if (method == "resources/subscribe" || method == "resources/unsubscribe") {
      if (params.value("uri", "") == "test://missing")
        return json{{"jsonrpc", "2.0"},
                    {"id", request["id"]},
                    {"error", {{"code", -32002}, {"message", "Resource not found"}}}};
      return result(request, json::object());
    }
    if (method == "tools/call") {
      if (params.value("name", "") == "progress" && notify) {
        const json token = params.value("_meta", json::object()).value("progressToken", json(nullptr));
        notify({{"jsonrpc", "2.0"},
                {"method", "notifications/progress"},
                {"params", {{"progressToken", token}, {"progress", 1}, {"total", 2}}}});
        notify({{"jsonrpc", "2.0"},
                {"method", "notifications/message"},
                {"params", {{"level", "info"}, {"data", "halfway"}}}});
        notify({{"jsonrpc", "2.0"},
                {"method", "notifications/message"},
                {"params", {{"level", "debug"}, {"data", "noise"}}}});
      }
      return result(request, {{"content", json::array({{{"type", "text"}, {"text", params.dump()}}})}});
    }
    return json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"error", {{"code", -32601}, {"message", "nope"}}}};
  }

  asio::awaitable<json> respond(const json& request, const CallNotificationHandler& notify) {
    const json params = request.value("params", json::object());
    const std::string name = request.value("method", "") == "tools/call" ? params.value("name", "") : "";
    if (name == "abort")  // the session gave up on the call by itself (e.g. shutting down)
      throw boost::system::system_error(asio::error::operation_aborted);
    if (name == "slow") {
      asio::steady_timer t(ex_, std::chrono::hours(1));
      co_await t.async_wait(asio::use_awaitable);
    }
    if (name == "ask") {  // a legacy tool that asks its client
      json ping = ping_request();
      json sampling = sampling_request();
      json related = request["id"];
      json ping_answer = co_await server_request_handler_(std::move(ping), related);
      json sampling_answer = co_await server_request_handler_(std::move(sampling), related);
      state_->server_request_answers.push_back(ping_answer);
      state_->server_request_answers.push_back(sampling_answer);
    }
    if (name.starts_with("mrtr_")) co_return co_await ask_client(request, name);
    json out = answer(request, notify);
    co_return out;
  }

  // Legacy tools that ask their client (what MRTR turns into input requests):
  // mrtr_name (one elicitation, key hint user_name), mrtr_unhinted (no hint),
  // mrtr_three (elicitation, sampling and roots/list sent together),
  // mrtr_two_steps (step1, then step2), mrtr_url (a -32042 error).
  asio::awaitable<json> ask_client(const json& request, const std::string& name) {
    const json related = request["id"];
    json text;
    if (name == "mrtr_url") {
      json error{{"code", -32042},
                 {"message", "This request requires more information."},
                 {"data",
                  {{"elicitations",
                    {{{"mode", "url"},
                      {"elicitationId", "e-1"},
                      {"url", "https://example.com/connect"},
                      {"message", "Connect your account"}}}}}}};
      json out{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"error", error}};
      co_return out;
    }
    if (name == "mrtr_name" || name == "mrtr_unhinted") {
      json answer = co_await server_request_handler_(elicitation(910, name == "mrtr_name" ? "user_name" : ""), related);
      text = answer;
    } else if (name == "mrtr_three") {
      auto ex = co_await asio::this_coro::executor;
      json name_request = elicitation(920, "user_name");
      json greeting_request = with_key(sampling_request(), "greeting");
      json roots_request{{"jsonrpc", "2.0"}, {"id", 922}, {"method", "roots/list"}};
      roots_request = with_key(std::move(roots_request), "client_roots");
      auto [order, e1, a1, e2, a2, e3, a3] =
          co_await asio::experimental::make_parallel_group(
              asio::co_spawn(ex, server_request_handler_(name_request, related), asio::deferred),
              asio::co_spawn(ex, server_request_handler_(greeting_request, related), asio::deferred),
              asio::co_spawn(ex, server_request_handler_(roots_request, related), asio::deferred))
              .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
      text = json::array({a1, a2, a3});
    } else if (name == "mrtr_two_steps") {
      json first = co_await server_request_handler_(elicitation(930, "step1"), related);
      json second = co_await server_request_handler_(elicitation(931, "step2"), related);
      text = json::array({first, second});
    }
    {
      std::lock_guard lock(state_->mu);
      state_->completed_calls.push_back(request["id"]);
    }
    json out = result(request, {{"content", json::array({{{"type", "text"}, {"text", text.dump()}}})}});
    co_return out;
  }
  static json with_key(json request, const std::string& key) {
    if (!key.empty()) request["params"]["_meta"]["mcp-bridge/inputKey"] = key;
    return request;
  }
  static json elicitation(int id, const std::string& key) {
    json r{{"jsonrpc", "2.0"},
           {"id", id},
           {"method", "elicitation/create"},
           {"params", {{"message", "What is your name?"}, {"requestedSchema", {{"type", "object"}}}}}};
    return with_key(std::move(r), key);
  }
  static json ping_request() { return {{"jsonrpc", "2.0"}, {"id", 900}, {"method", "ping"}}; }
  static json sampling_request() {
    return {{"jsonrpc", "2.0"}, {"id", 901}, {"method", "sampling/createMessage"}, {"params", json::object()}};
  }

  asio::any_io_executor ex_;
  std::shared_ptr<FakeServerState> state_;
  std::atomic<std::size_t> in_flight_{0};
  bool usable_ = true;
  bool started_ = false;
};

class FakeFactory : public upstream::SessionFactory {
 public:
  FakeFactory(asio::any_io_executor ex, std::shared_ptr<FakeServerState> state) : ex_(ex), state_(std::move(state)) {}
  std::shared_ptr<upstream::UpstreamSession> create(const upstream::SessionContext& ctx) override {
    ++state_->creates;
    state_->authorizations.push_back(ctx.authorization);
    auto s = std::make_shared<FakeSession>(ex_, state_);
    sessions.push_back(s);
    return s;
  }
  std::string describe() const override { return "fake legacy server"; }
  std::vector<std::shared_ptr<FakeSession>> sessions;

 private:
  asio::any_io_executor ex_;
  std::shared_ptr<FakeServerState> state_;
};

// Runs `aw` to completion on `ioc` (bounded in time and steps); rethrows its exception.
template <class T>
T run_until_done(asio::io_context& ioc, asio::awaitable<T> aw) {
  std::optional<T> value;
  std::exception_ptr error;
  bool done = false;
  asio::co_spawn(ioc, std::move(aw), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value = std::move(v);
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int steps = 0; !done && steps < 1000000 && std::chrono::steady_clock::now() < deadline; ++steps)
    ioc.run_one_for(std::chrono::milliseconds(50));
  if (error) std::rethrow_exception(error);
  if (!done) throw std::runtime_error("test coroutine did not finish in time");
  return std::move(*value);
}

// Runs handlers until `pred()` holds (bounded); returns whether it held.
template <class Pred>
bool run_until(asio::io_context& ioc, Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int steps = 0; !pred() && steps < 1000000 && std::chrono::steady_clock::now() < deadline; ++steps)
    ioc.run_one_for(std::chrono::milliseconds(50));
  return pred();
}

}  // namespace mcp::test
