#include "translate/tasks.hpp"

#include <array>

#include "translate/base64.hpp"
#include "translate/input_required.hpp"

namespace mcp::translate {
namespace {

const json* object_at(const json& parent, std::string_view key) {
  if (!parent.is_object()) return nullptr;
  auto it = parent.find(std::string(key));
  return it != parent.end() && it->is_object() ? &*it : nullptr;
}

bool valid_status(const json& status) {
  static constexpr std::array<std::string_view, 5> kStatuses{"working", "input_required", "completed", "failed",
                                                            "cancelled"};
  if (!status.is_string()) return false;
  for (auto s : kStatuses)
    if (status.get_ref<const std::string&>() == s) return true;
  return false;
}

}  // namespace

bool upstream_supports_tool_tasks(const json& initialize_result) {
  const json* caps = object_at(initialize_result, "capabilities");
  const json* tasks = caps ? object_at(*caps, "tasks") : nullptr;
  const json* requests = tasks ? object_at(*tasks, "requests") : nullptr;
  const json* tools = requests ? object_at(*requests, "tools") : nullptr;
  return tools && object_at(*tools, "call");
}

bool client_declares_tasks(const json& client_capabilities) {
  const json* extensions = object_at(client_capabilities, "extensions");
  return extensions && object_at(*extensions, kTasksExtension);
}

bool is_task_method(std::string_view method) {
  return method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel";
}

json tasks_required_capability_data() {
  return json{{"requiredCapabilities", {{"extensions", {{std::string(kTasksExtension), json::object()}}}}}};
}

TaskAugmentation decide_task_augmentation(const json* tool, bool client_declares, bool upstream_supports) {
  if (!upstream_supports || !tool || !tool->is_object()) return TaskAugmentation::None;
  const json* execution = object_at(*tool, "execution");
  if (!execution) return TaskAugmentation::None;
  auto support = execution->find("taskSupport");
  if (support == execution->end() || !support->is_string()) return TaskAugmentation::None;
  const auto& value = support->get_ref<const std::string&>();
  if (value == "optional") return client_declares ? TaskAugmentation::Augment : TaskAugmentation::None;
  if (value == "required")
    return client_declares ? TaskAugmentation::Augment : TaskAugmentation::MissingClientCapability;
  return TaskAugmentation::None;  // "forbidden" or unknown
}

json with_task_augmentation(json legacy_request, bool augment) {
  if (!legacy_request.is_object()) return legacy_request;
  auto params = legacy_request.find("params");
  if (params == legacy_request.end() || !params->is_object()) {
    if (augment) legacy_request["params"] = {{"task", json::object()}};
    return legacy_request;
  }
  params->erase("task");
  if (augment) (*params)["task"] = json::object();
  return legacy_request;
}

std::optional<json> created_task_of(const json& legacy_response) {
  const json* result = object_at(legacy_response, "result");
  const json* task = result ? object_at(*result, "task") : nullptr;
  if (!task) return std::nullopt;
  auto id = task->find("taskId");
  if (id == task->end() || !id->is_string() || id->get_ref<const std::string&>().empty()) return std::nullopt;
  return *task;
}

json to_modern_task(const json& legacy_task, const std::string& handle) {
  const json& task = legacy_task.is_object() ? legacy_task : json::object();
  json out{{"taskId", handle}};
  auto status = task.find("status");
  out["status"] = status != task.end() && valid_status(*status) ? *status : json("working");
  for (std::string_view key : std::array<std::string_view, 3>{"statusMessage", "createdAt", "lastUpdatedAt"}) {
    auto it = task.find(std::string(key));
    if (it != task.end() && it->is_string()) out[std::string(key)] = *it;
  }
  // Integer milliseconds only (SEP-2663 renamed ttl/pollInterval with the unit).
  auto ttl = task.find("ttl");
  out["ttlMs"] = ttl != task.end() && ttl->is_number_integer() && ttl->get<std::int64_t>() > 0 ? *ttl : json(nullptr);
  auto poll = task.find("pollInterval");
  if (poll != task.end() && poll->is_number_integer() && poll->get<std::int64_t>() > 0) out["pollIntervalMs"] = *poll;
  return out;
}

json make_create_task_result(const json& legacy_task, const std::string& handle) {
  json out = to_modern_task(legacy_task, handle);
  out["resultType"] = "task";
  return out;
}

json make_detailed_task(const json& legacy_task, const std::string& handle, const json& outcome,
                        const json& input_requests) {
  json out = to_modern_task(legacy_task, handle);
  out["resultType"] = "complete";
  const std::string status = out["status"].get<std::string>();
  if (status == "input_required") {
    if (input_requests.is_object() && !input_requests.empty())
      out["inputRequests"] = input_requests;
    else
      out["status"] = "working";
  } else if ((status == "completed" || status == "failed") && outcome.is_object()) {
    if (const json* error = object_at(outcome, "error")) {
      out["status"] = "failed";
      out["error"] = *error;
    } else if (const json* result = object_at(outcome, "result")) {
      json inlined = *result;
      if (auto meta = inlined.find("_meta"); meta != inlined.end() && meta->is_object()) {
        meta->erase(std::string(kRelatedTaskMeta));
        if (meta->empty()) inlined.erase("_meta");
      }
      out["status"] = "completed";
      out["result"] = std::move(inlined);
    }
  }
  return out;
}

json make_task_ack() { return json{{"resultType", "complete"}}; }

json to_task_input_request(const json& server_request) {
  json entry = to_input_request(server_request);
  auto params = entry.find("params");
  if (params == entry.end() || !params->is_object()) return entry;
  auto meta = params->find("_meta");
  if (meta == params->end() || !meta->is_object()) return entry;
  meta->erase(std::string(kRelatedTaskMeta));
  if (meta->empty()) params->erase("_meta");
  return entry;
}

std::optional<std::string> related_task_of(const json& server_request) {
  const json* params = object_at(server_request, "params");
  const json* meta = params ? object_at(*params, "_meta") : nullptr;
  const json* related = meta ? object_at(*meta, kRelatedTaskMeta) : nullptr;
  if (!related) return std::nullopt;
  auto id = related->find("taskId");
  if (id == related->end() || !id->is_string() || id->get_ref<const std::string&>().empty()) return std::nullopt;
  return id->get<std::string>();
}

bool is_terminal_task_status(std::string_view status) {
  return status == "completed" || status == "failed" || status == "cancelled";
}

std::string encode_task_descriptor(const TaskDescriptor& d) {
  return base64_encode(json{{"t", d.upstream_task_id}, {"c", d.capabilities_canonical}, {"l", d.log_level}}.dump());
}

std::optional<TaskDescriptor> decode_task_descriptor(std::string_view encoded) {
  auto text = base64_decode(encoded);
  if (!text) return std::nullopt;
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto t = j.find("t"), c = j.find("c"), l = j.find("l");
  if (t == j.end() || c == j.end() || l == j.end() || !t->is_string() || !c->is_string() || !l->is_string())
    return std::nullopt;
  if (t->get_ref<const std::string&>().empty()) return std::nullopt;
  return TaskDescriptor{t->get<std::string>(), c->get<std::string>(), l->get<std::string>()};
}

}  // namespace mcp::translate
