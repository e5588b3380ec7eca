// completion/complete for prompt arguments and the resource template.
#include "handlers.hpp"

#include <vector>

namespace legacy {
namespace {

const std::vector<std::string>& candidates(const std::string& ref_type, const std::string& ref_name,
                                           const std::string& argument) {
  static const std::vector<std::string> kNone;
  static const std::vector<std::string> kArg1 = {"paris", "park", "party", "test", "testValue1", "testing"};
  static const std::vector<std::string> kArg2 = {"world", "wonder", "testValue2"};
  static const std::vector<std::string> kIds = {"1", "2", "3", "42", "123"};
  if (ref_type == "ref/prompt" && ref_name == "test_prompt_with_arguments") {
    if (argument == "arg1") return kArg1;
    if (argument == "arg2") return kArg2;
  }
  if (ref_type == "ref/resource" && ref_name == "test://template/{id}/data" && argument == "id") return kIds;
  return kNone;
}

}  // namespace

json complete(const json& params) {
  auto ref = params.find("ref");
  auto arg = params.find("argument");
  if (ref == params.end() || !ref->is_object() || arg == params.end() || !arg->is_object())
    throw McpError(error_code::kInvalidParams, "completion/complete needs ref and argument objects");
  std::string type = ref->value("type", "");
  std::string name = type == "ref/resource" ? ref->value("uri", "") : ref->value("name", "");
  std::string argument = required_string(*arg, "name", 256);
  std::string prefix = arg->contains("value") && (*arg)["value"].is_string() ? (*arg)["value"].get<std::string>() : "";
  if (type != "ref/prompt" && type != "ref/resource")
    throw McpError(error_code::kInvalidParams, "Unknown completion reference type");

  json values = json::array();
  for (const auto& candidate : candidates(type, name, argument))
    if (candidate.rfind(prefix, 0) == 0) values.push_back(candidate);
  std::size_t total = values.size();
  return {{"completion", {{"values", std::move(values)}, {"total", total}, {"hasMore", false}}}};
}

}  // namespace legacy
