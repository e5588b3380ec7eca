#include "bridge/request_state.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "translate/base64.hpp"

namespace mcp::bridge {
namespace {

using json = nlohmann::json;
constexpr std::size_t kMaxKeys = 16;

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(mac.data()), len);
}

bool valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (unsigned char c : id)
    if (!(std::isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

}  // namespace

std::variant<KeyRing, std::string> KeyRing::parse(std::string_view text) {
  std::vector<StateKey> keys;
  std::size_t entry_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Comment lines run to the end of the line.
    if (text[pos] == '#') {
      auto nl = text.find('\n', pos);
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
      continue;
    }
    auto end = text.find_first_of("\n\r, \t", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view entry = text.substr(pos, end - pos);
    pos = end + 1;
    if (entry.empty()) continue;
    ++entry_no;
    auto colon = entry.find(':');
    if (colon == std::string_view::npos)
      return "requestState key entry " + std::to_string(entry_no) + ": expected ID:BASE64SECRET";
    std::string_view id = entry.substr(0, colon);
    if (!valid_key_id(id))
      return "requestState key entry " + std::to_string(entry_no) + ": the id must be 1-32 of [A-Za-z0-9_.-]";
    auto secret = translate::base64_decode(entry.substr(colon + 1));
    if (!secret)
      return "requestState key '" + std::string(id) + "': the secret is not valid Base64";
    if (secret->size() < kMinSecretBytes)
      return "requestState key '" + std::string(id) + "': the secret must decode to at least " +
             std::to_string(kMinSecretBytes) + " bytes";
    for (const auto& k : keys)
      if (k.id == id) return "requestState key '" + std::string(id) + "' appears twice";
    if (keys.size() >= kMaxKeys) return "more than " + std::to_string(kMaxKeys) + " requestState keys";
    keys.push_back(StateKey{std::string(id), std::move(*secret)});
  }
  if (keys.empty()) return std::string("no requestState key given");
  return KeyRing(std::move(keys));
}

KeyRing KeyRing::random() {
  std::string secret(kMinSecretBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return KeyRing({StateKey{"ephemeral", std::move(secret)}});
}

const StateKey* KeyRing::find(std::string_view id) const {
  for (const auto& k : keys_)
    if (k.id == id) return &k;
  return nullptr;
}

std::string hex_lower(std::span<const unsigned char> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  // Fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up on
  // every call, and this runs twice per tools/call (ExchangeBinding). The
  // context is kept per thread: EVP_Digest makes and frees one per call.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!sha256 || !ctx || EVP_DigestInit_ex2(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1)
    throw std::runtime_error("SHA-256 failed");
  return hex_lower(std::span(md.data(), len));
}

std::string principal_digest(std::string_view authorization) {
  if (!authorization.empty()) return sha256_hex(authorization);
  static const std::string anonymous = sha256_hex("");
  return anonymous;
}

std::string sign_state(const StateClaims& c, const KeyRing& keys) {
  const StateKey& key = keys.signing_key();
  json payload{{"v", 1},          {"kid", key.id},       {"stg", c.strategy}, {"xid", c.exchange_id},
               {"rnd", c.round},  {"own", c.owner},      {"prn", c.principal}, {"m", c.method},
               {"pd", c.params_digest}, {"exp", c.expires_at_ms}};
  if (c.strategy == "replay") payload["ans"] = c.answers.is_object() ? c.answers : json::object();
  std::string body = translate::base64_encode(payload.dump());
  return body + "." + translate::base64_encode(hmac_sha256(key.secret, body));
}

std::variant<StateClaims, StateError> verify_state(std::string_view state, const KeyRing& keys,
                                                   const StateExpectation& expected) {
  if (state.size() > kMaxStateBytes) return StateError{"requestState is too long"};
  auto dot = state.find('.');
  if (dot == std::string_view::npos) return StateError{"requestState is malformed"};
  std::string_view body = state.substr(0, dot);
  auto mac = translate::base64_decode(state.substr(dot + 1));
  auto payload_text = translate::base64_decode(body);
  if (!mac || !payload_text) return StateError{"requestState is malformed"};
  json payload = json::parse(*payload_text, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object() || payload.value("v", 0) != 1 || !payload.contains("kid") || !payload["kid"].is_string())
    return StateError{"requestState is malformed"};
  const StateKey* key = keys.find(payload["kid"].get<std::string>());
  if (!key) return StateError{"requestState was signed with an unknown key"};
  const std::string want = hmac_sha256(key->secret, body);
  if (mac->size() != want.size() || CRYPTO_memcmp(mac->data(), want.data(), want.size()) != 0)
    return StateError{"requestState failed integrity verification"};

  StateClaims c;
  try {
    c.strategy = payload.at("stg").get<std::string>();
    c.exchange_id = payload.at("xid").get<std::string>();
    c.round = payload.at("rnd").get<std::uint64_t>();
    c.owner = payload.at("own").get<std::string>();
    c.principal = payload.at("prn").get<std::string>();
    c.method = payload.at("m").get<std::string>();
    c.params_digest = payload.at("pd").get<std::string>();
    c.expires_at_ms = payload.at("exp").get<std::int64_t>();
    if (c.strategy == "replay") {
      c.answers = payload.at("ans");
      if (!c.answers.is_object()) return StateError{"requestState is malformed"};
      for (const auto& [key, value] : c.answers.items())
        if (!value.is_object()) return StateError{"requestState is malformed"};
    }
  } catch (const json::exception&) {
    return StateError{"requestState is malformed"};
  }
  if (expected.now_ms >= c.expires_at_ms) return StateError{"requestState has expired"};
  if (c.principal != expected.principal) return StateError{"requestState belongs to another principal"};
  if (c.method != expected.method) return StateError{"requestState belongs to another method"};
  if (c.params_digest != expected.params_digest)
    return StateError{"requestState belongs to a request with other parameters"};
  return c;
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace mcp::bridge
