#pragma once
// The key of a unit's cache entry: what its result depends on that is known
// before parsing. The rest of its input (the headers it includes) is checked
// through the entry's manifest (result_cache.hpp).
#include <string>
#include <vector>

#include "engine/rule_pack.hpp"

namespace mcp_lint::cache {

// What every unit's result depends on besides its own files: the format of
// the entries, mcp-lint's version and build (the executable's path, size and
// modification time, as ccache identifies a compiler: a rebuilt mcp-lint
// starts a fresh cache), libclang's version, the loaded rules (every field,
// and each pack file's bytes), and the options that change what a unit
// yields: the lint scope (the PATH roots) and whether index facts are
// collected; and CPATH, CPLUS_INCLUDE_PATH, C_INCLUDE_PATH.
std::string run_salt(const RuleSet& rules, const std::vector<std::string>& scope_roots, bool collect_facts);

// SHA-256 of the salt, the unit's main file path, its libclang arguments and
// the SHA-256 of its main file's content.
std::string unit_key(const std::string& salt, const std::string& main_file, const std::vector<std::string>& args,
                     const std::string& main_sha256);

// The part of the salt that describes the rules (exposed for tests).
std::string rules_digest(const RuleSet& rules);

// The libclang in use ("Debian clang version 19.1.7 (...)"): part of every key, and of --version.
std::string libclang_version();

}  // namespace mcp_lint::cache
