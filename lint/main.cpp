// mcp-lint: finds uses of the MCP features deprecated (Roots, Sampling,
// Logging) or removed by the 2026-07-28 revision in C++ code, with libclang.
#include <unistd.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cache/cache_key.hpp"
#include "engine/baseline.hpp"
#include "engine/rule_pack.hpp"
#include "frontend/compile_units.hpp"
#include "frontend/lint_run.hpp"
#include "frontend/source_scan.hpp"
#include "frontend/unit_screen.hpp"
#include "report/reporters.hpp"

namespace fs = std::filesystem;
using namespace mcp_lint;

namespace {

// Exit codes (also in --help).
enum Exit : int {
  kOk = 0,           // no finding at or above --fail-on
  kFindings = 1,     // findings at or above --fail-on
  kBadInput = 2,     // usage error, missing/unreadable PATH, broken compile database, bad baseline, unwritable output
  kBadRules = 3,     // rule packs missing or invalid
  kParseFailed = 4,  // libclang could not parse any translation unit
  kNotAnalysed = 5,  // libclang failed or crashed on some units; the others' findings are reported
};

const char* kExitCodes =
    "Exit codes:\n"
    "  0  no finding at or above --fail-on (after suppressions and --baseline)\n"
    "  1  at least one finding at or above --fail-on\n"
    "  2  usage error or bad input: unknown option, missing or unreadable PATH, missing or broken\n"
    "     compile_commands.json, unreadable --baseline, output file not writable, --changed-since\n"
    "     outside a git work tree or naming an unknown revision\n"
    "  3  rule packs missing or invalid (the message names the file, line and rule)\n"
    "  4  no translation unit could be parsed by libclang\n"
    "  5  libclang failed or crashed on some translation units (each named on stderr, and in the JSON and\n"
    "     SARIF output); the other units were linted and their findings reported. 5 wins over 1: the\n"
    "     findings are incomplete\n"
    "Warnings on stderr (and in the JSON and SARIF output) do not change the exit code: files skipped by\n"
    "--max-file-size, dangling or looping symbolic links, compile database entries whose file no longer\n"
    "exists, and compile database flags mcp-lint drops because they would load code (-fplugin=, -Xclang -load)\n"
    "or write files (-MJ, -Wp,-MD, --serialize-diagnostics, -save-temps, -ftime-trace, a clang module cache).\n";

const char* kDescription =
    "mcp-lint: find uses of the MCP features deprecated by the 2026-07-28 revision (Roots, Sampling,\n"
    "Logging; earliest removal in the first revision on or after 2027-07-28) and of what 2026-07-28\n"
    "removed (initialize handshake, sessions, ...) in C++ code, and plan the migration.\n\n"
    "It parses with libclang (Debian 12's libclang-19; --version names it), resolves what a call, constant or type\n"
    "really is, and reports each real use with the spec's migration advice. Comments never count.\n\n"
    "Usage forms:\n"
    "  mcp-lint -p build/ src/                         # flags from build/compile_commands.json\n"
    "  mcp-lint src/ --format sarif -o mcp-lint.sarif  # no compile database: flags inferred\n"
    "  mcp-lint -p build/ --report migration.html      # the migration plan\n\n"
    "Without -p, every source under PATH (default: .) is parsed with -x c++ -std=c++20 and -I for\n"
    "each directory holding headers; headers no source includes are parsed on their own. Code whose\n"
    "dependencies are missing is still analysed (error recovery); such units are counted.\n"
    "With -p and no PATH, every unit of the database is linted and findings under BUILD_DIR are ignored.\n"
    "Beyond the rule packs' direct matches (protocol strings, capability keys, ...), mcp-lint infers\n"
    "across translation units which of the project's own functions, types, members and variables carry\n"
    "a deprecated feature (rule inferred/<feature>-use), each with the chain of evidence back to a rule\n"
    "hit and a confidence (see --min-confidence, --no-inference).\n"
    "Incremental runs (CI on every pull request): --cache-dir keeps each unit's results and reuses them\n"
    "while its preprocessed input is unchanged; --changed-since GIT_REF reports only the units a diff\n"
    "affects while every unit still feeds the cross-unit index.\n"
    "Suppress a finding with a comment on its line or the line before:\n"
    "  // mcp-lint: ignore[<rule-id>|<feature>|<pack>, ...]   or   // mcp-lint: ignore\n";

std::string exe_dir() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{} : p.parent_path().string();
}

// --rules, else next to the executable (../share/mcp-lint/rules, rules, ../rules, ../../rules),
// else the source tree's rules/.
std::string find_rules_dir(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  const std::string dir = exe_dir();
  std::error_code ec;
  if (!dir.empty()) {
    for (const char* rel : {"../share/mcp-lint/rules", "rules", "../rules", "../../rules"}) {
      fs::path cand = fs::path(dir) / rel;
      if (fs::is_directory(cand, ec) && !fs::is_empty(cand, ec)) return fs::weakly_canonical(cand, ec).string();
    }
  }
  return MCP_LINT_SOURCE_RULES_DIR;
}

bool open_output(const std::string& path, std::ofstream& out) {
  out.open(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "mcp-lint: error: " << path << ": cannot write output file\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "mcp-lint"};
  app.footer(kExitCodes);
  app.set_version_flag("--version", std::string("mcp-lint ") + tool_version() + " (libclang: " + cache::libclang_version() + ")");

  std::vector<std::string> paths;
  std::string compile_db, format = "text", output, report, baseline, fail_on = "warning", rules_dir, color = "auto";
  unsigned jobs = 0;
  bool quiet = false;
  bool print_flags = false;
  app.add_option("PATH", paths, "Files or directories to lint (default: . ; with -p: the database's units under PATH)");
  app.add_option("-p,--build-path", compile_db, "Directory holding compile_commands.json (or the file itself)");
  app.add_option("--format", format, "Output format on stdout (or -o): text (clang style), json, sarif (SARIF 2.1.0)")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  app.add_option("-o,--output", output, "Write the --format output to FILE instead of stdout");
  app.add_option("--report", report,
                 "Also write the migration plan to FILE.md (Markdown) or FILE.html (self-contained, with charts)");
  app.add_option("--baseline", baseline,
                 "A previous JSON (or SARIF) output: findings with a known fingerprint are not new and are not reported");
  app.add_option("--fail-on", fail_on, "Exit 1 when a finding has this severity or higher: note, warning, error, none")
      ->check(CLI::IsMember({"note", "warning", "error", "none"}));
  app.add_option("-j,--jobs", jobs, "Parallel parser threads (default: all cores)");
  app.add_option("--rules", rules_dir, "Rule pack directory (default: next to the executable, else the source tree's rules/)");
  app.add_option("--color", color, "Colours in text output: auto (only on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("-q,--quiet", quiet, "No progress bar and no summary on stderr (warnings and errors are still printed)");
  std::uint64_t max_file_bytes = kDefaultMaxFileBytes;
  app.add_option("--max-file-size", max_file_bytes,
                 "Skip, with a warning, every file to be parsed as a unit that is larger than SIZE (default 8MiB; "
                 "0: no limit); e.g. 500KiB, 32MiB. Generated code (embedded data) costs libclang about 65 MB and "
                 "0.6 s per MiB; headers the units include are never skipped")
      ->transform(CLI::AsSizeValue(false));
  app.add_flag("--print-flags", print_flags,
               "Print the compiler flags inferred for PATH (one per line; used without -p) and exit");
  std::string min_confidence = "medium";
  app.add_option("--min-confidence", min_confidence,
                 "Report findings at or above this confidence: high, medium (default), low, or 0-100. Rule hits are "
                 "100; findings inferred through the project's own code carry the strength of their evidence: high "
                 "(>=80: declarations and calls of a function holding a protocol anchor, schema types), medium (50-79: "
                 "wrappers, types only feature APIs use, their members and variables), low (<50: names carrying a "
                 "feature's word in a class with a feature API). Lower trades precision for recall")
      ->check([](const std::string& v) {
        int c = 0;
        return parse_confidence(v, c) ? std::string{} : std::string("expected high, medium, low or 0-100");
      });
  bool no_inference = false;
  app.add_flag("--no-inference", no_inference,
               "Only the rule packs' direct matches: no inference from them through the project's own functions, "
               "types and members (faster; every finding is then a rule hit)");
  std::string cache_dir, changed_since;
  bool no_cache = false;
  std::uint64_t cache_max_mb = cache::kDefaultMaxBytes >> 20;
  app.add_option("--cache-dir", cache_dir,
                 "Result cache directory (off by default; e.g. .mcp-lint-cache, kept between CI runs). A unit's rule hits "
                 "and index facts are reused while its key (mcp-lint build, libclang, feature catalog, scope, options, the "
                 "unit's arguments and main file content) and the SHA-256 of every header it included are unchanged: a "
                 "changed header re-parses exactly the units including it. An entry holds the hits of every pack of the "
                 "run that wrote it and serves any run whose packs (unchanged) it holds: a run with fewer packs parses "
                 "nothing again. Output is byte-identical to an uncached run; unusable "
                 "entries are ignored and rewritten. Safe to share between concurrent runs and to delete");
  app.add_flag("--no-cache", no_cache, "Do not read or write --cache-dir (parse every unit)");
  app.add_option("--cache-max-mb", cache_max_mb,
                 "Bound of --cache-dir in MiB (default 1024; 0: unbounded): least recently used entries are removed first");
  app.add_option("--changed-since", changed_since,
                 "GIT_REF: lint what a diff affects. Files changed since GIT_REF (git diff --name-only GIT_REF, plus untracked "
                 "files) select the affected units (main file or an included header changed); reported are the findings "
                 "located in those units' files and inferred findings whose evidence passes through a changed file. Every "
                 "unit still feeds the cross-unit index (cached ones from --cache-dir), so the inference sees the whole "
                 "project. Exit 2 outside a git work tree or for an unknown revision");
  bool print_units = false;
  app.add_flag("--print-units", print_units,
               "Print every compile-database unit under PATH (needs -p) as one shell-quoted line: FILE then the exact "
               "arguments mcp-lint hands libclang; and exit (bench/run_lint_bench.sh gives them to clang -fsyntax-only)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kBadInput;
  }
  if (print_flags) {
    try {
      const SourceTree tree = scan_paths(paths.empty() ? std::vector<std::string>{"."} : paths);
      for (const auto& a : inferred_args(tree.include_dirs)) std::cout << a << '\n';
      return kOk;
    } catch (const InputError& e) {
      std::cerr << "mcp-lint: error: " << e.what() << '\n';
      return kBadInput;
    }
  }
  if (print_units) {
    if (compile_db.empty()) {
      std::cerr << "mcp-lint: error: --print-units needs -p BUILD_DIR\n";
      return kBadInput;
    }
    try {
      std::vector<std::string> roots;
      if (!paths.empty()) roots = scan_paths(paths).roots;
      auto quote = [](const std::string& a) {
        std::string q = "'";
        for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return q + "'";
      };
      const CompileDatabase db = load_compile_database(compile_db);
      for (const auto& w : db.warnings) std::cerr << "mcp-lint: warning: " << w << '\n';
      for (const auto& u : db.units) {
        const bool wanted = roots.empty() || std::any_of(roots.begin(), roots.end(), [&](const std::string& r) {
                              return r[0] != '!' && path_under(u.file, r);
                            });
        if (!wanted) continue;
        std::cout << quote(u.file);
        for (const auto& a : u.args) std::cout << ' ' << quote(a);
        std::cout << '\n';
      }
      return kOk;
    } catch (const InputError& e) {
      std::cerr << "mcp-lint: error: " << e.what() << '\n';
      return kBadInput;
    }
  }
  if (!report.empty()) {
    const std::string ext = fs::path(report).extension().string();
    if (ext != ".md" && ext != ".html" && ext != ".htm") {
      std::cerr << "mcp-lint: error: --report " << report << ": the file name must end in .md or .html\n";
      return kBadInput;
    }
  }

  RuleSet rules;
  const std::string rules_path = find_rules_dir(rules_dir);
  try {
    rules = load_rule_dir(rules_path);
  } catch (const RulePackError& e) {
    std::cerr << "mcp-lint: error: invalid rule packs:\n" << e.what() << '\n';
    return kBadRules;
  }

  std::set<std::string> known;
  if (!baseline.empty()) {
    try {
      known = load_baseline(baseline);
    } catch (const BaselineError& e) {
      std::cerr << "mcp-lint: error: " << e.what() << '\n';
      return kBadInput;
    }
  }

  LintOptions opts;
  opts.paths = paths;
  opts.compile_db = compile_db;
  opts.jobs = jobs;
  opts.progress = !quiet && isatty(STDERR_FILENO);
  opts.infer = !no_inference;
  parse_confidence(min_confidence, opts.min_confidence);
  if (!no_cache) opts.cache_dir = cache_dir;
  opts.cache_max_bytes = cache_max_mb << 20;
  opts.changed_since = changed_since;
  opts.max_file_bytes = max_file_bytes;
  LintResult result;
  try {
    result = run_lint(opts, rules);
  } catch (const InputError& e) {
    std::cerr << "mcp-lint: error: " << e.what() << '\n';
    return kBadInput;
  }
  RunSummary summary;
  summary.baseline_matched = apply_baseline(result, known);
  const RuleSet described = with_inferred_rules(rules, result);

  // Main output.
  std::ofstream file_out;
  if (!output.empty() && !open_output(output, file_out)) return kBadInput;
  std::ostream& out = output.empty() ? std::cout : file_out;
  // run_lint repaired the text it reports (frontend/output_text.hpp);
  // `replace` keeps any byte that still slipped through from aborting the run.
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  if (format == "json") {
    out << make_json_report(result, summary).dump(2, ' ', false, kReplace) << '\n';
  } else if (format == "sarif") {
    out << make_sarif(result, described, fs::current_path().string()).dump(2, ' ', false, kReplace) << '\n';
  } else {
    const bool use_color =
        color == "always" || (color == "auto" && output.empty() && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR"));
    write_text(out, result, use_color);
  }
  out.flush();
  if (!out) {
    std::cerr << "mcp-lint: error: failed writing output\n";
    return kBadInput;
  }
  if (!report.empty()) {
    std::ofstream rep;
    if (!open_output(report, rep)) return kBadInput;
    if (fs::path(report).extension() == ".md") write_plan_markdown(rep, result, described);
    else write_plan_html(rep, result, described);
    if (!rep) {
      std::cerr << "mcp-lint: error: " << report << ": failed writing report\n";
      return kBadInput;
    }
  }

  for (const auto& w : result.warnings) std::cerr << "mcp-lint: warning: " << w << '\n';
  for (const auto& p : result.problems)
    if (p.failed) std::cerr << "mcp-lint: error: " << p.message << '\n';
  if (!quiet) {
    std::cerr << "mcp-lint: " << result.units << " translation units, " << result.units_with_errors
              << " with errors (analysed with error recovery), " << result.units_failed << " failed";
    if (result.units_crashed) std::cerr << " (" << result.units_crashed << " crashed)";
    if (result.units_skipped) std::cerr << ", " << result.units_skipped << " skipped (--max-file-size)";
    std::cerr << "; " << result.findings.size() << " findings";
    if (result.suppressed) std::cerr << ", " << result.suppressed << " suppressed";
    if (result.below_confidence) std::cerr << ", " << result.below_confidence << " below --min-confidence";
    if (!baseline.empty()) std::cerr << ", " << summary.baseline_matched << " known from the baseline";
    std::cerr << " (rules: " << rules_path << ")\n";
    if (result.cache_used) {
      const auto& c = result.cache;
      std::cerr << "mcp-lint: cache " << opts.cache_dir << ": " << c.hits << " hits, " << c.misses << " misses ("
                << c.invalidated << " invalidated by a changed file or pack, " << c.corrupt << " unusable entries ignored), "
                << c.stored << " stored, " << c.evicted << " evicted\n";
      for (const auto& n : c.notes) std::cerr << "mcp-lint: cache: " << n << '\n';
    }
    if (!changed_since.empty())
      std::cerr << "mcp-lint: --changed-since " << changed_since << ": " << result.changed_files << " changed files affect "
                << result.units_affected << " of " << result.units << " units; " << result.not_affected
                << " findings outside them not reported\n";
    std::size_t shown = 0;
    const std::size_t with_errors = result.problems.size() - result.units_failed;
    for (const auto& p : result.problems) {
      if (p.failed) continue;  // printed above as errors
      if (++shown > 5) {
        std::cerr << "  ... and " << with_errors - 5 << " more units with errors (see --format json)\n";
        break;
      }
      std::cerr << "  " << p.message << '\n';
    }
  }
  if (result.units > 0 && result.units_failed == result.units) {
    std::cerr << "mcp-lint: error: libclang could not parse any translation unit\n";
    return kParseFailed;
  }
  if (result.units_failed > 0) {
    std::cerr << "mcp-lint: error: " << result.units_failed << " of " << result.units
              << " translation units were not analysed (exit code 5)\n";
    return kNotAnalysed;
  }
  if (fail_on != "none") {
    Severity threshold = Severity::warning;
    parse_severity(fail_on, threshold);
    for (const auto& f : result.findings)
      if (static_cast<int>(f.severity) >= static_cast<int>(threshold)) return kFindings;
  }
  return kOk;
}
