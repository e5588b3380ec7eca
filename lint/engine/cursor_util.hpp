#pragma once
// Small helpers over the libclang C API shared by the matcher kinds:
// names, literal values and types as the linter needs to see them.
#include <optional>
#include <string>
#include <vector>

#include <clang-c/Index.h>

namespace mcp_lint {

std::string take(CXString s);  // converts and disposes
std::string cursor_spelling(CXCursor c);

// Fully qualified name of a declaration ("mcp::Client::create_message"):
// inline namespaces (std::__1, nlohmann::json_abi_v3_11_2) and template
// arguments are dropped, anonymous namespaces are skipped.
std::string qualified_name(CXCursor decl);

// The declaration a (member) function call or reference designates, mapped
// from a template specialisation back to its template.
CXCursor resolve_declaration(CXCursor referenced);

// Decodes a literal as libclang spells it ("abc", u8"abc", L"a\"b", R"x(..)x")
// into its value. Returns nullopt for anything that is not a string literal.
std::optional<std::string> decode_string_literal(const std::string& spelling);

// The string value of an expression: a string literal, possibly behind
// implicit conversions, std::string construction or parentheses, or a
// reference to a const/constexpr variable initialised with one.
std::optional<std::string> string_value(CXCursor expr, int depth = 0);

// The string a const/constexpr variable is initialised with, if any.
std::optional<std::string> const_variable_string(CXCursor var_decl);

// Fully qualified names designated by a type: through references, pointers,
// cv-qualifiers, elaborated names, each typedef/alias step, and template
// arguments (std::shared_ptr<mcp::Handler> names mcp::Handler too).
void type_names(CXType t, std::vector<std::string>& out, int depth = 0);

// The method and every method it overrides, transitively, as qualified names.
void method_and_overridden_names(CXCursor method, std::vector<std::string>& out, int depth = 0);

// First child of a cursor (or a null cursor).
CXCursor first_child(CXCursor c);
std::vector<CXCursor> children(CXCursor c);

// File position of a cursor (macro arguments at their spelling, macro bodies
// at the expansion site). Returns false when it has no file (builtins).
struct FilePos {
  CXFile file = nullptr;
  unsigned line = 0;
  unsigned column = 0;
};
bool file_position(CXSourceLocation loc, FilePos& out);

bool is_function_like(CXCursorKind k);

}  // namespace mcp_lint
