#include "translate/wire_text.hpp"

#include "translate/append_json.hpp"

namespace mcp::translate {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence starting at text[i] (Unicode
// table 3-7, "Well-Formed UTF-8 Byte Sequences"), or 0 when none starts there.
std::size_t sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  auto in = [&](std::size_t k, unsigned lo, unsigned hi) { return k < text.size() && byte(k) >= lo && byte(k) <= hi; };
  const unsigned b0 = byte(i);
  if (b0 <= 0x7F) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlongs
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlongs
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing past U+10FFFF
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// How many bytes of an invalid sequence at text[i] form one maximal subpart
// (the lead byte plus the continuation bytes that could still have fitted).
std::size_t invalid_subpart(std::string_view text, std::size_t i) {
  std::size_t n = 1;
  const unsigned b0 = static_cast<unsigned char>(text[i]);
  const std::size_t expected = b0 >= 0xF0 && b0 <= 0xF4 ? 4 : b0 >= 0xE0 && b0 <= 0xEF ? 3 : b0 >= 0xC2 && b0 <= 0xDF ? 2 : 1;
  // The whole sequence is invalid, so every prefix this loop accepts is short of complete.
  while (n < expected && i + n < text.size()) {
    const unsigned b = static_cast<unsigned char>(text[i + n]);
    if (b < 0x80 || b > 0xBF) break;
    // Would the prefix so far still be valid with this byte? Check the
    // second-byte ranges of table 3-7 (the only position that varies).
    if (n == 1 && ((b0 == 0xE0 && b < 0xA0) || (b0 == 0xED && b > 0x9F) || (b0 == 0xF0 && b < 0x90) ||
                   (b0 == 0xF4 && b > 0x8F)))
      break;
    ++n;
  }
  return n;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (auto n = sequence_length(text, i)) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out.append(kReplacement);
      i += invalid_subpart(text, i);
    }
  }
  return out;
}

std::string abbreviate(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return valid_utf8(text);
  // When the character holding byte max_bytes starts a little earlier (at
  // most 3 bytes: the longest sequence), cut before it instead of through it.
  std::size_t cut = max_bytes;
  for (std::size_t back = 0; back < 4 && back <= max_bytes; ++back) {
    const std::size_t start = max_bytes - back;
    if ((static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) continue;  // continuation byte
    if (start + sequence_length(text, start) > max_bytes) cut = start;
    break;
  }
  return valid_utf8(text.substr(0, cut)) + "...(" + std::to_string(text.size()) + " bytes)";
}

std::string to_wire(const nlohmann::json& message) {
  return json_text(message, false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mcp::translate
