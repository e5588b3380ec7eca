// Skipped preprocessor branches that name a feature (lint/frontend/variant_defines.hpp):
// which macro brings each into a parse, and, end to end on a real libclang
// parse, that what such a branch holds is reported.
#include <gtest/gtest.h>

#include <filesystem>

#include "frontend/variant_defines.hpp"
#include "lint_test_support.hpp"

using namespace lint_test;
using mcp_lint::enabling_macros;
using mcp_lint::variant_defines;
using Macros = std::vector<std::string>;

namespace {

const std::string kSource =
    "#include <string>\n"                  // 1
    "#ifdef HAS_CURL\n"                    // 2
    "void curl_sampling();\n"              // 3
    "#endif\n"                             // 4
    "#ifndef HAS_HTTP\n"                   // 5
    "void stub();\n"                       // 6
    "#else\n"                              // 7
    "void http_sampling();\n"              // 8
    "#endif\n"                             // 9
    "#if defined(USE_A) && defined(USE_B)\n"  // 10
    "#elif VERSION >= 2\n"                 // 11
    "#endif\n"                             // 12
    "#ifdef _WIN32\n"                      // 13
    "#elif defined(WIN32)\n"               // 14
    "#endif\n"                             // 15
    "#if !defined(NO_LOGGING)\n"           // 16
    "#else\n"                              // 17
    "#endif\n"                             // 18
    "#if !defined(PLAIN)\n"                // 19
    "#else\n"                              // 20
    "#endif\n";                            // 21

}  // namespace

TEST(VariantDefines, DefinesTheMacroASkippedBranchWaitsFor) {
  EXPECT_EQ(enabling_macros(kSource, 2), Macros{"HAS_CURL"});               // #ifdef X
  EXPECT_EQ(enabling_macros(kSource, 7), Macros{"HAS_HTTP"});               // #else of #ifndef X
  EXPECT_EQ(enabling_macros(kSource, 10), (Macros{"USE_A", "USE_B"}));     // defined(A) && defined(B)
  EXPECT_EQ(enabling_macros(kSource, 17), Macros{"NO_LOGGING"});            // #else of #if !defined(X)
}

TEST(VariantDefines, LeavesBranchesThatNoDefinitionCanEnable) {
  EXPECT_TRUE(enabling_macros(kSource, 5).empty());   // #ifndef X skipped: X is defined already
  EXPECT_TRUE(enabling_macros(kSource, 11).empty());  // a comparison: defining VERSION proves nothing
  EXPECT_TRUE(enabling_macros(kSource, 13).empty());  // reserved: another platform's headers
  EXPECT_TRUE(enabling_macros(kSource, 14).empty());  // WIN32 too
  EXPECT_TRUE(enabling_macros(kSource, 3).empty());   // not a directive
  EXPECT_TRUE(enabling_macros(kSource, 99).empty());  // past the end
}

TEST(VariantDefines, OnlyBranchesNamingAFeatureAndAtMostFourMacros) {
  auto names_sampling = [](std::string_view text) { return text.find("sampling") != std::string_view::npos; };
  EXPECT_EQ(variant_defines(kSource, {{2, 4}, {7, 9}, {17, 18}}, names_sampling), (Macros{"HAS_CURL", "HAS_HTTP"}));
  EXPECT_EQ(mcp_lint::line_span(kSource, {2, 4}), "#ifdef HAS_CURL\nvoid curl_sampling();\n#endif");
  auto everything = [](std::string_view) { return true; };
  EXPECT_EQ(variant_defines(kSource, {{2, 4}, {7, 9}, {10, 11}, {17, 18}}, everything).size(), 0u)
      << "five macros: configuration-heavy code, no variant";
}

// With the vocabulary users run (rules/features.yaml): a hint word, or three
// of a feature's quoted JSON fields; not one field, not the words unquoted.
TEST(VariantDefines, ABranchNamesAFeatureByItsWordsOrItsQuotedFields) {
  const auto rules = mcp_lint::load_rule_dir(rules_dir());
  auto names = [&](std::string_view text) { return mcp_lint::names_a_feature(text, rules.features); };
  EXPECT_TRUE(names("auto cb = create_sampling_handler(opts);"));
  EXPECT_TRUE(names("send(\"roots/list\");"));
  EXPECT_TRUE(names("r[\"max_tokens\"] = p[\"maxTokens\"]; r[\"stop\"] = p[\"stopSequences\"]; p[\"toolChoice\"];"));
  EXPECT_FALSE(names("r[\"max_tokens\"] = p[\"maxTokens\"];"));
  EXPECT_FALSE(names("int maxTokens = 0, stopSequences = 0, toolChoice = 0;"));
  EXPECT_FALSE(names("curl_easy_setopt(handle, CURLOPT_URL, url.c_str());"));
}

// The end-to-end case: a sampling handler in a branch of an optional
// dependency (fastmcpp's `#ifdef FASTMCPP_HAS_CURL`), whose header is not
// installed. Without the variant parse its lines were never seen.
TEST(VariantDefines, FindingsInABranchTheConfigurationLeftOutAreReported) {
  TempDir tmp;
  tmp.write("handler.cpp",
            "#include <string>\n"
            "#ifdef EXAMPLE_HAS_CURL\n"
            "#include <curl/not_installed_here.h>\n"
            "std::string send(const char* method);\n"
            "std::string ask_model() { return send(\"sampling/createMessage\"); }\n"  // line 5
            "#endif\n"
            "int unrelated() { return 1; }\n");
  auto rules = mcp_lint::load_rule_dir(rules_dir());
  auto result = lint_dir(tmp.path(), rules);
  bool found = false;
  for (const auto& f : result.findings) found = found || (f.line == 5 && f.feature == "sampling");
  EXPECT_TRUE(found) << "the method string inside #ifdef EXAMPLE_HAS_CURL is reported";
}
