#include "translate/append_json.hpp"

#include <memory>

namespace mcp::translate {

namespace {

using nlohmann::json;

// A serializer writing into whichever string append() names.
class AppendingSerializer {
 public:
  explicit AppendingSerializer(json::error_handler_t handler) : serializer_(sink_, ' ', handler) {}

  void append(std::string& out, const json& value, bool ensure_ascii) {
    sink_->out = &out;
    serializer_.dump(value, false, ensure_ascii, 0);  // not pretty: no indent
    sink_->out = nullptr;
  }

 private:
  struct Sink : nlohmann::detail::output_adapter_protocol<char> {
    std::string* out = nullptr;
    void write_character(char c) override { out->push_back(c); }
    void write_characters(const char* s, std::size_t length) override { out->append(s, length); }
  };
  std::shared_ptr<Sink> sink_ = std::make_shared<Sink>();
  nlohmann::detail::serializer<json> serializer_;
};

}  // namespace

void append_json(std::string& out, const json& value, bool ensure_ascii, json::error_handler_t handler) {
  switch (handler) {
    case json::error_handler_t::replace: {
      thread_local AppendingSerializer replacing(json::error_handler_t::replace);
      return replacing.append(out, value, ensure_ascii);
    }
    case json::error_handler_t::ignore: {
      thread_local AppendingSerializer ignoring(json::error_handler_t::ignore);
      return ignoring.append(out, value, ensure_ascii);
    }
    case json::error_handler_t::strict:
      break;
  }
  thread_local AppendingSerializer strict(json::error_handler_t::strict);
  strict.append(out, value, ensure_ascii);
}

}  // namespace mcp::translate
