#include "bridge/log_level.hpp"

#include "translate/wire_text.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace mcp::bridge {

using json = nlohmann::json;

boost::asio::awaitable<void> apply_log_level(pool::SessionKey key, std::shared_ptr<upstream::UpstreamSession> session) {
  if (key.log_level.empty()) co_return;
  const json& init = session->initialize_result();
  const bool declares_logging = init.is_object() && init.contains("capabilities") &&
                                init["capabilities"].is_object() && init["capabilities"].contains("logging") &&
                                init["capabilities"]["logging"].is_object();
  if (!declares_logging) {
    spdlog::debug("bridge: upstream declares no logging capability; not sending logging/setLevel");
    co_return;
  }
  json request{{"jsonrpc", "2.0"},
               {"id", session->next_request_id()},
               {"method", "logging/setLevel"},
               {"params", {{"level", key.log_level}}}};
  // Bounded by the pool's start_timeout (this runs inside the session's start).
  json response = co_await session->call(std::move(request), {}, {});
  if (!response.is_object() || !response.contains("result"))
    spdlog::warn("bridge: upstream refused logging/setLevel {}: {}", key.log_level,
                 response.is_object() && response.contains("error") ? translate::abbreviate(response["error"].dump(), 300)
                                                                    : std::string("malformed response"));
  else
    spdlog::debug("bridge: upstream session log level set to {}", key.log_level);
}

LogRouter::Attachment& LogRouter::Attachment::operator=(Attachment&& o) noexcept {
  if (this != &o) {
    reset();
    router_ = std::move(o.router_);
    key_ = std::move(o.key_);
    id_ = o.id_;
  }
  return *this;
}

void LogRouter::Attachment::reset() {
  if (router_) router_->detach(key_, id_);
  router_.reset();
}

LogRouter::Attachment LogRouter::attach(const std::shared_ptr<LogRouter>& self, const pool::SessionKey& key,
                                        Deliver deliver) {
  std::uint64_t id;
  {
    std::lock_guard lock(self->mu_);
    id = ++self->next_id_;
    self->by_key_[key][id] = std::make_shared<Deliver>(std::move(deliver));
  }
  return Attachment(self, key, id);
}

void LogRouter::detach(const pool::SessionKey& key, std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  it->second.erase(id);
  if (it->second.empty()) by_key_.erase(it);
}

std::size_t LogRouter::deliver(const pool::SessionKey& key, const json& notification) {
  std::vector<std::shared_ptr<Deliver>> targets;
  {
    std::lock_guard lock(mu_);
    auto it = by_key_.find(key);
    if (it != by_key_.end())
      for (const auto& [id, d] : it->second) targets.push_back(d);
  }
  for (const auto& d : targets) (*d)(notification);
  return targets.size();
}

std::size_t LogRouter::attached() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [key, m] : by_key_) n += m.size();
  return n;
}

}  // namespace mcp::bridge
