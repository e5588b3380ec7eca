// The server's features, one file each: tools.cpp, resources.cpp,
// prompts.cpp, completions.cpp. Session::dispatch routes to these.
#pragma once

#include "protocol.hpp"
#include "session.hpp"
#include "tasks.hpp"

#include <boost/asio/awaitable.hpp>

namespace legacy {

class Server;

// The capabilities object of our InitializeResult.
json server_capabilities();

json list_tools(const Server& server);
asio::awaitable<json> call_tool(RequestContext& context);

json list_resources(const Server& server);
json list_resource_templates();
json read_resource(const Server& server, const json& params);
bool resource_exists(const Server& server, const std::string& uri);
inline constexpr std::string_view kWatchedResourceUri = "test://watched-resource";

json list_prompts(const Server& server);
asio::awaitable<json> get_prompt(RequestContext& context);

json complete(const json& params);

// Reads a string argument, or throws McpError(-32602) naming it.
std::string required_string(const json& arguments, std::string_view name,
                            std::size_t max_length = 4096);

}  // namespace legacy
