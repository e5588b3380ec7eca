#include "server.hpp"

#include "session.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace legacy {

bool Server::add_session(std::shared_ptr<Session> session) {
  if (sessions_.size() >= options_.max_sessions) return false;
  sessions_.emplace(session->id(), std::move(session));
  return true;
}

std::shared_ptr<Session> Server::find_session(const std::string& id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void Server::remove_session(const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second->close();
  sessions_.erase(it);
  spdlog::info("session {} ended ({} left)", id, sessions_.size());
}

std::size_t Server::expire_idle_sessions(std::chrono::steady_clock::duration idle) {
  auto now = std::chrono::steady_clock::now();
  std::vector<std::string> expired;
  for (auto& [id, session] : sessions_)
    if (now - session->last_activity() > idle) expired.push_back(id);
  for (auto& id : expired) remove_session(id);
  return expired.size();
}

void Server::close_all_sessions() {
  for (auto& [id, session] : sessions_) session->close();
  sessions_.clear();
}

void Server::broadcast(const json& notification) {
  for (auto& [id, session] : sessions_) session->send_unrelated(notification);
}

void Server::notify_resource_updated(const std::string& uri) {
  json notification = make_notification(method::kResourceUpdated, {{"uri", uri}});
  for (auto& [id, session] : sessions_)
    if (session->is_subscribed(uri)) session->send_unrelated(notification);
}

}  // namespace legacy
