// frontend/unit_parser: the fast path (system headers' function bodies
// skipped) yields the same project code as the ordinary parse, and a unit
// whose #includes are not all found is parsed the ordinary way (KeepGoing).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <clang-c/Index.h>

#include "engine/cursor_util.hpp"
#include "frontend/compile_units.hpp"
#include "frontend/unit_parser.hpp"
#include "lint_test_support.hpp"

namespace {

using namespace mcp_lint;
using lint_test::TempDir;

struct Dump {
  std::vector<std::string> project;  // "file:line:column kind spelling" of every cursor in a file outside system headers
  std::size_t system = 0;            // cursors in system headers
};

Dump dump(CXTranslationUnit tu) {
  Dump d;
  clang_visitChildren(
      clang_getTranslationUnitCursor(tu),
      [](CXCursor c, CXCursor, CXClientData data) {
        auto& d = *static_cast<Dump*>(data);
        const CXSourceLocation loc = clang_getCursorLocation(c);
        if (clang_Location_isInSystemHeader(loc)) {
          ++d.system;
          return CXChildVisit_Recurse;
        }
        CXFile file = nullptr;
        unsigned line = 0, column = 0;
        clang_getSpellingLocation(loc, &file, &line, &column, nullptr);
        if (!file) return CXChildVisit_Recurse;  // implicit code (of system bodies too): no place of ours
        d.project.push_back(take(clang_getFileName(file)) + ":" + std::to_string(line) + ":" + std::to_string(column) + " " +
                            take(clang_getCursorKindSpelling(clang_getCursorKind(c))) + " " +
                            take(clang_getCursorSpelling(c)));
        return CXChildVisit_Recurse;
      },
      &d);
  return d;
}

struct Parses {
  Dump fast, ordinary;
  bool fast_path_taken = false;
};

Parses both_ways(const std::string& file) {
  const auto args = inferred_args({});
  CXIndex idx = clang_createIndex(0, 0);
  Parses p;
  {
    const ParsedUnit fast = parse_unit_tu(idx, file, args);
    EXPECT_EQ(fast.error(), CXError_Success);
    p.fast_path_taken = fast.skipped_system_bodies();
    if (fast.tu()) p.fast = dump(fast.tu());
    const ParsedUnit ordinary = parse_unit_tu(idx, file, args, /*fast=*/false);
    EXPECT_EQ(ordinary.error(), CXError_Success);
    EXPECT_FALSE(ordinary.skipped_system_bodies());
    if (ordinary.tu()) p.ordinary = dump(ordinary.tu());
  }
  clang_disposeIndex(idx);
  return p;
}

TEST(UnitParser, FastPathSkipsOnlyTheBodiesOfSystemHeaders) {
  TempDir tmp;
  tmp.write("helper.hpp", R"(#pragma once
#include <map>
#include <string>
inline std::string level_name(int l) {
  std::map<int, std::string> names{{0, "debug"}, {1, "info"}};
  auto it = names.find(l);
  return it == names.end() ? "unknown" : it->second;
}
template <class T> auto twice(T t) { return t + t; }
)");
  const std::string unit = tmp.write("unit.cpp", R"(#include <vector>
#include "helper.hpp"
int count_levels(const std::vector<int>& ls) {
  int n = 0;
  for (int l : ls) n += level_name(l).size() + twice(l);
  return n;
}
)");
  const Parses p = both_ways(unit);
  EXPECT_TRUE(p.fast_path_taken);
  ASSERT_FALSE(p.ordinary.project.empty());
  EXPECT_EQ(p.fast.project, p.ordinary.project);  // the project's code, bodies included, unchanged
  EXPECT_LT(p.fast.system, p.ordinary.system);    // what the fast path saves
}

// The indexing entry point has no KeepGoing: after an #include not found it
// would stop analysing. The unit is parsed the ordinary way instead, and the
// code after the missing header is still seen.
TEST(UnitParser, AnIncludeNotFoundFallsBackToTheOrdinaryParse) {
  TempDir tmp;
  const std::string unit = tmp.write("unit.cpp", R"(#include <string>
#include "not_installed/dependency.h"
template <class T> struct Box { T value; std::string name() const { return "box"; } };
std::string roots_of(const Box<int>& b) { return b.name(); }
)");
  const Parses p = both_ways(unit);
  EXPECT_FALSE(p.fast_path_taken);
  EXPECT_EQ(p.fast.project, p.ordinary.project);
  EXPECT_TRUE(std::find(p.fast.project.begin(), p.fast.project.end(), unit + ":4:13 FunctionDecl roots_of") != p.fast.project.end());
}

}  // namespace
