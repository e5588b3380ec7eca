#pragma once
// First pass of the cross-unit inference: one walk over a translation unit
// that records what the inference needs, keyed by USR (function declarations,
// definitions and overrides, call edges, types named by parameters and
// returns, fields/variables and their references, enums with their
// enumerators, method-like string literals, macro definitions and
// expansions). Nothing here knows MCP; code in system headers or outside the
// lint scope is not walked.
#include <clang-c/Index.h>

#include "engine/index/facts.hpp"
#include "engine/tu_walker.hpp"

namespace mcp_lint::index {

UnitFacts collect_facts(CXTranslationUnit tu, const ScopeFilter& in_scope);

// True for a literal shaped like a JSON-RPC method name: lower-case words
// joined by '/', e.g. "tools/call", "notifications/roots/list_changed".
bool looks_like_method(const std::string& value);

}  // namespace mcp_lint::index
