// Resource-server mode, the signature: is this access token a JWS (RFC 7515,
// compact form) signed by one of the authorization server's keys? All JOSE
// work is cjose's (Debian libcjose-dev, on OpenSSL); this file only decides
// which key may verify which algorithm, because a library that verifies
// "whatever alg the token names" is the classic JWT hole:
//   - only asymmetric algorithms: RS256/384/512, PS256/384/512, ES256/384/512.
//     `none` and HS* are refused before cjose sees the token (an HS256 token
//     "signed" with the RSA public key as an HMAC secret never verifies);
//   - the key must fit the algorithm: kty RSA (>= 2048 bits) for RS/PS, kty EC
//     on the matching curve for ES; a key's own `alg`, when it has one, must
//     equal the token's;
//   - the key is the one the header's `kid` names; without a kid, each
//     fitting key is tried;
//   - a `crit` header (extensions this code does not understand) is refused
//     (RFC 7515 §4.1.11).
// The claims come back as JSON for token_policy.hpp; nothing else is checked here.
// Thread-safe: a KeySet is immutable once parsed and shared by readers.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp::auth {

class KeySet {
 public:
  // A JWK Set document (RFC 7517 §5) as fetched, untrusted. Keeps the RSA and
  // EC keys meant for signatures (`use` absent or "sig"; `key_ops` absent or
  // holding "verify"), at most kMaxKeys; skips other keys. An error text when
  // the document is not a JWK Set or holds no usable key.
  static std::variant<std::shared_ptr<const KeySet>, std::string> parse(std::string_view jwks_json);

  static constexpr std::size_t kMaxKeys = 32;

  ~KeySet();
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;

  std::size_t size() const { return keys_.size(); }
  bool has_kid(std::string_view kid) const;

  struct Key;  // kid, kty, crv, alg and the cjose key

 private:
  KeySet() = default;
  friend struct KeySetAccess;
  std::vector<std::unique_ptr<Key>> keys_;
};

enum class JwsFailure {
  Malformed,         // not a compact JWS with a JSON object payload
  UnknownKey,        // the kid names no key of the set (a reason to fetch the set again)
  AlgorithmRefused,  // none, HS*, unknown, or not what the key allows
  BadSignature,      // no fitting key verifies it
};

struct JwsRejection {
  JwsFailure kind;
  std::string detail;  // for logs and error_description; never the token
};

// Largest token looked at; longer ones are Malformed.
inline constexpr std::size_t kMaxTokenBytes = 16 * 1024;

// The verified payload, parsed (an object), or why not.
std::variant<nlohmann::json, JwsRejection> verify_jws(std::string_view token, const KeySet& keys);

// The `iss` claim of a compact JWS, its signature NOT checked: only to pick
// which configured issuer's keys to verify it with (a forged `iss` picks keys
// that do not verify it). nullopt when not a JWS with a string `iss`.
std::optional<std::string> unverified_issuer(std::string_view token);

}  // namespace mcp::auth
