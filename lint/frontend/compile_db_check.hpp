#pragma once
// The shape of a compile_commands.json, checked before libclang loads it, so
// that a broken database is reported with the entry at fault: libclang's
// loader rejects the whole file with no more than "cannot load".
//
// Rejected (InputError, exit 2), like clang-tidy refuses such a database:
// not JSON, not an array, an entry that is not an object, `directory` or
// `file` missing or not a non-empty string, neither `arguments` (a non-empty
// array of strings) nor `command` (a string), `output` not a string, and a
// command line longer than kMaxCommandBytes. An entry whose file no longer
// exists is not a broken database but a stale one: load_compile_database
// skips it with a warning.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace mcp_lint {

// Linux's default ARG_MAX (the whole command line and environment of one
// exec): no build ran a longer compile command.
inline constexpr std::size_t kMaxCommandBytes = std::size_t{2} << 20;

// Throws InputError "JSON_PATH: entry [N]: what is wrong" for the first problem.
void check_compile_database(const nlohmann::json& db, const std::string& json_path);

}  // namespace mcp_lint
