// Caching hints the bridge attaches to cacheable 2026-07-28 results
// (server/utilities/caching.mdx). A legacy upstream has no notion of ttlMs or
// cacheScope, so the operator decides them: one default plus per-method overrides.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace mcp::translate {

enum class CacheScope { Public, Private };

inline std::string_view to_string(CacheScope s) { return s == CacheScope::Public ? "public" : "private"; }

struct CacheHint {
  std::int64_t ttl_ms = 0;  // MUST be >= 0 (clamped when applied)
  CacheScope scope = CacheScope::Private;
};

struct CachePolicy {
  // Conservative default: "immediately stale" and never shared across
  // authorization contexts, because the bridge cannot know whether a legacy
  // server's lists depend on the caller.
  CacheHint default_hint{};
  // Keyed by method name, e.g. "tools/list" -> {300000, Public}.
  std::map<std::string, CacheHint, std::less<>> per_method;

  CacheHint hint_for(std::string_view method) const {
    auto it = per_method.find(method);
    return it == per_method.end() ? default_hint : it->second;
  }
};

}  // namespace mcp::translate
