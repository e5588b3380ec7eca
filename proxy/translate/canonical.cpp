#include "translate/canonical.hpp"

#include <memory>

namespace mcp::translate {

namespace {

// nlohmann's serializer writing into whichever string append_canonical_json
// names. One per thread, built once: json::dump() builds a serializer per
// call (its output adapter and a 512-byte indent string: two allocations)
// plus the string it returns, and every tools/call, prompts/get and
// resources/read writes its MRTR binding text from several of them.
class AppendingSerializer {
 public:
  void append(std::string& out, const nlohmann::json& value) {
    sink_->out = &out;
    // Not pretty (no indent), ensure_ascii: the same bytes as value.dump(-1, ' ', true).
    serializer_.dump(value, false, true, 0);
    sink_->out = nullptr;
  }

 private:
  struct Sink : nlohmann::detail::output_adapter_protocol<char> {
    std::string* out = nullptr;
    void write_character(char c) override { out->push_back(c); }
    void write_characters(const char* s, std::size_t length) override { out->append(s, length); }
  };
  std::shared_ptr<Sink> sink_ = std::make_shared<Sink>();
  nlohmann::detail::serializer<nlohmann::json> serializer_{sink_, ' '};
};

}  // namespace

void append_canonical_json(std::string& out, const nlohmann::json& value) {
  // nlohmann::json stores objects in a std::map, so dump() already emits keys
  // in sorted order at every depth; ensure_ascii makes the bytes independent of
  // how the input spelled non-ASCII characters.
  static_assert(std::is_same_v<nlohmann::json::object_t, std::map<std::string, nlohmann::json, std::less<>>>,
                "canonical_json relies on sorted object storage");
  thread_local AppendingSerializer serializer;
  serializer.append(out, value);
}

std::string canonical_json(const nlohmann::json& value) {
  std::string text;
  append_canonical_json(text, value);
  return text;
}

}  // namespace mcp::translate
