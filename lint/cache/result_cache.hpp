#pragma once
// The on-disk result cache of mcp-lint (ccache's "direct mode" is the model).
//
// An entry is keyed by everything a unit's result depends on that is known
// before parsing (cache_key.hpp: the tool build, libclang, the rules, the
// options, the unit's arguments, its main file's content). It records a
// manifest: every file the unit included, with the SHA-256 of its content,
// and the #includes that were not found. The entry is a hit only while every
// listed file still hashes the same and every missing one is still missing:
// together with the key, that is the unit's preprocessed input, so a changed
// header invalidates exactly the units that include it.
//
// Layout: DIR/CACHEDIR.TAG, DIR/<2 hex>/<key>.json, one JSON document per
// entry (nlohmann_json), written to a temporary file and renamed into place,
// so a reader never sees half an entry and concurrent runs may share DIR.
// A hit refreshes the entry's modification time; evict() removes the least
// recently used entries first until DIR holds at most max_bytes.
//
// Nothing read from DIR is trusted: an unreadable, malformed or foreign entry
// (another format, another key or unit) is a miss, counted and noted, never a
// crash; the unit is parsed and the entry rewritten.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cache/digest.hpp"

namespace mcp_lint::cache {

// A file the unit read and the SHA-256 of its content; `sha256` empty: a
// file the preprocessor looked for and did not find (creating it changes the
// unit's input).
struct ManifestEntry {
  std::string path;
  std::string sha256;
  bool operator==(const ManifestEntry&) const = default;
};

struct Entry {
  std::vector<ManifestEntry> manifest;
  nlohmann::json payload;  // what the unit contributes (frontend/unit_outcome.hpp)
};

struct CacheStats {
  std::size_t hits = 0;
  std::size_t misses = 0;       // every lookup that was not a hit, including the two below
  std::size_t invalidated = 0;  // an entry whose manifest no longer matches (a changed or new file), or unusable to the caller
  std::size_t corrupt = 0;      // unreadable, malformed or foreign entries (ignored)
  std::size_t stored = 0;
  std::size_t evicted = 0;
  std::vector<std::string> notes;  // why entries were ignored or not written (the first few)
};

// Default bound of the cache directory (--cache-max-mb).
inline constexpr std::uint64_t kDefaultMaxBytes = 1024ull * 1024 * 1024;

class ResultCache {
 public:
  // `max_bytes` 0: no bound. The directory is created on the first store.
  ResultCache(std::string dir, std::uint64_t max_bytes);

  // The entry of `key` for the unit `unit` when it is still valid and, when
  // `usable` is given, usable(payload) holds (an entry the caller cannot use,
  // such as one made without some of its rule packs, is an invalidated miss).
  // Thread-safe.
  std::optional<Entry> load(const std::string& key, const std::string& unit, FileHashes& hashes,
                            const std::function<bool(const nlohmann::json& payload)>& usable = {});
  // The caller found the payload of a hit unusable: counted as a corrupt entry, not a hit.
  void reject(const std::string& key, const std::string& why);
  // Writes atomically; a failure (read-only or full disk) is noted, not thrown. Thread-safe.
  void store(const std::string& key, const std::string& unit, const Entry& entry);
  // Least recently used first, until the directory holds at most max_bytes.
  void evict();

  CacheStats stats() const;
  const std::string& dir() const { return dir_; }
  std::string entry_path(const std::string& key) const;

 private:
  void note(std::string text);

  std::string dir_;
  std::uint64_t max_bytes_;
  mutable std::mutex mutex_;
  CacheStats stats_;
};

}  // namespace mcp_lint::cache
