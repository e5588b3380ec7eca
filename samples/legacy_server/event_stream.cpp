#include "event_stream.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

namespace legacy {

EventStream::EventStream(asio::any_io_executor executor, std::string id, std::size_t max_events)
    : id_(std::move(id)), max_events_(max_events), signal_(std::move(executor)) {}

void EventStream::send(const json& message) {
  if (finished_) return;
  if (events_.size() >= max_events_) {
    // Bounded: a client that never reads loses the oldest events, not our memory.
    spdlog::warn("stream {}: event buffer full, dropping event {}", id_, events_.front().seq);
    events_.pop_front();
  }
  events_.push_back({next_seq_++, to_wire(message)});
  wake();
}

void EventStream::finish() {
  finished_ = true;
  wake();
}

void EventStream::close_stream() {
  close_requested_ = true;
  wake();
}

asio::awaitable<void> EventStream::wait(std::chrono::steady_clock::duration timeout) {
  signal_.expires_after(timeout);
  boost::system::error_code ignored;
  co_await signal_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

std::optional<std::pair<std::string, std::uint64_t>> EventStream::parse_event_id(std::string_view text) {
  auto dash = text.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || text.size() > 128) return std::nullopt;
  std::uint64_t seq = 0;
  auto digits = text.substr(dash + 1);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return std::make_pair(std::string(text.substr(0, dash)), seq);
}

}  // namespace legacy
