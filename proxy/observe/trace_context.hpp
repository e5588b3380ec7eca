// The trace id of a W3C Trace Context `traceparent` value
// (https://www.w3.org/TR/trace-context/#traceparent-header), for the access
// log. 2026-07-28 carries trace context in params._meta.traceparent
// (basic/index.mdx "OpenTelemetry trace context"); over HTTP the bridge also
// reads the `traceparent` header. Pure; hostile input gives nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcp::observe {

// version "-" trace-id "-" parent-id "-" flags: 2, 32, 16 and 2 lower-case hex
// digits (a future version may append "-..." fields); version ff and an
// all-zero trace id or parent id are invalid.
std::optional<std::string> trace_id_of(std::string_view traceparent);

// The request's trace id: the `traceparent` header when valid, else
// params._meta.traceparent of the JSON-RPC message.
std::optional<std::string> trace_id_of_request(const nlohmann::json& message, std::string_view traceparent_header);

}  // namespace mcp::observe
