#pragma once
// SHA-256 (OpenSSL EVP) for the result cache: keys and the content hashes of
// every file a unit read. Hex, lower case.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mcp_lint::cache {

// Incremental SHA-256. `field` feeds a length prefix before the bytes, so a
// key made of several fields cannot be confused with another split of the
// same bytes ("ab","c" vs "a","bc").
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  void field(std::string_view bytes);
  std::string hex();  // finishes the digest; call once

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string sha256_hex(std::string_view bytes);

// The SHA-256 of a file's content; empty when it cannot be read (absent,
// a directory, no permission).
std::string sha256_file(const std::string& path);

// One hash per file and run: many units include the same headers, and the
// content of a file does not change during a run (the lint reads it once).
// Thread-safe.
class FileHashes {
 public:
  const std::string& of(const std::string& path);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> memo_;
};

}  // namespace mcp_lint::cache
