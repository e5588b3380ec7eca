// A client's raw HTTP request through Beast's parser (with the bridge's
// limits) and every check of downstream/request_validation.* in the order the
// connection applies them, plus header decoding. Invariant: every rejection
// and every collected request serialises (nothing can throw on the way back).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/asio/buffer.hpp>

#include "downstream/request_validation.hpp"
#include "fuzz_support.hpp"
#include "translate/header_value.hpp"

namespace http = boost::beast::http;
using namespace mcp::downstream;

namespace {

void check_rejection(const std::optional<Rejection>& r) {
  if (r) mcp::fuzz::require_serialisable(r->body, "rejection body");
}

void validate(const HttpRequest& req) {
  static const AccessPolicy policy = make_access_policy("127.0.0.1", {"bridge.internal"}, {"https://app.example"});
  for (const auto& field : req) {
    if (auto decoded = mcp::translate::decode_header_value(field.value()))
      mcp::fuzz::require(mcp::translate::is_valid_header_text(mcp::translate::encode_header_value(*decoded)),
                         "an encoded header value is valid header text");
  }
  auto endpoint = route(req);
  if (auto* r = std::get_if<Rejection>(&endpoint)) return check_rejection(*r);
  if (auto r = check_origin_and_host(req, policy)) return check_rejection(r);
  if (auto r = check_content_negotiation(req)) return check_rejection(r);
  auto body = parse_body(req.body());
  if (auto* r = std::get_if<Rejection>(&body)) return check_rejection(*r);
  auto& message = std::get<json>(body);
  if (auto r = check_standard_headers(req, message)) return check_rejection(r);
  (void)is_request(message);
  auto collected = collect_request(req, std::move(message));
  mcp::fuzz::require_serialisable(collected.message, "collected request");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  std::size_t used = parser.put(boost::asio::buffer(data, size), ec);
  (void)used;
  // Beast asserts that put_eof() follows some input: the connection only
  // calls it after a read that returned bytes.
  if (ec == http::error::need_more && parser.got_some()) parser.put_eof(ec);
  if (ec == http::error::need_more) return 0;  // the connection would keep reading
  if (ec) {
    auto rejection = rejection_for_read_error(ec, size > 0);
    if (rejection) mcp::fuzz::require_serialisable(rejection->body, "read-error rejection");
    return 0;
  }
  if (parser.is_done()) validate(parser.get());
  return 0;
}
