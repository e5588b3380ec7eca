// JSON-RPC classification and both translation directions (translate/*),
// with the preconditions the bridge guarantees before calling each function:
// the input is any JSON value, read as a client's 2026 message, as a legacy
// upstream's response / notification / server request, and as MRTR and
// listen parameters. Invariant: no function throws (sanitizers catch the
// rest) and everything that would reach a client or an upstream serialises.
#include "fuzz_support.hpp"
#include "translate/input_required.hpp"
#include "translate/jsonrpc.hpp"
#include "translate/request_meta.hpp"
#include "translate/subscriptions.hpp"
#include "translate/to_legacy.hpp"
#include "translate/to_modern.hpp"

using namespace mcp::translate;
using mcp::fuzz::require_serialisable;

namespace {

constexpr const char* kMethods[] = {"tools/call", "resources/read", "prompts/get", "tools/list", "completion/complete"};

void as_client_message(const json& message) {
  auto classified = classify_message(message);
  require_serialisable(classified.id, "classified id");
  if (classified.kind != MessageKind::Request) return;
  require_serialisable(to_legacy_request(message, 7), "legacy request");
  const json& params = message.contains("params") ? message["params"] : json(nullptr);
  auto meta = read_request_meta(params);
  if (auto* m = std::get_if<RequestMeta>(&meta)) {
    require_serialisable(make_initialize_params(*m, {}), "initialize params");
    require_serialisable(to_legacy_client_capabilities(m->client_capabilities, {}), "legacy capabilities");
  } else {
    auto& e = std::get<MetaError>(meta);
    require_serialisable(make_error_response(classified.id, e.code, e.message, e.data), "meta error");
  }
  if (!params.is_object()) return;
  auto responses = read_input_responses(params);
  if (auto* problem = std::get_if<std::string>(&responses))
    require_serialisable(make_error_response(classified.id, -32602, *problem), "input responses error");
  (void)read_request_state(params);
  (void)request_binding_text(params);
  require_serialisable(without_mrtr_fields(params), "params without MRTR fields");
  auto filter = parse_listen_filter(params);
  if (auto* f = std::get_if<ListenFilter>(&filter)) {
    require_serialisable(to_subscription_filter(*f), "subscription filter");
    require_serialisable(make_listen_acknowledgment(classified.id, *f), "listen acknowledgment");
  }
}

void as_upstream_message(const json& message, std::size_t method_choice) {
  auto classified = classify_message(message);
  ResponseContext ctx;
  ctx.client_id = "client-1";
  ctx.method = kMethods[method_choice % std::size(kMethods)];
  ctx.request_uri = "file:///x";
  ctx.server_info = {{"name", "fuzzed-upstream"}, {"version", "1"}};
  RequestMeta meta;
  meta.protocol_version = "2026-07-28";
  meta.log_level = "debug";
  switch (classified.kind) {
    case MessageKind::Response:
      require_serialisable(to_modern_response(message, ctx), "modern response");
      if (auto urls = url_elicitations_from_error(message)) require_serialisable(*urls, "URL elicitations");
      if (message.contains("error")) require_serialisable(to_modern_error(message["error"], ctx), "modern error");
      break;
    case MessageKind::Notification: {
      if (auto n = to_modern_notification(message, meta)) require_serialisable(*n, "modern notification");
      ListenFilter all{true, true, true, {"file:///x"}};
      if (auto n = to_listen_notification(message, all, 42)) require_serialisable(*n, "listen notification");
      break;
    }
    case MessageKind::Request: {
      if (!is_input_request_method(message.value("method", ""))) break;
      json caps = {{"elicitation", json::object()}};
      if (auto missing = missing_client_capability(caps, message)) require_serialisable(*missing, "missing capability");
      auto key = choose_input_key(message, [](const std::string& k) { return k == "elicitation_1"; });
      json input_requests = {{key, to_input_request(message)}};
      require_serialisable(make_input_required_result(input_requests, "state"), "input required result");
      require_serialisable(to_legacy_answer(message, {{"action", "accept"}, {"content", json::object()}}),
                           "legacy answer");
      break;
    }
    case MessageKind::Invalid:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = mcp::fuzz::as_text(data, size);
  std::size_t method_choice = text.empty() ? 0 : static_cast<unsigned char>(text.back());
  json message = mcp::fuzz::parse_or_discarded(text);
  if (message.is_discarded()) return 0;
  as_client_message(message);
  as_upstream_message(message, method_choice);
  return 0;
}
