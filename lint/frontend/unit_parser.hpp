#pragma once
// One libclang parse of a unit, as cheap as libclang allows for what the
// linter reads of it.
//
// Nothing of ours looks inside a system header (tu_walker, fact_collector),
// yet parsing and instantiating the bodies of their functions (the standard
// library, nlohmann::json, ...) is most of a unit's parse. libclang skips
// them in one place only: its indexing entry point with
// CXIndexOpt_SkipParsedBodiesInSession ("bodies in system headers are always
// skipped"; bodies whose return type is deduced are still parsed, so the types
// of expressions do not change). That entry point does not honour
// CXTranslationUnit_KeepGoing, though: after a fatal error (an #include not
// found) clang stops analysing, where the ordinary parse goes on. So a unit
// whose #includes are not all found is parsed the ordinary way
// (clang_parseTranslationUnit2 with KeepGoing), and so is any unit the fast
// path fails on: the ordinary parse then says why.
#include <string>
#include <utility>
#include <vector>

#include <clang-c/Index.h>

namespace mcp_lint {

class ParsedUnit {
 public:
  ParsedUnit() = default;
  ParsedUnit(const ParsedUnit&) = delete;
  ParsedUnit& operator=(const ParsedUnit&) = delete;
  ParsedUnit(ParsedUnit&& other) noexcept
      : tu_(std::exchange(other.tu_, nullptr)), action_(std::exchange(other.action_, nullptr)), error_(other.error_) {}
  ~ParsedUnit();

  CXTranslationUnit tu() const { return tu_; }
  // CXError_Success with a unit, else why the ordinary parse gave none.
  CXErrorCode error() const { return error_; }
  // The unit came from the fast path (system headers' bodies skipped).
  bool skipped_system_bodies() const { return action_ != nullptr; }

 private:
  friend ParsedUnit parse_unit_tu(CXIndex, const std::string&, const std::vector<std::string>&, bool);
  CXTranslationUnit tu_ = nullptr;
  CXIndexAction action_ = nullptr;  // the fast path's; outlives its unit, as libclang requires
  CXErrorCode error_ = CXError_Success;
};

// Parses `file` with `args` (KeepGoing, DetailedPreprocessingRecord); the
// fast path first when `fast` (mcp-lint turns it off only in tests that
// compare both paths).
ParsedUnit parse_unit_tu(CXIndex index, const std::string& file, const std::vector<std::string>& args, bool fast = true);

}  // namespace mcp_lint
