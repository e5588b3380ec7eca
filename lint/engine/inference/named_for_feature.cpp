#include "engine/inference/named_for_feature.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "engine/inference/vocabulary.hpp"

namespace mcp_lint::inference {

using index::Loc;

namespace {

// A site already found for one feature and why (a rule hit's own words, or an
// inferred site's summary and chain).
struct NamedSite {
  Loc at;
  std::string text;
  std::vector<Step> chain;
};
using EvidenceByFile = std::map<std::uint32_t, std::map<unsigned, NamedSite>>;  // file -> line -> site

EvidenceByFile evidence_of(const std::string& feature, const std::vector<Seed>& seeds, const std::vector<Inferred>& found) {
  EvidenceByFile by_file;
  for (const auto& s : seeds)
    if (s.feature == feature) by_file[s.at.file].try_emplace(s.at.line, NamedSite{s.at, s.what, {}});
  for (const auto& r : found)
    if (r.feature == feature && r.confidence >= kMediumConfidence)
      by_file[r.at.file].try_emplace(r.at.line, NamedSite{r.at, r.summary, r.chain});
  return by_file;
}

// The evidence lines in [first, last] of a file but `skip`: the nearest to
// `near` (the first when `near` is 0), and how many there are.
std::pair<const NamedSite*, unsigned> evidence_in(const EvidenceByFile& by_file, std::uint32_t file, unsigned first,
                                                 unsigned last, unsigned skip, unsigned near = 0) {
  auto f = by_file.find(file);
  if (f == by_file.end()) return {nullptr, 0};
  const NamedSite* best = nullptr;
  unsigned best_distance = ~0u, n = 0;
  for (auto it = f->second.lower_bound(first); it != f->second.end() && it->first <= last; ++it) {
    if (it->first == skip) continue;
    ++n;
    const unsigned distance = near ? (it->first > near ? it->first - near : near - it->first) : n;
    if (distance < best_distance) best = &it->second, best_distance = distance;
  }
  return {best, n};
}

bool namespace_named_for(const std::string& qualified, const FeatureVocabulary& v) {
  for (std::size_t start = 0;;) {
    const std::size_t end = qualified.find("::", start);
    if (has_hint_word(qualified.substr(start, end == std::string::npos ? end : end - start), v)) return true;
    if (end == std::string::npos) return false;
    start = end + 2;
  }
}

Inferred site(const std::string& feature, Loc at, int confidence, std::string summary, const std::string& relation,
              const NamedSite& e) {
  Inferred r{feature, at, confidence, std::move(summary), {Step{e.at, relation + e.text}}};
  r.chain.insert(r.chain.end(), e.chain.begin(), e.chain.end());
  return r;
}

void report_namespaces(const index::ProjectIndex& idx, const std::string& feature, const FeatureVocabulary& v,
                       const EvidenceByFile& evidence, std::vector<Inferred>& out) {
  for (const auto& [usr, ns] : idx.namespaces) {
    if (!namespace_named_for(ns.qualified, v)) continue;
    const NamedSite* example = nullptr;
    unsigned lines = 0;
    for (const auto& b : ns.blocks) {
      auto [e, n] = evidence_in(evidence, b.at.file, b.at.line, b.last_line, b.at.line);
      if (!example) example = e;
      lines += n;
    }
    if (lines < kModuleEvidence) continue;
    for (const auto& b : ns.blocks)
      out.push_back(site(feature, b.at, kModuleConfidence, "opens the namespace " + ns.qualified, "holds code that ", *example));
    for (Loc a : ns.aliases)
      out.push_back(site(feature, a, kModuleConfidence, "names the namespace " + ns.qualified, "holds code that ", *example));
  }
}

void report_includes(const index::ProjectIndex& idx, const std::string& feature, const FeatureVocabulary& v,
                     const EvidenceByFile& evidence, std::vector<Inferred>& out) {
  std::map<std::uint32_t, const NamedSite*> headers;  // the feature's headers, each with an example of what it holds
  for (const auto& inc : idx.includes) {
    const std::uint32_t h = inc.header.file;
    if (headers.count(h) || !has_hint_word(std::filesystem::path(idx.path(h)).stem().string(), v)) continue;
    if (auto [e, n] = evidence_in(evidence, h, 1, ~0u, 0); n >= kModuleEvidence) headers.emplace(h, e);
  }
  for (const auto& inc : idx.includes)
    if (auto h = headers.find(inc.header.file); h != headers.end())
      out.push_back(site(feature, inc.at, kModuleConfidence,
                         "includes " + std::filesystem::path(idx.path(h->first)).filename().string(), "declares code that ",
                         *h->second));
}

void report_thrown_texts(const index::ProjectIndex& idx, const std::string& feature, const FeatureVocabulary& v,
                     const EvidenceByFile& evidence, std::vector<Inferred>& out) {
  for (const auto& p : idx.thrown_texts) {
    if (std::none_of(p.words.begin(), p.words.end(),
                     [&](const std::string& w) { return std::find(v.words.begin(), v.words.end(), w) != v.words.end(); }))
      continue;
    auto fn = idx.functions.find(p.in_function);
    if (fn == idx.functions.end() || !fn->second.has_body || fn->second.body_begin.file != p.at.file) continue;
    const unsigned first = std::max(fn->second.body_begin.line, p.at.line > kThrownTextReach ? p.at.line - kThrownTextReach : 1);
    const unsigned last = std::min(fn->second.body_end, p.at.line + kThrownTextReach);
    if (auto [e, n] = evidence_in(evidence, p.at.file, first, last, p.at.line, p.at.line); e)
      out.push_back(site(feature, p.at, kThrownTextConfidence, "throws an error about " + feature, "is next to code that ", *e));
  }
}

}  // namespace

std::vector<Inferred> infer_named_for_feature(const index::ProjectIndex& idx, const std::vector<Seed>& seeds,
                                              const std::vector<Inferred>& found, const FeatureCatalog& catalog) {
  std::vector<Inferred> out;
  for (const auto& feature : catalog.features) {
    if (!feature.inference) continue;
    const EvidenceByFile evidence = evidence_of(feature.id, seeds, found);
    if (evidence.empty()) continue;
    report_namespaces(idx, feature.id, *feature.inference, evidence, out);
    report_includes(idx, feature.id, *feature.inference, evidence, out);
    report_thrown_texts(idx, feature.id, *feature.inference, evidence, out);
  }
  return out;
}

}  // namespace mcp_lint::inference
