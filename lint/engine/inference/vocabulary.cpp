#include "engine/inference/vocabulary.hpp"

#include <algorithm>
#include <cctype>

namespace mcp_lint::inference {

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

std::string schema_spelling(const std::string& identifier) {
  std::string lower(identifier.size(), ' ');
  std::transform(identifier.begin(), identifier.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (identifier.find('_') == std::string::npos) return lower;
  std::vector<std::string> words;
  for (std::size_t start = 0, end; start <= lower.size(); start = end + 1) {
    end = std::min(lower.find('_', start), lower.size());
    if (end > start) words.push_back(lower.substr(start, end - start));
  }
  if (!words.empty() && words.front() == "mcp") words.erase(words.begin());
  if (!words.empty() && (words.back() == "t" || words.back() == "impl")) words.pop_back();
  std::string joined;
  for (const auto& w : words) joined += w;
  return joined;
}

bool has_hint_word(const std::string& identifier, const FeatureVocabulary& v) {
  for (const auto& w : identifier_words(identifier))
    if (std::find(v.words.begin(), v.words.end(), w) != v.words.end()) return true;
  return false;
}

bool contains_word(const std::string& identifier, const std::vector<std::string>& words) {
  std::string lower(identifier.size(), ' ');
  std::transform(identifier.begin(), identifier.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return lower.find(w) != std::string::npos; });
}

}  // namespace mcp_lint::inference
