// translate/wire_text.*: invalid UTF-8 never reaches the wire and never makes
// serialisation throw. Expected replacements follow Unicode 15 section 3.9
// ("U+FFFD Substitution of Maximal Subparts"), written out by hand here.
#include <gtest/gtest.h>

#include "translate/wire_text.hpp"

using namespace mcp::translate;
using json = nlohmann::json;

namespace {
const std::string R = "\xEF\xBF\xBD";  // U+FFFD
}

TEST(WireText, ValidTextIsUnchanged) {
  const std::string text = "plain ASCII, caf\xC3\xA9, \xE6\x97\xA5\xE6\x9C\xAC, \xF0\x9F\x98\x80";
  EXPECT_EQ(valid_utf8(text), text);
}

TEST(WireText, EachMaximalInvalidSubpartBecomesOneReplacement) {
  EXPECT_EQ(valid_utf8("a\x80" "b"), "a" + R + "b");                 // stray continuation byte
  EXPECT_EQ(valid_utf8("a\xC3"), "a" + R);                           // truncated at the end
  EXPECT_EQ(valid_utf8("\xE6\x97" "x"), R + "x");                    // truncated 3-byte sequence: one subpart
  EXPECT_EQ(valid_utf8("\xC0\xAF"), R + R);                          // overlong lead: two bytes, two replacements
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), R + R + R);                  // surrogate U+D800
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), R + R + R + R);          // past U+10FFFF
  EXPECT_EQ(valid_utf8("\xF0\x9F\x98" "!"), R + "!");                // truncated 4-byte sequence
  EXPECT_EQ(valid_utf8("\xFF\xFE"), R + R);
}

TEST(WireText, AbbreviateNeverSplitsACharacter) {
  const std::string text = "ab\xE6\x97\xA5\xE6\x9C\xAC";  // "ab日本": 8 bytes
  EXPECT_EQ(abbreviate(text, 8), text);
  EXPECT_EQ(abbreviate(text, 4), "ab...(8 bytes)");  // byte 4 is inside 日
  EXPECT_EQ(abbreviate(text, 5), "ab\xE6\x97\xA5...(8 bytes)");
  EXPECT_EQ(abbreviate("\x80\x80\x80\x80\x80", 2), R + R + "...(5 bytes)");
}

TEST(WireText, ToWireReplacesInsteadOfThrowing) {
  json message = {{"error", {{"message", std::string("upstream said \xC3")}}}};
  EXPECT_THROW((void)message.dump(), json::type_error);  // what the default would do on the response path
  EXPECT_EQ(to_wire(message), "{\"error\":{\"message\":\"upstream said " + R + "\"}}");
}
