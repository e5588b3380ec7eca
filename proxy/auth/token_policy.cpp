#include "auth/token_policy.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "auth/resource_metadata.hpp"
#include "translate/canonical.hpp"

namespace mcp::auth {

namespace {

using json = nlohmann::json;

void add_unique(std::vector<std::string>& out, const std::vector<std::string>& more) {
  for (const auto& s : more)
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
}

std::string string_claim(const json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A NumericDate (RFC 7519 §2) as seconds since the epoch; nullopt when absent
// or not a finite number.
std::optional<double> date_claim(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

bool audience_matches(const json& claims, const std::string& audience) {
  const auto wanted = canonical_resource_uri(audience);
  auto same = [&](const json& a) {
    if (!a.is_string()) return false;
    const auto& text = a.get_ref<const std::string&>();
    if (text == audience) return true;
    auto canonical = canonical_resource_uri(text);
    return wanted && canonical && *canonical == *wanted;
  };
  auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_array()) return std::any_of(it->begin(), it->end(), same);
  return same(*it);
}

Refusal invalid(std::vector<std::string> scopes, std::string description) {
  return Refusal{401, "invalid_token", std::move(scopes), std::move(description)};
}

}  // namespace

std::string Principal::key() const {
  return "principal " + translate::canonical_json(json{{"iss", issuer}, {"sub", subject}, {"client", client},
                                                       {"scope", scopes}});
}

std::vector<std::string> required_scopes(const TokenPolicy& policy, const json& message) {
  std::vector<std::string> out = policy.required_scopes;
  if (!message.is_object()) return out;
  auto method = message.find("method");
  if (method == message.end() || !method->is_string()) return out;
  const auto& m = method->get_ref<const std::string&>();
  if (auto it = policy.operation_scopes.find(m); it != policy.operation_scopes.end()) add_unique(out, it->second);
  auto params = message.find("params");
  if (params != message.end() && params->is_object()) {
    auto name = params->find("name");
    if (name != params->end() && name->is_string()) {
      if (auto it = policy.operation_scopes.find(m + ":" + name->get<std::string>()); it != policy.operation_scopes.end())
        add_unique(out, it->second);
    }
  }
  return out;
}

std::vector<std::string> challenge_scopes(const TokenPolicy& policy, const std::vector<std::string>& needed) {
  std::vector<std::string> out = policy.scopes_supported;
  add_unique(out, needed);
  return out;
}

std::vector<std::string> granted_scopes(const json& claims) {
  std::vector<std::string> out;
  auto split = [&](const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && text[i] == ' ') ++i;
      std::size_t j = i;
      while (j < text.size() && text[j] != ' ') ++j;
      if (j > i) out.push_back(text.substr(i, j - i));
      i = j;
    }
  };
  if (auto it = claims.find("scope"); it != claims.end() && it->is_string()) split(it->get<std::string>());
  if (auto it = claims.find("scp"); it != claims.end()) {
    if (it->is_string()) split(it->get<std::string>());
    if (it->is_array())
      for (const auto& s : *it)
        if (s.is_string()) split(s.get<std::string>());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TokenDecision decide(const json& claims, const TokenPolicy& policy, const std::vector<std::string>& needed,
                     std::chrono::system_clock::time_point now) {
  const auto on_401 = challenge_scopes(policy, needed);
  if (!claims.is_object()) return invalid(on_401, "the token's claims are not a JSON object");

  const std::string issuer = string_claim(claims, "iss");
  if (issuer.empty() || std::find(policy.issuers.begin(), policy.issuers.end(), issuer) == policy.issuers.end())
    return invalid(on_401, "the token was not issued by an authorization server this resource trusts");

  if (!audience_matches(claims, policy.audience))
    return invalid(on_401, "the token is not meant for this resource (aud must name " + policy.audience + ")");

  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();
  const double skew = static_cast<double>(policy.clock_skew.count());
  auto exp = date_claim(claims, "exp");
  if (!exp) return invalid(on_401, "the token has no expiry (exp)");
  if (now_s >= *exp + skew) return invalid(on_401, "the token has expired");
  if (claims.contains("nbf")) {
    auto nbf = date_claim(claims, "nbf");
    if (!nbf) return invalid(on_401, "the token's nbf is not a date");
    if (now_s + skew < *nbf) return invalid(on_401, "the token is not valid yet (nbf)");
  }

  Principal p;
  p.issuer = issuer;
  p.subject = string_claim(claims, "sub");
  p.client = string_claim(claims, "client_id");
  if (p.client.empty()) p.client = string_claim(claims, "azp");
  if (p.subject.empty() && p.client.empty())
    return invalid(on_401, "the token names neither a subject (sub) nor a client (client_id)");
  p.scopes = granted_scopes(claims);

  std::vector<std::string> missing;
  for (const auto& s : needed)
    if (!std::binary_search(p.scopes.begin(), p.scopes.end(), s)) missing.push_back(s);
  if (!missing.empty()) {
    std::string list;
    for (const auto& s : missing) list += (list.empty() ? "" : " ") + s;
    // All the scopes this operation needs, in one challenge (authorization/index.mdx).
    return Refusal{403, "insufficient_scope", needed, "this operation needs the scope(s): " + list};
  }
  return p;
}

}  // namespace mcp::auth
