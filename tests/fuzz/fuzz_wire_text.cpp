// translate/wire_text.*, checked against nlohmann's own UTF-8 validation:
// valid text passes unchanged, the output is always valid (strict dump() does
// not throw), repair is idempotent, and abbreviate() stays within its bound.
#include "fuzz_support.hpp"
#include "translate/wire_text.hpp"

using namespace mcp::translate;

namespace {
bool nlohmann_accepts(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(mcp::fuzz::as_text(data, size));
  const std::string repaired = valid_utf8(text);
  mcp::fuzz::require(nlohmann_accepts(repaired), "valid_utf8() output is valid UTF-8");
  mcp::fuzz::require(valid_utf8(repaired) == repaired, "valid_utf8() is idempotent");
  if (nlohmann_accepts(text)) mcp::fuzz::require(repaired == text, "valid text is unchanged");
  const std::size_t max = mcp::fuzz::split_point(text);
  const std::string cut = abbreviate(text, max);
  mcp::fuzz::require(nlohmann_accepts(cut), "abbreviate() output is valid UTF-8");
  if (text.size() > max) mcp::fuzz::require(cut.size() <= 3 * max + 32, "abbreviate() is bounded");
  (void)to_wire(nlohmann::json{{"m", text}});  // must not throw
  return 0;
}
