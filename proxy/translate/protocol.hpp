// Protocol constants shared by both sides of the bridge: versions, reserved
// _meta keys and JSON-RPC / MCP error codes (basic/index.mdx "Error Codes").
#pragma once

#include <array>
#include <string_view>

namespace mcp::protocol {

// The revision the bridge serves downstream.
inline constexpr std::string_view kModernVersion = "2026-07-28";
inline constexpr std::array<std::string_view, 1> kSupportedModernVersions{kModernVersion};

// Legacy revisions the bridge can speak upstream, preferred first. The upstream
// picks one in its InitializeResult.
inline constexpr std::array<std::string_view, 3> kLegacyVersions{"2025-11-25", "2025-06-18", "2025-03-26"};
// 2024-11-05 had the same stdio transport but HTTP+SSE instead of Streamable
// HTTP: accepted from stdio upstreams only (upstream/legacy_handshake.hpp).
inline constexpr std::array<std::string_view, 1> kLegacyStdioOnlyVersions{"2024-11-05"};

// Reserved per-request _meta keys (basic/index.mdx "_meta").
inline constexpr std::string_view kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kMetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view kMetaServerInfo = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view kMetaPrefix = "io.modelcontextprotocol/";

namespace error {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// 2025-11-25 "resource not found"; 2026-07-28 forbids emitting it (use -32602).
inline constexpr int kLegacyResourceNotFound = -32002;
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kMissingRequiredClientCapability = -32021;
inline constexpr int kUnsupportedProtocolVersion = -32022;
}  // namespace error

}  // namespace mcp::protocol
