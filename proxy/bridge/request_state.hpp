// The requestState the bridge hands a 2026-07-28 client in an
// InputRequiredResult, and verifies when the client retries.
//
// requestState is attacker-controlled input (mrtr.mdx "Server Requirements"
// 4-5): it is HMAC-SHA256 signed (OpenSSL) and binds the principal (a digest
// of the Authorization header), the method, a digest of the request's params,
// an expiry and the key id. Any failure is a StateError (the bridge answers a
// JSON-RPC -32602; nothing reaches the upstream).
//
// Wire form (opaque to clients): base64(payload JSON) "." base64(HMAC over the
// first part), payload {"v":1,"kid","stg","xid","rnd","own","prn","m","pd","exp"}
// plus, for the "replay" strategy, "ans": every answer the client gave so far
// (signed, not encrypted: they are the client's own answers). A state is at
// most kMaxStateBytes long; replay answers at most kMaxReplayAnswerBytes.
//
// Keys: a KeyRing holds several keys; the first signs, all verify, so a key
// can be rotated without downtime (add the new key second on every replica,
// then move it first, then drop the old one once its states expired).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcp::bridge {

struct StateKey {
  std::string id;      // short, printable; written in every state ("kid")
  std::string secret;  // raw bytes, at least kMinSecretBytes
};

inline constexpr std::size_t kMinSecretBytes = 32;
// Longest requestState accepted; room for kMaxReplayAnswerBytes of answers
// after base64 (4/3) plus the other claims.
inline constexpr std::size_t kMaxStateBytes = 64 * 1024;
// Bound on the serialized answers a "replay" state carries (bridge/mrtr_replay.hpp).
inline constexpr std::size_t kMaxReplayAnswerBytes = 32 * 1024;

class KeyRing {
 public:
  KeyRing() = default;
  explicit KeyRing(std::vector<StateKey> keys) : keys_(std::move(keys)) {}

  // Parses "ID:BASE64SECRET" entries separated by newlines, commas or spaces
  // ('#' starts a comment line). The error never contains secret material.
  static std::variant<KeyRing, std::string> parse(std::string_view text);
  // One fresh random key (OpenSSL RAND_bytes) for a single replica that was
  // given no keys; states do not survive a restart.
  static KeyRing random();

  bool empty() const { return keys_.empty(); }
  const StateKey& signing_key() const { return keys_.front(); }
  const StateKey* find(std::string_view id) const;
  std::size_t size() const { return keys_.size(); }

 private:
  std::vector<StateKey> keys_;
};

// What a state says. `strategy` is "park" (the exchange `exchange_id` waits
// on replica `owner`, at `round`), "replay" (nothing parked: any replica runs
// the request again and answers the upstream from `answers`) or "rerun"
// (nothing parked: the retry runs the request again, e.g. after a URL-mode
// elicitation from a -32042).
struct StateClaims {
  std::string strategy;
  std::string exchange_id;
  std::uint64_t round = 0;
  std::string owner;          // the owning replica's advertised URL (park: retries are forwarded there)
  std::string principal;      // principal_digest(authorization)
  std::string method;
  std::string params_digest;  // ParamsBinding::digest() (bridge/params_binding.hpp)
  std::int64_t expires_at_ms = 0;  // Unix time
  nlohmann::json answers = nullptr;  // "replay" only: {key: input response} given so far
};

// What the retry must match.
struct StateExpectation {
  std::string principal;
  std::string method;
  std::string params_digest;
  std::int64_t now_ms = 0;  // Unix time
};

struct StateError {
  std::string reason;  // for the client's -32602 message and the log; never secret
};

// Lower-case hex of bytes (digests, random exchange ids).
std::string hex_lower(std::span<const unsigned char> bytes);

// Hex SHA-256 of text (principal: the Authorization header, "" on stdio).
std::string sha256_hex(std::string_view text);

// The principal a state binds: sha256_hex(authorization). Requests without an
// Authorization header (stdio, anonymous HTTP) share one digest, computed once.
std::string principal_digest(std::string_view authorization);

std::string sign_state(const StateClaims& claims, const KeyRing& keys);

// Verifies signature, key id, expiry and bindings, in that order.
std::variant<StateClaims, StateError> verify_state(std::string_view state, const KeyRing& keys,
                                                   const StateExpectation& expected);

// Unix time now, in milliseconds (the state's clock; injectable in the bridge).
std::int64_t unix_now_ms();

}  // namespace mcp::bridge
