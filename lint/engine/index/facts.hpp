#pragma once
// Facts about one translation unit, keyed by USR (libclang's cross-unit
// identity of a declaration), and the project index they merge into. The
// collector (fact_collector.hpp) knows nothing of MCP; the inference
// (engine/inference/) reads the merged index.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace mcp_lint::index {

// A position: an interned absolute file path and a 1-based line.
struct Loc {
  std::uint32_t file = 0;
  unsigned line = 0;
  unsigned column = 0;
  auto operator<=>(const Loc&) const = default;
};

struct FunctionFact {
  std::string usr;
  std::string name;       // spelling ("create_message")
  std::string qualified;  // "mcp::Client::create_message"
  std::string parent_usr; // the class of a method, else empty
  unsigned arity = 0;     // number of parameters
  std::set<Loc> decls;    // every declaration and the definition (name position)
  bool has_body = false;
  Loc body_begin;         // extent of the definition (file, first line)
  unsigned body_end = 0;  // last line of the definition
  std::set<std::string> overrides;   // USRs of the methods this one directly overrides
  std::set<std::string> type_usrs;   // records/enums named by its parameters and return type
  // A lambda (usr "lambda@path:line:col", no name): where the call or braced
  // list it is passed to or listed in starts (a handler's registration), or
  // line 0 when it is not an argument or element.
  bool is_lambda = false;
  Loc registered_at;
};

struct CallFact {
  std::string caller;      // USR of the enclosing function ("" at namespace scope)
  std::string callee;      // USR of the resolved callee, "" when libclang cannot resolve it
  std::string name;        // callee spelling (for unresolved, dependent calls)
  unsigned arity = 0;
  bool returned = false;   // the call is the operand of a return statement (a wrapper's forward)
  std::string initializes; // USR of the variable whose initializer holds the call ("" if none)
  Loc at;
  auto operator<=>(const CallFact&) const = default;
};

// A record (class/struct/union) or an enum.
struct TypeFact {
  std::string usr;
  std::string name;
  std::string qualified;
  std::string parent_name;  // enclosing record's name ("LoggingLevel" for LoggingLevel::Value)
  bool is_enum = false;
  std::set<Loc> decls;
  std::set<std::string> enumerators;       // lower-cased enumerator names
  std::set<std::string> enumerator_usrs;
  std::set<std::string> aliased;  // a typedef/alias: the records/enums its underlying type names
  std::set<Loc> enumerator_decls;  // where each enumerator is declared
  // A class: the records its base classes name, template arguments included
  // (`Builder<SamplingMessage, SamplingMessageBuilder>`).
  std::set<std::string> bases;
};

// A field, variable or parameter declaration.
struct VarFact {
  std::string usr;
  std::string name;
  std::string owner;   // USR of the record (fields) or of the enclosing function
  bool is_field = false;
  bool is_param = false;  // a function's parameter (declared in its signature, not its body)
  std::set<std::string> type_usrs;
  std::set<Loc> decls;
  // A variable's initializer: its string literals (a table of names such as
  // {"debug", "info", ...}; at most 32) and the last line of the declaration.
  std::set<std::string> string_values;
  unsigned last_line = 0;
};

// A reference to a declaration (field, variable, enumerator, function, type) at a position.
struct RefFact {
  std::string target;  // USR
  std::string in_function;
  Loc at;
  auto operator<=>(const RefFact&) const = default;
};

// A string literal that looks like a JSON-RPC method ("tools/call"), by function:
// tells a dispatcher (many methods) from a feature API (one).
// A reference to a const variable holding such a literal counts where it is used.
struct MethodLiteralFact {
  std::string in_function;
  std::string value;
  Loc at;
  auto operator<=>(const MethodLiteralFact&) const = default;
};

// An identifier-like string literal ("messages", "maxTokens"): a JSON key or
// field name candidate, by function and position.
struct KeyLiteralFact {
  std::string in_function;
  Loc at;
  std::string value;  // the key ("maxTokens")
  auto operator<=>(const KeyLiteralFact&) const = default;
};

// The message of an exception a function throws (`throw Error("No sampling
// handler configured")`): its words, lower-cased, letters only, at least 4
// letters each, at most 16. An error naming a feature is the feature's code;
// a log line naming it is the program's own diagnostics and is not kept.
struct ThrownTextFact {
  std::string in_function;
  Loc at;
  std::set<std::string> words;
  auto operator<=>(const ThrownTextFact&) const = default;
};

struct MacroFact {
  std::string name;
  std::set<std::string> identifiers;  // identifiers of the definition's body
  std::set<Loc> definitions;
};

// A namespace (merged by USR): where each of its blocks opens (the name's
// position) and the last line of the block, and where an alias or a using
// directive names it (`namespace s = a::sampling;`, `using namespace a::sampling;`).
struct NamespaceBlock {
  Loc at;
  unsigned last_line = 0;
  auto operator<=>(const NamespaceBlock&) const = default;
};
struct NamespaceFact {
  std::string usr;
  std::string qualified;  // "fastmcpp::client::sampling"
  std::set<NamespaceBlock> blocks;
  std::set<Loc> aliases;
};

// An #include of a project header: the directive's position and the header
// (a position of line 0 in it, so its path is interned like every other).
struct IncludeFact {
  Loc at;
  Loc header;
  auto operator<=>(const IncludeFact&) const = default;
};

// What one unit contributes. Paths are interned per unit in `files`.
struct UnitFacts {
  std::vector<std::string> files;
  std::vector<FunctionFact> functions;
  std::vector<CallFact> calls;
  std::vector<TypeFact> types;
  std::vector<VarFact> vars;
  std::vector<RefFact> refs;
  std::vector<MethodLiteralFact> method_literals;
  std::vector<KeyLiteralFact> key_literals;
  std::vector<ThrownTextFact> thrown_texts;
  std::vector<MacroFact> macros;
  std::vector<std::pair<std::string, Loc>> macro_expansions;  // (macro name, site)
  std::vector<NamespaceFact> namespaces;
  std::vector<IncludeFact> includes;
};

// The whole project: facts of every unit merged by USR (a header seen by many
// units contributes once). Paths are interned project-wide.
class ProjectIndex {
 public:
  void merge(const UnitFacts& unit);
  // The merged facts as one unit's (what two parses of one unit found
  // together, lint_run.cpp's variants): merge(as_unit()) adds nothing new.
  UnitFacts as_unit() const;

  const std::string& path(std::uint32_t file) const { return files_[file]; }
  std::uint32_t intern(const std::string& path);

  std::map<std::string, FunctionFact> functions;
  std::map<std::string, TypeFact> types;
  std::map<std::string, VarFact> vars;
  std::set<CallFact> calls;
  std::set<RefFact> refs;
  std::set<MethodLiteralFact> method_literals;
  std::set<KeyLiteralFact> key_literals;
  std::set<ThrownTextFact> thrown_texts;
  std::map<std::string, MacroFact> macros;
  std::set<std::pair<std::string, Loc>> macro_expansions;
  std::map<std::string, NamespaceFact> namespaces;
  std::set<IncludeFact> includes;

 private:
  std::vector<std::string> files_;
  std::map<std::string, std::uint32_t> file_ids_;
};

}  // namespace mcp_lint::index
