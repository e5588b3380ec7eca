#include "cache/digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <filesystem>
#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace mcp_lint::cache {

struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  if (!ctx_->md || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 init failed");
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_->md, bytes.data(), bytes.size()) != 1) throw std::runtime_error("SHA-256 update failed");
}

void Sha256::field(std::string_view bytes) {
  const std::uint64_t n = bytes.size();
  std::array<char, 8> prefix{};
  for (int i = 0; i < 8; ++i) prefix[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  update(std::string_view(prefix.data(), prefix.size()));
  update(bytes);
}

std::string Sha256::hex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->md, md.data(), &len) != 1) throw std::runtime_error("SHA-256 final failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

std::string sha256_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  Sha256 h;
  std::array<char, 1 << 16> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    if (in.gcount() > 0) h.update(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) return {};
  return h.hex();
}

const std::string& FileHashes::of(const std::string& path) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = memo_.find(path); it != memo_.end()) return it->second;
  }
  std::string hash = sha256_file(path);  // outside the lock: threads hash different files at once
  std::lock_guard lock(mutex_);
  return memo_.try_emplace(path, std::move(hash)).first->second;  // unordered_map keeps references stable
}

}  // namespace mcp_lint::cache
