// The params a requestState binds (bridge/request_state.hpp StateClaims::
// params_digest): the SHA-256 of translate::request_binding_text(params).
//
// Every tools/call, prompts/get and resources/read needs it at hand, since its
// params move upstream before a state could be signed, but almost none ever
// signs or verifies one. So short text is kept as it is and hashed only when
// asked (the hash through OpenSSL's EVP cost ~4k instructions a request, more
// than the text); long text is hashed at once, so that a call does not hold a
// second copy of large arguments.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace mcp::bridge {

class ParamsBinding {
 public:
  // Text up to this many bytes is kept unhashed.
  static constexpr std::size_t kMaxKeptText = 1024;

  static ParamsBinding of(const nlohmann::json& params);
  // sha256_hex(translate::request_binding_text(params)).
  std::string digest() const;

 private:
  std::string text_or_digest_;
  bool hashed_ = false;
};

}  // namespace mcp::bridge
