// Resources, the resource template, and the capabilities object.
#include "handlers.hpp"
#include "server.hpp"
#include "test_media.hpp"

#include <regex>

namespace legacy {
namespace {

constexpr std::string_view kStaticTextUri = "test://static-text";
constexpr std::string_view kStaticBinaryUri = "test://static-binary";
constexpr std::string_view kTemplatePrefix = "test://template/";
constexpr std::string_view kTemplateSuffix = "/data";

json watched_resource_contents(const Server& server) {
  return {{"uri", kWatchedResourceUri},
          {"mimeType", "text/plain"},
          {"text", "Watched resource, version " + std::to_string(server.watched_resource_version())}};
}

// test://template/{id}/data with a conservative id alphabet; nullopt otherwise.
std::optional<std::string> template_id(const std::string& uri) {
  if (uri.size() > 256 || uri.rfind(kTemplatePrefix, 0) != 0 || uri.size() <= kTemplatePrefix.size() + kTemplateSuffix.size() ||
      uri.compare(uri.size() - kTemplateSuffix.size(), kTemplateSuffix.size(), kTemplateSuffix) != 0)
    return std::nullopt;
  std::string id = uri.substr(kTemplatePrefix.size(), uri.size() - kTemplatePrefix.size() - kTemplateSuffix.size());
  static const std::regex kIdPattern("[A-Za-z0-9_.-]{1,64}");
  if (!std::regex_match(id, kIdPattern)) return std::nullopt;
  return id;
}

}  // namespace

json server_capabilities() {
  return {{"logging", json::object()},
          {"completions", json::object()},
          {"prompts", {{"listChanged", true}}},
          {"resources", {{"subscribe", true}, {"listChanged", true}}},
          {"tools", {{"listChanged", true}}}, {"tasks", tasks_capability()}};
}

json list_resources(const Server& server) {
  return {{"resources",
           json::array({{{"uri", kStaticTextUri},
                         {"name", "static-text"},
                         {"title", "Static text"},
                         {"description", "A static text resource"},
                         {"mimeType", "text/plain"}},
                        {{"uri", kStaticBinaryUri},
                         {"name", "static-binary"},
                         {"title", "Static binary"},
                         {"description", "A 1x1 PNG image"},
                         {"mimeType", "image/png"}},
                        {{"uri", kWatchedResourceUri},
                         {"name", "watched-resource"},
                         {"title", "Watched resource"},
                         {"description", "Changes with test_trigger_resource_update; subscribe to it"},
                         {"mimeType", "text/plain"}}})}};
}

json list_resource_templates() {
  return {{"resourceTemplates",
           json::array({{{"uriTemplate", "test://template/{id}/data"},
                         {"name", "template-data"},
                         {"title", "Data by id"},
                         {"description", "JSON data for the given id"},
                         {"mimeType", "application/json"}}})}};
}

bool resource_exists(const Server&, const std::string& uri) {
  return uri == kStaticTextUri || uri == kStaticBinaryUri || uri == kWatchedResourceUri ||
         template_id(uri).has_value();
}

json read_resource(const Server& server, const json& params) {
  std::string uri = required_string(params, "uri", 2048);
  json contents;
  if (uri == kStaticTextUri) {
    contents = {{"uri", uri}, {"mimeType", "text/plain"}, {"text", "This is the content of the static text resource."}};
  } else if (uri == kStaticBinaryUri) {
    contents = {{"uri", uri}, {"mimeType", "image/png"}, {"blob", kRedPixelPngBase64}};
  } else if (uri == kWatchedResourceUri) {
    contents = watched_resource_contents(server);
  } else if (auto id = template_id(uri)) {
    json data = {{"id", *id}, {"templateTest", true}, {"data", "Data for ID: " + *id}};
    contents = {{"uri", uri}, {"mimeType", "application/json"}, {"text", data.dump()}};
  } else {
    // The 2025-11-25 convention; 2026-07-28 (SEP-2164) moved to -32602.
    throw McpError(error_code::kResourceNotFound, "Resource not found", {{"uri", uri}});
  }
  return {{"contents", json::array({std::move(contents)})}};
}

}  // namespace legacy
