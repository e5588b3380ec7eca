// The "replay" strategy of multi round-trip requests (bridge/mrtr.hpp), its
// pure parts. Replay keeps no bridge memory between rounds: the signed
// requestState carries every answer the client gave so far; the retry runs
// the original request again on any replica's upstream session, the bridge
// answers the upstream's server-to-client requests from those answers (keys
// derived exactly as for park: translate::choose_input_key, so a deterministic
// tool asks the same keys in the same order), and the first question not yet
// answered ends the run: the upstream call is cancelled (notifications/cancelled)
// and the client gets a new round whose state holds all answers so far.
//
// Only for tools that are safe to run again (idempotent up to their first
// question): chosen globally (--mrtr-strategy replay) or per tool (--replay-tool).
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mcp::bridge {

using json = nlohmann::json;

enum class MrtrStrategy { Park, Replay };

struct StrategyPolicy {
  MrtrStrategy global = MrtrStrategy::Park;
  std::set<std::string> replay_tools;  // tools/call names that replay whatever `global` says
};

// "park" / "replay" -> the strategy; nullopt for anything else.
std::optional<MrtrStrategy> parse_strategy(std::string_view name);

// The strategy for a new request: tools/call of a tool in replay_tools
// replays; everything else follows `global`. (A retry follows its state.)
MrtrStrategy strategy_for(const StrategyPolicy& policy, std::string_view method, const json& params);

// The answers a replay run starts from: the state's answers, plus the retry's
// inputResponses under keys the state does not hold (answers already given
// are never replaced, so every run of the tool sees the same ones). Both
// arguments are validated inputResponses objects (non-objects count as empty).
json merge_answers(const json& from_state, const json& input_responses);

// nullopt when `answers` fit in a replay state (serialized at most
// `max_bytes`), else the message of the client's error: the state would grow
// past the bound, so the tool needs the park strategy.
std::optional<std::string> replay_answers_too_large(const json& answers, std::size_t max_bytes);

}  // namespace mcp::bridge
