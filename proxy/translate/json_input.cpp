#include "translate/json_input.hpp"

#include "translate/wire_text.hpp"

namespace mcp::translate {

namespace {

// nlohmann's DOM builder with the nesting bound: a container opened at
// kMaxJsonDepth enclosing containers stops the parse, so no deep value exists
// even for a moment. A SAX handler rather than json::parse's callback: with a
// callback nlohmann builds through its callback parser (a std::function call
// and keep-stacks for every value), which was most of the cost of parsing the
// small documents of the request path.
class BoundedDomParser : public nlohmann::detail::json_sax_dom_parser<nlohmann::json> {
 public:
  using Base = nlohmann::detail::json_sax_dom_parser<nlohmann::json>;
  explicit BoundedDomParser(nlohmann::json& result) : Base(result, /*allow_exceptions=*/false) {}

  bool start_object(std::size_t n) { return enter() && Base::start_object(n); }
  bool start_array(std::size_t n) { return enter() && Base::start_array(n); }
  bool end_object() {
    --depth_;
    return Base::end_object();
  }
  bool end_array() {
    --depth_;
    return Base::end_array();
  }
  bool too_deep() const { return too_deep_; }

 private:
  bool enter() {
    if (depth_ >= kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    ++depth_;
    return true;
  }
  std::size_t depth_ = 0;  // containers open around the next value
  bool too_deep_ = false;
};

ParsedJson parse_bounded(std::string_view text) {
  using json = nlohmann::json;
  ParsedJson out;
  BoundedDomParser dom(out.value);
  const bool parsed = json::sax_parse(text, &dom);  // strict: nothing may follow the value
  if (dom.too_deep()) {
    out.value = json(json::value_t::discarded);
    out.error = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
  } else if (!parsed || dom.is_errored()) {
    out.value = json(json::value_t::discarded);
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
