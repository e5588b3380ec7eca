#pragma once
// Orchestrates one lint run: units → parallel parse + one rule walk each →
// merged, deduplicated, suppressed, sorted findings.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cache/result_cache.hpp"
#include "engine/finding.hpp"
#include "engine/rule_pack.hpp"
#include "frontend/unit_screen.hpp"

namespace mcp_lint {

struct LintOptions {
  std::vector<std::string> paths;  // files/directories to lint (scope of findings)
  std::string compile_db;          // -p BUILD_DIR, empty: infer flags
  unsigned jobs = 0;               // 0: all cores
  bool progress = false;           // draw the progress bar
  std::string display_base;        // paths are shown relative to this (default: cwd)
  bool infer = true;               // cross-unit inference from the rule hits (engine/inference/)
  int min_confidence = kConfidenceMedium;  // findings below this confidence (0..100) are dropped
  // Result cache (lint/cache/result_cache.hpp); empty: every unit is parsed.
  std::string cache_dir;
  std::uint64_t cache_max_bytes = cache::kDefaultMaxBytes;  // 0: unbounded
  // A git revision: every unit still feeds the index, but only the findings of
  // the units the diff since it affects are reported (lint/README.md, "Incremental runs").
  std::string changed_since;
  // Units whose main file is larger are skipped with a warning (unit_screen.hpp); 0: no limit.
  std::uint64_t max_file_bytes = kDefaultMaxFileBytes;
};

struct UnitProblem {
  std::string file;
  std::string message;  // first error diagnostic, or why parsing failed
  bool failed = false;  // not analysed at all: libclang failed or crashed on it
};

struct LintResult {
  std::vector<Finding> findings;  // sorted, deduplicated, suppressions removed
  std::size_t suppressed = 0;
  std::size_t units = 0;             // translation units parsed
  std::size_t units_with_errors = 0; // parsed with error recovery (missing headers, ...)
  std::size_t units_failed = 0;      // libclang could not parse at all (failed or crashed)
  std::size_t units_crashed = 0;     // of units_failed: libclang crashed (and recovered)
  std::size_t units_skipped = 0;     // over LintOptions::max_file_bytes, not parsed
  std::vector<std::string> warnings; // skipped files and links, stale database entries, dropped flags
  std::vector<UnitProblem> problems; // one per unit with errors or failure, sorted by file
  std::vector<Rule> inferred_rules;  // the rules of inferred findings ("inferred/<feature>-use")
  std::size_t below_confidence = 0;  // findings dropped by min_confidence
  bool cache_used = false;
  cache::CacheStats cache;           // hits, misses, ... of this run
  // --changed-since: files git names, units they affect, findings left unreported.
  std::size_t changed_files = 0;
  std::size_t units_affected = 0;
  std::size_t not_affected = 0;
};

// The rule set the reporters describe: the packs' rules and the inferred ones.
RuleSet with_inferred_rules(const RuleSet& rules, const LintResult& result);

// Throws InputError (bad PATH, broken compile database) before any parsing.
LintResult run_lint(const LintOptions& options, const RuleSet& rules);

// Removes findings whose fingerprint is in `known`; returns how many.
std::size_t apply_baseline(LintResult& result, const std::set<std::string>& known);

}  // namespace mcp_lint
