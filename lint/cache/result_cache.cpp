#include "cache/result_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace mcp_lint::cache {

namespace {

constexpr const char* kFormat = "mcp-lint-cache/1";
constexpr const char* kTag = "CACHEDIR.TAG";
constexpr std::size_t kMaxNotes = 20;

std::optional<std::string> read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return ss.str();
}

// Writes `content` to a temporary file next to `path`, then renames it over
// `path`: readers see the old entry or the new one, never a part.
bool write_atomically(const fs::path& path, const std::string& content, std::string& error) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    error = path.parent_path().string() + ": " + ec.message();
    return false;
  }
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      error = tmp.string() + ": cannot write";
      out.close();
      fs::remove(tmp, ec);
      return false;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    error = path.string() + ": " + ec.message();
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace

ResultCache::ResultCache(std::string dir, std::uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

std::string ResultCache::entry_path(const std::string& key) const {
  return (fs::path(dir_) / key.substr(0, 2) / (key + ".json")).string();
}

void ResultCache::note(std::string text) {
  if (stats_.notes.size() < kMaxNotes) stats_.notes.push_back(std::move(text));
}

std::optional<Entry> ResultCache::load(const std::string& key, const std::string& unit, FileHashes& hashes,
                                       const std::function<bool(const nlohmann::json& payload)>& usable) {
  const std::string path = entry_path(key);
  enum class Why { absent, invalidated, corrupt };
  auto miss = [&](Why why, const std::string& detail = {}) -> std::optional<Entry> {
    std::lock_guard lock(mutex_);
    ++stats_.misses;
    if (why == Why::invalidated) ++stats_.invalidated;
    if (why == Why::corrupt) {
      ++stats_.corrupt;
      note(path + ": ignored (" + detail + ")");
    }
    return std::nullopt;
  };
  std::error_code ec;
  if (!fs::exists(path, ec)) return miss(Why::absent);
  const auto text = read_whole(path);
  if (!text) return miss(Why::corrupt, "unreadable");
  Entry entry;
  try {
    const nlohmann::json doc = nlohmann::json::parse(*text);
    if (!doc.is_object() || doc.value("format", "") != kFormat) return miss(Why::corrupt, "not a mcp-lint cache entry of this format");
    if (doc.at("key").get<std::string>() != key || doc.at("unit").get<std::string>() != unit)
      return miss(Why::corrupt, "an entry of another key or unit");
    for (const auto& m : doc.at("manifest")) {
      if (!m.is_array() || m.size() != 2) return miss(Why::corrupt, "malformed manifest");
      entry.manifest.push_back(ManifestEntry{m.at(0).get<std::string>(), m.at(1).get<std::string>()});
    }
    entry.payload = doc.at("payload");
  } catch (const nlohmann::json::exception& e) {
    return miss(Why::corrupt, e.what());
  }
  for (const auto& m : entry.manifest)
    if (hashes.of(m.path) != m.sha256) return miss(Why::invalidated);
  if (usable && !usable(entry.payload)) return miss(Why::invalidated);
  // Least recently used eviction: a hit makes the entry young again.
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
  std::lock_guard lock(mutex_);
  ++stats_.hits;
  return entry;
}

void ResultCache::reject(const std::string& key, const std::string& why) {
  std::lock_guard lock(mutex_);
  ++stats_.corrupt;
  if (stats_.hits > 0) --stats_.hits;
  ++stats_.misses;
  note(entry_path(key) + ": ignored (" + why + ")");
}

void ResultCache::store(const std::string& key, const std::string& unit, const Entry& entry) {
  nlohmann::json manifest = nlohmann::json::array();
  for (const auto& m : entry.manifest) manifest.push_back(nlohmann::json::array({m.path, m.sha256}));
  const nlohmann::json doc{{"format", kFormat}, {"key", key}, {"unit", unit}, {"manifest", manifest}, {"payload", entry.payload}};
  std::error_code ec;
  const fs::path tag = fs::path(dir_) / kTag;
  if (!fs::exists(tag, ec)) {
    std::string ignored;  // tells backup tools the directory holds a cache (https://bford.info/cachedir/)
    write_atomically(tag, "Signature: 8a477f597d28d172789f06886806bc55\n# mcp-lint result cache (--cache-dir)\n", ignored);
  }
  std::string error;
  const bool ok = write_atomically(entry_path(key), doc.dump(), error);
  std::lock_guard lock(mutex_);
  if (ok) ++stats_.stored;
  else note("cannot write a cache entry: " + error);
}

void ResultCache::evict() {
  if (max_bytes_ == 0) return;
  struct File {
    fs::path path;
    fs::file_time_type mtime;
    std::uintmax_t size;
  };
  std::vector<File> files;
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().filename() == kTag) continue;
    File f{it->path(), it->last_write_time(ec), it->file_size(ec)};
    if (ec) {
      ec.clear();
      continue;
    }
    total += f.size;
    files.push_back(std::move(f));
  }
  if (total <= max_bytes_) return;
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.mtime < b.mtime; });
  std::size_t removed = 0;
  for (const auto& f : files) {
    if (total <= max_bytes_) break;
    if (fs::remove(f.path, ec)) {
      total -= f.size;
      ++removed;
    }
  }
  std::lock_guard lock(mutex_);
  stats_.evicted += removed;
}

CacheStats ResultCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace mcp_lint::cache
