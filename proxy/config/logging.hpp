// spdlog set-up: every log line goes to stderr (stdout may carry protocol in
// --stdio mode), as text or as one JSON object per line for log collectors.
#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>

#include "config/bridge_config.hpp"

namespace mcp::config {

// The JSON-lines formatter: {"time","level","thread","msg"}, UTC, message escaped.
std::unique_ptr<spdlog::formatter> make_json_formatter();

// Replaces the default logger. Throws std::invalid_argument for an unknown level.
void setup_logging(const std::string& level, LogFormat format);

}  // namespace mcp::config
