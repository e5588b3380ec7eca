// Inference fixture: a hand-made client whose own wrappers carry the
// deprecated features. Expectations written from the definition.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace app {
using json = nlohmann::json;

// The schema's Root, tied to roots by Client::list_roots.
struct Root {  // expect: inferred/roots-use
  std::string uri;  // expect: inferred/roots-use
  std::string name;  // expect: inferred/roots-use
};

// Sends every method: a generic dispatcher, not a feature API.
class Transport {
 public:
  json send_request(const std::string& method, const json& params);
};

class Client {
 public:
  json create_message(const std::string& prompt);  // expect: inferred/sampling-use
  std::vector<Root> list_roots();  // expect: inferred/roots-use
  json list_tools();

 private:
  Transport transport_;
};

// MCP log levels, tied to logging by send_log.
enum class Level { debug, info, notice, warning, error, critical, alert, emergency };  // expect: inferred/logging-use
void send_log(Transport& t, Level level, const std::string& text);  // expect: inferred/logging-use

}  // namespace app
