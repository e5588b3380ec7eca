#include "frontend/compile_db_check.hpp"

#include "frontend/source_scan.hpp"

namespace mcp_lint {

namespace {

// The problem with one entry, or empty.
std::string entry_problem(const nlohmann::json& e) {
  if (!e.is_object()) return std::string("a JSON ") + e.type_name() + ", not an object";
  for (const char* key : {"directory", "file"}) {
    const auto it = e.find(key);
    if (it == e.end()) return std::string("no \"") + key + "\"";
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
      return std::string("\"") + key + "\" is not a non-empty string";
  }
  if (const auto it = e.find("output"); it != e.end() && !it->is_string()) return "\"output\" is not a string";
  std::size_t bytes = 0;
  if (const auto args = e.find("arguments"); args != e.end()) {
    if (!args->is_array() || args->empty()) return "\"arguments\" is not a non-empty array of strings";
    for (std::size_t i = 0; i < args->size(); ++i) {
      const auto& a = (*args)[i];
      if (!a.is_string()) return "\"arguments\"[" + std::to_string(i) + "] is a JSON " + a.type_name() + ", not a string";
      bytes += a.get_ref<const std::string&>().size() + 1;
    }
  } else if (const auto cmd = e.find("command"); cmd != e.end()) {
    if (!cmd->is_string()) return "\"command\" is not a string";
    bytes = cmd->get_ref<const std::string&>().size();
  } else {
    return "neither \"arguments\" nor \"command\"";
  }
  if (bytes > kMaxCommandBytes)
    return "a command line of " + std::to_string(bytes) + " bytes, longer than any command a build can run (" +
           std::to_string(kMaxCommandBytes >> 20) + " MiB, Linux's ARG_MAX)";
  return {};
}

}  // namespace

void check_compile_database(const nlohmann::json& db, const std::string& json_path) {
  if (!db.is_array()) throw InputError(json_path + ": compile database must be a JSON array");
  for (std::size_t i = 0; i < db.size(); ++i)
    if (auto problem = entry_problem(db[i]); !problem.empty())
      throw InputError(json_path + ": broken compile database: entry [" + std::to_string(i) + "]: " + problem);
}

}  // namespace mcp_lint
