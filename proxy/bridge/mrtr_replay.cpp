#include "bridge/mrtr_replay.hpp"

namespace mcp::bridge {

std::optional<MrtrStrategy> parse_strategy(std::string_view name) {
  if (name == "park") return MrtrStrategy::Park;
  if (name == "replay") return MrtrStrategy::Replay;
  return std::nullopt;
}

MrtrStrategy strategy_for(const StrategyPolicy& policy, std::string_view method, const json& params) {
  if (method == "tools/call" && params.is_object()) {
    auto name = params.find("name");
    if (name != params.end() && name->is_string() && policy.replay_tools.contains(name->get<std::string>()))
      return MrtrStrategy::Replay;
  }
  return policy.global;
}

json merge_answers(const json& from_state, const json& input_responses) {
  json merged = from_state.is_object() ? from_state : json::object();
  if (input_responses.is_object())
    for (const auto& [key, value] : input_responses.items())
      if (!merged.contains(key)) merged[key] = value;
  return merged;
}

std::optional<std::string> replay_answers_too_large(const json& answers, std::size_t max_bytes) {
  const std::size_t size = answers.dump().size();
  if (size <= max_bytes) return std::nullopt;
  return "the answers given so far (" + std::to_string(size) + " bytes) exceed what a replay requestState may carry (" +
         std::to_string(max_bytes) + " bytes); this request needs the park strategy (--mrtr-strategy park)";
}

}  // namespace mcp::bridge
