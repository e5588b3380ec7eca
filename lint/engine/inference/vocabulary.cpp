#include "engine/inference/vocabulary.hpp"

#include <algorithm>
#include <cctype>

namespace mcp_lint::inference {

const std::vector<FeatureVocabulary>& feature_vocabulary() {
  static const std::vector<FeatureVocabulary> v{
      {"roots",
       {"ListRootsRequest", "ListRootsResult", "RootsListChangedNotification", "RootsCapability"},
       {"Root"},
       {"roots", "listroots", "rootslist"},
       {"roots", "uri"}},
      {"sampling",
       {"CreateMessageRequest", "CreateMessageRequestParams", "CreateMessageParams", "CreateMessageResult",
        "ModelPreferences", "ModelHint", "SamplingMessage", "SamplingMessageContentBlock", "SamplingCapability"},
       {},
       {"sampling", "createmessage", "modelpreferences", "includecontext"},
       {"messages", "role", "content", "modelPreferences", "hints", "costPriority", "speedPriority",
        "intelligencePriority", "systemPrompt", "includeContext", "temperature", "maxTokens", "stopSequences",
        "metadata", "tools", "toolChoice", "mode", "model", "stopReason", "toolUseId", "isError",
        // wire values of stopReason, and of the content types only sampling carries
        "endTurn", "stopSequence", "toolUse", "tool_use", "tool_result"}},
      {"logging",
       {"LoggingLevel", "SetLevelRequest", "SetLevelRequestParams", "LoggingMessageNotification",
        "LoggingMessageNotificationParams", "LoggingCapability"},
       {},
       {"logging", "loglevel", "setlevel", "logmessage", "lognotification"},
       {"level", "logger", "data"}},
  };
  return v;
}

const FeatureVocabulary* vocabulary_for(const std::string& feature) {
  for (const auto& v : feature_vocabulary())
    if (v.feature == feature) return &v;
  return nullptr;
}

const std::vector<std::string>& mcp_log_levels() {
  static const std::vector<std::string> levels{"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
  return levels;
}

std::vector<std::string> identifier_words(const std::string& id) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(cur);
    cur.clear();
  };
  for (std::size_t i = 0; i < id.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(id[i]);
    if (!std::isalnum(c)) {
      flush();
      continue;
    }
    // A hump: lower→Upper, or the last capital of an acronym before a lower-case letter (HTTPServer).
    if (std::isupper(c) && !cur.empty() &&
        (std::islower(static_cast<unsigned char>(id[i - 1])) ||
         (i + 1 < id.size() && std::islower(static_cast<unsigned char>(id[i + 1])) && std::isupper(static_cast<unsigned char>(id[i - 1])))))
      flush();
    cur += static_cast<char>(std::tolower(c));
  }
  flush();
  const std::size_t n = words.size();
  for (std::size_t i = 0; i + 1 < n; ++i) words.push_back(words[i] + words[i + 1]);
  return words;
}

bool has_hint_word(const std::string& identifier, const FeatureVocabulary& v) {
  for (const auto& w : identifier_words(identifier))
    if (std::find(v.words.begin(), v.words.end(), w) != v.words.end()) return true;
  return false;
}

}  // namespace mcp_lint::inference
