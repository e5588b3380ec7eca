// The tools. Each conformance-suite scenario checks exact names, argument
// names and result shapes, so the comment above each tool names the
// scenario it serves.
#include "client_requests.hpp"
#include "handlers.hpp"
#include "server.hpp"
#include "test_media.hpp"

#include <functional>
#include <vector>

namespace legacy {
namespace {

using namespace std::chrono_literals;

struct ToolCall {
  RequestContext& context;
  const json& arguments;
  Session& session() { return context.session; }
  Outbound& stream() { return *context.stream; }
};

using ToolHandler = std::function<asio::awaitable<json>(ToolCall&)>;

struct Tool {
  std::string name;
  std::string description;
  json input_schema;
  ToolHandler handler;
};

json no_arguments() { return {{"type", "object"}, {"properties", json::object()}}; }

json string_argument(std::string_view name, std::string_view description) {
  return {{"type", "object"},
          {"properties", {{std::string(name), {{"type", "string"}, {"description", std::string(description)}}}}},
          {"required", {std::string(name)}}};
}

json text_result(std::string text) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})}};
}

json name_schema(std::string_view property) {
  return {{"type", "object"},
          {"properties", {{std::string(property), {{"type", "string"}}}}},
          {"required", {std::string(property)}}};
}

json confirm_schema() {
  return {{"type", "object"}, {"properties", {{"ok", {{"type", "boolean"}}}}}, {"required", {"ok"}}};
}

std::string string_field(const json& content, std::string_view key, std::string fallback) {
  auto it = content.find(key);
  if (it == content.end() || !it->is_string()) return fallback;
  return it->get<std::string>().substr(0, 256);
}

// tools-call-with-logging / sep-2575 no-log check: three info messages, ~50 ms apart.
asio::awaitable<json> log_three_messages(ToolCall& call, std::string_view logger) {
  call.session().send_log_message("info", logger, "Tool execution started", &call.stream());
  co_await sleep_for(50ms);
  call.session().send_log_message("info", logger, "Tool processing data", &call.stream());
  co_await sleep_for(50ms);
  call.session().send_log_message("info", logger, "Tool execution completed", &call.stream());
  co_return text_result("Tool with logging executed successfully");
}

// The JSON Schema 2020-12 document the json-schema-2020-12 scenario expects verbatim.
json json_schema_2020_12_input_schema() {
  return json::parse(R"JSON({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {"address": {"$anchor": "addressDef", "type": "object",
              "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
    "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"},
                   "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                   "phone": {"type": "string"}, "email": {"type": "string"}},
    "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then": {"required": ["phone"]},
    "else": {"required": ["email"]},
    "additionalProperties": false
  })JSON");
}

json sep1034_schema() {
  return json::parse(R"JSON({
    "type": "object",
    "properties": {
      "name": {"type": "string", "description": "Your name", "default": "John Doe"},
      "age": {"type": "integer", "description": "Your age", "default": 30},
      "score": {"type": "number", "description": "Your score", "default": 95.5},
      "status": {"type": "string", "description": "Account status",
                 "enum": ["active", "inactive", "pending"], "default": "active"},
      "verified": {"type": "boolean", "description": "Verified account", "default": true}
    }
  })JSON");
}

json sep1330_schema() {
  return json::parse(R"JSON({
    "type": "object",
    "properties": {
      "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
      "titledSingle": {"type": "string", "oneOf": [
        {"const": "value1", "title": "First Option"},
        {"const": "value2", "title": "Second Option"},
        {"const": "value3", "title": "Third Option"}]},
      "legacyEnum": {"type": "string", "enum": ["opt1", "opt2", "opt3"],
                     "enumNames": ["Option One", "Option Two", "Option Three"]},
      "untitledMulti": {"type": "array", "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
      "titledMulti": {"type": "array", "items": {"anyOf": [
        {"const": "value1", "title": "First Choice"},
        {"const": "value2", "title": "Second Choice"},
        {"const": "value3", "title": "Third Choice"}]}}
    }
  })JSON");
}

// SEP-2243: parameters mirrored into Mcp-Param-* headers by 2026-07-28 clients.
json custom_headers_schema() {
  return json::parse(R"JSON({
    "type": "object",
    "properties": {
      "region": {"type": "string", "description": "Deployment region", "x-mcp-header": "Region"},
      "priority": {"type": "integer", "description": "Request priority", "x-mcp-header": "Priority"},
      "query": {"type": "string", "description": "Free-form query (not mirrored)"}
    },
    "required": ["region"]
  })JSON");
}

std::string roots_summary(const json& roots) {
  std::string text;
  for (const auto& root : roots) {
    if (!text.empty()) text += ", ";
    text += root["uri"].get<std::string>().substr(0, 512);
  }
  return text.empty() ? "(none)" : text;
}

const std::vector<Tool>& static_tools() {
  static const std::vector<Tool> tools = {
      // tools-call-simple-text
      {"test_simple_text", "Returns a simple text response", no_arguments(),
       [](ToolCall&) -> asio::awaitable<json> {
         co_return text_result("This is a simple text response for testing.");
       }},
      // tools-call-image
      {"test_image_content", "Returns a 1x1 PNG image", no_arguments(),
       [](ToolCall&) -> asio::awaitable<json> {
         co_return json{{"content", json::array({{{"type", "image"}, {"data", kRedPixelPngBase64}, {"mimeType", "image/png"}}})}};
       }},
      // tools-call-audio
      {"test_audio_content", "Returns a short WAV clip", no_arguments(),
       [](ToolCall&) -> asio::awaitable<json> {
         co_return json{{"content", json::array({{{"type", "audio"}, {"data", kSilenceWavBase64}, {"mimeType", "audio/wav"}}})}};
       }},
      // tools-call-embedded-resource
      {"test_embedded_resource", "Returns an embedded text resource", no_arguments(),
       [](ToolCall&) -> asio::awaitable<json> {
         co_return json{{"content", json::array({{{"type", "resource"},
                                                  {"resource", {{"uri", "test://embedded-resource"},
                                                                {"mimeType", "text/plain"},
                                                                {"text", "This is an embedded resource content."}}}}})}};
       }},
      // tools-call-mixed-content
      {"test_multiple_content_types", "Returns text, image and resource content", no_arguments(),
       [](ToolCall&) -> asio::awaitable<json> {
         co_return json{{"content", json::array({{{"type", "text"}, {"text", "Multiple content types test:"}},
                                                 {{"type", "image"}, {"data", kRedPixelPngBase64}, {"mimeType", "image/png"}},
                                                 {{"type", "resource"},
                                                  {"resource", {{"uri", "test://mixed-content-resource"},
                                                                {"mimeType", "application/json"},
                                                                {"text", R"({"test":"data","value":123})"}}}}})}};
       }},
      // tools-call-with-logging
      {"test_tool_with_logging", "Sends three log messages while it runs", no_arguments(),
       [](ToolCall& call) { return log_three_messages(call, "test_tool_with_logging"); }},
      // 2026-07-28 server-stateless (no log without logLevel), through a bridge
      {"test_logging_tool", "Sends log messages while it runs", no_arguments(),
       [](ToolCall& call) { return log_three_messages(call, "test_logging_tool"); }},
      // tools-call-error
      {"test_error_handling", "Always fails with a tool error", no_arguments(),
       [](ToolCall&) -> asio::awaitable<json> {
         json result = text_result("This tool intentionally returns an error for testing");
         result["isError"] = true;
         co_return result;
       }},
      // tools-call-with-progress
      {"test_tool_with_progress", "Reports progress 0, 50, 100 of 100", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         call.session().send_progress(call.context, 0, 100, "Started");
         co_await sleep_for(50ms);
         call.session().send_progress(call.context, 50, 100, "Halfway");
         co_await sleep_for(50ms);
         call.session().send_progress(call.context, 100, 100, "Done");
         co_return text_result("Progress tool completed");
       }},
      // tools-call-sampling
      {"test_sampling", "Asks the client's LLM (sampling/createMessage)",
       string_argument("prompt", "The prompt to send to the LLM"),
       [](ToolCall& call) -> asio::awaitable<json> {
         std::string prompt = required_string(call.arguments, "prompt");
         std::string reply = co_await create_message(call.context, prompt, 100);
         co_return text_result("LLM response: " + reply);
       }},
      // tools-call-elicitation
      {"test_elicitation", "Asks the user for a username and email (elicitation/create)",
       string_argument("message", "The message to show the user"),
       [](ToolCall& call) -> asio::awaitable<json> {
         std::string message = required_string(call.arguments, "message");
         json schema = json::parse(R"JSON({"type": "object", "properties": {
               "username": {"type": "string", "description": "User's response"},
               "email": {"type": "string", "description": "User's email address"}},
               "required": ["username", "email"]})JSON");
         auto answer = co_await elicit(call.context, message, std::move(schema));
         co_return text_result("User response: action=" + answer.action + ", content=" + to_wire(answer.content));
       }},
      // elicitation-sep1034-defaults
      {"test_elicitation_sep1034_defaults", "Elicitation with a default for every primitive type",
       no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         auto answer = co_await elicit(call.context, "Please review and update the form fields with defaults",
                                       sep1034_schema());
         co_return text_result("Elicitation completed: action=" + answer.action + ", content=" + to_wire(answer.content));
       }},
      // elicitation-sep1330-enums
      {"test_elicitation_sep1330_enums", "Elicitation with all five enum schema variants", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         auto answer = co_await elicit(call.context, "Please select options from the enum fields", sep1330_schema());
         co_return text_result("Elicitation completed: action=" + answer.action + ", content=" + to_wire(answer.content));
       }},
      // json-schema-2020-12
      {"json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features", json_schema_2020_12_input_schema(),
       [](ToolCall& call) -> asio::awaitable<json> {
         co_return text_result("Received: " + to_wire(call.arguments).substr(0, 1024));
       }},
      // server-sse-polling (SEP-1699): closes its SSE stream mid-call, the
      // result is delivered when the client resumes with Last-Event-ID.
      {"test_reconnection", "Closes its SSE stream mid-call to test resumption", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         call.stream().close_stream();
         co_await sleep_for(100ms);
         co_return text_result("Reconnection test completed");
       }},
      // input-required-result-basic-elicitation, -missing-input-response,
      // -result-type, -ignore-extra-params, -validate-input (through a bridge)
      {"test_input_required_result_elicitation", "Asks the user's name (elicitation/create)", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         auto answer = co_await elicit(call.context, "What is your name?", name_schema("name"), "user_name");
         co_return text_result("Hello, " + string_field(answer.content, "name", "stranger") + "!");
       }},
      // input-required-result-basic-sampling
      {"test_input_required_result_sampling", "Asks the client's LLM a question (sampling/createMessage)",
       no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         std::string reply = co_await create_message(call.context, "What is the capital of France?", 100, "capital_question");
         co_return text_result("Sampling response: " + reply);
       }},
      // input-required-result-basic-list-roots
      {"test_input_required_result_list_roots", "Lists the client's roots (roots/list)", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         json roots = co_await list_roots(call.context, "client_roots");
         co_return text_result("Client roots: " + roots_summary(roots));
       }},
      // input-required-result-request-state
      {"test_input_required_result_request_state", "Asks for a confirmation (elicitation/create)",
       no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         auto answer = co_await elicit(call.context, "Please confirm", confirm_schema(), "confirm");
         bool ok = answer.content.contains("ok") && answer.content["ok"] == true;
         co_return text_result(std::string("state-ok: confirmation ") + (ok ? "given" : "not given"));
       }},
      // input-required-result-multiple-input-requests: the three requests go
      // out together, so a bridge sees all of them in one round.
      {"test_input_required_result_multiple_inputs", "Elicitation, sampling and roots/list at once",
       no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         // All three go out before any answer is awaited (answers may come
         // back in any order); a missing capability fails before anything is sent.
         for (auto capability : {"elicitation", "sampling", "roots"})
           require_client_capability(call.session(), capability);
         auto name_call = start_elicitation(call.context, "What is your name?", name_schema("name"), "user_name");
         auto greeting_call = start_create_message(call.context, "Generate a greeting", 50, "greeting");
         auto roots_call = start_list_roots(call.context, "client_roots");
         json name_result = co_await name_call.result();
         auto answer = read_elicitation(name_result);
         json greeting_result = co_await greeting_call.result();
         std::string greeting = read_create_message(greeting_result);
         json roots_result = co_await roots_call.result();
         json roots = read_list_roots(roots_result);
         co_return text_result("Name: " + string_field(answer.content, "name", "stranger") +
                               "; greeting: " + greeting + "; roots: " + roots_summary(roots));
       }},
      // input-required-result-multi-round: two elicitations, one after the other.
      {"test_input_required_result_multi_round", "Asks two questions in sequence", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         auto first = co_await elicit(call.context, "Step 1: What is your name?", name_schema("name"), "step1");
         auto second = co_await elicit(call.context, "Step 2: What is your favorite color?", name_schema("color"), "step2");
         co_return text_result(string_field(first.content, "name", "someone") + "'s favorite color is " +
                               string_field(second.content, "color", "unknown"));
       }},
      // input-required-result-tampered-state (the bridge signs requestState)
      {"test_input_required_result_tampered_state", "Asks for a confirmation (elicitation/create)",
       no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         auto answer = co_await elicit(call.context, "Please confirm", confirm_schema(), "confirm");
         bool ok = answer.content.contains("ok") && answer.content["ok"] == true;
         co_return text_result(std::string("Confirmed: ") + (ok ? "true" : "false"));
       }},
      // input-required-result-capability-check: only asks through a
      // capability the client declared.
      {"test_input_required_result_capabilities", "Uses whichever client capability is declared",
       no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         if (call.session().client_supports("elicitation")) {
           auto answer = co_await elicit(call.context, "What is your name?", name_schema("name"));
           co_return text_result("Hello, " + string_field(answer.content, "name", "stranger") + "!");
         }
         if (call.session().client_supports("sampling")) {
           std::string reply = co_await create_message(call.context, "Say hello", 50);
           co_return text_result("Sampling response: " + reply);
         }
         if (call.session().client_supports("roots")) {
           json roots = co_await list_roots(call.context);
           co_return text_result("Client roots: " + roots_summary(roots));
         }
         co_return text_result("The client declared no elicitation, sampling or roots capability");
       }},
      // 2026-07-28 server-stateless: needs sampling, rejects clients without it.
      {"test_missing_capability", "Requires the client's sampling capability", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         std::string reply = co_await create_message(call.context, "Reply with OK", 10);
         co_return text_result("Sampling response: " + reply);
       }},
      // 2026-07-28 server-stateless: elicitation sent on the request's own stream.
      {"test_streaming_elicitation", "Sends an elicitation request mid-call", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         auto answer = co_await elicit(call.context, "Please confirm to continue", confirm_schema());
         co_return text_result("Streaming elicitation completed: action=" + answer.action);
       }},
      // 2026-07-28 server-stateless list-changed checks.
      {"test_trigger_tool_change", "Adds or removes test_dynamic_tool (tools/list_changed)", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         bool enabled = call.session().server().toggle_dynamic_tool();
         call.session().server().broadcast(make_notification(method::kToolsListChanged, nullptr));
         co_return text_result(std::string("test_dynamic_tool is now ") + (enabled ? "listed" : "removed"));
       }},
      {"test_trigger_prompt_change", "Adds or removes test_dynamic_prompt (prompts/list_changed)",
       no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         bool enabled = call.session().server().toggle_dynamic_prompt();
         call.session().server().broadcast(make_notification(method::kPromptsListChanged, nullptr));
         co_return text_result(std::string("test_dynamic_prompt is now ") + (enabled ? "listed" : "removed"));
       }},
      // resources-subscribe: changes test://watched-resource, subscribers get
      // notifications/resources/updated.
      {"test_trigger_resource_update", "Changes test://watched-resource (resources/updated)", no_arguments(),
       [](ToolCall& call) -> asio::awaitable<json> {
         call.session().server().bump_watched_resource();
         call.session().server().notify_resource_updated(std::string(kWatchedResourceUri));
         co_return text_result("test://watched-resource updated to version " +
                               std::to_string(call.session().server().watched_resource_version()));
       }},
      // http-custom-header-server-validation (2026-07-28, through a bridge)
      {"test_custom_headers", "Echoes arguments that clients mirror into Mcp-Param-* headers",
       custom_headers_schema(),
       [](ToolCall& call) -> asio::awaitable<json> {
         std::string region = required_string(call.arguments, "region", 1024);
         co_return text_result("region=" + region + ", arguments=" + to_wire(call.arguments).substr(0, 2048));
       }},
  };
  return tools;
}

// Listed only after test_trigger_tool_change.
const Tool& dynamic_tool() {
  static const Tool tool{"test_dynamic_tool", "Appears and disappears with test_trigger_tool_change",
                         no_arguments(), [](ToolCall&) -> asio::awaitable<json> {
                           co_return text_result("Dynamic tool called");
                         }};
  return tool;
}

json describe(const Tool& tool) {
  return {{"name", tool.name}, {"description", tool.description}, {"inputSchema", tool.input_schema}};
}

// A tool of the task fixtures (tasks.hpp): a job instead of a handler,
// declared with execution.taskSupport "optional" or "required" ("": never a task).
struct TaskTool {
  Tool tool;  // handler unused
  std::string task_support;
  TaskJob job;
  // Runs in the tools/call request before the task is created (it may ask
  // the client); its result is merged into the job's arguments.
  ToolHandler prepare = nullptr;
};

// The conformance suite's task fixtures (tasks-* scenarios, SEP-2663, through a bridge).
json task_arguments_schema() {
  return {{"type", "object"},
          {"properties", {{"seconds", {{"type", "number"}}}, {"label", {{"type", "string"}}}}}};
}

double seconds_argument(const json& arguments) {
  auto it = arguments.find("seconds");
  double seconds = it != arguments.end() && it->is_number() ? it->get<double>() : 1.0;
  return std::clamp(seconds, 0.0, 300.0);
}

std::string elicited(const json& result, std::string_view field, std::string fallback) {
  return string_field(read_elicitation(result).content, field, std::move(fallback));
}

json confirm_delete_schema() {
  return {{"type", "object"}, {"properties", {{"confirm", {{"type", "boolean"}}}}}, {"required", {"confirm"}}};
}

const std::vector<TaskTool>& task_tools() {
  static const std::vector<TaskTool> tools = {
      // sync-only (tasks-lifecycle, -dispatch-and-envelope, -request-headers):
      // no taskSupport, so never a task
      {{"greet", "Greets by name (never a task)", string_argument("name", "Who to greet"), nullptr}, "",
       [](TaskContext& task) -> asio::awaitable<json> {
         co_return text_result("Hello, " + required_string(task.arguments, "name", 256) + "!");
       }},
      // tasks-lifecycle, -capability-negotiation, -wire-fields, ...: sleeps
      // `seconds`, then answers; cancellable while it sleeps
      {{"slow_compute", "Computes for `seconds` seconds", task_arguments_schema(), nullptr}, "optional",
       [](TaskContext& task) -> asio::awaitable<json> {
         const double seconds = seconds_argument(task.arguments);
         co_await sleep_for(std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000)));
         co_return text_result("Computed " + string_field(task.arguments, "label", "result") + " in " +
                               std::to_string(seconds).substr(0, 5) + " s");
       }},
      // a tool execution error after ~1 s; declared required (tasks-required-task-error)
      {{"failing_job", "Fails with a tool error after about a second", no_arguments(), nullptr}, "required",
       [](TaskContext&) -> asio::awaitable<json> {
         co_await sleep_for(1s);
         json result = text_result("failing_job failed, as it always does");
         result["isError"] = true;
         co_return result;
       }},
      // a protocol-level error: the task fails with a JSON-RPC error
      {{"protocol_error_job", "Fails with a JSON-RPC error", no_arguments(), nullptr}, "optional",
       [](TaskContext&) -> asio::awaitable<json> {
         co_await sleep_for(200ms);
         throw McpError(error_code::kInternalError, "protocol_error_job hit an internal error");
       }},
      // tasks-mrtr-input: one elicitation/create, then done
      {{"confirm_delete", "Asks before deleting `filename`", string_argument("filename", "File to delete"), nullptr},
       "optional",
       [](TaskContext& task) -> asio::awaitable<json> {
         std::string filename = required_string(task.arguments, "filename", 256);
         json answer = co_await task_elicit(task, "Delete " + filename + "?", confirm_delete_schema(), "confirm_delete");
         auto reply = read_elicitation(answer);
         bool yes = reply.action == "accept" && reply.content.value("confirm", false) == true;
         co_return text_result(yes ? "Deleted " + filename : "Kept " + filename);
       }},
      // tasks-mrtr-input partial fulfillment: two elicitations pending at once
      {{"multi_input", "Asks two questions at once", no_arguments(), nullptr}, "optional",
       [](TaskContext& task) -> asio::awaitable<json> {
         if (!task.task) {  // synchronous: one after the other on the request stream
           json first = co_await task_elicit(task, "First name?", name_schema("name"), "first");
           json second = co_await task_elicit(task, "Second name?", name_schema("name"), "second");
           co_return text_result("Got " + elicited(first, "name", "?") + " and " + elicited(second, "name", "?"));
         }
         auto first = start_task_input(task, "First name?", name_schema("name"), "first");
         auto second = start_task_input(task, "Second name?", name_schema("name"), "second");
         json a = co_await await_task_input(task, first);
         json b = co_await await_task_input(task, second);
         co_return text_result("Got " + elicited(a, "name", "?") + " and " + elicited(b, "name", "?"));
       }},
      // tasks-mrtr-composition: asks user_name in the request, then becomes a task
      {{"test_tool_with_task", "Asks your name, then greets you from a task", no_arguments(), nullptr}, "required",
       [](TaskContext& task) -> asio::awaitable<json> {
         co_await sleep_for(200ms);
         co_return text_result("Hello, " + string_field(task.arguments, "name", "stranger") + "! (from a task)");
       },
       [](ToolCall& call) -> asio::awaitable<json> {
         auto answer = co_await elicit(call.context, "What is your name?", name_schema("name"), "user_name");
         co_return json{{"name", string_field(answer.content, "name", "stranger")}};
       }},
  };
  return tools;
}

json describe(const TaskTool& task_tool) {
  json out = describe(task_tool.tool);
  if (!task_tool.task_support.empty()) out["execution"] = {{"taskSupport", task_tool.task_support}};
  return out;
}

// tools.mdx / tasks.mdx "Tool-Level Negotiation": a `task` param on a tool
// without task support, or none on a tool that requires it, is -32601.
asio::awaitable<json> call_task_tool(const TaskTool& tool, RequestContext& context, const json& arguments) {
  const bool as_task = context.params.contains("task") && context.params["task"].is_object();
  if (!as_task && tool.task_support == "required")
    throw McpError(error_code::kMethodNotFound, "Tool " + tool.tool.name + " must be called as a task");
  json job_arguments = arguments;
  if (tool.prepare) {
    ToolCall call{context, arguments};
    json prepared = co_await tool.prepare(call);
    job_arguments.update(prepared);
  }
  if (as_task && tool.task_support.empty())
    throw McpError(error_code::kMethodNotFound, "Tool " + tool.tool.name + " does not support tasks");
  if (as_task) co_return start_task(context, std::move(job_arguments), tool.job);
  TaskContext sync{context.session, std::move(job_arguments), nullptr, &context};
  co_return co_await tool.job(sync);
}

}  // namespace

std::string required_string(const json& arguments, std::string_view name, std::size_t max_length) {
  auto it = arguments.find(name);
  if (it == arguments.end() || !it->is_string())
    throw McpError(error_code::kInvalidParams, "Missing or non-string argument: " + std::string(name));
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() > max_length)
    throw McpError(error_code::kInvalidParams, "Argument too long: " + std::string(name));
  return value;
}

json list_tools(const Server& server) {
  json tools = json::array();
  for (const auto& tool : static_tools()) tools.push_back(describe(tool));
  for (const auto& task_tool : task_tools()) tools.push_back(describe(task_tool));
  if (server.dynamic_tool_enabled()) tools.push_back(describe(dynamic_tool()));
  return {{"tools", std::move(tools)}};
}

asio::awaitable<json> call_tool(RequestContext& context) {
  std::string name = required_string(context.params, "name", 128);
  static const json kNoArguments = json::object();
  auto arguments = context.params.find("arguments");
  if (arguments != context.params.end() && !arguments->is_object() && !arguments->is_null())
    throw McpError(error_code::kInvalidParams, "tools/call: arguments must be an object");
  const json& args = arguments != context.params.end() && arguments->is_object() ? *arguments : kNoArguments;

  for (const auto& task_tool : task_tools())
    if (task_tool.tool.name == name) co_return co_await call_task_tool(task_tool, context, args);
  const Tool* tool = nullptr;
  for (const auto& candidate : static_tools())
    if (candidate.name == name) tool = &candidate;
  if (!tool && name == dynamic_tool().name && context.session.server().dynamic_tool_enabled())
    tool = &dynamic_tool();
  if (!tool) throw McpError(error_code::kInvalidParams, "Unknown tool: " + name);

  if (context.params.contains("task") && context.params["task"].is_object())  // tasks.mdx "Tool-Level Negotiation"
    throw McpError(error_code::kMethodNotFound, "Tool " + name + " does not support tasks");
  ToolCall call{context, args};
  co_return co_await tool->handler(call);
}

}  // namespace legacy
