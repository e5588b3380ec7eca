// Shared by the libFuzzer targets: the invariants every target checks beyond
// "does not crash" (sanitizers catch the crashes).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcp::fuzz {

using json = nlohmann::json;

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Invalid JSON is a normal input, not a finding: nullopt-like discarded value.
inline json parse_or_discarded(std::string_view text) {
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// Whatever the bridge would put on the wire must serialise with the strict
// error handler: a string cut inside a UTF-8 sequence would make dump() throw
// on the response path (the client would wait for an answer that never comes).
inline void require_serialisable(const json& value, const char* what) {
  try {
    (void)value.dump();
  } catch (const json::exception& e) {
    std::fprintf(stderr, "%s does not serialise: %s\n", what, e.what());
    std::abort();
  }
}

// Aborts (a finding for libFuzzer) when an invariant does not hold.
inline void require(bool holds, const char* invariant) {
  if (!holds) {
    std::fprintf(stderr, "invariant violated: %s\n", invariant);
    std::abort();
  }
}

// Splits the input at a position chosen by its first byte, so chunked and
// whole feeding can be compared (differential check of incremental parsers).
inline std::size_t split_point(std::string_view text) {
  if (text.empty()) return 0;
  return static_cast<unsigned char>(text.front()) % (text.size() + 1);
}

// The differential check of an incremental parser: `feed(first, second)`
// must give the same outcome whether the input arrives whole or in two
// chunks split at split_point().
template <class Feed>
void require_split_invariant(std::string_view text, Feed&& feed) {
  const auto cut = split_point(text);
  require(feed(text, std::string_view{}) == feed(text.substr(0, cut), text.substr(cut)),
          "chunked feeding equals whole feeding");
}

}  // namespace mcp::fuzz
