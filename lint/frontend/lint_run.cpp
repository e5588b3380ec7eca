#include "frontend/lint_run.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include <clang-c/Index.h>

#include "cache/cache_key.hpp"
#include "engine/cursor_util.hpp"
#include "engine/index/fact_collector.hpp"
#include "engine/inference/propagation.hpp"
#include "engine/inference/vocabulary.hpp"
#include "engine/suppression.hpp"
#include "engine/tu_walker.hpp"
#include "frontend/changed_files.hpp"
#include "frontend/compile_units.hpp"
#include "frontend/include_probe.hpp"
#include "frontend/output_text.hpp"
#include "frontend/progress.hpp"
#include "frontend/source_scan.hpp"
#include "frontend/unit_outcome.hpp"
#include "frontend/unit_parser.hpp"
#include "frontend/variant_defines.hpp"

namespace fs = std::filesystem;

namespace mcp_lint {

namespace {

// The result cache of a run, shared by the parser threads; `store` null: off.
struct RunCache {
  cache::ResultCache* store = nullptr;
  std::string salt;  // cache::run_salt of this run
  std::map<std::string, std::string> packs;  // cache::pack_digests of this run
  cache::FileHashes hashes;

  // An entry serves this run when it holds the hits of every pack this run
  // loads, as they are now (it may hold more: they are left out on reading).
  bool holds_our_packs(const nlohmann::json& payload) const {
    const auto held = payload.find("packs");
    if (held == payload.end() || !held->is_object()) return false;
    return std::all_of(packs.begin(), packs.end(), [&](const auto& p) {
      const auto d = held->find(p.first);
      return d != held->end() && d->is_string() && d->template get_ref<const std::string&>() == p.second;
    });
  }
};

// Why libclang gave no unit (the ordinary parse's code, unit_parser.hpp).
// CXError_Crashed: clang crashed (a signal or a fatal error) inside libclang's
// crash recovery, which unwound the parse; the process and the other units
// carry on.
std::string parse_failure(CXErrorCode rc, const std::string& file) {
  switch (rc) {
    case CXError_Crashed: return "libclang crashed while parsing " + file + " (the unit is not analysed)";
    case CXError_InvalidArguments: return "libclang could not parse " + file + ": invalid arguments";
    case CXError_ASTReadError:
      return "libclang could not parse " + file + ": cannot read a precompiled header or module file its flags name";
    default: return "libclang could not parse " + file + " (error " + std::to_string(static_cast<int>(rc)) + ")";
  }
}

// The lines of the main file the preprocessor skipped (libclang's skipped ranges).
std::vector<LineRange> skipped_lines(CXTranslationUnit tu, CXFile main) {
  std::vector<LineRange> out;
  CXSourceRangeList* ranges = clang_getSkippedRanges(tu, main);
  if (!ranges) return out;
  for (unsigned i = 0; i < ranges->count; ++i) {
    unsigned first = 0, last = 0;
    clang_getSpellingLocation(clang_getRangeStart(ranges->ranges[i]), nullptr, &first, nullptr, nullptr);
    clang_getSpellingLocation(clang_getRangeEnd(ranges->ranges[i]), nullptr, &last, nullptr, nullptr);
    out.emplace_back(first, last);
  }
  clang_disposeSourceRangeList(ranges);
  return out;
}

// The macros whose definition would bring the main file's skipped, feature-
// naming branches into a parse (variant_defines.hpp).
std::vector<std::string> variant_macros(CXTranslationUnit tu, const std::string& file, const FeatureCatalog& catalog) {
  CXFile main = clang_getFile(tu, file.c_str());
  if (!main) return {};
  const auto skipped = skipped_lines(tu, main);
  if (skipped.empty()) return {};
  std::size_t size = 0;
  const char* text = clang_getFileContents(tu, main, &size);
  if (!text) return {};
  return variant_defines(std::string_view(text, size), skipped,
                         [&](std::string_view branch) { return names_a_feature(branch, catalog); });
}

// One libclang parse of `unit` with `args`: its rule hits, index facts and the
// files it read; `variants` (when not null) receives variant_macros().
UnitOutcome parse_once(CXIndex index, const CompileUnit& unit, const std::vector<std::string>& args,
                       const RuleEngine& engine, const ScopeFilter& scope, bool collect_facts,
                       std::vector<std::string>* variants) {
  UnitOutcome out;
  const ParsedUnit parsed = parse_unit_tu(index, unit.file, args);
  if (parsed.error() != CXError_Success) {
    out.failed = true;
    out.crashed = parsed.error() == CXError_Crashed;
    out.message = parse_failure(parsed.error(), unit.file);
    return out;
  }
  CXTranslationUnit tu = parsed.tu();
  const unsigned nd = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < nd && !out.had_errors; ++i) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      out.message = take(clang_formatDiagnostic(d, CXDiagnostic_DisplaySourceLocation | CXDiagnostic_DisplayColumn));
      out.had_errors = true;
    }
    clang_disposeDiagnostic(d);
  }
  out.hits = engine.walk(tu, scope);
  if (collect_facts) {
    out.facts = index::collect_facts(tu, scope);
    out.has_facts = true;
  }
  out.included = included_files(tu);
  if (out.had_errors) out.not_found = missing_include_paths(tu, args);
  if (variants && scope(unit.file)) *variants = variant_macros(tu, unit.file, engine.rules().features);
  return out;
}

// Adds what a variant parse of a unit found to the unit's outcome. Its errors
// stay its own (the branch's optional headers are often not installed); the
// files it read or looked for join the unit's, so the cache entry goes stale
// when any of them changes.
void add_variant(UnitOutcome& out, UnitOutcome variant) {
  std::set<std::tuple<const Rule*, std::string, unsigned, unsigned>> seen;
  for (const auto& h : out.hits) seen.emplace(h.rule, h.abs_file, h.line, h.column);
  for (auto& h : variant.hits)
    if (seen.emplace(h.rule, h.abs_file, h.line, h.column).second) out.hits.push_back(std::move(h));
  for (auto [into, from] : {std::pair{&out.included, &variant.included}, std::pair{&out.not_found, &variant.not_found}}) {
    std::set<std::string> have(into->begin(), into->end());
    for (auto& f : *from)
      if (have.insert(f).second) into->push_back(std::move(f));
  }
  if (out.has_facts && variant.has_facts) {
    index::ProjectIndex both;
    both.merge(out.facts);
    both.merge(variant.facts);
    out.facts = both.as_unit();
  }
}

// Parses one unit with libclang; when a skipped branch of its main file names
// a feature, parses it once more with that branch's macro defined
// (variant_defines.hpp) and adds what that parse found.
UnitOutcome parse_unit(CXIndex index, const CompileUnit& unit, const RuleEngine& engine, const ScopeFilter& scope,
                       bool collect_facts) {
  std::vector<std::string> macros;
  UnitOutcome out = parse_once(index, unit, unit.args, engine, scope, collect_facts, &macros);
  if (out.failed || macros.empty()) return out;
  std::vector<std::string> args = unit.args;
  for (const auto& m : macros) args.push_back("-D" + m);
  UnitOutcome variant = parse_once(index, unit, args, engine, scope, collect_facts, nullptr);
  if (!variant.failed) add_variant(out, std::move(variant));
  return out;
}

// A unit's outcome from the cache when its entry is still valid, else parsed
// (and stored). A unit libclang cannot parse at all is never stored.
UnitOutcome lint_unit(CXIndex index, const CompileUnit& unit, const RuleEngine& engine, const ScopeFilter& scope,
                      bool collect_facts, RunCache& cache) {
  if (!cache.store) return parse_unit(index, unit, engine, scope, collect_facts);
  const std::string main_sha = cache.hashes.of(unit.file);
  if (main_sha.empty()) return parse_unit(index, unit, engine, scope, collect_facts);  // unreadable: libclang says why
  const std::string key = cache::unit_key(cache.salt, unit.file, unit.args, main_sha);
  if (auto entry = cache.store->load(key, unit.file, cache.hashes,
                                    [&](const nlohmann::json& payload) { return cache.holds_our_packs(payload); })) {
    try {
      return outcome_from_payload(entry->payload, engine.rules());
    } catch (const std::exception& e) {
      cache.store->reject(key, e.what());
    }
  }
  UnitOutcome out = parse_unit(index, unit, engine, scope, collect_facts);
  if (out.failed) return out;
  cache::Entry entry;
  for (const auto* files : {&out.included, &out.not_found})
    for (const auto& f : *files) entry.manifest.push_back(cache::ManifestEntry{f, cache.hashes.of(f)});
  entry.payload = outcome_to_payload(out);
  entry.payload["packs"] = cache.packs;
  try {
    cache.store->store(key, unit.file, entry);
  } catch (const nlohmann::json::exception&) {
    // Invalid UTF-8 in a path or an identifier cannot be stored as JSON
    // (repairing it would change what it names): that unit is not cached.
  }
  return out;
}

// Lints `units` on `jobs` threads; each thread owns its CXIndex (libclang
// indexes are not shared across threads). Outcomes keep the units' order.
// Facts are merged into `project` (when not null) in the units' order, not as
// threads finish, so that a run is the same whichever units came from the
// cache; each unit's facts are released once merged.
std::vector<UnitOutcome> lint_all(const std::vector<CompileUnit>& units, const RuleEngine& engine, const ScopeFilter& scope,
                                  unsigned jobs, index::ProjectIndex* project, Progress& progress, RunCache& cache) {
  std::vector<UnitOutcome> outcomes(units.size());
  std::atomic<std::size_t> next{0};
  std::mutex merge_mutex;
  std::vector<char> done(units.size(), 0);
  std::size_t next_merge = 0;
  auto merge_ready = [&](std::size_t finished) {
    std::lock_guard lock(merge_mutex);
    done[finished] = 1;
    for (; next_merge < units.size() && done[next_merge]; ++next_merge) {
      UnitOutcome& o = outcomes[next_merge];
      if (!o.has_facts) continue;
      project->merge(o.facts);
      o.facts = {};
    }
  };
  auto worker = [&] {
    CXIndex index = clang_createIndex(/*excludeDeclarationsFromPCH=*/0, /*displayDiagnostics=*/0);
    for (std::size_t i = next++; i < units.size(); i = next++) {
      outcomes[i] = lint_unit(index, units[i], engine, scope, project != nullptr, cache);
      if (project) merge_ready(i);
      progress.tick();
    }
    clang_disposeIndex(index);
  };
  const unsigned n = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(units.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  return outcomes;
}

std::string display_path(const std::string& abs, const std::string& base) {
  if (!base.empty() && path_under(abs, base) && abs.size() > base.size()) {
    std::string rel = abs.substr(base.size());
    while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
    return rel;
  }
  return abs;
}

using HitMap = std::map<std::tuple<std::string, std::string, unsigned>, RawHit>;

// The rule of the inferred findings of a feature: its advice and link are
// those of the feature's first rule in the packs (rules stay data).
Rule inferred_rule(const std::string& feature, const RuleSet& rules) {
  Rule r;
  r.pack = "inferred";
  r.id = rules.features.rule_prefix(feature) + "use";
  r.full_id = r.pack + "/" + r.id;
  r.feature = feature;
  r.severity = Severity::warning;
  r.message = "uses the deprecated " + feature + " feature through the project's own code";
  for (const auto& rule : rules.rules)
    if (rule.feature == feature) {
      r.advice = rule.advice;
      r.link = rule.link;
      break;
    }
  return r;
}

// Seeds are the rule hits; inferred findings on a line a rule of the same
// feature already reports are dropped (the rule's finding says it better).
void add_inferred(LintResult& result, const HitMap& hits, index::ProjectIndex& idx, const RuleSet& rules,
                  const std::string& base, SourceCache& sources) {
  std::vector<inference::Seed> seeds;
  std::set<std::tuple<std::string, std::string, unsigned>> reported;
  for (const auto& [key, h] : hits) {
    Finding probe;  // a suppressed anchor seeds nothing
    probe.rule = h.rule->full_id;
    probe.feature = h.rule->feature;
    probe.abs_file = h.abs_file;
    probe.line = h.line;
    if (is_suppressed(sources, probe)) continue;
    std::string what = h.rule->message;
    if (auto cut = what.find(';'); cut != std::string::npos) what.erase(cut);
    seeds.push_back(
        inference::Seed{h.rule->feature, index::Loc{idx.intern(h.abs_file), h.line, h.column}, what, h.rule->anchor});
    reported.emplace(h.rule->feature, h.abs_file, h.line);
  }
  const auto inferred = inference::infer(idx, seeds, rules.features);
  auto where = [&](index::Loc l) { return display_path(idx.path(l.file), base) + ":" + std::to_string(l.line); };
  std::map<std::string, std::size_t> rule_of;
  for (const auto& inf : inferred) {
    const std::string& abs = idx.path(inf.at.file);
    if (reported.count(std::make_tuple(inf.feature, abs, inf.at.line))) continue;
    if (!rule_of.count(inf.feature)) {
      rule_of[inf.feature] = result.inferred_rules.size();
      result.inferred_rules.push_back(inferred_rule(inf.feature, rules));
    }
    const Rule& r = result.inferred_rules[rule_of[inf.feature]];
    Finding f;
    f.rule = r.full_id;
    f.feature = r.feature;
    f.confidence = inf.confidence;
    f.severity = inf.confidence >= kConfidenceHigh ? Severity::warning : Severity::note;
    f.why = inference::explain(inf, where);
    f.message = r.message + ": " + f.why;
    f.advice = r.advice;
    f.link = r.link;
    for (const auto& step : inf.chain) f.chain.push_back(ChainStep{display_path(idx.path(step.at.file), base), step.at.line, step.text});
    f.abs_file = abs;
    f.file = display_path(abs, base);
    f.line = inf.at.line;
    f.column = inf.at.column ? inf.at.column : 1;
    f.snippet = sources.line(abs, inf.at.line);
    f.fingerprint = compute_fingerprint(f.rule, f.file, f.snippet);
    if (is_suppressed(sources, f)) {
      ++result.suppressed;
      continue;
    }
    result.findings.push_back(std::move(f));
  }
  std::sort(result.inferred_rules.begin(), result.inferred_rules.end(),
            [](const Rule& a, const Rule& b) { return a.full_id < b.full_id; });
}

// --changed-since: a unit is affected when git names its main file, a file
// it included, or a path where it looked for a missing #include. Reported:
// every finding located in an affected unit's main file or the files it
// included, and every inferred finding whose chain of evidence passes through
// a changed file (a new wrapper's callers in untouched files). The index, and
// so the inference, still covers every unit.
void keep_affected(LintResult& result, const std::vector<CompileUnit>& units, const std::vector<UnitOutcome>& outcomes,
                   const std::set<std::string>& changed, const std::string& base) {
  result.changed_files = changed.size();
  std::set<std::string> files;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto& o = outcomes[i];
    auto hit = [&](const std::vector<std::string>& list) {
      return std::any_of(list.begin(), list.end(), [&](const std::string& f) { return changed.count(f) > 0; });
    };
    if (!changed.count(units[i].file) && !hit(o.included) && !hit(o.not_found)) continue;
    ++result.units_affected;
    files.insert(units[i].file);
    files.insert(o.included.begin(), o.included.end());
  }
  std::set<std::string> changed_shown;  // chain steps carry displayed paths
  for (const auto& c : changed) changed_shown.insert(display_path(c, base));
  const auto before = result.findings.size();
  std::erase_if(result.findings, [&](const Finding& f) {
    if (files.count(f.abs_file)) return false;
    return std::none_of(f.chain.begin(), f.chain.end(), [&](const ChainStep& s) { return changed_shown.count(s.file) > 0; });
  });
  result.not_affected = before - result.findings.size();
}

}  // namespace

LintResult run_lint(const LintOptions& options, const RuleSet& rules) {
  const fs::path start_cwd = fs::current_path();
  // Displayed paths are relative to the directory mcp-lint was started in.
  const std::string base = options.display_base.empty() ? fs::current_path().string() : normalize_path(options.display_base);
  // 1. Units and scope.
  std::vector<CompileUnit> units;
  std::vector<std::string> roots;
  std::vector<std::string> pending_headers;  // inferred mode: headers no unit includes
  bool header_phase = false;
  std::vector<std::string> header_args;
  std::vector<std::string> warnings;
  if (!options.compile_db.empty()) {
    CompileDatabase db = load_compile_database(options.compile_db);
    warnings = std::move(db.warnings);
    auto& db_units = db.units;
    if (options.paths.empty()) {
      units = std::move(db_units);
      // Without PATHs the scope is everything but the build tree (fetched
      // dependencies, generated code) unless sources live inside it.
      const std::string build = normalize_path(options.compile_db);
      const bool in_source = std::any_of(units.begin(), units.end(), [&](const CompileUnit& u) { return path_under(u.file, build); });
      if (!in_source) roots.push_back("!" + build);
    } else {
      SourceTree tree = scan_paths(options.paths);
      roots = tree.roots;
      warnings.insert(warnings.end(), tree.warnings.begin(), tree.warnings.end());
      std::set<std::string> listed(tree.sources.begin(), tree.sources.end());
      std::set<std::string> in_db;
      for (auto& u : db_units) {
        const bool wanted = std::any_of(roots.begin(), roots.end(), [&](const std::string& r) { return path_under(u.file, r); });
        if (wanted) {
          in_db.insert(u.file);
          units.push_back(std::move(u));
        }
      }
      // Explicit source files the database does not know: infer their flags.
      for (const auto& s : tree.sources)
        if (!in_db.count(s) && std::find(roots.begin(), roots.end(), s) != roots.end())
          units.push_back(CompileUnit{s, inferred_args(tree.include_dirs), false});
      if (units.empty())
        throw InputError("no translation unit of " + options.compile_db + "/compile_commands.json lies under the given PATHs");
    }
  } else {
    SourceTree tree = scan_paths(options.paths.empty() ? std::vector<std::string>{"."} : options.paths);
    roots = tree.roots;
    warnings.insert(warnings.end(), tree.warnings.begin(), tree.warnings.end());
    const auto args = inferred_args(tree.include_dirs);
    for (const auto& s : tree.sources) units.push_back(CompileUnit{s, args, false});
    pending_headers = tree.headers;
    header_phase = !pending_headers.empty();
    header_args = args;
    if (units.empty() && pending_headers.empty()) throw InputError("no C++ source files found under the given PATHs");
  }
  ScopeFilter scope = [roots](const std::string& path) {
    bool any_positive = false;
    for (const auto& r : roots) {
      if (r[0] == '!') {
        if (path_under(path, r.substr(1))) return false;
        continue;
      }
      any_positive = true;
      if (path_under(path, r)) return true;
    }
    return !any_positive;
  };

  // --changed-since asks git before any parsing: a bad revision fails fast.
  std::set<std::string> changed;
  if (!options.changed_since.empty()) {
    std::string repo_dir = start_cwd.string();
    if (!options.paths.empty()) {
      const std::string first = normalize_path(options.paths.front());
      repo_dir = fs::is_directory(first) ? first : fs::path(first).parent_path().string();
    }
    changed = changed_since(options.changed_since, repo_dir);
  }

  std::size_t skipped = drop_oversized(units, options.max_file_bytes, warnings);

  // 2. Parse and walk, in parallel (or take units from the cache).
  const RuleEngine engine(rules);
  const unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  Progress progress(options.progress, units.size() + pending_headers.size());
  std::optional<cache::ResultCache> result_cache;
  RunCache run_cache;
  if (!options.cache_dir.empty()) {
    result_cache.emplace(normalize_path(options.cache_dir), options.cache_max_bytes);
    run_cache.store = &*result_cache;
    run_cache.salt = cache::run_salt(rules.features, roots, options.infer);
    run_cache.packs = cache::pack_digests(rules);
  }
  index::ProjectIndex project;
  index::ProjectIndex* merge_into = options.infer ? &project : nullptr;
  auto outcomes = lint_all(units, engine, scope, jobs, merge_into, progress, run_cache);

  // Headers no source includes (header-only code) are parsed as units of their own.
  if (header_phase) {
    std::set<std::string> included;
    for (const auto& o : outcomes)
      for (const auto& f : o.included) included.insert(normalize_path(f));
    std::vector<CompileUnit> header_units;
    for (const auto& h : pending_headers)
      if (!included.count(h)) header_units.push_back(CompileUnit{h, header_args, false});
    skipped += drop_oversized(header_units, options.max_file_bytes, warnings);
    progress.add_total(0);
    auto more = lint_all(header_units, engine, scope, jobs, merge_into, progress, run_cache);
    for (std::size_t i = 0; i < header_units.size(); ++i) units.push_back(header_units[i]);
    for (auto& o : more) outcomes.push_back(std::move(o));
  }
  progress.finish();
  // libclang changes the process's working directory while it parses units
  // with -working-directory (compile databases); relative output paths
  // (-o, --report) must still mean what the user typed.
  std::error_code cwd_ec;
  fs::current_path(start_cwd, cwd_ec);

  // 3. Merge: one finding per rule and line (a header seen by many units, or a
  //    declaration matched by its type reference and its variable, counts once).
  LintResult result;
  result.units = units.size();
  result.units_skipped = skipped;
  result.warnings = std::move(warnings);
  HitMap merged;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    if (o.failed) ++result.units_failed;
    if (o.crashed) ++result.units_crashed;
    if (o.had_errors) ++result.units_with_errors;
    if (o.failed || o.had_errors) result.problems.push_back(UnitProblem{units[i].file, o.message, o.failed});
    for (const auto& h : o.hits) {
      auto key = std::make_tuple(h.rule->full_id, h.abs_file, h.line);
      auto it = merged.find(key);
      if (it == merged.end()) merged.emplace(key, h);
      else if (h.column < it->second.column) it->second = h;
    }
  }
  std::sort(result.problems.begin(), result.problems.end(), [](const UnitProblem& a, const UnitProblem& b) { return a.file < b.file; });

  SourceCache sources;
  for (const auto& [key, h] : merged) {
    Finding f;
    const Rule& r = *h.rule;
    f.rule = r.full_id;
    f.feature = r.feature;
    f.severity = r.severity;
    f.message = r.message;
    f.advice = r.advice;
    f.link = r.link;
    f.abs_file = h.abs_file;
    f.file = display_path(h.abs_file, base);
    f.line = h.line;
    f.column = h.column;
    f.snippet = sources.line(h.abs_file, h.line);
    f.fingerprint = compute_fingerprint(f.rule, f.file, f.snippet);
    if (is_suppressed(sources, f)) {
      ++result.suppressed;
      continue;
    }
    result.findings.push_back(std::move(f));
  }
  if (options.infer) add_inferred(result, merged, project, rules, base, sources);
  if (!options.changed_since.empty()) keep_affected(result, units, outcomes, changed, base);
  if (result_cache) {
    result_cache->evict();
    result.cache_used = true;
    result.cache = result_cache->stats();
  }
  const auto before = result.findings.size();
  std::erase_if(result.findings, [&](const Finding& f) { return f.confidence < options.min_confidence; });
  result.below_confidence = before - result.findings.size();
  std::sort(result.findings.begin(), result.findings.end(), finding_less);
  make_valid_utf8(result);
  return result;
}

RuleSet with_inferred_rules(const RuleSet& rules, const LintResult& result) {
  RuleSet all = rules;
  if (!result.inferred_rules.empty()) {
    all.packs.push_back(Pack{"inferred", "Uses inferred from the rule hits through the project's own code", ""});
    all.rules.insert(all.rules.end(), result.inferred_rules.begin(), result.inferred_rules.end());
  }
  return all;
}

std::size_t apply_baseline(LintResult& result, const std::set<std::string>& known) {
  const auto before = result.findings.size();
  std::erase_if(result.findings, [&](const Finding& f) { return known.count(f.fingerprint) > 0; });
  return before - result.findings.size();
}

}  // namespace mcp_lint
