#include "translate/canonical.hpp"

#include "translate/append_json.hpp"

namespace mcp::translate {

void append_canonical_json(std::string& out, const nlohmann::json& value) {
  // nlohmann::json stores objects in a std::map, so dump() already emits keys
  // in sorted order at every depth; ensure_ascii makes the bytes independent of
  // how the input spelled non-ASCII characters.
  static_assert(std::is_same_v<nlohmann::json::object_t, std::map<std::string, nlohmann::json, std::less<>>>,
                "canonical_json relies on sorted object storage");
  append_json(out, value, true);
}

std::string canonical_json(const nlohmann::json& value) {
  std::string text;
  append_canonical_json(text, value);
  return text;
}

}  // namespace mcp::translate
