// Incremental, bounded parser for a text/event-stream body (WHATWG HTML
// "Server-sent events", section "Interpreting an event stream"). Beast parses
// the HTTP framing (chunked encoding etc.); this turns the body bytes into
// events. Pure: no sockets, no Asio.
//
// Every byte comes from an upstream we do not trust, so a single line or event
// larger than `max_event_bytes` is an error rather than an unbounded buffer.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcp::upstream {

struct SseEvent {
  std::string type;  // "message" when the stream gave no `event:` field
  std::string data;  // `data:` lines joined with '\n'
  std::string id;    // the stream's last event id when this event was dispatched
};

class SseParser {
 public:
  explicit SseParser(std::size_t max_event_bytes = 4 * 1024 * 1024);

  // Parses `chunk` (any split of the stream is fine, even inside a CRLF) and
  // appends every completed event to `out`. Returns false once the stream
  // broke a bound; the parser then stays failed and error() says why.
  bool feed(std::string_view chunk, std::vector<SseEvent>& out);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  // The `id:` most recently seen (also set by events without data, e.g. the
  // MCP "priming" event) — sent back as Last-Event-ID when resuming.
  const std::string& last_event_id() const { return last_event_id_; }
  // The most recent valid `retry:` field: how long to wait before reconnecting.
  std::optional<std::chrono::milliseconds> retry() const { return retry_; }

 private:
  void process_line(std::string_view line, std::vector<SseEvent>& out);
  void dispatch(std::vector<SseEvent>& out);

  std::size_t max_event_bytes_;
  std::string line_;           // the current, unterminated line
  std::string data_;           // data buffer of the event being built
  bool has_data_ = false;      // at least one data: field seen for this event
  std::string event_type_;
  std::string last_event_id_;
  std::optional<std::chrono::milliseconds> retry_;
  bool after_cr_ = false;      // previous chunk ended in CR: a leading LF belongs to it
  bool at_stream_start_ = true;  // a UTF-8 BOM may only appear here
  std::string error_;
};

}  // namespace mcp::upstream
