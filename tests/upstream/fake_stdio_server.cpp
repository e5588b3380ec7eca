// A tiny, deterministic legacy MCP server for the stdio tests: newline-delimited
// JSON-RPC on stdin/stdout, single-threaded, no Boost.
//   tools/call "echo"      -> result with the arguments
//   tools/call "progress"  -> two notifications/progress (token = _meta.progressToken), then result
//   tools/call "slow"      -> no answer; when notifications/cancelled for it arrives, emits
//                             notifications/test_cancelled {requestId, reason}
//   tools/call "ask"       -> sends sampling/createMessage, answers with the client's reply
//   tools/call "env"       -> result {value: getenv(arguments.name), cwd}
//   tools/call "pid"       -> result {pid: getpid()}
//   tools/call "die"       -> exits with status 3 without answering
//   tools/call "list_changed" -> notifications/tools/list_changed, then result
// Options: --ignore-sigterm (shutdown must escalate to SIGKILL), --stay-after-eof,
// --exit-at-start=N (exits with status N before reading anything),
// --exit-on-initialize=N (exits with status N when initialize arrives, unanswered).
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

using json = nlohmann::json;

namespace {
void send(const json& m) { std::cout << m.dump() << "\n" << std::flush; }
json result(const json& id, json r) { return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(r)}}; }
json text(const std::string& t) { return {{"content", json::array({{{"type", "text"}, {"text", t}}})}}; }
}  // namespace

int main(int argc, char** argv) {
  bool stay_after_eof = false;
  int exit_on_initialize = -1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--ignore-sigterm") signal(SIGTERM, SIG_IGN);
    if (a == "--stay-after-eof") stay_after_eof = true;
    if (a.rfind("--exit-at-start=", 0) == 0) std::exit(std::stoi(a.substr(16)));
    if (a.rfind("--exit-on-initialize=", 0) == 0) exit_on_initialize = std::stoi(a.substr(21));
  }
  std::cerr << "fake server starting" << std::endl;
  std::map<std::string, json> asking;  // server request id -> original call id
  std::map<std::string, json> slow;    // id.dump() -> id
  int next_server_id = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    json m = json::parse(line, nullptr, false);
    if (m.is_discarded()) continue;
    if (!m.contains("method")) {  // a response to one of our requests
      const std::string key = m.value("id", json()).dump();
      if (auto it = asking.find(key); it != asking.end()) {
        send(result(it->second, text("client said: " + m.dump())));
        asking.erase(it);
      }
      continue;
    }
    const std::string method = m["method"];
    if (method == "notifications/cancelled") {
      const json rid = m["params"]["requestId"];
      if (slow.erase(rid.dump()))
        send({{"jsonrpc", "2.0"}, {"method", "notifications/test_cancelled"}, {"params", m["params"]}});
      continue;
    }
    if (!m.contains("id")) continue;  // other notifications
    const json id = m["id"];
    if (method == "initialize") {
      if (exit_on_initialize >= 0) std::exit(exit_on_initialize);
      send(result(id, {{"protocolVersion", "2025-11-25"},
                       {"capabilities", {{"tools", {{"listChanged", true}}}}},
                       {"serverInfo", {{"name", "fake-stdio"}, {"version", "1.0"}}},
                       {"instructions", "for tests"}}));
    } else if (method == "ping") {
      send(result(id, json::object()));
    } else if (method == "tools/call") {
      const std::string name = m["params"].value("name", "");
      const json args = m["params"].value("arguments", json::object());
      if (name == "echo") {
        send(result(id, text(args.dump())));
      } else if (name == "progress") {
        const json token = m["params"]["_meta"]["progressToken"];
        for (int i = 1; i <= 2; ++i)
          send({{"jsonrpc", "2.0"}, {"method", "notifications/progress"},
                {"params", {{"progressToken", token}, {"progress", i}, {"total", 2}}}});
        send(result(id, text("done")));
      } else if (name == "slow") {
        slow[id.dump()] = id;
      } else if (name == "ask") {
        const json sid = "srv-" + std::to_string(++next_server_id);
        asking[sid.dump()] = id;
        send({{"jsonrpc", "2.0"}, {"id", sid}, {"method", "sampling/createMessage"}, {"params", {{"maxTokens", 5}}}});
      } else if (name == "env") {
        const char* v = std::getenv(args.value("name", "").c_str());
        send(result(id, {{"value", v ? v : ""}, {"cwd", std::filesystem::current_path().string()}}));
      } else if (name == "pid") {
        send(result(id, {{"pid", static_cast<int>(getpid())}}));
      } else if (name == "list_changed") {
        send({{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}});
        send(result(id, text("ok")));
      } else if (name == "junk") {
        std::cout << "this is not JSON" << std::endl;
        send(result(id, text("after junk")));
      } else if (name == "huge") {
        std::cout << std::string(2 * 1024 * 1024, 'x') << std::endl;
        send(result(id, text("unreachable")));
      } else if (name == "die") {
        std::cerr << "fake server dying on purpose" << std::endl;
        std::exit(3);
      } else {
        send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", -32602}, {"message", "unknown tool " + name}}}});
      }
    } else {
      send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", -32601}, {"message", "no " + method}}}});
    }
  }
  std::cerr << "fake server: stdin closed" << std::endl;
  if (stay_after_eof)
    for (int i = 0; i < 600; ++i) sleep(1);  // bounded: 10 minutes at most
  return 0;
}
