// requestState signing (bridge/request_state.hpp): what mrtr.mdx "Server
// Requirements" 4-5 ask a server to verify: integrity, expiry, principal,
// method and a digest of the parameters; plus key rotation.
#include "bridge/request_state.hpp"

#include <gtest/gtest.h>

#include "translate/base64.hpp"

namespace mcp::bridge {
namespace {

KeyRing ring(std::initializer_list<std::pair<const char*, char>> keys) {
  std::vector<StateKey> out;
  for (auto [id, fill] : keys) out.push_back(StateKey{id, std::string(32, fill)});
  return KeyRing(std::move(out));
}

StateClaims claims() {
  return StateClaims{"park", "x1", 3, "127.0.0.1:8080", sha256_hex("Bearer a"), "tools/call", sha256_hex("{}"),
                     10'000};
}

StateExpectation expect(std::int64_t now = 5'000) {
  return StateExpectation{sha256_hex("Bearer a"), "tools/call", sha256_hex("{}"), now};
}

std::string reason(const std::variant<StateClaims, StateError>& v) {
  return std::holds_alternative<StateError>(v) ? std::get<StateError>(v).reason : "";
}

TEST(RequestState, RoundTripsItsClaims) {
  auto keys = ring({{"k1", 'a'}});
  auto v = verify_state(sign_state(claims(), keys), keys, expect());
  ASSERT_TRUE(std::holds_alternative<StateClaims>(v)) << reason(v);
  const auto& c = std::get<StateClaims>(v);
  EXPECT_EQ(c.strategy, "park");
  EXPECT_EQ(c.exchange_id, "x1");
  EXPECT_EQ(c.round, 3u);
  EXPECT_EQ(c.owner, "127.0.0.1:8080");
  EXPECT_EQ(c.expires_at_ms, 10'000);
}

TEST(RequestState, TamperingIsRejected) {
  auto keys = ring({{"k1", 'a'}});
  const std::string state = sign_state(claims(), keys);
  // What the conformance suite does: append to the state.
  EXPECT_NE(reason(verify_state(state + "-TAMPERED", keys, expect())), "");
  // A payload rewritten by the client (another exchange), signature kept.
  auto dot = state.find('.');
  StateClaims forged = claims();
  forged.exchange_id = "x2";
  std::string forged_state = sign_state(forged, ring({{"k1", 'b'}}));
  std::string spliced = forged_state.substr(0, forged_state.find('.')) + state.substr(dot);
  EXPECT_EQ(reason(verify_state(spliced, keys, expect())), "requestState failed integrity verification");
  // A flipped signature byte.
  std::string flipped = state;
  flipped[dot + 2] = flipped[dot + 2] == 'A' ? 'B' : 'A';
  EXPECT_NE(reason(verify_state(flipped, keys, expect())), "");
  EXPECT_NE(reason(verify_state("", keys, expect())), "");
  EXPECT_NE(reason(verify_state("not.base64!", keys, expect())), "");
}

TEST(RequestState, ExpiredStateIsRejected) {
  auto keys = ring({{"k1", 'a'}});
  const std::string state = sign_state(claims(), keys);
  EXPECT_EQ(reason(verify_state(state, keys, expect(9'999))), "");
  EXPECT_EQ(reason(verify_state(state, keys, expect(10'000))), "requestState has expired");
}

TEST(RequestState, WrongPrincipalMethodOrParamsAreRejected) {
  auto keys = ring({{"k1", 'a'}});
  const std::string state = sign_state(claims(), keys);
  auto e = expect();
  e.principal = sha256_hex("Bearer b");
  EXPECT_EQ(reason(verify_state(state, keys, e)), "requestState belongs to another principal");
  e = expect();
  e.method = "prompts/get";
  EXPECT_EQ(reason(verify_state(state, keys, e)), "requestState belongs to another method");
  e = expect();
  e.params_digest = sha256_hex(R"({"name":"other"})");
  EXPECT_EQ(reason(verify_state(state, keys, e)), "requestState belongs to a request with other parameters");
}

TEST(RequestState, KeysRotateWithoutDowntime) {
  auto old_ring = ring({{"old", 'a'}});
  auto both = ring({{"new", 'b'}, {"old", 'a'}});  // new signs, old still verifies
  auto new_only = ring({{"new", 'b'}});
  const std::string old_state = sign_state(claims(), old_ring);
  const std::string new_state = sign_state(claims(), both);
  EXPECT_EQ(reason(verify_state(old_state, both, expect())), "");
  EXPECT_EQ(reason(verify_state(new_state, both, expect())), "");
  EXPECT_EQ(reason(verify_state(new_state, old_ring, expect())), "requestState was signed with an unknown key");
  EXPECT_EQ(reason(verify_state(old_state, new_only, expect())), "requestState was signed with an unknown key");
  // Same id, other secret: a replica with a wrong copy of the key.
  EXPECT_EQ(reason(verify_state(old_state, ring({{"old", 'c'}}), expect())),
            "requestState failed integrity verification");
}

TEST(RequestState, KeyRingParsingChecksEveryEntryAndNeverQuotesSecrets) {
  const std::string secret = translate::base64_encode(std::string(32, 'z'));
  auto ok = KeyRing::parse("# keys\nk2:" + secret + "\nk1:" + secret + "\n");
  ASSERT_TRUE(std::holds_alternative<KeyRing>(ok));
  EXPECT_EQ(std::get<KeyRing>(ok).size(), 2u);
  EXPECT_EQ(std::get<KeyRing>(ok).signing_key().id, "k2");
  EXPECT_TRUE(std::holds_alternative<KeyRing>(KeyRing::parse("a:" + secret + ",b:" + secret)));

  const std::string short_secret = translate::base64_encode("too short");
  auto too_short = KeyRing::parse("k:" + short_secret);
  ASSERT_TRUE(std::holds_alternative<std::string>(too_short));
  EXPECT_EQ(std::get<std::string>(too_short).find(short_secret), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(KeyRing::parse("")));
  EXPECT_TRUE(std::holds_alternative<std::string>(KeyRing::parse("nocolon")));
  EXPECT_TRUE(std::holds_alternative<std::string>(KeyRing::parse("k:" + secret + "\nk:" + secret)));
  EXPECT_TRUE(std::holds_alternative<std::string>(KeyRing::parse("bad id:" + secret)));
}

TEST(RequestState, RandomKeysDiffer) {
  auto a = KeyRing::random(), b = KeyRing::random();
  EXPECT_EQ(a.signing_key().secret.size(), kMinSecretBytes);
  EXPECT_NE(a.signing_key().secret, b.signing_key().secret);
  EXPECT_NE(reason(verify_state(sign_state(claims(), a), b, expect())), "");
}

TEST(RequestStatePrincipal, IsTheDigestOfTheAuthorizationHeaderWithOrWithoutOne) {
  EXPECT_EQ(principal_digest(""), sha256_hex(""));
  EXPECT_EQ(principal_digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(principal_digest("Bearer a"), sha256_hex("Bearer a"));
  EXPECT_NE(principal_digest("Bearer a"), principal_digest(""));
}

}  // namespace
}  // namespace mcp::bridge
