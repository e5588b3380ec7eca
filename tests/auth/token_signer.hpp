// Test access tokens, signed by cjose with keys OpenSSL generates for each
// test run (nothing hand-rolled; the same library the bridge verifies with,
// driven from the signing side). Header and claims are whatever the test
// says, so tests can forge every kind of bad token.
#pragma once

#include <cjose/cjose.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp::auth::test {

using json = nlohmann::json;

class TestKey {
 public:
  static TestKey rsa(std::string kid, std::size_t bits = 2048) {
    static const uint8_t e[] = {0x01, 0x00, 0x01};
    cjose_err err{};
    return TestKey(cjose_jwk_create_RSA_random(bits, e, sizeof e, &err), std::move(kid));
  }
  static TestKey ec(std::string kid, cjose_jwk_ec_curve crv = CJOSE_JWK_EC_P_256) {
    cjose_err err{};
    return TestKey(cjose_jwk_create_EC_random(crv, &err), std::move(kid));
  }
  // An HMAC key whose secret is `secret` (the "public key as HS256 secret" attack).
  static TestKey oct(const std::string& secret, std::string kid) {
    cjose_err err{};
    return TestKey(cjose_jwk_create_oct_spec(reinterpret_cast<const uint8_t*>(secret.data()), secret.size(), &err),
                   std::move(kid));
  }

  // The public JWK (RFC 7517) with kid, as an AS publishes it; `extra` members merged in.
  json public_jwk(const json& extra = json::object()) const {
    cjose_err err{};
    char* text = cjose_jwk_to_json(jwk_.get(), false, &err);
    if (!text) throw std::runtime_error("cjose_jwk_to_json failed");
    json j = json::parse(text);
    cjose_get_dealloc()(text);
    j["kid"] = kid_;
    j.update(extra);
    return j;
  }

  // A compact JWS of `claims`; `header` must hold alg, the kid is added unless present or null.
  std::string sign_with_header(const json& claims, json header) const {
    if (!header.contains("kid")) header["kid"] = kid_;
    if (header["kid"].is_null()) header.erase("kid");
    cjose_err err{};
    cjose_header_t* h = cjose_header_new(&err);
    for (auto& [k, v] : header.items())
      if (v.is_string())
        cjose_header_set(h, k.c_str(), v.get<std::string>().c_str(), &err);
      else
        cjose_header_set_raw(h, k.c_str(), v.dump().c_str(), &err);
    const std::string payload = claims.dump();
    cjose_jws_t* jws =
        cjose_jws_sign(jwk_.get(), h, reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), &err);
    cjose_header_release(h);
    if (!jws) throw std::runtime_error(std::string("cjose_jws_sign failed: ") + (err.message ? err.message : "?"));
    const char* compact = nullptr;
    cjose_jws_export(jws, &compact, &err);
    std::string out = compact ? compact : "";
    cjose_jws_release(jws);
    return out;
  }
  std::string sign(const json& claims, const std::string& alg = "RS256") const {
    return sign_with_header(claims, json{{"alg", alg}});
  }

  const std::string& kid() const { return kid_; }

 private:
  struct Release {
    void operator()(cjose_jwk_t* k) const { cjose_jwk_release(k); }
  };
  TestKey(cjose_jwk_t* jwk, std::string kid) : jwk_(jwk, Release{}), kid_(std::move(kid)) {
    if (!jwk) throw std::runtime_error("cjose could not create the test key");
  }
  std::shared_ptr<cjose_jwk_t> jwk_;
  std::string kid_;
};

inline std::string jwks(const std::vector<json>& keys) { return json{{"keys", keys}}.dump(); }

inline std::string base64url(const std::string& bytes) {
  cjose_err err{};
  char* out = nullptr;
  size_t len = 0;
  cjose_base64url_encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &out, &len, &err);
  std::string s(out, len);
  cjose_get_dealloc()(out);
  return s;
}

// header.payload. with an empty signature (alg "none", RFC 7519 §6).
inline std::string unsecured_token(const json& header, const json& claims) {
  return base64url(header.dump()) + "." + base64url(claims.dump()) + ".";
}

}  // namespace mcp::auth::test
