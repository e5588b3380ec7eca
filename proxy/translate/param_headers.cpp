#include "translate/param_headers.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "translate/header_value.hpp"

namespace mcp::translate {
namespace {

constexpr int kMaxDepth = 16;  // hostile schemas: bound the walk

void collect(const json& schema, std::vector<std::string>& path, std::vector<HeaderParam>& out, int depth) {
  if (depth > kMaxDepth || !schema.is_object()) return;
  auto props = schema.find("properties");
  if (props == schema.end() || !props->is_object()) return;
  for (const auto& [name, sub] : props->items()) {
    if (!sub.is_object()) continue;
    path.push_back(name);
    if (auto h = sub.find("x-mcp-header"); h != sub.end() && h->is_string()) {
      std::string type = sub.contains("type") && sub["type"].is_string() ? sub["type"].get<std::string>() : "";
      out.push_back(HeaderParam{h->get<std::string>(), path, std::move(type)});
    }
    collect(sub, path, out, depth + 1);
    path.pop_back();
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string dotted(const std::vector<std::string>& path) {
  std::string s = "arguments";
  for (const auto& p : path) s += "." + p;
  return s;
}

const json* value_at(const json& arguments, const std::vector<std::string>& path) {
  const json* cur = &arguments;
  for (const auto& key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s.front())) ||
      std::isspace(static_cast<unsigned char>(s.back())))
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// True when the decoded header text represents `body`.
bool matches(const std::string& header, const json& body) {
  if (body.is_string()) return header == body.get_ref<const std::string&>();
  if (body.is_boolean()) return header == (body.get<bool>() ? "true" : "false");
  if (body.is_number()) {
    auto h = parse_number(header);
    return h && *h == body.get<double>();
  }
  return false;  // objects/arrays cannot be mirrored into a header
}

}  // namespace

std::vector<HeaderParam> header_params(const json& input_schema) {
  std::vector<HeaderParam> out;
  std::vector<std::string> path;
  collect(input_schema, path, out, 0);
  return out;
}

std::optional<std::string> validate_param_headers(const json& tool, const json& arguments,
                                                  const std::map<std::string, std::string>& headers) {
  if (!tool.is_object() || !tool.contains("inputSchema")) return std::nullopt;
  const json empty = json::object();
  const json& args = arguments.is_object() ? arguments : empty;
  for (const auto& param : header_params(tool["inputSchema"])) {
    const std::string header = "Mcp-Param-" + param.header_name;
    const json* body = value_at(args, param.path);
    const bool in_body = body != nullptr && !body->is_null();
    auto h = headers.find(lower(param.header_name));
    if (!in_body) {
      if (h != headers.end())
        return "Header mismatch: " + header + " is present but " + dotted(param.path) + " is not in the request body";
      continue;
    }
    if (h == headers.end())
      return "Header mismatch: " + header + " header is missing but " + dotted(param.path) +
             " is present in the request body";
    auto decoded = decode_header_value(h->second);
    if (!decoded)
      return "Header mismatch: " + header + " header value has invalid characters or invalid Base64 encoding";
    if (!matches(*decoded, *body))
      return "Header mismatch: " + header + " header value does not match " + dotted(param.path) +
             " in the request body";
  }
  return std::nullopt;
}

}  // namespace mcp::translate
