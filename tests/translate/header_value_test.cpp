#include "translate/header_value.hpp"

#include <gtest/gtest.h>

using namespace mcp::translate;

TEST(HeaderValue, SpecEncodingExamplesRoundTrip) {
  // streamable-http.mdx "Encoding examples".
  EXPECT_EQ(encode_header_value("us-west1"), "us-west1");
  EXPECT_EQ(encode_header_value("Hello, \xe4\xb8\x96\xe7\x95\x8c"), "=?base64?SGVsbG8sIOS4lueVjA==?=");
  EXPECT_EQ(encode_header_value(" padded "), "=?base64?IHBhZGRlZCA=?=");
  EXPECT_EQ(encode_header_value("line1\nline2"), "=?base64?bGluZTEKbGluZTI=?=");
  EXPECT_EQ(encode_header_value("=?base64?literal?="), "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
  EXPECT_EQ(*decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?="), "Hello, \xe4\xb8\x96\xe7\x95\x8c");
  EXPECT_EQ(*decode_header_value("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="), "=?base64?literal?=");
}

TEST(HeaderValue, InvalidBase64IsRejected) {
  // conformance http-custom-header-server-validation cases.
  EXPECT_FALSE(decode_header_value("=?base64?SGVsbG8?="));      // bad padding
  EXPECT_FALSE(decode_header_value("=?base64?SGVs!!!bG8=?="));  // non-alphabet
  EXPECT_EQ(*decode_header_value("=?base64?SGVsbG8=?="), "Hello");
}

TEST(HeaderValue, ValuesWithoutTheFullSentinelAreLiteral) {
  EXPECT_EQ(*decode_header_value("SGVsbG8="), "SGVsbG8=");
  EXPECT_EQ(*decode_header_value("=?base64?SGVsbG8="), "=?base64?SGVsbG8=");
  EXPECT_FALSE(decode_header_value("a\nb"));
}
