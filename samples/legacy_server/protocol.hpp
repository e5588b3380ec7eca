// Wire vocabulary of MCP 2025-11-25 (the session-based revision) and small
// JSON-RPC helpers. Method names are constants so that a reader (and our
// linter) can see at a glance which protocol features this server uses.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace legacy {

using json = nlohmann::json;

inline constexpr std::string_view kLatestProtocolVersion = "2025-11-25";
// Versions this server can speak; an initialize naming one of them gets it echoed.
inline constexpr std::array<std::string_view, 3> kSupportedProtocolVersions = {
    "2025-11-25", "2025-06-18", "2025-03-26"};
// What a Streamable HTTP server must assume when MCP-Protocol-Version is absent.
inline constexpr std::string_view kDefaultHttpProtocolVersion = "2025-03-26";

bool is_supported_protocol_version(std::string_view version);

namespace method {
// client -> server requests
inline constexpr std::string_view kInitialize = "initialize";
inline constexpr std::string_view kPing = "ping";
inline constexpr std::string_view kToolsList = "tools/list";
inline constexpr std::string_view kToolsCall = "tools/call";
inline constexpr std::string_view kResourcesList = "resources/list";
inline constexpr std::string_view kResourcesTemplatesList = "resources/templates/list";
inline constexpr std::string_view kResourcesRead = "resources/read";
inline constexpr std::string_view kResourcesSubscribe = "resources/subscribe";
inline constexpr std::string_view kResourcesUnsubscribe = "resources/unsubscribe";
inline constexpr std::string_view kPromptsList = "prompts/list";
inline constexpr std::string_view kPromptsGet = "prompts/get";
inline constexpr std::string_view kCompletionComplete = "completion/complete";
inline constexpr std::string_view kLoggingSetLevel = "logging/setLevel";
// client -> server notifications
inline constexpr std::string_view kInitialized = "notifications/initialized";
inline constexpr std::string_view kCancelled = "notifications/cancelled";
inline constexpr std::string_view kRootsListChanged = "notifications/roots/list_changed";
// server -> client requests (the deprecated Sampling and Roots features, and elicitation)
inline constexpr std::string_view kSamplingCreateMessage = "sampling/createMessage";
inline constexpr std::string_view kElicitationCreate = "elicitation/create";
inline constexpr std::string_view kRootsList = "roots/list";
// server -> client notifications
inline constexpr std::string_view kLogMessage = "notifications/message";
inline constexpr std::string_view kProgress = "notifications/progress";
inline constexpr std::string_view kToolsListChanged = "notifications/tools/list_changed";
inline constexpr std::string_view kPromptsListChanged = "notifications/prompts/list_changed";
inline constexpr std::string_view kResourcesListChanged = "notifications/resources/list_changed";
inline constexpr std::string_view kResourceUpdated = "notifications/resources/updated";
// experimental tasks, client -> server (tasks.hpp)
inline constexpr std::string_view kTasksGet = "tasks/get";
inline constexpr std::string_view kTasksResult = "tasks/result";
inline constexpr std::string_view kTasksList = "tasks/list";
inline constexpr std::string_view kTasksCancel = "tasks/cancel";
}  // namespace method

namespace error_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// 2025-11-25 convention for resources/read of an unknown URI.
inline constexpr int kResourceNotFound = -32002;
// Not a 2025-11-25 code: used when a tool needs a client capability the
// session did not declare, so a 2026-07-28 bridge can pass it through as
// MissingRequiredClientCapabilityError.
inline constexpr int kMissingClientCapability = -32021;
// The client did not answer a server-to-client request in time.
inline constexpr int kClientRequestTimeout = -32001;
}  // namespace error_code

// Thrown by handlers; becomes a JSON-RPC error response.
class McpError : public std::runtime_error {
 public:
  McpError(int code, const std::string& message, json data = nullptr)
      : std::runtime_error(message), code_(code), data_(std::move(data)) {}
  int code() const { return code_; }
  const json& data() const { return data_; }

 private:
  int code_;
  json data_;
};

json make_result_response(const json& id, json result);
json make_error_response(const json& id, int code, std::string_view message,
                         const json& data = nullptr);
json make_notification(std::string_view method, json params);
json make_request(const json& id, std::string_view method, json params);

enum class MessageKind { kRequest, kNotification, kResponse, kInvalid };
// Classifies one decoded JSON-RPC message; never throws.
MessageKind classify_message(const json& message);

// Decodes one JSON-RPC message from untrusted bytes: nullopt when it is not
// valid JSON or nests deeper than `max_depth` (nlohmann's parser recurses).
std::optional<json> parse_message(std::string_view bytes, int max_depth = 64);

// Serializes without throwing on invalid UTF-8 coming from hostile input.
std::string to_wire(const json& message);

}  // namespace legacy
