#pragma once
// Removes the compiler flags of a compile-database command that would make
// libclang load code or write files, before the command reaches libclang.
//
// A compile_commands.json is input like any source file: a fetched project's
// database (or a hostile pull request editing it) must not make a lint run
// execute a plugin or overwrite files. libclang does parse in-process with the
// driver's flags: dependency output (-MD -MF) and --serialize-diagnostics are
// written by the frontend it runs, clang modules write a module cache.
// Plugins (-fplugin=, -Xclang -load) are not loaded by libclang 19's parse
// today; they are dropped anyway so that no libclang version ever could.
//
// Dropped (with the value they take, joined or separate):
//   loads code:      -fplugin=  -fpass-plugin=  -Xclang -load|-plugin|-add-plugin|-plugin-arg-* X
//   writes files:    -o  -MD -MMD -MF -MJ -MT -MQ -M -MM -MP -MG  -Wp,-M...  -Xpreprocessor -M...
//                    --serialize-diagnostics  -save-temps[=]  -ftime-trace[=]  -fcrash-diagnostics-dir=
//                    -fmodules-cache-path=  -fmodules -fcxx-modules -fimplicit-modules (a module cache)
//                    -Xclang -emit-*|-dependency-file|-dependency-dot|-header-include-file|-o X
//   other actions:   -c  (libclang only parses)
// Diagnostics colour flags are dropped silently (harmless, noisy).
#include <string>
#include <vector>

namespace mcp_lint {

struct DroppedFlag {
  std::string flag;    // as written, value included ("-MF deps.d", "-Xclang -load -Xclang x.so")
  std::string reason;  // "loads code", "writes files", ...
};

struct FilteredFlags {
  std::vector<std::string> kept;
  std::vector<DroppedFlag> dropped;  // in command order
};

// `args` are compiler arguments (without the compiler itself).
FilteredFlags filter_database_flags(const std::vector<std::string>& args);

// The option part of a dropped flag, for one warning per kind of flag:
// "-fplugin=/x/evil.so" -> "-fplugin=", "-MF deps.d" -> "-MF", "-Xclang -load -Xclang x.so" -> "-Xclang -load".
std::string flag_kind(const std::string& dropped_flag);

}  // namespace mcp_lint
