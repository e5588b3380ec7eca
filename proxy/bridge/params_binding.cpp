#include "bridge/params_binding.hpp"

#include "bridge/request_state.hpp"
#include "translate/input_required.hpp"

namespace mcp::bridge {

ParamsBinding ParamsBinding::of(const nlohmann::json& params) {
  // Built in one buffer per thread, then copied out at its final size (one
  // allocation; a new string grew three times). A buffer grown past 64 KiB
  // by large arguments is let go.
  thread_local std::string text;
  text.clear();
  translate::append_request_binding_text(text, params);
  ParamsBinding binding;
  binding.hashed_ = text.size() > kMaxKeptText;
  binding.text_or_digest_ = binding.hashed_ ? sha256_hex(text) : text;
  if (text.capacity() > 64 * 1024) std::string().swap(text);
  return binding;
}

std::string ParamsBinding::digest() const { return hashed_ ? text_or_digest_ : sha256_hex(text_or_digest_); }

}  // namespace mcp::bridge
