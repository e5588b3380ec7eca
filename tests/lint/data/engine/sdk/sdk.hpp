#pragma once
// A tiny stand-in SDK for the engine tests.
#include <functional>
#include <string>

namespace sdk {
enum class Level { Debug, Info };
enum Color { Red, Green };
using SamplingHandler = std::function<std::string(const std::string&)>;
struct SamplingRequest {
  std::string prompt;
};
SamplingRequest make_request();  // expect: test/sampling-handler-type

class Server {
 public:
  virtual ~Server() = default;
  virtual void send_log(Level level, const std::string& text);
  template <typename T>
  void notify_one(T value);
};
void notify(const char* what);

class Handler {
 public:
  virtual ~Handler() = default;
  virtual void on_roots_changed();
  virtual void on_tools_changed();
};
}  // namespace sdk
