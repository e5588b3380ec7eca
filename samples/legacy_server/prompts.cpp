// Prompts.
#include "client_requests.hpp"
#include "handlers.hpp"
#include "server.hpp"
#include "test_media.hpp"

namespace legacy {
namespace {

json user_text(std::string text) {
  return {{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(text)}}}};
}

json argument(std::string_view name, std::string_view description, bool required) {
  return {{"name", std::string(name)}, {"description", std::string(description)}, {"required", required}};
}

}  // namespace

json list_prompts(const Server& server) {
  json prompts = json::array({
      // prompts-get-simple
      {{"name", "test_simple_prompt"}, {"description", "A simple prompt without arguments"}},
      // prompts-get-with-args, completion-complete
      {{"name", "test_prompt_with_arguments"},
       {"description", "A prompt with two required arguments"},
       {"arguments", json::array({argument("arg1", "First test argument", true),
                                  argument("arg2", "Second test argument", true)})}},
      // prompts-get-embedded-resource
      {{"name", "test_prompt_with_embedded_resource"},
       {"description", "A prompt embedding a resource"},
       {"arguments", json::array({argument("resourceUri", "URI of the resource to embed", true)})}},
      // prompts-get-with-image
      {{"name", "test_prompt_with_image"}, {"description", "A prompt with an image"}},
      // input-required-result-non-tool-request (through a bridge)
      {{"name", "test_input_required_result_prompt"},
       {"description", "Asks the user for context (elicitation/create) while building the prompt"}},
  });
  if (server.dynamic_prompt_enabled())
    prompts.push_back({{"name", "test_dynamic_prompt"},
                       {"description", "Appears and disappears with test_trigger_prompt_change"}});
  return {{"prompts", std::move(prompts)}};
}

asio::awaitable<json> get_prompt(RequestContext& context) {
  std::string name = required_string(context.params, "name", 128);
  static const json kNoArguments = json::object();
  auto it = context.params.find("arguments");
  const json& args = it != context.params.end() && it->is_object() ? *it : kNoArguments;

  if (name == "test_simple_prompt")
    co_return json{{"messages", json::array({user_text("This is a simple prompt for testing.")})}};
  if (name == "test_prompt_with_arguments") {
    std::string arg1 = required_string(args, "arg1");
    std::string arg2 = required_string(args, "arg2");
    co_return json{{"messages",
                    json::array({user_text("Prompt with arguments: arg1='" + arg1 + "', arg2='" + arg2 + "'")})}};
  }
  if (name == "test_prompt_with_embedded_resource") {
    std::string uri = required_string(args, "resourceUri", 2048);
    co_return json{{"messages",
                    json::array({{{"role", "user"},
                                  {"content", {{"type", "resource"},
                                               {"resource", {{"uri", uri},
                                                             {"mimeType", "text/plain"},
                                                             {"text", "Embedded resource content for testing."}}}}}},
                                 user_text("Please process the embedded resource above.")})}};
  }
  if (name == "test_prompt_with_image") {
    co_return json{{"messages",
                    json::array({{{"role", "user"},
                                  {"content", {{"type", "image"}, {"data", kRedPixelPngBase64}, {"mimeType", "image/png"}}}},
                                 user_text("Please analyze the image above.")})}};
  }
  if (name == "test_input_required_result_prompt") {
    json schema = {{"type", "object"},
                   {"properties", {{"context", {{"type", "string"}}}}},
                   {"required", {"context"}}};
    auto answer = co_await elicit(context, "What context should the prompt use?", std::move(schema), "user_context");
    std::string text = "general";
    if (auto c = answer.content.find("context"); c != answer.content.end() && c->is_string())
      text = c->get<std::string>().substr(0, 1024);
    co_return json{{"description", "A prompt built from elicited context"},
                   {"messages", json::array({user_text("Answer using this context: " + text)})}};
  }
  if (name == "test_dynamic_prompt" && context.session.server().dynamic_prompt_enabled())
    co_return json{{"messages", json::array({user_text("This prompt was added at run time.")})}};
  throw McpError(error_code::kInvalidParams, "Unknown prompt: " + name);
}

}  // namespace legacy
