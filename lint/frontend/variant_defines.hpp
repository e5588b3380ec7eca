#pragma once
// Code the preprocessor left out. A unit is parsed with the flags the
// compile database (or the inference) gives it, so a branch such as
// `#ifdef FASTMCPP_HAS_CURL` is skipped whenever the optional dependency was
// not configured, and a sampling handler written inside it is never seen:
// neither its protocol strings nor its calls. When a skipped branch of the
// unit's main file names a feature, the unit is parsed once more with the
// macro that branch is waiting for defined (a "variant"), and what that parse
// finds is added to the unit's own (lint_run.cpp).
//
// Only a macro that was *not* defined can be turned on this way (`#ifdef X`
// or `#if defined(X)` skipped, or the `#else` of `#ifndef X`); a branch that
// needs a macro undefined is left out. Reserved names (`_WIN32`, `__APPLE__`,
// `_MSC_VER`) and the few unreserved platform names are never defined: they
// select another platform's headers, which fail to parse here.
// Pure: source text in, macro names out.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/rule_pack.hpp"

namespace mcp_lint {

// A skipped range as 1-based first and last lines (libclang's skipped ranges
// start at the directive that opens the left-out branch).
using LineRange = std::pair<unsigned, unsigned>;

// At most this many macros per unit: a unit with more variants than that is
// configuration-heavy code, not a feature behind one switch.
inline constexpr std::size_t kMaxVariantDefines = 4;

// The macros to define so that the skipped ranges for which
// `names_feature(text of the range)` is true get parsed, sorted and unique.
// The source is split into lines once, whatever the number of ranges.
std::vector<std::string> variant_defines(std::string_view source, const std::vector<LineRange>& skipped,
                                         const std::function<bool(std::string_view)>& names_feature);

// True when a left-out branch is about a feature: an identifier (or a word of
// a protocol string) carries one of its hint words (`create_sampling_handler`,
// "sampling/createMessage"), or the branch quotes at least
// kFeatureFieldsInBranch distinct JSON fields of its messages (a converter
// reading "maxTokens", "stopSequences", "toolChoice" without naming sampling).
inline constexpr std::size_t kFeatureFieldsInBranch = 3;
bool names_a_feature(std::string_view text, const FeatureCatalog& catalog);

// The text of lines [first, last] of `source` (1-based, inclusive).
std::string_view line_span(std::string_view source, LineRange range);

// The macros a skipped branch starting at `line` waits for: defined, they
// make the branch the one the preprocessor takes (see the header comment).
std::vector<std::string> enabling_macros(std::string_view source, unsigned line);

}  // namespace mcp_lint
