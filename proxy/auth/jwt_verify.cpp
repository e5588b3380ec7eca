#include "auth/jwt_verify.hpp"

#include <cjose/cjose.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "translate/json_input.hpp"

namespace mcp::auth {

namespace {

using json = nlohmann::json;

struct JwkRelease {
  void operator()(cjose_jwk_t* k) const { cjose_jwk_release(k); }
};
struct JwsRelease {
  void operator()(cjose_jws_t* j) const { cjose_jws_release(j); }
};

// What an algorithm needs of a key. The table is the whole allow-list.
struct AlgRule {
  std::string_view alg;
  std::string_view kty;
  std::string_view crv;  // EC only
};
constexpr std::array<AlgRule, 9> kAllowed{{
    {"RS256", "RSA", ""}, {"RS384", "RSA", ""}, {"RS512", "RSA", ""},
    {"PS256", "RSA", ""}, {"PS384", "RSA", ""}, {"PS512", "RSA", ""},
    {"ES256", "EC", "P-256"}, {"ES384", "EC", "P-384"}, {"ES512", "EC", "P-521"},
}};

const AlgRule* rule_for(std::string_view alg) {
  auto it = std::find_if(kAllowed.begin(), kAllowed.end(), [&](const AlgRule& r) { return r.alg == alg; });
  return it == kAllowed.end() ? nullptr : &*it;
}

// base64url without padding (RFC 7515 §2) of a length that decodes: what
// cjose may be handed. Debian's cjose asserts on a text whose length leaves a
// remainder of one sextet ("shift != 1" in its base64 decoder), which aborts
// the process: found by fuzz_auth_documents with a '=' inside a client's
// token. Every base64url text from a client or an authorization server is
// checked here first.
bool decodable_base64url(std::string_view text) {
  return text.size() % 4 != 1 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_';
         });
}

// A compact JWS (header.payload.signature), each part decodable base64url.
bool compact_jws_shape(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes || std::count(token.begin(), token.end(), '.') != 2) return false;
  const auto first = token.find('.'), second = token.find('.', first + 1);
  return decodable_base64url(token.substr(0, first)) && decodable_base64url(token.substr(first + 1, second - first - 1)) &&
         decodable_base64url(token.substr(second + 1));
}

std::string string_member(const json& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

struct KeySet::Key {
  std::string kid, kty, crv, alg;
  std::unique_ptr<cjose_jwk_t, JwkRelease> jwk;
};

struct KeySetAccess {
  static std::vector<std::unique_ptr<KeySet::Key>>& keys(KeySet& s) { return s.keys_; }
  static const std::vector<std::unique_ptr<KeySet::Key>>& keys(const KeySet& s) { return s.keys_; }
  static std::shared_ptr<KeySet> make() { return std::shared_ptr<KeySet>(new KeySet()); }
};

KeySet::~KeySet() = default;

bool KeySet::has_kid(std::string_view kid) const {
  return std::any_of(keys_.begin(), keys_.end(), [&](const auto& k) { return k->kid == kid; });
}

std::variant<std::shared_ptr<const KeySet>, std::string> KeySet::parse(std::string_view jwks_json) {
  auto parsed = translate::parse_json(jwks_json, translate::InvalidUtf8::Reject);
  if (!parsed.ok()) return "the JWK Set is not JSON (" + parsed.error + ")";
  const json& doc = parsed.value;
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
    return std::string("the document is not a JWK Set (no \"keys\" array, RFC 7517 §5)");
  auto set = KeySetAccess::make();
  auto& keys = KeySetAccess::keys(*set);
  for (const auto& k : doc["keys"]) {
    if (keys.size() >= kMaxKeys) break;
    if (!k.is_object()) continue;
    auto key = std::make_unique<Key>();
    key->kty = string_member(k, "kty");
    if (key->kty != "RSA" && key->kty != "EC") continue;  // oct keys never verify a token here
    if (k.contains("use") && string_member(k, "use") != "sig") continue;
    if (auto ops = k.find("key_ops"); ops != k.end()) {
      if (!ops->is_array() || std::find(ops->begin(), ops->end(), json("verify")) == ops->end()) continue;
    }
    key->kid = string_member(k, "kid");
    key->crv = string_member(k, "crv");
    key->alg = string_member(k, "alg");
    // Only the public members go to cjose: a JWK Set that leaks a private
    // part is the AS's bug, not a reason to hold it in memory here.
    json pub = json::object();
    for (const char* m : {"kty", "kid", "n", "e", "crv", "x", "y"})
      if (k.contains(m)) pub[m] = k[m];
    // The key material is base64url that cjose decodes (see decodable_base64url).
    constexpr std::array<const char*, 4> kMaterial{"n", "e", "x", "y"};
    const bool material_ok = std::all_of(kMaterial.begin(), kMaterial.end(), [&](const char* m) {
      return !pub.contains(m) || (pub[m].is_string() && decodable_base64url(pub[m].get<std::string>()));
    });
    if (!material_ok) continue;
    const std::string text = pub.dump();
    cjose_err err{};
    key->jwk.reset(cjose_jwk_import(text.c_str(), text.size(), &err));
    if (!key->jwk) continue;
    if (key->kty == "RSA" && cjose_jwk_get_keysize(key->jwk.get(), &err) < 2048) continue;
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return std::string("the JWK Set holds no RSA or EC signature key cjose can use");
  return std::shared_ptr<const KeySet>(std::move(set));
}

std::variant<json, JwsRejection> verify_jws(std::string_view token, const KeySet& keys) {
  if (token.empty() || token.size() > kMaxTokenBytes)
    return JwsRejection{JwsFailure::Malformed, "the token is empty or too long"};
  if (!compact_jws_shape(token))
    return JwsRejection{JwsFailure::Malformed, "the token is not a compact JWS (three dot-separated base64url parts)"};
  cjose_err err{};
  std::unique_ptr<cjose_jws_t, JwsRelease> jws(cjose_jws_import(token.data(), token.size(), &err));
  if (!jws) return JwsRejection{JwsFailure::Malformed, "the token is not a JWS with a supported algorithm"};
  cjose_header_t* header = cjose_jws_get_protected(jws.get());
  const char* alg_c = header ? cjose_header_get(header, CJOSE_HDR_ALG, &err) : nullptr;
  const char* kid_c = header ? cjose_header_get(header, CJOSE_HDR_KID, &err) : nullptr;
  const std::string alg = alg_c ? alg_c : "";
  const std::string kid = kid_c ? kid_c : "";
  const AlgRule* rule = rule_for(alg);
  if (!rule)
    return JwsRejection{JwsFailure::AlgorithmRefused,
                        "the token's algorithm is not an accepted asymmetric one (RS*, PS*, ES*)"};
  {
    char* crit = header ? cjose_header_get_raw(header, "crit", &err) : nullptr;
    if (crit) {
      cjose_get_dealloc()(crit);
      return JwsRejection{JwsFailure::Malformed, "the token has a crit header this resource does not understand"};
    }
  }

  bool kid_known = kid.empty();
  bool any_fitting = false;
  for (const auto& key : KeySetAccess::keys(keys)) {
    if (!kid.empty() && key->kid != kid) continue;
    kid_known = true;
    if (key->kty != rule->kty || (!rule->crv.empty() && key->crv != rule->crv)) continue;
    if (!key->alg.empty() && key->alg != alg) continue;
    any_fitting = true;
    cjose_err verr{};
    if (!cjose_jws_verify(jws.get(), key->jwk.get(), &verr)) continue;
    uint8_t* plain = nullptr;
    size_t plain_len = 0;
    if (!cjose_jws_get_plaintext(jws.get(), &plain, &plain_len, &verr))
      return JwsRejection{JwsFailure::Malformed, "the token's payload cannot be read"};
    auto claims = translate::parse_json(std::string_view(reinterpret_cast<const char*>(plain), plain_len),
                                        translate::InvalidUtf8::Reject);
    if (!claims.ok() || !claims.value.is_object())
      return JwsRejection{JwsFailure::Malformed, "the token's payload is not a JSON object"};
    return std::move(claims.value);
  }
  if (!kid_known) return JwsRejection{JwsFailure::UnknownKey, "the token's kid names no key of the issuer's JWK Set"};
  if (!any_fitting)
    return JwsRejection{JwsFailure::AlgorithmRefused, "no key of the issuer allows the token's algorithm " + alg};
  return JwsRejection{JwsFailure::BadSignature, "the token's signature does not verify"};
}

std::optional<std::string> unverified_issuer(std::string_view token) {
  if (!compact_jws_shape(token)) return std::nullopt;
  cjose_err err{};
  std::unique_ptr<cjose_jws_t, JwsRelease> jws(cjose_jws_import(token.data(), token.size(), &err));
  uint8_t* plain = nullptr;
  size_t plain_len = 0;
  if (!jws || !cjose_jws_get_plaintext(jws.get(), &plain, &plain_len, &err)) return std::nullopt;
  auto claims = translate::parse_json(std::string_view(reinterpret_cast<const char*>(plain), plain_len),
                                      translate::InvalidUtf8::Reject);
  if (!claims.ok() || !claims.value.is_object()) return std::nullopt;
  auto iss = claims.value.find("iss");
  if (iss == claims.value.end() || !iss->is_string()) return std::nullopt;
  return iss->get<std::string>();
}

}  // namespace mcp::auth
