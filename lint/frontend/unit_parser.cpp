#include "frontend/unit_parser.hpp"

namespace mcp_lint {

namespace {

// KeepGoing: a missing header or an unknown type does not stop the parse, so
// code whose dependencies are not installed is still analysed.
// DetailedPreprocessingRecord: macro definitions/expansions become cursors.
constexpr unsigned kFlags = CXTranslationUnit_KeepGoing | CXTranslationUnit_DetailedPreprocessingRecord;

// Watches the fast path: an #include not found aborts it at the next
// top-level declaration (libclang asks abortQuery there), so a unit that is
// parsed again the ordinary way costs little twice.
struct FastPathWatch {
  bool include_not_found = false;
};

CXIdxClientFile on_include(CXClientData data, const CXIdxIncludedFileInfo* info) {
  if (!info->file) static_cast<FastPathWatch*>(data)->include_not_found = true;
  return nullptr;
}

int should_abort(CXClientData data, void*) { return static_cast<FastPathWatch*>(data)->include_not_found ? 1 : 0; }

bool has_fatal_diagnostic(CXTranslationUnit tu) {
  const unsigned n = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < n; ++i) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    const bool fatal = clang_getDiagnosticSeverity(d) == CXDiagnostic_Fatal;
    clang_disposeDiagnostic(d);
    if (fatal) return true;
  }
  return false;
}

}  // namespace

ParsedUnit::~ParsedUnit() {
  if (tu_) clang_disposeTranslationUnit(tu_);
  if (action_) clang_IndexAction_dispose(action_);
}

ParsedUnit parse_unit_tu(CXIndex index, const std::string& file, const std::vector<std::string>& args, bool fast) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  ParsedUnit out;
  if (fast) {
    // A fresh action per unit: a shared one would also skip the bodies of
    // project headers an earlier unit parsed, and what a unit yields would
    // depend on the order of the units.
    CXIndexAction action = clang_IndexAction_create(index);
    FastPathWatch watch;
    IndexerCallbacks callbacks{};
    callbacks.abortQuery = should_abort;
    callbacks.ppIncludedFile = on_include;
    CXTranslationUnit tu = nullptr;
    const int rc = clang_indexSourceFile(action, &watch, &callbacks, sizeof callbacks, CXIndexOpt_SkipParsedBodiesInSession,
                                         file.c_str(), argv.data(), static_cast<int>(argv.size()), nullptr, 0, &tu, kFlags);
    if (rc == 0 && tu && !watch.include_not_found && !has_fatal_diagnostic(tu)) {
      out.tu_ = tu;
      out.action_ = action;
      return out;
    }
    if (tu) clang_disposeTranslationUnit(tu);
    clang_IndexAction_dispose(action);
  }
  out.error_ = clang_parseTranslationUnit2(index, file.c_str(), argv.data(), static_cast<int>(argv.size()), nullptr, 0,
                                           kFlags, &out.tu_);
  if (out.error_ == CXError_Success && !out.tu_) out.error_ = CXError_Failure;
  return out;
}

}  // namespace mcp_lint
