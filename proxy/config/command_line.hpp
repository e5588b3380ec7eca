// Command line and config file -> BridgeConfig (CLI11, with CLI11's built-in
// `--config FILE` TOML/INI support). Pure: no I/O besides reading the config
// file, so every form is unit-tested.
#pragma once

#include <filesystem>
#include <string>
#include <variant>

#include "config/bridge_config.hpp"

namespace mcp::config {

// The program should exit right away: `--help` (code 0, output on stdout) or a
// bad command line (code 2, output is the error message for stderr).
struct ParseExit {
  int code = 0;
  std::string output;
};

using ParseResult = std::variant<BridgeConfig, ParseExit>;

// `executable` locates the bundled sample server used when no upstream is given.
// Everything after the first `--` is the legacy stdio server's command line,
// passed on verbatim (so `-- ./server --flag -x` works).
ParseResult parse_command_line(int argc, const char* const argv[], const std::filesystem::path& executable);

}  // namespace mcp::config
