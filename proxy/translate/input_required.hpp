// Multi round-trip requests (basic/patterns/mrtr.mdx, SEP-2322) as pure
// functions: a legacy server-to-client request (elicitation/create,
// sampling/createMessage, roots/list) becomes one entry of an
// InputRequiredResult's inputRequests; the client's inputResponses become the
// answers the legacy server awaits. The bridge's exchange bookkeeping
// (bridge/mrtr_exchanges.hpp) and requestState signing (bridge/request_state.hpp)
// build on these. Nothing here throws on hostile input.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace mcp::translate {

using json = nlohmann::json;

// Bridge-specific hint a legacy server may put on its request to name the
// inputRequests key: params._meta["mcp-bridge/inputKey"] = "user_name".
// Valid keys: 1-64 characters of [A-Za-z0-9_.-]. The hint never reaches the client.
inline constexpr std::string_view kMetaInputKey = "mcp-bridge/inputKey";

// tools/call, prompts/get, resources/read: the only requests that may answer
// an InputRequiredResult (mrtr.mdx "Supported Requests").
bool supports_input_required(std::string_view method);

// elicitation/create, sampling/createMessage, roots/list.
bool is_input_request_method(std::string_view method);

// The client capabilities `server_request` needs that `client_capabilities`
// (the request's _meta clientCapabilities) lacks, as a requiredCapabilities
// object ({"sampling": {}}, {"elicitation": {"url": {}}}); nullopt when
// covered. URL-mode elicitation needs elicitation.url; form mode needs
// elicitation (an empty object means form, elicitation.mdx "Capabilities").
std::optional<json> missing_client_capability(const json& client_capabilities, const json& server_request);

// The inputRequests key for `server_request`: its kMetaInputKey hint when
// valid and not `taken`, else "<kind>_<n>" (elicitation_1, sampling_1,
// roots_1, ...) with the lowest n not taken. Stable: the key stays with the
// request until it is answered.
std::string choose_input_key(const json& server_request, const std::function<bool(const std::string&)>& taken);

// {"method", "params"} of `server_request` with the kMetaInputKey hint (and an
// emptied _meta) removed.
json to_input_request(const json& server_request);

// {"resultType": "input_required", "inputRequests": ..., "requestState": ...};
// empty inputRequests / requestState are left out (at least one is required).
json make_input_required_result(const json& input_requests, const std::string& request_state);

// params.inputResponses, checked: absent -> empty object; present but not an
// object, or any value not an object -> the message for a -32602.
// (mrtr.mdx "Error Handling": protocol errors are JSON-RPC errors.)
std::variant<json, std::string> read_input_responses(const json& params);

// params.requestState: absent -> nullopt; a non-empty string -> it; anything
// else -> "" (invalid; the caller rejects it).
std::optional<std::string> read_request_state(const json& params);

// The legacy JSON-RPC response a server awaits for `server_request`, from the
// client's answer (an ElicitResult, CreateMessageResult or ListRootsResult).
// 2026-only fields (resultType) are dropped.
json to_legacy_answer(const json& server_request, const json& input_response);

// params without inputResponses and requestState (never sent upstream).
json without_mrtr_fields(json params);

// What a requestState binds of the original request: canonical JSON of params
// without _meta (per-request metadata, e.g. progressToken), inputResponses
// and requestState. Equal for an original request and its retries.
std::string request_binding_text(const json& params);
// The same text appended to `out` (a caller that only hashes it reuses one buffer).
void append_request_binding_text(std::string& out, const json& params);

// A legacy URLElicitationRequiredError (-32042, 2025-11-25
// client/elicitation.mdx "URL Elicitation Required Error") as inputRequests:
// one elicitation/create (mode "url") per data.elicitations entry that has a
// url, message and elicitationId, keyed by the elicitationId when it is a valid
// key, else url_elicitation_<n>. nullopt when `legacy_response` is not such an error.
std::optional<json> url_elicitations_from_error(const json& legacy_response);

}  // namespace mcp::translate
