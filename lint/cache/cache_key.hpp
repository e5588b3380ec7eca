#pragma once
// The key of a unit's cache entry: what its result depends on that is known
// before parsing. The rest of its input (the headers it includes) is checked
// through the entry's manifest (result_cache.hpp).
#include <map>
#include <string>
#include <vector>

#include "engine/rule_pack.hpp"

namespace mcp_lint::cache {

// What every unit's result depends on besides its own files and its packs'
// rules: the format of the entries, mcp-lint's version and build (the
// executable's path, size and modification time, as ccache identifies a
// compiler: a rebuilt mcp-lint starts a fresh cache), libclang's version, the
// feature catalog (features.yaml: the variant parses depend on its words),
// and the options that change what a unit yields: the lint scope (the PATH
// roots) and whether index facts are collected; and CPATH,
// CPLUS_INCLUDE_PATH, C_INCLUDE_PATH. The packs are not in the key: an entry
// records the digest of each pack it holds the hits of (pack_digests), and
// serves every run whose packs it holds, so a run with fewer packs (the SDK
// packs left out) reuses the parses of a run with all of them.
std::string run_salt(const FeatureCatalog& catalog, const std::vector<std::string>& scope_roots, bool collect_facts);

// Pack id -> digest of the pack (its fields, its file's bytes and every field
// of its rules), for every pack of `rules`.
std::map<std::string, std::string> pack_digests(const RuleSet& rules);

// Every field of the feature catalog, the inference vocabulary included.
std::string catalog_digest(const FeatureCatalog& catalog);

// SHA-256 of the salt, the unit's main file path, its libclang arguments and
// the SHA-256 of its main file's content.
std::string unit_key(const std::string& salt, const std::string& main_file, const std::vector<std::string>& args,
                     const std::string& main_sha256);

// The libclang in use ("Debian clang version 19.1.7 (...)"): part of every key, and of --version.
std::string libclang_version();

}  // namespace mcp_lint::cache
