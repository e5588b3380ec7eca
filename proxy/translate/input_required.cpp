#include "translate/input_required.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <string_view>
#include <utility>

#include "translate/canonical.hpp"
#include "translate/wire_text.hpp"

namespace mcp::translate {
namespace {

constexpr int kUrlElicitationRequired = -32042;
constexpr std::size_t kMaxKeyLength = 64;
constexpr std::size_t kMaxUrlElicitations = 16;

struct InputMethod {
  std::string_view method;
  std::string_view capability;
  std::string_view key_prefix;
};
constexpr std::array<InputMethod, 3> kInputMethods{{
    {"elicitation/create", "elicitation", "elicitation"},
    {"sampling/createMessage", "sampling", "sampling"},
    {"roots/list", "roots", "roots"},
}};

const InputMethod* find_input_method(std::string_view method) {
  for (const auto& m : kInputMethods)
    if (m.method == method) return &m;
  return nullptr;
}

std::string method_of(const json& request) {
  if (!request.is_object()) return "";
  auto it = request.find("method");
  return it != request.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& params_of(const json& request) {
  static const json kEmpty = json::object();
  if (!request.is_object()) return kEmpty;
  auto it = request.find("params");
  return it != request.end() && it->is_object() ? *it : kEmpty;
}

bool is_valid_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  for (unsigned char c : key)
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

bool is_object_member(const json& object, std::string_view key) {
  auto it = object.find(std::string(key));
  return it != object.end() && it->is_object();
}

}  // namespace

bool supports_input_required(std::string_view method) {
  return method == "tools/call" || method == "prompts/get" || method == "resources/read";
}

bool is_input_request_method(std::string_view method) { return find_input_method(method) != nullptr; }

std::optional<json> missing_client_capability(const json& client_capabilities, const json& server_request) {
  const std::string method = method_of(server_request);
  const InputMethod* m = find_input_method(method);
  if (!m) return std::nullopt;  // not an input request: not a capability question
  const json caps = client_capabilities.is_object() ? client_capabilities : json::object();
  const std::string capability(m->capability);
  if (method == "elicitation/create" && params_of(server_request).value("mode", "") == "url") {
    if (is_object_member(caps, "elicitation") && is_object_member(caps["elicitation"], "url")) return std::nullopt;
    return json{{"elicitation", {{"url", json::object()}}}};
  }
  if (is_object_member(caps, capability)) return std::nullopt;
  return json{{capability, json::object()}};
}

std::string choose_input_key(const json& server_request, const std::function<bool(const std::string&)>& taken) {
  const json& params = params_of(server_request);
  if (auto meta = params.find("_meta"); meta != params.end() && meta->is_object()) {
    auto hint = meta->find(std::string(kMetaInputKey));
    if (hint != meta->end() && hint->is_string() && is_valid_key(hint->get_ref<const std::string&>()) &&
        !taken(hint->get<std::string>()))
      return hint->get<std::string>();
  }
  const InputMethod* m = find_input_method(method_of(server_request));
  const std::string prefix = m ? std::string(m->key_prefix) : std::string("input");
  for (int n = 1;; ++n) {
    std::string key = prefix + "_" + std::to_string(n);
    if (!taken(key)) return key;
  }
}

json to_input_request(const json& server_request) {
  json params = params_of(server_request);
  if (auto meta = params.find("_meta"); meta != params.end()) {
    if (meta->is_object()) meta->erase(std::string(kMetaInputKey));
    if (!meta->is_object() || meta->empty()) params.erase("_meta");
  }
  return json{{"method", method_of(server_request)}, {"params", std::move(params)}};
}

json make_input_required_result(const json& input_requests, const std::string& request_state) {
  json result{{"resultType", "input_required"}};
  if (input_requests.is_object() && !input_requests.empty()) result["inputRequests"] = input_requests;
  if (!request_state.empty()) result["requestState"] = request_state;
  return result;
}

std::variant<json, std::string> read_input_responses(const json& params) {
  if (!params.is_object()) return json::object();
  auto it = params.find("inputResponses");
  if (it == params.end()) return json::object();
  if (!it->is_object()) return std::string("Invalid params: inputResponses must be an object");
  for (const auto& [key, value] : it->items()) {
    if (!value.is_object())
      return "Invalid params: inputResponses[\"" + abbreviate(key, kMaxKeyLength) + "\"] must be an object";
  }
  return *it;
}

std::optional<std::string> read_request_state(const json& params) {
  if (!params.is_object()) return std::nullopt;
  auto it = params.find("requestState");
  if (it == params.end()) return std::nullopt;
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) return std::string();
  return it->get<std::string>();
}

json to_legacy_answer(const json& server_request, const json& input_response) {
  json result = input_response.is_object() ? input_response : json::object();
  result.erase("resultType");
  const json id = server_request.is_object() ? server_request.value("id", json(nullptr)) : json(nullptr);
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

namespace {
// What a retry adds to a request's params: not the request's own, so neither
// forwarded upstream nor part of what requestState binds.
constexpr std::string_view kRetryFields[] = {"inputResponses", "requestState"};
bool is_retry_field(std::string_view key) {
  return std::find(std::begin(kRetryFields), std::end(kRetryFields), key) != std::end(kRetryFields);
}
}  // namespace

json without_mrtr_fields(json params) {
  if (params.is_object())
    for (std::string_view key : kRetryFields) params.erase(std::string(key));
  return params;
}

std::string request_binding_text(const json& params) {
  std::string text;
  append_request_binding_text(text, params);
  return text;
}

void append_request_binding_text(std::string& out, const json& params) {
  // canonical_json of params without those keys, written member by member
  // rather than from a copy of params: every tools/call, prompts/get and
  // resources/read runs this, and the arguments may be large. The same bytes
  // as canonical_json(copy) (a signed requestState depends on them): members
  // in sorted key order, `"key":value`, comma-separated, no whitespace.
  out += '{';
  bool first = true;
  if (params.is_object()) {
    for (auto it = params.begin(); it != params.end(); ++it) {
      const std::string& key = it.key();
      if (key == "_meta" || is_retry_field(key)) continue;
      if (!first) out += ',';
      first = false;
      append_canonical_json(out, key);
      out += ':';
      append_canonical_json(out, it.value());
    }
  }
  out += '}';
}

std::optional<json> url_elicitations_from_error(const json& legacy_response) {
  if (!legacy_response.is_object()) return std::nullopt;
  auto error = legacy_response.find("error");
  if (error == legacy_response.end() || !error->is_object()) return std::nullopt;
  auto code = error->find("code");
  if (code == error->end() || !code->is_number_integer() || code->get<int>() != kUrlElicitationRequired)
    return std::nullopt;
  auto data = error->find("data");
  if (data == error->end() || !data->is_object() || !data->contains("elicitations") ||
      !(*data)["elicitations"].is_array())
    return std::nullopt;
  json requests = json::object();
  int n = 0;
  for (const auto& e : (*data)["elicitations"]) {
    if (requests.size() >= kMaxUrlElicitations) break;
    if (!e.is_object() || !e.contains("url") || !e["url"].is_string() || !e.contains("message") ||
        !e["message"].is_string() || !e.contains("elicitationId") || !e["elicitationId"].is_string())
      continue;
    json params{{"mode", "url"}, {"message", e["message"]}, {"url", e["url"]}, {"elicitationId", e["elicitationId"]}};
    std::string key = e["elicitationId"].get<std::string>();
    if (!is_valid_key(key) || requests.contains(key)) key = "url_elicitation_" + std::to_string(++n);
    requests[key] = json{{"method", "elicitation/create"}, {"params", std::move(params)}};
  }
  if (requests.empty()) return std::nullopt;
  return requests;
}

}  // namespace mcp::translate
