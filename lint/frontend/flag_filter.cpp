#include "frontend/flag_filter.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace mcp_lint {

namespace {

constexpr const char* kLoadsCode = "loads code into the parser";
constexpr const char* kWritesFiles = "writes files";
constexpr const char* kModuleCache = "builds clang modules into a module cache, which writes files";
constexpr const char* kNotAParse = "makes the compiler do more than parse";

enum class Match { exact, prefix };

// One row per driver flag. `separate`: an exact match takes the next
// argument as its value. `routine`: every build system emits it for a
// compile step (its outputs), so it is dropped without a warning.
struct FlagRule {
  std::string_view name;
  Match match;
  bool separate;
  bool routine;
  const char* reason;
};

constexpr std::array kDriverFlags{
    FlagRule{"-c", Match::exact, false, true, kNotAParse},
    FlagRule{"-o", Match::exact, true, true, kWritesFiles},
    FlagRule{"-MF", Match::exact, true, true, kWritesFiles},
    FlagRule{"-MT", Match::exact, true, true, kWritesFiles},
    FlagRule{"-MQ", Match::exact, true, true, kWritesFiles},
    FlagRule{"-MD", Match::exact, false, true, kWritesFiles},
    FlagRule{"-MMD", Match::exact, false, true, kWritesFiles},
    FlagRule{"-M", Match::exact, false, true, kWritesFiles},
    FlagRule{"-MM", Match::exact, false, true, kWritesFiles},
    FlagRule{"-MP", Match::exact, false, true, kWritesFiles},
    FlagRule{"-MG", Match::exact, false, true, kWritesFiles},
    FlagRule{"-MV", Match::exact, false, true, kWritesFiles},
    FlagRule{"-MJ", Match::exact, true, false, kWritesFiles},
    FlagRule{"-MF", Match::prefix, false, true, kWritesFiles},
    FlagRule{"-MT", Match::prefix, false, true, kWritesFiles},
    FlagRule{"-MQ", Match::prefix, false, true, kWritesFiles},
    FlagRule{"-MJ", Match::prefix, false, false, kWritesFiles},
    FlagRule{"--serialize-diagnostics", Match::exact, true, false, kWritesFiles},
    FlagRule{"-serialize-diagnostics", Match::exact, true, false, kWritesFiles},
    FlagRule{"-save-temps", Match::exact, false, false, kWritesFiles},
    FlagRule{"-save-temps=", Match::prefix, false, false, kWritesFiles},
    FlagRule{"-ftime-trace", Match::exact, false, false, kWritesFiles},
    FlagRule{"-ftime-trace=", Match::prefix, false, false, kWritesFiles},
    FlagRule{"-fcrash-diagnostics-dir=", Match::prefix, false, false, kWritesFiles},
    FlagRule{"-fmodules", Match::exact, false, false, kModuleCache},
    FlagRule{"-fcxx-modules", Match::exact, false, false, kModuleCache},
    FlagRule{"-fimplicit-modules", Match::exact, false, false, kModuleCache},
    FlagRule{"-fmodules-cache-path=", Match::prefix, false, false, kModuleCache},
    FlagRule{"-fplugin=", Match::prefix, false, false, kLoadsCode},
    FlagRule{"-fpass-plugin=", Match::prefix, false, false, kLoadsCode},
};

// Frontend (cc1) options reached through -Xclang; `separate`: its value is
// the next -Xclang argument.
constexpr std::array kFrontendFlags{
    FlagRule{"-load", Match::exact, true, false, kLoadsCode},
    FlagRule{"-plugin", Match::exact, true, false, kLoadsCode},
    FlagRule{"-add-plugin", Match::exact, true, false, kLoadsCode},
    FlagRule{"-plugin-arg-", Match::prefix, true, false, kLoadsCode},
    FlagRule{"-o", Match::exact, true, false, kWritesFiles},
    FlagRule{"-dependency-file", Match::exact, true, false, kWritesFiles},
    FlagRule{"-dependency-dot", Match::exact, true, false, kWritesFiles},
    FlagRule{"-header-include-file", Match::exact, true, false, kWritesFiles},
    FlagRule{"-serialize-diagnostic-file", Match::exact, true, false, kWritesFiles},
    FlagRule{"-MT", Match::exact, true, false, kWritesFiles},
    FlagRule{"-emit-", Match::prefix, false, false, kNotAParse},
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

template <std::size_t N>
const FlagRule* find_rule(const std::array<FlagRule, N>& table, std::string_view arg) {
  for (const auto& r : table)
    if (r.match == Match::exact ? arg == r.name : starts_with(arg, r.name) && arg.size() > r.name.size()) return &r;
  return nullptr;
}

// -o with its value joined ("-oa.o"), but not the -objcmt-* / -object options.
bool joined_output(std::string_view arg) { return arg.size() > 2 && starts_with(arg, "-o") && !starts_with(arg, "-obj"); }

// -Wp,-MD,deps.d and friends: preprocessor options passed through the driver.
bool preprocessor_dependency_output(std::string_view arg) {
  if (!starts_with(arg, "-Wp,")) return false;
  for (std::size_t at = 3; at != std::string_view::npos; at = arg.find(',', at + 1))
    if (starts_with(arg.substr(at + 1), "-M")) return true;
  return false;
}

bool silent_noise(std::string_view arg) {
  return arg == "-fcolor-diagnostics" || arg == "-fdiagnostics-color" || starts_with(arg, "-fdiagnostics-color=") ||
         arg == "--";
}

// -Xclang X, -Xclang=X and -Xpreprocessor X hand X on to the frontend or the
// preprocessor: how many arguments args[i] starts (1 or 2), 0 when it is none.
std::size_t pass_through_length(const std::vector<std::string>& args, std::size_t i) {
  if (starts_with(args[i], "-Xclang=")) return 1;
  if ((args[i] == "-Xclang" || args[i] == "-Xpreprocessor") && i + 1 < args.size()) return 2;
  return 0;
}

struct DroppedPassThrough : DroppedFlag {
  std::size_t consumed = 0;  // arguments, the option's own value included
};

// The pass-through option at args[i] (pass_through_length(args, i) == n) when
// it is to be dropped. An option taking a value gets it from the next
// pass-through ("-Xclang -load -Xclang x.so"), which is dropped with it.
std::optional<DroppedPassThrough> dropped_pass_through(const std::vector<std::string>& args, std::size_t i, std::size_t n) {
  const bool xclang = args[i] != "-Xpreprocessor";
  const std::string pass = xclang ? "-Xclang" : "-Xpreprocessor";
  const std::string value = n == 1 ? args[i].substr(std::string_view("-Xclang=").size()) : args[i + 1];
  const FlagRule* r = xclang ? find_rule(kFrontendFlags, value) : starts_with(value, "-M") ? find_rule(kDriverFlags, value) : nullptr;
  if (!r) return std::nullopt;
  DroppedPassThrough d;
  d.flag = pass + " " + value;
  d.reason = r->reason;
  d.consumed = n;
  if (const std::size_t next = i + n; r->separate && next < args.size()) {
    if (const std::size_t m = pass_through_length(args, next); m > 0 && (m == 1 ? xclang : args[next] == pass)) {
      for (std::size_t k = next; k < next + m; ++k) d.flag += " " + args[k];
      d.consumed += m;
    }
  }
  return d;
}

}  // namespace

FilteredFlags filter_database_flags(const std::vector<std::string>& args) {
  FilteredFlags out;
  auto drop = [&](std::string text, const char* reason, bool routine) {
    if (!routine) out.dropped.push_back(DroppedFlag{std::move(text), reason});
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (silent_noise(a)) continue;
    if (const FlagRule* r = find_rule(kDriverFlags, a)) {
      std::string text = a;
      if (r->separate && i + 1 < args.size()) text += " " + args[++i];
      drop(std::move(text), r->reason, r->routine);
      continue;
    }
    if (joined_output(a)) {
      drop(a, kWritesFiles, true);
      continue;
    }
    if (preprocessor_dependency_output(a)) {
      drop(a, kWritesFiles, false);
      continue;
    }
    if (const std::size_t n = pass_through_length(args, i)) {
      if (const auto d = dropped_pass_through(args, i, n)) {
        out.dropped.push_back(*d);
        i += d->consumed - 1;
      } else {
        out.kept.insert(out.kept.end(), args.begin() + i, args.begin() + i + n);
        i += n - 1;
      }
      continue;
    }
    out.kept.push_back(a);
  }
  return out;
}

std::string flag_kind(const std::string& dropped_flag) {
  std::string_view f = dropped_flag;
  if (starts_with(f, "-Xclang ") || starts_with(f, "-Xpreprocessor ")) {
    const auto second = f.find(' ', f.find(' ') + 1);
    return std::string(f.substr(0, second));
  }
  if (starts_with(f, "-Xclang=")) return std::string(f.substr(0, f.find(' ')));
  if (const auto eq = f.find('='); eq != std::string_view::npos && eq < f.find(' ')) return std::string(f.substr(0, eq + 1));
  if (starts_with(f, "-Wp,")) return "-Wp,";
  if (const auto sp = f.find(' '); sp != std::string_view::npos) return std::string(f.substr(0, sp));
  if (starts_with(f, "-MJ")) return "-MJ";
  return std::string(f);
}

}  // namespace mcp_lint
