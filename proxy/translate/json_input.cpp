#include "translate/json_input.hpp"

#include "translate/wire_text.hpp"

namespace mcp::translate {

namespace {

ParsedJson parse_bounded(std::string_view text) {
  using json = nlohmann::json;
  bool too_deep = false;
  // The callback drops (never builds) anything below the bound, so no deep
  // value exists even for a moment.
  const json::parser_callback_t bound = [&too_deep](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        static_cast<std::size_t>(depth) >= kMaxJsonDepth) {
      too_deep = true;
      return false;
    }
    return !too_deep;
  };
  ParsedJson out;
  out.value = json::parse(text, bound, /*allow_exceptions=*/false);
  if (too_deep) {
    out.value = json(json::value_t::discarded);
    out.error = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
  } else if (out.value.is_discarded()) {
    out.error = "not valid JSON";
  }
  return out;
}

}  // namespace

ParsedJson parse_json(std::string_view text, InvalidUtf8 invalid_utf8) {
  ParsedJson out = parse_bounded(text);
  if (out.ok() || invalid_utf8 == InvalidUtf8::Reject) return out;
  std::string repaired = valid_utf8(text);
  if (repaired == text) return out;  // the bytes were not the problem
  return parse_bounded(repaired);
}

}  // namespace mcp::translate
