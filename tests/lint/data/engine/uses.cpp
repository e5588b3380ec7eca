// Engine test sources: every line with a finding carries its expectation.
// The word sampling/createMessage in this comment is not a finding.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "sdk/sdk.hpp"

#define SAMPLING_METHOD "sampling/createMessage"  // expect: test/sampling-method-string

namespace app {
constexpr const char* kMethod = "sampling/createMessage";  // expect: test/sampling-method-string
using json = nlohmann::json;
namespace s = sdk;
using ServerAlias = sdk::Server;
namespace other {
void send_log(const char*);
}

struct MyServer : sdk::Server {
  void send_log(sdk::Level level, const std::string& text) override;
};
struct MyHandler : sdk::Handler {
  void on_roots_changed() override;  // expect: test/roots-on-roots
  void on_tools_changed() override;
};
void MyHandler::on_roots_changed() {}  // expect: test/roots-on-roots
void MyHandler::on_tools_changed() {}

void literals() {
  std::string a = "sampling/createMessage";  // expect: test/sampling-method-string
  std::string b = SAMPLING_METHOD;  // expect: test/sampling-method-string
  std::string c = kMethod;  // expect: test/sampling-method-string
  // "sampling/createMessage" in a comment is not a finding
  std::string d = "sampling/createMessages";
  std::string e = "sampling";
  /* "sampling/createMessage" */
  const char8_t* f = u8"sampling/createMessage";  // expect: test/sampling-method-string
  std::string g = R"(sampling/createMessage)";  // expect: test/sampling-method-string
}

void json_keys(json& capabilities, json& config) {
  capabilities["roots"] = true;  // expect: test/roots-caps-key
  config["roots"] = "/";
  bool has = capabilities.contains("roots");  // expect: test/roots-caps-key
  json caps = {{"roots", {{"listChanged", true}}}};  // expect: test/roots-caps-key
  json tree = {{"roots", 1}};
  json response = {{"capabilities", {{"roots", json::object()}}}};  // expect: test/roots-caps-key
  auto level = config.value("logging", json{});  // expect: test/logging-any-key
  std::map<std::string, int> m;
  m["logging"] = 1;
  std::string msg = "logging";
  double sampling_rate = 44100.0;
}

void calls(sdk::Server& server, MyServer& mine, ServerAlias& alias) {
  server.send_log(sdk::Level::Debug, "x");  // expect: test/logging-send-log, test/logging-level
  mine.send_log(sdk::Level::Info, "x");  // expect: test/logging-send-log
  alias.send_log(s::Level::Info, "y");  // expect: test/logging-send-log
  auto& ref = alias;
  ref.send_log(sdk::Level::Info, "z");  // expect: test/logging-send-log
  s::notify("a");  // expect: test/logging-send-log
  server.notify_one(3);  // expect: test/logging-send-log
  auto fn = [] { sdk::notify("b"); };  // expect: test/logging-send-log
  other::send_log("not the SDK");
  sdk::Color c = sdk::Red;  // expect: test/logging-level
}

void types() {
  sdk::SamplingHandler h;  // expect: test/sampling-handler-type
  s::SamplingRequest r;  // expect: test/sampling-handler-type
  auto req = sdk::make_request();  // expect: test/sampling-handler-type
  std::shared_ptr<sdk::SamplingRequest> p;  // expect: test/sampling-handler-type
  std::string sampling_handler;
}

constexpr int kNotFound = -32002;  // expect: test/removed-code
int code_a() { return -32002; }  // expect: test/removed-code
int code_b() { return kNotFound; }  // expect: test/removed-code
int code_c() { return 32002; }
int code_d() { return -32602; }
}  // namespace app
