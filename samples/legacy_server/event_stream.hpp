// A bounded, replayable log of SSE events for one HTTP stream: either the
// stream of one POSTed request or a session's standalone GET stream. The
// request side appends (send/finish), one HTTP writer at a time drains it.
// Event ids are "<stream id>-<seq>", so Last-Event-ID names the stream to
// resume (SEP-1699) and messages are never replayed onto another stream.
#pragma once

#include "outbound.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace legacy {

namespace asio = boost::asio;

class EventStream : public Outbound {
 public:
  struct Event {
    std::uint64_t seq;
    std::string data;
  };

  EventStream(asio::any_io_executor executor, std::string id, std::size_t max_events);

  void send(const json& message) override;
  void finish() override;
  void close_stream() override;

  const std::string& id() const { return id_; }
  std::string event_id(std::uint64_t seq) const { return id_ + "-" + std::to_string(seq); }
  bool finished() const { return finished_; }
  bool close_requested() const { return close_requested_; }
  void clear_close_request() { close_requested_ = false; }
  std::uint64_t next_seq() const { return next_seq_; }
  const std::deque<Event>& events() const { return events_; }
  // Sequence of the oldest event still held (events before it were dropped).
  std::uint64_t first_held_seq() const { return events_.empty() ? next_seq_ : events_.front().seq; }

  // Where a new writer of a standalone stream starts: after what was delivered.
  std::uint64_t delivered_up_to() const { return delivered_up_to_; }
  void mark_delivered(std::uint64_t next) { delivered_up_to_ = next; }

  bool writer_attached() const { return writer_attached_; }
  void set_writer_attached(bool attached) { writer_attached_ = attached; }

  // Suspends until something is appended, the stream finishes or closes,
  // or `timeout` passes (for keep-alives).
  asio::awaitable<void> wait(std::chrono::steady_clock::duration timeout);

  // "id: <stream>-<seq>" parsed back; nullopt if it is not ours.
  static std::optional<std::pair<std::string, std::uint64_t>> parse_event_id(std::string_view text);

 private:
  void wake() { signal_.cancel(); }

  std::string id_;
  std::size_t max_events_;
  std::deque<Event> events_;
  std::uint64_t next_seq_ = 1;  // seq 0 is the priming event
  std::uint64_t delivered_up_to_ = 1;
  bool finished_ = false;
  bool close_requested_ = false;
  bool writer_attached_ = false;
  asio::steady_timer signal_;
};

}  // namespace legacy
